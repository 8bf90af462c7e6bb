package stats

import (
	"encoding/json"
	"math"
)

// jsonFloat writes ±Inf as the strings "+Inf" and "-Inf", which
// encoding/json cannot write as numbers. (NaN never occurs in results.)
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	switch {
	case math.IsInf(float64(f), 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(float64(f), -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(float64(f))
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"+Inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*f = jsonFloat(x)
	return err
}

// MarshalJSON writes an infinite statistic as "+Inf" or "-Inf".
func (r TestResult) MarshalJSON() ([]byte, error) {
	type plain TestResult
	return json.Marshal(struct {
		plain
		Statistic jsonFloat `json:"statistic"`
	}{plain(r), jsonFloat(r.Statistic)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *TestResult) UnmarshalJSON(b []byte) error {
	type plain TestResult
	var v struct {
		plain
		Statistic jsonFloat `json:"statistic"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = TestResult(v.plain)
	r.Statistic = float64(v.Statistic)
	return nil
}

// MarshalJSON writes an infinite Cohen's d or Hedges' g as "+Inf" or "-Inf".
func (e Effects) MarshalJSON() ([]byte, error) {
	type plain Effects
	v := struct {
		plain
		CohenD  jsonFloat  `json:"cohen_d"`
		HedgesG *jsonFloat `json:"hedges_g,omitempty"`
	}{plain: plain(e), CohenD: jsonFloat(e.CohenD)}
	if e.HedgesG != nil {
		g := jsonFloat(*e.HedgesG)
		v.HedgesG = &g
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Effects) UnmarshalJSON(b []byte) error {
	type plain Effects
	var v struct {
		plain
		CohenD  jsonFloat  `json:"cohen_d"`
		HedgesG *jsonFloat `json:"hedges_g,omitempty"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Effects(v.plain)
	e.CohenD = float64(v.CohenD)
	if v.HedgesG != nil {
		g := float64(*v.HedgesG)
		e.HedgesG = &g
	}
	return nil
}
