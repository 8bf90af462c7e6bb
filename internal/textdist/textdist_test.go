package textdist

import "testing"

func TestDistance(t *testing.T) {
	// Hand-counted edits.
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "relu", 4},       // 4 insertions
		{"relu", "", 4},       // 4 deletions
		{"relu", "relu", 0},   // equal
		{"rleu", "relu", 1},   // one transposition (Levenshtein: 2)
		{"stast", "stats", 1}, // one transposition (Levenshtein: 2)
		{"gleu", "gelu", 1},   // one transposition
		{"pvl", "pvlu", 1},    // one insertion
		{"relu6x", "relu", 2}, // two deletions
		{"elu", "gelu", 1},    // one insertion
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not Damerau-Levenshtein (2)
		{"ab", "ba", 1},
		{"abcd", "badc", 2}, // two separate transpositions
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"cifar10", "cifar100", "mnist"}
	for in, want := range map[string]string{"mnsit": "mnist", "cifar01": "cifar10", "cifar1000": "cifar100", "imagenet": "", "": ""} {
		if got := Closest(in, names, 2); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	// Ties go to the earlier candidate.
	if got := Closest("ab", []string{"ax", "xb"}, 1); got != "ax" {
		t.Errorf("tie: %q, want ax", got)
	}
}
