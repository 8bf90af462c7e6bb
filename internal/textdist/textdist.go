// Package textdist measures how far apart two names are, for "did you mean"
// suggestions. It imports nothing of actbench, so every package may use it
// (the registry included).
package textdist

// Distance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent bytes
// each cost 1, so "rleu" is one step from "relu" and "stast" one from
// "stats". Unlike the full Damerau-Levenshtein distance, no substring is
// edited twice ("ca" to "abc" is 3, not 2). Bytes are compared, which is
// exact for the ASCII names actbench suggests.
func Distance(a, b string) int {
	// Three rows of the dynamic programme: i-2, i-1 and i.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to name by Distance, or "" when none
// is within maxDist. Ties go to the earlier candidate.
func Closest(name string, candidates []string, maxDist int) string {
	best, bestD := "", maxDist+1
	for _, c := range candidates {
		if d := Distance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
