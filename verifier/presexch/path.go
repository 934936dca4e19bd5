package presexch

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed JSONPath of the supported subset: each step is a member
// name (string) or an array index (int).
type Path []any

// ParsePath parses "$" followed by ".name", "['name']" / "[\"name\"]" and
// "[N]" steps. Anything else (wildcards, "..", slices, unions, filters,
// negative indexes) is refused with ErrUnsupported; text that is not a
// JSONPath at all with ErrInvalid.
func ParsePath(s string) (Path, error) {
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("%w: path %q must start with $", ErrInvalid, s)
	}
	p := Path{}
	for i := 1; i < len(s); {
		switch s[i] {
		case '.':
			if i+1 < len(s) && (s[i+1] == '.' || s[i+1] == '*') {
				return nil, fmt.Errorf("%w: path %q: recursive descent and wildcards", ErrUnsupported, s)
			}
			j := i + 1
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("%w: path %q: empty or invalid member name at %d", ErrInvalid, s, i)
			}
			p = append(p, s[i+1:j])
			i = j
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("%w: path %q: unclosed [", ErrInvalid, s)
			}
			in := s[i+1 : i+end]
			step, err := bracket(in)
			if err != nil {
				return nil, fmt.Errorf("path %q: %w", s, err)
			}
			p = append(p, step)
			i += end + 1
		default:
			return nil, fmt.Errorf("%w: path %q: unexpected %q at %d", ErrInvalid, s, s[i], i)
		}
	}
	return p, nil
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '$' || c == '@' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

// bracket parses the inside of [...].
func bracket(in string) (any, error) {
	if len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0] {
		name := in[1 : len(in)-1]
		if name == "" || strings.ContainsAny(name, `'"\`) {
			return nil, fmt.Errorf("%w: quoted member name %s (empty, quotes or escapes)", ErrUnsupported, in)
		}
		return name, nil
	}
	if in == "" {
		return nil, fmt.Errorf("%w: empty []", ErrInvalid)
	}
	for _, c := range []byte(in) {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("%w: [%s]: only [N], ['name'] and [\"name\"] are supported", ErrUnsupported, in)
		}
	}
	if len(in) > 1 && in[0] == '0' {
		return nil, fmt.Errorf("%w: [%s]: leading zero", ErrInvalid, in)
	}
	n, err := strconv.Atoi(in)
	if err != nil || n > 1<<20 {
		return nil, fmt.Errorf("%w: [%s]: index out of range", ErrInvalid, in)
	}
	return n, nil
}

// Select returns the value at p in v (decoded JSON: map[string]any, []any,
// scalars) and whether it exists.
func (p Path) Select(v any) (any, bool) {
	for _, step := range p {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || s >= len(a) {
				return nil, false
			}
			v = a[s]
		}
	}
	return v, true
}

// String returns p in the normalized "$['a'][0]" form.
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, step := range p {
		switch s := step.(type) {
		case string:
			b.WriteString("['" + s + "']")
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		}
	}
	return b.String()
}
