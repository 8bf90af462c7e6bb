package layers

import (
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/kernels/wino"
)

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
	// The weight transform and the weight-gradient reduction run over
	// weight ranges (whole kernels, fixed boundaries) in Threads() parts:
	// each output element gets the same operations in the same order
	// whatever the split, and the other cores do not wait for one.
	xform     func(part, lo, hi int)
	gradW     func(part, lo, hi int)
	gradParts int // the part count of the last backward split
}

// winoWeightSplitMin is the kernel count (outC*inC) from which the weight
// transforms are split across goroutines: about 0.1 ms of work; below it a
// hand-off costs more than it saves.
const winoWeightSplitMin = 1 << 13

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
	zero []float32 // a zero row (the rows above and below an image)
	junk []float32 // where an odd map's missing last output row goes
	// gradRows is wino.GradPlane's scratch (zero when made).
	gradRows []float32
	used     bool // the part had images in the last Backward
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

// Winograd pays where the GEMM's savings exceed its transforms' cost. With
// the transforms in AVX-512 (kernels/wino, 16 tiles per instruction) they
// are a small part of the time at every channel count from 8 up; below,
// the GEMMs' K = C is too short to amortise anything. Measured with
// BenchmarkConvPaths (CPU ms of forward + backward at batch 128, AVX-512,
// one core, machine shared), Winograd / the other paths: 3x32x32->16
// 13.4/11.0, 3x32x32->64 42.0/30.7, 8x32x32->8 11.3/19.3, 16x32x32->16
// 22.9/41.3, 32x16x16->32 15.7/27.5, 32x32x32->32 51.7/95.8, 64x8x8->64
// 16.1/31.2, 64x32x32->64 165/332, 128x16x16->128 166/369, 512x4x4->512
// 191/416. (With the transforms in plain Go they lost below 64 channels:
// 16x32x32->16 51/41, 32x16x16->32 35/27.) The map size does not matter
// (a 2x2 map is one tile whose window is three-quarters padding, as the
// direct paths' are). The rule is the same on every path (ACTBENCH_SIMD=off
// too), so a path changes no choice, and the transforms none of the bits.
const winoMinChannels = 8

func (l *Conv2D) setupWino() {
	s := &l.wino
	s.th, s.tw = (l.oh+1)/2, (l.ow+1)/2
	s.tpi = s.th * s.tw
	ch := max(l.inC, l.outC)
	s.chunk = max(1, min((winoChunkTiles+s.tpi-1)/s.tpi, winoMaxFloats/(16*ch*s.tpi)))
	s.scratch = &winoScratch{}
	s.parts = nil
	s.fwd = l.winoForwardPart
	s.bwd = l.winoBackwardPart
	s.xform = l.transformWeightsPart
	s.gradW = l.addWeightGradPart
}

// splitWeights runs fn over the outC*inC kernels, split when there are
// enough of them.
func (l *Conv2D) splitWeights(fn func(part, lo, hi int)) {
	n := l.outC * l.inC
	minN := 2
	if n < winoWeightSplitMin {
		minN = n + 1 // inline
	}
	l.wino.split.run(n, minN, fn)
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
			db:       make([]float64, l.outC),
			zero:     make([]float32, max(l.w, l.ow)),
			junk:     make([]float32, l.ow),
			gradRows: make([]float32, wino.GradScratchLen(l.h, l.w)),
		})
	}
	for p := range parts {
		ps := &s.parts[p]
		ps.v, ps.m, ps.du = sc.v[p], sc.m[p], sc.du[p]
	}
}

// transformWeights writes U[xi][oc][c] = (G g G^T)[xi] for every kernel g
// = W[oc][c], with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
func (l *Conv2D) transformWeights() { l.splitWeights(l.wino.xform) }

// transformWeightsPart transforms the kernels o = oc*inC + c in [lo, hi).
// Each of the 16 planes of U is sliced once, so the stores need no bounds
// checks (stored through u[(xi)*stride+o], each with its check, they took
// 14.6 ns a kernel on VGG's 512x512 layers, now 9.5:
// BenchmarkWinogradWeightTransform).
func (l *Conv2D) transformWeightsPart(_, lo, hi int) {
	if lo >= hi {
		return
	}
	n := hi - lo
	w := f32(l.weight.Value)[lo*9 : hi*9]
	stride := blockStride(l.outC, l.inC)
	var p [16][]float32
	for k := range p {
		p[k] = l.wino.u[k*stride+lo : k*stride+hi : k*stride+hi]
	}
	p0, p1, p2, p3, p4, p5, p6, p7 := p[0][:n], p[1][:n], p[2][:n], p[3][:n], p[4][:n], p[5][:n], p[6][:n], p[7][:n]
	p8, p9, p10, p11, p12, p13, p14, p15 := p[8][:n], p[9][:n], p[10][:n], p[11][:n], p[12][:n], p[13][:n], p[14][:n], p[15][:n]
	for o := range n {
		g := w[o*9 : o*9+9 : o*9+9]
		// Rows: h[r] = G g[r] (4 values per kernel row), as
		// {g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2}.
		a0, a3 := g[0], g[2]
		a1, a2 := 0.5*(g[0]+g[1]+g[2]), 0.5*(g[0]-g[1]+g[2])
		b0, b3 := g[3], g[5]
		b1, b2 := 0.5*(g[3]+g[4]+g[5]), 0.5*(g[3]-g[4]+g[5])
		d0, d3 := g[6], g[8]
		d1, d2 := 0.5*(g[6]+g[7]+g[8]), 0.5*(g[6]-g[7]+g[8])
		// Columns: U[i*4+j] = (G h[.][j])[i].
		p0[o], p4[o], p8[o], p12[o] = a0, 0.5*(a0+b0+d0), 0.5*(a0-b0+d0), d0
		p1[o], p5[o], p9[o], p13[o] = a1, 0.5*(a1+b1+d1), 0.5*(a1-b1+d1), d1
		p2[o], p6[o], p10[o], p14[o] = a2, 0.5*(a2+b2+d2), 0.5*(a2-b2+d2), d2
		p3[o], p7[o], p11[o], p15[o] = a3, 0.5*(a3+b3+d3), 0.5*(a3-b3+d3), d3
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
	h, w := l.h, l.w
	xiStride := blockStride(l.inC, ld)
	for c := 0; c < l.inC; c++ {
		wino.InputPlane(v[c*ld+t0:], xiStride, x[c*h*w:(c+1)*h*w], h, w, ps.zero)
	}
}

// outputTransform writes image y ([OC OH OW]) from M[xi][oc][t0+t]:
// y's tile = A^T M A + bias.
func (l *Conv2D) outputTransform(ps *winoPart, y []float32, m []float32, ld, t0 int, bias []float32) {
	oh, ow := l.oh, l.ow
	xiStride := blockStride(l.outC, ld)
	for oc := 0; oc < l.outC; oc++ {
		b := float32(0)
		if bias != nil {
			b = bias[oc]
		}
		wino.OutputPlane(y[oc*oh*ow:(oc+1)*oh*ow], oh, ow, m[oc*ld+t0:], xiStride, b, ps.junk)
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
		gemm.SgemmBatch(16, false, false, l.outC, t, l.inC, 1, s.u, l.inC, us, ps.v, t, cs, 0, ps.m, t, ocs)
		for j := 0; j < nb; j++ {
			l.outputTransform(ps, l.out.data[(i0+j)*outSize:(i0+j+1)*outSize], ps.m, t, j*s.tpi, bias)
		}
	}
}

func (l *Conv2D) backwardWino(n int) {
	s := &l.wino
	l.winoBuffers(Threads())
	if !l.noDx { // U serves the input gradient only
		l.transformWeights()
	}
	parts := s.split.run(n, 2, s.bwd)
	s.gradParts = parts
	l.splitWeights(s.gradW)
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

// addWeightGradPart adds G^T dU G to the weight gradient (the adjoint of
// transformWeights) for the kernels o in [lo, hi), where dU is the sum of
// the backward parts' partial dU in part order. It works on blocks of
// kernels: the parts' rows of each block are summed with contiguous loops
// into acc, which the transform then reads.
func (l *Conv2D) addWeightGradPart(_, lo, hi int) {
	s := &l.wino
	dw := f32(l.weight.Grad)
	stride := blockStride(l.outC, l.inC)
	parts := s.parts[:s.gradParts]
	var acc [16][winoGradBlock]float32
	for o0 := lo; o0 < hi; o0 += winoGradBlock {
		nb := min(winoGradBlock, hi-o0)
		seen := false
		for p := range parts {
			ps := &parts[p]
			if !ps.used {
				continue
			}
			for xi := range acc {
				src := ps.du[xi*stride+o0 : xi*stride+o0+nb]
				dst := acc[xi][:len(src)]
				if !seen {
					copy(dst, src)
					continue
				}
				for j, v := range src {
					dst[j] += v
				}
			}
			seen = true
		}
		if !seen { // no part had images
			return
		}
		for j := 0; j < nb; j++ {
			// Columns first: for each row i of dU, the 3 values G^T du[i].
			var h [4][3]float32
			for i := 0; i < 4; i++ {
				a, b, e, f := acc[4*i][j], acc[4*i+1][j], acc[4*i+2][j], acc[4*i+3][j]
				h[i] = [3]float32{a + 0.5*(b+e), 0.5 * (b - e), 0.5*(b+e) + f}
			}
			o := o0 + j
			g := dw[o*9 : o*9+9]
			for c := 0; c < 3; c++ {
				a, b, e, f := h[0][c], h[1][c], h[2][c], h[3][c]
				g[c] += a + 0.5*(b+e)
				g[3+c] += 0.5 * (b - e)
				g[6+c] += 0.5*(b+e) + f
			}
		}
	}
}

// winoGradBlock is the kernels per block of addWeightGradPart.
const winoGradBlock = 64

// dyTransform writes dM[xi][oc][t0+t] = (A dY A^T)[xi] for the 2x2 output
// gradient tiles of one image (zero past an odd edge), and adds each
// channel's sum of dy to db when db is not nil.
func (l *Conv2D) dyTransform(ps *winoPart, dm []float32, ld, t0 int, dy []float32, db []float64) {
	oh, ow := l.oh, l.ow
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
		wino.DyPlane(dm[oc*ld+t0:], xiStride, plane, oh, ow, ps.zero)
	}
}

// inputGradTransform sets dx (one [C H W] image) to the sum over tiles of
// B dV B^T placed at each tile's window, plane by plane.
func (l *Conv2D) inputGradTransform(ps *winoPart, dx []float32, dv []float32, ld, t0 int) {
	h, w := l.h, l.w
	xiStride := blockStride(l.inC, ld)
	for c := 0; c < l.inC; c++ {
		wino.GradPlane(dx[c*h*w:(c+1)*h*w], h, w, dv[c*ld+t0:], xiStride, ps.gradRows)
	}
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
			l.dyTransform(ps, ps.m, t, j*s.tpi, l.dy[(i0+j)*outSize:(i0+j+1)*outSize], db)
		}
		cs, ocs, us := blockStride(c, t), blockStride(oc, t), blockStride(oc, c)
		beta := float32(1)
		if i0 == lo {
			beta = 0
		}
		gemm.SgemmBatch(16, false, true, oc, c, t, 1, ps.m, t, ocs, ps.v, t, cs, beta, ps.du, c, us)
		if l.noDx {
			continue
		}
		gemm.SgemmBatch(16, true, false, c, t, oc, 1, s.u, c, us, ps.m, t, ocs, 0, ps.v, t, cs)
		for j := 0; j < nb; j++ {
			l.inputGradTransform(ps, l.dx.data[(i0+j)*inSize:(i0+j+1)*inSize], ps.v, t, j*s.tpi)
		}
	}
}
