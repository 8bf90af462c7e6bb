//go:build !purego

package act

import "golang.org/x/sys/cpu"

// simdPaths returns the SIMD kernel sets this CPU supports, fastest first.
// AVX-512 needs F (the 512-bit ops and opmasks) and DQ (VRANGEPS, VXORPS,
// VEXTRACTF32X8); AVX2 needs FMA as well. x/sys/cpu also checks that the OS
// saves the vector registers.
func simdPaths() []*kernels {
	var ks []*kernels
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ {
		ks = append(ks, &avx512Kernels)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &avx2Kernels)
	}
	return ks
}

var avx512Kernels = kernels{
	name:         PathAVX512,
	relu:         reluAVX512,
	reluBackward: reluBackwardAVX512,
	leakyReLU:    leakyReLUAVX512,
	leakyReLUBackward: func(dx, dy, x []float32, slope float32) float64 {
		return blockSum1(leakyReLUBackwardAVX512, dx, dy, x, slope)
	},
	pvlu: pvluAVX512,
	pvluBackward: func(dx, dy, x []float32, a, b float32) (ga, gb float64) {
		return pvluBackwardBlocks(pvluBackwardAVX512, dx, dy, x, a, b)
	},
	pvluRow:         pvluRowAVX512,
	pvluRowBackward: pvluRowBackwardAVX512,
	sin:             sinAVX512,
}

var avx2Kernels = kernels{
	name:         PathAVX2,
	relu:         reluAVX2,
	reluBackward: reluBackwardAVX2,
	leakyReLU:    leakyReLUAVX2,
	leakyReLUBackward: func(dx, dy, x []float32, slope float32) float64 {
		return blockSum1(leakyReLUBackwardAVX2, dx, dy, x, slope)
	},
	pvlu: pvluAVX2,
	pvluBackward: func(dx, dy, x []float32, a, b float32) (ga, gb float64) {
		return pvluBackwardBlocks(pvluBackwardAVX2, dx, dy, x, a, b)
	},
	pvluRow:         pvluRowAVX2,
	pvluRowBackward: pvluRowBackwardAVX2,
	sin:             sinAVX2,
}

// blockSum1 runs a backward kernel over blocks of blockLen elements and
// adds the float32 per-block sums it returns in float64.
func blockSum1(kernel func(dx, dy, x []float32, slope float32) float32, dx, dy, x []float32, slope float32) float64 {
	var sum float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sum += float64(kernel(dx[lo:hi], dy[lo:hi], x[lo:hi], slope))
	}
	return sum
}

// pvluBackwardBlocks runs a PVLU backward kernel, which returns sum(dy*sin)
// and sum(dy*x*cos), over blocks and turns the sums into (ga, gb).
func pvluBackwardBlocks(kernel func(dx, dy, x []float32, b, ab float32) (float32, float32),
	dx, dy, x []float32, a, b float32) (ga, gb float64) {
	ab := float32(float64(a) * float64(b))
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		s, c := kernel(dx[lo:hi], dy[lo:hi], x[lo:hi], b, ab)
		ga += float64(s)
		gb += float64(c)
	}
	return ga, gb * float64(a)
}
