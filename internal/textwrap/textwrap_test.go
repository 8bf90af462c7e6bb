package textwrap

import "testing"

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"", 10, ""},
		{"one", 10, "one"},
		{"a bb ccc dddd", 6, "a bb\nccc\ndddd"},
		{"  spaced \n out  ", 20, "spaced out"},
		{"averyveryverylongword x", 5, "averyveryverylongword\nx"},
		{"ab cd", 5, "ab cd"},
	} {
		if got := Wrap(c.in, c.width); got != c.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}
