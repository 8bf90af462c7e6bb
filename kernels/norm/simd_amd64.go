//go:build !purego

package norm

import "golang.org/x/sys/cpu"

// The AVX-512 kernels need F and DQ (VXORPS on zmm), and BMI2 for their
// tail masks; the AVX2 ones AVX2 alone (no FMA: products are rounded
// before they are added).
var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasBMI2
	hasAVX2   = cpu.X86.HasAVX2
)
