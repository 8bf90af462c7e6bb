package activations_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/actbench/actbench/registry"
)

// TestREADMEListsTheRegistry keeps the README's Activations section true:
// its count of built-in activations, its count of trainable ones and its
// two lists of names must be what the registry holds.
func TestREADMEListsTheRegistry(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	var fixed, trainable []string
	for _, info := range registry.List() {
		tr := false
		for _, p := range info.Params {
			tr = tr || p.Trainable
		}
		if tr {
			trainable = append(trainable, info.Name)
		} else {
			fixed = append(fixed, info.Name)
		}
	}
	total := len(fixed) + len(trainable)

	counts := regexp.MustCompile("`actbench list` prints the (\\d+) built-in activations \\((\\d+) of them with trainable parameters\\)").
		FindStringSubmatch(readme)
	want := "`actbench list` prints the " + strconv.Itoa(total) + " built-in activations (" +
		strconv.Itoa(len(trainable)) + " of them with trainable parameters)"
	if counts == nil {
		t.Errorf("README.md has no sentence %q", want)
	} else if counts[1] != strconv.Itoa(total) || counts[2] != strconv.Itoa(len(trainable)) {
		t.Errorf("README.md says %q, the registry has %d activations, %d trainable: write %q",
			counts[0], total, len(trainable), want)
	}

	for _, list := range []struct {
		label string
		names []string
	}{{"fixed", fixed}, {"trainable", trainable}} {
		// "- label: `a`, `b`, ..." up to the next list item or blank line.
		m := regexp.MustCompile("(?s)\n- " + list.label + ": (.*?)\n(?:- |\n)").FindStringSubmatch(readme)
		want := "`" + strings.Join(list.names, "`, `") + "`"
		if m == nil {
			t.Errorf("README.md has no list item \"- %s: %s\"", list.label, want)
			continue
		}
		if got := strings.Join(strings.Fields(m[1]), " "); got != want {
			t.Errorf("README.md lists %s activations\n\t%s\nthe registry holds\n\t%s", list.label, got, want)
		}
	}
}
