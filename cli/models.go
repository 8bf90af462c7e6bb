package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/models"
)

func init() {
	register(command{
		name:    "models",
		summary: "list the model zoo: parameters, activation parameters, FLOPs, input shape",
		run:     runModels,
	})
}

const modelsUsage = `models [--act SPEC] [--data cifar10|cifar100|mnist] [--format table|json] [SPEC...]

Lists the models of the zoo (or the given model specs) built for the
dataset's input shape and classes with the given activation: parameter count
(weights, biases, norm scale/shift), activation parameters (counted apart:
they depend on --act), batch-norm buffers, forward GFLOPs per image (conv and
dense layers, multiply-add = 2), activation sites and input shape.

Example:
  actbench models --act 'pvlu(a=0.1,b=1,per=channel)' --data cifar100`

// modelRow is one line of the models table (and its JSON form).
type modelRow struct {
	Model     string  `json:"model"`
	Params    int     `json:"params"`
	ActParams int     `json:"act_params"`
	Buffers   int     `json:"buffers"`
	GFLOPs    float64 `json:"gflops"`
	ActSites  int     `json:"act_sites"`
	Input     string  `json:"input"`
	Classes   int     `json:"classes"`
	Error     string  `json:"error,omitempty"`
	Summary   string  `json:"summary"`
}

func runModels(env *Env, args []string) error {
	fs := newFlagSet(env, "models", modelsUsage)
	act := fs.String("act", "relu", "activation spec at every site")
	data := fs.String("data", "cifar10", "dataset whose input shape and classes to use: cifar10, cifar100 or mnist")
	format := fs.String("format", "table", "output format: table or json")
	if err := fs.parse(args); err != nil {
		return err
	}
	ds, ok := datasets.ShapeOf(*data)
	if !ok {
		return usageErrorf("--data %q: want cifar10, cifar100 or mnist", *data)
	}
	specs := fs.Args()
	if len(specs) == 0 {
		specs = models.Names()
	}
	var rows []modelRow
	for _, spec := range specs {
		row := modelRow{Model: spec, Classes: ds.Classes, Input: fmt.Sprintf("%dx%dx%d", ds.C, ds.H, ds.W)}
		m, err := models.New(spec, *act, ds.Input(), ds.Classes)
		if err != nil {
			if len(fs.Args()) > 0 || strings.Contains(err.Error(), "activation") {
				return usageErrorf("%v", err) // a spec the user typed, or a bad --act
			}
			row.Error = "does not fit this input"
			rows = append(rows, row)
			continue
		}
		c := m.Counts()
		row.Model, row.Params, row.ActParams, row.Buffers = m.Spec, c.Params, c.ActParams, c.Buffers
		row.GFLOPs = float64(m.FLOPs()) / 1e9
		row.ActSites = len(m.Activations())
		row.Summary = models.Summary(strings.SplitN(m.Spec, "(", 2)[0])
		rows = append(rows, row)
	}
	switch *format {
	case "json":
		return writeResultJSON(env, "", "-", "", rows)
	case "table":
	default:
		return usageErrorf("--format %q: want table or json", *format)
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tparams\tact params\tbuffers\tGFLOPs/img\tact sites\tinput\t\n")
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%s: too small\t\n", r.Model, r.Input)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%.3f\t%d\t%s\t\n", r.Model, thousands(r.Params), r.ActParams,
			thousands(r.Buffers), r.GFLOPs, r.ActSites, r.Input)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nactivation %s, %d classes; model options: vgg*(bn=false), mlp(depth=N,hidden=N)\n", *act, ds.Classes)
	return nil
}

// thousands formats n with comma separators: 1234567 -> "1,234,567".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
