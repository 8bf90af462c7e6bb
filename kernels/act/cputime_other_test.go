//go:build !linux

package act

func processCPU() int64 { return -1 }
