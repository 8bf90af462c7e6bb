package trainer

import "math"

// diagnostics measures dead units on the probe batch and summarises the
// learned activation parameters.
func (t *trial) diagnostics() ([]DeadUnits, []ActParam) {
	var dead []DeadUnits
	acts := t.model.Activations()
	if t.probe != nil {
		t.model.Forward(t.probe, false)
		for _, a := range acts {
			dead = append(dead, DeadUnits{Layer: a.Name(), Fraction: a.DeadFraction()})
		}
	}
	var ps []ActParam
	for _, a := range acts {
		f := a.Func()
		if f == nil {
			continue
		}
		for _, p := range f.Params() {
			s := ActParam{Layer: a.Name(), Param: p.Name, N: len(p.Value), Min: math.Inf(1), Max: math.Inf(-1)}
			for _, v := range p.Value {
				s.Mean += float64(v)
				s.Min = min(s.Min, float64(v))
				s.Max = max(s.Max, float64(v))
			}
			if s.N > 0 {
				s.Mean /= float64(s.N)
			}
			ps = append(ps, s)
		}
	}
	return dead, ps
}
