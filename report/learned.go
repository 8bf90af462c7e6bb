package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/actbench/actbench/registry"
)

// LearnedTable lists, per group, what every trainable activation learned in
// each layer: its parameters at the selected epoch (the model the test
// error comes from) over the seeds. The comparison table's "learned" column
// averages them over layers, which hides a parameter that moves in some
// layers and not in others.
type LearnedTable struct {
	Groups []LearnedGroup `json:"groups"`
}

// LearnedGroup is one group's table (model, dataset, recipe as in Group).
type LearnedGroup struct {
	Title    string         `json:"title"`
	Subtitle string         `json:"subtitle"`
	Rows     []LearnedLayer `json:"rows"`
}

// LearnedLayer is one parameter of one layer of one activation.
type LearnedLayer struct {
	Activation string `json:"activation"` // short spec
	Layer      string `json:"layer"`
	Param      string `json:"param"` // as in the comparison table (PReLU's init is "slope")
	// Init is the parameter's starting value from the spec ("" when the
	// spec does not give one).
	Init string `json:"init,omitempty"`
	// Seeds counts the trials; Mean is the mean over them of the layer's
	// value (its mean over channels), SeedMin and SeedMax their range.
	Seeds   int     `json:"seeds"`
	Mean    float64 `json:"mean"`
	SeedMin float64 `json:"seed_min"`
	SeedMax float64 `json:"seed_max"`
	// Channels is the number of values per layer (1 when shared); Min and
	// Max range over every channel of every trial.
	Channels int     `json:"channels"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
}

// Learned builds the per-layer table of rep's trainable activations (rows
// without learned parameters are left out; a group without any, too).
func Learned(rep *Report) *LearnedTable {
	t := &LearnedTable{}
	for i := range rep.Groups {
		g := &rep.Groups[i]
		lg := LearnedGroup{Title: g.Title(), Subtitle: g.subtitle()}
		for j := range g.Rows {
			lg.Rows = append(lg.Rows, learnedLayers(&g.Rows[j])...)
		}
		if len(lg.Rows) > 0 {
			t.Groups = append(t.Groups, lg)
		}
	}
	return t
}

// learnedLayers gathers one row's parameters per layer, in the order of its
// first trial's record.
func learnedLayers(row *Row) []LearnedLayer {
	type key struct{ layer, param string }
	byKey := map[key]*LearnedLayer{}
	var order []key
	for _, r := range row.records {
		sel := r.Selected()
		if sel == nil {
			continue
		}
		for _, ap := range sel.ActParams {
			k := key{ap.Layer, ap.Param}
			l := byKey[k]
			if l == nil {
				l = &LearnedLayer{Activation: row.Activation, Layer: ap.Layer, Param: learnedLabel(row.Spec, ap.Param),
					Init: specValue(row.Spec, ap.Param), Channels: ap.N,
					SeedMin: math.Inf(1), SeedMax: math.Inf(-1), Min: math.Inf(1), Max: math.Inf(-1)}
				byKey[k] = l
				order = append(order, k)
			}
			l.Seeds++
			l.Mean += ap.Mean
			l.SeedMin, l.SeedMax = math.Min(l.SeedMin, ap.Mean), math.Max(l.SeedMax, ap.Mean)
			l.Min, l.Max = math.Min(l.Min, ap.Min), math.Max(l.Max, ap.Max)
			l.Channels = max(l.Channels, ap.N)
		}
	}
	out := make([]LearnedLayer, len(order))
	for i, k := range order {
		l := byKey[k]
		l.Mean /= float64(l.Seeds)
		out[i] = *l
	}
	return out
}

// specValue is the value the spec gives the parameter, "" if none.
func specValue(spec, param string) string {
	s, err := registry.Parse(spec)
	if err != nil {
		return ""
	}
	for _, a := range s.Args {
		if a.Key == param {
			return a.Value
		}
	}
	return ""
}

var learnedColumns = []string{"activation", "layer", "param", "init", "mean", "over seeds", "over channels", "n"}

// cells are a row's rendered columns: the seed range as [min, max], the
// channel range only for per-channel parameters.
func (l *LearnedLayer) cells() []string {
	ch := "-"
	if l.Channels > 1 {
		ch = fmt.Sprintf("[%s, %s] (%d)", formatFloat(l.Min, 4), formatFloat(l.Max, 4), l.Channels)
	}
	init := l.Init
	if init == "" {
		init = "-"
	}
	return []string{l.Activation, l.Layer, l.Param, init, formatFloat(l.Mean, 4),
		fmt.Sprintf("[%s, %s]", formatFloat(l.SeedMin, 4), formatFloat(l.SeedMax, 4)), ch, fmt.Sprint(l.Seeds)}
}

const learnedLegend = "Learned activation parameters per layer at the selected epoch (the model the test error comes from). " +
	"mean: over seeds of the layer's value (its mean over channels); over seeds: the range of those values; " +
	"over channels: for per-channel parameters, the range over every channel of every seed (and the channel count); " +
	"n: seeds; init: the starting value from the spec."

// RenderLearned writes the table in the named format (see Formats).
func RenderLearned(w io.Writer, t *LearnedTable, format string) error {
	return renderFormat(w, format, formatters[*LearnedTable]{
		table: renderLearnedTable, md: renderLearnedMarkdown, csv: renderLearnedCSV, latex: renderLearnedLaTeX,
	}.of(t))
}

func renderLearnedTable(w io.Writer, t *LearnedTable) error {
	if len(t.Groups) == 0 {
		fmt.Fprintln(w, "no trainable activation parameters in these records")
		return nil
	}
	for i := range t.Groups {
		g := &t.Groups[i]
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n%s\n", g.Title, g.Subtitle)
		tab := newTable(w)
		tab.Header(toAny(learnedColumns)...)
		for j := range g.Rows {
			if err := tab.Append(g.Rows[j].cells()); err != nil {
				return err
			}
		}
		if err := tab.Render(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, learnedLegend)
	return nil
}

func renderLearnedMarkdown(w io.Writer, t *LearnedTable) error {
	if len(t.Groups) == 0 {
		fmt.Fprintln(w, "No trainable activation parameters in these records.")
		return nil
	}
	for i := range t.Groups {
		g := &t.Groups[i]
		fmt.Fprintf(w, "### %s\n\n%s\n\n", g.Title, g.Subtitle)
		fmt.Fprintf(w, "| %s |\n| :--- | :--- | :--- | ---: | ---: | ---: | ---: | ---: |\n", strings.Join(learnedColumns, " | "))
		for j := range g.Rows {
			mdRow(w, g.Rows[j].cells())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, learnedLegend)
	return nil
}

// renderLearnedCSV writes one line per (group, activation, layer, parameter)
// with plain numbers.
func renderLearnedCSV(w io.Writer, t *LearnedTable) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"group", "activation", "layer", "param", "init", "seeds", "mean", "seed_min", "seed_max",
		"channels", "min", "max"})
	num := func(v float64) string { return fmt.Sprintf("%.6g", v) }
	for i := range t.Groups {
		g := &t.Groups[i]
		for _, l := range g.Rows {
			cw.Write([]string{g.Title, l.Activation, l.Layer, l.Param, l.Init, fmt.Sprint(l.Seeds), num(l.Mean),
				num(l.SeedMin), num(l.SeedMax), fmt.Sprint(l.Channels), num(l.Min), num(l.Max)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// renderLearnedLaTeX writes one booktabs table per group.
func renderLearnedLaTeX(w io.Writer, t *LearnedTable) error {
	fmt.Fprintln(w, "% actbench learned activation parameters per layer; needs \\usepackage{booktabs}")
	for i := range t.Groups {
		g := &t.Groups[i]
		fmt.Fprintln(w, "\\begin{table}[ht]\n\\centering\\small")
		fmt.Fprintf(w, "\\caption{%s. %s.}\n", tex(g.Title), tex(g.Subtitle))
		fmt.Fprintln(w, "\\begin{tabular}{lllrrrrr}\n\\toprule")
		texRow(w, slices.Clone(learnedColumns))
		fmt.Fprintln(w, "\\midrule")
		for j := range g.Rows {
			texRow(w, g.Rows[j].cells())
		}
		fmt.Fprintln(w, "\\bottomrule\n\\end{tabular}\n\\end{table}")
	}
	fmt.Fprintf(w, "%% %s\n", learnedLegend)
	return nil
}
