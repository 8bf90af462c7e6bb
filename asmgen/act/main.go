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
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/mmcloughlin/avo/build"
)

func allKernels() []*Kernel {
	var ks []*Kernel
	ks = append(ks, reluKernels()...)
	ks = append(ks, sineKernels()...)
	ks = append(ks, expKernels()...)
	ks = append(ks, geluKernels()...)
	ks = append(ks, snakeKernels()...)
	ks = append(ks, sinluKernels()...)
	ks = append(ks, primKernels()...)
	ks = append(ks, sreluKernels()...)
	ks = append(ks, aplKernels()...)
	ks = append(ks, starReLUKernels()...)
	ks = append(ks, simpleKernels()...)
	ks = append(ks, shrinkKernels()...)
	ks = append(ks, thresholdKernels()...)
	ks = append(ks, serfKernels()...)
	ks = append(ks, tanhExpKernels()...)
	ks = append(ks, smishKernels()...)
	ks = append(ks, gcuKernels()...)
	ks = append(ks, tanhshrinkKernels()...)
	ks = append(ks, pauKernels()...)
	ks = append(ks, composedKernels()...)
	ks = append(ks, rreluKernels()...)
	ks = append(ks, pdeluKernels()...)
	ks = append(ks, hardKernels()...)
	ks = append(ks, lishtKernels()...)
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

	used["zero"] = true // the lane sums' fold starts from it

	ConstraintExpr("!purego")
	defineConstData(used)
	defineTailMasks()
	defineLaneIota()
	for _, s := range []*isa{avx512, avx2} {
		for _, k := range ks {
			generateAsm(s, k)
		}
	}
	writeConsts(filepath.Join(*goDir, "coeffs_gen.go"))
	writePureGo(filepath.Join(*goDir, "purego_gen.go"), ks)
	writeTables(filepath.Join(*goDir, "kernels_gen.go"), filepath.Join(*goDir, "simd_gen_amd64.go"), ks)
	Generate()
	checkAVX2Registers(outFile())
}

// outFile is the -out flag avo's Generate used.
func outFile() string { return flag.Lookup("out").Value.String() }

// checkAVX2Registers fails the generation when an AVX2 function uses a
// vector register above 15: avo allocates from all 32 (AVX-512 has them),
// and such an instruction needs an EVEX encoding an AVX2-only CPU lacks. A
// kernel that needs more live values than 16 registers must be rewritten.
func checkAVX2Registers(path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	if bad := avx2HighRegisters(string(src)); len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "act: AVX2 functions use vector registers 16-31 (too many live values): %v\n", bad)
		os.Exit(1)
	}
}

var highVecReg = regexp.MustCompile(`\b[XYZ](1[6-9]|2[0-9]|3[01])\b`)

// avx2HighRegisters returns the AVX2 functions of an assembly file that
// mention X16-X31, Y16-Y31 or Z registers.
func avx2HighRegisters(src string) []string {
	var bad []string
	fn := ""
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = strings.Fields(line)[1]
			continue
		}
		if strings.Contains(fn, "AVX2(") && (highVecReg.MatchString(line) || strings.Contains(line, " Z")) {
			if len(bad) == 0 || bad[len(bad)-1] != fn {
				bad = append(bad, fn)
			}
		}
	}
	return bad
}
