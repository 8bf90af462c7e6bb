package cli

import (
	"strings"
	"testing"
)

// "actbench help CMD [SUB]" prints what "actbench CMD [SUB] --help" prints.
func TestHelpCommand(t *testing.T) {
	for _, cmd := range [][]string{{"stats"}, {"show"}, {"data"}, {"data", "download"}, {"data", "info"}} {
		want, _, wantCode := runActbench(t, append(append([]string{}, cmd...), "--help")...)
		got, errOut, code := runActbench(t, append([]string{"help"}, cmd...)...)
		if code != 0 || wantCode != 0 || got != want || !strings.Contains(got, strings.Join(cmd, " ")) {
			t.Errorf("help %v: exit %d, stderr %q, output\n%s\nwant (exit %d)\n%s", cmd, code, errOut, got, wantCode, want)
		}
	}
	if out, _, code := runActbench(t, "help"); code != 0 || !strings.Contains(out, "Commands:") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	if _, errOut, code := runActbench(t, "help", "stast"); code != 2 || !strings.Contains(errOut, `did you mean "stats"`) {
		t.Errorf("help stast: exit %d, %q", code, errOut)
	}
}
