// Package activations holds actbench's built-in activation functions. Each
// lives in its own file and registers itself with package registry from init,
// so a blank import (in a main package: cmd/actbench does it) brings them all
// in:
//
//	import _ "github.com/actbench/actbench/activations"
//
// Every kernel is branch-free (selections by bit masks and min/max, no
// data-dependent jumps) and allocation-free. Most run on the float32 SIMD
// kernels of package kernels/act (the ReLU family, PVLU, the smooth
// activations, and one-pass fused kernels for the composite ones: serf,
// pserf, erfact, golu, tanhexp, smish, srs, aconc, gcu, lisht, tanhshrink,
// pau and more), which give the same bits on every path and are within a few
// float32 ulps of the exact function (stated per kernel there); trainable
// parameters with per=channel use its per-element ("Row") kernels on dense
// rows. PDELU away from its default t evaluates in float64 with kernels/fmath
// and mathx.go (a general logarithm) and rounds once to float32. PAU takes a
// block holding an |x| > 2^14 in float64 (where its float32 powers would
// overflow). At kinks derivatives follow PyTorch where PyTorch has the
// function, and are one-sided elsewhere.
//
// Adding an activation is adding one file: register an Info whose New returns
// elementwise.New(args, channels, k) for a kernel k (forward, backward and
// float64 reference on a run of elements that share parameter values), and
// the conformance test picks it up.
package activations
