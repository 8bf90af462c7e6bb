package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltBinary builds this five-line main with the go command and checks
// that the resulting actbench knows isru next to the built-ins.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	bin := filepath.Join(t.TempDir(), "actbench-custom")
	build := exec.Command(gobin, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("actbench-custom %q: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	list := run("list", "--format", "csv")
	for _, name := range []string{"\nisru,a=1 per=shared train=true,a,", "\npvlu,", "\nrelu,"} {
		if !strings.Contains(list, name) {
			t.Errorf("list lacks %q:\n%s", name, list)
		}
	}
	// isru(a=3) at x = 1: 1/sqrt(4) = 0.5; df/dx = 1/8; df/da = -1/2 * 1/8.
	show := run("show", "isru(a=3)", "--range", "1:1:1", "--format", "csv")
	if want := "x,y,dy_dx,dy_da\n1,0.5,0.125,-0.0625\n"; show != want {
		t.Errorf("show = %q, want %q", show, want)
	}
}

// TestREADMEGuide checks that the README's "Adding an activation" guide shows
// exactly the files of this example, so its code compiles and passes.
func TestREADMEGuide(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("README.md not found")
	}
	text := string(readme)
	start := strings.Index(text, "\n## Adding an activation")
	if start < 0 {
		t.Fatal(`README.md has no "## Adding an activation" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, file := range []string{"isru/isru.go", "isru/isru_test.go", "main.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		block := "```go\n" + string(src) + "```\n"
		if !strings.Contains(section, block) {
			t.Errorf("README's guide does not contain %s verbatim (as a ```go block); copy the file into it", file)
		}
	}
}
