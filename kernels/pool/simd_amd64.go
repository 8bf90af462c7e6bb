//go:build !purego

package pool

import "golang.org/x/sys/cpu"

// The AVX-512 kernel needs F (compares into opmasks, VPERMI2PS) and BMI2
// (its tail masks); the AVX2 one AVX2 alone.
var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasBMI2
	hasAVX2   = cpu.X86.HasAVX2
)
