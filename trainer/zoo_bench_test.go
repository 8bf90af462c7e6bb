package trainer

import (
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	_ "github.com/actbench/actbench/activations"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/registry"
)

// The model-zoo speed benchmarks: one training step (forward, softmax
// cross-entropy, backward, Adam; what Run does per batch) and one
// evaluation-mode forward pass, at batch 128 on random CIFAR-shaped input
// (3x32x32, 10 classes), for every model of the zoo and the common
// activations. Sub-benchmarks are named model/act, so that
//
//	go test -run '^$' -bench 'TrainStep/vgg16/relu$' -benchtime 10x ./trainer/
//
// runs one of them (anchor the names: 'relu$' alone also matches prelu), and
// -test.cpu N sets the thread count (GOMAXPROCS, layers and GEMM: what
// --threads N sets). Each reports images/s and peak-MiB: the Go heap the
// model holds once warm (live heap after a GC with the model alive, minus
// the live heap before it was built). A warm step allocates nothing (see
// TestTrainStepAllocatesNothing), so that is the heap's peak during the
// steps too: parameters, gradients, optimiser state, every layer's output
// and gradient buffers and the GEMM packing buffers. It leaves out goroutine
// stacks and the runtime's own overhead (a few MiB), which PyTorch's RSS
// includes. cpu-ms/op is the process's CPU time (user+system, all threads)
// per step: on a machine shared with other work it moves far less than the
// wall time, so A/B comparisons under load should read it too.

const zooBenchBatch = 128

var zooBenchModels = []string{"simplecnn", "mlp", "resnet20", "resnet56", "vgg11", "vgg16", "vgg19"}

var zooBenchActs = []struct{ name, spec string }{
	{"relu", "relu"},
	{"pvlu", "pvlu(a=0.1,b=1)"},
	{"prelu", "prelu"},
	{"gelu", "gelu"},
	{"silu", "silu"},
	{"elu", "elu"},
	{"mish", "mish"},
}

// cpuTime returns the CPU time (user+system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportZoo adds the images/s, cpu-ms/op and peak-MiB metrics, and the
// trainable parameter count (activation parameters included) that
// benchmarks/torchref/compare checks against the PyTorch model's.
func reportZoo(b *testing.B, s *stepper, cpu0 time.Duration, peak uint64) {
	b.ReportMetric(float64(zooBenchBatch)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	c := s.m.Counts()
	b.ReportMetric(float64(c.Params+c.ActParams), "params")
}

// liveHeapBytes returns the live heap after a full collection.
func liveHeapBytes() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// zooThreads makes the layers and the GEMM use GOMAXPROCS threads (set by
// -test.cpu), as --threads does, for the benchmark that calls it.
func zooThreads(b *testing.B) {
	old := gemm.Threads()
	gemm.SetThreads(runtime.GOMAXPROCS(0))
	b.Cleanup(func() { gemm.SetThreads(old) })
}

func BenchmarkTrainStep(b *testing.B) {
	zooThreads(b)
	for _, model := range zooBenchModels {
		b.Run(model, func(b *testing.B) {
			for _, act := range zooBenchActs {
				b.Run(act.name, func(b *testing.B) {
					base := liveHeapBytes()
					s := newStepper(b, model, act.spec, zooBenchBatch, []int{3, 32, 32}, 10)
					s.step()
					s.step()
					peak := liveHeapBytes() - base
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := cpuTime()
					for b.Loop() {
						s.step()
					}
					reportZoo(b, s, cpu0, peak)
					runtime.KeepAlive(s)
				})
			}
		})
	}
}

// BenchmarkEvalStep is the evaluation-mode forward pass (inference: batch
// norm on running statistics, no dropout, no backward) of the same models.
func BenchmarkEvalStep(b *testing.B) {
	zooThreads(b)
	for _, model := range zooBenchModels {
		b.Run(model, func(b *testing.B) {
			for _, act := range zooBenchActs {
				b.Run(act.name, func(b *testing.B) {
					base := liveHeapBytes()
					s := newStepper(b, model, act.spec, zooBenchBatch, []int{3, 32, 32}, 10)
					s.m.Forward(s.x, false)
					peak := liveHeapBytes() - base
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := cpuTime()
					for b.Loop() {
						s.m.Forward(s.x, false)
					}
					reportZoo(b, s, cpu0, peak)
					runtime.KeepAlive(s)
				})
			}
		})
	}
}

// BenchmarkTrainStepEveryActivation is BenchmarkTrainStep for every
// registered activation at its defaults, on the simple CNN and ResNet-20
// (the models of the 1.25x-of-ReLU bound in the README's Performance
// section), named model/act:
//
//	go test -run '^$' -bench 'TrainStepEveryActivation/simplecnn' -benchtime 5x ./trainer/
//
// Compare each cpu-ms/op with relu's of the same run.
func BenchmarkTrainStepEveryActivation(b *testing.B) {
	zooThreads(b)
	for _, model := range []string{"simplecnn", "resnet20"} {
		b.Run(model, func(b *testing.B) {
			for _, name := range registry.Names() {
				b.Run(name, func(b *testing.B) {
					s := newStepper(b, model, name, zooBenchBatch, []int{3, 32, 32}, 10)
					s.step()
					b.ResetTimer()
					cpu0 := cpuTime()
					for b.Loop() {
						s.step()
					}
					reportZoo(b, s, cpu0, 0)
					runtime.KeepAlive(s)
				})
			}
		})
	}
}
