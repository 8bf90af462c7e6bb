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
// on dense rows. tanhshrink evaluates in float64 with kernels/fmath (x -
// tanh(x) cancels near 0, which float32 cannot afford) and rounds once; the
// rest are plain float32 arithmetic. At kinks derivatives follow PyTorch.
//
// Adding an activation is adding one file: register an Info whose New returns
// elementwise.New(args, channels, k) for a kernel k (forward, backward and
// float64 reference on a run of elements that share parameter values), and
// the conformance test picks it up.
package activations
