package ethr

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The reference resolver turns a did/svc attribute value into a service
// endpoint with JSON.parse, falling back to the raw string, and its callers
// see the result through JSON.stringify. The functions here reproduce that
// pair in Go so that our serviceEndpoint is the same JSON value: numbers
// become IEEE doubles printed the JavaScript way, duplicate object members
// keep the first position and the last value, and members whose names are
// array indexes come first in ascending order, as in a JavaScript object.

// jsServiceEndpoint returns the serviceEndpoint JSON for an attribute value
// (already known to be valid UTF-8).
func jsServiceEndpoint(s string) json.RawMessage {
	if v, err := jsParse(s); err == nil {
		var b bytes.Buffer
		v.write(&b)
		return b.Bytes()
	}
	var b bytes.Buffer
	jsQuote(&b, s)
	return b.Bytes()
}

// jsValue is a parsed JSON value: exactly one of the fields is meaningful,
// chosen by kind.
type jsValue struct {
	kind    byte // 'o' object, 'a' array, 's' string, 'n' number, 'l' literal
	str     string
	num     float64
	members []jsMember
	items   []jsValue
}

type jsMember struct {
	name  string
	value jsValue
}

var errJSTrailing = errors.New("trailing data after JSON value")

// maxJSDepth bounds nesting; deeper input is treated as a plain string,
// where a JavaScript engine would overflow its stack and fail the
// resolution.
const maxJSDepth = 512

func jsParse(s string) (jsValue, error) {
	if !json.Valid([]byte(s)) {
		return jsValue{}, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := jsDecode(dec, 0)
	if err != nil {
		return jsValue{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return jsValue{}, errJSTrailing
	}
	return v, nil
}

func jsDecode(dec *json.Decoder, depth int) (jsValue, error) {
	if depth > maxJSDepth {
		return jsValue{}, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return jsValue{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			v := jsValue{kind: 'a', items: []jsValue{}}
			for dec.More() {
				item, err := jsDecode(dec, depth+1)
				if err != nil {
					return jsValue{}, err
				}
				v.items = append(v.items, item)
			}
			_, err := dec.Token()
			return v, err
		}
		v := jsValue{kind: 'o'}
		index := map[string]int{}
		for dec.More() {
			nt, err := dec.Token()
			if err != nil {
				return jsValue{}, err
			}
			name, _ := nt.(string)
			val, err := jsDecode(dec, depth+1)
			if err != nil {
				return jsValue{}, err
			}
			if i, ok := index[name]; ok {
				v.members[i].value = val
				continue
			}
			index[name] = len(v.members)
			v.members = append(v.members, jsMember{name: name, value: val})
		}
		if _, err := dec.Token(); err != nil {
			return jsValue{}, err
		}
		// Array-index names come first, ascending; the stable sort keeps
		// the insertion order of the others.
		slices.SortStableFunc(v.members, func(a, b jsMember) int {
			ai, aok := arrayIndex(a.name)
			bi, bok := arrayIndex(b.name)
			switch {
			case aok && bok:
				return cmpUint(ai, bi)
			case aok:
				return -1
			case bok:
				return 1
			}
			return 0
		})
		return v, nil
	case string:
		return jsValue{kind: 's', str: t}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return jsValue{}, err
		}
		return jsValue{kind: 'n', num: f}, nil
	case bool:
		if t {
			return jsValue{kind: 'l', str: "true"}, nil
		}
		return jsValue{kind: 'l', str: "false"}, nil
	default: // nil
		return jsValue{kind: 'l', str: "null"}, nil
	}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// arrayIndex reports whether name is a canonical array index (0 … 2^32−2),
// which JavaScript objects order before other property names.
func arrayIndex(name string) (uint64, bool) {
	if name == "" || len(name) > 10 || (len(name) > 1 && name[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(name, 10, 64)
	if err != nil || n >= 1<<32-1 {
		return 0, false
	}
	return n, true
}

func (v *jsValue) write(b *bytes.Buffer) {
	switch v.kind {
	case 'o':
		b.WriteByte('{')
		for i, m := range v.members {
			if i > 0 {
				b.WriteByte(',')
			}
			jsQuote(b, m.name)
			b.WriteByte(':')
			m.value.write(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			v.items[i].write(b)
		}
		b.WriteByte(']')
	case 's':
		jsQuote(b, v.str)
	case 'n':
		b.WriteString(jsNumber(v.num))
	default:
		b.WriteString(v.str)
	}
}

// jsNumber formats f as JSON.stringify does (Number::toString; non-finite
// numbers become null).
func jsNumber(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "null"
	}
	if f == 0 {
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±x, shortest round trip
	mant, expText, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expText)
	k, n := len(digits), exp+1
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	out := sign + digits[:1]
	if k > 1 {
		out += "." + digits[1:]
	}
	if n-1 >= 0 {
		return out + "e+" + strconv.Itoa(n-1)
	}
	return out + "e-" + strconv.Itoa(1-n)
}

// jsQuote writes s as JSON.stringify quotes a string.
func jsQuote(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
