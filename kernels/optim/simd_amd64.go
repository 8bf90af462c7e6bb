//go:build !purego

package optim

import "golang.org/x/sys/cpu"

// The AVX-512 kernels need F only; the AVX2 ones AVX (no FMA: every
// product is rounded before it is added).
var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2
)
