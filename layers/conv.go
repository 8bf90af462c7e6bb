package layers

import (
	"fmt"
	"math/rand/v2"

	"github.com/actbench/actbench/kernels/gemm"
	"gorgonia.org/tensor"
)

// Conv2D is a 2-D convolution (cross-correlation, as PyTorch's nn.Conv2d) on
// [C H W] inputs, with square kernels, any stride and zero padding on every
// side.
//
// Stride-1 convolutions on inputs with at least 16 channels and images not
// too small use shifted GEMMs on a padded channels-last copy of the input
// (see conv_shift.go): no patch matrix at all. Otherwise a chunk of images
// is lowered by im2col to a [C*k*k, chunk*OH*OW] matrix and multiplied by
// the [outC, C*k*k] weight with one SGEMM. The chunk is one image when the
// image has enough outputs (the product then writes the NCHW output
// directly, and 1x1 kernels with stride 1 and no padding skip im2col), and
// several on small maps (VGG's 4x4 and 2x2, ResNet's 8x8), where a product
// per image would have 4 to 64 columns and, for the weight gradient, a K
// of 4 to 64: a pass over the whole [outC, C*k*k] gradient per image. On
// the im2col path the batch is split into Threads() parts, each with its
// own buffers; the patches are rebuilt in Backward rather than kept, so
// memory stays at one patch matrix per part.
//
// Initialisation (Init), as PyTorch's defaults: weight ~ U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)) (kaiming_uniform_ with a=sqrt(5)), bias ~ the same bound,
// with fan_in = C*k*k; InitScheme offers torchvision's He-normal
// (InitHeNormal).
type Conv2D struct {
	name                 string
	outC, k, stride, pad int
	hasBias              bool

	inC, h, w, oh, ow int
	in                []int
	direct            bool // 1x1, stride 1, no padding: the input is its own patch matrix

	weight, bias *Param
	out, dx      buffer

	x      []float32 // input of the last Forward
	dy     []float32 // gradient given to the last Backward
	n      int
	chunk  int         // images per product on the im2col path (see im2colChunk)
	col    [][]float32 // patch matrix per part: [C*k*k, chunk*OH*OW]
	dcol   [][]float32 // patch-gradient buffer per part
	tmp    [][]float32 // per part: a chunk's output or output gradient [outC, chunk*OH*OW]
	dwPart [][]float32 // weight-gradient partial sums per part
	dbPart [][]float32
	dxConv bool      // the input gradient is a convolution of dy (see dxConvMinChannels)
	wf     []float32 // the flipped weights of that convolution, [C, outC*k*k]
	split  splitter
	fwd    func(part, lo, hi int)
	bwd    func(part, lo, hi int)
	shift  shiftConv // state of the shifted-GEMM path (stride 1, see useShift)
	wino   winoConv  // state of the Winograd path (3x3, stride 1, pad 1, see useWino)
	noDx   bool      // SetSkipInputGrad(true): Backward computes no input gradient

	// The im2col path's weight-gradient sum over parts runs by element
	// ranges (sumWeightGrad); gradParts is the last backward's part count.
	dwSum     func(part, lo, hi int)
	gradParts int
}

// SetSkipInputGrad(true) makes Backward compute only the parameter
// gradients and return nil: for the first layer of a model, whose input is
// data (it saves about a third of that layer's backward pass).
func (l *Conv2D) SetSkipInputGrad(skip bool) { l.noDx = skip }

// NewConv2D returns a convolution with outC output channels, a kernel x
// kernel window, the given stride and zero padding, and an optional bias. The
// input channel count is learnt in Setup; arguments are validated there.
func NewConv2D(name string, outC, kernel, stride, pad int, bias bool) *Conv2D {
	l := &Conv2D{name: name, outC: outC, k: kernel, stride: stride, pad: pad, hasBias: bias}
	l.fwd = l.forwardPart
	l.bwd = l.backwardPart
	l.dwSum = l.sumWeightGrad
	return l
}

func (l *Conv2D) Name() string { return l.name }

// Setup checks an input of shape [C H W] and creates the parameters: weight
// [outC C k k] and bias [outC].
func (l *Conv2D) Setup(in []int) ([]int, error) {
	if l.outC < 1 || l.k < 1 || l.stride < 1 || l.pad < 0 {
		return nil, fmt.Errorf("layers: Conv2D %s: outC=%d kernel=%d stride=%d pad=%d: want outC, kernel, stride >= 1 and pad >= 0",
			l.name, l.outC, l.k, l.stride, l.pad)
	}
	if len(in) != 3 || prod(in) == 0 {
		return nil, shapeErr(l.name, "Conv2D", in, "want [C H W] with C, H, W >= 1")
	}
	l.inC, l.h, l.w = in[0], in[1], in[2]
	if l.h+2*l.pad < l.k || l.w+2*l.pad < l.k {
		return nil, shapeErr(l.name, "Conv2D", in, "kernel %dx%d is larger than the padded input %dx%d (pad %d)",
			l.k, l.k, l.h+2*l.pad, l.w+2*l.pad, l.pad)
	}
	l.in = append([]int(nil), in...)
	l.oh = (l.h+2*l.pad-l.k)/l.stride + 1
	l.ow = (l.w+2*l.pad-l.k)/l.stride + 1
	l.direct = l.k == 1 && l.stride == 1 && l.pad == 0
	l.weight = newParam(l.name+".weight", Weight, l.outC, l.inC, l.k, l.k)
	l.bias = nil
	if l.hasBias {
		l.bias = newParam(l.name+".bias", Bias, l.outC)
	}
	out := []int{l.outC, l.oh, l.ow}
	l.out.setShape(out)
	l.dx.setShape(in)
	if l.useWino() {
		l.setupWino()
		return out, nil
	}
	if l.useShift() {
		l.setupShift()
		return out, nil
	}
	l.chunk = l.im2colChunk()
	l.col, l.dcol, l.tmp, l.dwPart, l.dbPart = nil, nil, nil, nil, nil
	l.dxConv = l.stride == 1 && !l.direct && l.oh == l.h && l.ow == l.w && l.inC >= dxConvMinChannels
	l.wf = nil
	if l.dxConv {
		l.wf = make([]float32, l.inC*l.outC*l.k*l.k)
	}
	return out, nil
}

// Init draws the weight and bias from PyTorch's default distributions.
func (l *Conv2D) Init(rng *rand.Rand) { l.InitScheme(rng, InitDefault) }

// InitScheme draws the weight and bias as scheme s says (see InitScheme's
// constants); an unknown scheme panics (callers validate it).
func (l *Conv2D) InitScheme(rng *rand.Rand, s InitScheme) {
	if l.weight == nil {
		return
	}
	switch s {
	case InitDefault:
		bound := kaimingUniformBound(l.inC * l.k * l.k)
		uniform(rng, f32(l.weight.Value), bound)
		if l.bias != nil {
			uniform(rng, f32(l.bias.Value), bound)
		}
	case InitHeNormal:
		normal(rng, f32(l.weight.Value), heNormalStd(l.outC*l.k*l.k))
		if l.bias != nil {
			clear(f32(l.bias.Value))
		}
	default:
		panic("layers: Conv2D " + l.name + ": unknown init scheme " + string(s))
	}
}

func (l *Conv2D) Params() []*Param {
	if l.weight == nil {
		return nil
	}
	if l.bias == nil {
		return []*Param{l.weight}
	}
	return []*Param{l.weight, l.bias}
}

// FLOPs returns the multiply-add count x2 of one example's forward pass.
func (l *Conv2D) FLOPs() int64 {
	return 2 * int64(l.outC) * int64(l.inC*l.k*l.k) * int64(l.oh*l.ow)
}

func (l *Conv2D) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	y, _ := l.out.get(n)
	l.x, l.n = f32(x), n
	if l.useWino() {
		l.forwardWino(n)
		return y
	}
	if l.useShift() {
		l.forwardShift(n)
		return y
	}
	l.im2colBuffers(Threads())
	l.split.run(n, 2, l.fwd)
	return y
}

// On the im2col path images with at least im2colMinCols outputs get a
// product each; smaller ones are chunked to about im2colTargetCols columns,
// with at most im2colMaxFloats floats (4 MiB) per patch matrix. Measured on
// the AVX-512 GEMM at batch 128 (CPU time, one core): chunks cut 512x2x2
// convolutions by 5x and 512x4x4 by 2x, and cost 5-10 % at 8x8 (64 and
// 128 channels), where one image already fills the kernels' 32-column
// strips.
const (
	im2colMinCols    = 64
	im2colTargetCols = 256
	im2colMaxFloats  = 1 << 20
)

// im2colChunk returns the images per product on the im2col path.
func (l *Conv2D) im2colChunk() int {
	ohw, ckk := l.oh*l.ow, l.inC*l.k*l.k
	if ohw >= im2colMinCols {
		return 1
	}
	nb := (im2colTargetCols + ohw - 1) / ohw
	return max(1, min(nb, im2colMaxFloats/(ckk*ohw)))
}

// chunkNow is the chunk for the active GEMM backend: one image where the
// backend's sums depend on the product's width (gonum, OpenBLAS), so that
// an image's output never depends on the other images of its batch.
func (l *Conv2D) chunkNow() int {
	if gemm.ColumnInvariant() {
		return l.chunk
	}
	return 1
}

// im2colBuffers sizes the per-part buffers for parts parts.
func (l *Conv2D) im2colBuffers(parts int) {
	ckk, cols := l.inC*l.k*l.k, l.chunk*l.oh*l.ow
	if !l.direct || l.chunk > 1 {
		growParts(&l.col, parts, ckk*cols)
		if !l.noDx {
			// The patch gradient, or the patches of dy (dxConv).
			growParts(&l.dcol, parts, max(ckk, l.outC*l.k*l.k)*cols)
		}
	}
	if l.chunk > 1 {
		growParts(&l.tmp, parts, max(l.outC, l.inC)*cols)
	}
	growParts(&l.dwPart, parts, l.outC*ckk)
	growParts(&l.dbPart, parts, l.outC)
}

func (l *Conv2D) forwardPart(part, lo, hi int) {
	ckk, ohw := l.inC*l.k*l.k, l.oh*l.ow
	inSize, outSize := l.inC*l.h*l.w, l.outC*ohw
	w := f32(l.weight.Value)
	ys := l.out.data
	var bias []float32
	if l.bias != nil {
		bias = f32(l.bias.Value)
	}
	chunk := l.chunkNow()
	for i0 := lo; i0 < hi; i0 += chunk {
		nb := min(chunk, hi-i0)
		cols := nb * ohw
		if nb == 1 {
			xi := l.x[i0*inSize : (i0+1)*inSize]
			yi := ys[i0*outSize : (i0+1)*outSize]
			col := xi
			if !l.direct {
				col = l.col[part]
				l.im2col(col, cols, xi)
			}
			beta := float32(0)
			if bias != nil {
				for c, b := range bias {
					row := yi[c*ohw : (c+1)*ohw]
					for j := range row {
						row[j] = b
					}
				}
				beta = 1
			}
			gemm.Sgemm(false, false, l.outC, ohw, ckk, 1, w, ckk, col, ohw, beta, yi, ohw)
			continue
		}
		col, tmp := l.col[part], l.tmp[part]
		for j := 0; j < nb; j++ {
			l.im2col(col[j*ohw:], cols, l.x[(i0+j)*inSize:(i0+j+1)*inSize])
		}
		gemm.Sgemm(false, false, l.outC, cols, ckk, 1, w, ckk, col, cols, 0, tmp, cols)
		// Scatter [outC, nb*OH*OW] to the images' NCHW outputs.
		for j := 0; j < nb; j++ {
			yi := ys[(i0+j)*outSize : (i0+j+1)*outSize]
			for c := 0; c < l.outC; c++ {
				src := tmp[c*cols+j*ohw : c*cols+(j+1)*ohw]
				dst := yi[c*ohw : (c+1)*ohw]
				if bias == nil {
					copy(dst, src)
					continue
				}
				b := bias[c]
				for t, v := range src {
					dst[t] = v + b
				}
			}
		}
	}
}

func (l *Conv2D) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, []int{l.outC, l.oh, l.ow})
	var dx *tensor.Dense
	if !l.noDx {
		dx, _ = l.dx.get(l.n)
	}
	l.dy = f32(dy)
	if l.useWino() {
		l.backwardWino(l.n)
		return dx
	}
	if l.useShift() {
		l.backwardShift(l.n)
		return dx
	}
	l.im2colBuffers(Threads())
	if l.dxConv && !l.noDx {
		l.flipWeights()
	}
	l.gradParts = l.split.run(l.n, 2, l.bwd)
	// Sum the parts' weight gradients by element ranges, each element in
	// part order.
	minN := 2
	if len(l.dwPart[0]) < convGradSplitMin {
		minN = len(l.dwPart[0]) + 1 // inline
	}
	l.split.run(len(l.dwPart[0]), minN, l.dwSum)
	parts := l.gradParts
	if l.bias != nil {
		db := f32(l.bias.Grad)
		for p := range parts {
			for j, v := range l.dbPart[p] {
				db[j] += v
			}
		}
	}
	return dx
}

// convGradSplitMin is the weight-gradient size from which the sum of the
// parts' partial gradients is split across goroutines.
const convGradSplitMin = 1 << 16

// sumWeightGrad adds the parts' partial weight gradients, in part order,
// to elements [lo, hi) of the weight gradient.
func (l *Conv2D) sumWeightGrad(_, lo, hi int) {
	dw := f32(l.weight.Grad)[lo:hi]
	for p := range l.gradParts {
		for j, v := range l.dwPart[p][lo:hi] {
			dw[j] += v
		}
	}
}

func (l *Conv2D) backwardPart(part, lo, hi int) {
	ckk, ohw := l.inC*l.k*l.k, l.oh*l.ow
	inSize, outSize := l.inC*l.h*l.w, l.outC*ohw
	w := f32(l.weight.Value)
	dxs := l.dx.data
	dwp, dbp := l.dwPart[part], l.dbPart[part]
	clear(dwp)
	clear(dbp)
	chunk := l.chunkNow()
	for i0 := lo; i0 < hi; i0 += chunk {
		nb := min(chunk, hi-i0)
		cols := nb * ohw
		for i := i0; i < i0+nb; i++ {
			dyi := l.dy[i*outSize : (i+1)*outSize]
			for c := range dbp {
				s := float32(0)
				for _, v := range dyi[c*ohw : (c+1)*ohw] {
					s += v
				}
				dbp[c] += s
			}
		}
		// dyc is the chunk's output gradient as [outC, nb*OH*OW].
		dyc := l.dy[i0*outSize : (i0+nb)*outSize]
		if nb > 1 {
			dyc = l.tmp[part]
			for j := 0; j < nb; j++ {
				for c := 0; c < l.outC; c++ {
					copy(dyc[c*cols+j*ohw:c*cols+(j+1)*ohw], l.dy[(i0+j)*outSize+c*ohw:(i0+j)*outSize+(c+1)*ohw])
				}
			}
		}
		if l.direct && nb == 1 {
			// dW += dy_i * x_i^T;  dx_i = W^T * dy_i
			xi := l.x[i0*inSize : (i0+1)*inSize]
			gemm.Sgemm(false, true, l.outC, ckk, ohw, 1, dyc, ohw, xi, ohw, 1, dwp, ckk)
			if !l.noDx {
				gemm.Sgemm(true, false, ckk, ohw, l.outC, 1, w, ckk, dyc, ohw, 0, dxs[i0*inSize:(i0+1)*inSize], ohw)
			}
			continue
		}
		col := l.col[part]
		for j := 0; j < nb; j++ {
			l.im2col(col[j*ohw:], cols, l.x[(i0+j)*inSize:(i0+j+1)*inSize])
		}
		gemm.Sgemm(false, true, l.outC, ckk, cols, 1, dyc, cols, col, cols, 1, dwp, ckk)
		switch {
		case l.noDx:
		case l.dxConv:
			// dx = flipped W (x) dy: the patches of dy with padding k-1-p,
			// times wf, a product with K = outC*k*k instead of outC and no
			// scatter-add.
			dcol, okk, pad := l.dcol[part], l.outC*l.k*l.k, l.k-1-l.pad
			for j := 0; j < nb; j++ {
				patches(dcol[j*ohw:], cols, l.dy[(i0+j)*outSize:(i0+j+1)*outSize], l.outC, l.oh, l.ow, l.k, 1, pad, l.h, l.w)
			}
			if nb == 1 {
				gemm.Sgemm(false, false, l.inC, cols, okk, 1, l.wf, okk, dcol, cols, 0, dxs[i0*inSize:(i0+1)*inSize], cols)
				break
			}
			tmp := l.tmp[part]
			gemm.Sgemm(false, false, l.inC, cols, okk, 1, l.wf, okk, dcol, cols, 0, tmp, cols)
			for j := 0; j < nb; j++ {
				dxi := dxs[(i0+j)*inSize : (i0+j+1)*inSize]
				for c := 0; c < l.inC; c++ {
					copy(dxi[c*ohw:(c+1)*ohw], tmp[c*cols+j*ohw:c*cols+(j+1)*ohw])
				}
			}
		default:
			dcol := l.dcol[part]
			gemm.Sgemm(true, false, ckk, cols, l.outC, 1, w, ckk, dyc, cols, 0, dcol, cols)
			for j := 0; j < nb; j++ {
				l.col2im(dxs[(i0+j)*inSize:(i0+j+1)*inSize], dcol[j*ohw:], cols)
			}
		}
	}
}

// dxConvMinChannels: the input gradient of a stride-1 convolution that
// keeps the map size is computed as a convolution of dy (patches of dy times
// the flipped weights: K = outC*k*k, no scatter-add) from this many input
// channels, the product's M; with fewer the old way (W^T dy, K = outC, then
// col2im) is faster. Measured (CPU time, batch 128, AVX-512): 16x32x32 ->
// 16 backward 38 -> 29 ms; 3x32x32 -> 32 would be 13 -> 23 ms.
const dxConvMinChannels = 16

// flipWeights writes wf[c][oc][ky][kx] = W[oc][c][k-1-ky][k-1-kx]: the
// weights of the convolution of dy that gives dx.
func (l *Conv2D) flipWeights() {
	w := f32(l.weight.Value)
	kk := l.k * l.k
	for oc := 0; oc < l.outC; oc++ {
		for c := 0; c < l.inC; c++ {
			src := w[(oc*l.inC+c)*kk : (oc*l.inC+c+1)*kk]
			dst := l.wf[(c*l.outC+oc)*kk : (c*l.outC+oc+1)*kk]
			for t := range dst {
				dst[t] = src[kk-1-t] // (ky, kx) -> (k-1-ky, k-1-kx)
			}
		}
	}
}

// im2col writes the patch matrix of one input image (see patches).
func (l *Conv2D) im2col(col []float32, ld int, x []float32) {
	patches(col, ld, x, l.inC, l.h, l.w, l.k, l.stride, l.pad, l.oh, l.ow)
}

// patches writes the patch matrix of one [ch h w] image for a k x k window
// with stride s and zero padding p, which has oh x ow positions: row
// (c*k+ky)*k+kx, column oy*ow+ox holds x[c, oy*s-p+ky, ox*s-p+kx], or 0 in
// the padding. Rows are ld floats apart (ld >= oh*ow; other images of a
// chunk sit beside it).
func patches(col []float32, ld int, x []float32, ch, h, w, k, s, p, oh, ow int) {
	r := 0
	for c := 0; c < ch; c++ {
		plane := x[c*h*w : (c+1)*h*w]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				dst := col[r*ld : r*ld+oh*ow]
				r++
				// Valid output columns: 0 <= ox*s-p+kx < w.
				ox0, ox1 := validRange(kx-p, s, w, ow)
				for oy := 0; oy < oh; oy++ {
					row := dst[oy*ow : (oy+1)*ow]
					iy := oy*s - p + ky
					if iy < 0 || iy >= h || ox0 >= ox1 {
						clear(row)
						continue
					}
					clear(row[:ox0])
					clear(row[ox1:])
					src := plane[iy*w:]
					if s == 1 {
						off := kx - p
						copy(row[ox0:ox1], src[ox0+off:ox1+off])
						continue
					}
					ix := ox0*s - p + kx
					for ox := ox0; ox < ox1; ox++ {
						row[ox] = src[ix]
						ix += s
					}
				}
			}
		}
	}
}

// col2im sets dx to the sum of the patch gradients dcol (rows ld floats
// apart) over the positions they were taken from (the adjoint of im2col).
func (l *Conv2D) col2im(dx, dcol []float32, ld int) {
	k, s, p := l.k, l.stride, l.pad
	h, w, oh, ow := l.h, l.w, l.oh, l.ow
	clear(dx)
	r := 0
	for c := 0; c < l.inC; c++ {
		plane := dx[c*h*w : (c+1)*h*w]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				src := dcol[r*ld : r*ld+oh*ow]
				r++
				ox0, ox1 := validRange(kx-p, s, w, ow)
				if ox0 >= ox1 {
					continue
				}
				for oy := 0; oy < oh; oy++ {
					iy := oy*s - p + ky
					if iy < 0 || iy >= h {
						continue
					}
					row := src[oy*ow : (oy+1)*ow]
					dst := plane[iy*w:]
					if s == 1 {
						off := kx - p
						d := dst[ox0+off : ox1+off]
						sr := row[ox0:ox1]
						for j := range d {
							d[j] += sr[j]
						}
						continue
					}
					ix := ox0*s - p + kx
					for ox := ox0; ox < ox1; ox++ {
						dst[ix] += row[ox]
						ix += s
					}
				}
			}
		}
	}
}

// validRange returns [o0, o1): the outputs o in [0, n) with 0 <= o*s+off < size.
func validRange(off, s, size, n int) (int, int) {
	o0 := 0
	if off < 0 {
		o0 = (-off + s - 1) / s
	}
	o1 := 0
	if size-off > 0 {
		o1 = (size - off + s - 1) / s // first o with o*s+off >= size
	}
	o0, o1 = min(o0, n), min(o1, n)
	return o0, max(o0, o1)
}
