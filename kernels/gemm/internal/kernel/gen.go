// Package kernel holds the generated assembly micro-kernels of package gemm
// (see asmgen/gemm for what each computes). It is separate from the driver
// because avo type-checks the package it writes stubs for.
package kernel

//go:generate go run -C ../../../../asmgen ./gemm -out ../kernels/gemm/internal/kernel/kernel_amd64.s -stubs ../kernels/gemm/internal/kernel/stub_amd64.go -pkg kernel
