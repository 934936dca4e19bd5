package sdjwt

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small strict JSON reader and writer. SD-JWT needs more
// than encoding/json gives: duplicate member names must be refused (a
// verifier and a holder that pick different duplicates see different
// claims), member order must be kept so the processed payload reads like the
// issued one, and numbers and strings must pass through unchanged.

// maxDepth bounds nesting in every JSON document we read and in the
// disclosure tree built from them.
const maxDepth = 64

type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

// value is one JSON value. raw holds the literal for null, booleans and
// numbers, and the still-escaped bytes between the quotes for strings, so a
// value is written back exactly as it was read.
type value struct {
	kind kind
	raw  []byte
	obj  []member
	arr  []value
}

type member struct {
	name    string // decoded
	nameRaw []byte // as in the input, between the quotes
	val     value
}

var errJSON = errors.New("malformed JSON")

// parseJSON parses one JSON document, refusing duplicate member names,
// invalid UTF-8, nesting deeper than maxDepth and trailing data.
func parseJSON(data []byte) (value, error) {
	p := parser{data: data}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return value{}, err
	}
	p.ws()
	if p.i != len(p.data) {
		return value{}, fmt.Errorf("%w: trailing data at offset %d", errJSON, p.i)
	}
	return v, nil
}

// parseObject is parseJSON for documents that must be a JSON object.
func parseObject(data []byte) (value, error) {
	v, err := parseJSON(data)
	if err != nil {
		return value{}, err
	}
	if v.kind != kindObject {
		return value{}, fmt.Errorf("%w: not a JSON object", errJSON)
	}
	return v, nil
}

type parser struct {
	data []byte
	i    int
}

func (p *parser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+" at offset %d", append([]any{errJSON}, append(args, p.i)...)...)
}

func (p *parser) value(depth int) (value, error) {
	if depth > maxDepth {
		return value{}, p.errorf("nesting deeper than %d", maxDepth)
	}
	if p.i >= len(p.data) {
		return value{}, p.errorf("unexpected end")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		raw, err := p.str()
		if err != nil {
			return value{}, err
		}
		return value{kind: kindString, raw: raw}, nil
	case c == 't':
		return p.literal("true", kindBool)
	case c == 'f':
		return p.literal("false", kindBool)
	case c == 'n':
		return p.literal("null", kindNull)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return value{}, p.errorf("unexpected character %q", c)
	}
}

func (p *parser) literal(lit string, k kind) (value, error) {
	if len(p.data)-p.i < len(lit) || string(p.data[p.i:p.i+len(lit)]) != lit {
		return value{}, p.errorf("invalid literal")
	}
	v := value{kind: k, raw: p.data[p.i : p.i+len(lit)]}
	p.i += len(lit)
	return v, nil
}

func (p *parser) number() (value, error) {
	start := p.i
	d := p.data
	if p.i < len(d) && d[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(d) && d[p.i] >= '0' && d[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(d) && d[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return value{}, p.errorf("invalid number")
	}
	if p.i < len(d) && d[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return value{}, p.errorf("invalid number fraction")
		}
	}
	if p.i < len(d) && (d[p.i] == 'e' || d[p.i] == 'E') {
		p.i++
		if p.i < len(d) && (d[p.i] == '+' || d[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return value{}, p.errorf("invalid number exponent")
		}
	}
	return value{kind: kindNumber, raw: d[start:p.i]}, nil
}

// str reads a string token and returns its raw content between the quotes.
func (p *parser) str() ([]byte, error) {
	d := p.data
	p.i++ // opening quote
	start := p.i
	for p.i < len(d) {
		c := d[p.i]
		switch {
		case c == '"':
			raw := d[start:p.i]
			p.i++
			return raw, nil
		case c == '\\':
			p.i++
			if p.i >= len(d) {
				return nil, p.errorf("unterminated escape")
			}
			switch d[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i++
			case 'u':
				if len(d)-p.i < 5 {
					return nil, p.errorf("short \\u escape")
				}
				for _, h := range d[p.i+1 : p.i+5] {
					if !isHex(h) {
						return nil, p.errorf("invalid \\u escape")
					}
				}
				p.i += 5
			default:
				return nil, p.errorf("invalid escape")
			}
		case c < 0x20:
			return nil, p.errorf("control character in string")
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, n := utf8.DecodeRune(d[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, p.errorf("invalid UTF-8")
			}
			p.i += n
		}
	}
	return nil, p.errorf("unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (p *parser) object(depth int) (value, error) {
	p.i++ // {
	v := value{kind: kindObject, obj: make([]member, 0, 8)}
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return v, nil
	}
	var seen map[string]struct{}
	for {
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return value{}, p.errorf("expected member name")
		}
		raw, err := p.str()
		if err != nil {
			return value{}, err
		}
		name := unescape(raw)
		// Linear scan for small objects, a set for large ones.
		if len(v.obj) < 16 {
			for i := range v.obj {
				if v.obj[i].name == name {
					return value{}, p.errorf("duplicate member %q", name)
				}
			}
		} else {
			if seen == nil {
				seen = make(map[string]struct{}, 2*len(v.obj))
				for i := range v.obj {
					seen[v.obj[i].name] = struct{}{}
				}
			}
			if _, dup := seen[name]; dup {
				return value{}, p.errorf("duplicate member %q", name)
			}
			seen[name] = struct{}{}
		}
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return value{}, p.errorf("expected ':'")
		}
		p.i++
		p.ws()
		val, err := p.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		v.obj = append(v.obj, member{name: name, nameRaw: raw, val: val})
		p.ws()
		if p.i >= len(p.data) {
			return value{}, p.errorf("unterminated object")
		}
		if p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.data[p.i] == '}' {
			p.i++
			return v, nil
		}
		return value{}, p.errorf("expected ',' or '}'")
	}
}

func (p *parser) array(depth int) (value, error) {
	p.i++ // [
	v := value{kind: kindArray, arr: make([]value, 0, 4)}
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		el, err := p.value(depth + 1)
		if err != nil {
			return value{}, err
		}
		v.arr = append(v.arr, el)
		p.ws()
		if p.i >= len(p.data) {
			return value{}, p.errorf("unterminated array")
		}
		if p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.data[p.i] == ']' {
			p.i++
			return v, nil
		}
		return value{}, p.errorf("expected ',' or ']'")
	}
}

// unescape decodes the raw content of a string token that str has already
// validated. Lone surrogates become U+FFFD, as in encoding/json.
func unescape(raw []byte) string {
	esc := false
	for _, c := range raw {
		if c == '\\' {
			esc = true
			break
		}
	}
	if !esc {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					if r2 := hex4(raw[i+3 : i+7]); utf16.DecodeRune(r, r2) != utf8.RuneError {
						r = utf16.DecodeRune(r, r2)
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
		i++
	}
	return string(out)
}

func hex4(b []byte) rune {
	n, _ := strconv.ParseUint(string(b), 16, 32)
	return rune(n)
}

// str returns the decoded string of a string value.
func (v *value) str() string { return unescape(v.raw) }

// member returns the member named name of an object value.
func (v *value) member(name string) (*value, bool) {
	for i := range v.obj {
		if v.obj[i].name == name {
			return &v.obj[i].val, true
		}
	}
	return nil, false
}

// stringMember returns a string member; ok is false when it is absent, err
// is set when it is present but not a string.
func (v *value) stringMember(name string) (s string, ok bool, err error) {
	m, ok := v.member(name)
	if !ok {
		return "", false, nil
	}
	if m.kind != kindString {
		return "", true, fmt.Errorf("%q is not a string", name)
	}
	return m.str(), true, nil
}

// numberMember returns a numeric member as float64.
func (v *value) numberMember(name string) (f float64, ok bool, err error) {
	m, ok := v.member(name)
	if !ok {
		return 0, false, nil
	}
	if m.kind != kindNumber {
		return 0, true, fmt.Errorf("%q is not a number", name)
	}
	f, err = strconv.ParseFloat(string(m.raw), 64)
	if err != nil {
		return 0, true, fmt.Errorf("%q: %w", name, err)
	}
	return f, true, nil
}

// appendJSON writes v compactly, strings exactly as read.
func appendJSON(b []byte, v *value) []byte {
	switch v.kind {
	case kindString:
		b = append(b, '"')
		b = append(b, v.raw...)
		return append(b, '"')
	case kindObject:
		b = append(b, '{')
		for i := range v.obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, v.obj[i].nameRaw...)
			b = append(b, '"', ':')
			b = appendJSON(b, &v.obj[i].val)
		}
		return append(b, '}')
	case kindArray:
		b = append(b, '[')
		for i := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, &v.arr[i])
		}
		return append(b, ']')
	default:
		return append(b, v.raw...)
	}
}

// stringValue builds a string value from a Go string.
func stringValue(s string) value {
	return value{kind: kindString, raw: quoteJSON(s)}
}

// quoteJSON returns the JSON string content (without quotes) for s.
func quoteJSON(s string) []byte {
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, len(s)+2)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				out = append(out, '\\', c)
			case c < 0x20:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, `\ufffd`...)
		} else {
			out = append(out, s[i:i+n]...)
		}
		i += n
	}
	return out
}

// numberValue builds a number value from an integer.
func numberValue(n int64) value {
	return value{kind: kindNumber, raw: strconv.AppendInt(nil, n, 10)}
}
