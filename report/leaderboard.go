package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/stats"
)

// LeaderboardTop is how many activations, by mean rank over the cells, the
// leaderboard proposes for the ResNet-20 follow-up (grid preset
// leaderboard-resnet).
const LeaderboardTop = 12

// The convergence check of a cell's recipe: the baseline's validation
// error, averaged over seeds, should move less than convergencePP
// percentage points over the last convergenceEpochs epochs.
const (
	convergenceEpochs = 3
	convergencePP     = 0.5
)

// Leaderboard ranks every activation of each cell (model, dataset with its
// sizes and data checksum, recipe) by mean test error over the seeds every
// activation finished, with the statistics a reader needs to tell real
// differences from noise; across cells, Overall ranks the activations
// present in every cell by their mean rank.
type Leaderboard struct {
	Baseline   string  `json:"baseline"`
	Alpha      float64 `json:"alpha"`
	Adjustment string  `json:"adjustment"`
	Cells      []Cell  `json:"cells"`
	// Overall is the ranking across cells (nil with fewer than 2 cells).
	Overall *Overall `json:"overall,omitempty"`
	// Notes are things a reader must know: seeds left out, cells left out,
	// recipes that did not converge, activations missing from some cell.
	Notes []string `json:"notes,omitempty"`
}

// Cell is the leaderboard of one group of records: every activation
// trained on one model, dataset (sizes and data files) and recipe. Cells are
// never pooled.
type Cell struct {
	Title      string       `json:"title"`
	Model      string       `json:"model"`
	Dataset    grid.Dataset `json:"dataset"`
	Recipe     grid.Recipe  `json:"recipe"`
	DataSHA256 string       `json:"data_sha256,omitempty"`
	// Seeds are the seeds every activation of the cell finished (diverged
	// runs count as finished): the only ones compared, so that every test is
	// paired. Dropped are the seeds some activation did not finish.
	Seeds   []uint64 `json:"seeds"`
	Dropped []uint64 `json:"dropped_seeds,omitempty"`
	// Best is the activation with the lowest mean test error ("" when every
	// activation diverged).
	Best string `json:"best,omitempty"`
	// Family is the number of comparisons the p-values against the baseline
	// and against the best activation were adjusted over (each pair once);
	// Pairs the number of pairs of the all-pairs adjustment behind Letters.
	Family int `json:"family"`
	Pairs  int `json:"pairs"`
	// BaselineValMove is how far, in percentage points, the baseline's
	// validation error (mean over the seeds) moved over the last 3 epochs:
	// max - min. Nil when it cannot be measured (no validation split, fewer
	// than 3 epochs, a diverged or missing baseline).
	BaselineValMove *float64 `json:"baseline_val_move_pp,omitempty"`
	// Entries are the activations, lowest mean test error first, diverged
	// ones last.
	Entries []Entry `json:"entries"`
	group   *Group
}

// Entry is one activation of a cell.
type Entry struct {
	// Position is the entry's place in the cell, 1 for the lowest mean
	// test error; activations with a diverged run come after every other.
	Position   int    `json:"position"`
	Activation string `json:"activation"` // short spec (defaults omitted)
	Spec       string `json:"spec"`       // canonical spec
	Baseline   bool   `json:"baseline"`
	Best       bool   `json:"best"`
	// N is the number of seeds compared (Cell.Seeds), Diverged how many of
	// them diverged. An activation with a diverged run has no mean, RER,
	// tests or letters: it ranks last.
	N        int `json:"n"`
	Diverged int `json:"diverged"`
	// TestErr is the test error of each seed of Cell.Seeds, null for a
	// diverged run.
	TestErr []*float64 `json:"test_err"`
	// Summary is the mean test error with its Student-t 95 % CI (nil when
	// diverged).
	Summary *stats.Summary `json:"summary,omitempty"`
	// RER is the relative error reduction against the baseline with its
	// bootstrap intervals (nil for the baseline itself, for a diverged
	// activation or baseline, and without a baseline).
	RER *stats.Estimate `json:"rer,omitempty"`
	// PBase and PBest are the paired t tests against the baseline and
	// against the best activation, adjusted over the cell's Family.
	PBase *PValue `json:"p_vs_baseline,omitempty"`
	PBest *PValue `json:"p_vs_best,omitempty"`
	// Letters is the compact letter display of all pairwise tests:
	// activations sharing a letter are not significantly different ("" when
	// diverged).
	Letters string `json:"letters"`
	// MeanRank is the activation's rank within each seed (1 = lowest
	// error, diverged runs last), averaged over the seeds.
	MeanRank float64 `json:"mean_rank"`
	// EpochSeconds is the mean wall time per epoch of the compared trials (0
	// when not recorded).
	EpochSeconds float64 `json:"epoch_seconds"`
	// Params is the model's parameter count with this activation (weights
	// plus activation parameters), ActParams the activation parameters alone.
	Params    int `json:"params"`
	ActParams int `json:"act_params"`
}

// PValue is a test's p-value and its adjusted value.
type PValue struct {
	P        float64 `json:"p"`
	Adjusted float64 `json:"p_adjusted"`
}

// Overall ranks the activations present in every cell by their mean rank
// over the cells (each cell ranks its activations by mean test error,
// diverged ones last).
type Overall struct {
	// Cells are the titles of the cells ranked, the order of CellMeans.
	Cells []string       `json:"cells"`
	Rows  []OverallEntry `json:"rows"`
	// LeftOut lists the activations missing from some cell (short specs).
	LeftOut []string `json:"left_out,omitempty"`
	// Top are the LeaderboardTop activations with the best mean rank, plus
	// the baseline when it is not among them: the activations of the
	// ResNet-20 follow-up.
	Top []string `json:"top"`
}

// OverallEntry is one activation of the Overall ranking.
type OverallEntry struct {
	Position   int     `json:"position"`
	Activation string  `json:"activation"`
	Spec       string  `json:"spec"`
	Baseline   bool    `json:"baseline"`
	MeanRank   float64 `json:"mean_rank"`
	// CellMeans is the mean test error in each cell of Overall.Cells, null
	// where the activation diverged.
	CellMeans []*float64 `json:"cell_means"`
}

// BuildLeaderboard makes the leaderboard of the records: one Cell per
// group of Build (model, dataset, recipe, data checksum), each activation
// compared over the seeds every activation of the cell finished. It uses
// o.Baseline, o.Alpha and o.Adjust (for both the letters and the tests
// against the baseline and the best), and o.Resamples and o.Seed for the
// RER intervals. A cell with fewer than 2 such seeds is left out with a
// note; no cell at all is an error.
func BuildLeaderboard(recs []record.Record, o Options) (*Leaderboard, error) {
	o, baseSpec, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	lb := &Leaderboard{Baseline: grid.ShortSpec(baseSpec), Alpha: o.Alpha, Adjustment: o.Adjust.String()}
	groups, _ := groupRecords(recs, baseSpec)
	if len(groups) == 0 {
		return nil, fmt.Errorf("leaderboard: no trials in the records (pretraining records are not trials)")
	}
	for _, g := range groups {
		c, notes, err := buildCell(g, lb.Baseline, o)
		lb.Notes = append(lb.Notes, notes...)
		if err != nil {
			return nil, err
		}
		if c != nil {
			lb.Cells = append(lb.Cells, *c)
		}
	}
	if len(lb.Cells) == 0 {
		return nil, fmt.Errorf("leaderboard: no cell has 2 seeds that every activation finished, so nothing can be compared (%s); run more seeds or finish the grid",
			strings.Join(lb.Notes, "; "))
	}
	if len(lb.Cells) > 1 {
		ov, notes, err := buildOverall(lb.Cells)
		if err != nil {
			return nil, err
		}
		lb.Overall = ov
		lb.Notes = append(lb.Notes, notes...)
	}
	return lb, nil
}

// buildCell ranks one group's activations, or returns nil and a note when
// fewer than 2 seeds can be paired.
func buildCell(g *Group, baseline string, o Options) (*Cell, []string, error) {
	title := g.Title()
	var notes []string
	// Each activation's finished trials by seed; a diverged trial counts,
	// with a NaN test error.
	type trial struct {
		err float64
		rec *record.Record
	}
	bySeed := make([]map[uint64]trial, len(g.Rows))
	all := map[uint64]bool{}
	for i := range g.Rows {
		bySeed[i] = map[uint64]trial{}
		for _, rs := range [][]*record.Record{g.Rows[i].records, g.Rows[i].untested} {
			for _, r := range rs {
				e, ok := r.TestErr()
				switch {
				case r.Result.Status == "diverged":
					e = math.NaN()
				case !ok:
					continue // no test metrics and not diverged: unfinished
				}
				bySeed[i][r.Config.Seed] = trial{e, r}
				all[r.Config.Seed] = true
			}
		}
	}
	c := &Cell{Title: title, Model: g.Model, Dataset: g.Dataset, Recipe: g.Recipe, DataSHA256: g.DataSHA256, group: g}
	for s := range all {
		every := true
		for i := range bySeed {
			if _, ok := bySeed[i][s]; !ok {
				every = false
				break
			}
		}
		if every {
			c.Seeds = append(c.Seeds, s)
		} else {
			c.Dropped = append(c.Dropped, s)
		}
	}
	slices.Sort(c.Seeds)
	slices.Sort(c.Dropped)
	if len(c.Dropped) > 0 {
		notes = append(notes, fmt.Sprintf("%s: %d seed(s) (%s) not finished by every activation were left out; every activation is compared over the %d seed(s) all finished",
			title, len(c.Dropped), seedList(c.Dropped), len(c.Seeds)))
	}
	if len(c.Seeds) < 2 {
		return nil, append(notes, fmt.Sprintf("%s: only %d seed(s) finished by all %d activations; the cell is left out (run more seeds or finish the grid)",
			title, len(c.Seeds), len(g.Rows))), nil
	}

	k := len(g.Rows)
	samples := make([][]float64, k)
	for i := range samples {
		for _, s := range c.Seeds {
			samples[i] = append(samples[i], bySeed[i][s].err)
		}
	}
	rk, err := stats.Rank(samples, stats.Options{Paired: true, Alpha: o.Alpha}, o.Adjust)
	if err != nil {
		return nil, notes, fmt.Errorf("%s: ranking: %w", title, err)
	}
	c.Pairs = rk.Pairs
	finite := func(i int) bool { return i >= 0 && rk.Diverged[i] == 0 }
	best := -1
	if len(rk.Order) > 0 && finite(rk.Order[0]) {
		best = rk.Order[0]
	}
	base := -1
	for i := range g.Rows {
		if g.Rows[i].Baseline {
			base = i
		}
	}
	switch {
	case base < 0:
		notes = append(notes, fmt.Sprintf("%s: no %s trials, so no RER and no tests against the baseline (choose another --baseline)", title, baseline))
	case !finite(base):
		notes = append(notes, fmt.Sprintf("%s: the baseline %s diverged in %d of %d seeds, so no RER and no tests against it", title, baseline, rk.Diverged[base], len(c.Seeds)))
	}

	entries := make([]Entry, k)
	for i := range entries {
		row := &g.Rows[i]
		e := &entries[i]
		*e = Entry{Activation: row.Activation, Spec: row.Spec, Baseline: row.Baseline, Best: i == best,
			N: len(c.Seeds), Diverged: rk.Diverged[i], Letters: rk.Letters[i], MeanRank: rk.MeanRank[i]}
		secs, nSecs := 0.0, 0
		for j, s := range c.Seeds {
			v := samples[i][j]
			if math.IsNaN(v) {
				e.TestErr = append(e.TestErr, nil)
			} else {
				e.TestErr = append(e.TestErr, &v)
			}
			r := bySeed[i][s].rec
			if t := r.Result.Timing.EpochSeconds; t > 0 {
				secs += t
				nSecs++
			}
			if j == 0 {
				e.Params = r.Result.Model.Params + r.Result.Model.ActParams
				e.ActParams = r.Result.Model.ActParams
			}
		}
		if nSecs > 0 {
			e.EpochSeconds = secs / float64(nSecs)
		}
		if finite(i) {
			s, err := stats.Summarize(samples[i])
			if err != nil {
				return nil, notes, fmt.Errorf("%s: %s: %w", title, row.Activation, err)
			}
			e.Summary = &s
		}
		if finite(i) && finite(base) && i != base {
			cmp, err := stats.Compare(samples[base], samples[i], stats.Options{Paired: true, Alpha: o.Alpha, Resamples: o.Resamples, Seed: o.Seed})
			if err != nil {
				return nil, notes, fmt.Errorf("%s: %s against %s: %w", title, row.Activation, baseline, err)
			}
			e.RER = cmp.RER
		}
	}
	if best >= 0 {
		c.Best = entries[best].Activation
	}

	// The family: every finite activation against the baseline and against
	// the best, each pair tested once.
	type pair struct{ a, b int }
	var fam []pair
	index := map[pair]int{}
	add := func(a, b int) {
		p := pair{min(a, b), max(a, b)}
		if _, ok := index[p]; !ok {
			index[p] = len(fam)
			fam = append(fam, p)
		}
	}
	for i := range entries {
		if !finite(i) {
			continue
		}
		if finite(base) && i != base {
			add(base, i)
		}
		if best >= 0 && i != best {
			add(best, i)
		}
	}
	raw := make([]float64, len(fam))
	for n, p := range fam {
		t, err := stats.PairedT(samples[p.a], samples[p.b], stats.TwoSided)
		if err != nil {
			return nil, notes, fmt.Errorf("%s: %s against %s: %w", title, entries[p.b].Activation, entries[p.a].Activation, err)
		}
		raw[n] = t.P
	}
	adj, err := stats.Adjust(nil, raw, o.Adjust)
	if err != nil {
		return nil, notes, fmt.Errorf("%s: %w", title, err)
	}
	c.Family = len(fam)
	pv := func(a, b int) *PValue {
		n := index[pair{min(a, b), max(a, b)}]
		return &PValue{P: raw[n], Adjusted: adj[n]}
	}
	for i := range entries {
		if !finite(i) {
			continue
		}
		if finite(base) && i != base {
			entries[i].PBase = pv(base, i)
		}
		if best >= 0 && i != best {
			entries[i].PBest = pv(best, i)
		}
	}

	for pos, i := range rk.Order {
		entries[i].Position = pos + 1
		c.Entries = append(c.Entries, entries[i])
	}

	if finite(base) {
		var recs []*record.Record
		for _, s := range c.Seeds {
			recs = append(recs, bySeed[base][s].rec)
		}
		if mv, ok := valMove(recs); ok {
			c.BaselineValMove = &mv
			if mv >= convergencePP {
				notes = append(notes, fmt.Sprintf("%s: the baseline %s's validation error (mean over seeds) still moved %.2f pp over the last %d epochs (criterion: < %g pp): the recipe has not converged, so the ranking may reward fast starters; train longer",
					title, baseline, mv, convergenceEpochs, convergencePP))
			}
		}
	}
	return c, notes, nil
}

// valMove is max - min, in percentage points, of the validation error
// averaged over the trials, over their last convergenceEpochs epochs; false
// when some trial lacks them.
func valMove(recs []*record.Record) (float64, bool) {
	if len(recs) == 0 {
		return 0, false
	}
	mean := make([]float64, convergenceEpochs)
	for _, r := range recs {
		eps := r.Result.Epochs
		if len(eps) < convergenceEpochs {
			return 0, false
		}
		for j, ep := range eps[len(eps)-convergenceEpochs:] {
			if ep.Val == nil {
				return 0, false
			}
			mean[j] += (1 - ep.Val.Top1) / float64(len(recs))
		}
	}
	return 100 * (slices.Max(mean) - slices.Min(mean)), true
}

// buildOverall ranks the activations present in every cell by their mean
// rank over the cells' mean test errors.
func buildOverall(cells []Cell) (*Overall, []string, error) {
	ov := &Overall{}
	count := map[string]int{}
	short := map[string]string{}
	var specs []string // first cell's order, best first
	for ci, c := range cells {
		ov.Cells = append(ov.Cells, c.Title)
		for _, e := range c.Entries {
			count[e.Spec]++
			short[e.Spec] = e.Activation
			if ci == 0 {
				specs = append(specs, e.Spec)
			}
		}
	}
	var in []string
	for _, s := range specs {
		if count[s] == len(cells) {
			in = append(in, s)
		}
	}
	for s, n := range count {
		if n < len(cells) {
			ov.LeftOut = append(ov.LeftOut, short[s])
		}
	}
	sort.Strings(ov.LeftOut)
	var notes []string
	if len(ov.LeftOut) > 0 {
		notes = append(notes, fmt.Sprintf("overall ranking: %s left out, not in every cell", strings.Join(ov.LeftOut, ", ")))
	}
	if len(in) == 0 {
		return ov, append(notes, "overall ranking: no activation is in every cell"), nil
	}
	blocks := make([][]float64, len(cells))
	means := make([][]*float64, len(in))
	for ci, c := range cells {
		blocks[ci] = make([]float64, len(in))
		for ai, s := range in {
			m := math.NaN()
			for _, e := range c.Entries {
				if e.Spec == s && e.Summary != nil {
					m = e.Summary.Mean
				}
			}
			blocks[ci][ai] = m
			if math.IsNaN(m) {
				means[ai] = append(means[ai], nil)
			} else {
				means[ai] = append(means[ai], &m)
			}
		}
	}
	mr, err := stats.MeanRanks(blocks)
	if err != nil {
		return nil, notes, fmt.Errorf("overall ranking: %w", err)
	}
	base := ""
	for _, e := range cells[0].Entries {
		if e.Baseline {
			base = e.Spec
		}
	}
	for ai, s := range in {
		ov.Rows = append(ov.Rows, OverallEntry{Activation: short[s], Spec: s, Baseline: s == base, MeanRank: mr[ai], CellMeans: means[ai]})
	}
	sort.SliceStable(ov.Rows, func(i, j int) bool {
		a, b := ov.Rows[i], ov.Rows[j]
		if a.MeanRank != b.MeanRank {
			return a.MeanRank < b.MeanRank
		}
		return a.Activation < b.Activation
	})
	hasBase := false
	for i := range ov.Rows {
		ov.Rows[i].Position = i + 1
		if i < LeaderboardTop {
			ov.Top = append(ov.Top, ov.Rows[i].Activation)
			hasBase = hasBase || ov.Rows[i].Baseline
		}
	}
	if !hasBase && base != "" {
		ov.Top = append([]string{short[base]}, ov.Top...)
	}
	return ov, notes, nil
}

// seedList writes seeds as "1-3, 7".
func seedList(seeds []uint64) string {
	var parts []string
	for i := 0; i < len(seeds); {
		j := i
		for j+1 < len(seeds) && seeds[j+1] == seeds[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", seeds[i], seeds[j]))
		} else {
			parts = append(parts, fmt.Sprint(seeds[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
