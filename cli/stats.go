package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/actbench/actbench/stats"
)

func init() {
	register(command{
		name:    "stats",
		summary: "compare two samples (errors, losses, times): RER with CI, tests, effect sizes, verdict",
		run:     runStats,
	})
}

const statsUsage = `stats (--a LIST | --a-file F [--a-col NAME]) (--b LIST | --b-file F [--b-col NAME]) [flags]

Compares a candidate sample (b) with a baseline (a); lower is better. Prints
both summaries, the relative error reduction RER = (mean a - mean b)/mean a
with seeded bootstrap intervals (for positive values: left out with a warning
when mean a <= 0), every test, effect sizes, a power hint and the verdict. With --paired, value i of a and of b come from the same seed.

Example:
  actbench stats --a 0.312,0.305,0.298 --b 0.290,0.281,0.301 --paired`

// Bounds of --resamples: fewer than 100 gives no usable interval (stats
// refuses it); beyond 10^6 the Monte Carlo error is negligible and the run
// only gets slower (and holds B values per estimate in memory).
const (
	minResamples = 100
	maxResamples = 1_000_000
)

func runStats(env *Env, args []string) error {
	fs := newFlagSet(env, "stats", statsUsage)
	aList := fs.String("a", "", "baseline values, comma-separated `LIST`")
	bList := fs.String("b", "", "candidate values, comma-separated `LIST`")
	aFile := fs.String("a-file", "", "read the baseline from `FILE` (one number per line, or a CSV column with --a-col; - is stdin)")
	bFile := fs.String("b-file", "", "read the candidate from `FILE`")
	aCol := fs.String("a-col", "", "CSV column of --a-file: header `NAME` or 1-based index")
	bCol := fs.String("b-col", "", "CSV column of --b-file: header `NAME` or 1-based index")
	aName := fs.String("a-name", "baseline", "label of the baseline")
	bName := fs.String("b-name", "candidate", "label of the candidate")
	paired := fs.Bool("paired", false, "pair value i of a with value i of b (same seed)")
	alpha := fs.Float64("alpha", 0.05, "significance level of the verdict")
	confidence := fs.Float64("confidence", 0, "level of every interval (default 1 - alpha)")
	alternative := fs.String("alternative", "two-sided", "alternative hypothesis about b - a: two-sided, less (b lower) or greater")
	resamples := fs.Int("resamples", stats.DefaultResamples, "bootstrap resamples")
	seed := fs.Uint64("seed", 1, "bootstrap seed (the intervals are reproducible)")
	targetRER := fs.Float64("target-rer", 0, "RER the power hint plans for, e.g. 0.05 (default: the observed RER)")
	power := fs.Float64("power", 0.8, "power the power hint plans for")
	primary := fs.String("primary", "", "test deciding the verdict (default paired-t when paired, welch-t otherwise)")
	format := fs.String("format", "table", "output format: table, md, csv or json")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q: give samples with --a/--b or --a-file/--b-file", fs.Arg(0))
	}
	switch *format {
	case "table", "md", "csv", "json":
	default:
		return usageErrorf("--format %q: want table, md, csv or json", *format)
	}
	// stats.Options reads 0 as "the default": an explicit 0 here is a mistake.
	if !(*alpha > 0 && *alpha < 1) {
		return usageErrorf("--alpha %v: want a significance level in (0, 1), e.g. 0.05", *alpha)
	}
	if !(*power > 0 && *power < 1) {
		return usageErrorf("--power %v: want a power in (0, 1), e.g. 0.8", *power)
	}
	if *resamples < minResamples || *resamples > maxResamples {
		return usageErrorf("--resamples %d: want %d to %d (the default %d gives a stable interval)", *resamples, minResamples, maxResamples, stats.DefaultResamples)
	}
	alt, err := stats.ParseAlternative(*alternative)
	if err != nil {
		return usageErrorf("--alternative %q: want two-sided, less or greater", *alternative)
	}
	if *aFile == "-" && *bFile == "-" {
		return usageErrorf("--a-file - and --b-file - both read stdin, which holds one stream: read one sample from stdin and the other from a file or list (or one CSV file with --a-col and --b-col)")
	}
	base, err := readSample(env, "a", *aList, *aFile, *aCol)
	if err != nil {
		return err
	}
	cand, err := readSample(env, "b", *bList, *bFile, *bCol)
	if err != nil {
		return err
	}
	if *paired && len(base) != len(cand) {
		return fmt.Errorf("--paired: a has %d values, b has %d; give one value per seed in the same seed order, or drop --paired", len(base), len(cand))
	}
	c, err := stats.Compare(base, cand, stats.Options{
		Paired: *paired, Alpha: *alpha, Confidence: *confidence, Alternative: alt,
		Resamples: *resamples, Seed: *seed, TargetRER: *targetRER, Power: *power, Primary: *primary,
	})
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimPrefix(err.Error(), "stats: "), "stats: ", "")
		if errors.Is(err, stats.ErrBadOptions) {
			return usageErrorf("%s", msg)
		}
		return errors.New(strings.NewReplacer("base has", "a has", "cand has", "b has", "base[", "a[", "cand[", "b[").Replace(msg))
	}
	names := [2]string{*aName, *bName}
	switch *format {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(c)
	case "csv":
		return writeStatsCSV(env.Stdout, c, names)
	}
	return writeStatsTables(env.Stdout, c, names, *format == "md")
}

// readSample reads sample "a" or "b" from exactly one of a list or a file.
func readSample(env *Env, which, list, file, col string) ([]float64, error) {
	switch {
	case list != "" && file != "":
		return nil, usageErrorf("give --%s or --%s-file, not both", which, which)
	case list == "" && file == "":
		return nil, usageErrorf("sample %s missing: give --%s 0.31,0.30,... or --%s-file FILE", which, which, which)
	case list != "":
		if col != "" {
			return nil, usageErrorf("--%s-col applies to --%s-file only", which, which)
		}
		var xs []float64
		for i, f := range strings.Split(list, ",") {
			x, err := parseValue(f)
			if err != nil {
				return nil, usageErrorf("--%s value %d: %v", which, i+1, err)
			}
			xs = append(xs, x)
		}
		return xs, nil
	}
	var r io.Reader
	if file == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", which, err)
		}
		defer f.Close()
		r = f
	}
	xs, err := parseSampleFile(r, which, col)
	if err != nil {
		return nil, fmt.Errorf("sample %s: %s: %w", which, file, err)
	}
	return xs, nil
}

// parseValue parses one number; NaN and infinities are refused here, where
// the user can still see which value it was.
func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return x, nil
}

// parseSampleFile reads one number per line (blank lines and # comments
// skipped) or, with col, that column of a CSV file with a header row; which
// ("a" or "b") names the flag in messages.
func parseSampleFile(r io.Reader, which, col string) ([]float64, error) {
	if col == "" {
		var xs []float64
		sc := bufio.NewScanner(r)
		for line := 1; sc.Scan(); line++ {
			s := strings.TrimSpace(sc.Text())
			if s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			if strings.ContainsAny(s, ",;\t") {
				return nil, fmt.Errorf("line %d: %q has several fields; name the CSV column with --a-col/--b-col", line, s)
			}
			x, err := parseValue(s)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			xs = append(xs, x)
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
		if len(xs) == 0 {
			return nil, errors.New("no numbers found (expected one per line)")
		}
		return xs, nil
	}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("empty CSV file (expected a header row naming the columns)")
	}
	header := rows[0]
	idx := -1
	for i, h := range header {
		if strings.TrimSpace(h) == col {
			idx = i
		}
	}
	if idx < 0 {
		if n, err := strconv.Atoi(col); err == nil && n >= 1 && n <= len(header) {
			idx = n - 1
		} else {
			return nil, fmt.Errorf("no column %q; the header has %s", col, strings.Join(quoteAll(header), ", "))
		}
	}
	// A file without a header would silently lose its first value to the
	// header row.
	if _, err := strconv.Atoi(col); err == nil {
		if _, err := parseValue(header[idx]); err == nil {
			return nil, fmt.Errorf("row 1 is a number (%s): --%s-col %s needs a header row naming the columns; use a one-number-per-line file or add a header",
				strings.TrimSpace(header[idx]), which, col)
		}
	}
	var xs []float64
	for i, row := range rows[1:] {
		if idx >= len(row) {
			return nil, fmt.Errorf("row %d has %d fields, column %q is field %d", i+2, len(row), col, idx+1)
		}
		if strings.TrimSpace(row[idx]) == "" {
			return nil, fmt.Errorf("row %d: column %q is empty (remove the row or fill it in)", i+2, col)
		}
		x, err := parseValue(row[idx])
		if err != nil {
			return nil, fmt.Errorf("row %d, column %q: %v", i+2, col, err)
		}
		xs = append(xs, x)
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("column %q has no values below the header", col)
	}
	return xs, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
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

func pValue(p float64) string {
	if p == 0 {
		return "0"
	}
	if p < 1e-4 {
		return strconv.FormatFloat(p, 'e', 2, 64)
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
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
			adj = pValue(t.PAdjusted) + " (" + t.Adjustment + ")"
		}
		tests.rows = append(tests.rows, []string{name, t.Method, num(t.Statistic), dz, strconv.Itoa(t.N), pValue(t.P), adj, t.Note})
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
