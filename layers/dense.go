package layers

import (
	"fmt"
	"math/rand/v2"

	"github.com/actbench/actbench/kernels/gemm"
	"gorgonia.org/tensor"
)

// Dense is a fully connected layer, y = x W^T + b, on flat [F] inputs (put a
// Flatten before it). The weight is [out F], as PyTorch's nn.Linear.
//
// Initialisation (Init), as PyTorch's defaults: weight ~ U(-1/sqrt(F),
// 1/sqrt(F)) (kaiming_uniform_ with a=sqrt(5)), bias ~ U(-1/sqrt(F),
// 1/sqrt(F)).
type Dense struct {
	name    string
	outF    int
	hasBias bool
	inF     int

	weight, bias *Param
	out, dx      buffer
	x            []float32
	n            int
	noDx         bool
}

// SetSkipInputGrad(true) makes Backward compute only the parameter
// gradients and return nil (see InputGradSkipper).
func (l *Dense) SetSkipInputGrad(skip bool) { l.noDx = skip }

// NewDense returns a dense layer with out output features and an optional
// bias; the input feature count is learnt in Setup.
func NewDense(name string, out int, bias bool) *Dense {
	return &Dense{name: name, outF: out, hasBias: bias}
}

func (l *Dense) Name() string { return l.name }

// Setup checks a flat input [F] and creates weight [out F] and bias [out].
func (l *Dense) Setup(in []int) ([]int, error) {
	if l.outF < 1 {
		return nil, fmt.Errorf("layers: Dense %s: %d output features, want >= 1", l.name, l.outF)
	}
	if len(in) != 1 || in[0] < 1 {
		return nil, shapeErr(l.name, "Dense", in, "want a flat [F] input (add a Flatten layer before it)")
	}
	l.inF = in[0]
	l.weight = newParam(l.name+".weight", Weight, l.outF, l.inF)
	l.bias = nil
	if l.hasBias {
		l.bias = newParam(l.name+".bias", Bias, l.outF)
	}
	l.out.setShape([]int{l.outF})
	l.dx.setShape(in)
	return []int{l.outF}, nil
}

// Init draws the weight and bias from PyTorch's default distributions.
func (l *Dense) Init(rng *rand.Rand) { l.InitScheme(rng, InitDefault) }

// InitScheme draws the weight and bias as scheme s says: PyTorch's default
// under both InitDefault and InitHeNormal (torchvision's ResNet leaves
// nn.Linear at its default); an unknown scheme panics (callers validate it).
func (l *Dense) InitScheme(rng *rand.Rand, s InitScheme) {
	if s != InitDefault && s != InitHeNormal {
		panic("layers: Dense " + l.name + ": unknown init scheme " + string(s))
	}
	if l.weight == nil {
		return
	}
	bound := kaimingUniformBound(l.inF)
	uniform(rng, f32(l.weight.Value), bound)
	if l.bias != nil {
		uniform(rng, f32(l.bias.Value), bound)
	}
}

func (l *Dense) Params() []*Param {
	if l.weight == nil {
		return nil
	}
	if l.bias == nil {
		return []*Param{l.weight}
	}
	return []*Param{l.weight, l.bias}
}

// FLOPs returns the multiply-add count x2 of one example's forward pass.
func (l *Dense) FLOPs() int64 { return 2 * int64(l.inF) * int64(l.outF) }

func (l *Dense) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, []int{l.inF})
	y, ys := l.out.get(n)
	l.x, l.n = f32(x), n
	beta := float32(0)
	if l.bias != nil {
		b := f32(l.bias.Value)
		for i := 0; i < n; i++ {
			copy(ys[i*l.outF:(i+1)*l.outF], b)
		}
		beta = 1
	}
	gemm.Sgemm(false, true, n, l.outF, l.inF, 1, l.x, l.inF, f32(l.weight.Value), l.inF, beta, ys, l.outF)
	return y
}

func (l *Dense) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, []int{l.outF})
	dys := f32(dy)
	// dW += dy^T x;  dx = dy W;  db += sum over the batch of dy.
	gemm.Sgemm(true, false, l.outF, l.inF, l.n, 1, dys, l.outF, l.x, l.inF, 1, f32(l.weight.Grad), l.inF)
	var dx *tensor.Dense
	if !l.noDx {
		var dxs []float32
		dx, dxs = l.dx.get(l.n)
		gemm.Sgemm(false, false, l.n, l.inF, l.outF, 1, dys, l.outF, f32(l.weight.Value), l.inF, 0, dxs, l.inF)
	}
	if l.bias != nil {
		db := f32(l.bias.Grad)
		for i := 0; i < l.n; i++ {
			for j, v := range dys[i*l.outF : (i+1)*l.outF] {
				db[j] += v
			}
		}
	}
	return dx
}
