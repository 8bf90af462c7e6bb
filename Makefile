# actbench: the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
PKGS    ?= ./...
BENCHTIME ?= 1s

# Results records carry the commit they were produced by.
LDFLAGS := -X github.com/actbench/actbench/runner.Commit=$(shell git rev-parse HEAD 2>/dev/null)

# The OpenBLAS oracle backend needs cgo and Debian's libopenblas-dev; where the
# header is missing, its test pass is skipped with a note (.ci/run installs it).
HAVE_OPENBLAS := $(shell printf '\043include <cblas.h>\n' | $${CC:-cc} -E -x c - >/dev/null 2>&1 && echo yes)

.PHONY: run test test-simd test-purego test-openblas vet bench bench-compare build fuzz generate fidelity

## run: the main job, the default benchmark preset
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/actbench run

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/actbench ./cmd/actbench

## test: vet, then the whole suite on the SIMD path, again on the forced
## pure-Go path, and the GEMM users on the OpenBLAS oracle where it is installed
test: vet test-simd test-purego test-openblas

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) vet -tags purego ./kernels/...
ifeq ($(HAVE_OPENBLAS),yes)
	$(GO) vet -tags openblas ./kernels/gemm/...
endif

test-simd:
	$(GO) test -count=1 $(PKGS)

# ACTBENCH_SIMD=off makes every kernel take its pure-Go path (activations) or
# gonum (GEMM), so the fallback is tested on every machine.
test-purego:
	ACTBENCH_SIMD=off $(GO) test -count=1 ./kernels/... ./activations/... ./layers/... ./models/... ./trainer/...

test-openblas:
ifeq ($(HAVE_OPENBLAS),yes)
	ACTBENCH_GEMM=openblas $(GO) test -tags openblas -count=1 ./kernels/gemm/... ./layers/...
else
	@echo "test-openblas: skipped (no cblas.h: apt-get install libopenblas-dev)"
endif

## bench: the microbenchmarks (activations, GEMM, layers, data pipeline) and
## the model zoo's training and evaluation steps (BenchmarkTrainStep and
## BenchmarkEvalStep, model/act sub-benchmarks; BENCH=regexp selects)
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) ./kernels/... ./activations/... ./layers/... ./datasets/... ./stats/... ./trainer/...

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test ./registry -run '^$$' -fuzz FuzzParse -fuzztime 30s
	$(GO) test ./kernels/act -run '^$$' -fuzz FuzzPaths -fuzztime 30s
	$(GO) test ./kernels/gemm -run '^$$' -fuzz FuzzSgemm -fuzztime 30s

## generate: regenerate the avo assembly and check it matches what is committed
generate:
	cd kernels/act && $(GO) generate .
	cd kernels/gemm/internal/kernel && $(GO) generate .
	cd kernels/wino && $(GO) generate .
	cd kernels/norm && $(GO) generate .
	cd kernels/pool && $(GO) generate .
	cd kernels/optim && $(GO) generate .
	git diff --exit-code -- kernels/act kernels/gemm/internal/kernel kernels/wino kernels/norm kernels/pool kernels/optim

## bench-compare: the training step of simplecnn, resnet20 and vgg16 x relu,
## pvlu, gelu here and in PyTorch 1.13 (Debian's python3-torch), interleaved
## in one run, printed as one table with ratios; run it on an idle machine.
## COMPARE_FLAGS="--rounds 3 --isa avx2" caps both sides at AVX2 (an AVX2-only
## machine emulated on an AVX-512 one)
COMPARE_FLAGS ?= --rounds 3
bench-compare:
	/usr/bin/python3 benchmarks/torchref/compare.py --models simplecnn,resnet20,vgg16 --acts relu,pvlu,gelu $(COMPARE_FLAGS)

## fidelity: actbench against PyTorch 1.13 (Debian's python3-torch) on the same CIFAR-10
## images and recipe (VGG-16-BN and the simple CNN, SGD + cosine + crop/flip, 3 seeds
## each), ending in one table with the mean difference in pp and whether it is within
## 1 pp. Not part of `make test`. About 50 min on two idle cores with the defaults;
## FIDELITY_ARGS="--models simplecnn" about 5 min; --help lists the knobs
## (--train, --epochs, --seeds, --crop-pad, --init, --lr-step, --cifar DIR, ...).
## Results are cached in runs/fidelity, so an interrupted check resumes.
FIDELITY_ARGS ?=
fidelity: build
	/usr/bin/python3 benchmarks/torchref/fidelity.py --actbench bin/actbench $(FIDELITY_ARGS)
