package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// lbExpected is testdata/leaderboard.json, written by
// testdata/gen_leaderboard.py with scipy: the inputs of a two-cell
// leaderboard and what it must say.
type lbExpected struct {
	CellsIn []struct {
		Dataset string      `json:"dataset"`
		Seeds   []uint64    `json:"seeds"`
		ReluVal [][]float64 `json:"relu_val"`
		Rows    []struct {
			Activation string `json:"activation"`
			TestErr    []any  `json:"test_err"` // number, "diverged", "diverged-untested" or null (no record)
		} `json:"rows"`
	} `json:"cells_in"`
	ActParams map[string]int `json:"act_params"`
	Params    int            `json:"params"`
	Seconds   []float64      `json:"seconds"`
	Cells     []struct {
		Dataset     string   `json:"dataset"`
		Seeds       []uint64 `json:"seeds"`
		Dropped     []uint64 `json:"dropped"`
		Best        string   `json:"best"`
		Family      int      `json:"family"`
		Pairs       int      `json:"pairs"`
		BaselineMov float64  `json:"baseline_val_move_pp"`
		Entries     []struct {
			Position     int               `json:"position"`
			Activation   string            `json:"activation"`
			N            int               `json:"n"`
			Diverged     int               `json:"diverged"`
			Letters      string            `json:"letters"`
			MeanRank     float64           `json:"mean_rank"`
			EpochSeconds float64           `json:"epoch_seconds"`
			Params       int               `json:"params"`
			ActParams    int               `json:"act_params"`
			TestErr      []*float64        `json:"test_err"`
			Mean         *float64          `json:"mean"`
			CILo         float64           `json:"ci_lo"`
			CIHi         float64           `json:"ci_hi"`
			RER          *float64          `json:"rer"`
			PBase        *float64          `json:"p_base"`
			PBaseAdj     *float64          `json:"p_base_adj"`
			PBest        *float64          `json:"p_best"`
			PBestAdj     *float64          `json:"p_best_adj"`
			Cells        map[string]string `json:"cells"`
		} `json:"entries"`
	} `json:"cells"`
	Overall struct {
		LeftOut []string `json:"left_out"`
		Rows    []struct {
			Activation string     `json:"activation"`
			MeanRank   float64    `json:"mean_rank"`
			CellMeans  []*float64 `json:"cell_means"`
			Cells      struct {
				MeanRank  string   `json:"mean_rank"`
				CellMeans []string `json:"cell_means"`
			} `json:"cells"`
		} `json:"rows"`
	} `json:"overall"`
}

func readLeaderboardExpected(t *testing.T) *lbExpected {
	t.Helper()
	b, err := os.ReadFile("testdata/leaderboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var e lbExpected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// records builds one record per trial of the expected cells, in grid order
// (seeds outer, activations inner): a test error, a diverged trial with a
// last finite test error of 0.9, or one diverged before its first epoch
// (no metrics); seeds without a value get no record. Every trial has three
// epochs; relu's carry the validation errors of relu_val.
func (e *lbExpected) records(t *testing.T) []record.Record {
	t.Helper()
	var recs []record.Record
	for _, c := range e.CellsIn {
		ds := grid.Dataset{Name: c.Dataset, Val: 100, Train: 500}
		rc := grid.Recipe{Name: "adam", Epochs: 3, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}
		for si, seed := range c.Seeds {
			for ai, row := range c.Rows {
				v := row.TestErr[si]
				if v == nil {
					continue
				}
				spec, err := grid.CanonicalActivation(row.Activation)
				if err != nil {
					t.Fatal(err)
				}
				cfg := grid.TrialConfig{Model: "simplecnn", Dataset: ds, Recipe: rc, Seed: seed, Activation: spec}
				res := trainer.Result{Status: trainer.StatusOK,
					Model:  trainer.ModelInfo{Params: e.Params, ActParams: e.ActParams[row.Activation]},
					Data:   trainer.DataInfo{Name: c.Dataset, SHA256: "sha-" + c.Dataset},
					Timing: trainer.Timing{EpochSeconds: e.Seconds[seed-1] + 0.1*float64(ai)}}
				for ep := 1; ep <= 3; ep++ {
					val := 0.5
					if row.Activation == "relu" {
						val = c.ReluVal[si][ep-1]
					}
					res.Epochs = append(res.Epochs, trainer.Epoch{Epoch: ep, Val: &trainer.Metrics{N: 100, Top1: 1 - val}})
				}
				res.SelectedEpoch = 3
				switch v {
				case "diverged":
					res.Status = trainer.StatusDiverged
					res.Test = &trainer.Metrics{N: 1000, Top1: 0.1}
				case "diverged-untested":
					res.Status = trainer.StatusDiverged
					res.Epochs, res.SelectedEpoch = nil, 0
				default:
					res.Test = &trainer.Metrics{N: 1000, Top1: 1 - v.(float64)}
				}
				recs = append(recs, record.Record{Schema: record.SchemaVersion, Key: grid.TrialKey(cfg), Index: len(recs), Config: cfg, Result: res})
			}
		}
	}
	return recs
}

func buildExpectedLeaderboard(t *testing.T) (*lbExpected, *Leaderboard) {
	t.Helper()
	e := readLeaderboardExpected(t)
	lb, err := BuildLeaderboard(e.records(t), Options{Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	return e, lb
}

func nearPtr(got *float64, want *float64, rel float64) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return near(*got, *want, rel)
}

// TestLeaderboardMatchesScipy builds the leaderboard of
// testdata/leaderboard.json and compares every number with scipy's.
func TestLeaderboardMatchesScipy(t *testing.T) {
	e, lb := buildExpectedLeaderboard(t)
	if lb.Baseline != "relu" || lb.Adjustment != "holm" || len(lb.Cells) != len(e.Cells) {
		t.Fatalf("baseline %s, adjustment %s, %d cells", lb.Baseline, lb.Adjustment, len(lb.Cells))
	}
	for ci, ec := range e.Cells {
		c := &lb.Cells[ci]
		where := c.Title
		if c.Dataset.Name != ec.Dataset || !slices.Equal(c.Seeds, ec.Seeds) || !slices.Equal(c.Dropped, ec.Dropped) ||
			c.Best != ec.Best || c.Family != ec.Family || c.Pairs != ec.Pairs {
			t.Errorf("%s: dataset %s, seeds %v, dropped %v, best %s, family %d, pairs %d; want %s %v %v %s %d %d", where,
				c.Dataset.Name, c.Seeds, c.Dropped, c.Best, c.Family, c.Pairs, ec.Dataset, ec.Seeds, ec.Dropped, ec.Best, ec.Family, ec.Pairs)
		}
		if c.BaselineValMove == nil || !near(*c.BaselineValMove, ec.BaselineMov, 1e-9) {
			t.Errorf("%s: baseline val move %v, want %v", where, c.BaselineValMove, ec.BaselineMov)
		}
		if len(c.Entries) != len(ec.Entries) {
			t.Fatalf("%s: %d entries, want %d", where, len(c.Entries), len(ec.Entries))
		}
		for i, ee := range ec.Entries {
			g := &c.Entries[i]
			w := where + " " + ee.Activation
			if g.Activation != ee.Activation || g.Position != ee.Position || g.N != ee.N || g.Diverged != ee.Diverged ||
				g.Letters != ee.Letters || g.Params != ee.Params || g.ActParams != ee.ActParams ||
				g.Baseline != (ee.Activation == "relu") || g.Best != (ee.Activation == ec.Best) {
				t.Errorf("%s: entry %d is %s #%d n=%d div=%d letters %q params %d+%d; want #%d n=%d div=%d %q %d+%d", w, i,
					g.Activation, g.Position, g.N, g.Diverged, g.Letters, g.Params, g.ActParams,
					ee.Position, ee.N, ee.Diverged, ee.Letters, ee.Params, ee.ActParams)
				continue
			}
			if !near(g.MeanRank, ee.MeanRank, 1e-12) || !near(g.EpochSeconds, ee.EpochSeconds, 1e-12) {
				t.Errorf("%s: mean rank %v, s/epoch %v; want %v, %v", w, g.MeanRank, g.EpochSeconds, ee.MeanRank, ee.EpochSeconds)
			}
			if len(g.TestErr) != len(ee.TestErr) {
				t.Errorf("%s: %d test errors, want %d", w, len(g.TestErr), len(ee.TestErr))
			}
			for j := range min(len(g.TestErr), len(ee.TestErr)) {
				if !nearPtr(g.TestErr[j], ee.TestErr[j], 1e-12) {
					t.Errorf("%s: test error %d is %v, want %v (nil = diverged)", w, j, g.TestErr[j], ee.TestErr[j])
				}
			}
			if ee.Mean == nil {
				if g.Summary != nil || g.RER != nil || g.PBase != nil || g.PBest != nil {
					t.Errorf("%s: diverged, yet has summary %v, RER %v, p %v %v", w, g.Summary, g.RER, g.PBase, g.PBest)
				}
				continue
			}
			if s := g.Summary; s == nil || !near(s.Mean, *ee.Mean, 1e-12) || !near(s.MeanCI.Lo, ee.CILo, 1e-9) || !near(s.MeanCI.Hi, ee.CIHi, 1e-9) {
				t.Errorf("%s: summary %+v, want mean %v CI [%v, %v]", w, g.Summary, *ee.Mean, ee.CILo, ee.CIHi)
			}
			var rer *float64
			if g.RER != nil {
				rer = &g.RER.Value
				if !(g.RER.BCa.Lo <= g.RER.Value && g.RER.Value <= g.RER.BCa.Hi) {
					t.Errorf("%s: RER %v outside its interval %+v", w, g.RER.Value, g.RER.BCa)
				}
			}
			if !nearPtr(rer, ee.RER, 1e-9) {
				t.Errorf("%s: RER %v, want %v", w, rer, ee.RER)
			}
			for _, pc := range []struct {
				name     string
				got      *PValue
				raw, adj *float64
			}{{"vs base", g.PBase, ee.PBase, ee.PBaseAdj}, {"vs best", g.PBest, ee.PBest, ee.PBestAdj}} {
				if pc.got == nil || pc.raw == nil {
					if pc.got != nil || pc.raw != nil {
						t.Errorf("%s: p %s %+v, want %v", w, pc.name, pc.got, pc.raw)
					}
					continue
				}
				if !near(pc.got.P, *pc.raw, 1e-9) || !near(pc.got.Adjusted, *pc.adj, 1e-9) {
					t.Errorf("%s: p %s %v (adj %v), want %v (adj %v)", w, pc.name, pc.got.P, pc.got.Adjusted, *pc.raw, *pc.adj)
				}
			}
		}
	}

	ov := lb.Overall
	if ov == nil {
		t.Fatal("no overall ranking over two cells")
	}
	if !slices.Equal(ov.LeftOut, e.Overall.LeftOut) || len(ov.Rows) != len(e.Overall.Rows) {
		t.Fatalf("overall: left out %v, %d rows; want %v, %d", ov.LeftOut, len(ov.Rows), e.Overall.LeftOut, len(e.Overall.Rows))
	}
	var top []string
	for i, er := range e.Overall.Rows {
		g := ov.Rows[i]
		top = append(top, er.Activation)
		if g.Activation != er.Activation || g.Position != i+1 || !near(g.MeanRank, er.MeanRank, 1e-12) || len(g.CellMeans) != len(er.CellMeans) {
			t.Errorf("overall row %d: %s #%d mean rank %v; want %s %v", i, g.Activation, g.Position, g.MeanRank, er.Activation, er.MeanRank)
			continue
		}
		for j := range er.CellMeans {
			if !nearPtr(g.CellMeans[j], er.CellMeans[j], 1e-12) {
				t.Errorf("overall %s: cell %d mean %v, want %v", g.Activation, j+1, g.CellMeans[j], er.CellMeans[j])
			}
		}
	}
	// relu is among the 5 of the top 12, so it is not added again.
	if !slices.Equal(ov.Top, top) {
		t.Errorf("top %v, want %v", ov.Top, top)
	}

	// The notes: the dropped seed, the unconverged cell, the left-out
	// activation; nothing about the converged cell.
	notes := strings.Join(lb.Notes, "\n")
	for _, want := range []string{
		"cifar10[500] · adam: 1 seed(s) (6) not finished by every activation were left out",
		"cifar100[500] · adam: the baseline relu's validation error (mean over seeds) still moved 2.00 pp",
		"overall ranking: gelu left out, not in every cell",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if strings.Contains(notes, "cifar10[500] · adam: the baseline") || len(lb.Notes) != 3 {
		t.Errorf("unexpected notes:\n%s", notes)
	}
}

// TestLeaderboardRenderEveryFormat checks that each format prints the
// expected cells (formatted by the generator) in the row of their
// activation, the overall ranking, the family of the adjustment, and that
// csv and json carry the numbers.
func TestLeaderboardRenderEveryFormat(t *testing.T) {
	e, lb := buildExpectedLeaderboard(t)
	render := func(format string) string {
		var buf bytes.Buffer
		if err := RenderLeaderboard(&buf, lb, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return buf.String()
	}
	for _, f := range []struct {
		format, sep, start string
		esc                func(string) string
	}{
		{"table", "│", "│ ", func(s string) string { return s }},
		{"md", "|", "| ", func(s string) string { return s }},
		{"latex", "&", "", func(s string) string {
			return strings.NewReplacer("%", `\%`, "<", "$<$", "#", `\#`).Replace(s)
		}},
	} {
		out := render(f.format)
		lines := strings.Split(out, "\n")
		// rowOf finds the line of a row: the first after the line
		// containing from whose first two columns are pos and label.
		rowOf := func(from, pos, label string) []string {
			start := -1
			for i, l := range lines {
				if strings.Contains(l, from) {
					start = i
					break
				}
			}
			if start < 0 {
				t.Fatalf("%s: no line with %q:\n%s", f.format, from, out)
			}
			for _, l := range lines[start:] {
				cols := strings.Split(strings.Trim(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l), `\\`)), f.sep), f.sep)
				for i := range cols {
					cols[i] = strings.TrimSpace(cols[i])
				}
				if len(cols) > 2 && cols[0] == pos && cols[1] == f.esc(label) {
					return cols
				}
			}
			t.Errorf("%s: no row %s %s after %q:\n%s", f.format, pos, label, from, out)
			return nil
		}
		for ci, ec := range e.Cells {
			// The cell's heading, e.g. "Cell 1: simplecnn · cifar10[500]".
			title := map[string]string{"table": "cell ", "md": "Cell ", "latex": "Cell "}[f.format] + strconv.Itoa(ci+1) +
				": simplecnn " + map[string]string{"table": "·", "md": "·", "latex": `$\cdot$`}[f.format]
			for _, ee := range ec.Entries {
				c := ee.Cells
				cols := rowOf(title+" "+ec.Dataset+"[500]", c["position"], c["label"])
				if cols == nil {
					continue
				}
				want := []string{c["position"], c["label"], c["err"], c["rer"], c["p_base"], c["p_best"], c["group"], c["mean_rank"],
					c["epoch"], c["params"], c["n"], c["div"]}
				if len(cols) != len(want) {
					t.Errorf("%s %s %s: %d columns in %q", f.format, ec.Dataset, ee.Activation, len(cols), cols)
					continue
				}
				for k, w := range want {
					w = f.esc(w)
					ok := cols[k] == w
					if k == 3 && w != "-" { // RER: the value, then its bootstrap interval
						ok = strings.HasPrefix(cols[k], w)
					}
					if !ok {
						t.Errorf("%s %s %s: column %s is %q, want %q", f.format, ec.Dataset, ee.Activation, lbColumns[k], cols[k], w)
					}
				}
			}
			family := "over the cell's " + strconv.Itoa(ec.Family) + " comparisons with relu (base) or " + ec.Best + " (best), each pair once; groups from all " +
				strconv.Itoa(ec.Pairs) + " pairs"
			if !strings.Contains(strings.Join(strings.Fields(out), " "), f.esc(family)) {
				t.Errorf("%s: no family line %q", f.format, family)
			}
		}
		for i, er := range e.Overall.Rows {
			label := er.Activation
			if label == "relu" {
				label += " (base)"
			}
			from := "Overall"
			cols := rowOf(from, strconv.Itoa(i+1), label)
			if want := append([]string{strconv.Itoa(i + 1), label, er.Cells.MeanRank}, er.Cells.CellMeans...); cols != nil && !slices.Equal(cols, want) {
				t.Errorf("%s: overall row %v, want %v", f.format, cols, want)
			}
		}
		flat := strings.Join(strings.Fields(out), " ")
		for _, want := range []string{"Holm-adjusted together over the family of those comparisons in the cell",
			"--act 'prelu;pvlu;elu;relu;tanh'", "gelu left out"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: output lacks %q", f.format, want)
			}
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
	for ci, ec := range e.Cells {
		for _, ee := range ec.Entries {
			r := recs[line]
			line++
			if r[col["section"]] != "cell" || r[col["cell"]] != strconv.Itoa(ci+1) || r[col["dataset"]] != ec.Dataset ||
				r[col["activation"]] != ee.Activation || r[col["letters"]] != ee.Letters || r[col["diverged"]] != strconv.Itoa(ee.Diverged) {
				t.Fatalf("csv line %d: %v", line, r)
			}
			checks := map[string]float64{"mean_rank": ee.MeanRank, "epoch_seconds": ee.EpochSeconds, "params": float64(ee.Params), "family": float64(ec.Family)}
			if ee.Mean != nil {
				checks["test_err_mean"], checks["test_err_ci_lo"], checks["test_err_ci_hi"] = *ee.Mean, ee.CILo, ee.CIHi
			} else if r[col["test_err_mean"]] != "" || r[col["p_vs_best"]] != "" {
				t.Errorf("csv: diverged %s has numbers: %v", ee.Activation, r)
			}
			for name, p := range map[string]*float64{"rer": ee.RER, "p_vs_base": ee.PBase, "p_vs_base_adjusted": ee.PBaseAdj,
				"p_vs_best": ee.PBest, "p_vs_best_adjusted": ee.PBestAdj} {
				if p != nil {
					checks[name] = *p
				} else if r[col[name]] != "" {
					t.Errorf("csv %s %s: %s = %q, want empty", ec.Dataset, ee.Activation, name, r[col[name]])
				}
			}
			for name, want := range checks {
				if got := num(r, name); math.Abs(got-want) > 5e-6*math.Abs(want) {
					t.Errorf("csv %s %s: %s = %v, want %v", ec.Dataset, ee.Activation, name, got, want)
				}
			}
		}
	}
	for _, er := range e.Overall.Rows {
		r := recs[line]
		line++
		if r[col["section"]] != "overall" || r[col["activation"]] != er.Activation || math.Abs(num(r, "mean_rank_over_cells")-er.MeanRank) > 1e-9 {
			t.Errorf("csv overall line %d: %v, want %s %v", line, r, er.Activation, er.MeanRank)
		}
	}
	if len(recs) != line {
		t.Errorf("csv has %d lines, want %d", len(recs), line)
	}

	// JSON: the Leaderboard with full numbers; a diverged run is null.
	var back Leaderboard
	if err := json.Unmarshal([]byte(render("json")), &back); err != nil {
		t.Fatal(err)
	}
	tanh := back.Cells[0].Entries[4]
	if tanh.Activation != "tanh" || tanh.Diverged != 1 || tanh.TestErr[1] != nil || tanh.TestErr[0] == nil || tanh.Summary != nil {
		t.Errorf("json: diverged tanh %+v", tanh)
	}
	pv := back.Cells[0].Entries[0]
	ee := e.Cells[0].Entries[0]
	if pv.Activation != "pvlu" || !near(pv.Summary.Mean, *ee.Mean, 1e-12) || !near(pv.PBase.Adjusted, *ee.PBaseAdj, 1e-9) || back.Overall == nil {
		t.Errorf("json pvlu entry %+v", pv)
	}
}

// TestLeaderboardNeverPoolsCells: the same trials on other data files, or
// on another training-subset size, are other cells.
func TestLeaderboardNeverPoolsCells(t *testing.T) {
	e := readLeaderboardExpected(t)
	recs := e.records(t)
	var more []record.Record
	for _, r := range recs {
		if r.Config.Dataset.Name != "cifar10" {
			continue
		}
		other := r
		other.Result.Data.SHA256 = "other-files"
		more = append(more, other)
		bigger := r
		bigger.Config.Dataset.Train = 600
		bigger.Key = grid.TrialKey(bigger.Config)
		more = append(more, bigger)
	}
	lb, err := BuildLeaderboard(append(recs, more...), Options{Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Cells) != 4 {
		t.Fatalf("%d cells, want 4 (cifar10 on two data files and two sizes, cifar100)", len(lb.Cells))
	}
	var titles []string
	for _, c := range lb.Cells {
		titles = append(titles, c.Title)
		if len(c.Seeds) != 5 && len(c.Seeds) != 4 {
			t.Errorf("%s: seeds %v (pooled?)", c.Title, c.Seeds)
		}
	}
	if !strings.Contains(strings.Join(titles, "\n"), "data sha256 other-files") || !strings.Contains(strings.Join(titles, "\n"), "cifar10[600]") {
		t.Errorf("titles %q", titles)
	}
}

// TestLeaderboardDegenerate: no records, too few complete seeds, a missing
// or diverged baseline.
func TestLeaderboardDegenerate(t *testing.T) {
	if _, err := BuildLeaderboard(nil, Options{}); err == nil || !strings.Contains(err.Error(), "no trials") {
		t.Errorf("no records: %v", err)
	}
	e := readLeaderboardExpected(t)
	recs := e.records(t)
	// Keep seed 1 of every trial and seed 2 of relu only: no cell has 2
	// seeds that every activation finished.
	var few []record.Record
	for _, r := range recs {
		if r.Config.Seed == 1 || (r.Config.Seed == 2 && strings.HasPrefix(r.Config.Activation, "relu")) {
			few = append(few, r)
		}
	}
	if _, err := BuildLeaderboard(few, Options{}); err == nil || !strings.Contains(err.Error(), "no cell has 2 seeds") ||
		!strings.Contains(err.Error(), "only 1 seed(s) finished by all 5 activations") {
		t.Errorf("too few seeds: %v", err)
	}

	// A baseline absent from the records: no RER, no p against it, a note;
	// the tests against the best remain.
	lb, err := BuildLeaderboard(recs, Options{Baseline: "selu", Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range lb.Cells {
		for _, en := range c.Entries {
			if en.RER != nil || en.PBase != nil || (en.Diverged == 0 && !en.Best && en.PBest == nil) {
				t.Errorf("%s %s: RER %v, p vs base %v, p vs best %v", c.Title, en.Activation, en.RER, en.PBase, en.PBest)
			}
		}
	}
	if n := strings.Join(lb.Notes, "\n"); !strings.Contains(n, "no selu trials") {
		t.Errorf("notes %s", n)
	}

	// A diverged baseline ranks last and is compared with nothing.
	for i := range recs {
		if r := &recs[i]; r.Config.Seed == 3 && strings.HasPrefix(r.Config.Activation, "relu") && r.Config.Dataset.Name == "cifar100" {
			r.Result.Status = trainer.StatusDiverged
		}
	}
	lb, err = BuildLeaderboard(recs, Options{Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	c := lb.Cells[1]
	last := c.Entries[len(c.Entries)-1]
	if !last.Baseline && !c.Entries[len(c.Entries)-2].Baseline {
		t.Errorf("diverged baseline not among the last: %+v", c.Entries)
	}
	for _, en := range c.Entries {
		if en.RER != nil || en.PBase != nil {
			t.Errorf("%s: compared with a diverged baseline", en.Activation)
		}
	}
	if n := strings.Join(lb.Notes, "\n"); !strings.Contains(n, "the baseline relu diverged in 1 of 4 seeds") {
		t.Errorf("notes %s", n)
	}
}

// TestLeaderboardPlots draws the forest plot and checks that the PNG
// decodes and the SVG parses; a board without cells or without any RER is
// an error that says why.
func TestLeaderboardPlots(t *testing.T) {
	_, lb := buildExpectedLeaderboard(t)
	dir := t.TempDir()
	files, err := WriteLeaderboardPlots(dir, lb)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "leaderboard-rer.png"), filepath.Join(dir, "leaderboard-rer.svg")}
	if !slices.Equal(files, want) {
		t.Fatalf("files %v, want %v", files, want)
	}
	f, err := os.Open(want[0])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 100 {
		t.Errorf("PNG is %v", b)
	}
	svg, err := os.ReadFile(want[1])
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element %q", root)
	}
	// The labels of both panels, the diverged marks included.
	for _, s := range []string{"tanh (1/5 diverged)", "gelu (1/4 diverged)", "relu (baseline)", "RER vs relu"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}

	if _, err := WriteLeaderboardPlots(t.TempDir(), &Leaderboard{}); err == nil || !strings.Contains(err.Error(), "no cells") {
		t.Errorf("empty board: %v", err)
	}
	e := readLeaderboardExpected(t)
	noBase, err := BuildLeaderboard(e.records(t), Options{Baseline: "selu", Resamples: 2000})
	if err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if _, err := WriteLeaderboardPlots(empty, noBase); err == nil || !strings.Contains(err.Error(), "no cell has an RER against selu") {
		t.Errorf("board without RER: %v", err)
	}
	if left, _ := os.ReadDir(empty); len(left) != 0 {
		t.Errorf("a failed plot left files: %v", left)
	}
}
