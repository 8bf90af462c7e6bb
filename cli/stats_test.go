package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/stats"
)

// runCLI runs actbench with args and returns its status, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, &Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(stdin)})
	return code, out.String(), errOut.String()
}

const (
	statsA = "0.312,0.305,0.298,0.320,0.301"
	statsB = "0.290,0.281,0.301,0.285,0.279"
)

func TestStatsPairedTable(t *testing.T) {
	code, out, errOut := runCLI(t, "", "stats", "--a", statsA, "--b", statsB, "--paired", "--resamples", "2000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := stats.Compare([]float64{0.312, 0.305, 0.298, 0.320, 0.301}, []float64{0.290, 0.281, 0.301, 0.285, 0.279},
		stats.Options{Paired: true, Resamples: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"paired", "Summary", "candidate - baseline", "0.3072", "0.2872", // summaries incl. differences
		"RER (ratio of means)", "6.51%", "mean of per-seed RER", "P(candidate better)", "BCa CI", // RER with CIs
		"paired-t *", "wilcoxon", "sign-flip", "exact, all 2^5 sign patterns", // every paired test, primary marked
		"Cohen's d_z", "Hedges' g", // effect sizes
		"Per-seed RER: 7.05%, 7.87%, -1.01%, 10.94%, 7.31%",
		"Power: 6 pairs detect an RER of 6.51%",
		"Warning: with 5 pairs the Wilcoxon and sign-flip tests cannot reach p < 0.05",
		"Verdict (paired-t, alpha 0.05): " + want.VerdictText,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if !strings.HasPrefix(want.VerdictText, "-6.5% [") {
		t.Errorf("verdict %q", want.VerdictText)
	}
	// The tests table and the verdict write the primary p the same way
	// (stats.FormatP): scipy.stats.ttest_rel gives p = 0.03269, written 0.033.
	pt, _ := want.PrimaryTest()
	p := stats.FormatP(pt.P)
	if p != "0.033" {
		t.Errorf("primary p %v written %q, want 0.033", pt.P, p)
	}
	for line := range strings.SplitSeq(out, "\n") {
		if strings.Contains(line, "paired-t *") && !strings.Contains(line, "│ "+p+" ") {
			t.Errorf("paired-t row does not show p as %s:\n%s", p, line)
		}
	}
	if !strings.Contains(want.VerdictText, " p="+p+" ") {
		t.Errorf("verdict %q does not show p as %s", want.VerdictText, p)
	}
	if !strings.Contains(out, "┌") {
		t.Errorf("table format is not a table:\n%s", out)
	}
}

func TestStatsUnpairedJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "stats", "--a", "0.312,0.305,0.298", "--b", "0.290,0.281,0.301", "--format", "json", "--resamples", "1000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var c stats.Comparison
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out)
	}
	if c.Paired || c.Base.N != 3 || c.Cand.N != 3 || len(c.Tests) != 2 || c.Tests[0].Name != stats.TestWelchT ||
		c.Tests[1].Name != stats.TestMannWhitney || c.RER == nil || c.Effect.PBetter == nil || c.Primary != stats.TestWelchT {
		t.Errorf("JSON comparison: %+v", c)
	}
	if !strings.HasPrefix(c.VerdictText, "~ (p=0.12 n=3+3)") {
		t.Errorf("verdict %q", c.VerdictText)
	}
	for _, field := range []string{`"rer"`, `"percentile_ci"`, `"bca_ci"`, `"mc_error"`, `"p_adjusted"`, `"cohen_d"`, `"hedges_g"`, `"p_better"`, `"verdict"`, `"median_ci"`, `"power"`} {
		if !strings.Contains(out, field) {
			t.Errorf("JSON lacks documented field %s", field)
		}
	}
}

func TestStatsFormats(t *testing.T) {
	code, out, errOut := runCLI(t, "", "stats", "--a", statsA, "--b", statsB, "--paired", "--format", "md", "--resamples", "500")
	if code != 0 || !strings.Contains(out, "### Tests") || !strings.Contains(out, "|:--") || !strings.Contains(out, "**Verdict** (paired-t): `") {
		t.Errorf("md: exit %d %s\n%s", code, errOut, out)
	}
	code, out, errOut = runCLI(t, "", "stats", "--a", statsA, "--b", statsB, "--paired", "--format", "csv", "--resamples", "500")
	if code != 0 {
		t.Fatalf("csv: exit %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv output does not parse: %v", err)
	}
	found := map[string]string{}
	for _, r := range rows {
		if len(r) != 4 {
			t.Fatalf("csv row %q has %d fields, want 4", r, len(r))
		}
		found[r[0]+"/"+r[1]+"/"+r[2]] = r[3]
	}
	for _, k := range []string{"summary/baseline/mean", "estimate/rer/bca_lo", "test/paired-t/p", "test/sign-flip/p", "test/wilcoxon/p", "effect/cohen_d_z/value", "verdict/paired-t/text", "seed_rer/5/rer"} {
		if found[k] == "" {
			t.Errorf("csv lacks %s", k)
		}
	}
	if found["summary/baseline/mean"] != "0.3072" {
		t.Errorf("csv baseline mean %q", found["summary/baseline/mean"])
	}
}

func TestStatsFiles(t *testing.T) {
	dir := t.TempDir()
	lines := filepath.Join(dir, "a.txt")
	table := filepath.Join(dir, "runs.csv")
	os.WriteFile(lines, []byte("# test error per seed\n0.312\n0.305\n\n0.298\n0.320\n0.301\n"), 0o644)
	os.WriteFile(table, []byte("seed,relu,pvlu\n1,0.312,0.290\n2,0.305,0.281\n3,0.298,0.301\n4,0.320,0.285\n5,0.301,0.279\n"), 0o644)

	var outs []string
	for _, args := range [][]string{
		{"--a-file", lines, "--b", statsB},
		{"--a-file", table, "--a-col", "relu", "--b-file", table, "--b-col", "pvlu"},
		{"--a-file", table, "--a-col", "2", "--b-file", "-", "--b-col", "pvlu"},
		{"--a", statsA, "--b", statsB},
	} {
		code, out, errOut := runCLI(t, "seed,pvlu\n1,0.290\n2,0.281\n3,0.301\n4,0.285\n5,0.279\n",
			append([]string{"stats", "--paired", "--resamples", "500", "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		outs = append(outs, out)
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			t.Errorf("input form %d gives a different comparison from form 0", i)
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("seed,relu\n1,0.3\n2,\n3,oops\n"), 0o644)
	noHeader := filepath.Join(dir, "noheader.csv")
	os.WriteFile(noHeader, []byte("1,0.312,0.290\n2,0.305,0.281\n3,0.298,0.301\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--a-file", table, "--b", statsB}, 1, "name the CSV column with --a-col"},
		{[]string{"--a-file", table, "--a-col", "gelu", "--b", statsB}, 1, `no column "gelu"; the header has "seed", "relu", "pvlu"`},
		{[]string{"--a-file", bad, "--a-col", "relu", "--b", statsB}, 1, `row 3: column "relu" is empty`},
		{[]string{"--a-file", noHeader, "--a-col", "2", "--b", statsB}, 1, "noheader.csv: row 1 is a number (0.312): --a-col 2 needs a header row"},
		{[]string{"--a", statsA, "--b-file", noHeader, "--b-col", "3"}, 1, "--b-col 3 needs a header row naming the columns; use a one-number-per-line file or add a header"},
		{[]string{"--a-file", filepath.Join(dir, "missing.txt"), "--b", statsB}, 1, "missing.txt"},
		{[]string{"--a", statsA, "--b", "0.3,0.2", "--paired"}, 1, "--paired: a has 5 values, b has 2"},
		{[]string{"--a", "0.3", "--b", statsB}, 1, "a has 1 value(s), need at least 2"},
		{[]string{"--a", "0.3,NaN", "--b", statsB}, 2, `"NaN" is not a finite number`},
		{[]string{"--a", statsA}, 2, "sample b missing"},
		{[]string{"--a", statsA, "--a-file", lines, "--b", statsB}, 2, "not both"},
		{[]string{"--a", statsA, "--b", statsB, "--format", "xml"}, 2, `--format "xml"`},
		{[]string{"--a", statsA, "--b", statsB, "--alpha", "1.5"}, 2, "alpha 1.5"},
		{[]string{"--a-file", "-", "--b-file", "-", "--a-col", "relu", "--b-col", "pvlu"}, 2, "both read stdin"},
		{[]string{"--a", statsA, "--b", statsB, "--alpha", "0"}, 2, "--alpha 0: want a significance level in (0, 1)"},
		{[]string{"--a", statsA, "--b", statsB, "--power", "0"}, 2, "--power 0: want a power in (0, 1)"},
		{[]string{"--a", statsA, "--b", statsB, "--power", "1"}, 2, "--power 1: want a power in (0, 1)"},
		{[]string{"--a", statsA, "--b", statsB, "--resamples", "2000000"}, 2, "--resamples 2000000: want 100 to 1000000"},
		{[]string{"--a", statsA, "--b", statsB, "--resamples", "0"}, 2, "--resamples 0: want 100 to 1000000"},
		{[]string{"--a", statsA, "--b", statsB, "--alternative", "up"}, 2, "--alternative"},
		{[]string{"--a", statsA, "--b", statsB, "--primary", "sign-flip"}, 2, "primary test"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"stats"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
}

func TestStatsDegenerateNoNaN(t *testing.T) {
	for _, args := range [][]string{
		{"--a", "0.3,0.3,0.3", "--b", "0.3,0.3,0.3", "--paired"},
		{"--a", "0.3,0.3,0.3", "--b", "0.2,0.2,0.2"},
		{"--a", "-0.1,0.1,0", "--b", "0.1,0.2,0.3", "--paired"},
	} {
		for _, f := range []string{"table", "json", "csv"} {
			code, out, errOut := runCLI(t, "", append([]string{"stats", "--resamples", "200", "--format", f}, args...)...)
			if code != 0 {
				t.Fatalf("%v %s: exit %d: %s", args, f, code, errOut)
			}
			if strings.Contains(strings.ToLower(out), "nan") {
				t.Errorf("%v %s: NaN in output:\n%s", args, f, out)
			}
		}
	}
}
