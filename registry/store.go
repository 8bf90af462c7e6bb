package registry

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/actbench/actbench/internal/textdist"
)

// Args are an activation's validated, complete arguments: every parameter of
// its Info.Params is present, with its default when the spec omitted it.
type Args struct {
	info   *Info
	values []any // parallel to info.Params: float64, bool or string
}

func (a Args) lookup(name string, kind Kind) any {
	if a.info != nil {
		for i, p := range a.info.Params {
			if p.Name == name {
				if p.Kind != kind {
					panic(fmt.Sprintf("registry: %s: parameter %s is a %s, not a %s", a.info.Name, name, p.Kind, kind))
				}
				return a.values[i]
			}
		}
		panic(fmt.Sprintf("registry: %s has no parameter %s", a.info.Name, name))
	}
	panic("registry: empty Args (use registry.New or Validate)")
}

// Info returns the registration these arguments were validated against.
func (a Args) Info() Info {
	if a.info == nil {
		return Info{}
	}
	return *a.info
}

// Float returns the value of a Number parameter. It panics if the activation
// declares no Number parameter of that name: a programmer error.
func (a Args) Float(name string) float64 { return a.lookup(name, Number).(float64) }

// Bool returns the value of a Bool parameter (panics like Float).
func (a Args) Bool(name string) bool { return a.lookup(name, Bool).(bool) }

// Choice returns the value of a Choice parameter (panics like Float).
func (a Args) Choice(name string) string { return a.lookup(name, Choice).(string) }

// Spec is the canonical spec of these arguments: every parameter, in the order
// of Info.Params, numbers in their shortest round-tripping form.
func (a Args) Spec() Spec {
	s := Spec{Name: a.info.Name}
	for i, p := range a.info.Params {
		s.Args = append(s.Args, Arg{Key: p.Name, Value: formatValue(a.values[i])})
	}
	return s
}

func formatValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	}
	panic(fmt.Sprintf("registry: unexpected value %T", v))
}

func (k Kind) String() string {
	switch k {
	case Number:
		return "number"
	case Bool:
		return "bool"
	case Choice:
		return "choice"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Range describes the values a parameter accepts, e.g. "[0, inf)",
// "true|false" or "shared|channel".
func (p ParamInfo) Range() string {
	switch p.Kind {
	case Bool:
		return "true|false"
	case Choice:
		return strings.Join(p.Choices, "|")
	}
	lo, hi := "[", "]"
	if math.IsInf(p.Min, -1) {
		lo = "("
	}
	if math.IsInf(p.Max, 1) {
		hi = ")"
	}
	return lo + formatBound(p.Min) + ", " + formatBound(p.Max) + hi
}

func formatBound(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// DefaultString is the default value as a spec would write it.
func (p ParamInfo) DefaultString() string { return formatValue(p.Default) }

// Param returns the parameter called name.
func (info Info) Param(name string) (ParamInfo, bool) {
	for _, p := range info.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamInfo{}, false
}

var (
	mu       sync.RWMutex
	registry = map[string]*Info{}
)

// Register adds an activation. It is meant for init functions and panics on a
// programmer error: a duplicate or malformed name, a parameter without a valid
// default, or a missing constructor.
func Register(info Info) {
	if err := checkInfo(&info); err != nil {
		panic("registry.Register: " + err.Error())
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[info.Name]; dup {
		panic("registry.Register: activation " + info.Name + " registered twice")
	}
	registry[info.Name] = &info
}

func checkInfo(info *Info) error {
	if info.Name == "" || !isLetter(info.Name[0]) || strings.ToLower(info.Name) != info.Name {
		return fmt.Errorf("name %q must be lower case and start with a letter", info.Name)
	}
	for i := 0; i < len(info.Name); i++ {
		if !isIdent(info.Name[i]) {
			return fmt.Errorf("name %q may hold only letters, digits and _", info.Name)
		}
	}
	if info.New == nil {
		return fmt.Errorf("%s: New is nil", info.Name)
	}
	seen := map[string]bool{}
	for _, p := range info.Params {
		if p.Name == "" || !isLetter(p.Name[0]) || strings.ToLower(p.Name) != p.Name {
			return fmt.Errorf("%s: parameter name %q must be lower case and start with a letter", info.Name, p.Name)
		}
		if seen[p.Name] {
			return fmt.Errorf("%s: parameter %s declared twice", info.Name, p.Name)
		}
		seen[p.Name] = true
		switch p.Kind {
		case Number:
			d, ok := p.Default.(float64)
			if !ok {
				return fmt.Errorf("%s: default of %s is %T, want float64", info.Name, p.Name, p.Default)
			}
			if math.IsNaN(p.Min) || math.IsNaN(p.Max) || p.Min > p.Max || d < p.Min || d > p.Max {
				return fmt.Errorf("%s: default %v of %s outside its range %s", info.Name, d, p.Name, p.Range())
			}
		case Bool:
			if _, ok := p.Default.(bool); !ok {
				return fmt.Errorf("%s: default of %s is %T, want bool", info.Name, p.Name, p.Default)
			}
		case Choice:
			d, ok := p.Default.(string)
			if !ok || !contains(p.Choices, d) {
				return fmt.Errorf("%s: default %v of %s is not one of %s", info.Name, p.Default, p.Name, p.Range())
			}
			for _, c := range p.Choices {
				if c == "" || strings.ToLower(c) != c || strings.IndexFunc(c, func(r rune) bool { return r > 127 || !isValue(byte(r)) }) >= 0 {
					return fmt.Errorf("%s: choice %q of %s must be a lower-case word", info.Name, c, p.Name)
				}
			}
		default:
			return fmt.Errorf("%s: parameter %s has unknown kind %d", info.Name, p.Name, p.Kind)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Lookup returns the registration of the activation called name (lower case).
func Lookup(name string) (Info, bool) {
	mu.RLock()
	defer mu.RUnlock()
	info, ok := registry[strings.ToLower(name)]
	if !ok {
		return Info{}, false
	}
	return *info, true
}

// List returns every registered activation, sorted by name.
func List() []Info {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Info, 0, len(registry))
	for _, info := range registry {
		out = append(out, *info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the registered names, sorted.
func Names() []string {
	list := List()
	names := make([]string, len(list))
	for i, info := range list {
		names[i] = info.Name
	}
	return names
}

// Validate checks a parsed spec against its registration and returns the
// complete arguments. Errors name the activation, the parameter, its allowed
// range and its default.
func Validate(spec Spec) (Info, Args, error) {
	info, ok := Lookup(spec.Name)
	if !ok {
		return Info{}, Args{}, unknownName(spec.Name)
	}
	args := Args{info: &info, values: make([]any, len(info.Params))}
	for i, p := range info.Params {
		args.values[i] = p.Default
	}
	for _, a := range spec.Args {
		i := -1
		for j, p := range info.Params {
			if p.Name == a.Key {
				i = j
			}
		}
		if i < 0 {
			return Info{}, Args{}, fmt.Errorf("%s: unknown parameter %q%s; %s", info.Name, a.Key,
				suggest(a.Key, paramNames(info)), describeParams(info))
		}
		p := info.Params[i]
		v, err := parseValue(p, a.Value)
		if err != nil {
			return Info{}, Args{}, fmt.Errorf("%s: parameter %s=%s: %v (allowed %s, default %s)",
				info.Name, p.Name, a.Value, err, p.Range(), p.DefaultString())
		}
		args.values[i] = v
	}
	return info, args, nil
}

func parseValue(p ParamInfo, s string) (any, error) {
	switch p.Kind {
	case Number:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("not a finite number")
		}
		if v < p.Min || v > p.Max {
			return nil, fmt.Errorf("out of range")
		}
		if v == 0 {
			v = 0 // -0 prints as 0 and parses back as 0
		}
		return v, nil
	case Bool:
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("not true or false")
	case Choice:
		if c := strings.ToLower(s); contains(p.Choices, c) {
			return c, nil
		}
		return nil, fmt.Errorf("not one of the choices")
	}
	return nil, fmt.Errorf("unknown kind")
}

func paramNames(info Info) []string {
	names := make([]string, len(info.Params))
	for i, p := range info.Params {
		names[i] = p.Name
	}
	return names
}

func describeParams(info Info) string {
	if len(info.Params) == 0 {
		return info.Name + " takes no parameters"
	}
	parts := make([]string, len(info.Params))
	for i, p := range info.Params {
		parts[i] = fmt.Sprintf("%s (%s, default %s)", p.Name, p.Range(), p.DefaultString())
	}
	return info.Name + " takes " + strings.Join(parts, ", ")
}

func unknownName(name string) error {
	names := Names()
	if len(names) == 0 {
		return fmt.Errorf("unknown activation %q: none are registered (import _ \"github.com/actbench/actbench/activations\")", name)
	}
	return fmt.Errorf("unknown activation %q%s; registered: %s", name, suggest(name, names), strings.Join(names, ", "))
}

// suggest returns ` (did you mean "x"?)` for the candidate nearest to name, or
// "" when none is reasonably close.
func suggest(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		d := textdist.Distance(name, c)
		if strings.HasPrefix(c, name) || strings.HasPrefix(name, c) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// New parses spec, validates it and builds the activation for inputs with the
// given number of channels.
func New(spec string, channels int) (Func, error) {
	s, err := Parse(spec)
	if err != nil {
		return nil, err
	}
	return NewFromSpec(s, channels)
}

// NewFromSpec is New for an already parsed spec.
func NewFromSpec(spec Spec, channels int) (Func, error) {
	if channels < 1 {
		return nil, fmt.Errorf("%s: channels = %d, want >= 1", spec.Name, channels)
	}
	info, args, err := Validate(spec)
	if err != nil {
		return nil, err
	}
	f, err := info.New(args, channels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", args.Spec(), err)
	}
	return f, nil
}

// Canonical returns the complete canonical form of spec: lower case, every
// parameter present in declaration order, numbers in shortest form. Two specs
// that build the same activation have the same canonical form.
func Canonical(spec string) (string, error) {
	s, err := Parse(spec)
	if err != nil {
		return "", err
	}
	_, args, err := Validate(s)
	if err != nil {
		return "", err
	}
	return args.Spec().String(), nil
}
