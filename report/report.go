// Package report turns results records into the comparison of activations:
// Build groups the records by model, dataset and recipe, pairs every
// activation's trials with the baseline's by seed, compares them (package
// stats) and adjusts the p-values across the report; Render writes the
// tables as table, md, csv, json or latex; WritePlots draws learning curves,
// per-seed test errors and learned activation shapes. BuildLeaderboard
// ranks every activation of each group instead (mean error, RER, tests
// against the baseline and the best, significance letters, mean ranks, and
// across groups the mean rank), rendered by RenderLeaderboard and drawn as a
// forest plot by WriteLeaderboardPlots. Learned lists the learned
// activation parameters per layer (RenderLearned). WriteComparison
// renders one stats.Comparison in full, for 'actbench stats', and
// PlotFunction draws an activation for 'actbench show'. It is the only
// package that imports gonum.org/v1/plot.
package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/registry"
	"github.com/actbench/actbench/stats"
)

// Options configure Build.
type Options struct {
	// Baseline is the activation every other one is compared with (default
	// "relu"); any spelling of the same spec matches.
	Baseline string
	// Alpha is the significance level of the verdicts (default 0.05).
	Alpha float64
	// Adjust is the multiple-comparison correction applied across every
	// comparison of the report (default Holm).
	Adjust stats.Method
	// Resamples and Seed drive the bootstrap intervals (defaults 10000, 1),
	// so a report is reproducible.
	Resamples int
	Seed      uint64
}

// Report is the comparison of activations, one Group per (model, dataset,
// recipe).
type Report struct {
	Baseline    string  `json:"baseline"`
	Alpha       float64 `json:"alpha"`
	Adjustment  string  `json:"adjustment"`
	Comparisons int     `json:"comparisons"` // size of the adjusted family
	Groups      []Group `json:"groups"`
	// Notes are things a reader must know: torn lines ignored, trials
	// without test metrics, groups without a baseline, unpaired seeds.
	Notes []string `json:"notes,omitempty"`
}

// Group is one table: every activation trained on one model, dataset and
// recipe.
type Group struct {
	Model   string       `json:"model"`
	Dataset grid.Dataset `json:"dataset"`
	Recipe  grid.Recipe  `json:"recipe"`
	// DataSHA256 is the checksum of the training files the group's trials
	// read ("" for records without one): trials of different data files
	// are never pooled or paired.
	DataSHA256 string `json:"data_sha256,omitempty"`
	Rows       []Row  `json:"rows"`
	// dataTag tells apart groups that differ only in their data files.
	dataTag string
}

// Title is e.g. "simplecnn · mnist[2000] · adam", followed by the data
// checksum when another group of the report differs only in it.
func (g *Group) Title() string {
	t := fmt.Sprintf("%s · %s · %s", g.Model, g.Dataset.Label(), g.Recipe.Name)
	if g.dataTag != "" {
		t += " · " + g.dataTag
	}
	return t
}

// Row is one activation of a group.
type Row struct {
	Activation string `json:"activation"` // short spec (defaults omitted)
	Spec       string `json:"spec"`       // canonical spec
	Baseline   bool   `json:"baseline"`
	// Seeds and TestErr list every trial's seed and test error (1 - top-1 of
	// the selected epoch), in seed order.
	Seeds   []uint64  `json:"seeds"`
	TestErr []float64 `json:"test_err"`
	// Diverged counts trials whose loss became non-finite (included with
	// their last finite metrics when they have test metrics).
	Diverged int `json:"diverged"`
	// Summary of TestErr (mean with its Student-t 95 % CI); nil with fewer
	// than 2 trials.
	Summary *stats.Summary `json:"summary,omitempty"`
	// Comparison with the baseline over the paired seeds; nil for the
	// baseline itself and when fewer than 2 seeds pair up.
	Comparison *stats.Comparison `json:"comparison,omitempty"`
	// DeadFraction is the mean over trials and activation layers of the
	// dead-unit fraction at the selected epoch, the epoch the test error
	// comes from (0 when not measured: see HasDead).
	DeadFraction float64 `json:"dead_fraction"`
	HasDead      bool    `json:"has_dead"`
	// Learned are the learned activation parameters at the selected epoch,
	// averaged over layers and trials (per-channel values enter with their
	// mean).
	Learned []LearnedParam `json:"learned,omitempty"`
	// EpochSeconds is the mean wall time per epoch.
	EpochSeconds float64 `json:"epoch_seconds"`
	// records are the row's trials with a test error (for the plots),
	// untested those without (diverged before their first epoch ended).
	records, untested []*record.Record
}

// LearnedParam is one learned activation parameter, averaged.
type LearnedParam struct {
	Name string  `json:"name"`
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"` // over layers and trials (of the per-layer means)
	Max  float64 `json:"max"`
}

// Mean is the mean test error, NaN without trials.
func (r *Row) Mean() float64 {
	if len(r.TestErr) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range r.TestErr {
		s += v
	}
	return s / float64(len(r.TestErr))
}

type groupKey struct {
	model   string
	dataset grid.Dataset
	recipe  string
	dataSHA string // Result.Data.SHA256: different data files never pool
}

// withDefaults fills in the defaults of Options and returns the baseline's
// canonical spec.
func (o Options) withDefaults() (Options, string, error) {
	if o.Baseline == "" {
		o.Baseline = "relu"
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.Resamples == 0 {
		o.Resamples = stats.DefaultResamples
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	baseSpec, err := grid.CanonicalActivation(o.Baseline)
	if err != nil {
		return o, "", fmt.Errorf("baseline %q: %w", o.Baseline, err)
	}
	return o, baseSpec, nil
}

// Build groups records (of any number of files and grids) by model,
// dataset and recipe, compares each activation with the baseline over the
// paired seeds, and adjusts the p-values across the whole report. Pretrain
// records are skipped; a trial present twice counts once.
func Build(recs []record.Record, o Options) (*Report, error) {
	o, baseSpec, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	rep := &Report{Baseline: grid.ShortSpec(baseSpec), Alpha: o.Alpha, Adjustment: o.Adjust.String()}
	groups, noTest := groupRecords(recs, baseSpec)
	if noTest > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d trial(s) diverged before their first epoch ended and have no test error; they are counted in the div column only", noTest))
	}

	var all []*stats.Comparison
	for _, g := range groups {
		var base *Row
		for i := range g.Rows {
			if g.Rows[i].Baseline {
				base = &g.Rows[i]
			}
		}
		if base == nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: no %s trials, so no comparisons (choose another --baseline)", g.Title(), rep.Baseline))
		}
		for i := range g.Rows {
			row := &g.Rows[i]
			if row.Baseline || base == nil {
				continue
			}
			b, c, unpaired := pair(base, row)
			if unpaired > 0 {
				rep.Notes = append(rep.Notes, fmt.Sprintf("%s: %s has %d trial(s) without a %s trial of the same seed; compared over the %d paired seeds",
					g.Title(), row.Activation, unpaired, rep.Baseline, len(b)))
			}
			if len(b) < 2 {
				continue
			}
			cmp, err := stats.Compare(b, c, stats.Options{Paired: true, Alpha: o.Alpha, Resamples: o.Resamples, Seed: o.Seed})
			if err != nil {
				if errors.Is(err, stats.ErrTooFew) {
					continue
				}
				return nil, fmt.Errorf("%s: %s against %s: %w", g.Title(), row.Activation, rep.Baseline, err)
			}
			row.Comparison = &cmp
			all = append(all, row.Comparison)
		}
		rep.Groups = append(rep.Groups, *g)
	}
	// Adjust across the whole report: collect, adjust, write back.
	flat := make([]stats.Comparison, len(all))
	for i, c := range all {
		flat[i] = *c
	}
	if len(flat) > 0 {
		if err := stats.AdjustComparisons(flat, o.Adjust); err != nil {
			return nil, err
		}
	}
	for i, c := range all {
		*c = flat[i]
	}
	rep.Comparisons = len(all)
	return rep, nil
}

// groupRecords sorts records into groups (model, dataset, recipe, data
// checksum), one Row per activation, in the order the records first name
// them; rows run baseline first, then in grid order. Pretrain records are
// skipped and a trial present twice (same key and data checksum) counts
// once. noTest counts the trials
// without test metrics (kept in their row's untested list).
func groupRecords(recs []record.Record, baseSpec string) (groups []*Group, noTest int) {
	byKey := map[groupKey]*Group{}
	var order []groupKey
	rows := map[groupKey]map[string]*Row{}
	// A trial's key leaves out where its data came from, so the same trial
	// on other data files (another checksum) is another trial.
	type trialID struct{ key, dataSHA string }
	seen := map[trialID]bool{}
	for i := range recs {
		r := &recs[i]
		id := trialID{r.Key, r.Result.Data.SHA256}
		if r.Role != "" || seen[id] {
			continue
		}
		seen[id] = true
		c := r.Config
		k := groupKey{c.Model, c.Dataset, recipeIdentity(c.Recipe), r.Result.Data.SHA256}
		g := byKey[k]
		if g == nil {
			g = &Group{Model: c.Model, Dataset: c.Dataset, Recipe: c.Recipe, DataSHA256: k.dataSHA}
			byKey[k] = g
			order = append(order, k)
			rows[k] = map[string]*Row{}
		}
		row := rows[k][c.Activation]
		if row == nil {
			row = &Row{Activation: grid.ShortSpec(c.Activation), Spec: c.Activation, Baseline: c.Activation == baseSpec}
			rows[k][c.Activation] = row
		}
		if r.Result.Status == "diverged" {
			row.Diverged++
		}
		if _, ok := r.TestErr(); !ok {
			noTest++
			row.untested = append(row.untested, r)
			continue
		}
		row.records = append(row.records, r)
	}

	// Groups that differ only in their data files carry the checksum in
	// their titles (and plot file names).
	sameBut := map[groupKey]int{}
	for _, k := range order {
		k.dataSHA = ""
		sameBut[k]++
	}
	for _, k := range order {
		if g := byKey[k]; sameBut[groupKey{k.model, k.dataset, k.recipe, ""}] > 1 {
			g.dataTag = "data sha256 unrecorded"
			if g.DataSHA256 != "" {
				g.dataTag = "data sha256 " + g.DataSHA256[:min(12, len(g.DataSHA256))]
			}
		}
	}

	for _, k := range order {
		g := byKey[k]
		for _, row := range rows[k] {
			row.finish()
			g.Rows = append(g.Rows, *row)
		}
		// Baseline first, then in the order the grid listed them (by first
		// record index), then by name.
		first := func(r *Row) int {
			idx := math.MaxInt
			for _, rs := range [][]*record.Record{r.records, r.untested} {
				for _, rec := range rs {
					idx = min(idx, rec.Index)
				}
			}
			return idx
		}
		sort.SliceStable(g.Rows, func(i, j int) bool {
			a, b := &g.Rows[i], &g.Rows[j]
			if a.Baseline != b.Baseline {
				return a.Baseline
			}
			if fa, fb := first(a), first(b); fa != fb {
				return fa < fb
			}
			return a.Spec < b.Spec
		})
		groups = append(groups, g)
	}
	return groups, noTest
}

// recipeIdentity keys a group by the recipe's full settings, so two
// different recipes sharing a name never mix.
func recipeIdentity(r grid.Recipe) string {
	return grid.TrialKey(grid.TrialConfig{Recipe: r})
}

// finish computes a row's per-trial lists and means from its records.
func (row *Row) finish() {
	sort.Slice(row.records, func(i, j int) bool { return row.records[i].Config.Seed < row.records[j].Config.Seed })
	row.Seeds, row.TestErr = nil, nil
	var dead, secs float64
	nDead, nSecs := 0, 0
	type acc struct {
		sum, min, max float64
		n             int
	}
	params := map[string]*acc{}
	var names []string
	for _, r := range row.records {
		e, _ := r.TestErr()
		row.Seeds = append(row.Seeds, r.Config.Seed)
		row.TestErr = append(row.TestErr, e)
		if d, ok := r.DeadFraction(); ok {
			dead += d
			nDead++
		}
		if s := r.Result.Timing.EpochSeconds; s > 0 {
			secs += s
			nSecs++
		}
		if sel := r.Selected(); sel != nil {
			for _, p := range sel.ActParams {
				a := params[p.Param]
				if a == nil {
					a = &acc{min: math.Inf(1), max: math.Inf(-1)}
					params[p.Param] = a
					names = append(names, p.Param)
				}
				a.sum += p.Mean
				a.n++
				a.min = math.Min(a.min, p.Mean)
				a.max = math.Max(a.max, p.Mean)
			}
		}
	}
	if s, err := stats.Summarize(row.TestErr); err == nil {
		row.Summary = &s
	}
	row.HasDead = nDead > 0
	row.DeadFraction = 0
	if nDead > 0 {
		row.DeadFraction = dead / float64(nDead)
	}
	if nSecs > 0 {
		row.EpochSeconds = secs / float64(nSecs)
	}
	for _, n := range names {
		a := params[n]
		row.Learned = append(row.Learned, LearnedParam{Name: n, Mean: a.sum / float64(a.n), Min: a.min, Max: a.max})
	}
}

// pair lines up the baseline's and the candidate's test errors by seed and
// counts the candidate's trials without a baseline partner.
func pair(base, cand *Row) (b, c []float64, unpaired int) {
	for i, s := range cand.Seeds {
		j := slices.Index(base.Seeds, s)
		if j < 0 {
			unpaired++
			continue
		}
		b = append(b, base.TestErr[j])
		c = append(c, cand.TestErr[i])
	}
	return b, c, unpaired
}

// learnedLabel is how a learned parameter is named in the rendered
// tables: the registry's Learned name where the option's name says what it
// starts as (PReLU's init is shown as slope), else the parameter's name.
func learnedLabel(spec, param string) string {
	s, err := registry.Parse(spec)
	if err != nil {
		return param
	}
	if info, ok := registry.Lookup(s.Name); ok {
		if pi, ok := info.Param(param); ok && pi.Learned != "" {
			return pi.Learned
		}
	}
	return param
}

// cells is the text of a row's columns, shared by the table, Markdown, CSV
// and LaTeX renderings.
type cells struct {
	act, n, err, rer, p, padj, effect, verdict, dead, learned, epoch string
}

var columnNames = []string{"activation", "n", "test err % [95% CI]", "RER % [95% CI]", "p", "p (adj)", "d_z", "verdict", "dead %", "learned", "s/epoch"}

func (row *Row) cells() cells {
	c := cells{act: row.Activation, n: fmt.Sprint(len(row.TestErr)), rer: "", p: "", padj: "", effect: "", verdict: "", dead: "", learned: "", epoch: ""}
	if row.Baseline {
		c.act += " (base)"
	}
	if row.Diverged > 0 {
		c.n += fmt.Sprintf(" (%d div)", row.Diverged)
	}
	switch {
	case row.Summary != nil:
		s := row.Summary
		c.err = fmt.Sprintf("%.2f [%.2f, %.2f]", 100*s.Mean, 100*s.MeanCI.Lo, 100*s.MeanCI.Hi)
	case len(row.TestErr) == 1:
		c.err = fmt.Sprintf("%.2f", 100*row.TestErr[0])
	default:
		c.err = "-"
	}
	if cmp := row.Comparison; cmp != nil {
		if cmp.RER != nil {
			c.rer = fmt.Sprintf("%+.1f [%+.1f, %+.1f]", 100*cmp.RER.Value, 100*cmp.RER.BCa.Lo, 100*cmp.RER.BCa.Hi)
		}
		if t, ok := cmp.PrimaryTest(); ok {
			c.p = stats.FormatP(t.P)
			c.padj = stats.FormatP(t.PAdjusted)
		}
		c.effect = formatFloat(cmp.Effect.CohenD, 2)
		c.verdict = cmp.Verdict()
	} else if !row.Baseline {
		c.verdict = "too few paired seeds"
	}
	if row.HasDead {
		c.dead = fmt.Sprintf("%.1f", 100*row.DeadFraction)
	}
	var ps []string
	for _, p := range row.Learned {
		ps = append(ps, fmt.Sprintf("%s=%.3g", learnedLabel(row.Activation, p.Name), p.Mean))
	}
	c.learned = strings.Join(ps, " ")
	if row.EpochSeconds > 0 {
		c.epoch = fmt.Sprintf("%.2f", row.EpochSeconds)
	}
	for _, s := range []*string{&c.rer, &c.p, &c.padj, &c.effect, &c.verdict, &c.dead, &c.learned, &c.epoch} {
		if *s == "" {
			*s = "-"
		}
	}
	return c
}

func (c cells) list() []string {
	return []string{c.act, c.n, c.err, c.rer, c.p, c.padj, c.effect, c.verdict, c.dead, c.learned, c.epoch}
}

func formatFloat(v float64, prec int) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "-"
	}
	return fmt.Sprintf("%+.*f", prec, v)
}
