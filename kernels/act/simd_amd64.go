//go:build !purego

package act

import "golang.org/x/sys/cpu"

// simdPaths returns the SIMD kernel sets this CPU supports, fastest first
// (the tables are in simd_gen_amd64.go). AVX-512 needs F (the 512-bit ops
// and opmasks) and DQ (VANDPS, VXORPS on 512 bits); AVX2 needs FMA as well.
// x/sys/cpu also checks that the OS saves the vector registers.
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
