// Package activations holds actbench's built-in activation functions. Each
// lives in its own file and registers itself with package registry from init,
// so a blank import (in a main package: cmd/actbench does it) brings them all
// in:
//
//	import _ "github.com/actbench/actbench/activations"
//
// Every kernel is branch-free (selections by bit masks and min/max, no
// data-dependent jumps) and allocation-free. The ReLU family, PVLU and the
// smooth activations (sigmoid, silu, swish, softplus, logsigmoid, tanh, elu,
// selu, celu, pelu, mish, gelu, snake, sinlu) run on the float32 SIMD kernels
// of package kernels/act, which give the same bits on every path and are
// within a few float32 ulps of the exact function (stated per kernel there);
// trainable parameters with per=channel use its per-element ("Row") kernels
// on dense rows. The others (tanhshrink, whose x - tanh(x) cancels near 0,
// and the newer activations) evaluate in float64 with kernels/fmath and
// mathx.go (a general logarithm, erf accurate near 0) and round once to
// float32, or are plain float32 arithmetic. At kinks derivatives follow
// PyTorch where PyTorch has the function, and are one-sided elsewhere.
//
// Adding an activation is adding one file: register an Info whose New returns
// elementwise.New(args, channels, k) for a kernel k (forward, backward and
// float64 reference on a run of elements that share parameter values), and
// the conformance test picks it up.
package activations
