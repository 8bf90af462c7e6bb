package simdenv

import "testing"

func TestParse(t *testing.T) {
	for v, want := range map[string]Choice{
		"": Auto, "auto": Auto, " ON ": Auto, "off": Off, "PureGo": Off, "avx2": AVX2, "AVX512": AVX512,
		"avx-512": Invalid, "sse": Invalid, "0": Invalid,
	} {
		if got := Parse(v); got != want {
			t.Errorf("Parse(%q) = %v, want %v", v, got, want)
		}
	}
	for c, want := range map[Choice]bool{Auto: true, Off: false, AVX2: false, AVX512: true, Invalid: true} {
		if c.AllowsAVX512() != want {
			t.Errorf("%v.AllowsAVX512() = %v", c, !want)
		}
	}
	if AVX2.Name() != "avx2" || AVX512.Name() != "avx512" || Off.Name() != "" {
		t.Error("Name")
	}
}
