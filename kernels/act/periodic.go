package act

// Snake and SinLU, the sine-based activations besides PVLU, on this
// package's sine (see Sin): the product a*x (b*x) is formed exactly, so the
// absolute error of the sine terms is Sin's, 1.25e-7, for |a*x| up to 1e6.

// Snake sets y[i] = x[i] + sin(a*x[i])^2/a.
func Snake(y, x []float32, a float32) {
	check2("Snake", y, x)
	current().snake(y, x, a, float32(1/float64(a)))
}

// SnakeBackward sets dx[i] = dy[i]*(1 + sin(2*a*x[i])) and returns the
// gradient of a, sum(dy*(x*sin(2ax)/a - sin(ax)^2/a^2)).
func SnakeBackward(dx, dy, x []float32, a float32) (ga float32) {
	check3("SnakeBackward", dx, dy, x)
	k := current().snakeBackward
	inv := 1 / float64(a)
	var sum float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], a, float32(inv))
		sum += sums[0]
	}
	return float32(sum * inv)
}

// SnakeRow is Snake with per-element a.
func SnakeRow(y, x, a []float32) {
	if len(y) != len(x) || len(y) != len(a) {
		panicLenN("SnakeRow", []string{"y", "x", "a"}, len(y), len(x), len(a))
	}
	current().snakeRow(y, x, a)
}

// SnakeRowBackward is SnakeBackward with per-element a: it accumulates
// ga[i] += dy*(x*sin(2ax)/a - sin(ax)^2/a^2).
func SnakeRowBackward(dx, dy, x, a, ga []float32) {
	n := len(dx)
	if len(dy) != n || len(x) != n || len(a) != n || len(ga) != n {
		panicLenN("SnakeRowBackward", []string{"dx", "dy", "x", "a", "ga"}, len(dx), len(dy), len(x), len(a), len(ga))
	}
	current().snakeRowBackward(dx, dy, x, a, ga)
}

// SinLU sets y[i] = (x[i] + a*sin(b*x[i]))*sigmoid(x[i]).
func SinLU(y, x []float32, a, b float32) { check2("SinLU", y, x); current().sinlu(y, x, a, b) }

// SinLUBackward sets dx[i] = dy[i]*((1 + a*b*cos(bx))*s + u*s*(1-s)), s =
// sigmoid(x), u = x + a*sin(bx), and returns ga = sum(dy*sin(bx)*s) and
// gb = sum(dy*a*x*cos(bx)*s).
func SinLUBackward(dx, dy, x []float32, a, b float32) (ga, gb float32) {
	check3("SinLUBackward", dx, dy, x)
	k := current().sinluBackward
	var sa, sb float64
	for lo := 0; lo < len(dx); lo += blockLen {
		hi := min(lo+blockLen, len(dx))
		sums := k(dx[lo:hi], dy[lo:hi], x[lo:hi], a, b)
		sa += sums[0]
		sb += sums[1]
	}
	return float32(sa), float32(sb * float64(a))
}

// SinLURow is SinLU with per-element parameters.
func SinLURow(y, x, a, b []float32) {
	if len(y) != len(x) || len(y) != len(a) || len(y) != len(b) {
		panicLenN("SinLURow", []string{"y", "x", "a", "b"}, len(y), len(x), len(a), len(b))
	}
	current().sinluRow(y, x, a, b)
}

// SinLURowBackward is SinLUBackward with per-element parameters: it
// accumulates ga[i] += dy*sin(bx)*s and gb[i] += dy*a*x*cos(bx)*s.
func SinLURowBackward(dx, dy, x, a, b, ga, gb []float32) {
	n := len(dx)
	if len(dy) != n || len(x) != n || len(a) != n || len(b) != n || len(ga) != n || len(gb) != n {
		panicLenN("SinLURowBackward", []string{"dx", "dy", "x", "a", "b", "ga", "gb"},
			len(dx), len(dy), len(x), len(a), len(b), len(ga), len(gb))
	}
	current().sinluRowBackward(dx, dy, x, a, b, ga, gb)
}
