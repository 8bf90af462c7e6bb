package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/internal/textwrap"
)

// Formats lists the report formats Render accepts.
var Formats = []string{"table", "md", "csv", "json", "latex"}

// Render writes the report in the named format: "table" (terminal,
// tablewriter), "md" (Markdown), "csv" (one row per activation and group),
// "json" (the Report, with every statistic), "latex" (booktabs tables).
func Render(w io.Writer, rep *Report, format string) error {
	return renderFormat(w, format, formatters[*Report]{
		table: renderTable, md: renderMarkdown, csv: renderCSV, latex: renderLaTeX,
	}.of(rep))
}

// formatters are the writers of one kind of result in each text format;
// JSON is the value itself.
type formatters[T any] struct {
	table, md, csv, latex func(io.Writer, T) error
}

// bound is formatters applied to one value.
type bound struct {
	table, md, csv, latex func(io.Writer) error
	json                  any
}

func (f formatters[T]) of(v T) bound {
	bind := func(fn func(io.Writer, T) error) func(io.Writer) error {
		return func(w io.Writer) error { return fn(w, v) }
	}
	return bound{table: bind(f.table), md: bind(f.md), csv: bind(f.csv), latex: bind(f.latex), json: v}
}

// renderFormat writes b in the named format (see Formats; "markdown" and
// "tex" are accepted as aliases).
func renderFormat(w io.Writer, format string, b bound) error {
	switch format {
	case "table", "":
		return b.table(w)
	case "md", "markdown":
		return b.md(w)
	case "csv":
		return b.csv(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(b.json)
	case "latex", "tex":
		return b.latex(w)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// legend explains the columns once per report.
func (rep *Report) legend() string {
	return fmt.Sprintf("test err: mean over seeds with Student-t 95%% CI. RER: relative error reduction against %s, "+
		"(err_base - err)/err_base of the mean errors, positive = better, BCa bootstrap 95%% CI over paired seeds (per comparison, not adjusted for multiplicity: read significance from p (adj)). "+
		"p: paired t test over seeds; p (adj): %s-adjusted over all %d comparisons of this report; verdict uses p (adj) at alpha %g "+
		"(change of mean error, -RER). d_z: Cohen's d of the paired differences (negative = lower error). "+
		"dead: units with zero derivative on the probe batch at the selected epoch. learned: activation parameters at the selected epoch, mean over layers and seeds.",
		rep.Baseline, adjName(rep.Adjustment), rep.Comparisons, rep.Alpha)
}

func adjName(a string) string {
	switch a {
	case "holm":
		return "Holm"
	case "bh":
		return "Benjamini-Hochberg"
	case "bonferroni":
		return "Bonferroni"
	}
	return a
}

func (g *Group) subtitle() string {
	r := g.Recipe
	s := fmt.Sprintf("%s lr %g, batch %d, %d epochs", r.Optimizer, r.LR, r.Batch, r.Epochs)
	if r.Augment {
		s += ", augmented"
	}
	if r.Blur > 0 {
		s += fmt.Sprintf(", blur sigma %g", r.Blur)
	}
	if p := r.Pretrain; p != nil {
		s += fmt.Sprintf(", from %s pretrained %d epochs on %s", grid.ShortSpec(p.Activation), p.Epochs, p.Dataset.Label())
		if r.Freeze != "" && r.Freeze != "none" {
			s += ", freeze " + r.Freeze
		}
	}
	d := g.Dataset
	if d.Train > 0 {
		s += fmt.Sprintf("; %d training images", d.Train)
	}
	if d.Val > 0 {
		s += fmt.Sprintf(", %d for validation (best epoch)", d.Val)
	}
	if d.Test > 0 {
		s += fmt.Sprintf(", %d test images (fixed subset)", d.Test)
	}
	return s
}

// newTable is the terminal table of every report: headers as given, no
// wrapping, left-aligned.
func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
}

func renderTable(w io.Writer, rep *Report) error {
	for i := range rep.Groups {
		g := &rep.Groups[i]
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n%s\n", g.Title(), g.subtitle())
		t := newTable(w)
		t.Header(toAny(columnNames)...)
		for j := range g.Rows {
			if err := t.Append(g.Rows[j].cells().list()); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, textwrap.Wrap(rep.legend(), 110))
	for _, n := range rep.Notes {
		fmt.Fprintln(w, textwrap.Wrap("note: "+n, 110))
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// mdRow writes a Markdown table row of the cells (escaped in place).
func mdRow(w io.Writer, cells []string) {
	for k := range cells {
		cells[k] = mdEscape(cells[k])
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// texRow writes a LaTeX tabular row of the cells (escaped in place).
func texRow(w io.Writer, cells []string) {
	for k := range cells {
		cells[k] = tex(cells[k])
	}
	fmt.Fprintf(w, "%s \\\\\n", strings.Join(cells, " & "))
}

func renderMarkdown(w io.Writer, rep *Report) error {
	for i := range rep.Groups {
		g := &rep.Groups[i]
		fmt.Fprintf(w, "### %s\n\n%s\n\n", g.Title(), g.subtitle())
		fmt.Fprintf(w, "| %s |\n|", strings.Join(columnNames, " | "))
		for j := range columnNames {
			if j == 0 || j == 7 || j == 9 {
				fmt.Fprint(w, " :--- |")
			} else {
				fmt.Fprint(w, " ---: |")
			}
		}
		fmt.Fprintln(w)
		for j := range g.Rows {
			mdRow(w, g.Rows[j].cells().list())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, rep.legend())
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "\n*Note:* %s\n", mdEscape(n))
	}
	return nil
}

// renderCSV writes one row per (group, activation) with plain numbers (no
// formatting, errors as fractions) so spreadsheets and scripts can use it.
func renderCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"model", "dataset", "train", "val", "recipe", "activation", "spec", "baseline", "n", "diverged",
		"test_err_mean", "test_err_ci_lo", "test_err_ci_hi", "rer", "rer_ci_lo", "rer_ci_hi", "p", "p_adjusted",
		"cohen_dz", "verdict", "dead_fraction", "learned", "epoch_seconds"})
	num := func(v float64) string { return fmt.Sprintf("%.6g", v) }
	for i := range rep.Groups {
		g := &rep.Groups[i]
		for j := range g.Rows {
			r := &g.Rows[j]
			rec := []string{g.Model, g.Dataset.Name, fmt.Sprint(g.Dataset.Train), fmt.Sprint(g.Dataset.Val), g.Recipe.Name,
				r.Activation, r.Spec, fmt.Sprint(r.Baseline), fmt.Sprint(len(r.TestErr)), fmt.Sprint(r.Diverged)}
			if s := r.Summary; s != nil {
				rec = append(rec, num(s.Mean), num(s.MeanCI.Lo), num(s.MeanCI.Hi))
			} else if len(r.TestErr) == 1 {
				rec = append(rec, num(r.TestErr[0]), "", "")
			} else {
				rec = append(rec, "", "", "")
			}
			if c := r.Comparison; c != nil {
				if c.RER != nil {
					rec = append(rec, num(c.RER.Value), num(c.RER.BCa.Lo), num(c.RER.BCa.Hi))
				} else {
					rec = append(rec, "", "", "")
				}
				t, _ := c.PrimaryTest()
				rec = append(rec, num(t.P), num(t.PAdjusted), formatFloat(c.Effect.CohenD, 6), c.Verdict())
			} else {
				rec = append(rec, "", "", "", "", "", "", "")
			}
			dead := ""
			if r.HasDead {
				dead = num(r.DeadFraction)
			}
			var ps []string
			for _, p := range r.Learned {
				ps = append(ps, fmt.Sprintf("%s=%.6g", p.Name, p.Mean))
			}
			rec = append(rec, dead, strings.Join(ps, " "), num(r.EpochSeconds))
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

var latexReplacer = strings.NewReplacer(`\`, `\textbackslash{}`, `%`, `\%`, `&`, `\&`, `_`, `\_`, `#`, `\#`,
	`$`, `\$`, `{`, `\{`, `}`, `\}`, `~`, `$\sim$`, `^`, `\^{}`, `·`, `$\cdot$`, `<`, `$<$`, `>`, `$>$`)

func tex(s string) string { return latexReplacer.Replace(s) }

// renderLaTeX writes one booktabs table per group (needs \usepackage{booktabs}).
func renderLaTeX(w io.Writer, rep *Report) error {
	fmt.Fprintln(w, "% actbench report; needs \\usepackage{booktabs}")
	for i := range rep.Groups {
		g := &rep.Groups[i]
		fmt.Fprintln(w, "\\begin{table}[ht]\n\\centering\\small")
		fmt.Fprintf(w, "\\caption{%s. %s.}\n", tex(g.Title()), tex(g.subtitle()))
		fmt.Fprintln(w, "\\begin{tabular}{lrrrrrrlrlr}\n\\toprule")
		texRow(w, slices.Clone(columnNames))
		fmt.Fprintln(w, "\\midrule")
		for j := range g.Rows {
			texRow(w, g.Rows[j].cells().list())
		}
		fmt.Fprintln(w, "\\bottomrule\n\\end{tabular}\n\\end{table}")
	}
	fmt.Fprintf(w, "%% %s\n", strings.ReplaceAll(rep.legend(), "\n", " "))
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "%% note: %s\n", n)
	}
	return nil
}
