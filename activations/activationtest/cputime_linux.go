package activationtest

import "syscall"

// processCPU returns the CPU time (user + system) the process has used, in
// nanoseconds, or -1 if unavailable. Benchmark reports per-element CPU time
// next to wall time because on a shared machine the wall time includes the
// time other processes held the core.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
