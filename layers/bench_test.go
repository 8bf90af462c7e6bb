package layers

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/actbench/actbench/kernels/gemm"
)

// Layer benchmarks on CIFAR shapes at batch 128 (the simple CNN's and
// ResNet's layers). Each reports GFLOP/s where the layer does arithmetic
// worth counting (2 flops per multiply-add; backward = weight gradient +
// input gradient = twice the forward), otherwise bytes/s via SetBytes (input
// read + output written), and allocations. Run with:
//
//	go test -run '^$' -bench . -benchmem -benchtime 20x ./layers/
const benchBatch = 128

type benchLayer struct {
	name  string
	l     Layer
	in    []int
	flops func() int64 // per example, forward; nil = memory-bound layer
}

func benchLayers() []benchLayer {
	var out []benchLayer
	for _, c := range []struct{ inC, outC, hw, k, stride, pad int }{
		{3, 32, 32, 3, 1, 1}, {32, 32, 32, 3, 1, 1}, {32, 64, 16, 3, 1, 1}, {64, 64, 16, 3, 1, 1},
		{64, 128, 16, 3, 2, 1}, {64, 128, 16, 1, 2, 0}, {128, 128, 8, 3, 1, 1},
		// ResNet-20's stages and VGG's small maps.
		{16, 16, 32, 3, 1, 1}, {16, 32, 32, 3, 2, 1}, {32, 32, 16, 3, 1, 1}, {32, 64, 16, 3, 2, 1}, {64, 64, 8, 3, 1, 1}, {128, 128, 16, 3, 1, 1}, {256, 256, 8, 3, 1, 1}, {512, 512, 4, 3, 1, 1}, {512, 512, 2, 3, 1, 1},
	} {
		l := NewConv2D("conv", c.outC, c.k, c.stride, c.pad, true)
		out = append(out, benchLayer{
			name:  fmt.Sprintf("Conv2D/%dx%dx%d-%dk%ds%d", c.inC, c.hw, c.hw, c.outC, c.k, c.stride),
			l:     l,
			in:    []int{c.inC, c.hw, c.hw},
			flops: l.FLOPs,
		})
	}
	for _, d := range []struct{ in, out int }{{4096, 512}, {512, 10}} {
		l := NewDense("fc", d.out, true)
		out = append(out, benchLayer{name: fmt.Sprintf("Dense/%d-%d", d.in, d.out), l: l, in: []int{d.in}, flops: l.FLOPs})
	}
	out = append(out,
		benchLayer{name: "BatchNorm2D/32x32x32", l: NewBatchNorm("bn", 0.1, 1e-5), in: []int{32, 32, 32}},
		benchLayer{name: "BatchNorm2D/64x16x16", l: NewBatchNorm("bn", 0.1, 1e-5), in: []int{64, 16, 16}},
		benchLayer{name: "BatchNorm1D/512", l: NewBatchNorm("bn", 0.1, 1e-5), in: []int{512}},
		benchLayer{name: "MaxPool2D/32x32x32-k2s2", l: NewMaxPool2D("p", 2, 2), in: []int{32, 32, 32}},
		benchLayer{name: "MaxPool2D/64x16x16-k2s2", l: NewMaxPool2D("p", 2, 2), in: []int{64, 16, 16}},
		benchLayer{name: "AvgPool2D/32x32x32-k2s2", l: NewAvgPool2D("p", 2, 2), in: []int{32, 32, 32}},
		benchLayer{name: "GlobalAvgPool/64x8x8", l: NewGlobalAvgPool("g"), in: []int{64, 8, 8}},
		benchLayer{name: "Dropout/32x16x16", l: NewDropout("d", 0.25), in: []int{32, 16, 16}},
		benchLayer{name: "Flatten/64x8x8", l: NewFlatten("f"), in: []int{64, 8, 8}},
		benchLayer{name: "Residual/add-32x16x16", l: NewResidual("r", NewSequential("body"), nil), in: []int{32, 16, 16}},
	)
	for _, spec := range []string{"relu", "pvlu", "pvlu(per=channel)", "gelu"} {
		a, err := NewActivation("act", spec)
		if err != nil {
			panic(err)
		}
		out = append(out, benchLayer{name: "Activation/" + spec + "/32x32x32", l: a, in: []int{32, 32, 32}})
	}
	return out
}

// cpuTime returns the CPU time (user+system, all threads) the process has
// used: the cpu-ms/op metric, steadier than wall time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkLayers(b *testing.B) {
	b.Logf("GEMM backend %s, %d threads", gemm.Backend(), gemm.Threads())
	for _, bl := range benchLayers() {
		out, err := bl.l.Setup(bl.in)
		if err != nil {
			b.Fatal(err)
		}
		if in, ok := bl.l.(Initializer); ok {
			in.Init(rand.New(rand.NewPCG(1, 2)))
		}
		rng := rand.New(rand.NewPCG(3, 4))
		x := randTensor(rng, append([]int{benchBatch}, bl.in...)...)
		dy := randTensor(rng, append([]int{benchBatch}, out...)...)
		bytes := int64(4 * benchBatch * (prod(bl.in) + prod(out)))
		report := func(b *testing.B, mult int64, cpu0 time.Duration) {
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			if bl.flops != nil {
				f := float64(mult*bl.flops()*benchBatch) * float64(b.N)
				b.ReportMetric(f/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			} else {
				b.SetBytes(bytes)
			}
		}
		b.Run(bl.name+"/forward", func(b *testing.B) {
			bl.l.Forward(x, true)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for range b.N {
				bl.l.Forward(x, true)
			}
			report(b, 1, cpu0)
		})
		b.Run(bl.name+"/backward", func(b *testing.B) {
			bl.l.Forward(x, true)
			bl.l.Backward(dy)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for range b.N {
				bl.l.Backward(dy)
			}
			report(b, 2, cpu0)
		})
	}
}

func BenchmarkSoftmaxCrossEntropy(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	z := randTensor(rng, benchBatch, 10)
	labels := make([]int32, benchBatch)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	ce := &SoftmaxCrossEntropy{LabelSmoothing: 0.1}
	ce.Forward(z, labels)
	b.ReportAllocs()
	b.SetBytes(4 * benchBatch * 10)
	b.ResetTimer()
	for range b.N {
		ce.Forward(z, labels)
		ce.Backward()
	}
}

// BenchmarkConvPaths times forward + backward of the 3x3, stride-1, pad-1
// convolutions of ResNet-20 and VGG-16 at batch 128 on the Winograd path
// ("wino") and on the path chosen without it ("nowino": shifted GEMMs or
// im2col), the measurement behind winoShape:
//
//	go test -run '^$' -bench ConvPaths -benchtime 3x -cpu 1 ./layers/
func BenchmarkConvPaths(b *testing.B) {
	defer func() { convPath = "" }()
	for _, c := range []struct{ inC, outC, hw int }{
		{3, 16, 32}, {3, 64, 32}, {8, 8, 32}, {16, 16, 32}, {32, 32, 16}, {32, 32, 32}, {64, 64, 8},
		{64, 64, 32}, {64, 128, 16}, {128, 128, 16}, {128, 256, 8}, {256, 256, 8}, {256, 512, 4}, {512, 512, 4}, {512, 512, 2},
	} {
		for _, path := range []string{"nowino", "wino"} {
			b.Run(fmt.Sprintf("%dx%dx%d-%d/%s", c.inC, c.hw, c.hw, c.outC, path), func(b *testing.B) {
				convPath = path
				l := NewConv2D("conv", c.outC, 3, 1, 1, false)
				out, err := l.Setup([]int{c.inC, c.hw, c.hw})
				if err != nil {
					b.Fatal(err)
				}
				l.Init(rand.New(rand.NewPCG(1, 2)))
				rng := rand.New(rand.NewPCG(3, 4))
				x := randTensor(rng, append([]int{benchBatch}, c.inC, c.hw, c.hw)...)
				dy := randTensor(rng, append([]int{benchBatch}, out...)...)
				l.Forward(x, true)
				l.Backward(dy)
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cpuTime()
				for range b.N {
					l.Forward(x, true)
					l.Backward(dy)
				}
				b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkBatchNormReLU times forward + backward of a BatchNorm followed
// by a ReLU at batch 128, as a Sequential runs them fused and as two
// layers ("unfused"):
//
//	go test -run '^$' -bench BatchNormReLU -benchtime 20x -cpu 1 ./layers/
func BenchmarkBatchNormReLU(b *testing.B) {
	defer func() { noFuse = false }()
	for _, in := range [][]int{{16, 32, 32}, {64, 16, 16}, {512, 2, 2}} {
		for _, fused := range []bool{true, false} {
			name := fmt.Sprintf("%dx%dx%d/fused", in[0], in[1], in[2])
			if !fused {
				name = fmt.Sprintf("%dx%dx%d/unfused", in[0], in[1], in[2])
			}
			b.Run(name, func(b *testing.B) {
				noFuse = !fused
				a, err := NewActivation("act", "relu")
				if err != nil {
					b.Fatal(err)
				}
				s := NewSequential("s", NewBatchNorm("bn", 0.1, 1e-5), a)
				if _, err := s.Setup(in); err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(3, 4))
				x := randTensor(rng, append([]int{benchBatch}, in...)...)
				dy := randTensor(rng, append([]int{benchBatch}, in...)...)
				s.Forward(x, true)
				s.Backward(dy)
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cpuTime()
				for range b.N {
					s.Forward(x, true)
					s.Backward(dy)
				}
				b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkResidualReLU is the forward pass of a Residual followed by a
// ReLU on ResNet-20's first-stage maps at batch 128 (the body is an
// identity, so the add and the ReLU are all there is), fused into one pass
// or run as two.
func BenchmarkResidualReLU(b *testing.B) {
	defer func() { noFuse = false }()
	for _, fused := range []bool{false, true} {
		b.Run(fmt.Sprintf("fused=%v", fused), func(b *testing.B) {
			noFuse = !fused
			s := NewSequential("s", NewResidual("r", NewSequential("body", NewDropout("id", 0)), nil), mustAct(b, "a", "relu"))
			if _, err := s.Setup([]int{16, 32, 32}); err != nil {
				b.Fatal(err)
			}
			x := randTensor(rand.New(rand.NewPCG(1, 2)), benchBatch, 16, 32, 32)
			s.Forward(x, true)
			b.ResetTimer()
			cpu0 := cpuTime()
			for range b.N {
				s.Forward(x, true)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
