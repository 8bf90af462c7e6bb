package models

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// option is one option a model accepts in its spec, e.g. vgg16(bn=false).
type option struct {
	name string
	def  string // default value, as written in a spec
	kind string // "bool" or "int"
	min  int    // lower bound of an int option
	doc  string
}

// parseSpec splits "name(k=v, ...)" into the lower-case name and options,
// validated against opts and completed with defaults.
func parseSpec(spec string, known func(string) ([]option, bool)) (name string, vals map[string]string, err error) {
	s := strings.TrimSpace(spec)
	name, args := s, ""
	if i := strings.IndexByte(s, '('); i >= 0 {
		if !strings.HasSuffix(s, ")") {
			return "", nil, fmt.Errorf("models: spec %q: missing closing parenthesis (want name(key=value,...))", spec)
		}
		name, args = strings.TrimSpace(s[:i]), s[i+1:len(s)-1]
	}
	name = strings.ToLower(name)
	opts, ok := known(name)
	if !ok {
		return "", nil, fmt.Errorf("models: unknown model %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	vals = map[string]string{}
	for _, o := range opts {
		vals[o.name] = o.def
	}
	if strings.TrimSpace(args) == "" {
		return name, vals, nil
	}
	for _, kv := range strings.Split(args, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		if !ok || k == "" || v == "" {
			return "", nil, fmt.Errorf("models: spec %q: option %q is not key=value", spec, strings.TrimSpace(kv))
		}
		var o *option
		for i := range opts {
			if opts[i].name == k {
				o = &opts[i]
			}
		}
		if o == nil {
			var names []string
			for _, o := range opts {
				names = append(names, o.name)
			}
			if len(names) == 0 {
				return "", nil, fmt.Errorf("models: spec %q: %s takes no options", spec, name)
			}
			return "", nil, fmt.Errorf("models: spec %q: unknown option %q for %s (known: %s)", spec, k, name, strings.Join(names, ", "))
		}
		switch o.kind {
		case "bool":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return "", nil, fmt.Errorf("models: spec %q: option %s=%s: want true or false", spec, k, v)
			}
			v = strconv.FormatBool(b)
		case "int":
			n, err := strconv.Atoi(v)
			if err != nil || n < o.min {
				return "", nil, fmt.Errorf("models: spec %q: option %s=%s: want an integer >= %d", spec, k, v, o.min)
			}
			v = strconv.Itoa(n)
		}
		vals[k] = v
	}
	return name, vals, nil
}

// canonical writes name with the options that differ from their defaults,
// in alphabetical order: "vgg16", "vgg16(bn=false)".
func canonical(name string, opts []option, vals map[string]string) string {
	var parts []string
	for _, o := range opts {
		if vals[o.name] != o.def {
			parts = append(parts, o.name+"="+vals[o.name])
		}
	}
	if len(parts) == 0 {
		return name
	}
	sort.Strings(parts)
	return name + "(" + strings.Join(parts, ",") + ")"
}

// Canonical validates a model spec and returns its canonical form
// ("VGG16(bn=true)" -> "vgg16"), without building the model.
func Canonical(spec string) (string, error) {
	name, vals, err := parseSpec(spec, knownArch)
	if err != nil {
		return "", err
	}
	return canonical(name, zoo[name].opts, vals), nil
}
