package layers

import "github.com/actbench/actbench/kernels/gemm"

// The Winograd convolution F(2x2, 3x3) (Lavin and Gray, 2016) for 3x3
// kernels with stride 1 and padding 1 (see useWino for the shapes that take
// it).
//
// The output is cut into 2x2 tiles; tile (ty, tx) of an image reads the 4x4
// input window whose corner is (2ty-1, 2tx-1), zero outside the image. Per
// tile and channel the window d becomes V = B^T d B, per weight pair
// (oc, c) the 3x3 kernel g becomes U = G g G^T, and the tile's output is
// A^T M A with M = sum over c of U (.) V (16 element-wise products). Over a
// chunk of T tiles the sums over c are 16 independent products
//
//	M[xi] (OC x T) = U[xi] (OC x C) * V[xi] (C x T),   xi = 0..15
//
// which the SIMD GEMM does: 16*C*OC multiply-adds per 4 outputs against
// 36*C*OC for a direct (im2col or shifted) convolution, 2.25x fewer. The
// backward pass is the exact adjoint of the same linear maps: with dM = A dY
// A^T (the output gradient of each tile),
//
//	dU[xi] (OC x C) += dM[xi] * V[xi]^T       dW = G^T dU G
//	dV[xi] (C x T)   = U[xi]^T * dM[xi]       dx += B dV B^T (tiles overlap by 2)
//
// so the input and weight gradients share one transform of dy, and V is
// recomputed in Backward instead of kept (it is 4x the input). The
// transforms' coefficients are 0, +-1 and +-1/2: float32 rounding stays
// within a few ulp of the sums' magnitude (the tests measure it against the
// direct path).
//
// Layouts keep every transform loop contiguous over tiles: V is [16][C][T],
// M and dM are [16][OC][T], U and dU are [16][OC][C]. The batch is split
// into Threads() parts by images (fixed boundaries), each with its own
// buffers and weight-gradient partial sums, reduced in part order; a part
// works chunk by chunk (whole images, about winoChunkTiles tiles). On GEMM
// backends whose sums depend on the product's width (gonum, OpenBLAS) a
// chunk is one image, so that an image's result never depends on the rest
// of its batch.

// winoChunkTiles is the tiles per chunk the chunking aims for (a 32x32 map
// has 256 tiles): wide enough for the GEMM's 32-column strips and for a
// weight-gradient K that amortises the passes over dU.
const winoChunkTiles = 256

// winoSkew floats separate the 16 blocks of V, M, U and their gradients
// beyond their size: the transforms read or write all 16 blocks at once, and
// block sizes that are multiples of 4 KiB would put all 16 streams in the
// same L1 set (measured: dyTransform 2x slower at 64x32x32).
const winoSkew = 16

// blockStride is the distance between the 16 blocks of a [16][rows][ld]
// buffer.
func blockStride(rows, ld int) int { return rows*ld + winoSkew }

// winoMaxFloats bounds a chunk buffer (16 x channels x tiles floats).
const winoMaxFloats = 1 << 22

type winoConv struct {
	th, tw int       // tiles per column and per row of an image
	tpi    int       // tiles per image
	pw     int       // width of a padded plane, 2*tw+2 (its height is 2*th+2)
	chunk  int       // images per chunk (at most; see chunkNow)
	u      []float32 // transformed weights [16][OC][C]
	parts  []winoPart
	// scratch holds U and the parts' V, M and dU: the layer's own, or one
	// shared by the convolutions of a Sequential (which run one at a time;
	// U is recomputed in Forward and in Backward, the others are written
	// before they are read).
	scratch *winoScratch
	fwd     func(part, lo, hi int)
	bwd     func(part, lo, hi int)
	split   splitter
}

// winoScratch is the large working memory of Winograd convolutions.
type winoScratch struct {
	u        []float32
	v, m, du [][]float32 // per part
}

// winoPart is one goroutine's working set (v, m and du point into the
// scratch).
type winoPart struct {
	v    []float32 // V (and dV in Backward), [16][C][T]
	m    []float32 // M (and dM), [16][OC][T]
	du   []float32 // weight-gradient partial [16][OC][C]
	db   []float64 // bias-gradient partial
	pad  []float32 // one zero-bordered plane
	rows []float32 // four row-transformed rows of a plane
	used bool      // the part had images in the last Backward
}

// useWino reports whether the convolution runs as Winograd F(2x2, 3x3).
func (l *Conv2D) useWino() bool {
	if l.k != 3 || l.stride != 1 || l.pad != 1 {
		return false
	}
	switch convPath {
	case "wino":
		return true
	case "shift", "im2col", "nowino":
		return false
	}
	return winoShape(l.inC, l.outC, l.h, l.w)
}

// winoShape is the shape rule of the automatic choice: a fixed rule, never a
// timing, so that a seed and thread count give the same numbers on every run.
func winoShape(inC, outC, h, w int) bool {
	return min(inC, outC) >= winoMinChannels
}

// Winograd pays where the GEMM dominates its transforms, whose cost per
// pixel grows with C + OC while the GEMM's grows with C*OC. Measured with
// BenchmarkConvPaths (CPU time of forward + backward at batch 128, AVX-512,
// one core, machine shared), Winograd / the other paths: 16x32x32->16
// 51/41 ms, 32x16x16->32 35/27, 64x8x8->64 24/32, 64x32x32->64 287/343,
// 64x16x16->128 126/189, 128x16x16->128 254/402, 128x8x8->256 134/175,
// 256x8x8->256 237/348, 256x4x4->512 117/230, 512x4x4->512 209/417,
// 512x2x2->512 78/130. The map size does not matter at 64 channels and
// more (a 2x2 map is one tile whose window is three-quarters padding, as
// the direct paths' are).
const winoMinChannels = 64

func (l *Conv2D) setupWino() {
	s := &l.wino
	s.th, s.tw = (l.oh+1)/2, (l.ow+1)/2
	s.tpi = s.th * s.tw
	s.pw = 2*s.tw + 2
	ch := max(l.inC, l.outC)
	s.chunk = max(1, min((winoChunkTiles+s.tpi-1)/s.tpi, winoMaxFloats/(16*ch*s.tpi)))
	s.scratch = &winoScratch{}
	s.parts = nil
	s.fwd = l.winoForwardPart
	s.bwd = l.winoBackwardPart
}

func (l *Conv2D) winoChunkNow() int {
	if gemm.ColumnInvariant() {
		return l.wino.chunk
	}
	return 1
}

func (l *Conv2D) winoBuffers(parts int) {
	s := &l.wino
	t := s.chunk * s.tpi
	sc := s.scratch
	nu := 16 * blockStride(l.outC, l.inC)
	if cap(sc.u) < nu {
		sc.u = make([]float32, nu)
	}
	s.u = sc.u[:nu]
	growParts(&sc.v, parts, 16*blockStride(l.inC, t))
	growParts(&sc.m, parts, 16*blockStride(l.outC, t))
	growParts(&sc.du, parts, nu)
	for len(s.parts) < parts {
		s.parts = append(s.parts, winoPart{
			db:   make([]float64, l.outC),
			pad:  make([]float32, (2*s.th+2)*s.pw),
			rows: make([]float32, 4*s.pw),
		})
	}
	for p := range parts {
		ps := &s.parts[p]
		ps.v, ps.m, ps.du = sc.v[p], sc.m[p], sc.du[p]
	}
}

// transformWeights writes U[xi][oc][c] = (G g G^T)[xi] for every kernel g
// = W[oc][c], with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
func (l *Conv2D) transformWeights() {
	w := f32(l.weight.Value)
	u := l.wino.u
	stride := blockStride(l.outC, l.inC)
	for oc := 0; oc < l.outC; oc++ {
		for c := 0; c < l.inC; c++ {
			g := w[(oc*l.inC+c)*9 : (oc*l.inC+c)*9+9]
			// Rows: h[r] = G g[r] (4 values per kernel row).
			var h [3][4]float32
			for r := 0; r < 3; r++ {
				g0, g1, g2 := g[3*r], g[3*r+1], g[3*r+2]
				h[r] = [4]float32{g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2}
			}
			o := oc*l.inC + c
			for j := 0; j < 4; j++ {
				a, b, d := h[0][j], h[1][j], h[2][j]
				u[(0*4+j)*stride+o] = a
				u[(1*4+j)*stride+o] = 0.5 * (a + b + d)
				u[(2*4+j)*stride+o] = 0.5 * (a - b + d)
				u[(3*4+j)*stride+o] = d
			}
		}
	}
}

func (l *Conv2D) forwardWino(n int) {
	l.winoBuffers(Threads())
	l.transformWeights()
	l.wino.split.run(n, 2, l.wino.fwd)
}

// inputTransform writes V[xi][c][t0+t] for the tiles t of one [C H W]
// image, ld floats between the rows of V (T of the chunk).
func (l *Conv2D) inputTransform(ps *winoPart, v []float32, ld, t0 int, x []float32) {
	s := &l.wino
	h, w, pw, tw := l.h, l.w, s.pw, s.tw
	pad := ps.pad
	// The border (row 0, column 0 and the rows/columns past the image)
	// stays zero: only the interior is ever written.
	r0, r1 := ps.rows[:pw], ps.rows[pw:2*pw]
	r2, r3 := ps.rows[2*pw:3*pw], ps.rows[3*pw:4*pw]
	xiStride := blockStride(l.inC, ld)
	for c := 0; c < l.inC; c++ {
		src := x[c*h*w : (c+1)*h*w]
		for y := 0; y < h; y++ {
			copy(pad[(y+1)*pw+1:(y+1)*pw+1+w], src[y*w:(y+1)*w])
		}
		for ty := 0; ty < s.th; ty++ {
			// Rows of B^T d, for every column of the plane at once.
			d0 := pad[(2*ty)*pw : (2*ty+1)*pw]
			d1 := pad[(2*ty+1)*pw : (2*ty+2)*pw][:len(d0)]
			d2 := pad[(2*ty+2)*pw : (2*ty+3)*pw][:len(d0)]
			d3 := pad[(2*ty+3)*pw : (2*ty+4)*pw][:len(d0)]
			r0, r1, r2, r3 := r0[:len(d0)], r1[:len(d0)], r2[:len(d0)], r3[:len(d0)]
			for j := range d0 {
				a, b, e, f := d0[j], d1[j], d2[j], d3[j]
				r0[j] = a - e
				r1[j] = b + e
				r2[j] = e - b
				r3[j] = b - f
			}
			base := c*ld + t0 + ty*tw
			for i, r := range [4][]float32{r0, r1, r2, r3} {
				o0 := v[(4*i+0)*xiStride+base:][:tw]
				o1 := v[(4*i+1)*xiStride+base:][:tw]
				o2 := v[(4*i+2)*xiStride+base:][:tw]
				o3 := v[(4*i+3)*xiStride+base:][:tw]
				for tx := range o0 {
					q := r[2*tx : 2*tx+4]
					a, b, e, f := q[0], q[1], q[2], q[3]
					o0[tx] = a - e
					o1[tx] = b + e
					o2[tx] = e - b
					o3[tx] = b - f
				}
			}
		}
	}
}

// outputTransform writes image y ([OC OH OW]) from M[xi][oc][t0+t]:
// y's tile = A^T M A + bias, A^T = [1 1 1 0; 0 1 -1 -1].
func (l *Conv2D) outputTransform(y []float32, m []float32, ld, t0 int, bias []float32) {
	s := &l.wino
	oh, ow, tw := l.oh, l.ow, s.tw
	xiStride := blockStride(l.outC, ld)
	for oc := 0; oc < l.outC; oc++ {
		b := float32(0)
		if bias != nil {
			b = bias[oc]
		}
		plane := y[oc*oh*ow : (oc+1)*oh*ow]
		for ty := 0; ty < s.th; ty++ {
			base := oc*ld + t0 + ty*tw
			var mm [16][]float32
			for xi := range mm {
				mm[xi] = m[xi*xiStride+base:][:tw]
			}
			oy := 2 * ty
			row0 := plane[oy*ow : (oy+1)*ow]
			var row1 []float32
			if oy+1 < oh {
				row1 = plane[(oy+1)*ow : (oy+2)*ow]
			}
			for tx := 0; tx < tw; tx++ {
				// Columns: s0 = m0+m1+m2, s1 = m1-m2-m3 over rows i.
				var s0, s1 [4]float32
				for j := 0; j < 4; j++ {
					a, bb, e, f := mm[j][tx], mm[4+j][tx], mm[8+j][tx], mm[12+j][tx]
					s0[j] = a + bb + e
					s1[j] = bb - e - f
				}
				ox := 2 * tx
				y00 := s0[0] + s0[1] + s0[2] + b
				y01 := s0[1] - s0[2] - s0[3] + b
				y10 := s1[0] + s1[1] + s1[2] + b
				y11 := s1[1] - s1[2] - s1[3] + b
				row0[ox] = y00
				if ox+1 < ow {
					row0[ox+1] = y01
				}
				if row1 != nil {
					row1[ox] = y10
					if ox+1 < ow {
						row1[ox+1] = y11
					}
				}
			}
		}
	}
}

func (l *Conv2D) winoForwardPart(part, lo, hi int) {
	s := &l.wino
	ps := &s.parts[part]
	inSize, outSize := l.inC*l.h*l.w, l.outC*l.oh*l.ow
	var bias []float32
	if l.bias != nil {
		bias = f32(l.bias.Value)
	}
	chunk := l.winoChunkNow()
	for i0 := lo; i0 < hi; i0 += chunk {
		nb := min(chunk, hi-i0)
		t := nb * s.tpi
		for j := 0; j < nb; j++ {
			l.inputTransform(ps, ps.v, t, j*s.tpi, l.x[(i0+j)*inSize:(i0+j+1)*inSize])
		}
		cs, ocs, us := blockStride(l.inC, t), blockStride(l.outC, t), blockStride(l.outC, l.inC)
		for xi := 0; xi < 16; xi++ {
			gemm.Sgemm(false, false, l.outC, t, l.inC, 1, s.u[xi*us:], l.inC,
				ps.v[xi*cs:], t, 0, ps.m[xi*ocs:], t)
		}
		for j := 0; j < nb; j++ {
			l.outputTransform(l.out.data[(i0+j)*outSize:(i0+j+1)*outSize], ps.m, t, j*s.tpi, bias)
		}
	}
}

func (l *Conv2D) backwardWino(n int) {
	s := &l.wino
	l.winoBuffers(Threads())
	l.transformWeights()
	parts := s.split.run(n, 2, s.bwd)
	// Sum the parts' dU in part order, then dW += G^T dU G.
	var du []float32
	for p := range parts {
		ps := &s.parts[p]
		if !ps.used {
			continue
		}
		if du == nil {
			du = ps.du
			continue
		}
		for j, v := range ps.du {
			du[j] += v
		}
	}
	if du != nil {
		l.addWeightGrad(du)
	}
	if l.bias != nil {
		db := f32(l.bias.Grad)
		for o := range db {
			sum := 0.0
			for p := range parts {
				if s.parts[p].used {
					sum += s.parts[p].db[o]
				}
			}
			db[o] += float32(sum)
		}
	}
}

// addWeightGrad adds G^T dU G to the weight gradient (the adjoint of
// transformWeights).
func (l *Conv2D) addWeightGrad(du []float32) {
	dw := f32(l.weight.Grad)
	stride := blockStride(l.outC, l.inC)
	for o := 0; o < l.outC*l.inC; o++ {
		// Columns first: for each row i of dU, the 3 values G^T du[i].
		var h [4][3]float32
		for i := 0; i < 4; i++ {
			a, b, e, f := du[(4*i)*stride+o], du[(4*i+1)*stride+o], du[(4*i+2)*stride+o], du[(4*i+3)*stride+o]
			h[i] = [3]float32{a + 0.5*(b+e), 0.5 * (b - e), 0.5*(b+e) + f}
		}
		g := dw[o*9 : o*9+9]
		for j := 0; j < 3; j++ {
			a, b, e, f := h[0][j], h[1][j], h[2][j], h[3][j]
			g[j] += a + 0.5*(b+e)
			g[3+j] += 0.5 * (b - e)
			g[6+j] += 0.5*(b+e) + f
		}
	}
}

// dyTransform writes dM[xi][oc][t0+t] = (A dY A^T)[xi] for the 2x2 output
// gradient tiles of one image (zero past an odd edge), and adds each
// channel's sum of dy to db when db is not nil.
func (l *Conv2D) dyTransform(dm []float32, ld, t0 int, dy []float32, db []float64) {
	s := &l.wino
	oh, ow, tw := l.oh, l.ow, s.tw
	xiStride := blockStride(l.outC, ld)
	for oc := 0; oc < l.outC; oc++ {
		plane := dy[oc*oh*ow : (oc+1)*oh*ow]
		if db != nil {
			sum := float32(0)
			for _, v := range plane {
				sum += v
			}
			db[oc] += float64(sum)
		}
		for ty := 0; ty < s.th; ty++ {
			base := oc*ld + t0 + ty*tw
			var mm [16][]float32
			for xi := range mm {
				mm[xi] = dm[xi*xiStride+base:][:tw]
			}
			oy := 2 * ty
			row0 := plane[oy*ow : (oy+1)*ow]
			var row1 []float32
			if oy+1 < oh {
				row1 = plane[(oy+1)*ow : (oy+2)*ow]
			}
			for tx := 0; tx < tw; tx++ {
				ox := 2 * tx
				var g00, g01, g10, g11 float32
				g00 = row0[ox]
				if ox+1 < ow {
					g01 = row0[ox+1]
				}
				if row1 != nil {
					g10 = row1[ox]
					if ox+1 < ow {
						g11 = row1[ox+1]
					}
				}
				// Rows: (u0, u0+u1, u0-u1, -u1) of each gradient row.
				h0 := [4]float32{g00, g00 + g01, g00 - g01, -g01}
				h1 := [4]float32{g10, g10 + g11, g10 - g11, -g11}
				for j := 0; j < 4; j++ {
					a, b := h0[j], h1[j]
					mm[j][tx] = a
					mm[4+j][tx] = a + b
					mm[8+j][tx] = a - b
					mm[12+j][tx] = -b
				}
			}
		}
	}
}

// inputGradTransform sets dx (one [C H W] image) to the sum over tiles of
// B dV B^T placed at each tile's window, B dV = (v0, v1-v2+v3, v1+v2-v0,
// -v3) on each axis.
func (l *Conv2D) inputGradTransform(ps *winoPart, dx []float32, dv []float32, ld, t0 int) {
	s := &l.wino
	h, w, pw, tw := l.h, l.w, s.pw, s.tw
	pad := ps.pad
	xiStride := blockStride(l.inC, ld)
	for c := 0; c < l.inC; c++ {
		clear(pad)
		for ty := 0; ty < s.th; ty++ {
			base := c*ld + t0 + ty*tw
			var vv [16][]float32
			for xi := range vv {
				vv[xi] = dv[xi*xiStride+base:][:tw]
			}
			p0 := pad[(2*ty)*pw : (2*ty+1)*pw]
			p1 := pad[(2*ty+1)*pw : (2*ty+2)*pw][:len(p0)]
			p2 := pad[(2*ty+2)*pw : (2*ty+3)*pw][:len(p0)]
			p3 := pad[(2*ty+3)*pw : (2*ty+4)*pw][:len(p0)]
			for tx := 0; tx < tw; tx++ {
				// Columns of each row i: q[i] = B v[i] (4 values).
				var q [4][4]float32
				for i := 0; i < 4; i++ {
					a, b, e, f := vv[4*i][tx], vv[4*i+1][tx], vv[4*i+2][tx], vv[4*i+3][tx]
					q[i] = [4]float32{a, b - e + f, b + e - a, -f}
				}
				x0 := 2 * tx
				d0, d1, d2, d3 := p0[x0:x0+4], p1[x0:x0+4], p2[x0:x0+4], p3[x0:x0+4]
				for j := 0; j < 4; j++ {
					a, b, e, f := q[0][j], q[1][j], q[2][j], q[3][j]
					d0[j] += a
					d1[j] += b - e + f
					d2[j] += b + e - a
					d3[j] += -f
				}
			}
		}
		dst := dx[c*h*w : (c+1)*h*w]
		for y := 0; y < h; y++ {
			copy(dst[y*w:(y+1)*w], pad[(y+1)*pw+1:(y+1)*pw+1+w])
		}
	}
	// Leave the padded plane's border zero for inputTransform.
	clear(pad)
}

func (l *Conv2D) winoBackwardPart(part, lo, hi int) {
	s := &l.wino
	ps := &s.parts[part]
	inSize, outSize := l.inC*l.h*l.w, l.outC*l.oh*l.ow
	clear(ps.db)
	ps.used = lo < hi
	var db []float64
	if l.bias != nil {
		db = ps.db
	}
	chunk := l.winoChunkNow()
	oc, c := l.outC, l.inC
	for i0 := lo; i0 < hi; i0 += chunk {
		nb := min(chunk, hi-i0)
		t := nb * s.tpi
		for j := 0; j < nb; j++ {
			l.inputTransform(ps, ps.v, t, j*s.tpi, l.x[(i0+j)*inSize:(i0+j+1)*inSize])
			l.dyTransform(ps.m, t, j*s.tpi, l.dy[(i0+j)*outSize:(i0+j+1)*outSize], db)
		}
		cs, ocs, us := blockStride(c, t), blockStride(oc, t), blockStride(oc, c)
		beta := float32(1)
		if i0 == lo {
			beta = 0
		}
		for xi := 0; xi < 16; xi++ {
			gemm.Sgemm(false, true, oc, c, t, 1, ps.m[xi*ocs:], t, ps.v[xi*cs:], t, beta, ps.du[xi*us:], c)
		}
		if l.noDx {
			continue
		}
		for xi := 0; xi < 16; xi++ {
			gemm.Sgemm(true, false, c, t, oc, 1, s.u[xi*us:], c, ps.m[xi*ocs:], t, 0, ps.v[xi*cs:], t)
		}
		for j := 0; j < nb; j++ {
			l.inputGradTransform(ps, l.dx.data[(i0+j)*inSize:(i0+j+1)*inSize], ps.v, t, j*s.tpi)
		}
	}
}
