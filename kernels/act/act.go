package act

import "fmt"

// blockLen bounds the number of elements whose parameter-gradient terms are
// summed in float32 (in 16 lanes, 256 terms each) before the partial sums
// join the float64 total.
const blockLen = 4096

// fold adds the 16 float32 lanes of sum j in float64, in lane order from 0:
// the fixed combination every path shares (the pure-Go kernels call it; the
// assembly ones do the same additions before they return).
func fold(sums []float32, j int) float64 {
	var s float64
	for _, v := range sums[16*j : 16*j+16] {
		s += float64(v)
	}
	return s
}

// addSums adds a block's sums to s.
func addSums(s, block []float64) {
	for j := range s {
		s[j] += block[j]
	}
}

// ReLU sets y[i] = max(0, x[i]). y may alias x. ReLU(-0) is -0.
func ReLU(y, x []float32) {
	if len(y) != len(x) {
		panicLen("ReLU", "y", len(y), "x", len(x))
	}
	current().relu(y, x)
}

// ReLUBackward sets dx[i] = dy[i] if x[i] > 0, else 0 (the derivative at 0 is
// 0, as in PyTorch); a NaN x[i] gives a NaN dx[i]. dx may alias dy.
func ReLUBackward(dx, dy, x []float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("ReLUBackward", len(dx), len(dy), len(x))
	}
	current().reluBackward(dx, dy, x)
}

// LeakyReLU sets y[i] = x[i] if x[i] > 0, else slope*x[i] (PReLU with a shared
// slope is the same kernel). y may alias x.
func LeakyReLU(y, x []float32, slope float32) {
	if len(y) != len(x) {
		panicLen("LeakyReLU", "y", len(y), "x", len(x))
	}
	current().leakyReLU(y, x, slope)
}

// LeakyReLUBackward sets dx[i] = dy[i] * (x[i] > 0 ? 1 : slope) and returns the
// gradient of the slope, sum(dy[i]*x[i] over x[i] <= 0). A NaN x[i] gives a NaN
// dx[i] and a NaN gslope. dx may alias dy.
func LeakyReLUBackward(dx, dy, x []float32, slope float32) (gslope float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("LeakyReLUBackward", len(dx), len(dy), len(x))
	}
	k := current().leakyReLUBackward
	var sum float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], slope)
		sum += sums[0]
	}
	return float32(sum)
}

// PVLU sets y[i] = max(0, x[i]) + a*sin(b*x[i]) with this package's sine (see
// Sin), evaluated at the exact product b*x[i]. y may alias x. In the
// far-fetched case that b*x[i] overflows float32 (|b*x| > 3.4e38) the result
// is NaN there.
func PVLU(y, x []float32, a, b float32) {
	if len(y) != len(x) {
		panicLen("PVLU", "y", len(y), "x", len(x))
	}
	current().pvlu(y, x, a, b)
}

// PVLUBackward sets dx[i] = dy[i] * ([x[i] > 0] + a*b*cos(b*x[i])) and returns
// the parameter gradients ga = sum(dy[i]*sin(b*x[i])) and
// gb = sum(dy[i]*a*x[i]*cos(b*x[i])). dx may alias dy.
func PVLUBackward(dx, dy, x []float32, a, b float32) (ga, gb float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("PVLUBackward", len(dx), len(dy), len(x))
	}
	k := current().pvluBackward
	ab := float32(float64(a) * float64(b))
	var sa, sb float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], b, ab)
		sa += sums[0]
		sb += sums[1]
	}
	return float32(sa), float32(sb * float64(a))
}

// PVLURow is PVLU with per-element parameters: y[i] = max(0,x[i]) +
// a[i]*sin(b[i]*x[i]). It serves per-channel parameters on a dense N x C row
// (call it once per row with the C-long parameter slices). y may alias x.
func PVLURow(y, x, a, b []float32) {
	if len(y) != len(x) || len(y) != len(a) || len(y) != len(b) {
		panicLenN("PVLURow", []string{"y", "x", "a", "b"}, len(y), len(x), len(a), len(b))
	}
	current().pvluRow(y, x, a, b)
}

// PVLURowBackward is PVLUBackward with per-element parameters: it sets
// dx[i] = dy[i]*([x[i] > 0] + a[i]*b[i]*cos(b[i]*x[i])) and accumulates
// ga[i] += dy[i]*sin(b[i]*x[i]) and gb[i] += dy[i]*a[i]*x[i]*cos(b[i]*x[i]).
// dx may alias dy.
func PVLURowBackward(dx, dy, x, a, b, ga, gb []float32) {
	n := len(dx)
	if len(dy) != n || len(x) != n || len(a) != n || len(b) != n || len(ga) != n || len(gb) != n {
		panicLenN("PVLURowBackward", []string{"dx", "dy", "x", "a", "b", "ga", "gb"},
			len(dx), len(dy), len(x), len(a), len(b), len(ga), len(gb))
	}
	current().pvluRowBackward(dx, dy, x, a, b, ga, gb)
}

// Sin sets y[i] = sin(x[i]), the float32 sine PVLU uses. y may alias x.
//
// Maximum absolute error against math.Sin(float64(x)), measured by
// TestSinError on a dense sweep of [-1e4, 1e4] (4M points plus the
// neighbourhoods of the multiples of pi/2): 1.25e-7 on every path (float32
// FMA arithmetic, the same bits everywhere); the tests assert 2e-7 for
// |x| <= 1e4 and again for 1e4 < |x| <= 1e6. Beyond |x| = 1e6 (where float32 spacing is 0.06
// and more) the result is still in [-1, 1] but not accurate. sin(+-Inf) and
// sin(NaN) are NaN.
func Sin(y, x []float32) {
	if len(y) != len(x) {
		panicLen("Sin", "y", len(y), "x", len(x))
	}
	current().sin(y, x)
}

func panicLen(fn, n1 string, l1 int, n2 string, l2 int) {
	panic(fmt.Sprintf("act.%s: slice lengths differ: len(%s)=%d, len(%s)=%d; pass equal-length slices", fn, n1, l1, n2, l2))
}

func panicLen3(fn string, ldx, ldy, lx int) {
	panicLenN(fn, []string{"dx", "dy", "x"}, ldx, ldy, lx)
}

func panicLenN(fn string, names []string, lens ...int) {
	msg := "act." + fn + ": slice lengths differ:"
	for i, name := range names {
		msg += fmt.Sprintf(" len(%s)=%d", name, lens[i])
	}
	panic(msg + "; pass equal-length slices")
}

// SReLU sets y[i] = al*(x-tl)+tl for x < tl, ar*(x-tr)+tr for x >= tr and
// x between: the S-shaped ReLU.
func SReLU(y, x []float32, tl, al, tr, ar float32) {
	if len(y) != len(x) {
		panicLen("SReLU", "y", len(y), "x", len(x))
	}
	current().srelu(y, x, tl, al, tr, ar)
}

// SReLUBackward sets dx[i] = dy[i]*(1 + (ar-1)*[x >= tr] + (al-1)*[x < tl])
// (at a threshold, the derivative of the side to its right) and returns the
// parameter gradients: d/dtl = (1-al)*sum(dy*[x < tl]), d/dal =
// sum(dy*min(x-tl, 0)), d/dtr = (1-ar)*sum(dy*[x >= tr]), d/dar =
// sum(dy*max(x-tr, 0)), summed in float64 over blocks.
func SReLUBackward(dx, dy, x []float32, tl, al, tr, ar float32) (gtl, gal, gtr, gar float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("SReLUBackward", len(dx), len(dy), len(x))
	}
	k := current().sreluBackward
	var s [4]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], tl, al, tr, ar)
		addSums(s[:], sums[:])
	}
	return float32(s[0] * float64(1-al)), float32(s[1]), float32(s[2] * float64(1-ar)), float32(s[3])
}

// APL sets y[i] = max(0, x) + a1*max(0, b1-x) + a2*max(0, b2-x): the
// adaptive piecewise linear unit with two hinges (a hinge with a1 = 0 adds
// exactly 0).
func APL(y, x []float32, a1, b1, a2, b2 float32) {
	if len(y) != len(x) {
		panicLen("APL", "y", len(y), "x", len(x))
	}
	current().apl(y, x, a1, b1, a2, b2)
}

// APLBackward sets dx[i] = dy[i]*([x > 0] - a1*[x < b1] - a2*[x < b2]) and
// returns the parameter gradients sum(dy*max(0, b_s-x)) (d/da_s) and
// a_s*sum(dy*[x < b_s]) (d/db_s), summed in float64 over blocks.
func APLBackward(dx, dy, x []float32, a1, b1, a2, b2 float32) (ga1, gb1, ga2, gb2 float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("APLBackward", len(dx), len(dy), len(x))
	}
	k := current().aplBackward
	var s [4]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], a1, b1, a2, b2)
		addSums(s[:], sums[:])
	}
	return float32(s[0]), float32(s[1] * float64(a1)), float32(s[2]), float32(s[3] * float64(a2))
}

// StarReLU sets y[i] = s*max(0, x[i])^2 + b.
func StarReLU(y, x []float32, s, b float32) {
	if len(y) != len(x) {
		panicLen("StarReLU", "y", len(y), "x", len(x))
	}
	current().starRelu(y, x, s, b)
}

// StarReLUBackward sets dx[i] = dy[i]*2s*max(0, x[i]) and returns the
// parameter gradients sum(dy*max(0, x)^2) (d/ds) and sum(dy) (d/db), summed
// in float64 over blocks.
func StarReLUBackward(dx, dy, x []float32, s float32) (gs, gb float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("StarReLUBackward", len(dx), len(dy), len(x))
	}
	k := current().starReluBackward
	var sum [2]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], 2*s)
		addSums(sum[:], sums[:])
	}
	return float32(sum[0]), float32(sum[1])
}

// PAUNear is the largest |x| the PAU kernels evaluate: up to it no term of
// P or B overflows float32 for coefficients up to PAUMaxCoeff in magnitude.
const PAUNear = 1 << 14

// PAUMaxCoeff bounds the coefficients the PAU kernels take (training may
// move them past the registry's bounds, which only check user input).
const PAUMaxCoeff = 1e3

// pauFits reports whether the kernels serve x with coefficients c.
func pauFits(x []float32, c *[10]float32) bool {
	for _, v := range c {
		if !(v >= -PAUMaxCoeff && v <= PAUMaxCoeff) { // NaN too
			return false
		}
	}
	return CountAbsAbove(x, PAUNear) == 0
}

// PAU sets y[i] = P(x)/(1 + |B(x)|), the safe Padé activation unit of
// degrees (5, 4), P = c[0] + c[1]*x + ... + c[5]*x^5, B = c[6]*x + ... +
// c[9]*x^4, by Horner's rule in float32, if every |x[i]| is at most PAUNear
// and every |c[j]| at most PAUMaxCoeff; otherwise (P and B may overflow) it
// reports false and leaves y as it was, for the caller to evaluate another
// way (a scaled form). y may alias x.
func PAU(y, x []float32, c *[10]float32) (ok bool) {
	if len(y) != len(x) {
		panicLen("PAU", "y", len(y), "x", len(x))
	}
	if !pauFits(x, c) {
		return false
	}
	current().pau(y, x, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9])
	return true
}

// PAUBackward sets dx[i] = dy[i]*(P' - P*sg*B'/Q)/Q, Q = 1 + |B|, sg the
// sign of B (+1 at B = 0: the derivative of the side where |B| = B), and
// returns the coefficient gradients sum(dy*x^j/Q) (c[j], j = 0..5) and
// -sum(dy*P*sg*x^k/Q^2) (c[5+k], k = 1..4), summed in float64 over blocks,
// under PAU's conditions; otherwise it reports false and leaves dx as it was
// (see PAU). dx may alias dy.
func PAUBackward(dx, dy, x []float32, c *[10]float32) (g [10]float64, ok bool) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3("PAUBackward", len(dx), len(dy), len(x))
	}
	if !pauFits(x, c) {
		return g, false
	}
	k := current().pauBackward
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi],
			c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9],
			2*c[2], 3*c[3], 4*c[4], 5*c[5], 2*c[7], 3*c[8], 4*c[9])
		addSums(g[:], sums[:])
	}
	return g, true
}

// CountAbsAbove returns the number of elements with |x[i]| > t (NaN is not
// counted).
func CountAbsAbove(x []float32, t float32) int {
	k := current().countAbsAbove
	n := 0
	for lo := 0; lo < len(x); lo += blockLen {
		n += int(k(x[lo:min(lo+blockLen, len(x))], t)[0])
	}
	return n
}
