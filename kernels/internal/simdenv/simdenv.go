// Package simdenv reads ACTBENCH_SIMD, the one switch every kernel package
// (act, gemm, norm, wino) honours, so that its spellings are defined once:
// "" / "auto" / "on" let each package take the fastest path the CPU has,
// "off" / "purego" force the pure-Go code, "avx2" caps at AVX2 (packages
// without an AVX2 path take pure Go), "avx512" asks for AVX-512.
package simdenv

import (
	"os"
	"strings"
)

// Choice is what ACTBENCH_SIMD asks for.
type Choice int

const (
	Auto    Choice = iota // the fastest path (also "", "on")
	Off                   // pure Go ("off", "purego")
	AVX2                  // at most AVX2
	AVX512                // AVX-512
	Invalid               // anything else: packages warn and take Auto
)

// Parse reads one value of ACTBENCH_SIMD (case and surrounding space
// ignored).
func Parse(v string) Choice {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "auto", "on":
		return Auto
	case "off", "purego":
		return Off
	case "avx2":
		return AVX2
	case "avx512":
		return AVX512
	}
	return Invalid
}

// Get returns the environment's choice and its raw value, for messages.
func Get() (Choice, string) {
	v := os.Getenv("ACTBENCH_SIMD")
	return Parse(v), v
}

// AllowsAVX512 reports whether c lets a package run AVX-512 code (where the
// CPU has it): everything but Off and AVX2.
func (c Choice) AllowsAVX512() bool { return c != Off && c != AVX2 }

// Name is the path name of AVX2 and AVX512 ("avx2", "avx512"), "" otherwise.
func (c Choice) Name() string {
	switch c {
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return ""
}
