package report

// The tests resolve specs of the built-in activations, which only a main
// (cmd/actbench) imports in the program itself.
import (
	"testing"

	_ "github.com/actbench/actbench/activations"
)

// TestLearnedLabel: PReLU's learned slope is shown as slope (its option,
// init, names the starting value); other parameters keep their names.
func TestLearnedLabel(t *testing.T) {
	for _, c := range []struct{ spec, param, want string }{
		{"prelu(init=0.25, per=shared, train=true)", "init", "slope"},
		{"pvlu(a=0.1, b=1, per=shared, train=true)", "a", "a"},
		{"no-such-activation", "x", "x"},
		{"((", "init", "init"},
	} {
		if got := learnedLabel(c.spec, c.param); got != c.want {
			t.Errorf("learnedLabel(%q, %q) = %q, want %q", c.spec, c.param, got, c.want)
		}
	}
}
