package grid

import "github.com/actbench/actbench/registry"

// CanonicalActivation rewrites an activation spec into the form trial keys
// use: the registry's complete canonical form, so "pvlu", "pvlu(a=0.1)" and
// "PVLU(b=1, a=0.1)" are one trial, and an unknown name or a bad parameter
// fails when the grid is read, not mid-run.
func CanonicalActivation(spec string) (string, error) { return registry.Canonical(spec) }

// ShortSpec is the spec without the parameters at their defaults ("pvlu"
// for "pvlu(a=0.1, b=1, per=shared, train=true)"): the label reports use.
// Specs the registry cannot read are returned unchanged.
func ShortSpec(spec string) string {
	s, err := registry.Parse(spec)
	if err != nil {
		return spec
	}
	info, _, err := registry.Validate(s)
	if err != nil {
		return spec
	}
	short := registry.Spec{Name: s.Name}
	for _, a := range s.Args {
		if p, ok := info.Param(a.Key); ok && p.DefaultString() == a.Value {
			continue
		}
		short.Args = append(short.Args, a)
	}
	return short.String()
}
