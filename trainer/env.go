package trainer

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/gemm"
)

// environment describes the machine and the kernels in use.
func environment() Env {
	e := Env{
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuName(), Threads: runtime.GOMAXPROCS(0),
		GEMM: fmt.Sprintf("%s (%d threads)", gemm.Backend(), gemm.Threads()), ActKernels: act.Path(),
	}
	return e
}

func cpuName() string {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
