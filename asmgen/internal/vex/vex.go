// Package vex checks the AVX2 functions of a generated assembly file for
// registers that VEX encodings cannot reach.
package vex

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

var bad = regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)

// Check exits the generator with an error if a function of the file it
// wrote (its -out flag) whose name ends in suffix uses a register outside
// VEX's X0-X15/Y0-Y15 (X16-X31, Y16-Y31, any Z or K register): the Go
// assembler would silently encode such an instruction as EVEX, an AVX-512
// instruction in an AVX2 kernel. Call it after build.Generate.
func Check(suffix string) {
	out := flag.Lookup("out").Value.String()
	f, err := os.Open(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "TEXT ") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "TEXT ·"), "(")
			in = strings.HasSuffix(name, suffix)
		}
		if in && bad.MatchString(line) {
			fmt.Fprintf(os.Stderr, "%s: %q uses a register outside VEX's Y0-Y15\n", out, line)
			os.Exit(1)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
