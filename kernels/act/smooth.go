package act

// The smooth activations: float32 kernels built on one exponential (and, for
// GELU, a rational approximation of the normal tail), forward and backward,
// the backward recomputing from x. Their accuracy against float64 references
// is stated in doc.go and asserted by TestSmoothAccuracy. Every function
// panics when the slice lengths differ, allocates nothing, and lets y alias x
// (forward) and dx alias dy (backward).

func check2(fn string, y, x []float32) {
	if len(y) != len(x) {
		panicLen(fn, "y", len(y), "x", len(x))
	}
}

func check3(fn string, dx, dy, x []float32) {
	if len(dx) != len(dy) || len(dx) != len(x) {
		panicLen3(fn, len(dx), len(dy), len(x))
	}
}

// Sigmoid sets y[i] = 1/(1+exp(-x[i])).
func Sigmoid(y, x []float32) { check2("Sigmoid", y, x); current().sigmoid(y, x) }

// SigmoidBackward sets dx[i] = dy[i]*s*(1-s), s = sigmoid(x[i]).
func SigmoidBackward(dx, dy, x []float32) {
	check3("SigmoidBackward", dx, dy, x)
	current().sigmoidBackward(dx, dy, x)
}

// SiLU sets y[i] = x[i]*sigmoid(x[i]).
func SiLU(y, x []float32) { check2("SiLU", y, x); current().silu(y, x) }

// SiLUBackward sets dx[i] = dy[i]*(s + x*s*(1-s)), s = sigmoid(x[i]).
func SiLUBackward(dx, dy, x []float32) {
	check3("SiLUBackward", dx, dy, x)
	current().siluBackward(dx, dy, x)
}

// Swish sets y[i] = x[i]*sigmoid(beta*x[i]), with beta*x formed exactly.
func Swish(y, x []float32, beta float32) { check2("Swish", y, x); current().swish(y, x, beta) }

// SwishBackward sets dx[i] = dy[i]*(s + beta*x*s*(1-s)), s = sigmoid(beta*x[i]),
// and returns the gradient of beta, sum(dy[i]*x[i]^2*s*(1-s)).
func SwishBackward(dx, dy, x []float32, beta float32) (gbeta float32) {
	check3("SwishBackward", dx, dy, x)
	k := current().swishBackward
	var sum float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], beta)
		sum += sums[0]
	}
	return float32(sum)
}

// SwishRow is Swish with per-element beta (per-channel parameters on a
// dense N x C row).
func SwishRow(y, x, beta []float32) {
	if len(y) != len(x) || len(y) != len(beta) {
		panicLenN("SwishRow", []string{"y", "x", "beta"}, len(y), len(x), len(beta))
	}
	current().swishRow(y, x, beta)
}

// SwishRowBackward is SwishBackward with per-element beta: it accumulates
// gbeta[i] += dy[i]*x[i]^2*s*(1-s).
func SwishRowBackward(dx, dy, x, beta, gbeta []float32) {
	n := len(dx)
	if len(dy) != n || len(x) != n || len(beta) != n || len(gbeta) != n {
		panicLenN("SwishRowBackward", []string{"dx", "dy", "x", "beta", "gbeta"}, len(dx), len(dy), len(x), len(beta), len(gbeta))
	}
	current().swishRowBackward(dx, dy, x, beta, gbeta)
}

// Softplus sets y[i] = log(1+exp(beta*x[i]))/beta, or x[i] where
// beta*x[i] > threshold (PyTorch's linear regime; the float32 product is
// compared, as PyTorch does).
func Softplus(y, x []float32, beta, threshold float32) {
	check2("Softplus", y, x)
	current().softplus(y, x, beta, float32(1/float64(beta)), threshold)
}

// SoftplusBackward sets dx[i] = dy[i]*sigmoid(beta*x[i]), or dy[i] where
// beta*x[i] > threshold.
func SoftplusBackward(dx, dy, x []float32, beta, threshold float32) {
	check3("SoftplusBackward", dx, dy, x)
	current().softplusBackward(dx, dy, x, beta, threshold)
}

// LogSigmoid sets y[i] = log(sigmoid(x[i])) = min(x, 0) - log(1+exp(-|x|)).
func LogSigmoid(y, x []float32) { check2("LogSigmoid", y, x); current().logsigmoid(y, x) }

// LogSigmoidBackward sets dx[i] = dy[i]*sigmoid(-x[i]).
func LogSigmoidBackward(dx, dy, x []float32) {
	check3("LogSigmoidBackward", dx, dy, x)
	current().logsigmoidBackward(dx, dy, x)
}

// Tanh sets y[i] = tanh(x[i]).
func Tanh(y, x []float32) { check2("Tanh", y, x); current().tanh(y, x) }

// TanhBackward sets dx[i] = dy[i]*(1 - tanh(x[i])^2), computed as
// 4E/(1+E)^2 with E = exp(-2|x|), which keeps its relative accuracy where
// tanh is close to +-1.
func TanhBackward(dx, dy, x []float32) {
	check3("TanhBackward", dx, dy, x)
	current().tanhBackward(dx, dy, x)
}

// ELU sets y[i] = scale*x[i] if x[i] > 0, else scale*alpha*(exp(x[i])-1)
// (SELU is scale = 1.0507, alpha = 1.6733).
func ELU(y, x []float32, alpha, scale float32) {
	check2("ELU", y, x)
	current().elu(y, x, scale, float32(float64(scale)*float64(alpha)))
}

// ELUBackward sets dx[i] = dy[i]*scale if x[i] > 0, else
// dy[i]*scale*alpha*exp(x[i]) (the left derivative at 0, as PyTorch).
func ELUBackward(dx, dy, x []float32, alpha, scale float32) {
	check3("ELUBackward", dx, dy, x)
	current().eluBackward(dx, dy, x, scale, float32(float64(scale)*float64(alpha)))
}

// CELU sets y[i] = x[i] if x[i] > 0, else alpha*(exp(x[i]/alpha)-1).
func CELU(y, x []float32, alpha float32) {
	check2("CELU", y, x)
	current().celu(y, x, alpha, float32(1/float64(alpha)))
}

// CELUBackward sets dx[i] = dy[i] if x[i] > 0, else dy[i]*exp(x[i]/alpha).
func CELUBackward(dx, dy, x []float32, alpha float32) {
	check3("CELUBackward", dx, dy, x)
	current().celuBackward(dx, dy, x, alpha, float32(1/float64(alpha)))
}

// PELU sets y[i] = (a/b)*x[i] if x[i] >= 0, else a*(exp(x[i]/b)-1).
func PELU(y, x []float32, a, b float32) {
	check2("PELU", y, x)
	current().pelu(y, x, a, b, a/b, 1/b)
}

// PELUBackward sets dx[i] = dy[i]*(a/b)*E, E = x >= 0 ? 1 : exp(x/b), and
// returns the parameter gradients ga = sum(dy*(x >= 0 ? x/b : exp(x/b)-1))
// and gb = -(a/b)*sum(dy*(x/b)*E).
func PELUBackward(dx, dy, x []float32, a, b float32) (ga, gb float32) {
	check3("PELUBackward", dx, dy, x)
	k := current().peluBackward
	var sa, sb float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], a, b, a/b, 1/b)
		sa += sums[0]
		sb += sums[1]
	}
	return float32(sa), float32(-sb * float64(a/b))
}

// PELURow is PELU with per-element parameters.
func PELURow(y, x, a, b []float32) {
	if len(y) != len(x) || len(y) != len(a) || len(y) != len(b) {
		panicLenN("PELURow", []string{"y", "x", "a", "b"}, len(y), len(x), len(a), len(b))
	}
	current().peluRow(y, x, a, b)
}

// PELURowBackward is PELUBackward with per-element parameters: it
// accumulates ga[i] += dy*df/da and gb[i] += dy*df/db.
func PELURowBackward(dx, dy, x, a, b, ga, gb []float32) {
	n := len(dx)
	if len(dy) != n || len(x) != n || len(a) != n || len(b) != n || len(ga) != n || len(gb) != n {
		panicLenN("PELURowBackward", []string{"dx", "dy", "x", "a", "b", "ga", "gb"},
			len(dx), len(dy), len(x), len(a), len(b), len(ga), len(gb))
	}
	current().peluRowBackward(dx, dy, x, a, b, ga, gb)
}

// Mish sets y[i] = x[i]*tanh(log(1+exp(x[i]))).
func Mish(y, x []float32) { check2("Mish", y, x); current().mish(y, x) }

// MishBackward sets dx[i] = dy[i]*(tsp + x*(1-tsp^2)*sigmoid(x)),
// tsp = tanh(log(1+exp(x[i]))).
func MishBackward(dx, dy, x []float32) {
	check3("MishBackward", dx, dy, x)
	current().mishBackward(dx, dy, x)
}

// GELU sets y[i] = x[i]*Phi(x[i]), Phi the standard normal CDF (PyTorch's
// F.gelu, approximate='none').
func GELU(y, x []float32) { check2("GELU", y, x); current().gelu(y, x) }

// GELUBackward sets dx[i] = dy[i]*(Phi(x) + x*phi(x)), phi the normal density.
func GELUBackward(dx, dy, x []float32) {
	check3("GELUBackward", dx, dy, x)
	current().geluBackward(dx, dy, x)
}

// GELUTanh sets y[i] = x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))
// (PyTorch's approximate='tanh'), evaluated as x*sigmoid(2*sqrt(2/pi)*(x +
// 0.044715*x^3)), which has no cancellation for x < 0.
func GELUTanh(y, x []float32) { check2("GELUTanh", y, x); current().geluTanh(y, x) }

// GELUTanhBackward sets dx[i] = dy[i]*d/dx GELUTanh(x[i]).
func GELUTanhBackward(dx, dy, x []float32) {
	check3("GELUTanhBackward", dx, dy, x)
	current().geluTanhBackward(dx, dy, x)
}

// Exp sets y[i] = e^x[i] (a building block: activations compose it with
// other kernels on blocks of values).
func Exp(y, x []float32) { check2("Exp", y, x); current().exp(y, x) }

// ExpBackward sets dx[i] = dy[i]*e^x[i].
func ExpBackward(dx, dy, x []float32) {
	check3("ExpBackward", dx, dy, x)
	current().expBackward(dx, dy, x)
}

// Erf sets y[i] = erf(x[i]) (a building block, as Exp).
func Erf(y, x []float32) { check2("Erf", y, x); current().erf(y, x) }

// ErfBackward sets dx[i] = dy[i]*2/sqrt(pi)*exp(-x[i]^2).
func ErfBackward(dx, dy, x []float32) {
	check3("ErfBackward", dx, dy, x)
	current().erfBackward(dx, dy, x)
}

// Softsign sets y[i] = x[i]/(1+|x[i]|).
func Softsign(y, x []float32) { check2("Softsign", y, x); current().softsign(y, x) }

// SoftsignBackward sets dx[i] = dy[i]/(1+|x[i]|)^2.
func SoftsignBackward(dx, dy, x []float32) {
	check3("SoftsignBackward", dx, dy, x)
	current().softsignBackward(dx, dy, x)
}

// Elliott sets y[i] = x/(2(1+|x|)) + 1/2, computed as (1 + 2max(x, 0))/(2(1+|x|))
// (no cancellation for x << 0).
func Elliott(y, x []float32) { check2("Elliott", y, x); current().elliott(y, x) }

// ElliottBackward sets dx[i] = dy[i]/(2(1+|x[i]|)^2).
func ElliottBackward(dx, dy, x []float32) {
	check3("ElliottBackward", dx, dy, x)
	current().elliottBackward(dx, dy, x)
}

// Hardswish sets y[i] = max(x, -3)*min(max(x+3, 0), 6)/6 (x*relu6(x+3)/6,
// -0 at -Inf).
func Hardswish(y, x []float32) { check2("Hardswish", y, x); current().hardswish(y, x) }

// HardswishBackward sets dx[i] = dy[i] times PyTorch's derivative: 0 below
// -3, x/3 + 1/2 up to 3, 1 above.
func HardswishBackward(dx, dy, x []float32) {
	check3("HardswishBackward", dx, dy, x)
	current().hardswishBackward(dx, dy, x)
}

// Hardshrink sets y[i] = x[i] if |x[i]| > lambda (or x[i] is NaN), 0
// otherwise.
func Hardshrink(y, x []float32, lambda float32) {
	check2("Hardshrink", y, x)
	current().hardshrink(y, x, lambda)
}

// Softshrink sets y[i] = x[i] - clamp(x[i], -lambda, lambda).
func Softshrink(y, x []float32, lambda float32) {
	check2("Softshrink", y, x)
	current().softshrink(y, x, lambda)
}

// ShrinkBackward sets dx[i] = dy[i]*[|x[i]| > lambda], the derivative of
// hard and soft shrinkage (0 on [-lambda, lambda] including its ends, as
// PyTorch's).
func ShrinkBackward(dx, dy, x []float32, lambda float32) {
	check3("ShrinkBackward", dx, dy, x)
	current().shrinkBackward(dx, dy, x, lambda)
}

// SquaredReLU sets y[i] = max(x[i], 0)^2.
func SquaredReLU(y, x []float32) { check2("SquaredReLU", y, x); current().squaredRelu(y, x) }

// SquaredReLUBackward sets dx[i] = dy[i]*2*max(x[i], 0).
func SquaredReLUBackward(dx, dy, x []float32) {
	check3("SquaredReLUBackward", dx, dy, x)
	current().squaredReluBackward(dx, dy, x)
}

// Threshold sets y[i] = value if x[i] <= th, else x[i] (NaN kept).
func Threshold(y, x []float32, th, value float32) {
	check2("Threshold", y, x)
	current().threshold(y, x, th, value)
}

// ThresholdBackward sets dx[i] = 0 if x[i] <= th, else dy[i] (PyTorch's).
func ThresholdBackward(dx, dy, x []float32, th float32) {
	check3("ThresholdBackward", dx, dy, x)
	current().thresholdBackward(dx, dy, x, th)
}

// Serf sets y[i] = x*erf(log(1+exp(x))) in one pass.
func Serf(y, x []float32) { check2("Serf", y, x); current().serf(y, x) }

// SerfBackward sets dx[i] = dy[i]*(erf(sp) + x*erf'(sp)*sigmoid(x)), sp =
// log(1+exp(x)), in one pass.
func SerfBackward(dx, dy, x []float32) {
	check3("SerfBackward", dx, dy, x)
	current().serfBackward(dx, dy, x)
}

// TanhExp sets y[i] = x*tanh(exp(x)) in one pass.
func TanhExp(y, x []float32) { check2("TanhExp", y, x); current().tanhExp(y, x) }

// TanhExpBackward sets dx[i] = dy[i]*(tanh(u) + x*u*sech(u)^2), u = exp(x),
// in one pass.
func TanhExpBackward(dx, dy, x []float32) {
	check3("TanhExpBackward", dx, dy, x)
	current().tanhExpBackward(dx, dy, x)
}

// Smish sets y[i] = alpha*x*tanh(log(1+sigmoid(beta*x))) in one pass.
func Smish(y, x []float32, alpha, beta float32) {
	check2("Smish", y, x)
	current().smish(y, x, alpha, beta)
}

// SmishBackward sets dx[i] = dy[i]*alpha*(t + beta*x*s(1-s)*dt/ds), s =
// sigmoid(beta*x), t = tanh(log(1+s)), in one pass.
func SmishBackward(dx, dy, x []float32, alpha, beta float32) {
	check3("SmishBackward", dx, dy, x)
	current().smishBackward(dx, dy, x, alpha, beta)
}

// GCU sets y[i] = x*cos(x) (accurate for |x| <= 1e6, as Sin).
func GCU(y, x []float32) { check2("GCU", y, x); current().gcu(y, x) }

// GCUBackward sets dx[i] = dy[i]*(cos(x) - x*sin(x)).
func GCUBackward(dx, dy, x []float32) {
	check3("GCUBackward", dx, dy, x)
	current().gcuBackward(dx, dy, x)
}

// Tanhshrink sets y[i] = x - tanh(x) (without the subtraction's
// cancellation near 0).
func Tanhshrink(y, x []float32) { check2("Tanhshrink", y, x); current().tanhshrink(y, x) }

// TanhshrinkBackward sets dx[i] = dy[i]*tanh(x)^2.
func TanhshrinkBackward(dx, dy, x []float32) {
	check3("TanhshrinkBackward", dx, dy, x)
	current().tanhshrinkBackward(dx, dy, x)
}

// GoLU sets y[i] = x*exp(-exp(-x)) in one pass.
func GoLU(y, x []float32) { check2("GoLU", y, x); current().golu(y, x) }

// GoLUBackward sets dx[i] = dy[i]*G*(1 + x*exp(-x)), G = exp(-exp(-x)).
func GoLUBackward(dx, dy, x []float32) {
	check3("GoLUBackward", dx, dy, x)
	current().goluBackward(dx, dy, x)
}

// ErfAct sets y[i] = x*erf(alpha*exp(beta*x)) in one pass.
func ErfAct(y, x []float32, alpha, beta float32) {
	check2("ErfAct", y, x)
	current().erfAct(y, x, alpha, beta)
}

// ErfActBackward sets dx[i] = dy[i]*(erf(u) + x*erf'(u)*u*beta), u =
// alpha*exp(beta*x), and returns d/dalpha = sum(dy*x*erf'(u)*exp(beta*x))
// and d/dbeta = sum(dy*x^2*erf'(u)*u), summed in float64 over blocks.
func ErfActBackward(dx, dy, x []float32, alpha, beta float32) (galpha, gbeta float64) {
	check3("ErfActBackward", dx, dy, x)
	k := current().erfActBackward
	var s [2]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], alpha, beta)
		addSums(s[:], sums[:])
	}
	return s[0], s[1]
}

// Pserf sets y[i] = x*erf(gamma*softplus(delta*x)) in one pass, softplus
// taken at delta*x as a double-float (any delta, 0 included).
func Pserf(y, x []float32, gamma, delta float32) {
	check2("Pserf", y, x)
	current().pserf(y, x, gamma, delta)
}

// PserfBackward sets dx[i] = dy[i]*(erf(u) + x*erf'(u)*gamma*s*delta), u =
// gamma*softplus(delta*x), s = sigmoid(delta*x), and returns d/dgamma =
// sum(dy*x*erf'(u)*softplus(delta*x)) and d/ddelta = sum(dy*x^2*erf'(u)*gamma*s),
// summed in float64 over blocks.
func PserfBackward(dx, dy, x []float32, gamma, delta float32) (ggamma, gdelta float64) {
	check3("PserfBackward", dx, dy, x)
	k := current().pserfBackward
	var s [2]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], gamma, delta)
		addSums(s[:], sums[:])
	}
	return s[0], s[1]
}

// SRS sets y[i] = x/(x/alpha + exp(-x/beta)) (soft-root-sign) in one pass,
// x clamped to +-1e30.
func SRS(y, x []float32, alpha, beta float32) {
	check2("SRS", y, x)
	current().srs(y, x, alpha, beta, float32(1/float64(beta)))
}

// SRSBackward sets dx[i] = dy[i]*f'(x) and returns d/dalpha = sum(dy*(f/alpha)^2)
// and d/dbeta = -sum(dy*x^2*e/dn^2)/beta^2 (e = exp(-|x|/beta), dn the
// denominator scaled by exp(x/beta) below 0), summed in float64 over blocks.
func SRSBackward(dx, dy, x []float32, alpha, beta float32) (galpha, gbeta float64) {
	check3("SRSBackward", dx, dy, x)
	k := current().srsBackward
	var s [2]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], alpha, beta, float32(1/float64(beta)))
		addSums(s[:], sums[:])
	}
	b := float64(beta)
	return s[0], -s[1] / (b * b)
}

// AconC sets y[i] = (p1-p2)*x*sigmoid(beta*(p1-p2)*x) + p2*x (ACON-C) in one
// pass.
func AconC(y, x []float32, p1, p2, beta float32) {
	check2("AconC", y, x)
	d := p1 - p2
	current().aconC(y, x, beta*d, d, p2)
}

// AconCBackward sets dx[i] = dy[i]*(d*q + p2), d = p1-p2, z = beta*d*x, s =
// sigmoid(z), q = s + z*s*(1-s), and returns d/dp1 = sum(dy*x*q), d/dp2 =
// sum(dy*x*(1-q)) and d/dbeta = sum(dy*(d*x)^2*s*(1-s)), summed in float64
// over blocks.
func AconCBackward(dx, dy, x []float32, p1, p2, beta float32) (gp1, gp2, gbeta float64) {
	check3("AconCBackward", dx, dy, x)
	k := current().aconCBackward
	d := p1 - p2
	var s [3]float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], beta*d, d, p2)
		addSums(s[:], sums[:])
	}
	return s[0], s[1], s[2]
}

// PDELUSquare sets y[i] = x > 0 ? x : alpha*((1 - x/2)^-2 - 1), PDELU at
// t = 1.5 (p = -2), in float32 without a power: -u(2+u)/b^2, u =
// min(-x/2, 1e18), b = 1+u.
func PDELUSquare(y, x []float32, alpha float32) {
	check2("PDELUSquare", y, x)
	current().pdeluSquare(y, x, alpha)
}

// PDELUSquareBackward sets dx[i] = dy[i]*(x > 0 ? 1 : alpha/b^3) and returns
// d/dalpha = sum(dy*(b^-2 - 1)) (0 for x > 0), summed in float64 over blocks.
func PDELUSquareBackward(dx, dy, x []float32, alpha float32) (galpha float64) {
	check3("PDELUSquareBackward", dx, dy, x)
	k := current().pdeluSquareBackward
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		galpha += k(dx[lo:hi], dy[lo:hi], x[lo:hi], alpha)[0]
	}
	return galpha
}

// Hardtanh sets y[i] = min(max(x[i], lo), hi) (NaN kept).
func Hardtanh(y, x []float32, lo, hi float32) {
	check2("Hardtanh", y, x)
	current().hardtanh(y, x, lo, hi)
}

// HardtanhBackward sets dx[i] = dy[i] times 1 strictly inside (lo, hi), 0
// at and beyond the bounds (PyTorch's).
func HardtanhBackward(dx, dy, x []float32, lo, hi float32) {
	check3("HardtanhBackward", dx, dy, x)
	current().hardtanhBackward(dx, dy, x, lo, hi)
}

// Hardsigmoid sets y[i] = min(max((x+3)/6, 0), 1), within an ulp of the
// exact value.
func Hardsigmoid(y, x []float32) { check2("Hardsigmoid", y, x); current().hardsigmoid(y, x) }

// HardsigmoidBackward sets dx[i] = dy[i] times 1/6 strictly inside (-3, 3),
// 0 elsewhere (PyTorch's).
func HardsigmoidBackward(dx, dy, x []float32) {
	check3("HardsigmoidBackward", dx, dy, x)
	current().hardsigmoidBackward(dx, dy, x)
}

// LiSHT sets y[i] = x*tanh(x) in one pass.
func LiSHT(y, x []float32) { check2("LiSHT", y, x); current().lisht(y, x) }

// LiSHTBackward sets dx[i] = dy[i]*(tanh(x) + x*sech(x)^2) in one pass.
func LiSHTBackward(dx, dy, x []float32) {
	check3("LiSHTBackward", dx, dy, x)
	current().lishtBackward(dx, dy, x)
}
