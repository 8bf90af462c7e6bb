package layers

import "github.com/actbench/actbench/kernels/gemm"

// The shifted-GEMM convolution (stride 1, used when the input has enough
// channels to make a GEMM with K = C efficient, see useShift).
//
// A chunk of images is copied to a zero-padded channels-last buffer xp: image
// i, padded row py and column px is row i*R + py*Wp + px of a [rows, C]
// matrix (R = Hp*Wp + k-1 rows per image, so that every row read below stays
// inside its image). In these "padded-width" coordinates the output at
// (oy, ox) is row q = i*R + oy*Wp + ox, and tap (ky, kx) of the kernel reads
// input row q + ky*Wp + kx. So the convolution is k*k GEMMs over the whole
// chunk, each with A = xp shifted by ky*Wp + kx rows, read in place:
//
//	acc[rows, OC] += xp[off : off+rows, C] * W[:, :, ky, kx]^T
//
// No patch matrix is built: the copies are of the input (C*H*W per image)
// instead of the 9x larger im2col matrix, and the GEMMs have M = rows (large),
// N = OC, K = C, the shape the SIMD kernels are fastest on. Rows of acc at
// padded columns (ox >= OW) or between images are computed and dropped (about
// 10 % extra arithmetic on CIFAR shapes). Backward uses the same geometry:
// the output gradient goes to a zero-initialised channels-last buffer dyp
// with zeros at the dropped rows, and
//
//	dW[:, :, ky, kx] += dyp^T * xp[off : off+rows]
//	dxp[off : off+rows] += dyp * W[:, :, ky, kx]
//
// Work is done chunk by chunk (a few images, about 1 MiB per buffer) so
// that the k*k passes over acc stay in L2; the GEMMs parallelise themselves
// (package gemm splits M or N across its threads at fixed boundaries) and the
// layout copies (blocked transposes) are split across two goroutines over
// image rows. xp holds the whole batch, so that Backward reuses Forward's
// copy instead of redoing it (it grows with the batch; its padding, written
// never, stays zero).

// shiftChunkFloats bounds the floats per chunk buffer.
const shiftChunkFloats = 1 << 18

// The shifted GEMMs have K = C (against C*k*k for im2col) and compute the
// padding rows and columns of the output too, so they pay when C is not
// small and the image not so small that padding dominates. Measured on CIFAR
// shapes at batch 128 (AVX-512): ahead from 32x32x32 and 16x16x32, level at
// 32x32x16 and 8x8x64, behind at 8x8x128.
const (
	shiftMinChannels = 16
	shiftMaxWaste    = 1.35 // rows computed per image / outputs per image
)

type shiftConv struct {
	hp, wp  int // padded input
	r       int // rows per image
	tail    int // slack rows after the last image of a chunk
	chunk   int // images per chunk
	xp, acc []float32
	dyp     []float32
	dxp     []float32
	wk      []float32 // weights repacked [kk][OC][C]
	dwk     []float32 // weight-gradient partial [kk][OC][C]

	// chunk being processed by the parallel copy functions
	lo, n   int
	copyIn  func(part, lo, hi int)
	copyOut func(part, lo, hi int)
	copyDy  func(part, lo, hi int)
	copyDx  func(part, lo, hi int)
	dbPart  [splitParts][]float64 // bias-gradient sums per part
	bias    []float32             // bias values, or zeros without bias
	split   splitter
}

// convPath forces a convolution path in tests: "" chooses, "shift" takes
// the shifted GEMMs for every stride-1 convolution, "im2col" never.
var convPath string

func (l *Conv2D) useShift() bool {
	if l.stride != 1 || l.direct {
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
	s.tail = (l.k - 1) * (s.wp + 1)
	width := max(l.inC, l.outC)
	s.chunk = max(1, shiftChunkFloats/(s.r*width))
	rows := s.chunk*s.r + s.tail
	s.xp = nil
	s.dxp = make([]float32, rows*l.inC)
	s.acc = make([]float32, rows*l.outC)
	s.dyp = make([]float32, rows*l.outC)
	kk := l.k * l.k
	s.wk = make([]float32, kk*l.outC*l.inC)
	s.dwk = make([]float32, kk*l.outC*l.inC)
	s.copyIn = l.shiftCopyIn
	s.copyOut = l.shiftCopyOut
	s.copyDy = l.shiftCopyDy
	s.copyDx = l.shiftCopyDx
	for p := range s.dbPart {
		s.dbPart[p] = make([]float64, l.outC)
	}
	s.bias = make([]float32, l.outC)
}

// repackWeights writes wk[kk][oc][c] = W[oc][c][ky][kx].
func (l *Conv2D) repackWeights() {
	w := f32(l.weight.Value)
	kk := l.k * l.k
	ckk := l.inC * kk
	wk := l.shift.wk
	for oc := 0; oc < l.outC; oc++ {
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
	if need := (n*s.r + s.tail) * l.inC; len(s.xp) < need {
		s.xp = make([]float32, need)
	}
	l.repackWeights()
	if l.bias != nil {
		copy(s.bias, f32(l.bias.Value))
	}
	kk := l.k * l.k
	for lo := 0; lo < n; lo += s.chunk {
		s.lo, s.n = lo, min(s.chunk, n-lo)
		s.split.run(s.n*l.h, 8, s.copyIn)
		rows := s.n * s.r
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if t == 0 {
				beta = 0
			}
			gemm.Sgemm(false, true, rows, l.outC, l.inC, 1, s.xp[(lo*s.r+off)*l.inC:], l.inC,
				s.wk[t*l.outC*l.inC:], l.inC, beta, s.acc, l.outC)
		}
		s.split.run(s.n*l.oh, 8, s.copyOut)
	}
}

// shiftCopyIn copies image rows [lo, hi) of the chunk (item = image*H + y)
// into the padded channels-last buffer: per row, a C x W to W x C transpose.
func (l *Conv2D) shiftCopyIn(_, lo, hi int) {
	s := &l.shift
	c, h, w := l.inC, l.h, l.w
	for item := lo; item < hi; item++ {
		i, y := item/h, item%h
		src := l.x[(s.lo+i)*c*h*w+y*w:]
		dst := s.xp[((s.lo+i)*s.r+(y+l.pad)*s.wp+l.pad)*c:]
		transpose(dst, c, src, h*w, c, w)
	}
}

// shiftCopyOut writes output rows [lo, hi) of the chunk (item = image*OH +
// oy) from acc to NCHW (an OW x OC to OC x OW transpose), adding the bias.
func (l *Conv2D) shiftCopyOut(_, lo, hi int) {
	s := &l.shift
	oc, oh, ow := l.outC, l.oh, l.ow
	ys := l.out.data
	for item := lo; item < hi; item++ {
		i, oy := item/oh, item%oh
		dst := ys[(s.lo+i)*oc*oh*ow+oy*ow:]
		transposeAdd(dst, oh*ow, s.acc[(i*s.r+oy*s.wp)*oc:], oc, ow, oc, s.bias)
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
	for i := 0; i < rows; i++ {
		row := src[i*lds : i*lds+cols]
		sum := float32(0)
		for j, v := range row {
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
	clear(s.dbPart[0])
	clear(s.dbPart[1])
	l.repackWeights()
	kk := l.k * l.k
	ck := l.outC * l.inC
	for lo := 0; lo < n; lo += s.chunk {
		s.lo, s.n = lo, min(s.chunk, n-lo)
		s.split.run(s.n*l.oh, 8, s.copyDy)
		rows := s.n * s.r
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if lo == 0 {
				beta = 0
			}
			gemm.Sgemm(true, false, l.outC, l.inC, rows, 1, s.dyp, l.outC,
				s.xp[(lo*s.r+off)*l.inC:], l.inC, beta, s.dwk[t*ck:], l.inC)
		}
		if l.noDx {
			continue
		}
		// Tap 0 (offset 0) overwrites rows [0, rows); the others add at
		// their offsets, reaching up to rows+tail, which start at zero.
		clear(s.dxp[rows*l.inC : (rows+s.tail)*l.inC])
		for t := 0; t < kk; t++ {
			off := (t/l.k)*s.wp + t%l.k
			beta := float32(1)
			if t == 0 {
				beta = 0
			}
			gemm.Sgemm(false, false, rows, l.inC, l.outC, 1, s.dyp, l.outC,
				s.wk[t*ck:], l.inC, beta, s.dxp[off*l.inC:], l.inC)
		}
		s.split.run(s.n*l.h, 8, s.copyDx)
	}
	dw := f32(l.weight.Grad)
	for oc := 0; oc < l.outC; oc++ {
		for c := 0; c < l.inC; c++ {
			g := dw[(oc*l.inC+c)*kk : (oc*l.inC+c+1)*kk]
			for t := range g {
				g[t] += s.dwk[t*ck+oc*l.inC+c]
			}
		}
	}
	if l.bias != nil {
		db := f32(l.bias.Grad)
		for o := range db {
			db[o] += float32(s.dbPart[0][o] + s.dbPart[1][o])
		}
	}
}

// shiftCopyDy copies output-gradient rows (item = image*OH + oy) of the chunk
// to the channels-last buffer (padded columns stay zero), summing the bias
// gradient per part: each part covers fixed items, in order, so the sums do
// not depend on scheduling.
func (l *Conv2D) shiftCopyDy(part, lo, hi int) {
	s := &l.shift
	oc, oh, ow := l.outC, l.oh, l.ow
	for item := lo; item < hi; item++ {
		i, oy := item/oh, item%oh
		src, dst := l.dy[(s.lo+i)*oc*oh*ow+oy*ow:], s.dyp[(i*s.r+oy*s.wp)*oc:]
		if l.bias != nil {
			transposeSum(dst, oc, src, oh*ow, oc, ow, s.dbPart[part])
		} else {
			transpose(dst, oc, src, oh*ow, oc, ow)
		}
	}
}

// shiftCopyDx writes input-gradient rows (item = image*H + y) of the chunk
// from the padded channels-last buffer to NCHW.
func (l *Conv2D) shiftCopyDx(_, lo, hi int) {
	s := &l.shift
	c, h, w := l.inC, l.h, l.w
	dxs := l.dx.data
	for item := lo; item < hi; item++ {
		i, y := item/h, item%h
		transpose(dxs[(s.lo+i)*c*h*w+y*w:], h*w, s.dxp[(i*s.r+(y+l.pad)*s.wp+l.pad)*c:], c, w, c)
	}
}
