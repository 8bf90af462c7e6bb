package cli

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestShowPVLUCSV checks the example against the closed forms of
// PVLU's value and derivatives, computed here in float64.
func TestShowPVLUCSV(t *testing.T) {
	out, errOut, code := runActbench(t, "show", "pvlu(a=0.5,b=2)", "--range", "-3:3:0.25", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "x,y,dy_dx,dy_da,dy_db" {
		t.Fatalf("header %q", got)
	}
	if len(recs) != 1+25 {
		t.Fatalf("%d rows, want 25", len(recs)-1)
	}
	const a, b = 0.5, 2.0
	for i, r := range recs[1:] {
		v := make([]float64, len(r))
		for j, s := range r {
			if v[j], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
		}
		x := v[0]
		if x != -3+0.25*float64(i) {
			t.Errorf("row %d: x = %g", i, x)
		}
		step := 0.0
		if x > 0 {
			step = 1
		}
		want := []float64{
			math.Max(0, x) + a*math.Sin(b*x),
			step + a*b*math.Cos(b*x),
			math.Sin(b * x),
			a * x * math.Cos(b*x),
		}
		for j, w := range want {
			if math.Abs(v[j+1]-w) > 1e-6*(1+math.Abs(w)) {
				t.Errorf("x=%g, %s: got %g, want %g", x, recs[0][j+1], v[j+1], w)
			}
		}
	}
}

func TestShowTable(t *testing.T) {
	out, _, code := runActbench(t, "show", "relu", "--range", "-1:1:1")
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"relu", "dy_dx", "│ -1 │ 0 │     0 │", "│  1 │ 1 │     1 │"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A spec typed with blanks arrives split in several arguments.
	out, _, code = runActbench(t, "show", "prelu(init=0.5,", "per=channel)", "--range", "-2:-2:1", "--format", "csv")
	if code != 0 || !strings.Contains(out, "x,y,dy_dx,dy_dinit\n-2,-1,0.5,-2\n") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestShowPlot(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"f.png", "f.svg"} {
		file := filepath.Join(dir, name)
		if _, errOut, code := runActbench(t, "show", "pvlu", "--range", "-4:4:1", "--plot", file); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if name == "f.png" && !strings.HasPrefix(string(data), "\x89PNG") {
			t.Errorf("%s is not a PNG", name)
		}
		if name == "f.svg" && !strings.Contains(string(data), "<svg") {
			t.Errorf("%s is not an SVG", name)
		}
	}
}

// An unwritable plot path fails before anything is printed.
func TestShowPlotPathCheckedFirst(t *testing.T) {
	file := filepath.Join(t.TempDir(), "missing-dir", "g.png")
	out, errOut, code := runActbench(t, "show", "gelu", "--plot", file)
	if code != 1 || out != "" || !strings.Contains(errOut, "missing-dir") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1, no table, an error naming the path", code, out, errOut)
	}
}

func TestShowErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"show"}, "missing SPEC"},
		{[]string{"show", "rleu"}, `did you mean "relu"`},
		{[]string{"show", "pvlu(a=99)"}, "allowed [-10, 10], default 0.1"},
		{[]string{"show", "relu", "--range", "1:0:1"}, "below FROM"},
		{[]string{"show", "relu", "--range", "0:1:0"}, "STEP must be positive"},
		{[]string{"show", "relu", "--range", "0:1"}, "FROM:TO:STEP"},
		{[]string{"show", "relu", "--range", "0:x:1"}, "not a finite number"},
		{[]string{"show", "relu", "--range", "0:1e9:1e-3"}, "at most"},
		{[]string{"show", "relu", "--format", "json"}, "want table or csv"},
		{[]string{"show", "relu", "--plot", "f.pdf"}, "must end in .png or .svg"},
	}
	for _, c := range cases {
		_, errOut, code := runActbench(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}
