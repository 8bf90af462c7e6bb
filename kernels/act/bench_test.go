package act

import (
	"math/rand/v2"
	"testing"
)

// benchN is the benchmark size: 1M float32 (4 MiB per slice).
const benchN = 1 << 20

type benchData struct{ x, y, dy, dx, a, b, ga, gb []float32 }

func newBenchData() *benchData { return newBenchDataN(benchN) }

func newBenchDataN(benchN int) *benchData {
	rng := rand.New(rand.NewPCG(11, 12))
	d := &benchData{}
	for _, s := range []*[]float32{&d.x, &d.y, &d.dy, &d.dx, &d.a, &d.b, &d.ga, &d.gb} {
		*s = make([]float32, benchN)
	}
	for i := range d.x {
		d.x[i] = float32(rng.NormFloat64() * 2) // random signs: a branchy kernel would mispredict half the time
		d.dy[i] = float32(rng.NormFloat64())
		d.a[i], d.b[i] = 0.1, 1
	}
	return d
}

// benchPaths runs kernel once per supported path as sub-benchmarks
// "path=<name>", reporting bytes moved per call (SetBytes) and ns/element.
func benchPaths(b *testing.B, bytesPerElem int, kernel func(d *benchData)) {
	benchPathsN(b, benchN, bytesPerElem, kernel)
}

func benchPathsN(b *testing.B, benchN, bytesPerElem int, kernel func(d *benchData)) {
	d := newBenchDataN(benchN)
	saved := Path()
	defer SetPath(saved)
	for _, p := range Paths() {
		b.Run("path="+p, func(b *testing.B) {
			if err := SetPath(p); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(bytesPerElem * benchN))
			kernel(d) // warm: page faults, caches
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				kernel(d)
			}
			cpu1 := processCPU()
			n := float64(b.N) * float64(benchN)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/elem")
			if cpu0 >= 0 && cpu1 >= 0 {
				b.ReportMetric(float64(cpu1-cpu0)/n, "cpu-ns/elem")
			}
		})
	}
}

func BenchmarkReLU(b *testing.B) { benchPaths(b, 8, func(d *benchData) { ReLU(d.y, d.x) }) }

func BenchmarkReLUBackward(b *testing.B) {
	benchPaths(b, 12, func(d *benchData) { ReLUBackward(d.dx, d.dy, d.x) })
}

// BenchmarkReLUFwdBwd is one forward plus one backward pass, the unit of the
// issue's "PVLU forward+backward <= 1.5x ReLU's" target.
func BenchmarkReLUFwdBwd(b *testing.B) {
	benchPaths(b, 20, func(d *benchData) { ReLU(d.y, d.x); ReLUBackward(d.dx, d.dy, d.x) })
}

func BenchmarkLeakyReLU(b *testing.B) {
	benchPaths(b, 8, func(d *benchData) { LeakyReLU(d.y, d.x, 0.01) })
}

func BenchmarkLeakyReLUBackward(b *testing.B) {
	benchPaths(b, 12, func(d *benchData) { LeakyReLUBackward(d.dx, d.dy, d.x, 0.01) })
}

func BenchmarkPVLU(b *testing.B) { benchPaths(b, 8, func(d *benchData) { PVLU(d.y, d.x, 0.1, 1) }) }

func BenchmarkPVLUBackward(b *testing.B) {
	benchPaths(b, 12, func(d *benchData) { PVLUBackward(d.dx, d.dy, d.x, 0.1, 1) })
}

func BenchmarkPVLUFwdBwd(b *testing.B) {
	benchPaths(b, 20, func(d *benchData) { PVLU(d.y, d.x, 0.1, 1); PVLUBackward(d.dx, d.dy, d.x, 0.1, 1) })
}

func BenchmarkPVLURow(b *testing.B) {
	benchPaths(b, 16, func(d *benchData) { PVLURow(d.y, d.x, d.a, d.b) })
}

func BenchmarkPVLURowBackward(b *testing.B) {
	benchPaths(b, 36, func(d *benchData) { PVLURowBackward(d.dx, d.dy, d.x, d.a, d.b, d.ga, d.gb) })
}

func BenchmarkSin(b *testing.B) { benchPaths(b, 8, func(d *benchData) { Sin(d.y, d.x) }) }

// At 1M elements (4 MiB per slice) the ReLU family runs at the speed of the
// memory system, not of the core. The L1-resident versions (4096 elements,
// 16 KiB per slice) show the kernels' own speed.
const l1N = 4096

func BenchmarkReLUFwdBwdL1(b *testing.B) {
	benchPathsN(b, l1N, 20, func(d *benchData) { ReLU(d.y, d.x); ReLUBackward(d.dx, d.dy, d.x) })
}

func BenchmarkPVLUFwdBwdL1(b *testing.B) {
	benchPathsN(b, l1N, 20, func(d *benchData) { PVLU(d.y, d.x, 0.1, 1); PVLUBackward(d.dx, d.dy, d.x, 0.1, 1) })
}

// BenchmarkSmoothFwdBwd is one forward plus one backward pass of every
// smooth kernel at its defaults on 1M elements (compare with
// BenchmarkReLUFwdBwd and with benchmarks/torchref/bench_act.py):
//
//	go test ./kernels/act -run '^$' -bench 'FwdBwd'
func BenchmarkSmoothFwdBwd(b *testing.B) {
	for _, c := range smoothCases() {
		b.Run(c.name, func(b *testing.B) {
			benchPaths(b, 20, func(d *benchData) { c.fwd(d.y, d.x); c.bwd(d.dx, d.dy, d.x) })
		})
	}
}

// BenchmarkSmoothFwdBwdL1 is BenchmarkSmoothFwdBwd on L1-resident data (4096
// elements): the kernels' own speed, without the memory system.
func BenchmarkSmoothFwdBwdL1(b *testing.B) {
	for _, c := range smoothCases() {
		b.Run(c.name, func(b *testing.B) {
			benchPathsN(b, l1N, 20, func(d *benchData) { c.fwd(d.y, d.x); c.bwd(d.dx, d.dy, d.x) })
		})
	}
}

// convN is the simple CNN's first activation at batch 128, 128x32x32x32
// float32 (16 MiB per slice), the conv-sized tensor of
// benchmarks/torchref/bench_act.py.
const convN = 128 * 32 * 32 * 32

// BenchmarkSmoothFwdBwdConv is BenchmarkSmoothFwdBwd (and ReLU's) on the
// conv-sized tensor, on the fastest path only.
func BenchmarkSmoothFwdBwdConv(b *testing.B) {
	cases := append([]smoothCase{{name: "relu",
		fwd: ReLU, bwd: ReLUBackward}}, smoothCases()...)
	d := newBenchDataN(convN)
	saved := Path()
	defer SetPath(saved)
	if err := SetPath(Paths()[0]); err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.name+"/path="+Path(), func(b *testing.B) {
			b.SetBytes(20 * convN)
			c.fwd(d.y, d.x)
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				c.fwd(d.y, d.x)
				c.bwd(d.dx, d.dy, d.x)
			}
			cpu1 := processCPU()
			n := float64(b.N) * convN
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/elem")
			if cpu0 >= 0 && cpu1 >= 0 {
				b.ReportMetric(float64(cpu1-cpu0)/n, "cpu-ns/elem")
			}
		})
	}
}
