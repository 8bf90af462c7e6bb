package wino

// The plane functions transform every tile of one h x w plane (a channel
// of one image) per call: tile t = ty*tw + tx (th = (h+1)/2 tile rows of
// tw = (w+1)/2 tiles) at stream offset t. They are what layers.Conv2D
// calls. On narrow maps they hand the SIMD kernels several tile rows per
// vector (see grouped.go): a row call costs about the same whatever the
// width, so one row of a 16-wide map (8 tiles) would fill half an AVX-512
// vector and one of an 8-wide map a quarter. Every tile still gets the
// row functions' operations in their order: the results are bit for bit
// those of the row functions, on every path (the tests compare them).

// InputPlane writes V = B^T d B of every tile of the h x w plane x:
// value xi of tile t at v[xi*xs+t]. zero is a row of at least w zeros
// (the rows above and below the plane).
func InputPlane(v []float32, xs int, x []float32, h, w int, zero []float32) {
	th, tw := (h+1)/2, (w+1)/2
	if th == 0 || tw == 0 {
		return
	}
	need("InputPlane x", len(x), h*w)
	need("InputPlane zero", len(zero), w)
	need("InputPlane v", len(v), 15*xs+th*tw)
	row := func(y int) []float32 {
		if y < 0 || y >= h {
			return zero
		}
		return x[y*w : (y+1)*w]
	}
	ty := inputGroups(v, xs, x, h, w, zero)
	for ; ty < th; ty++ {
		InputRow(v[ty*tw:], xs, row(2*ty-1), row(2*ty), row(2*ty+1), row(2*ty+2), w, tw)
	}
}

// OutputPlane writes the h x w plane y = A^T M A + bias of every tile of M
// (tile t's values at m[xi*xs+t]); junk is a scratch row of at least w
// floats (where the missing last row of an odd-height plane goes).
func OutputPlane(y []float32, h, w int, m []float32, xs int, bias float32, junk []float32) {
	th, tw := (h+1)/2, (w+1)/2
	if th == 0 || tw == 0 {
		return
	}
	need("OutputPlane y", len(y), h*w)
	need("OutputPlane junk", len(junk), w)
	need("OutputPlane m", len(m), 15*xs+th*tw)
	ty := outputGroups(y, h, w, m, xs, bias)
	for ; ty < th; ty++ {
		row1 := junk
		if 2*ty+1 < h {
			row1 = y[(2*ty+1)*w : (2*ty+2)*w]
		}
		OutputRow(y[2*ty*w:(2*ty+1)*w], row1, w, m[ty*tw:], xs, bias, tw)
	}
}

// DyPlane writes dM = A dY A^T of every 2x2 tile of the h x w
// output-gradient plane dy (zero past an odd edge): value xi of tile t at
// dm[xi*xs+t]. zero is a row of at least w zeros.
func DyPlane(dm []float32, xs int, dy []float32, h, w int, zero []float32) {
	th, tw := (h+1)/2, (w+1)/2
	if th == 0 || tw == 0 {
		return
	}
	need("DyPlane dy", len(dy), h*w)
	need("DyPlane zero", len(zero), w)
	need("DyPlane dm", len(dm), 15*xs+th*tw)
	ty := dyGroups(dm, xs, dy, h, w)
	for ; ty < th; ty++ {
		row1 := zero
		if 2*ty+1 < h {
			row1 = dy[(2*ty+1)*w : (2*ty+2)*w]
		}
		DyRow(dm[ty*tw:], xs, dy[2*ty*w:(2*ty+1)*w], row1, w, tw)
	}
}

// GradScratchLen is the length of the scratch GradPlane needs for an h x
// w plane.
func GradScratchLen(h, w int) int {
	th, tw := (h+1)/2, (w+1)/2
	return 8 * (th + 2) * tw
}

// gradLayout is where GradPlane keeps the column-adjoint rows (GradRows'
// output): row i of tile row ty (-1 <= ty <= th) at rows(ty, i), its
// column-2k values there and the column-2k+1 values half floats on. For
// each i and half the tile rows follow each other, tw floats apart, so the
// values of consecutive tile rows are consecutive floats (one GradRows
// pass covers the plane, and GradCols reads several tile rows per vector);
// tile rows -1 and th are never written, and stay zero.
type gradLayout struct{ tw, half, rs int }

func newGradLayout(h, w int) gradLayout {
	th, tw := (h+1)/2, (w+1)/2
	half := (th + 2) * tw
	return gradLayout{tw: tw, half: half, rs: 2 * half}
}

func (g gradLayout) at(ty, i int) int { return i*g.rs + (ty+1)*g.tw }

// GradPlane sets dx, an h x w plane of input gradients, to the sum over
// the plane's tiles of B dV B^T placed at each tile's window (tile t's
// values at dv[xi*xs+t]). scratch holds GradScratchLen(h, w) floats that
// are zero before the first call; GradPlane writes only the parts it reads
// back, so it can be reused for planes of the same shape without clearing.
func GradPlane(dx []float32, h, w int, dv []float32, xs int, scratch []float32) {
	th, tw := (h+1)/2, (w+1)/2
	if th == 0 || tw == 0 {
		return
	}
	need("GradPlane dx", len(dx), h*w)
	need("GradPlane dv", len(dv), 15*xs+th*tw)
	need("GradPlane scratch", len(scratch), GradScratchLen(h, w))
	g := newGradLayout(h, w)
	if !gradRowsPlane(scratch[g.at(0, 0):], g.rs, g.half, dv, xs, tw, th*tw) {
		for ty := 0; ty < th; ty++ {
			GradRows(scratch[g.at(ty, 0):], g.rs, g.half, dv[ty*tw:], xs, tw)
		}
	}
	rows := func(ty, i int) []float32 { return scratch[g.at(ty, i):] }
	// Image rows 2s and 2s+1 for s = 0, 1, ...: the grouped kernels take
	// the first pairs.
	for y := 2 * gradColsGroups(dx, h, w, scratch, g); y < h; y++ {
		dst := dx[y*w : (y+1)*w]
		if y%2 == 1 { // padded row 2s: rows 0 of tile row s and 1, 0, 2 of s-1
			ty := (y + 1) / 2
			GradCols(dst, w, true, rows(ty, 0), rows(ty-1, 1), rows(ty-1, 0), rows(ty-1, 2), g.half, tw)
		} else { // padded row 2s+1: rows 1, 2, 3 of tile row s and 3 of s-1
			ty := y / 2
			GradCols(dst, w, false, rows(ty, 1), rows(ty, 2), rows(ty, 3), rows(ty-1, 3), g.half, tw)
		}
	}
}
