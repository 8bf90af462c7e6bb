package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/stats"
)

// ComparisonFormats lists the formats WriteComparison accepts.
var ComparisonFormats = []string{"table", "md", "csv", "json"}

// WriteComparison writes one comparison of a candidate (names[1]) with a
// baseline (names[0]) in full: both summaries, the RER estimates, every
// test, the effect sizes, the power hint, the warnings and the verdict, as
// "table" (terminal), "md" (Markdown), "csv" (long form: section, name,
// field, value) or "json" (the stats.Comparison).
func WriteComparison(w io.Writer, c stats.Comparison, names [2]string, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(c)
	case "csv":
		return writeStatsCSV(w, c, names)
	case "table", "md":
		return writeStatsTables(w, c, names, format == "md")
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(ComparisonFormats, ", "))
}

// num formats a measured value: five significant digits.
func num(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', 5, 64)
}

func pctOf(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

func interval(lo, hi float64, f func(float64) string) string {
	return "[" + f(lo) + ", " + f(hi) + "]"
}

// statsTable is one titled table of the report.
type statsTable struct {
	title  string
	header []string
	rows   [][]string
}

func statsTables(c stats.Comparison, names [2]string) []statsTable {
	conf := fmt.Sprintf("%.4g%%", 100*c.Confidence)
	sum := statsTable{title: "Summary", header: []string{"sample", "n", "mean", "sd", "se", "median", conf + " CI of mean", "CI of median (coverage)"}}
	addSum := func(name string, s stats.Summary) {
		sum.rows = append(sum.rows, []string{name, strconv.Itoa(s.N), num(s.Mean), num(s.SD), num(s.SE), num(s.Median),
			interval(s.MeanCI.Lo, s.MeanCI.Hi, num), interval(s.MedianCI.Lo, s.MedianCI.Hi, num) + " (" + fmt.Sprintf("%.1f%%", 100*s.MedianCI.Coverage) + ")"})
	}
	addSum(names[0], c.Base)
	addSum(names[1], c.Cand)
	if c.Diff != nil {
		addSum(names[1]+" - "+names[0], *c.Diff)
	}

	est := statsTable{title: "Relative error reduction (bootstrap, " + conf + ")",
		header: []string{"estimate", "value", "percentile CI", "BCa CI", "MC error", "note"}}
	addEst := func(name string, e *stats.Estimate, f func(float64) string) {
		if e == nil {
			est.rows = append(est.rows, []string{name, "undefined", "", "", "", ""})
			return
		}
		est.rows = append(est.rows, []string{name, f(e.Value), interval(e.Percentile.Lo, e.Percentile.Hi, f),
			interval(e.BCa.Lo, e.BCa.Hi, f), f(e.MCError), e.Note})
	}
	addEst("RER (ratio of means)", c.RER, pctOf)
	if c.Paired {
		addEst("mean of per-seed RER", c.MeanSeedRER, pctOf)
	}
	addEst("P("+names[1]+" better)", c.Effect.PBetter, func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) })

	tests := statsTable{title: "Tests (" + c.Alternative + ", b - a)", header: []string{"test", "method", "statistic", "df / z", "n", "p", "p adjusted", "note"}}
	for _, t := range c.Tests {
		name := t.Name
		if t.Name == c.Primary {
			name += " *"
		}
		dz := ""
		switch {
		case t.DF != 0:
			dz = "df " + num(t.DF)
		case t.Z != 0:
			dz = "z " + num(t.Z)
		}
		adj := "-"
		if t.Adjustment != "none" {
			adj = stats.FormatP(t.PAdjusted) + " (" + t.Adjustment + ")"
		}
		tests.rows = append(tests.rows, []string{name, t.Method, num(t.Statistic), dz, strconv.Itoa(t.N), stats.FormatP(t.P), adj, t.Note})
	}

	eff := statsTable{title: "Effect sizes", header: []string{"effect", "value"}}
	eff.rows = append(eff.rows, []string{"Cohen's " + c.Effect.Kind, num(c.Effect.CohenD)})
	if c.Effect.HedgesG != nil {
		eff.rows = append(eff.rows, []string{"Hedges' g", num(*c.Effect.HedgesG)})
	} else {
		eff.rows = append(eff.rows, []string{"Hedges' g", "undefined (needs df >= 2)"})
	}
	eff.rows = append(eff.rows, []string{"mean difference (b - a)", num(c.MeanDiff)})
	if c.RER != nil {
		eff.rows = append(eff.rows, []string{"relative change of the mean", fmt.Sprintf("%+.2f%%", 100*c.RelChange)})
	}
	return []statsTable{sum, est, tests, eff}
}

func powerLine(c stats.Comparison) string {
	p := c.Power
	if p.N == 0 {
		return "Power: " + p.Note
	}
	unit := "pairs"
	if !c.Paired {
		unit = "seeds per sample"
	}
	return fmt.Sprintf("Power: %d %s detect an RER of %s (difference %s, sd %s) with power %.2g at alpha %.3g (t test)%s",
		p.N, unit, pctOf(p.TargetRER), num(p.Diff), num(p.SD), p.Power, p.Alpha, notePart(p.Note))
}

func notePart(s string) string {
	if s == "" {
		return ""
	}
	return "; " + s
}

func writeStatsTables(w io.Writer, c stats.Comparison, names [2]string, md bool) error {
	kind := "unpaired"
	if c.Paired {
		kind = "paired"
	}
	if md {
		fmt.Fprintf(w, "## %s vs %s (%s)\n\n", names[1], names[0], kind)
	} else {
		fmt.Fprintf(w, "%s (b) vs %s (a), %s, alpha %g, lower is better\n\n", names[1], names[0], kind, c.Alpha)
	}
	for _, t := range statsTables(c, names) {
		if md {
			fmt.Fprintf(w, "### %s\n\n", t.title)
		} else {
			fmt.Fprintf(w, "%s\n", t.title)
		}
		opts := []tablewriter.Option{tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithHeaderAlignment(tw.AlignLeft)}
		if md {
			opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
		}
		tb := tablewriter.NewTable(w, opts...)
		tb.Header(t.header)
		for _, r := range t.rows {
			if err := tb.Append(r); err != nil {
				return err
			}
		}
		if err := tb.Render(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	for _, l := range statsLines(c, names) {
		if md {
			fmt.Fprintf(w, "- %s\n", l)
		} else {
			fmt.Fprintln(w, l)
		}
	}
	if md {
		fmt.Fprintf(w, "\n**Verdict** (%s): `%s`\n", c.Primary, c.VerdictText)
	} else {
		fmt.Fprintf(w, "\nVerdict (%s, alpha %g): %s\n", c.Primary, c.Alpha, c.VerdictText)
	}
	return nil
}

// statsLines are the report's lines below the tables: per-seed RER, the
// power hint, how the intervals were made, and the warnings.
func statsLines(c stats.Comparison, names [2]string) []string {
	var lines []string
	if len(c.SeedRER) > 0 {
		parts := make([]string, len(c.SeedRER))
		for i, r := range c.SeedRER {
			parts[i] = pctOf(r)
		}
		lines = append(lines, "Per-seed RER: "+strings.Join(parts, ", "))
	}
	lines = append(lines, powerLine(c))
	if e := c.Effect.PBetter; e != nil {
		lines = append(lines, fmt.Sprintf("Bootstrap: %d resamples, seed %d (%s resampling)", e.Resamples, e.Seed, map[bool]string{true: "paired", false: "per-sample"}[c.Paired]))
	}
	for _, wn := range c.Warnings {
		// The package says base and cand; the user named the samples.
		if rest, ok := strings.CutPrefix(wn, "base "); ok {
			wn = names[0] + " " + rest
		} else if rest, ok := strings.CutPrefix(wn, "cand "); ok {
			wn = names[1] + " " + rest
		}
		lines = append(lines, "Warning: "+wn)
	}
	return lines
}

// writeStatsCSV writes the comparison in long form, one value per row:
// section, name, field, value.
func writeStatsCSV(w io.Writer, c stats.Comparison, names [2]string) error {
	cw := csv.NewWriter(w)
	put := func(section, name, field, value string) { cw.Write([]string{section, name, field, value}) }
	f := func(x float64) string {
		if math.IsInf(x, 0) {
			return num(x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	put("section", "name", "field", "value")
	put("options", "", "paired", strconv.FormatBool(c.Paired))
	put("options", "", "alpha", f(c.Alpha))
	put("options", "", "confidence", f(c.Confidence))
	put("options", "", "alternative", c.Alternative)
	sums := []struct {
		name string
		s    *stats.Summary
	}{{names[0], &c.Base}, {names[1], &c.Cand}, {names[1] + " - " + names[0], c.Diff}}
	for _, e := range sums {
		if e.s == nil {
			continue
		}
		s := e.s
		for _, kv := range [][2]string{{"n", strconv.Itoa(s.N)}, {"mean", f(s.Mean)}, {"sd", f(s.SD)}, {"se", f(s.SE)},
			{"median", f(s.Median)}, {"min", f(s.Min)}, {"max", f(s.Max)}, {"mean_ci_lo", f(s.MeanCI.Lo)}, {"mean_ci_hi", f(s.MeanCI.Hi)},
			{"median_ci_lo", f(s.MedianCI.Lo)}, {"median_ci_hi", f(s.MedianCI.Hi)}, {"median_ci_coverage", f(s.MedianCI.Coverage)}} {
			put("summary", e.name, kv[0], kv[1])
		}
	}
	ests := []struct {
		name string
		e    *stats.Estimate
	}{{"rer", c.RER}, {"mean_seed_rer", c.MeanSeedRER}, {"p_better", c.Effect.PBetter}}
	for _, e := range ests {
		if e.e == nil {
			continue
		}
		for _, kv := range [][2]string{{"value", f(e.e.Value)}, {"percentile_lo", f(e.e.Percentile.Lo)}, {"percentile_hi", f(e.e.Percentile.Hi)},
			{"bca_lo", f(e.e.BCa.Lo)}, {"bca_hi", f(e.e.BCa.Hi)}, {"mc_error", f(e.e.MCError)}, {"resamples", strconv.Itoa(e.e.Resamples)}} {
			put("estimate", e.name, kv[0], kv[1])
		}
	}
	for i, r := range c.SeedRER {
		put("seed_rer", strconv.Itoa(i+1), "rer", f(r))
	}
	for _, t := range c.Tests {
		for _, kv := range [][2]string{{"method", t.Method}, {"statistic", f(t.Statistic)}, {"df", f(t.DF)}, {"z", f(t.Z)},
			{"n", strconv.Itoa(t.N)}, {"p", f(t.P)}, {"p_adjusted", f(t.PAdjusted)}, {"adjustment", t.Adjustment}, {"note", t.Note}} {
			put("test", t.Name, kv[0], kv[1])
		}
	}
	put("effect", "cohen_"+c.Effect.Kind, "value", f(c.Effect.CohenD))
	if c.Effect.HedgesG != nil {
		put("effect", "hedges_g", "value", f(*c.Effect.HedgesG))
	}
	put("effect", "mean_diff", "value", f(c.MeanDiff))
	put("power", "", "target_rer", f(c.Power.TargetRER))
	put("power", "", "n", strconv.Itoa(c.Power.N))
	put("power", "", "note", c.Power.Note)
	for i, wn := range c.Warnings {
		put("warning", strconv.Itoa(i+1), "text", wn)
	}
	put("verdict", c.Primary, "text", c.VerdictText)
	cw.Flush()
	return cw.Error()
}
