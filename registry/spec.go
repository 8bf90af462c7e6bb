package registry

import (
	"fmt"
	"strings"
)

// Arg is one key=value argument of a spec, as written.
type Arg struct{ Key, Value string }

// Spec is a parsed activation spec: a name and its arguments in the order
// written. It is only checked against the grammar, not against the
// activation's parameters (see New and Canonical for that).
type Spec struct {
	Name string
	Args []Arg
}

// String prints the spec in the grammar Parse reads: "name" without
// arguments, otherwise "name(key=value, key=value)". Parse(s.String()) gives
// back s for every s that Parse returned.
func (s Spec) String() string {
	if len(s.Args) == 0 {
		return s.Name
	}
	var b strings.Builder
	b.WriteString(s.Name)
	b.WriteByte('(')
	for i, a := range s.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Key)
		b.WriteByte('=')
		b.WriteString(a.Value)
	}
	b.WriteByte(')')
	return b.String()
}

// Get returns the value written for key and whether it was present.
func (s Spec) Get(key string) (string, bool) {
	for _, a := range s.Args {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// Parse reads a spec string (grammar in the package documentation). Names and
// keys are lower-cased; values are kept as written. The error says where the
// spec went wrong and what was expected there.
func Parse(s string) (Spec, error) {
	p := parser{src: s}
	spec, err := p.spec()
	if err != nil {
		return Spec{}, fmt.Errorf("spec %q: %w", s, err)
	}
	return spec, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) skipBlanks() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of spec"
	}
	return fmt.Sprintf("%q at offset %d", p.src[p.pos], p.pos)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdent(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' }
func isValue(c byte) bool  { return isIdent(c) || c == '.' || c == '+' || c == '-' }

// ident reads a name or key.
func (p *parser) ident(what string) (string, error) {
	p.skipBlanks()
	if !isLetter(p.peek()) {
		return "", fmt.Errorf("expected %s (a letter followed by letters, digits or _), found %s", what, p.describe())
	}
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	return strings.ToLower(p.src[start:p.pos]), nil
}

func (p *parser) value(key string) (string, error) {
	p.skipBlanks()
	start := p.pos
	for p.pos < len(p.src) && isValue(p.src[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return "", fmt.Errorf("expected a value for %s (a number, true/false or a word), found %s", key, p.describe())
	}
	return p.src[start:p.pos], nil
}

func (p *parser) spec() (Spec, error) {
	name, err := p.ident("an activation name")
	if err != nil {
		return Spec{}, err
	}
	spec := Spec{Name: name}
	p.skipBlanks()
	if p.peek() == 0 {
		return spec, nil
	}
	if p.peek() != '(' {
		return Spec{}, fmt.Errorf("expected \"(\" or end of spec after %q, found %s", name, p.describe())
	}
	p.pos++
	p.skipBlanks()
	if p.peek() == ')' {
		p.pos++
	} else {
		for {
			key, err := p.ident("a parameter name")
			if err != nil {
				return Spec{}, err
			}
			if _, dup := spec.Get(key); dup {
				return Spec{}, fmt.Errorf("parameter %s given twice", key)
			}
			p.skipBlanks()
			if p.peek() != '=' {
				return Spec{}, fmt.Errorf("expected \"=\" after parameter %s, found %s", key, p.describe())
			}
			p.pos++
			val, err := p.value(key)
			if err != nil {
				return Spec{}, err
			}
			spec.Args = append(spec.Args, Arg{Key: key, Value: val})
			p.skipBlanks()
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if p.peek() == ')' {
				p.pos++
				break
			}
			return Spec{}, fmt.Errorf("expected \",\" or \")\" after %s=%s, found %s", key, val, p.describe())
		}
	}
	p.skipBlanks()
	if p.pos != len(p.src) {
		return Spec{}, fmt.Errorf("unexpected %s after the closing \")\"", p.describe())
	}
	return spec, nil
}
