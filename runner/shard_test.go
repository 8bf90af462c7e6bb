package runner

import (
	"reflect"
	"testing"
)

func TestShardPartition(t *testing.T) {
	g := testGrid()
	trials, _ := g.Expand()
	for n := 1; n <= 13; n++ {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			sh := Shard{K: k, N: n}
			part := sh.Select(trials)
			again := sh.Select(trials)
			if !reflect.DeepEqual(part, again) {
				t.Fatal("Select is not deterministic")
			}
			units := map[int]int{}
			for _, tr := range part {
				seen[tr.Key]++
				units[tr.Unit]++
			}
			for u, c := range units {
				if c != 4 {
					t.Errorf("n=%d k=%d: unit %d split across shards (%d of 4 trials)", n, k, u, c)
				}
			}
			if n <= 12 && len(part) < 4*(12/n) {
				t.Errorf("n=%d k=%d: unbalanced, %d trials", n, k, len(part))
			}
		}
		if len(seen) != 48 {
			t.Fatalf("n=%d: shards cover %d of 48 trials", n, len(seen))
		}
		for key, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: trial %s in %d shards", n, key, c)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("2/8"); err != nil || s != (Shard{2, 8}) || s.String() != "2/8" {
		t.Errorf("ParseShard(2/8) = %v %v", s, err)
	}
	for _, bad := range []string{"0/3", "4/3", "1", "a/b", "1/0", ""} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}
