package trainer

import (
	"context"
	"testing"
)

// TestPVLUWithBFrozen: a trial of pvlu(train=a) learns a and only a: the
// model counts one activation value per site, the per-epoch parameter
// summaries name a alone, and a moves away from its start.
func TestPVLUWithBFrozen(t *testing.T) {
	c := baseConfig()
	c.Act, c.Epochs = "pvlu(a=0.1,b=1,train=a)", 2
	r, err := Run(context.Background(), c, Options{Data: synthData(4)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Act != "pvlu(a=0.1, b=1, per=shared, train=a)" {
		t.Errorf("recorded act %q", r.Config.Act)
	}
	if r.Model.ActParams != r.Model.ActSites || r.Model.ActSites == 0 {
		t.Errorf("%d activation values for %d sites, want one (a) per site", r.Model.ActParams, r.Model.ActSites)
	}
	last := r.Epochs[len(r.Epochs)-1]
	moved := false
	for _, p := range last.ActParams {
		if p.Param != "a" {
			t.Fatalf("epoch summary names %s.%s: b is frozen", p.Layer, p.Param)
		}
		moved = moved || p.Mean != 0.1
	}
	if len(last.ActParams) != r.Model.ActSites || !moved {
		t.Errorf("%d parameter summaries for %d sites, a moved: %v", len(last.ActParams), r.Model.ActSites, moved)
	}
}
