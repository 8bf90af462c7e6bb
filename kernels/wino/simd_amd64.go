//go:build !purego

package wino

import "golang.org/x/sys/cpu"

// The AVX-512 kernels need F, DQ (VXORPS on zmm flips signs) and BMI2 (their
// lane masks); the AVX2 ones AVX2 alone (no FMA: the transforms only add and
// subtract). The grouped kernels of 8-wide maps on AVX-512 also need VL
// (masked ymm loads); without it those maps take the row kernels.
var (
	hasAVX512   = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasBMI2
	hasAVX512VL = cpu.X86.HasAVX512VL
	hasAVX2     = cpu.X86.HasAVX2
)
