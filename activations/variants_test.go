package activations_test

import (
	"testing"

	"github.com/actbench/actbench/activations/activationtest"
)

// TestConformanceVariants runs the suite on parameter settings of the newer
// activations that TestConformance's default and moved specs do not reach:
// the other regime of a fixed parameter (PDELU's t below 1, where the
// negative side reaches -alpha at a finite x; t = 0, where that point is a
// kink), a bound close to a pole (SRS), kinks on the sweep grid, and
// negative slopes.
func TestConformanceVariants(t *testing.T) {
	for _, spec := range []string{
		"pdelu(t=0.9)", "pdelu(t=0.5, alpha=0.3)", "pdelu(t=0)", "pdelu(t=10, alpha=2)",
		"srs(alpha=1, beta=2.5)", "srs(alpha=0.5, beta=0.1)",
		"threshold(threshold=-0.5, value=3)", "threshold(threshold=0, value=0)",
		"rrelu(lower=0, upper=1)",
		"aconc(p1=0.5, p2=-1, beta=-2)", "aconc(beta=0)",
		"erfact(alpha=-0.5, beta=-1)", "erfact(alpha=2, beta=0)", "pserf(gamma=-1, delta=-2)", "pserf(gamma=1, delta=1)",
		"starrelu(s=-1, b=2)",
		"apl(a1=-0.3, b1=0.5, a2=0.8, b2=-2)", "apl(a1=1, b1=0.3, a2=-1, b2=0.3)",
		"srelu(tl=-1, al=-0.5, tr=2, ar=0.5)", "srelu(tl=0.7, tr=0.7, ar=3)",
		// B = x*(1 - 2x + 0.5x^2 + 0.3x^3) changes sign at 0 and at two
		// more roots; b1 = 0 makes 0 a double root of B (no kink there);
		// degrees (4, 3) grow like (a4/b3)*x, with a kink at -2.
		"pau(b1=1, b2=-2, b3=0.5, b4=0.3)", "pau(b1=0, b3=0)", "pau(a5=0, b2=1, b3=0.5, b4=0)",
	} {
		t.Run(spec, func(t *testing.T) { activationtest.Run(t, spec) })
	}
}
