package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/internal/textwrap"
)

func init() {
	register(command{
		name:    "presets",
		summary: "list the built-in benchmark grids with their estimated cost",
		run:     runPresets,
	})
}

type presetRow struct {
	Name        string   `json:"name"`
	Default     bool     `json:"default"`
	Trials      int      `json:"trials"`
	Epochs      int      `json:"epochs"`
	Images      int64    `json:"training_images"`
	Seconds     float64  `json:"estimated_seconds"`
	Models      []string `json:"models"`
	Datasets    []string `json:"datasets"`
	Activations []string `json:"activations"`
	Seeds       int      `json:"seeds"`
	Claim       string   `json:"claim"`
	Scale       string   `json:"scale"`
	// Recipe lists the recipe controls (--init, --crop-pad, --lr-step)
	// the preset's recipes set away from their defaults.
	Recipe []string `json:"recipe_controls,omitempty"`
}

func runPresets(env *Env, args []string) error {
	fs := newFlagSet(env, "presets", "presets [--format table|md|json]")
	format := fs.String("format", "table", "output format: table, md or json")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	var rows []presetRow
	for _, p := range grid.Presets() {
		g := p.Grid()
		est, err := grid.EstimateCost(&g)
		if err != nil {
			return fmt.Errorf("preset %s: %w", p.Name, err)
		}
		r := presetRow{Name: p.Name, Default: p.Name == grid.DefaultPreset, Trials: est.Trials, Epochs: est.Epochs,
			Images: est.Images, Seconds: est.Seconds, Models: g.Models, Seeds: len(g.Seeds), Claim: p.Claim, Scale: p.Scale,
			Recipe: recipeControls(&g)}
		for _, d := range g.Datasets {
			r.Datasets = append(r.Datasets, d.Label())
		}
		for _, a := range g.Activations {
			r.Activations = append(r.Activations, grid.ShortSpec(a))
		}
		rows = append(rows, r)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rows)
	case "md":
		fmt.Fprintln(env.Stdout, "| preset | trials | est. time (2 cores) | grid | re-tests |\n| :--- | ---: | ---: | :--- | :--- |")
		for _, r := range rows {
			fmt.Fprintf(env.Stdout, "| %s | %d | %s | %s | %s %s |\n", r.Name, r.Trials, humanDuration(r.Seconds),
				presetGrid(r), strings.ReplaceAll(r.Claim, "|", `\|`), strings.ReplaceAll("Scale: "+r.Scale, "|", `\|`))
		}
		return nil
	case "table":
		return writePresetsTable(env.Stdout, rows)
	}
	return usageErrorf("--format %q: want table, md or json", *format)
}

func presetGrid(r presetRow) string {
	s := fmt.Sprintf("%s on %s; %s; %d seeds", strings.Join(r.Models, ", "), strings.Join(r.Datasets, ", "),
		strings.Join(r.Activations, ", "), r.Seeds)
	if len(r.Recipe) > 0 {
		s += "; recipe " + strings.Join(r.Recipe, "; ")
	}
	return s
}

func writePresetsTable(w io.Writer, rows []presetRow) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	t.Header("preset", "trials", "epochs", "est. time", "models", "data", "seeds")
	for _, r := range rows {
		name := r.Name
		if r.Default {
			name += " (default)"
		}
		if err := t.Append([]string{name, fmt.Sprint(r.Trials), fmt.Sprint(r.Epochs), humanDuration(r.Seconds),
			strings.Join(r.Models, ","), strings.Join(r.Datasets, ","), fmt.Sprint(r.Seeds)}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEst. time: the whole grid on the reference machine, %s, both cores busy, no other load (cost model in grid/estimate.go).\n", grid.ReferenceMachine)
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s: %s\n", r.Name, textwrap.Wrap(r.Claim, 100))
		fmt.Fprintf(w, "  activations: %s\n", strings.Join(r.Activations, ", "))
		for _, rc := range r.Recipe {
			fmt.Fprintf(w, "  recipe %s\n", rc)
		}
		fmt.Fprintf(w, "  scale: %s\n", strings.ReplaceAll(textwrap.Wrap(r.Scale, 98), "\n", "\n  "))
	}
	fmt.Fprintln(w, "\nRun one with 'actbench run --preset NAME'; preview its trials with --dry-run; scale it with --epochs,")
	fmt.Fprintln(w, "--train, --seeds; print it as a grid file to edit with --print-grid.")
	return nil
}

func humanDuration(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < 10*time.Minute:
		return d.Round(10 * time.Second).String()
	case d < 10*time.Hour:
		return d.Round(time.Minute).String()
	}
	return fmt.Sprintf("%.1fh", d.Hours())
}
