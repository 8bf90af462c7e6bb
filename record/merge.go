package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"

	"github.com/actbench/actbench/internal/outfile"
	"github.com/actbench/actbench/trainer"
)

// MergeResult is the outcome of Merge.
type MergeResult struct {
	Grid     string // the grid.ID all records share ("" when mixed grids were allowed)
	Records  []Record
	Trials   int // grid trials among Records (pretrain records excluded)
	Expected int // trials in the grid (from the records' grid_trials)
	// Duplicates counts records dropped because an earlier file held the
	// same trial; Conflicts names the duplicates whose results differ
	// (e.g. shards run on machines with different BLAS backends).
	Duplicates int
	Conflicts  []string
	// Torn lists torn last lines found (and ignored) in the inputs.
	Torn []string
}

// Merge reads results files (typically the shards of one grid) and
// combines them: records of the same trial are kept once (the first seen),
// and the result is in grid order, each pretraining record just before the
// first trial that used it, as an unsharded run writes them. Files of
// different grids are refused unless allowMixed, since a merge of unrelated
// runs is usually a mistake (a shard of a scaled-up grid, say).
func Merge(paths []string, allowMixed bool) (*MergeResult, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("merge: no input files")
	}
	res := &MergeResult{}
	seen := map[string]int{}     // role+key -> index in res.Records
	where := map[string]string{} // role+key -> file:line of the record kept
	gridOf := ""
	gridFile := ""
	for _, p := range paths {
		rr, err := ReadFile(p)
		if err != nil {
			return nil, err
		}
		if rr.Torn != "" {
			res.Torn = append(res.Torn, rr.Torn)
		}
		for ri, r := range rr.Records {
			if gridOf == "" {
				gridOf, gridFile = r.Grid, p
			} else if r.Grid != gridOf && !allowMixed {
				return nil, fmt.Errorf("merge: %s holds records of grid %s (%s) but %s holds grid %s: these are not shards of one grid (same preset, flags and scale); merge them with --allow-mixed if you mean it",
					p, r.Grid, r.GridName, gridFile, gridOf)
			}
			if r.GridTrials > res.Expected {
				res.Expected = r.GridTrials
			}
			id := r.Role + "/" + r.Key
			at := fmt.Sprintf("%s:%d", p, rr.Lines[ri])
			if i, dup := seen[id]; dup {
				res.Duplicates++
				if c := Disagreement(&res.Records[i], &r, where[id], at); c != "" {
					res.Conflicts = append(res.Conflicts, c)
				}
				continue
			}
			seen[id], where[id] = len(res.Records), at
			res.Records = append(res.Records, r)
		}
	}
	res.Grid = gridOf
	if allowMixed {
		for _, r := range res.Records {
			if r.Grid != gridOf {
				res.Grid = ""
				break
			}
		}
	}
	sort.SliceStable(res.Records, func(i, j int) bool {
		a, b := &res.Records[i], &res.Records[j]
		if a.Grid != b.Grid {
			return a.Grid < b.Grid
		}
		if a.Index != b.Index {
			return a.Index < b.Index
		}
		return a.Role == "pretrain" && b.Role != "pretrain"
	})
	for _, r := range res.Records {
		if r.Role == "" {
			res.Trials++
		}
	}
	return res, nil
}

// sameResult compares what the trial produced, ignoring where and when.
func sameResult(a, b *Record) bool {
	return a.Result.Status == b.Result.Status && reflect.DeepEqual(a.Result.Test, b.Result.Test) &&
		a.Result.Data.SHA256 == b.Result.Data.SHA256
}

// Disagreement describes how two records of one trial differ in what they
// produced, read at aAt and bAt ("file:line"); it is "" when they agree.
func Disagreement(a, b *Record, aAt, bAt string) string {
	if sameResult(a, b) {
		return ""
	}
	return fmt.Sprintf("trial %s (%s): %s (host %s) and %s (host %s) disagree (status %s vs %s, test metrics %s vs %s)",
		a.Key, a.Config.Describe(), aAt, a.Env.Host, bAt, b.Env.Host, a.Result.Status, b.Result.Status,
		metricsString(a.Result.Test), metricsString(b.Result.Test))
}

// WriteFile writes records to path as JSON Lines through package outfile:
// atomically (a temporary file synced and renamed over path), a link's
// target, or a device in place.
func WriteFile(path string, recs []Record) error {
	return outfile.WriteTo(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		for i := range recs {
			if err := enc.Encode(&recs[i]); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

func metricsString(m *trainer.Metrics) string {
	if m == nil {
		return "none"
	}
	return fmt.Sprintf("top1 %.6g loss %.6g", m.Top1, m.Loss)
}
