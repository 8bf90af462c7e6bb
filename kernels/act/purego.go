package act

import "math"

// The pure-Go path. Every loop is branch-free: selections are done with
// bit masks and the builtin min/max (MINSS-based on amd64), because a
// data-dependent branch costs ~5 ns/element in mispredictions on random signs.
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
		y[i] = float32(float64(max(v, 0)) + fa*sin64(fb*float64(v)))
	}
}

func pvluBackwardGo(dx, dy, x []float32, a, b float32) (ga, gb float64) {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	fa, fb := float64(a), float64(b)
	ab := fa * fb
	for i, g := range dy {
		v := x[i]
		s, c := sincos64(fb * float64(v))
		step := float64(math.Float32frombits(one32 & posMask(math.Float32bits(v))))
		fg := float64(g)
		dx[i] = float32(fg * (step + ab*c))
		ga += fg * s
		gb += fg * float64(v) * c
	}
	return ga, gb * fa
}

func pvluRowGo(y, x, a, b []float32) {
	x = x[:len(y)]
	a = a[:len(y)]
	b = b[:len(y)]
	for i, v := range x {
		y[i] = float32(float64(max(v, 0)) + float64(a[i])*sin64(float64(b[i])*float64(v)))
	}
}

func pvluRowBackwardGo(dx, dy, x, a, b, ga, gb []float32) {
	dy = dy[:len(dx)]
	x = x[:len(dx)]
	a = a[:len(dx)]
	b = b[:len(dx)]
	ga = ga[:len(dx)]
	gb = gb[:len(dx)]
	for i, g := range dy {
		v := x[i]
		fa, fb := float64(a[i]), float64(b[i])
		s, c := sincos64(fb * float64(v))
		step := float64(math.Float32frombits(one32 & posMask(math.Float32bits(v))))
		fg := float64(g)
		dx[i] = float32(fg * (step + fa*fb*c))
		ga[i] = float32(float64(ga[i]) + fg*s)
		gb[i] = float32(float64(gb[i]) + fg*fa*float64(v)*c)
	}
}

func sinGo(y, x []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] = float32(sin64(float64(v)))
	}
}
