package activations

import (
	"math"
	"sort"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

// pauInit are the coefficients the PAU authors initialise with, their
// rational fit of leaky ReLU ("pade_optimized_leakyrelu" in
// github.com/ml-research/pau): a0..a5, then b1..b4.
var pauInit = [10]float64{
	3.35583603e-02, 5.05000375e-01, 1.65343934e+00, 2.01001052e+00, 9.31901999e-01, 1.52424124e-01,
	3.30847488e-06, 3.98021568e+00, 5.12471206e-07, 3.01830109e-01,
}

func init() {
	params := make([]registry.ParamInfo, 0, 12)
	for j := 0; j <= 5; j++ {
		params = append(params, elementwise.Trainable("a"+string(rune('0'+j)), pauInit[j], -1e3, 1e3, "numerator coefficient of x^"+string(rune('0'+j))))
	}
	for k := 1; k <= 4; k++ {
		params = append(params, elementwise.Trainable("b"+string(rune('0'+k)), pauInit[5+k], -1e3, 1e3, "denominator coefficient of x^"+string(rune('0'+k))))
	}
	params = append(params, elementwise.PerParam, elementwise.TrainParam)
	registry.Register(registry.Info{
		Name: "pau",
		Formula: "(a0 + a1*x + ... + a5*x^5) / (1 + |b1*x + b2*x^2 + b3*x^3 + b4*x^4|) " +
			"(safe Pade activation unit of degrees (5, 4); the defaults are the authors' fit of leaky ReLU)",
		Reference: "Molina, Schramowski, Kersting: Pade Activation Units: End-to-end Learning of Flexible Activation Functions in Deep Networks, ICLR 2020, arXiv:1907.06732",
		Params:    params,
		Monotonic: false, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, pau{})
		},
	})
}

// pau runs on the float32 kernels of package kernels/act (Horner's rule in
// x), which serve |x| <= act.PAUNear with coefficients up to
// act.PAUMaxCoeff; a block of pauBlock elements that holds a larger |x|
// (where x^5 may overflow float32), or any call with a larger coefficient,
// is evaluated by the scaled float64 form below instead (forward, backward
// and gradients alike), so the result depends only on the data and the
// coefficients, never on the CPU.
//
// The scaled form evaluates P/Q scaled by s^4, s = max(1, |x|), in r = x/s (|r| <= 1)
// and w = 1/s: every term stays in range for any x, so that f(+-Inf) is the
// right infinity (or the limit) instead of Inf/Inf, and for |x| <= 1 it is
// the plain evaluation (s = w = 1, r = x). s is capped at 1e75, where w^4 =
// 1e-300 is still a normal float64 (lower-degree terms must not underflow:
// they lead when b4 or a5 is 0) and s itself is beyond float32. With
// Pn = P/s^4, Bn = B/s^4 (B = b1*x + ... + b4*x^4), Qn = w^4 + |Bn|:
//
//	Pn = a0*w^4 + r*(a1*w^3 + r*(a2*w^2 + r*(a3*w + r*(a4 + r*a5*s))))
//	Bn = r*(b1*w^3 + r*(b2*w^2 + r*(b3*w + r*b4)))
type pau struct{}

// BlockwiseForward marks pau's Forward as not pointwise (elementwise.Blockwise):
// a block holding a large input runs on the scaled float64 form as a whole.
func (pau) BlockwiseForward() {}

type pauScaled struct{ r, s, w, w2, w3, w4 float64 }

func pauScale(x float64) pauScaled {
	ax := math.Abs(x)
	s := max(1, min(ax, 1e75))
	w := 1 / s
	w2 := w * w
	return pauScaled{r: math.Copysign(min(ax, 1), x), s: s, w: w, w2: w2, w3: w2 * w, w4: w2 * w2}
}

func (z pauScaled) pn(a []float32) float64 {
	a0, a1, a2, a3, a4, a5 := float64(a[0]), float64(a[1]), float64(a[2]), float64(a[3]), float64(a[4]), float64(a[5])
	r := z.r
	return a0*z.w4 + r*(a1*z.w3+r*(a2*z.w2+r*(a3*z.w+r*(a4+r*a5*z.s))))
}

func (z pauScaled) bn(b []float32) float64 {
	b1, b2, b3, b4 := float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3])
	r := z.r
	return r * (b1*z.w3 + r*(b2*z.w2+r*(b3*z.w+r*b4)))
}

// pauBlock is the length of the blocks that run, each as a whole, on the
// kernels or in float64.
const pauBlock = 4096

func (pau) Forward(y, x, p []float32) {
	c := (*[10]float32)(p[:10])
	for lo := 0; lo < len(x); lo += pauBlock {
		hi := min(lo+pauBlock, len(x))
		if !act.PAU(y[lo:hi], x[lo:hi], c) {
			pauForward64(y[lo:hi], x[lo:hi], p)
		}
	}
}

func (pau) Backward(dx, dy, x, p []float32, g []float64) {
	c := (*[10]float32)(p[:10])
	for lo := 0; lo < len(x); lo += pauBlock {
		hi := min(lo+pauBlock, len(x))
		if gb, ok := act.PAUBackward(dx[lo:hi], dy[lo:hi], x[lo:hi], c); ok {
			for j := range gb {
				g[j] += gb[j]
			}
		} else {
			pauBackward64(dx[lo:hi], dy[lo:hi], x[lo:hi], p, g)
		}
	}
}

// pauForward64 is the scaled float64 evaluation.
func pauForward64(y, x, p []float32) {
	a, b := p[:6], p[6:10]
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			z := pauScale(t)
			v[i] = z.pn(a) / (z.w4 + math.Abs(z.bn(b)))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// pauBackward64 is the scaled float64 backward pass, with sg = sign(B) and
// Q = 1+|B|:
//
//	d/dx = P'/Q - P*sg*B'/Q^2,  d/da_j = x^j/Q,  d/db_k = -P*sg*x^k/Q^2
//
// all in the scaled quantities: x^j/s^4 = r^j * s^(j-4), P'/s^4 and B'/s^4
// the scaled derivatives. At B = 0 (x = 0 always) sg is +1: the one-sided
// derivative of the side where |B| = B. (PyTorch's abs'(0) = 0 would give the
// mean of the two sides, which is no derivative of either.)
func pauBackward64(dx, dy, x, p []float32, g []float64) {
	a, b := p[:6], p[6:10]
	a1, a2, a3, a4, a5 := float64(a[1]), float64(a[2]), float64(a[3]), float64(a[4]), float64(a[5])
	b1, b2, b3, b4 := float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3])
	var ga [6]float64
	var gb [4]float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			z := pauScale(t)
			r := z.r
			pn, bn := z.pn(a), z.bn(b)
			inv := 1 / (z.w4 + math.Abs(bn))
			sg := 1 - 2*fmath.Step(bn < 0)
			dpn := a1*z.w4 + r*(2*a2*z.w3+r*(3*a3*z.w2+r*(4*a4*z.w+r*5*a5)))
			dbn := b1*z.w4 + r*(2*b2*z.w3+r*(3*b3*z.w2+r*4*b4*z.w))
			d := dv[i]
			dv[i] = d * (dpn - pn*sg*dbn*inv) * inv
			// Monomials x^j/s^4, j = 0..5.
			r2 := r * r
			m0, m1, m2, m3, m4 := z.w4, r*z.w3, r2*z.w2, r2*r*z.w, r2*r2
			m5 := m4 * r * z.s
			di := d * inv
			ga[0] += di * m0
			ga[1] += di * m1
			ga[2] += di * m2
			ga[3] += di * m3
			ga[4] += di * m4
			ga[5] += di * m5
			dq := -di * pn * sg * inv
			gb[0] += dq * m1
			gb[1] += dq * m2
			gb[2] += dq * m3
			gb[3] += dq * m4
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	for j := range ga {
		g[j] += ga[j]
	}
	for k := range gb {
		g[6+k] += gb[k]
	}
}

// Reference evaluates the powers directly where they are in range, and
// divides numerator and denominator by x^4 (in u = 1/x) beyond.
func (pau) Reference(x float64, p []float64) float64 {
	a, b := p[:6], p[6:10]
	if math.Abs(x) < 1e50 {
		num, den := 0.0, 0.0
		for j := 0; j <= 5; j++ {
			num += a[j] * math.Pow(x, float64(j))
		}
		for k := 1; k <= 4; k++ {
			den += b[k-1] * math.Pow(x, float64(k))
		}
		return num / (1 + math.Abs(den))
	}
	u := 1 / x
	num := a[5]*x + a[4] + a[3]*u + a[2]*u*u + a[1]*u*u*u + a[0]*u*u*u*u
	den := u*u*u*u + math.Abs(b[3]+b[2]*u+b[1]*u*u+b[0]*u*u*u)
	return num / den
}

// KinksAt returns where B = x*(b1 + b2*x + b3*x^2 + b4*x^3) changes sign:
// 0 and the real roots of the cubic.
func (pau) KinksAt(p []float64) []float64 {
	return append([]float64{0}, realRoots(p[6:10])...)
}

// realRoots returns the real roots of c[0] + c[1]*x + ... + c[n]*x^n
// (n <= 3) where the polynomial changes sign, by bisection between its
// critical points (the roots of its derivative), where it is monotonic.
func realRoots(c []float64) []float64 {
	n := len(c) - 1
	for n > 0 && c[n] == 0 {
		n--
	}
	c = c[:n+1]
	switch n {
	case 0:
		return nil
	case 1:
		return []float64{-c[0] / c[1]}
	}
	bound := 1.0 // Cauchy: every root has |x| <= 1 + max |c_i/c_n|
	for _, ci := range c[:n] {
		bound = max(bound, 1+math.Abs(ci/c[n]))
	}
	deriv := make([]float64, n)
	for i := 1; i <= n; i++ {
		deriv[i-1] = float64(i) * c[i]
	}
	pts := []float64{-bound}
	for _, r := range realRoots(deriv) {
		if r > -bound && r < bound {
			pts = append(pts, r)
		}
	}
	pts = append(pts, bound)
	sort.Float64s(pts)
	eval := func(x float64) float64 {
		v := 0.0
		for i := n; i >= 0; i-- {
			v = v*x + c[i]
		}
		return v
	}
	var roots []float64
	for i := 0; i+1 < len(pts); i++ {
		lo, hi := pts[i], pts[i+1]
		flo, fhi := eval(lo), eval(hi)
		if flo == 0 {
			// A root at a critical point changes sign only at an inflection
			// (x^3), not where the polynomial touches 0 ((x-1)^2).
			if i > 0 && eval(pts[i-1])*fhi < 0 {
				roots = append(roots, lo)
			}
			continue
		}
		if flo*fhi > 0 || fhi == 0 {
			continue // no sign change inside (a root at hi is the next interval's)
		}
		for it := 0; it < 200 && hi-lo > 1e-15*max(1, math.Abs(lo)); it++ {
			mid := (lo + hi) / 2
			if fm := eval(mid); fm == 0 {
				lo, hi = mid, mid
			} else if (fm < 0) == (flo < 0) {
				lo, flo = mid, fm
			} else {
				hi = mid
			}
		}
		roots = append(roots, (lo+hi)/2)
	}
	return roots
}
