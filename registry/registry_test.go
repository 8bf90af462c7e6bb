package registry

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// fake is a minimal Func for registry tests (package registry cannot import
// the real activations).
type fake struct {
	spec  Spec
	scale float64
}

func (f *fake) Forward(y, x []float32, s Shape) {
	for i := range x {
		y[i] = float32(f.scale) * x[i]
	}
}
func (f *fake) Backward(dx, dy, x []float32, s Shape) {
	for i := range x {
		dx[i] = float32(f.scale) * dy[i]
	}
}
func (f *fake) Params() []*Param                         { return nil }
func (f *fake) Spec() Spec                               { return f.spec }
func (f *fake) Reference(x float64, p []float64) float64 { return f.scale * x }

func init() {
	Register(Info{
		Name: "regtest_scale", Formula: "k*x", Reference: "test",
		Params: []ParamInfo{
			{Name: "k", Kind: Number, Default: 1.0, Min: 0, Max: 10, Doc: "scale"},
			{Name: "per", Kind: Choice, Default: "shared", Choices: []string{"shared", "channel"}},
			{Name: "train", Kind: Bool, Default: true},
		},
		New: func(a Args, channels int) (Func, error) {
			if a.Float("k") == 7 {
				return nil, errors.New("k=7 is unlucky")
			}
			return &fake{spec: a.Spec(), scale: a.Float("k")}, nil
		},
	})
	Register(Info{Name: "regtest_plain", New: func(a Args, c int) (Func, error) { return &fake{spec: a.Spec(), scale: 1}, nil }})
}

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Spec
	}{
		{"relu", Spec{Name: "relu"}},
		{"  ReLU  ", Spec{Name: "relu"}},
		{"relu()", Spec{Name: "relu"}},
		{"leakyrelu(slope=0.01)", Spec{Name: "leakyrelu", Args: []Arg{{"slope", "0.01"}}}},
		{"pvlu( a = -1e-3 ,B=2, per=channel )", Spec{Name: "pvlu", Args: []Arg{{"a", "-1e-3"}, {"b", "2"}, {"per", "channel"}}}},
		{"swish(beta=1, train=true)", Spec{Name: "swish", Args: []Arg{{"beta", "1"}, {"train", "true"}}}},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	bad := map[string]string{
		"":               "expected an activation name",
		"1relu":          "expected an activation name",
		"relu(":          "expected a parameter name",
		"relu(a)":        `expected "=" after parameter a`,
		"relu(a=)":       "expected a value for a",
		"relu(a=1":       `expected "," or ")"`,
		"relu(a=1,a=2)":  "parameter a given twice",
		"relu(a=1) x":    "after the closing",
		"relu x":         `expected "(" or end of spec`,
		"relu(a=1;b=2)":  `expected "," or ")"`,
		"relu(a=1,)":     "expected a parameter name",
		"relu(a=(1))":    "expected a value",
		"relu(a=1 2)":    `expected "," or ")"`,
		"relu(a=\"1\")":  "expected a value",
		"re-lu":          `expected "(" or end of spec`,
		"relu(a=1)(b=2)": "after the closing",
	}
	for in, want := range bad {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want one containing %q", in, err, want)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, in := range []string{"relu", "pvlu(a=0.1, b=1, per=channel)", "x(y=-1e+10)"} {
		s, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if s.String() != in {
			t.Errorf("Parse(%q).String() = %q", in, s.String())
		}
	}
}

// FuzzParse checks parse -> print -> parse is the identity, and that Parse
// never panics. Run longer with: go test ./registry -fuzz FuzzParse
func FuzzParse(f *testing.F) {
	for _, s := range []string{"relu", "pvlu(a=0.1, b=1, per=channel)", "prelu(init=0.25,per=channel)",
		"swish(beta=1, train=true)", " A ( b = -1e-3 ) ", "x()", "x(a=1,,b=2)", "x(a=+inf)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			return
		}
		printed := s.String()
		s2, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", in, printed, err)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("Parse(%q) = %#v, Parse(String()) = %#v", in, s, s2)
		}
		if s2.String() != printed {
			t.Fatalf("String not stable: %q then %q", printed, s2.String())
		}
		// Canonical, where it succeeds, is a fixed point.
		if c, err := Canonical(in); err == nil {
			if c2, err := Canonical(c); err != nil || c2 != c {
				t.Fatalf("Canonical(%q) = %q, Canonical of that = %q, %v", in, c, c2, err)
			}
		}
	})
}

func TestNewAndCanonical(t *testing.T) {
	f, err := New("REGTEST_SCALE(k=2.50)", 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Spec().String(); got != "regtest_scale(k=2.5, per=shared, train=true)" {
		t.Errorf("Spec = %q", got)
	}
	c, err := Canonical("regtest_scale(train=false, k=1e0)")
	if err != nil || c != "regtest_scale(k=1, per=shared, train=false)" {
		t.Errorf("Canonical = %q, %v", c, err)
	}
	if c, err := Canonical("regtest_plain()"); err != nil || c != "regtest_plain" {
		t.Errorf("Canonical(plain) = %q, %v", c, err)
	}
	if c, _ := Canonical("regtest_scale(k=-0)"); c != "regtest_scale(k=0, per=shared, train=true)" {
		t.Errorf("Canonical(k=-0) = %q", c)
	}
}

func TestErrors(t *testing.T) {
	cases := map[string][]string{
		"regtest_scal":             {`unknown activation "regtest_scal"`, `did you mean "regtest_scale"`, "registered: ", "regtest_plain"},
		"zzzzzzzzzzzzzzzzzzzz":     {`unknown activation`, "registered: "},
		"regtest_scale(kk=1)":      {`unknown parameter "kk"`, `did you mean "k"`, "k ([0, 10], default 1)", "per (shared|channel, default shared)", "train (true|false, default true)"},
		"regtest_scale(k=11)":      {"parameter k=11", "out of range", "allowed [0, 10]", "default 1"},
		"regtest_scale(k=abc)":     {"k=abc", "not a finite number"},
		"regtest_scale(k=nan)":     {"k=nan", "not a finite number"},
		"regtest_scale(k=inf)":     {"k=inf", "not a finite number"},
		"regtest_scale(k=1e999)":   {"k=1e999", "not a finite number"},
		"regtest_scale(per=row)":   {"per=row", "allowed shared|channel", "default shared"},
		"regtest_scale(train=yes)": {"train=yes", "allowed true|false"},
		"regtest_scale(k=7)":       {"k=7 is unlucky", "regtest_scale(k=7"},
		"regtest_plain(x=1)":       {"regtest_plain takes no parameters"},
		"regtest_scale(k=1":        {`expected "," or ")"`},
	}
	for spec, wants := range cases {
		_, err := New(spec, 3)
		if err == nil {
			t.Errorf("New(%q) succeeded", spec)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("New(%q) error %q does not contain %q", spec, err, w)
			}
		}
	}
	if _, err := New("regtest_scale", 0); err == nil || !strings.Contains(err.Error(), "channels = 0") {
		t.Errorf("New with 0 channels: %v", err)
	}
}

func TestArgs(t *testing.T) {
	s, _ := Parse("regtest_scale(k=3, per=channel, train=false)")
	_, a, err := Validate(s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Float("k") != 3 || a.Choice("per") != "channel" || a.Bool("train") {
		t.Errorf("Args: k=%v per=%v train=%v", a.Float("k"), a.Choice("per"), a.Bool("train"))
	}
	mustPanic(t, "undeclared parameter", func() { a.Float("nope") })
	mustPanic(t, "wrong kind", func() { a.Bool("k") })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func TestRegisterPanics(t *testing.T) {
	newf := func(a Args, c int) (Func, error) { return nil, nil }
	mustPanic(t, "duplicate", func() { Register(Info{Name: "regtest_plain", New: newf}) })
	mustPanic(t, "upper case", func() { Register(Info{Name: "Bad", New: newf}) })
	mustPanic(t, "bad char", func() { Register(Info{Name: "a-b", New: newf}) })
	mustPanic(t, "nil New", func() { Register(Info{Name: "regtest_nonew"}) })
	mustPanic(t, "default out of range", func() {
		Register(Info{Name: "regtest_bad1", New: newf, Params: []ParamInfo{{Name: "k", Kind: Number, Default: 5.0, Min: 0, Max: 1}}})
	})
	mustPanic(t, "default of wrong type", func() {
		Register(Info{Name: "regtest_bad2", New: newf, Params: []ParamInfo{{Name: "k", Kind: Number, Default: 1, Min: 0, Max: 1}}})
	})
	mustPanic(t, "choice default", func() {
		Register(Info{Name: "regtest_bad3", New: newf, Params: []ParamInfo{{Name: "c", Kind: Choice, Default: "x", Choices: []string{"y"}}}})
	})
	mustPanic(t, "duplicate parameter", func() {
		Register(Info{Name: "regtest_bad4", New: newf, Params: []ParamInfo{{Name: "b", Kind: Bool, Default: true}, {Name: "b", Kind: Bool, Default: true}}})
	})
}

func TestListSorted(t *testing.T) {
	names := Names()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("List not sorted: %v", names)
		}
	}
	if _, ok := Lookup("regtest_scale"); !ok {
		t.Error("Lookup(regtest_scale) failed")
	}
}

func TestRange(t *testing.T) {
	p := ParamInfo{Kind: Number, Min: math.Inf(-1), Max: math.Inf(1)}
	if p.Range() != "(-inf, inf)" {
		t.Errorf("Range = %q", p.Range())
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"elu", "relu", "prelu", "pvlu", "leakyrelu", "gelu"}
	for in, want := range map[string]string{"rleu": "relu", "relu6x": "relu", "pvl": "pvlu", "leaky": "leakyrelu", "gleu": "gelu"} {
		if got := suggest(in, names); got != ` (did you mean "`+want+`"?)` {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := suggest("qqqqqqq", names); got != "" {
		t.Errorf("suggest(qqqqqqq) = %q, want none", got)
	}
}
