package grid

import (
	"strings"
	"testing"
)

// TestRecipeControlsValidateAndKey: the recipe controls are validated
// (with the valid values and the nearest named), written as "" at their
// defaults so that naming a default keeps the keys of a recipe that omits
// it, and any other value is a different trial.
func TestRecipeControlsValidateAndKey(t *testing.T) {
	keysOf := func(mut func(*Recipe)) []string {
		t.Helper()
		g := testGrid()
		for i := range g.Recipes {
			g.Recipes[i].Augment = true
			mut(&g.Recipes[i])
		}
		trials, err := g.Expand()
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, tr := range trials {
			keys = append(keys, tr.Key)
		}
		return keys
	}
	base := keysOf(func(*Recipe) {})
	same := keysOf(func(r *Recipe) { r.Init, r.CropPad, r.LRStep = "default", "Black", "per-batch" })
	if strings.Join(base, ",") != strings.Join(same, ",") {
		t.Errorf("naming the defaults changed the trial keys")
	}
	for _, mut := range []func(*Recipe){
		func(r *Recipe) { r.Init = "he-normal" },
		func(r *Recipe) { r.CropPad = "mean" },
		func(r *Recipe) { r.CropPad = "reflect" },
		func(r *Recipe) { r.LRStep = "per-epoch" },
	} {
		if k := keysOf(mut); k[0] == base[0] {
			t.Errorf("a non-default control kept the trial key")
		}
	}
	for _, tc := range []struct {
		mut  func(*Recipe)
		want string
	}{
		{func(r *Recipe) { r.Init = "kaiming" }, `recipe "adam": init "kaiming" unknown (want default, he-normal)`},
		{func(r *Recipe) { r.CropPad = "reflekt" }, `crop_pad "reflekt" unknown (did you mean "reflect"?) (want black, mean, reflect)`},
		{func(r *Recipe) { r.LRStep = "epoch" }, `lr_step "epoch" unknown (did you mean "per-epoch"?)`},
		{func(r *Recipe) { r.CropPad, r.Augment = "mean", false }, `crop_pad "mean" needs augment`},
	} {
		g := testGrid()
		tc.mut(&g.Recipes[0])
		if err := g.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
	}
}
