package act

import "testing"

// planeN is the smallest plane a batch norm runs an activation on, one call
// at a time (layers.actPlaneMin, an 8x8 map): per-call costs show here.
const planeN = 64

// BenchmarkPlane64 is BenchmarkSmoothFwdBwd, plus ReLU and PVLU, on one
// 64-element plane per call: the kernels' fixed cost per call, which a
// batch norm pays once per plane. A fixed cost of hundreds of ns (legacy
// SSE instructions writing a register whose upper half is dirty stalled
// each call on some Intel CPUs) shows up as ns/elem far above the L1 rate.
func BenchmarkPlane64(b *testing.B) {
	b.Run("relu", func(b *testing.B) {
		benchPathsN(b, planeN, 20, func(d *benchData) { ReLU(d.y, d.x); ReLUBackward(d.dx, d.dy, d.x) })
	})
	b.Run("pvlu", func(b *testing.B) {
		benchPathsN(b, planeN, 20, func(d *benchData) { PVLU(d.y, d.x, 0.1, 1); PVLUBackward(d.dx, d.dy, d.x, 0.1, 1) })
	})
	for _, c := range smoothCases() {
		b.Run(c.name, func(b *testing.B) {
			benchPathsN(b, planeN, 20, func(d *benchData) { c.fwd(d.y, d.x); c.bwd(d.dx, d.dy, d.x) })
		})
	}
}
