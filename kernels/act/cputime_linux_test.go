package act

import "syscall"

// processCPU returns the CPU time the process has used, in nanoseconds (-1
// if unavailable): benchmarks report it next to wall time because on a
// shared machine the wall time includes time other processes held the core.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
