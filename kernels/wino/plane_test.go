package wino

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

// planeSizes covers the grouped kernels' shapes (8 and 16 wide, even
// heights, several groups and a remainder) and the shapes they must leave
// to the row functions (odd sizes, other widths).
func planeSizes() [][2]int {
	var s [][2]int
	for _, w := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 24, 30, 32, 33} {
		for _, h := range []int{1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 17, 32} {
			s = append(s, [2]int{h, w})
		}
	}
	return s
}

// onPath runs f with the transforms on level l.
func onPath[T any](l simdenv.Level, f func() T) T {
	old := path.Set(l)
	defer path.Set(old)
	return f()
}

// samePlane fails unless got equals want bit for bit (sentinel NaNs
// included: nothing written where the reference writes nothing).
func samePlane(t *testing.T, what string, l simdenv.Level, h, w int, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s %dx%d on %s: element %d is %g (%#x), the row functions on pure Go give %g (%#x)",
				what, h, w, l, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestPlanes checks every plane function on every path against the row
// functions on pure Go, bit for bit, on buffers filled with a sentinel
// (odd stream strides, offsets past the start), and GradPlane reusing its
// scratch for a second plane.
func TestPlanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range planeSizes() {
		h, w := s[0], s[1]
		th, tw := (h+1)/2, (w+1)/2
		nt := th * tw
		xs := nt + 2*(w%3) + 1
		x := randRow(rng, h*w)
		zero := make([]float32, w)
		m := randRow(rng, 16*xs)
		dy := randRow(rng, h*w)
		dv := [2][]float32{randRow(rng, 16*xs), randRow(rng, 16*xs)}
		bias := float32(rng.NormFloat64())
		stream := func() []float32 { v := make([]float32, 16*xs+3); sentinel(v); return v }

		wantV := stream()
		onPath(simdenv.PureGo, func() int {
			for ty := 0; ty < th; ty++ {
				row := func(y int) []float32 {
					if y < 0 || y >= h {
						return zero
					}
					return x[y*w : (y+1)*w]
				}
				InputRow(wantV[1+ty*tw:], xs, row(2*ty-1), row(2*ty), row(2*ty+1), row(2*ty+2), w, tw)
			}
			return 0
		})
		wantY := make([]float32, h*w+2)
		sentinel(wantY)
		copy(wantY[1:], onPath(simdenv.PureGo, func() []float32 { return outputImage(m, xs, h, w, bias) }))
		wantDm := stream()
		onPath(simdenv.PureGo, func() int {
			dm, dxs := dyImage(dy, h, w)
			for xi := range 16 {
				copy(wantDm[1+xi*xs:][:nt], dm[xi*dxs:][:nt])
			}
			return 0
		})
		var wantDx [2][]float32
		for k := range dv {
			wantDx[k] = onPath(simdenv.PureGo, func() []float32 { return gradImage(dv[k], xs, h, w) })
		}

		for _, l := range path.LevelsFromPureGo() {
			v := stream()
			onPath(l, func() int { InputPlane(v[1:], xs, x, h, w, zero); return 0 })
			samePlane(t, "InputPlane", l, h, w, v, wantV)

			y := make([]float32, h*w+2)
			sentinel(y)
			junk := make([]float32, w)
			onPath(l, func() int { OutputPlane(y[1:h*w+1], h, w, m, xs, bias, junk); return 0 })
			samePlane(t, "OutputPlane", l, h, w, y, wantY)

			dm := stream()
			onPath(l, func() int { DyPlane(dm[1:], xs, dy, h, w, zero); return 0 })
			samePlane(t, "DyPlane", l, h, w, dm, wantDm)

			scratch := make([]float32, GradScratchLen(h, w))
			for k := range dv {
				dx := make([]float32, h*w+2)
				sentinel(dx)
				onPath(l, func() int { GradPlane(dx[1:h*w+1], h, w, dv[k], xs, scratch); return 0 })
				if math.Float32bits(dx[0]) != 0x7fc00bad || math.Float32bits(dx[h*w+1]) != 0x7fc00bad {
					t.Fatalf("GradPlane %dx%d on %s wrote outside dx", h, w, l)
				}
				samePlane(t, fmt.Sprintf("GradPlane (plane %d)", k+1), l, h, w, dx[1:h*w+1], wantDx[k])
			}
		}
	}
}

// TestGroupedShapes pins which planes take the grouped kernels, so that a
// change that quietly sends them back to the row kernels fails here
// (TestPlanes would still pass).
func TestGroupedShapes(t *testing.T) {
	for _, c := range []struct {
		l    simdenv.Level
		h, w int
		want *groupKernels
	}{
		{simdenv.LevelAVX512, 16, 16, &pairAVX512},
		{simdenv.LevelAVX512, 8, 8, &quadAVX512},
		{simdenv.LevelAVX512, 32, 32, nil},
		{simdenv.LevelAVX512, 15, 16, nil},
		{simdenv.LevelAVX512, 16, 15, nil},
		{simdenv.LevelAVX2, 8, 8, &pairAVX2},
		{simdenv.LevelAVX2, 16, 16, nil},
		{simdenv.PureGo, 8, 8, nil},
	} {
		if !path.Has(c.l) {
			continue
		}
		if c.want == &quadAVX512 && !hasAVX512VL {
			c.want = nil
		}
		if got := onPath(c.l, func() *groupKernels { return grouped(c.h, c.w) }); got != c.want {
			t.Errorf("%dx%d on %s: grouped kernels %v, want %v", c.h, c.w, c.l, got, c.want)
		}
	}
}
