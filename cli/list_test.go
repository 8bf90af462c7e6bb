package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/actbench/actbench/registry"
)

func runActbench(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return out.String(), errb.String(), code
}

func TestListTable(t *testing.T) {
	out, errOut, code := runActbench(t, "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	infos := registry.List()
	if len(infos) < 24 {
		t.Errorf("%d activations, want >= 24", len(infos))
	}
	for _, info := range infos {
		if !strings.Contains(out, info.Name) {
			t.Errorf("table lacks %s", info.Name)
		}
	}
	for _, want := range []string{"a=0.1*", "b=1*", "per=shared", "train=true", "init=0.25*", "max(0, x) + a*sin(b*x)",
		"Gupta, Ahuja", "* marks a trainable parameter"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestListMarkdown(t *testing.T) {
	out, _, code := runActbench(t, "list", "--format", "md")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "|") || !strings.Contains(lines[1], "---") {
		t.Errorf("not a markdown table:\n%s", strings.Join(lines[:3], "\n"))
	}
	// hardshrink's formula has |x|: the row must be there, with the bars escaped.
	found := false
	for _, l := range lines {
		if strings.HasPrefix(l, "| hardshrink ") {
			found = true
			if !strings.Contains(l, `\|x\|`) {
				t.Errorf("| in a cell not escaped: %s", l)
			}
		}
	}
	if !found {
		t.Errorf("no hardshrink row:\n%s", out)
	}
}

func TestListCSV(t *testing.T) {
	out, _, code := runActbench(t, "list", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "name,parameters,trainable,formula,monotonic,smooth,reference" {
		t.Errorf("header %v", recs[0])
	}
	if len(recs)-1 != len(registry.List()) {
		t.Errorf("%d rows, want %d", len(recs)-1, len(registry.List()))
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == "pvlu" {
			found = true
			if r[1] != "a=0.1 b=1 per=shared train=true" || r[2] != "a b" || r[4] != "false" {
				t.Errorf("pvlu row %q", r)
			}
		}
	}
	if !found {
		t.Error("no pvlu row")
	}
}

func TestListJSON(t *testing.T) {
	out, _, code := runActbench(t, "list", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []listInfoJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(registry.List()) {
		t.Fatalf("%d entries", len(got))
	}
	found := false
	for _, a := range got {
		if a.Name == "prelu" {
			found = true
			if a.Spec != "prelu(init=0.25, per=shared, train=true)" || len(a.Params) != 3 || !a.Params[0].Trainable ||
				a.Params[0].Range != "[-10, 10]" || a.Params[1].Range != "shared|channel" {
				t.Errorf("prelu entry %+v", a)
			}
		}
	}
	if !found {
		t.Error("no prelu entry")
	}
}

func TestListErrors(t *testing.T) {
	if _, errOut, code := runActbench(t, "list", "--format", "xml"); code != 2 || !strings.Contains(errOut, "want table, md, csv or json") {
		t.Errorf("--format xml: exit %d, %q", code, errOut)
	}
	if _, _, code := runActbench(t, "list", "extra"); code != 2 {
		t.Errorf("extra argument: exit %d", code)
	}
	if out, _, code := runActbench(t, "list", "--help"); code != 0 || !strings.Contains(out, "--format") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}
