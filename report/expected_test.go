package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// expected is testdata/expected.json, written by testdata/gen_expected.py
// with scipy: the inputs of a small report and what it must say.
type expected struct {
	Dead    [][2]float64 `json:"dead"`
	PVLUA   [][2]float64 `json:"pvlu_a"`
	PVLUB   [][2]float64 `json:"pvlu_b"`
	Seconds []float64    `json:"seconds"`
	Groups  []struct {
		Recipe string   `json:"recipe"`
		Seeds  []uint64 `json:"seeds"`
		Rows   []struct {
			Activation   string             `json:"activation"`
			TestErr      []float64          `json:"test_err"`
			Mean         float64            `json:"mean"`
			CILo         float64            `json:"ci_lo"`
			CIHi         float64            `json:"ci_hi"`
			Dead         float64            `json:"dead"`
			EpochSeconds float64            `json:"epoch_seconds"`
			Learned      map[string]float64 `json:"learned"`
			RER          *float64           `json:"rer"`
			P            *float64           `json:"p"`
			PAdjusted    *float64           `json:"p_adjusted"`
			CohenDz      *float64           `json:"cohen_dz"`
			Cells        map[string]string  `json:"cells"`
		} `json:"rows"`
	} `json:"groups"`
}

func readExpected(t *testing.T) *expected {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// records builds one record per trial of the expected report: recipe r of
// group r, the group's seeds, its activations in file order, each trial with
// one epoch (the selected one) carrying the dead fractions, pvlu's learned
// parameters and the seconds of its seed.
func (e *expected) records(t *testing.T) []record.Record {
	t.Helper()
	var recs []record.Record
	for _, g := range e.Groups {
		var acts []string
		errs := map[string][]float64{}
		for _, row := range g.Rows {
			acts = append(acts, row.Activation)
			errs[row.Activation] = row.TestErr
		}
		gr := grid.Grid{
			Name:        "expected",
			Models:      []string{"simplecnn"},
			Datasets:    []grid.Dataset{{Name: "mnist", Val: 100, Train: 500}},
			Recipes:     []grid.Recipe{{Name: g.Recipe, Epochs: 1, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}},
			Seeds:       g.Seeds,
			Activations: acts,
		}
		trials, err := gr.Expand()
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range trials {
			i := int(tr.Seed) - 1
			act := grid.ShortSpec(tr.Activation)
			seedIndex := -1
			for k, s := range g.Seeds {
				if s == tr.Seed {
					seedIndex = k
				}
			}
			ep := trainer.Epoch{Epoch: 1, Dead: []trainer.DeadUnits{{Layer: "act1", Fraction: e.Dead[i][0]}, {Layer: "act2", Fraction: e.Dead[i][1]}}}
			if act == "pvlu" {
				for l, layer := range []string{"act1", "act2"} {
					ep.ActParams = append(ep.ActParams,
						trainer.ActParam{Layer: layer, Param: "a", N: 1, Mean: e.PVLUA[i][l]},
						trainer.ActParam{Layer: layer, Param: "b", N: 1, Mean: e.PVLUB[i][l]})
				}
			}
			recs = append(recs, record.Record{Schema: record.SchemaVersion, Key: tr.Key, Grid: grid.ID(trials), Index: tr.Index,
				Config: tr.TrialConfig, Result: trainer.Result{
					Status: trainer.StatusOK, Epochs: []trainer.Epoch{ep}, SelectedEpoch: 1,
					Test:   &trainer.Metrics{N: 1000, Top1: 1 - errs[act][seedIndex]},
					Data:   trainer.DataInfo{Name: "mnist", SHA256: "sha"},
					Timing: trainer.Timing{EpochSeconds: e.Seconds[i]},
				}})
		}
	}
	return recs
}

// near reports whether got is within rel (relative, or absolute near 0) of want.
func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}

// TestReportMatchesScipy builds the report of testdata/expected.json and
// compares every number with scipy's: means and t intervals, RER, paired t
// p-values, their Holm adjustment across both groups, Cohen's d_z, and the
// diagnostics averaged over seeds and layers.
func TestReportMatchesScipy(t *testing.T) {
	e := readExpected(t)
	rep, err := Build(e.records(t), Options{Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 2 || rep.Comparisons != 4 || rep.Baseline != "relu" || rep.Adjustment != "holm" || len(rep.Notes) != 0 {
		t.Fatalf("%d groups, %d comparisons, baseline %s, adjustment %s, notes %v", len(rep.Groups), rep.Comparisons, rep.Baseline, rep.Adjustment, rep.Notes)
	}
	for gi, eg := range e.Groups {
		g := rep.Groups[gi]
		if g.Recipe.Name != eg.Recipe || len(g.Rows) != len(eg.Rows) {
			t.Fatalf("group %d: recipe %s with %d rows, want %s with %d", gi, g.Recipe.Name, len(g.Rows), eg.Recipe, len(eg.Rows))
		}
		for ri, er := range eg.Rows {
			row := g.Rows[ri]
			where := eg.Recipe + " " + er.Activation
			if row.Activation != er.Activation || row.Baseline != (er.Activation == "relu") {
				t.Fatalf("%s: row %d is %s (baseline %v)", where, ri, row.Activation, row.Baseline)
			}
			s := row.Summary
			if s == nil || !near(s.Mean, er.Mean, 1e-12) || !near(s.MeanCI.Lo, er.CILo, 1e-9) || !near(s.MeanCI.Hi, er.CIHi, 1e-9) {
				t.Errorf("%s: summary %+v, want mean %v CI [%v, %v]", where, s, er.Mean, er.CILo, er.CIHi)
			}
			if !near(row.DeadFraction, er.Dead, 1e-12) || !near(row.EpochSeconds, er.EpochSeconds, 1e-12) {
				t.Errorf("%s: dead %v, s/epoch %v, want %v, %v", where, row.DeadFraction, row.EpochSeconds, er.Dead, er.EpochSeconds)
			}
			if len(row.Learned) != len(er.Learned) {
				t.Errorf("%s: learned %+v, want %v", where, row.Learned, er.Learned)
			}
			for _, p := range row.Learned {
				if !near(p.Mean, er.Learned[p.Name], 1e-12) {
					t.Errorf("%s: learned %s = %v, want %v", where, p.Name, p.Mean, er.Learned[p.Name])
				}
			}
			c := row.Comparison
			if er.P == nil {
				if c != nil {
					t.Errorf("%s: the baseline has a comparison", where)
				}
				continue
			}
			if c == nil || c.RER == nil {
				t.Fatalf("%s: no comparison", where)
			}
			pt, _ := c.PrimaryTest()
			if !near(c.RER.Value, *er.RER, 1e-12) || !near(pt.P, *er.P, 1e-9) || !near(pt.PAdjusted, *er.PAdjusted, 1e-9) ||
				!near(c.Effect.CohenD, *er.CohenDz, 1e-9) || pt.Adjustment != "holm" {
				t.Errorf("%s: RER %v p %v p(adj) %v d_z %v (%s), want %v %v %v %v", where, c.RER.Value, pt.P, pt.PAdjusted,
					c.Effect.CohenD, pt.Adjustment, *er.RER, *er.P, *er.PAdjusted, *er.CohenDz)
			}
		}
	}
}

// TestRenderEveryFormat checks that each format prints the expected cells
// (formatted by the generator, not by the code under test) in the row of
// their activation, and that csv and json carry the numbers.
func TestRenderEveryFormat(t *testing.T) {
	e := readExpected(t)
	rep, err := Build(e.records(t), Options{Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	render := func(format string) string {
		var buf bytes.Buffer
		if err := Render(&buf, rep, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return buf.String()
	}
	// cellsOf lists the text cells of a row in column order.
	type rowCells struct{ label, n, err, rer, p, padj, dz, verdictPrefix, verdictSuffix, dead, learned, epoch string }
	cellsOf := func(gi, ri int) rowCells {
		g := e.Groups[gi]
		er := g.Rows[ri]
		c := er.Cells
		rc := rowCells{label: er.Activation, n: strconv.Itoa(len(er.TestErr)), err: c["err"], rer: "-", p: "-", padj: "-", dz: "-",
			verdictPrefix: "-", dead: c["dead"], learned: "-", epoch: c["epoch"]}
		if er.Activation == "relu" {
			rc.label = "relu (base)"
		} else {
			rc.rer, rc.p, rc.padj, rc.dz, rc.verdictPrefix, rc.verdictSuffix = c["rer"]+" [", c["p"], c["p_adj"], c["dz"], c["verdict_prefix"], c["verdict_suffix"]
		}
		if l, ok := c["learned"]; ok {
			rc.learned = l
		}
		return rc
	}
	// Table, Markdown and LaTeX: find the row's line by its label, then
	// each cell between the format's separators.
	for _, f := range []struct {
		format, sep, start string
		esc                func(string) string
	}{
		{"table", "│", "│ ", func(s string) string { return s }},
		{"md", "|", "| ", func(s string) string { return s }},
		{"latex", "&", "", func(s string) string {
			return strings.NewReplacer("%", `\%`, "<", "$<$", "~", `$\sim$`, "_", `\_`).Replace(s)
		}},
	} {
		out := render(f.format)
		lines := strings.Split(out, "\n")
		for gi, g := range e.Groups {
			// Rows of the second group come after the first group's title.
			titleAt := -1
			for i, l := range lines {
				if strings.Contains(l, "mnist[500] "+map[string]string{"table": "·", "md": "·", "latex": `$\cdot$`}[f.format]+" "+g.Recipe) {
					titleAt = i
					break
				}
			}
			if titleAt < 0 {
				t.Fatalf("%s: no title for recipe %s:\n%s", f.format, g.Recipe, out)
			}
			for ri := range g.Rows {
				rc := cellsOf(gi, ri)
				var line string
				for _, l := range lines[titleAt:] {
					if strings.HasPrefix(l, f.start+f.esc(rc.label)+" ") {
						line = l
						break
					}
				}
				if line == "" {
					t.Errorf("%s %s: no row %s:\n%s", f.format, g.Recipe, rc.label, out)
					continue
				}
				cols := strings.Split(strings.Trim(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), `\\`)), f.sep), f.sep)
				if len(cols) != 11 {
					t.Errorf("%s %s %s: %d columns in %q", f.format, g.Recipe, rc.label, len(cols), line)
					continue
				}
				for i := range cols {
					cols[i] = strings.TrimSpace(cols[i])
				}
				want := []string{rc.label, rc.n, rc.err, rc.rer, rc.p, rc.padj, rc.dz, rc.verdictPrefix, rc.dead, rc.learned, rc.epoch}
				for k, w := range want {
					w = f.esc(w)
					ok := cols[k] == w
					switch k {
					case 3: // RER: the value, then its bootstrap interval
						ok = w == "-" && cols[k] == "-" || strings.HasPrefix(cols[k], w)
					case 7: // verdict: the bootstrap interval is not reproduced
						ok = strings.HasPrefix(cols[k], w) && strings.HasSuffix(cols[k], f.esc(rc.verdictSuffix))
					}
					if !ok {
						t.Errorf("%s %s %s: column %d is %q, want %q", f.format, g.Recipe, rc.label, k+1, cols[k], w)
					}
				}
			}
		}
		if !strings.Contains(out, "Holm-adjusted over all 4 comparisons") {
			t.Errorf("%s: the legend does not name the family of 4 comparisons", f.format)
		}
	}

	// CSV: plain numbers.
	recs, err := csv.NewReader(strings.NewReader(render("csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	num := func(r []string, name string) float64 {
		v, err := strconv.ParseFloat(r[col[name]], 64)
		if err != nil {
			t.Fatalf("csv %s = %q: %v", name, r[col[name]], err)
		}
		return v
	}
	line := 1
	for _, g := range e.Groups {
		for _, er := range g.Rows {
			r := recs[line]
			line++
			if r[col["recipe"]] != g.Recipe || r[col["activation"]] != er.Activation || r[col["n"]] != strconv.Itoa(len(er.TestErr)) {
				t.Fatalf("csv line %d: %v", line, r)
			}
			// %.6g: six significant digits.
			checks := map[string]float64{"test_err_mean": er.Mean, "test_err_ci_lo": er.CILo, "test_err_ci_hi": er.CIHi,
				"dead_fraction": er.Dead, "epoch_seconds": er.EpochSeconds}
			if er.P != nil {
				checks["rer"], checks["p"], checks["p_adjusted"], checks["cohen_dz"] = *er.RER, *er.P, *er.PAdjusted, *er.CohenDz
			}
			for name, want := range checks {
				if got := num(r, name); math.Abs(got-want) > 5e-6*math.Abs(want) {
					t.Errorf("csv %s %s: %s = %v, want %v", g.Recipe, er.Activation, name, got, want)
				}
			}
		}
	}
	if len(recs) != line {
		t.Errorf("csv has %d data lines, want %d", len(recs)-1, line-1)
	}

	// JSON: the Report with full numbers.
	var back Report
	if err := json.Unmarshal([]byte(render("json")), &back); err != nil {
		t.Fatal(err)
	}
	pv := back.Groups[0].Rows[3]
	er := e.Groups[0].Rows[3]
	pt, _ := pv.Comparison.PrimaryTest()
	if pv.Activation != "pvlu" || !near(pv.Summary.Mean, er.Mean, 1e-12) || !near(pt.P, *er.P, 1e-9) || !near(pt.PAdjusted, *er.PAdjusted, 1e-9) {
		t.Errorf("json pvlu row %+v", pv)
	}
}
