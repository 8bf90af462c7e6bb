package cli

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/actbench/actbench/report"
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
	return report.WriteComparison(env.Stdout, c, [2]string{*aName, *bName}, *format)
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
