// Command fitcoeffs fits the polynomial and rational approximations of the
// activation kernels (asmgen/act/consts.go) and prints them with their
// maximum relative error. It is the record of where the coefficients come
// from: run it, and the numbers it prints are the ones in consts.go.
//
//	go run ./fitcoeffs          (in the asmgen module)
//
// Every fit is a weighted minimax fit by Lawson's algorithm: iteratively
// reweighted least squares on Chebyshev-spaced points, the weights
// multiplied each round by the error, which converges to the minimax
// (equioscillating) solution. Rational fits linearise P - f*Q = 0 with the
// previous Q in the weights (Loeb's method). Errors are in float64; the
// kernels round the coefficients to float32.
package main

import (
	"fmt"
	"math"
)

// lsq solves min ||A c - b|| (A is m x n, m >= n, row-major) by Householder
// QR.
func lsq(a [][]float64, b []float64) []float64 {
	m, n := len(a), len(a[0])
	A := make([][]float64, m)
	for i := range a {
		A[i] = append([]float64(nil), a[i]...)
	}
	y := append([]float64(nil), b...)
	for k := 0; k < n; k++ {
		var norm float64
		for i := k; i < m; i++ {
			norm = math.Hypot(norm, A[i][k])
		}
		if A[k][k] > 0 {
			norm = -norm
		}
		v := make([]float64, m)
		for i := k; i < m; i++ {
			v[i] = A[i][k]
		}
		v[k] -= norm
		var vv float64
		for i := k; i < m; i++ {
			vv += v[i] * v[i]
		}
		if vv == 0 {
			continue
		}
		for j := k; j < n; j++ {
			var s float64
			for i := k; i < m; i++ {
				s += v[i] * A[i][j]
			}
			s = 2 * s / vv
			for i := k; i < m; i++ {
				A[i][j] -= s * v[i]
			}
		}
		var s float64
		for i := k; i < m; i++ {
			s += v[i] * y[i]
		}
		s = 2 * s / vv
		for i := k; i < m; i++ {
			y[i] -= s * v[i]
		}
	}
	c := make([]float64, n)
	for k := n - 1; k >= 0; k-- {
		s := y[k]
		for j := k + 1; j < n; j++ {
			s -= A[k][j] * c[j]
		}
		c[k] = s / A[k][k]
	}
	return c
}

// chebPoints returns n Chebyshev-spaced points of [lo, hi], ends included.
func chebPoints(lo, hi float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		t := math.Cos(math.Pi * float64(i) / float64(n-1))
		xs[i] = lo + (hi-lo)*(1-t)/2
	}
	return xs
}

func horner(c []float64, x float64) float64 {
	s := 0.0
	for k := len(c) - 1; k >= 0; k-- {
		s = s*x + c[k]
	}
	return s
}

// polyFit fits sum c[k]*t^k, t = u(x), to g(x) minimising the maximum of
// |w(x)*(P(u(x)) - g(x))|, and returns c and that maximum.
func polyFit(g, w, u func(float64) float64, lo, hi float64, deg int) ([]float64, float64) {
	xs := chebPoints(lo, hi, 3000)
	lw := make([]float64, len(xs))
	for i := range lw {
		lw[i] = 1
	}
	var best []float64
	bestErr := math.Inf(1)
	for it := 0; it < 200; it++ {
		a := make([][]float64, len(xs))
		b := make([]float64, len(xs))
		for i, x := range xs {
			s := math.Sqrt(lw[i]) * w(x)
			row := make([]float64, deg+1)
			t := u(x)
			p := 1.0
			for k := range row {
				row[k] = s * p
				p *= t
			}
			a[i], b[i] = row, s*g(x)
		}
		c := lsq(a, b)
		var maxErr, sum float64
		errs := make([]float64, len(xs))
		for i, x := range xs {
			errs[i] = math.Abs(w(x) * (horner(c, u(x)) - g(x)))
			maxErr = math.Max(maxErr, errs[i])
		}
		if maxErr < bestErr {
			best, bestErr = c, maxErr
		}
		for i := range lw {
			lw[i] *= errs[i] + 1e-300
			sum += lw[i]
		}
		for i := range lw {
			lw[i] /= sum
		}
	}
	return best, bestErr
}

// ratFit fits P(x)/Q(x) (degrees m, n, Q's constant term 1) to f on
// [lo, hi] minimising the maximum relative error.
func ratFit(f func(float64) float64, lo, hi float64, m, n int) (p, q []float64, maxErr float64) {
	xs := chebPoints(lo, hi, 3000)
	lw := make([]float64, len(xs))
	qPrev := make([]float64, len(xs))
	for i := range lw {
		lw[i], qPrev[i] = 1, 1
	}
	maxErr = math.Inf(1)
	for it := 0; it < 300; it++ {
		a := make([][]float64, len(xs))
		b := make([]float64, len(xs))
		for i, x := range xs {
			fx := f(x)
			s := math.Sqrt(lw[i]) / math.Abs(fx*qPrev[i])
			row := make([]float64, m+1+n)
			t := 1.0
			for k := 0; k <= m; k++ {
				row[k] = s * t
				t *= x
			}
			t = x
			for k := 1; k <= n; k++ {
				row[m+k] = -s * fx * t
				t *= x
			}
			a[i], b[i] = row, s*fx
		}
		c := lsq(a, b)
		pc, qc := c[:m+1], append([]float64{1}, c[m+1:]...)
		var worst, sum float64
		errs := make([]float64, len(xs))
		for i, x := range xs {
			qv := horner(qc, x)
			qPrev[i] = qv
			errs[i] = math.Abs(horner(pc, x)/qv/f(x) - 1)
			worst = math.Max(worst, errs[i])
		}
		if worst < maxErr {
			p, q, maxErr = pc, qc, worst
		}
		for i := range lw {
			lw[i] *= errs[i] + 1e-300
			sum += lw[i]
		}
		for i := range lw {
			lw[i] /= sum
		}
	}
	return p, q, maxErr
}

func print(prefix string, c []float64, start int, errLabel string, err float64) {
	fmt.Printf("// %s: max relative error %.3g\n", errLabel, err)
	for k, v := range c {
		fmt.Printf("defF(\"%s%d\", %.17g, \"\")\n", prefix, start+k, v)
	}
	fmt.Println()
}

// phiTail is Phi(-a)*exp(a^2/2) = sqrt(pi/2)*erfcx(a/sqrt2), computed
// without overflow: erfc in the tail loses nothing in float64 up to a ~ 26.
func phiTail(a float64) float64 { return 0.5 * math.Erfc(a/math.Sqrt2) * math.Exp(a*a/2) }

func main() {
	// exp(r) = 1 + r + r^2*Q(r) on |r| <= 0.348 (ln2/2 = 0.3466 plus room:
	// k = round(t*log2e) with a rounded log2e can pick the neighbouring k
	// near half-integers): relative error of exp.
	ln2h := 0.348
	q, e := polyFit(
		func(r float64) float64 {
			if r == 0 {
				return 0.5
			}
			return (math.Expm1(r) - r) / (r * r)
		},
		func(r float64) float64 { return r * r / math.Exp(r) },
		func(r float64) float64 { return r },
		-ln2h, ln2h, 4)
	print("expP", q, 2, "exp(r) ~ 1 + r + r^2*(expP2 + ... + expP6*r^4), |r| <= 0.348", e)

	// log1p(e) = e*R(2e-1) on e in [0, 1]: relative error.
	log1pRatio := func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return math.Log1p(x) / x
	}
	r, e := polyFit(log1pRatio,
		func(x float64) float64 { return 1 / log1pRatio(x) },
		func(x float64) float64 { return 2*x - 1 },
		0, 1, 9)
	print("log1pR", r, 0, "log1p(e) ~ e*sum log1pRk*(2e-1)^k, e in [0, 1]", e)

	// Phi(-a) = exp(-a^2/2) * P(a)/Q(a), a in [0, 14.2] (beyond, x*Phi(x)
	// is below float32's smallest subnormal).
	p, qq, e := ratFit(phiTail, 0, 14.2, 4, 5)
	print("phiP", p, 0, "Phi(-a)*exp(a^2/2) ~ P(a)/Q(a), a in [0, 14.2]", e)
	print("phiQ", qq, 0, "(denominator)", e)
}
