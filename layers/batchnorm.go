package layers

import (
	"fmt"
	"math"

	"github.com/actbench/actbench/kernels/norm"
	"github.com/actbench/actbench/registry"

	"gorgonia.org/tensor"
)

// BatchNorm normalises each channel, as PyTorch's nn.BatchNorm2d on [C H W]
// inputs and nn.BatchNorm1d on [F] inputs (affine, tracking running stats).
//
// In training the batch mean and biased variance over N (x H x W) normalise
// the input, and the running statistics move by
// running = (1-momentum)*running + momentum*batch, with the unbiased variance
// (divided by M-1, M = N*H*W elements per channel; M = 1 uses the biased
// one, 0) as PyTorch does. In evaluation the running statistics normalise.
// Sums are accumulated in float32 within an H x W plane and in float64
// across planes.
//
// Initialisation, as PyTorch: weight (gamma) = 1, bias (beta) = 0,
// running_mean = 0, running_var = 1. Init is not needed.
type BatchNorm struct {
	name          string
	momentum, eps float64

	in    []int
	c, hw int

	weight, bias      *Param // Kind Norm
	runMean, runVar   *Param // Kind Buffer
	out, dx           buffer
	x, dy             []float32
	n                 int
	train             bool
	mean, invStd      []float64 // statistics used by the last Forward
	sum, sumSq        []float64 // per-channel accumulators
	split             splitter
	fwd, bwd          func(part, lo, hi int)
	gammaF, betaF     []float32
	scaleF, shiftF    []float32 // y = x*scale + shift per channel
	gradScale, dxHatS []float64
	// ys is where Forward writes (the layer's output, or the following
	// ReLU's when fused); relu applies max(0, y) there, after adding
	// addend when it is set (forwardAddReLU).
	ys, addend []float32
	relu       bool
	// act, when set, is a pointwise Activation that each part runs on every
	// plane it has just written (forwardAct), into acts.
	act  *Activation
	acts []float32
}

// NewBatchNorm returns a batch normalisation layer with PyTorch's momentum
// (weight of the new batch in the running statistics, usually 0.1) and eps
// (usually 1e-5).
func NewBatchNorm(name string, momentum, eps float64) *BatchNorm {
	l := &BatchNorm{name: name, momentum: momentum, eps: eps}
	l.fwd, l.bwd = l.forwardPart, l.backwardPart
	return l
}

func (l *BatchNorm) Name() string { return l.name }

// Setup accepts [C H W] (2-D) or [F] (1-D) and creates weight, bias,
// running_mean and running_var, each of length C (or F).
func (l *BatchNorm) Setup(in []int) ([]int, error) {
	if !(l.momentum > 0 && l.momentum <= 1) || !(l.eps > 0) {
		return nil, fmt.Errorf("layers: BatchNorm %s: momentum=%g eps=%g, want 0 < momentum <= 1 and eps > 0 (PyTorch: 0.1, 1e-5)",
			l.name, l.momentum, l.eps)
	}
	if (len(in) != 3 && len(in) != 1) || prod(in) == 0 {
		return nil, shapeErr(l.name, "BatchNorm", in, "want [C H W] (2-D) or [F] (1-D)")
	}
	l.in = append([]int(nil), in...)
	l.c, l.hw = in[0], prod(in[1:])
	l.weight = newParam(l.name+".weight", Norm, l.c)
	l.bias = newParam(l.name+".bias", Norm, l.c)
	l.runMean = newParam(l.name+".running_mean", Buffer, l.c)
	l.runVar = newParam(l.name+".running_var", Buffer, l.c)
	for i, g := 0, f32(l.weight.Value); i < l.c; i++ {
		g[i] = 1
		f32(l.runVar.Value)[i] = 1
	}
	l.mean, l.invStd = make([]float64, l.c), make([]float64, l.c)
	l.sum, l.sumSq = make([]float64, l.c), make([]float64, l.c)
	l.scaleF, l.shiftF = make([]float32, l.c), make([]float32, l.c)
	l.gradScale, l.dxHatS = make([]float64, l.c), make([]float64, l.c)
	l.out.setShape(in)
	l.dx.setShape(in)
	return l.in, nil
}

func (l *BatchNorm) Params() []*Param {
	if l.weight == nil {
		return nil
	}
	return []*Param{l.weight, l.bias, l.runMean, l.runVar}
}

// Forward normalises with batch statistics (train) or running statistics.
// The parts of the work split across goroutines are channel ranges, so every
// per-channel sum is accumulated by one goroutine in a fixed order.
func (l *BatchNorm) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	y, ys := l.out.get(batchOf(l.name, x, l.in))
	l.forwardInto(x, train, ys, nil, false)
	return y
}

// forwardInto runs Forward writing into ys (which need not be this
// layer's output buffer), adding addend (when not nil) and then applying
// max(0, .) (when relu) in the same pass.
func (l *BatchNorm) forwardInto(x *tensor.Dense, train bool, ys, addend []float32, relu bool) {
	l.x, l.n, l.train = f32(x), batchOf(l.name, x, l.in), train
	l.ys, l.addend, l.relu = ys, addend, relu
	l.gammaF, l.betaF = f32(l.weight.Value), f32(l.bias.Value)
	l.split.run(l.c, 2, l.fwd)
	l.addend = nil
}

// forwardReLU is Forward followed by the ReLU a, in one pass: it writes
// max(0, BN(x)) into a's output (the values a.Forward would) and leaves a
// ready for its Backward and DeadFraction, with its input taken to be its
// output (the ReLU's derivative depends only on the sign, which they
// share). Sequential uses it for a BatchNorm followed by a ReLU
// Activation. (Gating dy in the BatchNorm's backward passes instead of the
// ReLU's own pass measured slower: the SIMD ReLU pass is cheap.)
func (l *BatchNorm) forwardReLU(x *tensor.Dense, train bool, a *Activation) *tensor.Dense {
	return l.forwardAddReLU(x, train, nil, a)
}

// forwardAddReLU is forwardReLU writing max(0, BN(x) + s) instead (s not
// nil): a Residual whose body ends in this layer passes its shortcut s
// (values bit for bit those of BN into this layer's output, then
// Residual's add and ReLU).
func (l *BatchNorm) forwardAddReLU(x *tensor.Dense, train bool, s []float32, a *Activation) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	y, ys := a.out.get(n)
	l.forwardInto(x, train, ys, s, true)
	a.x, a.n, a.ys = ys, n, ys
	return y
}

// forwardAct is Forward followed by the pointwise Activation a: it writes
// BN(x) into this layer's output, as Forward does (a's input, kept for a's
// Backward), and a's function of each plane into a's output right after the
// plane is written, while it is in cache, instead of in a pass of its own
// (the same values: the function is pointwise). a is left as its Forward
// would leave it. Sequential uses it for a 2-D BatchNorm followed by such
// an Activation.
func (l *BatchNorm) forwardAct(x *tensor.Dense, train bool, a *Activation) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	_, us := l.out.get(n)
	y, ys := a.out.get(n)
	a.syncClones(Threads())
	l.act, l.acts = a, ys
	l.forwardInto(x, train, us, nil, false)
	l.act, l.acts = nil, nil
	a.x, a.n, a.ys = us, n, ys
	return y
}

func (l *BatchNorm) forwardPart(part, lo, hi int) {
	if lo >= hi {
		return
	}
	c, hw, n := l.c, l.hw, l.n
	m := float64(n * hw)
	rm, rv := f32(l.runMean.Value), f32(l.runVar.Value)
	if l.train {
		// Two passes for the statistics: the sums, then the squared
		// deviations from the float32-rounded mean (float32 within a
		// plane, float64 across planes).
		sum, q := l.sum[lo:hi], l.sumSq[lo:hi]
		clear(sum)
		clear(q)
		for i := 0; i < n; i++ {
			for ch := lo; ch < hi; ch++ {
				sum[ch-lo] += float64(norm.Sum(l.x[(i*c+ch)*hw : (i*c+ch+1)*hw]))
			}
		}
		for ch := lo; ch < hi; ch++ {
			l.mean[ch] = sum[ch-lo] / m
		}
		for i := 0; i < n; i++ {
			for ch := lo; ch < hi; ch++ {
				q[ch-lo] += float64(norm.SumSqDev(l.x[(i*c+ch)*hw:(i*c+ch+1)*hw], float32(l.mean[ch])))
			}
		}
		mom := l.momentum
		for ch := lo; ch < hi; ch++ {
			v := l.sumSq[ch] / m
			l.invStd[ch] = 1 / math.Sqrt(v+l.eps)
			unbiased := v
			if m > 1 {
				unbiased = l.sumSq[ch] / (m - 1)
			}
			rm[ch] = float32((1-mom)*float64(rm[ch]) + mom*l.mean[ch])
			rv[ch] = float32((1-mom)*float64(rv[ch]) + mom*unbiased)
		}
	} else {
		for ch := lo; ch < hi; ch++ {
			l.mean[ch] = float64(rm[ch])
			l.invStd[ch] = 1 / math.Sqrt(float64(rv[ch])+l.eps)
		}
	}
	for ch := lo; ch < hi; ch++ {
		sc := l.invStd[ch] * float64(l.gammaF[ch])
		l.scaleF[ch] = float32(sc)
		l.shiftF[ch] = float32(float64(l.betaF[ch]) - l.mean[ch]*sc)
	}
	ys := l.ys
	for i := 0; i < n; i++ {
		for ch := lo; ch < hi; ch++ {
			sc, sh := l.scaleF[ch], l.shiftF[ch]
			off := (i*c + ch) * hw
			if l.addend != nil {
				norm.AffineAdd(ys[off:off+hw], l.x[off:off+hw], l.addend[off:off+hw], sc, sh, l.relu)
				continue
			}
			norm.Affine(ys[off:off+hw], l.x[off:off+hw], sc, sh, l.relu)
			if l.act != nil {
				l.act.instance(part).Forward(l.acts[off:off+hw], ys[off:off+hw], registry.Shape{N: 1, C: 1, HW: hw})
			}
		}
	}
}

// Backward computes, with xhat = (x-mean)*invStd, dgamma += sum(dy*xhat),
// dbeta += sum(dy), and in training
// dx = gamma*invStd*(dy - mean(dy) - xhat*mean(dy*xhat)); after an
// evaluation Forward the statistics are constants and dx = gamma*invStd*dy.
func (l *BatchNorm) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, l.in)
	dx, _ := l.dx.get(l.n)
	l.dy = f32(dy)
	l.split.run(l.c, 2, l.bwd)
	return dx
}

func (l *BatchNorm) backwardPart(_, lo, hi int) {
	if lo >= hi {
		return
	}
	c, hw, n := l.c, l.hw, l.n
	m := float64(n * hw)
	sumDy, sumDyXhat := l.sum[lo:hi], l.sumSq[lo:hi]
	clear(sumDy)
	clear(sumDyXhat)
	for i := 0; i < n; i++ {
		for ch := lo; ch < hi; ch++ {
			off := (i*c + ch) * hw
			s, sx := norm.DySums(l.dy[off:off+hw], l.x[off:off+hw], float32(l.mean[ch]))
			sumDy[ch-lo] += float64(s)
			sumDyXhat[ch-lo] += float64(sx)
		}
	}
	gw, gb := f32(l.weight.Grad), f32(l.bias.Grad)
	for ch := lo; ch < hi; ch++ {
		sx := l.sumSq[ch] * l.invStd[ch] // sum(dy*xhat)
		gw[ch] += float32(sx)
		gb[ch] += float32(l.sum[ch])
		l.gradScale[ch] = float64(l.gammaF[ch]) * l.invStd[ch]
		l.dxHatS[ch] = sx / m
	}
	dxs := l.dx.data
	for i := 0; i < n; i++ {
		for ch := lo; ch < hi; ch++ {
			off := (i*c + ch) * hw
			dst := dxs[off : off+hw]
			g := l.dy[off : off+hw]
			gs := l.gradScale[ch]
			if !l.train {
				norm.Affine(dst, g, float32(gs), 0, false)
				continue
			}
			// dx = gs*(dy - meanDy - xhat*meanDyXhat), with xhat = (x-mu)*invStd.
			meanDy := l.sum[ch] / m
			kx := l.dxHatS[ch] * l.invStd[ch] // coefficient of (x-mu)
			a := float32(gs)
			b := float32(gs * (-meanDy + kx*l.mean[ch]))
			cx := float32(-gs * kx)
			norm.AffineGrad(dst, g, l.x[off:off+hw], a, cx, b)
		}
	}
}
