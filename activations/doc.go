// Package activations holds actbench's built-in activation functions. Each
// lives in its own file and registers itself with package registry from init,
// so a blank import (in a main package: cmd/actbench does it) brings them all
// in:
//
//	import _ "github.com/actbench/actbench/activations"
//
// Every kernel is branch-free (selections by bit masks and min/max, no
// data-dependent jumps) and allocation-free; the ReLU family and PVLU run on
// the SIMD kernels of package kernels/act. Transcendental functions come from
// kernels/fmath and mathx.go (a general logarithm, erf accurate near 0),
// evaluated in float64 and rounded once to float32, so the forward values
// are within a couple of float32 ulps of the exact function (erfc within
// 1.2e-7 relative: GELU, and erf away from 0). At kinks derivatives follow
// PyTorch where PyTorch has the function, and are one-sided elsewhere.
//
// Adding an activation is adding one file: register an Info whose New returns
// elementwise.New(args, channels, k) for a kernel k (forward, backward and
// float64 reference on a run of elements that share parameter values), and
// the conformance test picks it up.
package activations
