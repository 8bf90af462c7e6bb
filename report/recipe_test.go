package report

import (
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
)

// TestReportNeverPoolsDifferentRecipeControls: records that differ only in a
// recipe control (same recipe name) land in separate groups.
func TestReportNeverPoolsDifferentRecipeControls(t *testing.T) {
	recs := reportRecords(t)
	base, err := Build(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mut := range []func(*grid.Recipe){
		func(r *grid.Recipe) { r.Init = "he-normal" },
		func(r *grid.Recipe) { r.CropPad = "reflect" },
		func(r *grid.Recipe) { r.LRStep = "per-epoch" },
	} {
		all := append([]record.Record(nil), recs...)
		for _, r := range recs {
			mut(&r.Config.Recipe)
			r.Key = grid.TrialKey(r.Config)
			all = append(all, r)
		}
		rep, err := Build(all, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Groups) != 2*len(base.Groups) {
			t.Fatalf("%d groups, want %d: records of different recipe controls pooled", len(rep.Groups), 2*len(base.Groups))
		}
		for _, g := range rep.Groups {
			if n := len(g.Rows[0].TestErr); n != len(base.Groups[0].Rows[0].TestErr) {
				t.Errorf("group %s: %d trials in its baseline row, want %d", g.Title(), n, len(base.Groups[0].Rows[0].TestErr))
			}
		}
	}
}
