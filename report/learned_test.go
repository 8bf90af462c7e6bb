package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestLearnedPerLayer checks the per-layer table against the records: for
// each layer the mean and range over seeds of its value at the selected
// epoch (not the last), the range over channels of a per-channel
// parameter, PReLU's parameter under the comparison table's name with its
// starting value, and no rows for activations without parameters.
func TestLearnedPerLayer(t *testing.T) {
	recs := reportRecords(t)
	type want struct{ sum, lo, hi float64 }
	wantA := map[string]*want{} // pvlu's a per layer, recipe "adam", epoch 1
	var seed3 float64           // seed 3's act2 a, whose channels span [seed3-0.5, seed3+0.25]
	for i := range recs {
		r := &recs[i]
		r.Result.SelectedEpoch = 1
		if !strings.HasPrefix(r.Config.Activation, "pvlu") || r.Config.Recipe.Name != "adam" {
			continue
		}
		ps := r.Result.Epochs[0].ActParams
		if r.Config.Seed == 3 {
			// act2's a per channel in this trial: 4 values around the mean.
			for j := range ps {
				if ps[j].Layer == "act2" && ps[j].Param == "a" {
					ps[j].N, ps[j].Min, ps[j].Max = 4, ps[j].Mean-0.5, ps[j].Mean+0.25
					seed3 = ps[j].Mean
				}
			}
		}
		for _, p := range ps {
			if p.Param != "a" {
				continue
			}
			w := wantA[p.Layer]
			if w == nil {
				w = &want{lo: math.Inf(1), hi: math.Inf(-1)}
				wantA[p.Layer] = w
			}
			w.sum += p.Mean
			w.lo, w.hi = math.Min(w.lo, p.Mean), math.Max(w.hi, p.Mean)
		}
	}
	rep, err := Build(recs, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	tab := Learned(rep)
	if len(tab.Groups) != 2 {
		t.Fatalf("%d groups, want 2 (both recipes)", len(tab.Groups))
	}
	g := tab.Groups[0]
	if g.Title != rep.Groups[0].Title() || !strings.HasPrefix(g.Title, "simplecnn · mnist[500] · adam") {
		t.Fatalf("first group %q", g.Title)
	}
	var got []string
	for _, l := range g.Rows {
		got = append(got, l.Activation+" "+l.Layer+" "+l.Param)
		switch {
		case l.Activation == "pvlu" && l.Param == "a":
			w := wantA[l.Layer]
			if l.Seeds != 5 || l.Init != "0.1" || math.Abs(l.Mean-w.sum/5) > 1e-12 || l.SeedMin != w.lo || l.SeedMax != w.hi {
				t.Errorf("pvlu %s a: %+v, want 5 seeds from 0.1, mean %g, range [%g, %g]", l.Layer, l, w.sum/5, w.lo, w.hi)
			}
			if wantCh := map[string]int{"act1": 1, "act2": 4}[l.Layer]; l.Channels != wantCh {
				t.Errorf("pvlu %s a: %d channels, want %d", l.Layer, l.Channels, wantCh)
			}
			// The other seeds' values lie within 0.05 of each other.
			if l.Layer == "act2" && (l.Min != seed3-0.5 || l.Max != seed3+0.25) {
				t.Errorf("pvlu act2 a: channel range [%g, %g], want seed 3's channels [%g, %g]", l.Min, l.Max, seed3-0.5, seed3+0.25)
			}
		case l.Activation == "prelu":
			if l.Param != "slope" || l.Init != "0.25" {
				t.Errorf("prelu row %+v: want param slope from 0.25", l)
			}
		}
	}
	// In the comparison table's row order, layers in the records' order.
	var wantRows []string
	for _, r := range rep.Groups[0].Rows {
		switch r.Activation {
		case "pvlu":
			wantRows = append(wantRows, "pvlu act1 a", "pvlu act1 b", "pvlu act2 a", "pvlu act2 b")
		case "prelu":
			wantRows = append(wantRows, "prelu act1 slope", "prelu act2 slope")
		}
	}
	if len(wantRows) != 6 || strings.Join(got, ",") != strings.Join(wantRows, ",") {
		t.Errorf("rows %v, want %v: pvlu's a and b and prelu's slope per layer, nothing for relu or leakyrelu", got, wantRows)
	}

	for _, f := range Formats {
		var b bytes.Buffer
		if err := RenderLearned(&b, tab, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := b.String()
		switch f {
		case "md":
			if !strings.Contains(out, "| pvlu | act2 | a | 0.1 | ") || !strings.Contains(out, "(4) |") {
				t.Errorf("md lacks pvlu's act2 row with its 4 channels:\n%s", out)
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != 1+2*len(g.Rows) || rows[0][0] != "group" {
				t.Errorf("csv: %d lines (want %d), %v", len(rows), 1+2*len(g.Rows), err)
			}
		case "json":
			var back LearnedTable
			if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Groups) != 2 || back.Groups[0].Rows[0].SeedMax != g.Rows[0].SeedMax {
				t.Errorf("json does not round-trip: %v", err)
			}
		default:
			if !strings.Contains(out, "act2") {
				t.Errorf("%s lacks the layers:\n%s", f, out)
			}
		}
	}

	// Records without trainable activations: a table that says so.
	var plain = recs[:0:0]
	for _, r := range recs {
		if strings.HasPrefix(r.Config.Activation, "relu") || strings.HasPrefix(r.Config.Activation, "leakyrelu") {
			plain = append(plain, r)
		}
	}
	rep, err = Build(plain, Options{Resamples: 200})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := RenderLearned(&b, Learned(rep), "table"); err != nil || !strings.Contains(b.String(), "no trainable activation parameters") {
		t.Errorf("no parameters: %v %q", err, b.String())
	}
}
