package cli

import (
	"fmt"
	"strings"

	"github.com/actbench/actbench/grid"
)

// addRecipeControlFlags defines --init, --crop-pad and --lr-step (train,
// finetune and run): the recipe details that move results by whole points
// and that every record carries (see trainer.Config.Init, CropPad and
// Schedule.Stepping). The flags default to "": the trainer's defaults for a
// trial (so a command without them builds the config it always did), the
// recipe's own setting for a grid (forGrid).
func addRecipeControlFlags(fs *flagSet, init, cropPad, lrStep *string, forGrid bool) {
	scope, def := "", func(v string) string { return fmt.Sprintf(" (default %q)", v) }
	if forGrid {
		scope, def = "every recipe's ", func(string) string { return " (default: each recipe's own)" }
	}
	fs.StringVar(init, "init", "", scope+"weight initialisation: default (PyTorch's: kaiming_uniform_ a=sqrt(5)) or "+
		"he-normal (torchvision's ResNet: conv weights kaiming_normal_ fan_out with gain sqrt(2), conv biases 0, dense layers at the default)"+def("default"))
	fs.StringVar(cropPad, "crop-pad", "", scope+"padding of the random crop (needs augmentation): black (pixel value 0), "+
		"mean (the mean colour, 0 after standardisation) or reflect (reflect-101, torchvision's padding_mode=\"reflect\")"+def("black"))
	fs.StringVar(lrStep, "lr-step", "", scope+"when the schedule changes the rate: per-batch (every iteration) or "+
		"per-epoch (constant within an epoch, as PyTorch's scheduler.step() once per epoch)"+def("per-batch"))
}

// recipeControls describes the recipe controls a grid's recipes set away
// from their defaults, one entry per such recipe ("adam: init he-normal,
// crop-pad mean"), for 'actbench presets'.
func recipeControls(g *grid.Grid) []string {
	var out []string
	for _, r := range g.Recipes {
		var parts []string
		for _, c := range []struct{ flag, v, def string }{
			{"init", r.Init, "default"}, {"crop-pad", r.CropPad, "black"}, {"lr-step", r.LRStep, "per-batch"},
		} {
			if v := strings.ToLower(c.v); v != "" && v != c.def {
				parts = append(parts, c.flag+" "+v)
			}
		}
		if len(parts) > 0 {
			out = append(out, r.Name+": "+strings.Join(parts, ", "))
		}
	}
	return out
}
