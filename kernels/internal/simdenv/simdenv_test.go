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

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		env             string
		hasAVX2, has512 bool
		want, onLevel   Level
		levels          int
	}{
		{"", true, true, LevelAVX512, LevelAVX512, 3},
		{"", true, false, LevelAVX2, LevelAVX2, 2},
		{"", false, false, PureGo, PureGo, 1},
		{"off", true, true, PureGo, LevelAVX512, 3},
		{"avx2", true, true, LevelAVX2, LevelAVX2, 3},
		{"avx2", false, false, PureGo, PureGo, 1},
		{"avx512", true, false, LevelAVX2, LevelAVX2, 2},
		{"bogus", true, true, LevelAVX512, LevelAVX512, 3},
	} {
		t.Setenv("ACTBENCH_SIMD", tc.env)
		p := NewPath(tc.hasAVX2, tc.has512)
		if p.Level() != tc.want || len(p.Levels()) != tc.levels || p.Levels()[tc.levels-1] != PureGo {
			t.Errorf("%+v: level %v, levels %v", tc, p.Level(), p.Levels())
		}
		if up, down := p.LevelsFromPureGo(), p.Levels(); len(up) != len(down) || up[0] != PureGo || up[len(up)-1] != down[0] {
			t.Errorf("%+v: LevelsFromPureGo %v, Levels %v", tc, up, down)
		}
		if was := p.SetSIMD(false); was != (tc.want != PureGo) || p.Level() != PureGo {
			t.Errorf("%+v: SetSIMD(false) returned %v, level %v", tc, was, p.Level())
		}
		if p.SetSIMD(true); p.Level() != tc.onLevel {
			t.Errorf("%+v: SetSIMD(true) gives %v, want %v", tc, p.Level(), tc.onLevel)
		}
		for _, l := range p.Levels() {
			if p.Set(l); p.Level() != l || !p.Has(l) {
				t.Errorf("%+v: Set(%v) gives %v", tc, l, p.Level())
			}
		}
	}
	if LevelAVX512.String() != "avx512" || LevelAVX2.String() != "avx2" || PureGo.String() != "purego" {
		t.Error("Level.String")
	}
	defer func() {
		if recover() == nil {
			t.Error("Set of a missing level did not panic")
		}
	}()
	NewPath(false, false).Set(LevelAVX2)
}
