// Command act generates the activation kernels of
// github.com/actbench/actbench/kernels/act: AVX-512 and AVX2 assembly with
// avo (act_amd64.s, stub_amd64.go), the pure-Go path (purego_gen.go), the
// kernel tables (kernels_gen.go, simd_gen_amd64.go) and the constants
// (coeffs_gen.go), all from one description of each kernel (see ir.go).
//
// Run it through go generate in kernels/act (see its gen.go).
package main

import (
	"flag"
	"path/filepath"

	. "github.com/mmcloughlin/avo/build"
)

func allKernels() []*Kernel {
	var ks []*Kernel
	ks = append(ks, reluKernels()...)
	ks = append(ks, sineKernels()...)
	ks = append(ks, expKernels()...)
	ks = append(ks, geluKernels()...)
	return ks
}

func main() {
	goDir := flag.String("godir", "", "directory of package act, for the generated Go files")
	flag.Parse()
	if *goDir == "" {
		panic("-godir is required")
	}
	ks := allKernels()
	used := map[string]bool{}
	for _, k := range ks {
		for _, o := range k.build().ops {
			if o.code == opConst {
				used[o.name] = true
			}
		}
	}

	ConstraintExpr("!purego")
	defineConstData(used)
	defineTailMasks()
	for _, s := range []*isa{avx512, avx2} {
		for _, k := range ks {
			generateAsm(s, k)
		}
	}
	writeConsts(filepath.Join(*goDir, "coeffs_gen.go"))
	writePureGo(filepath.Join(*goDir, "purego_gen.go"), ks)
	writeTables(filepath.Join(*goDir, "kernels_gen.go"), filepath.Join(*goDir, "simd_gen_amd64.go"), ks)
	Generate()
}
