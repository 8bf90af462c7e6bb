package layers

import (
	"testing"
	"time"
)

// spinWork busies the caller for about d.
func spinWork(d time.Duration) {
	for t0 := time.Now(); time.Since(t0) < d; {
	}
}

// BenchmarkSplitHandoff is one split of work into Threads() parts of
// the given size each, with a serial gap between splits as a layer
// sequence has: the cost of a split above the work is the hand-off and the
// wait for the slowest part.
func BenchmarkSplitHandoff(b *testing.B) {
	for _, work := range []time.Duration{2 * time.Microsecond, 20 * time.Microsecond, 200 * time.Microsecond} {
		b.Run(work.String(), func(b *testing.B) {
			var s splitter
			fn := func(_, lo, hi int) { spinWork(work) }
			for b.Loop() {
				s.run(2, 2, fn)
				spinWork(5 * time.Microsecond)
			}
		})
	}
}
