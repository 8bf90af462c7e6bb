package act

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

// Path names.
const (
	PathAVX512 = "avx512"
	PathAVX2   = "avx2"
	PathPureGo = "purego"
)

// available lists the supported paths, fastest first: the SIMD ones this CPU
// supports (simdPaths, per architecture), then pure Go.
var available = append(simdPaths(), &pureGo)

var active atomic.Pointer[kernels]

func current() *kernels { return active.Load() }

func init() {
	k, warning := choose(os.Getenv("ACTBENCH_SIMD"))
	if warning != "" {
		fmt.Fprintln(os.Stderr, "actbench: "+warning)
	}
	active.Store(k)
}

// choose maps an ACTBENCH_SIMD value to a path, with a warning when the
// value cannot be honoured.
func choose(env string) (*kernels, string) {
	best := available[0]
	switch c := simdenv.Parse(env); c {
	case simdenv.Auto:
		return best, ""
	case simdenv.Off:
		return &pureGo, ""
	case simdenv.AVX2, simdenv.AVX512:
		if k := find(c.Name()); k != nil {
			return k, ""
		}
		return best, fmt.Sprintf("ACTBENCH_SIMD=%s: this CPU does not support %s (supported: %s); using %s",
			env, c.Name(), strings.Join(Paths(), ", "), best.name)
	default:
		return best, fmt.Sprintf("ACTBENCH_SIMD=%q is not one of off, avx2, avx512, auto; using %s",
			env, best.name)
	}
}

func find(name string) *kernels {
	for _, k := range available {
		if k.name == name {
			return k
		}
	}
	return nil
}

// Path returns the path the kernels use: "avx512", "avx2" or "purego".
func Path() string { return current().name }

// Paths returns the paths this CPU supports, fastest first; "purego" is
// always last. It does not depend on ACTBENCH_SIMD.
func Paths() []string {
	names := make([]string, len(available))
	for i, k := range available {
		names[i] = k.name
	}
	return names
}

// SetPath switches every kernel to the named path ("avx512", "avx2",
// "purego"; "off" is a synonym of "purego"). It fails, leaving the path
// unchanged, when the name is unknown or the CPU lacks the ISA. It is safe to
// call concurrently with kernels, which use either the old or the new path.
func SetPath(name string) error {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "off" {
		n = PathPureGo
	}
	k := find(n)
	if k == nil {
		return fmt.Errorf("act.SetPath(%q): path not available on this CPU; available: %s",
			name, strings.Join(Paths(), ", "))
	}
	active.Store(k)
	return nil
}
