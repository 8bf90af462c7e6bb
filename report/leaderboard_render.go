package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/actbench/actbench/internal/textwrap"
	"github.com/actbench/actbench/stats"
)

// RenderLeaderboard writes the leaderboard in the named format (see
// Formats): "table" (terminal), "md" (Markdown), "csv" (one line per cell
// and activation, then one per activation of the overall ranking, plain
// numbers), "json" (the Leaderboard, with every statistic) or "latex"
// (booktabs tables).
func RenderLeaderboard(w io.Writer, lb *Leaderboard, format string) error {
	return renderFormat(w, format, formatters[*Leaderboard]{
		table: lbTable, md: lbMarkdown, csv: lbCSV, latex: lbLaTeX,
	}.of(lb))
}

var lbColumns = []string{"#", "activation", "test err % [95% CI]", "RER % [95% CI]", "p vs base (adj)", "p vs best (adj)",
	"group", "mean rank", "s/epoch", "params", "n", "div"}

// cells is the text of an entry's columns, shared by the table, Markdown
// and LaTeX renderings.
func (e *Entry) cells() []string {
	act := e.Activation
	switch {
	case e.Baseline && e.Best:
		act += " (base, best)"
	case e.Baseline:
		act += " (base)"
	case e.Best:
		act += " (best)"
	}
	c := []string{fmt.Sprint(e.Position), act, "-", "-", "-", "-", "-", fmt.Sprintf("%.2f", e.MeanRank), "-",
		fmt.Sprint(e.Params), fmt.Sprint(e.N), fmt.Sprint(e.Diverged)}
	if s := e.Summary; s != nil {
		c[2] = fmt.Sprintf("%.2f [%.2f, %.2f]", 100*s.Mean, 100*s.MeanCI.Lo, 100*s.MeanCI.Hi)
	} else if e.Diverged > 0 {
		c[2] = fmt.Sprintf("%d/%d diverged", e.Diverged, e.N)
	}
	if r := e.RER; r != nil {
		c[3] = fmt.Sprintf("%+.1f [%+.1f, %+.1f]", 100*r.Value, 100*r.BCa.Lo, 100*r.BCa.Hi)
	}
	if p := e.PBase; p != nil {
		c[4] = stats.FormatP(p.Adjusted)
	}
	if p := e.PBest; p != nil {
		c[5] = stats.FormatP(p.Adjusted)
	}
	if e.Letters != "" {
		c[6] = e.Letters
	}
	if e.EpochSeconds > 0 {
		c[8] = fmt.Sprintf("%.2f", e.EpochSeconds)
	}
	return c
}

// subtitle describes a cell's recipe, data, seeds and convergence.
func (c *Cell) subtitle(baseline string) string {
	s := c.group.subtitle()
	s += fmt.Sprintf("; seeds %s (n=%d)", seedList(c.Seeds), len(c.Seeds))
	if len(c.Dropped) > 0 {
		s += fmt.Sprintf(", %d seed(s) left out (%s: not finished by every activation)", len(c.Dropped), seedList(c.Dropped))
	}
	if c.BaselineValMove != nil {
		s += fmt.Sprintf("; %s validation error moved %.2f pp over the last %d epochs", baseline, *c.BaselineValMove, convergenceEpochs)
		if *c.BaselineValMove >= convergencePP {
			s += " (NOT converged)"
		}
	}
	return s
}

// familyLine says which comparisons the cell's p-values were adjusted over.
func (c *Cell) familyLine(lb *Leaderboard) string {
	best := c.Best
	if best == "" {
		best = "none"
	}
	return fmt.Sprintf("p adjusted (%s) over the cell's %d comparisons with %s (base) or %s (best), each pair once; groups from all %d pairs.",
		adjName(lb.Adjustment), c.Family, lb.Baseline, best, c.Pairs)
}

// legend explains the columns once per leaderboard.
func (lb *Leaderboard) legend() string {
	return fmt.Sprintf("Each table is one cell (model, dataset with its sizes and data files, recipe), never pooled with another; "+
		"only seeds that every activation of the cell finished are compared (n), so every test is paired. "+
		"test err: mean over the n seeds with Student-t 95%% CI. "+
		"RER: relative error reduction against %[1]s, (err_base - err)/err_base of the means, positive = better, BCa bootstrap 95%% CI over the paired seeds (not adjusted for multiplicity). "+
		"p vs base, p vs best: paired t tests over the seeds against the baseline %[1]s and against the cell's best activation (lowest mean error), "+
		"%[2]s-adjusted together over the family of those comparisons in the cell (each pair once; its size is under each table). "+
		"group: compact letter display of all pairwise paired t tests in the cell, %[2]s-adjusted over all pairs at alpha %[3]g: "+
		"two activations sharing a letter are not significantly different, two without a common letter are; group a holds the best. "+
		"mean rank: rank within each seed (1 = lowest error, a diverged run last), averaged over the seeds. "+
		"s/epoch: mean wall time per epoch (depends on the machine's load). params: parameters of the model, activation parameters included. "+
		"div: diverged runs among the n; an activation with one is shown as diverged, without mean, tests or letter, and ranks last.",
		lb.Baseline, adjName(lb.Adjustment), lb.Alpha)
}

func (ov *Overall) legend() string {
	return "Overall: each cell ranks the activations present in every cell by mean test error (diverged ones last); " +
		"mean rank is the average of those ranks over the cells (1 = best everywhere)."
}

var overallColumns = []string{"#", "activation", "mean rank over cells"}

func (ov *Overall) header() []string {
	h := append([]string{}, overallColumns...)
	for i := range ov.Cells {
		h = append(h, fmt.Sprintf("cell %d err %%", i+1))
	}
	return h
}

func (r *OverallEntry) cells() []string {
	act := r.Activation
	if r.Baseline {
		act += " (base)"
	}
	c := []string{fmt.Sprint(r.Position), act, fmt.Sprintf("%.2f", r.MeanRank)}
	for _, m := range r.CellMeans {
		if m == nil {
			c = append(c, "diverged")
		} else {
			c = append(c, fmt.Sprintf("%.2f", 100**m))
		}
	}
	return c
}

// topLine is the command that runs the ResNet-20 follow-up on the top
// activations.
func (ov *Overall) topLine() string {
	return fmt.Sprintf("Top %d by mean rank, plus the baseline, for the ResNet-20 follow-up: actbench run --preset leaderboard-resnet --act '%s'",
		LeaderboardTop, strings.Join(ov.Top, ";"))
}

func lbTable(w io.Writer, lb *Leaderboard) error {
	for i := range lb.Cells {
		c := &lb.Cells[i]
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "cell %d: %s\n%s\n", i+1, c.Title, textwrap.Wrap(c.subtitle(lb.Baseline), 110))
		t := newTable(w)
		t.Header(toAny(lbColumns)...)
		for j := range c.Entries {
			if err := t.Append(c.Entries[j].cells()); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Fprintln(w, textwrap.Wrap(c.familyLine(lb), 110))
	}
	if ov := lb.Overall; ov != nil && len(ov.Rows) > 0 {
		fmt.Fprintf(w, "\nOverall, %d cells:\n", len(ov.Cells))
		for i, title := range ov.Cells {
			fmt.Fprintf(w, "  cell %d: %s\n", i+1, title)
		}
		t := newTable(w)
		t.Header(toAny(ov.header())...)
		for j := range ov.Rows {
			if err := t.Append(ov.Rows[j].cells()); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Fprintln(w, textwrap.Wrap(ov.legend(), 110))
		fmt.Fprintln(w, textwrap.Wrap(ov.topLine(), 110))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, textwrap.Wrap(lb.legend(), 110))
	for _, n := range lb.Notes {
		fmt.Fprintln(w, textwrap.Wrap("note: "+n, 110))
	}
	return nil
}

func mdHeader(w io.Writer, cols []string, left ...int) {
	fmt.Fprintf(w, "| %s |\n|", strings.Join(cols, " | "))
	for j := range cols {
		if slices.Contains(left, j) {
			fmt.Fprint(w, " :--- |")
		} else {
			fmt.Fprint(w, " ---: |")
		}
	}
	fmt.Fprintln(w)
}

func lbMarkdown(w io.Writer, lb *Leaderboard) error {
	for i := range lb.Cells {
		c := &lb.Cells[i]
		fmt.Fprintf(w, "### Cell %d: %s\n\n%s\n\n", i+1, c.Title, mdEscape(c.subtitle(lb.Baseline)))
		mdHeader(w, lbColumns, 1, 6)
		for j := range c.Entries {
			mdRow(w, c.Entries[j].cells())
		}
		fmt.Fprintf(w, "\n%s\n\n", mdEscape(c.familyLine(lb)))
	}
	if ov := lb.Overall; ov != nil && len(ov.Rows) > 0 {
		fmt.Fprintf(w, "### Overall, %d cells\n\n", len(ov.Cells))
		for i, title := range ov.Cells {
			fmt.Fprintf(w, "- cell %d: %s\n", i+1, mdEscape(title))
		}
		fmt.Fprintln(w)
		mdHeader(w, ov.header(), 1)
		for j := range ov.Rows {
			mdRow(w, ov.Rows[j].cells())
		}
		fmt.Fprintf(w, "\n%s\n\n%s\n\n", ov.legend(), mdEscape(ov.topLine()))
	}
	fmt.Fprintln(w, lb.legend())
	for _, n := range lb.Notes {
		fmt.Fprintf(w, "\n*Note:* %s\n", mdEscape(n))
	}
	return nil
}

// lbCSV writes one line per (cell, activation) with plain numbers (errors
// and RER as fractions), then one line per activation of the overall
// ranking (section "overall", with mean_rank_over_cells).
func lbCSV(w io.Writer, lb *Leaderboard) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "cell", "model", "dataset", "train", "val", "test", "recipe", "data_sha256",
		"position", "activation", "spec", "baseline", "best", "n", "diverged",
		"test_err_mean", "test_err_ci_lo", "test_err_ci_hi", "rer", "rer_ci_lo", "rer_ci_hi",
		"p_vs_base", "p_vs_base_adjusted", "p_vs_best", "p_vs_best_adjusted", "family", "letters", "mean_rank",
		"epoch_seconds", "params", "act_params", "mean_rank_over_cells"})
	num := func(v float64) string { return fmt.Sprintf("%.6g", v) }
	for i := range lb.Cells {
		c := &lb.Cells[i]
		for j := range c.Entries {
			e := &c.Entries[j]
			rec := []string{"cell", fmt.Sprint(i + 1), c.Model, c.Dataset.Name, fmt.Sprint(c.Dataset.Train), fmt.Sprint(c.Dataset.Val),
				fmt.Sprint(c.Dataset.Test), c.Recipe.Name, c.DataSHA256, fmt.Sprint(e.Position), e.Activation, e.Spec,
				fmt.Sprint(e.Baseline), fmt.Sprint(e.Best), fmt.Sprint(e.N), fmt.Sprint(e.Diverged)}
			if s := e.Summary; s != nil {
				rec = append(rec, num(s.Mean), num(s.MeanCI.Lo), num(s.MeanCI.Hi))
			} else {
				rec = append(rec, "", "", "")
			}
			if r := e.RER; r != nil {
				rec = append(rec, num(r.Value), num(r.BCa.Lo), num(r.BCa.Hi))
			} else {
				rec = append(rec, "", "", "")
			}
			for _, p := range []*PValue{e.PBase, e.PBest} {
				if p != nil {
					rec = append(rec, num(p.P), num(p.Adjusted))
				} else {
					rec = append(rec, "", "")
				}
			}
			rec = append(rec, fmt.Sprint(c.Family), e.Letters, num(e.MeanRank), num(e.EpochSeconds), fmt.Sprint(e.Params), fmt.Sprint(e.ActParams), "")
			cw.Write(rec)
		}
	}
	if ov := lb.Overall; ov != nil {
		for _, r := range ov.Rows {
			rec := make([]string, 33)
			rec[0], rec[9], rec[10], rec[11], rec[12], rec[32] = "overall", fmt.Sprint(r.Position), r.Activation, r.Spec, fmt.Sprint(r.Baseline), num(r.MeanRank)
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// lbLaTeX writes one booktabs table per cell and one for the overall
// ranking (needs \usepackage{booktabs}).
func lbLaTeX(w io.Writer, lb *Leaderboard) error {
	fmt.Fprintln(w, "% actbench leaderboard; needs \\usepackage{booktabs}")
	row := func(cells []string) {
		for k := range cells {
			cells[k] = tex(cells[k])
		}
		fmt.Fprintf(w, "%s \\\\\n", strings.Join(cells, " & "))
	}
	for i := range lb.Cells {
		c := &lb.Cells[i]
		fmt.Fprintln(w, "\\begin{table}[ht]\n\\centering\\small")
		fmt.Fprintf(w, "\\caption{Cell %d: %s. %s. %s}\n", i+1, tex(c.Title), tex(c.subtitle(lb.Baseline)), tex(c.familyLine(lb)))
		fmt.Fprintln(w, "\\begin{tabular}{rlrrrrlrrrrr}\n\\toprule")
		row(append([]string{}, lbColumns...))
		fmt.Fprintln(w, "\\midrule")
		for j := range c.Entries {
			row(c.Entries[j].cells())
		}
		fmt.Fprintln(w, "\\bottomrule\n\\end{tabular}\n\\end{table}")
	}
	if ov := lb.Overall; ov != nil && len(ov.Rows) > 0 {
		var names []string
		for i, t := range ov.Cells {
			names = append(names, fmt.Sprintf("cell %d: %s", i+1, t))
		}
		fmt.Fprintln(w, "\\begin{table}[ht]\n\\centering\\small")
		fmt.Fprintf(w, "\\caption{Overall ranking over %d cells (%s). %s}\n", len(ov.Cells), tex(strings.Join(names, "; ")), tex(ov.legend()))
		fmt.Fprintf(w, "\\begin{tabular}{rlr%s}\n\\toprule\n", strings.Repeat("r", len(ov.Cells)))
		row(ov.header())
		fmt.Fprintln(w, "\\midrule")
		for j := range ov.Rows {
			row(ov.Rows[j].cells())
		}
		fmt.Fprintln(w, "\\bottomrule\n\\end{tabular}\n\\end{table}")
		fmt.Fprintf(w, "%% %s\n", ov.topLine())
	}
	fmt.Fprintf(w, "%% %s\n", strings.ReplaceAll(lb.legend(), "\n", " "))
	for _, n := range lb.Notes {
		fmt.Fprintf(w, "%% note: %s\n", n)
	}
	return nil
}
