package gemm

import "testing"

// TestSplit checks the fixed split: parts cover [0, size) in order, start on
// tile boundaries and differ by at most one tile; small products and one
// thread are not split.
func TestSplit(t *testing.T) {
	for _, align := range []int{1, 6, 8, 32} {
		for size := 1; size <= 300; size++ {
			for count := 1; count <= 4; count++ {
				prev, lo, hi := 0, size, 0
				for i := 0; i < count; i++ {
					a, b := bound(i, count, size, align), bound(i+1, count, size, align)
					if a != prev || b < a || (i > 0 && a%align != 0 && a != size) {
						t.Fatalf("align=%d size=%d count=%d: part %d is [%d,%d) after %d", align, size, count, i, a, b, prev)
					}
					prev = b
					lo, hi = min(lo, b-a), max(hi, b-a)
				}
				if prev != size {
					t.Fatalf("align=%d size=%d count=%d: parts end at %d", align, size, count, prev)
				}
				if size >= count*align && hi-lo > align {
					t.Errorf("align=%d size=%d count=%d: parts from %d to %d rows", align, size, count, lo, hi)
				}
			}
		}
	}
	if c, _ := parts(1000, 1000, 1000, 1, 8); c != 1 {
		t.Errorf("one thread split into %d parts", c)
	}
	if c, _ := parts(8, 8, 8, 2, 8); c != 1 {
		t.Errorf("a tiny product split into %d parts", c)
	}
	if c, alongN := parts(32, 32, 5000, 2, 8); c != 2 || alongN {
		t.Errorf("32x32x5000 on 2 threads: %d parts, alongN=%v; want 2 along M", c, alongN)
	}
	if c, alongN := parts(32, 1024, 300, 2, 8); c != 2 || !alongN {
		t.Errorf("32x1024x300 on 2 threads: %d parts, alongN=%v; want 2 along N", c, alongN)
	}
}
