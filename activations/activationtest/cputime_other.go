//go:build !linux

package activationtest

// processCPU is unavailable on this system.
func processCPU() int64 { return -1 }
