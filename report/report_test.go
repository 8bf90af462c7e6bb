package report

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
)

func TestReportStatistics(t *testing.T) {
	recs := reportRecords(t)
	rep, err := Build(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := rep.Groups[0]
	if !g.Rows[0].Baseline || g.Rows[0].Activation != "relu" || g.Rows[0].Comparison != nil {
		t.Fatalf("first row %+v", g.Rows[0])
	}
	var pv *Row
	for i := range g.Rows {
		if g.Rows[i].Activation == "pvlu" {
			pv = &g.Rows[i]
		}
	}
	// The fake trainer makes PVLU 0.012 better with a shared seed effect:
	// the paired comparison must find it, with the matching RER.
	c := pv.Comparison
	if c == nil || c.RER == nil || c.RER.Value < 0.05 || !c.Significant() {
		t.Fatalf("pvlu comparison %+v", c)
	}
	// The numbers themselves are checked against scipy in
	// TestReportMatchesScipy; here, that the pairing is by seed.
	base, cand, unpaired := pair(&g.Rows[0], pv)
	if len(base) != 5 || len(cand) != 5 || unpaired != 0 || base[0] != g.Rows[0].TestErr[0] || cand[4] != pv.TestErr[4] {
		t.Errorf("pairing: %v with %v, %d unpaired", base, cand, unpaired)
	}
	if len(pv.Learned) != 2 || pv.Learned[0].Name != "a" || !pv.HasDead || pv.EpochSeconds <= 0 {
		t.Errorf("pvlu diagnostics %+v", pv)
	}
	// Another baseline.
	rep2, err := Build(recs, Options{Baseline: "pvlu(a=0.1)"})
	if err != nil || rep2.Baseline != "pvlu" || !rep2.Groups[0].Rows[0].Baseline || rep2.Groups[0].Rows[0].Activation != "pvlu" {
		t.Fatalf("baseline pvlu: %v %+v", err, rep2)
	}
	// A baseline absent from the records is a note, not a failure.
	rep3, err := Build(recs, Options{Baseline: "elu"})
	if err != nil || rep3.Comparisons != 0 || len(rep3.Notes) != 2 || !strings.Contains(rep3.Notes[0], "no elu trials") {
		t.Fatalf("baseline elu: %v %v", err, rep3.Notes)
	}
	if _, err := Build(recs, Options{Baseline: "nosuch"}); err == nil {
		t.Error("unknown baseline accepted")
	}
}

func TestPlotsWritten(t *testing.T) {
	rep, err := Build(reportRecords(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := WritePlots(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	// 2 groups x (curves, testerr, shapes) x (png, svg).
	if len(files) != 12 {
		t.Fatalf("%d files: %v", len(files), files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(f) {
		case ".png":
			if !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) < 2000 {
				t.Errorf("%s: not a PNG with content (%d bytes)", f, len(b))
			}
		case ".svg":
			if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("pvlu")) {
				t.Errorf("%s: not an SVG naming pvlu", f)
			}
		}
	}
	if !strings.HasSuffix(files[0], "simplecnn_mnist-500_adam-curves.png") {
		t.Errorf("first file %s", files[0])
	}
}

func TestReportDegenerateInput(t *testing.T) {
	recs := reportRecords(t)
	var kept []record.Record
	for _, r := range recs {
		act := grid.ShortSpec(r.Config.Activation)
		switch {
		case r.Config.Recipe.Name == "adam" && act == "relu" && r.Config.Seed == 5:
			continue // seed 5 has no baseline partner
		case r.Config.Recipe.Name == "adam+aug" && r.Config.Seed > 1:
			continue // one seed only: nothing to test
		}
		if act == "relu" {
			for i := range r.Result.Epochs {
				r.Result.Epochs[i].Dead = nil // probe off
			}
		}
		if r.Config.Recipe.Name == "adam" && act == "pvlu" && r.Config.Seed == 2 {
			r.Result.Status = "diverged"
			r.Result.Test = nil
		}
		kept = append(kept, r)
	}
	kept = append(kept, kept[0]) // a duplicate counts once
	rep, err := Build(kept, Options{Resamples: 1000})
	if err != nil {
		t.Fatal(err)
	}
	g := rep.Groups[0]
	if g.Rows[0].HasDead || len(g.Rows[0].TestErr) != 4 {
		t.Errorf("baseline row %+v", g.Rows[0])
	}
	pv := g.Rows[3]
	if pv.Activation != "pvlu" || pv.Diverged != 1 || len(pv.TestErr) != 4 || pv.Comparison == nil || pv.Comparison.Base.N != 3 {
		t.Errorf("pvlu row: %d trials, %d diverged, comparison %+v", len(pv.TestErr), pv.Diverged, pv.Comparison)
	}
	if c := rep.Groups[1].Rows[1].cells(); c.verdict != "too few paired seeds" || c.err == "-" {
		t.Errorf("one-seed row cells %+v", c)
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{"1 trial(s) diverged before their first epoch", "without a relu trial of the same seed"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Render(&buf, rep, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if f == "json" && !json.Valid(buf.Bytes()) {
			t.Error("invalid JSON")
		}
	}
	if err := Render(io.Discard, rep, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestDiagnosticsComeFromTheSelectedEpoch: the test error is the selected
// epoch's, so dead units and learned parameters must be too, not the last
// epoch's; records without a selected epoch fall back to the last.
func TestDiagnosticsComeFromTheSelectedEpoch(t *testing.T) {
	recs := reportRecords(t)
	wantA, n := 0.0, 0
	for i := range recs {
		r := &recs[i]
		if len(r.Result.Epochs) < 2 {
			t.Fatalf("record %s has %d epochs: the test needs 2", r.Key, len(r.Result.Epochs))
		}
		r.Result.SelectedEpoch = 1
		if r.Config.Activation == "pvlu" && r.Config.Recipe.Name == "adam" {
			for _, p := range r.Result.Epochs[0].ActParams {
				if p.Param == "a" {
					wantA += p.Mean
					n++
				}
			}
		}
	}
	if d, ok := recs[0].DeadFraction(); !ok || math.Abs(d-0.15) > 1e-12 {
		t.Errorf("DeadFraction at selected epoch 1 = %g %v, want 0.15 (epoch 1's, not the last epoch's)", d, ok)
	}
	rep, err := Build(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Groups[0].Rows {
		if math.Abs(row.DeadFraction-0.15) > 1e-12 {
			t.Errorf("%s: dead fraction %g, want epoch 1's 0.15", row.Activation, row.DeadFraction)
		}
		if row.Activation == "pvlu" {
			if got := row.Learned[0]; got.Name != "a" || math.Abs(got.Mean-wantA/float64(n)) > 1e-12 {
				t.Errorf("pvlu learned %+v, want a = %g (epoch 1's)", got, wantA/float64(n))
			}
		}
	}
	recs[0].Result.SelectedEpoch = 0 // absent: the last epoch
	if d, ok := recs[0].DeadFraction(); !ok || math.Abs(d-0.075) > 1e-12 {
		t.Errorf("DeadFraction without a selected epoch = %g %v, want the last epoch's 0.075", d, ok)
	}
}

// TestRecordsOfDifferentDataFilesNeverPool: the same grid run on two copies
// of a dataset with different contents (say, two results files merged) makes
// two groups, each pairing its own seeds, with the checksum in the title.
// Records without a checksum group as before.
func TestRecordsOfDifferentDataFilesNeverPool(t *testing.T) {
	recs := reportRecords(t)
	n := len(recs)
	for i := range n {
		o := recs[i]
		o.Key += "-other"
		o.Result.Data.SHA256 = "0123456789abcdef-other-files"
		recs = append(recs, o)
	}
	rep, err := Build(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 4 {
		t.Fatalf("%d groups, want 4 (2 recipes x 2 data files)", len(rep.Groups))
	}
	titles := map[string]bool{}
	for _, g := range rep.Groups {
		titles[g.Title()] = true
		if len(g.Rows[0].Seeds) != 5 {
			t.Errorf("%s: %s has seeds %v, want 1-5 once", g.Title(), g.Rows[0].Activation, g.Rows[0].Seeds)
		}
	}
	if len(titles) != 4 || !titles["simplecnn · mnist[500] · adam · data sha256 0123456789ab"] {
		t.Errorf("titles do not tell the data files apart: %v", titles)
	}
	for i := range recs {
		recs[i].Result.Data.SHA256 = ""
	}
	recs = recs[:n]
	if rep, err := Build(recs, Options{}); err != nil || len(rep.Groups) != 2 || strings.Contains(rep.Groups[0].Title(), "sha256") {
		t.Errorf("records without a checksum: %v, %d groups", err, len(rep.Groups))
	}
}

// TestPColumnsAndVerdictAgree: the p (adj) column and the verdict print the
// same number the same way (one formatter), so a row never reads "0.001" in
// one column and "p=0.0015" in the next.
func TestPColumnsAndVerdictAgree(t *testing.T) {
	rep, err := Build(reportRecords(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, g := range rep.Groups {
		for i := range g.Rows {
			row := &g.Rows[i]
			if row.Comparison == nil {
				continue
			}
			c := row.cells()
			want := "p=" + c.padj
			if strings.HasPrefix(c.padj, "<") {
				want = "p" + c.padj
			}
			if !strings.Contains(c.verdict, want+" ") {
				t.Errorf("%s %s: p (adj) cell %q, verdict %q", g.Title(), row.Activation, c.padj, c.verdict)
			}
			checked++
		}
	}
	if checked != 6 {
		t.Fatalf("checked %d rows, want 6", checked)
	}
}
