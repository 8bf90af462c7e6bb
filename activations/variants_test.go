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
	} {
		t.Run(spec, func(t *testing.T) { activationtest.Run(t, spec) })
	}
}
