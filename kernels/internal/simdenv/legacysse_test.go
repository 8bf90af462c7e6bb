package simdenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoLegacySSE reads every generated kernel (kernels/*/*.s and the GEMM
// micro-kernels) and fails on a legacy SSE instruction, one without the
// VEX/EVEX "V" prefix, on an XMM register. Such an instruction after a
// 256- or 512-bit one (the upper halves dirty) stalled every call on an
// Intel Xeon: the AVX2 max-pooling kernel took 470 ns a row instead of 20
// (avo's MOVQ into an XMM register), the AVX-512 PVLU kernel 377 ns a
// 64-element plane instead of 69 (avo's MOVSS loads of the parameters).
// The generators use VMOVQ, VMOVSS and VBROADCASTSS from memory instead.
func TestNoLegacySSE(t *testing.T) {
	files, err := filepath.Glob("../../*/*.s")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../gemm/internal/kernel/*.s")
	files = append(files, more...)
	if len(files) < 6 {
		t.Fatalf("found %d assembly files (%v), want the six kernel packages'", len(files), files)
	}
	xmm := regexp.MustCompile(`(^|[\s,])X([0-9]|[12][0-9]|3[01])\b`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fn := ""
		for i, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 || strings.HasPrefix(fields[0], "//") {
				continue
			}
			if fields[0] == "TEXT" {
				fn = fields[1]
				continue
			}
			op := fields[0]
			if strings.HasSuffix(op, ":") || strings.HasPrefix(op, "V") || strings.HasPrefix(op, "K") {
				continue
			}
			if xmm.MatchString(strings.Join(fields[1:], " ")) {
				t.Errorf("%s:%d (%s): legacy SSE %q; use its V form", f, i+1, fn, strings.TrimSpace(line))
			}
		}
	}
}
