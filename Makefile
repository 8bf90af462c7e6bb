# actbench: the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
PKGS    ?= ./...
BENCHTIME ?= 1s

# Results records carry the commit they were produced by.
LDFLAGS := -X github.com/actbench/actbench/benchmarks.Commit=$(shell git rev-parse HEAD 2>/dev/null)

.PHONY: run test test-simd test-purego vet bench build fuzz generate

## run: the main job, the default benchmark preset
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/actbench run

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/actbench ./cmd/actbench

## test: vet, then the whole suite on the SIMD path and again on the forced pure-Go path
test: vet test-simd test-purego

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

test-simd:
	$(GO) test -count=1 $(PKGS)

# ACTBENCH_SIMD=off makes every kernel take its pure-Go path (activations) or
# gonum (GEMM), so the fallback is tested on every machine.
test-purego:
	ACTBENCH_SIMD=off $(GO) test -count=1 ./kernels/... ./activations/... ./layers/...

## bench: the microbenchmarks (activations, GEMM, layers, data pipeline)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./kernels/... ./activations/... ./layers/... ./datasets/... ./stats/... ./trainer/...

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test ./registry -run '^$$' -fuzz FuzzParse -fuzztime 30s
	$(GO) test ./kernels/act -run '^$$' -fuzz FuzzPaths -fuzztime 30s

## generate: regenerate the avo assembly and check it matches what is committed
generate:
	cd kernels/act && $(GO) generate .
	git diff --exit-code -- kernels/act
