package act

import "math"

// The pure-Go path. Every loop is branch-free: selections are done with
// bit masks and the builtin min/max (MINSS-based on amd64), because a
// data-dependent branch costs ~5 ns/element in mispredictions on random signs.
//
// The loops call reduce, sinPoly, cosPoly and flip, which inline, rather than
// one sincos function, which would not: with a call in the loop the compiler's
// CVTSS2SD merges into the register holding the previous iteration's result,
// a false dependency that serialises the loop (20 instead of 5 ns/element).
var pureGo = kernels{
	name:              PathPureGo,
	relu:              reluGo,
	reluBackward:      reluBackwardGo,
	leakyReLU:         leakyReLUGo,
	leakyReLUBackward: leakyReLUBackwardGo,
	pvlu:              pvluGo,
	pvluBackward:      pvluBackwardGo,
	pvluRow:           pvluRowGo,
	pvluRowBackward:   pvluRowBackwardGo,
	sin:               sinGo,
}

const one32 = 0x3f800000 // math.Float32bits(1)

// nanMask returns all ones if the float32 with bits u is a NaN, else 0.
func nanMask(u uint32) uint32 {
	return uint32(int32(0x7f800000-(u&0x7fffffff)) >> 31)
}

// posMask returns all ones if the float32 with bits u is > 0 (not NaN), else 0.
func posMask(u uint32) uint32 {
	return uint32(-int64(int32(u))>>63) &^ nanMask(u)
}

func reluGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

func reluBackwardGo(dx, dy, x []float32) {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	for i, g := range dy {
		u := math.Float32bits(x[i])
		nan := nanMask(u)
		dx[i] = math.Float32frombits(math.Float32bits(g)&posMask(u) | u&nan)
	}
}

func leakyReLUGo(y, x []float32, slope float32) {
	x = x[:len(y)]
	s := math.Float32bits(slope)
	for i, v := range x {
		pos := posMask(math.Float32bits(v))
		y[i] = v * math.Float32frombits(one32&pos|s&^pos)
	}
}

func leakyReLUBackwardGo(dx, dy, x []float32, slope float32) float64 {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	s := math.Float32bits(slope)
	var gslope float64
	for i, g := range dy {
		u := math.Float32bits(x[i])
		pos := posMask(u)
		nan := nanMask(u)
		d := g * math.Float32frombits(one32&pos|s&^pos)
		dx[i] = math.Float32frombits(math.Float32bits(d) | u&nan)
		gslope += float64(g) * float64(math.Float32frombits(u&^pos)) // x where x <= 0 or NaN, else 0
	}
	return gslope
}

func pvluGo(y, x []float32, a, b float32) {
	x = x[:len(y)]
	fa, fb := float64(a), float64(b)
	for i, v := range x {
		r, sign := reduce(fb * float64(v))
		y[i] = float32(float64(max(v, 0)) + fa*flip(sinPoly(r), sign))
	}
}

func pvluBackwardGo(dx, dy, x []float32, a, b float32) (ga, gb float64) {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	fa, fb := float64(a), float64(b)
	ab := fa * fb
	var xs, gs [convBlock]float64
	for start := 0; start < len(dx); start += convBlock {
		n := min(convBlock, len(dx)-start)
		toFloat64(xs[:n], x[start:start+n])
		toFloat64(gs[:n], dy[start:start+n])
		out := dx[start : start+n]
		for i, v := range xs[:n] {
			r, sign := reduce(fb * v)
			s, c := flip(sinPoly(r), sign), flip(cosPoly(r), sign)
			step := float64(math.Float32frombits(one32 & posMask(math.Float32bits(x[start+i]))))
			g := gs[i]
			out[i] = float32(g * (step + ab*c))
			ga += g * s
			gb += g * v * c
		}
	}
	return ga, gb * fa
}

// convBlock is the block length of toFloat64's buffers.
const convBlock = 256

// toFloat64 sets dst[i] = float64(src[i]). The backward loops convert their
// inputs here first: in a longer loop body the compiler may pick a CVTSS2SD
// destination register that still holds a late result of the previous
// iteration, and that false dependency serialises the loop (25 vs 10
// ns/element in PVLUBackward); here the converted register is the loaded one.
func toFloat64(dst []float64, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float64(v)
	}
}

func pvluRowGo(y, x, a, b []float32) {
	x = x[:len(y)]
	a = a[:len(y)]
	b = b[:len(y)]
	for i, v := range x {
		r, sign := reduce(float64(b[i]) * float64(v))
		y[i] = float32(float64(max(v, 0)) + float64(a[i])*flip(sinPoly(r), sign))
	}
}

func pvluRowBackwardGo(dx, dy, x, a, b, ga, gb []float32) {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	a = a[:len(dx)]
	b = b[:len(dx)]
	ga = ga[:len(dx)]
	gb = gb[:len(dx)]
	var xs, gs [convBlock]float64
	for start := 0; start < len(dx); start += convBlock {
		n := min(convBlock, len(dx)-start)
		toFloat64(xs[:n], x[start:start+n])
		toFloat64(gs[:n], dy[start:start+n])
		for i, v := range xs[:n] {
			j := start + i
			fa, fb := float64(a[j]), float64(b[j])
			r, sign := reduce(fb * v)
			s, c := flip(sinPoly(r), sign), flip(cosPoly(r), sign)
			step := float64(math.Float32frombits(one32 & posMask(math.Float32bits(x[j]))))
			g := gs[i]
			dx[j] = float32(g * (step + fa*fb*c))
			ga[j] = float32(float64(ga[j]) + g*s)
			gb[j] = float32(float64(gb[j]) + g*fa*v*c)
		}
	}
}

func sinGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		r, sign := reduce(float64(v))
		y[i] = float32(flip(sinPoly(r), sign))
	}
}
