package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/actbench/actbench/grid"
)

// Shard is a deterministic 1/N of a grid: shard K (1-based) runs the pairing
// units whose number is K-1 modulo N. A pairing unit (all activations of one
// model, dataset, recipe and seed) never straddles shards, so a pretrained
// stage is computed once and the paired trials of a seed finish together.
type Shard struct{ K, N int }

// ParseShard reads "k/n" with 1 <= k <= n.
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("shard %q: want k/n with 1 <= k <= n, e.g. 2/8", s)
	}
	return Shard{K: k, N: n}, nil
}

// String is "k/n", or "" for the whole grid.
func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Select returns the trials of the shard (all of them for the zero Shard).
func (s Shard) Select(trials []grid.Trial) []grid.Trial {
	if s.N <= 1 {
		return trials
	}
	var out []grid.Trial
	for _, t := range trials {
		if t.Unit%s.N == s.K-1 {
			out = append(out, t)
		}
	}
	return out
}
