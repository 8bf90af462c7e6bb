// Package layers holds the neural-network layers of actbench's training
// engine: float32, NCHW, with parameters and activations held in
// gorgonia.org/tensor dense tensors whose backing slices the hot loops use
// directly.
package layers

import (
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// ParamKind says what role a parameter plays, so that optimisers can treat
// kinds differently (e.g. no weight decay on norm and activation parameters).
type ParamKind int

const (
	Weight ParamKind = iota // conv and dense weights
	Bias                    // conv and dense biases
	Norm                    // batch-norm scale and shift
	// ActivationParam marks trainable activation parameters (PReLU slope,
	// PVLU a and b, ...). It is not called Activation because that name is
	// the Activation layer type.
	ActivationParam
	Buffer // persistent non-trainable state (batch-norm running statistics)
)

func (k ParamKind) String() string {
	switch k {
	case Weight:
		return "weight"
	case Bias:
		return "bias"
	case Norm:
		return "norm"
	case ActivationParam:
		return "activation"
	case Buffer:
		return "buffer"
	}
	return "unknown"
}

// Param is a named tensor of a layer with its gradient. Grad is nil for
// buffers. Gradients accumulate: Backward adds to Grad, and the trainer zeroes
// it between steps.
type Param struct {
	Name  string // unique within a model, e.g. "conv1.weight"
	Kind  ParamKind
	Value *tensor.Dense
	Grad  *tensor.Dense
}

// Layer is one stage of a network. A model calls Setup once with the shape of
// one example, then Forward and Backward once per step. Layers own their
// output and gradient buffers and reuse them across steps, reallocating only
// when the batch grows, so a training step allocates nothing once warm.
type Layer interface {
	// Name is the layer's unique name in its model, e.g. "conv1", "act3".
	Name() string
	// Setup fixes the layer's input shape (one example, without the batch
	// dimension: [C H W] or [F]) and returns its output shape, or an error that
	// names the layer and both shapes when they do not fit.
	Setup(in []int) (out []int, err error)
	// Forward computes the output for a batch x of shape [N, in...]. train
	// selects training behaviour (batch statistics, dropout). The result is
	// owned by the layer and valid until its next Forward call.
	Forward(x *tensor.Dense, train bool) *tensor.Dense
	// Backward takes the gradient of the loss with respect to the last
	// Forward's output, adds the parameter gradients to their Grad, and returns
	// the gradient with respect to that Forward's input (owned by the layer).
	Backward(dy *tensor.Dense) *tensor.Dense
	// Params returns the layer's trainable parameters and buffers, in a fixed
	// order (what checkpoints save).
	Params() []*Param
}

// Initializer is implemented by layers with random state: parameters to
// initialise, or dropout masks to draw. A model calls Init once, after Setup,
// with a generator derived from the trial seed and the layer's name, so that
// two models that differ only in their activation start from the same weights
// and draw the same dropout masks.
type Initializer interface {
	Init(rng *rand.Rand)
}

// Container is implemented by layers made of other layers (Sequential,
// Residual), so that a model can walk every layer it holds.
type Container interface {
	Sublayers() []Layer
}
