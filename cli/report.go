package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/actbench/actbench/internal/outfile"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/report"
	"github.com/actbench/actbench/stats"
)

func init() {
	register(command{
		name:    "report",
		summary: "compare activations from results files: tables (table, md, csv, json, latex) and plots; --leaderboard ranks them all; --learned lists the learned parameters per layer",
		run:     runReport,
	})
}

func runReport(env *Env, args []string) error {
	fs := newFlagSet(env, "report", "report FILE... [--leaderboard | --learned] [--baseline relu] [--format table|md|csv|json|latex] [--plot DIR]")
	leaderboard := fs.Bool("leaderboard", false, "rank every activation of each cell (model, dataset, recipe): mean test error, RER, p against the baseline and the best (Holm), significance groups, mean rank, s/epoch, params; across cells, the mean rank. --plot then draws the forest plot of RER")
	learned := fs.Bool("learned", false, "instead of the comparison, the learned activation parameters per layer at the selected epoch: mean and range over seeds (and over channels for per-channel parameters), with the starting value")
	baseline := fs.String("baseline", "relu", "activation every other one is compared with")
	format := fs.String("format", "table", "output format: "+strings.Join(report.Formats, ", "))
	out := fs.StringP("out", "o", "", "write the report to this file instead of stdout")
	plotDir := fs.String("plot", "", "write learning curves, test errors and learned activation shapes (with --leaderboard: the forest plot of RER) here, as PNG and SVG")
	alpha := fs.Float64("alpha", 0.05, "significance level of the verdicts")
	adjust := fs.String("adjust", "holm", "multiple-comparison correction across the report (with --leaderboard: per cell): holm, bonferroni or bh")
	resamples := fs.Int("resamples", stats.DefaultResamples, "bootstrap resamples")
	seed := fs.Uint64("seed", 1, "bootstrap seed (the report is reproducible)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("no results files (e.g. actbench report runs/default.jsonl)")
	}
	if *leaderboard && *learned {
		return usageErrorf("--leaderboard and --learned are two different reports: give one")
	}
	if !validFormat(*format) {
		return usageErrorf("--format %q: want one of %s", *format, strings.Join(report.Formats, ", "))
	}
	m, err := stats.ParseMethod(*adjust)
	if err != nil {
		return usageErrorf("--adjust: %v", err)
	}
	if !(*alpha > 0 && *alpha < 1) {
		return usageErrorf("--alpha %g: want 0 < alpha < 1", *alpha)
	}
	if err := checkOutput("--out", *out); err != nil {
		return err
	}
	if err := checkOutputDir("--plot", *plotDir); err != nil {
		return err
	}
	var recs []record.Record
	var where []string // file:line of each record
	for _, path := range fs.Args() {
		rr, err := record.ReadFile(path)
		if err != nil {
			return err
		}
		if rr.Torn != "" {
			fmt.Fprintf(env.Stderr, "warning: %s\n", rr.Torn)
		}
		recs = append(recs, rr.Records...)
		for _, l := range rr.Lines {
			where = append(where, fmt.Sprintf("%s:%d", path, l))
		}
	}
	// The report counts the first copy of a trial; copies that disagree
	// (another machine, another BLAS) must not pass unnoticed.
	first := map[string]int{}
	for i := range recs {
		id := recs[i].Role + "/" + recs[i].Key
		if j, dup := first[id]; dup {
			if c := record.Disagreement(&recs[j], &recs[i], where[j], where[i]); c != "" {
				fmt.Fprintf(env.Stderr, "warning: conflicting duplicate, the report counts the first: %s\n", c)
			}
			continue
		}
		first[id] = i
	}
	if len(recs) == 0 {
		return fmt.Errorf("no records in %s", strings.Join(fs.Args(), ", "))
	}
	o := report.Options{Baseline: *baseline, Alpha: *alpha, Adjust: m, Resamples: *resamples, Seed: *seed}
	// Build first, so a failure leaves no empty --out file behind.
	var render func(io.Writer) error
	var plot func() ([]string, error)
	if *leaderboard {
		lb, err := report.BuildLeaderboard(recs, o)
		if err != nil {
			return err
		}
		render = func(w io.Writer) error { return report.RenderLeaderboard(w, lb, *format) }
		plot = func() ([]string, error) { return report.WriteLeaderboardPlots(*plotDir, lb) }
	} else {
		rep, err := report.Build(recs, o)
		if err != nil {
			return err
		}
		render = func(w io.Writer) error { return report.Render(w, rep, *format) }
		if *learned {
			t := report.Learned(rep)
			render = func(w io.Writer) error { return report.RenderLearned(w, t, *format) }
		}
		plot = func() ([]string, error) { return report.WritePlots(*plotDir, rep) }
	}
	if *out != "" && *out != "-" {
		err = outfile.WriteTo(*out, render)
	} else {
		err = render(env.Stdout)
	}
	if err != nil {
		return err
	}
	if *plotDir != "" {
		files, err := plot()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "wrote %d plot files to %s\n", len(files), *plotDir)
	}
	return nil
}
