//go:build !amd64 || purego

package act

// simdPaths: only amd64 has SIMD kernels.
func simdPaths() []*kernels { return nil }
