// Package simdenv reads ACTBENCH_SIMD, the one switch every kernel package
// (act, gemm, norm, wino) honours, so that its spellings are defined once:
// "" / "auto" / "on" let each package take the fastest path the CPU has,
// "off" / "purego" force the pure-Go code, "avx2" caps at AVX2 (packages
// without an AVX2 path take pure Go), "avx512" asks for AVX-512.
package simdenv

import (
	"os"
	"slices"
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

// Level is a kernel path of a package with AVX-512 and AVX2 kernels and the
// pure-Go code they reproduce, slowest first.
type Level int32

const (
	PureGo      Level = iota // the pure-Go code
	LevelAVX2                // the AVX2 kernels
	LevelAVX512              // the AVX-512 kernels
)

// String is the path name: "purego", "avx2" or "avx512".
func (l Level) String() string {
	switch l {
	case LevelAVX2:
		return "avx2"
	case LevelAVX512:
		return "avx512"
	}
	return "purego"
}

// Path holds the level a package's kernels run at (norm and wino keep one
// each): the fastest the CPU and build have, capped by ACTBENCH_SIMD, until
// tests or benchmarks set another. Reading it is a plain field load, so
// kernels may consult it on every call; setting it is not safe while
// kernels run.
type Path struct {
	level, def Level
	have       []Level // available levels, fastest first, PureGo last
}

// NewPath returns the path a package with the given kernels takes under the
// current ACTBENCH_SIMD: Auto (and invalid values) the fastest available,
// Off pure Go, AVX2 the AVX2 kernels (pure Go without them), AVX512 the
// AVX-512 kernels (the fastest available without them).
func NewPath(hasAVX2, hasAVX512 bool) *Path {
	p := &Path{}
	if hasAVX512 {
		p.have = append(p.have, LevelAVX512)
	}
	if hasAVX2 {
		p.have = append(p.have, LevelAVX2)
	}
	p.have = append(p.have, PureGo)
	c, _ := Get()
	p.def = p.choose(c)
	p.level = p.def
	return p
}

func (p *Path) choose(c Choice) Level {
	switch c {
	case Off:
		return PureGo
	case AVX2:
		if p.Has(LevelAVX2) {
			return LevelAVX2
		}
		return PureGo
	}
	return p.have[0]
}

// Level returns the level the kernels run at now.
func (p *Path) Level() Level { return p.level }

// Has reports whether the CPU and build have the kernels of level l.
func (p *Path) Has(l Level) bool {
	for _, h := range p.have {
		if h == l {
			return true
		}
	}
	return false
}

// Levels returns the available levels, fastest first; PureGo is last.
func (p *Path) Levels() []Level { return append([]Level(nil), p.have...) }

// LevelsFromPureGo returns the available levels slowest first: PureGo,
// the reference the SIMD kernels are compared with, then AVX2 and AVX-512
// where the CPU and build have them.
func (p *Path) LevelsFromPureGo() []Level {
	ls := p.Levels()
	slices.Reverse(ls)
	return ls
}

// Set makes the kernels run at level l and returns the previous level. It
// panics if the CPU or build lacks l (callers test Has or use Levels).
func (p *Path) Set(l Level) Level {
	if !p.Has(l) {
		panic("simdenv: no " + l.String() + " kernels on this CPU or build")
	}
	old := p.level
	p.level = l
	return old
}

// SetSIMD implements the packages' SetSIMD(on bool) bool: on selects the
// level ACTBENCH_SIMD chose if that is a SIMD one, else the fastest
// available; off selects pure Go. It returns whether a SIMD level ran
// before, so SetSIMD(old) restores the previous state when that was the
// default or pure Go.
func (p *Path) SetSIMD(on bool) bool {
	old := p.level != PureGo
	switch {
	case !on:
		p.level = PureGo
	case p.def != PureGo:
		p.level = p.def
	default:
		p.level = p.have[0]
	}
	return old
}
