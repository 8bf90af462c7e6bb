package layers

import "github.com/actbench/actbench/kernels/gemm"

// The shifted-GEMM convolution (stride 1, used when the input has enough
// channels to make a GEMM with K = C efficient, see useShift).
//
// The batch is copied to a zero-padded channels-last buffer xp: image i,
// padded row py and column px is row i*R + py*Wp + px of a [rows, C] matrix
// (R = Hp*Wp + k-1 rows per image). In these "padded-width" coordinates the
// output at (oy, ox) is row q = i*R + oy*Wp + ox, and tap (ky, kx) of the
// kernel reads input row q + ky*Wp + kx. So over a chunk of images the
// convolution is k*k GEMMs, each with A = xp shifted by ky*Wp + kx rows, read
// in place:
//
//	acc[rows, OC] += xp[off : off+rows, C] * W[:, :, ky, kx]^T
//
// with rows = (images-1)*R + OH*Wp, so that no read leaves the chunk's own
// images. No patch matrix is built: the copies are of the input (C*H*W per
// image) instead of the 9x larger im2col matrix, and the GEMMs have M = rows
// (large), N = OC, K = C, the shape the SIMD kernels are fastest on. Rows of
// acc at padded columns (ox >= OW) or between images are computed and
// dropped (13 % extra arithmetic at 32x32, 27 % at 16x16). Backward uses the
// same geometry: the output gradient goes to a zero-initialised
// channels-last buffer dyp with zeros at the dropped rows, and
//
//	dW[:, :, ky, kx] += dyp^T * xp[off : off+rows]
//	dxp[off : off+rows] += dyp * W[:, :, ky, kx]
//
// The batch is split into Threads() parts (fixed boundaries); each works chunk
// by chunk (a few images, about 512 KiB per buffer, so that the k*k passes
// over acc stay in L2) with its own buffers and weight-gradient partial sums,
// reduced in a fixed order at the end. While two products run at once the
// SIMD GEMM gives each one thread, so there is one hand-off per pass, not
// one per product. xp holds the whole batch, so that Backward reuses
// Forward's copy (it grows with the batch; its padding, never written, stays
// zero).

// shiftChunkFloats bounds the floats per chunk buffer.
const shiftChunkFloats = 1 << 17

// The shifted GEMMs have K = C (against C*k*k for im2col) and compute the
// padding rows and columns of the output too, so they pay when C is not
// small and the image not so small that padding dominates. Measured on CIFAR
// shapes at batch 128 (AVX-512): ahead from 32x32x32 and 16x16x32, level at
// 32x32x16 and 8x8x64, behind at 8x8x128.
const (
	shiftMinChannels = 32
	shiftMaxWaste    = 1.35 // rows computed per image / outputs per image
)

type shiftConv struct {
	hp, wp int // padded input
	r      int // rows per image
	chunk  int // images per chunk
	xp     []float32
	wk     []float32   // weights repacked [kk][OC][C]
	bias   []float32   // bias values, or zeros without bias
	parts  []shiftPart // one per part (Threads())
	fwd    func(part, lo, hi int)
	bwd    func(part, lo, hi int)
	split  splitter
	// The weight repack and the weight-gradient sum over parts run by
	// output-channel ranges (fixed boundaries; each element summed in part
	// order); gradParts is the last backward's part count.
	repack    func(part, lo, hi int)
	dwSum     func(part, lo, hi int)
	gradParts int
}

// splitWeightsShift runs fn over the output channels, split when the
// weights are large enough (winoWeightSplitMin kernels) to pay for it.
func (l *Conv2D) splitWeightsShift(fn func(part, lo, hi int)) {
	minN := 2
	if l.outC*l.inC < winoWeightSplitMin {
		minN = l.outC + 1 // inline
	}
	l.shift.split.run(l.outC, minN, fn)
}

// shiftPart is one goroutine's working set.
type shiftPart struct {
	acc, dyp, dxp []float32 // chunk buffers
	dwk           []float32 // weight-gradient partial [kk][OC][C]
	db            []float64 // bias-gradient partial
	used          bool      // the part had images in the last Backward
}

// convPath forces a convolution path in tests: "" chooses, "shift" takes
// the shifted GEMMs for every stride-1 convolution, "wino" Winograd for every
// 3x3 stride-1 pad-1 one, "im2col" neither, "nowino" chooses between the
// shifted GEMMs and im2col as if there were no Winograd path.
var convPath string

func (l *Conv2D) useShift() bool {
	if l.stride != 1 || l.direct || l.useWino() {
		return false
	}
	switch convPath {
	case "shift":
		return true
	case "im2col":
		return false
	}
	hp, wp := l.h+2*l.pad, l.w+2*l.pad
	rows := hp*wp + l.k - 1
	return l.inC >= shiftMinChannels && float64(rows) <= shiftMaxWaste*float64(l.oh*l.ow)
}

func (l *Conv2D) setupShift() {
	s := &l.shift
	s.hp, s.wp = l.h+2*l.pad, l.w+2*l.pad
	s.r = s.hp*s.wp + l.k - 1
	s.chunk = max(1, shiftChunkFloats/(s.r*max(l.inC, l.outC)))
	kk := l.k * l.k
	s.parts = nil
	s.xp = nil
	s.wk = make([]float32, kk*l.outC*l.inC)
	s.bias = make([]float32, l.outC)
	s.fwd = l.shiftForwardPart
	s.bwd = l.shiftBackwardPart
	s.repack = l.repackWeightsPart
	s.dwSum = l.sumShiftWeightGrad
}

// repackWeights writes wk[kk][oc][c] = W[oc][c][ky][kx].
// shiftBuffers makes sure there are working sets for parts parts.
func (l *Conv2D) shiftBuffers(parts int) {
	s := &l.shift
	rows := s.chunk * s.r
	kk := l.k * l.k
	for len(s.parts) < parts {
		s.parts = append(s.parts, shiftPart{
			acc: make([]float32, rows*l.outC),
			dyp: make([]float32, rows*l.outC),
			dxp: make([]float32, rows*l.inC),
			dwk: make([]float32, kk*l.outC*l.inC),
			db:  make([]float64, l.outC),
		})
	}
}

func (l *Conv2D) repackWeights() { l.splitWeightsShift(l.shift.repack) }

// repackWeightsPart repacks output channels [lo, hi).
func (l *Conv2D) repackWeightsPart(_, lo, hi int) {
	w := f32(l.weight.Value)
	kk := l.k * l.k
	ckk := l.inC * kk
	wk := l.shift.wk
	for oc := lo; oc < hi; oc++ {
		for c := 0; c < l.inC; c++ {
			src := w[oc*ckk+c*kk : oc*ckk+(c+1)*kk]
			for t, v := range src {
				wk[(t*l.outC+oc)*l.inC+c] = v
			}
		}
	}
}

func (l *Conv2D) forwardShift(n int) {
	s := &l.shift
	if need := n * s.r * l.inC; len(s.xp) < need {
		s.xp = make([]float32, need)
	}
	l.repackWeights()
	if l.bias != nil {
		copy(s.bias, f32(l.bias.Value))
	}
	l.shiftBuffers(Threads())
	s.split.run(n, 2, s.fwd)
}

// shiftForwardPart computes the output of images [lo, hi).
func (l *Conv2D) shiftForwardPart(part, lo, hi int) {
	s := &l.shift
	ps := &s.parts[part]
	c, h, w := l.inC, l.h, l.w
	oc, oh, ow := l.outC, l.oh, l.ow
	kk := l.k * l.k
	for c0 := lo; c0 < hi; c0 += s.chunk {
		nimg := min(s.chunk, hi-c0)
		for i := c0; i < c0+nimg; i++ {
			for y := 0; y < h; y++ {
				transpose(s.xp[(i*s.r+(y+l.pad)*s.wp+l.pad)*c:], c, l.x[i*c*h*w+y*w:], h*w, c, w)
			}
		}
		rows := (nimg-1)*s.r + oh*s.wp
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if t == 0 {
				beta = 0
			}
			gemm.Sgemm(false, true, rows, oc, c, 1, s.xp[(c0*s.r+off)*c:], c,
				s.wk[t*oc*c:], c, beta, ps.acc, oc)
		}
		for i := 0; i < nimg; i++ {
			for oy := 0; oy < oh; oy++ {
				transposeAdd(l.out.data[(c0+i)*oc*oh*ow+oy*ow:], oh*ow, ps.acc[(i*s.r+oy*s.wp)*oc:], oc, ow, oc, s.bias)
			}
		}
	}
}

// transposeAdd sets dst[j*ldd+i] = src[i*lds+j] + add[j] for i < rows, j <
// cols (see transpose).
func transposeAdd(dst []float32, ldd int, src []float32, lds, rows, cols int, add []float32) {
	add = add[:cols]
	i := 0
	for ; i+8 <= rows; i += 8 {
		s0 := src[i*lds : i*lds+cols]
		s1 := src[(i+1)*lds : (i+1)*lds+cols][:len(s0)]
		s2 := src[(i+2)*lds : (i+2)*lds+cols][:len(s0)]
		s3 := src[(i+3)*lds : (i+3)*lds+cols][:len(s0)]
		s4 := src[(i+4)*lds : (i+4)*lds+cols][:len(s0)]
		s5 := src[(i+5)*lds : (i+5)*lds+cols][:len(s0)]
		s6 := src[(i+6)*lds : (i+6)*lds+cols][:len(s0)]
		s7 := src[(i+7)*lds : (i+7)*lds+cols][:len(s0)]
		a := add[:len(s0)]
		for j := range s0 {
			b := a[j]
			d := dst[j*ldd+i : j*ldd+i+8]
			d[0], d[1], d[2], d[3] = s0[j]+b, s1[j]+b, s2[j]+b, s3[j]+b
			d[4], d[5], d[6], d[7] = s4[j]+b, s5[j]+b, s6[j]+b, s7[j]+b
		}
	}
	for ; i < rows; i++ {
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v + add[j]
		}
	}
}

// transposeSum is transpose that also adds each source row's sum to
// sums[i] (in float64, each row summed in float32 in order).
func transposeSum(dst []float32, ldd int, src []float32, lds, rows, cols int, sums []float64) {
	sums = sums[:rows]
	i := 0
	for ; i+8 <= rows; i += 8 {
		s0 := src[i*lds : i*lds+cols]
		s1 := src[(i+1)*lds : (i+1)*lds+cols][:len(s0)]
		s2 := src[(i+2)*lds : (i+2)*lds+cols][:len(s0)]
		s3 := src[(i+3)*lds : (i+3)*lds+cols][:len(s0)]
		s4 := src[(i+4)*lds : (i+4)*lds+cols][:len(s0)]
		s5 := src[(i+5)*lds : (i+5)*lds+cols][:len(s0)]
		s6 := src[(i+6)*lds : (i+6)*lds+cols][:len(s0)]
		s7 := src[(i+7)*lds : (i+7)*lds+cols][:len(s0)]
		var a0, a1, a2, a3, a4, a5, a6, a7 float32
		for j := range s0 {
			v0, v1, v2, v3 := s0[j], s1[j], s2[j], s3[j]
			v4, v5, v6, v7 := s4[j], s5[j], s6[j], s7[j]
			d := dst[j*ldd+i : j*ldd+i+8]
			d[0], d[1], d[2], d[3] = v0, v1, v2, v3
			d[4], d[5], d[6], d[7] = v4, v5, v6, v7
			a0 += v0
			a1 += v1
			a2 += v2
			a3 += v3
			a4 += v4
			a5 += v5
			a6 += v6
			a7 += v7
		}
		sm := sums[i : i+8]
		sm[0] += float64(a0)
		sm[1] += float64(a1)
		sm[2] += float64(a2)
		sm[3] += float64(a3)
		sm[4] += float64(a4)
		sm[5] += float64(a5)
		sm[6] += float64(a6)
		sm[7] += float64(a7)
	}
	for ; i < rows; i++ {
		sum := float32(0)
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v
			sum += v
		}
		sums[i] += float64(sum)
	}
}

// transpose sets dst[j*ldd+i] = src[i*lds+j] for i < rows, j < cols, eight
// source rows at a time so that each destination row gets eight contiguous
// values per step.
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	i := 0
	for ; i+8 <= rows; i += 8 {
		s0 := src[i*lds : i*lds+cols]
		s1 := src[(i+1)*lds : (i+1)*lds+cols][:len(s0)]
		s2 := src[(i+2)*lds : (i+2)*lds+cols][:len(s0)]
		s3 := src[(i+3)*lds : (i+3)*lds+cols][:len(s0)]
		s4 := src[(i+4)*lds : (i+4)*lds+cols][:len(s0)]
		s5 := src[(i+5)*lds : (i+5)*lds+cols][:len(s0)]
		s6 := src[(i+6)*lds : (i+6)*lds+cols][:len(s0)]
		s7 := src[(i+7)*lds : (i+7)*lds+cols][:len(s0)]
		for j := range s0 {
			d := dst[j*ldd+i : j*ldd+i+8]
			d[0], d[1], d[2], d[3] = s0[j], s1[j], s2[j], s3[j]
			d[4], d[5], d[6], d[7] = s4[j], s5[j], s6[j], s7[j]
		}
	}
	for ; i < rows; i++ {
		for j, v := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = v
		}
	}
}

func (l *Conv2D) backwardShift(n int) {
	s := &l.shift
	l.repackWeights()
	l.shiftBuffers(Threads())
	parts := s.split.run(n, 2, s.bwd)
	s.gradParts = parts
	l.splitWeightsShift(s.dwSum)
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

// sumShiftWeightGrad adds the parts' partial weight gradients (layout
// [kk][OC][C]), in part order, to output channels [lo, hi) of the weight
// gradient.
func (l *Conv2D) sumShiftWeightGrad(_, lo, hi int) {
	s := &l.shift
	kk := l.k * l.k
	ck := l.outC * l.inC
	dw := f32(l.weight.Grad)
	for p := range s.gradParts {
		ps := &s.parts[p]
		if !ps.used {
			continue
		}
		for oc := lo; oc < hi; oc++ {
			for c := 0; c < l.inC; c++ {
				g := dw[(oc*l.inC+c)*kk : (oc*l.inC+c+1)*kk]
				for t := range g {
					g[t] += ps.dwk[t*ck+oc*l.inC+c]
				}
			}
		}
	}
}

// shiftBackwardPart computes the gradients of images [lo, hi): the input
// gradient of those images, and the part's partial weight and bias
// gradients.
func (l *Conv2D) shiftBackwardPart(part, lo, hi int) {
	s := &l.shift
	ps := &s.parts[part]
	c, h, w := l.inC, l.h, l.w
	oc, oh, ow := l.outC, l.oh, l.ow
	kk := l.k * l.k
	ck := oc * c
	clear(ps.db)
	ps.used = lo < hi
	for c0 := lo; c0 < hi; c0 += s.chunk {
		nimg := min(s.chunk, hi-c0)
		// The output gradient, channels-last; the padded columns and the
		// rows between images stay zero.
		for i := 0; i < nimg; i++ {
			for oy := 0; oy < oh; oy++ {
				src, dst := l.dy[(c0+i)*oc*oh*ow+oy*ow:], ps.dyp[(i*s.r+oy*s.wp)*oc:]
				if l.bias != nil {
					transposeSum(dst, oc, src, oh*ow, oc, ow, ps.db)
				} else {
					transpose(dst, oc, src, oh*ow, oc, ow)
				}
			}
		}
		rows := (nimg-1)*s.r + oh*s.wp
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if c0 == lo {
				beta = 0
			}
			gemm.Sgemm(true, false, oc, c, rows, 1, ps.dyp, oc,
				s.xp[(c0*s.r+off)*c:], c, beta, ps.dwk[t*ck:], c)
		}
		if l.noDx {
			continue
		}
		// Tap 0 (offset 0) overwrites rows [0, rows); the others add at
		// their offsets, up to nimg*R, which start at zero.
		clear(ps.dxp[rows*c : nimg*s.r*c])
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if t == 0 {
				beta = 0
			}
			gemm.Sgemm(false, false, rows, c, oc, 1, ps.dyp, oc,
				s.wk[t*ck:], c, beta, ps.dxp[off*c:], c)
		}
		for i := 0; i < nimg; i++ {
			for y := 0; y < h; y++ {
				transpose(l.dx.data[(c0+i)*c*h*w+y*w:], h*w, ps.dxp[(i*s.r+(y+l.pad)*s.wp+l.pad)*c:], c, w, c)
			}
		}
	}
}
