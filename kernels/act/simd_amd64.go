package act

// simdPaths returns the SIMD kernel sets this CPU supports, fastest first.
func simdPaths() []*kernels { return nil }
