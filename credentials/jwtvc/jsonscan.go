package jwtvc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// member is one top-level member of a JSON object: its exact (decoded) name
// and its raw value.
type member struct {
	name  []byte
	value []byte
}

// object is the top-level members of a JSON object, in document order.
type object []member

// get returns the raw value of the member named exactly name, or nil.
// Names are matched byte for byte: unlike encoding/json's field matching,
// "EXP" is not "exp".
func (o object) get(name string) []byte {
	for i := range o {
		if string(o[i].name) == name {
			return o[i].value
		}
	}
	return nil
}

// has reports whether the member is present (even if null).
func (o object) has(name string) bool { return o.get(name) != nil }

// parseObject checks that data is one JSON object, that no object in it (at
// any depth) names a member twice and that nesting stays within maxDepth,
// and returns the top-level members. encoding/json keeps the last of
// duplicate members while other parsers keep the first, so a signed token
// with duplicates could mean two things. Syntax is checked with
// encoding/json's validator after the structural scan.
func parseObject(data []byte, maxDepth int) (object, error) {
	var out object
	if err := scanJSON(data, maxDepth, &out); err != nil {
		return nil, err
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("invalid JSON")
	}
	return out, nil
}

// members returns the top-level members of an object that is part of JSON
// already checked by parseObject (so valid, duplicate-free and within the
// depth limit): no second validation pass.
func members(data []byte) (object, error) {
	var out object
	if err := scanJSON(data, math.MaxInt, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// scanJSON walks structure and member names and collects the top-level
// members into top (when not nil). It trusts nothing but does not check
// syntax: parseObject runs json.Valid as well.
func scanJSON(data []byte, maxDepth int, top *object) error {
	// seen holds the member names of every open object, each object's
	// names contiguous from its frame's start; an object with many names
	// moves them to a set.
	type frame struct {
		object bool
		start  int
		set    map[string]struct{}
	}
	const linearNames = 16
	var stackBuf [16]frame
	var seenBuf [64][]byte
	stack, seen := stackBuf[:0], seenBuf[:0]
	expectName := false
	var curName []byte
	valStart := -1
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return fmt.Errorf("JSON text is not an object")
	}
	endValue := func(end int) {
		if top != nil && valStart >= 0 {
			*top = append(*top, member{name: curName, value: bytes.TrimRight(data[valStart:end], " \t\r\n")})
		}
		valStart = -1
	}
	for ; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			if len(stack) == maxDepth {
				return fmt.Errorf("JSON nested deeper than %d levels", maxDepth)
			}
			stack = append(stack, frame{object: c == '{', start: len(seen)})
			expectName = c == '{'
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].object != (c == '}') {
				return fmt.Errorf("unbalanced JSON at offset %d", i)
			}
			if len(stack) == 1 {
				endValue(i)
			}
			seen = seen[:stack[len(stack)-1].start]
			stack = stack[:len(stack)-1]
			expectName = false
			if len(stack) == 0 {
				for i++; i < len(data); i++ {
					if !isSpace(data[i]) {
						return fmt.Errorf("data after the JSON object at offset %d", i)
					}
				}
				return nil
			}
		case ',':
			if len(stack) == 1 {
				endValue(i)
			}
			expectName = stack[len(stack)-1].object
		case ':':
			if len(stack) == 1 {
				j := i + 1
				for j < len(data) && isSpace(data[j]) {
					j++
				}
				valStart = j
			}
		case '"':
			j, escaped := i+1, false
			for ; j < len(data) && data[j] != '"'; j++ {
				if data[j] == '\\' {
					j++
					escaped = true
				}
			}
			if j >= len(data) {
				return fmt.Errorf("unterminated JSON string")
			}
			if expectName {
				name := data[i+1 : j]
				if escaped || !utf8.Valid(name) {
					var s string
					if err := json.Unmarshal(data[i:j+1], &s); err != nil {
						return fmt.Errorf("bad member name: %w", err)
					}
					name = []byte(s)
				}
				f := &stack[len(stack)-1]
				switch {
				case f.set != nil:
					if _, dup := f.set[string(name)]; dup {
						return fmt.Errorf("duplicate member %q", name)
					}
					f.set[string(name)] = struct{}{}
				default:
					for _, n := range seen[f.start:] {
						if bytes.Equal(n, name) {
							return fmt.Errorf("duplicate member %q", name)
						}
					}
					seen = append(seen, name)
					if len(seen)-f.start > linearNames {
						f.set = make(map[string]struct{}, 2*linearNames)
						for _, n := range seen[f.start:] {
							f.set[string(n)] = struct{}{}
						}
						seen = seen[:f.start]
					}
				}
				if len(stack) == 1 {
					curName = name
				}
				expectName = false
			}
			i = j
		}
	}
	return fmt.Errorf("unterminated JSON object")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonString decodes a raw JSON string value.
func jsonString(raw []byte) (string, error) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", fmt.Errorf("not a string")
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

// optString decodes an optional string member: absent gives "", false.
func optString(o object, name string) (string, bool, error) {
	raw := o.get(name)
	if raw == nil {
		return "", false, nil
	}
	s, err := jsonString(raw)
	if err != nil {
		return "", true, fmt.Errorf("%s: %w", name, err)
	}
	return s, true, nil
}

// stringOrArray decodes a string or an array of strings.
func stringOrArray(raw []byte) ([]string, error) {
	if len(raw) > 0 && raw[0] == '"' {
		s, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("want a string or an array of strings")
	}
	return out, nil
}

// idOf returns the id of a member that is a string or an object with a
// string "id" (issuer, holder).
func idOf(raw []byte) (string, error) {
	if len(raw) > 0 && raw[0] == '{' {
		o, err := members(raw)
		if err != nil {
			return "", err
		}
		s, ok, err := optString(o, "id")
		if err != nil {
			return "", err
		}
		if !ok {
			return "", fmt.Errorf("object without an id")
		}
		return s, nil
	}
	return jsonString(raw)
}

// firstContext returns the first entry of @context when it is a string.
func firstContext(raw []byte) string {
	first := ""
	eachString(raw, func(s string) bool { first = s; return false })
	return first
}

// eachString calls fn with a string value, or with each leading string
// element of an array (raw is valid JSON), until fn returns false or an
// element is not a string.
func eachString(raw []byte, fn func(string) bool) {
	if len(raw) == 0 {
		return
	}
	if raw[0] == '"' {
		if s, err := jsonString(raw); err == nil {
			fn(s)
		}
		return
	}
	if raw[0] != '[' {
		return
	}
	for i := 1; i < len(raw); {
		for i < len(raw) && (isSpace(raw[i]) || raw[i] == ',') {
			i++
		}
		if i >= len(raw) || raw[i] != '"' {
			return
		}
		j := i + 1
		for ; j < len(raw) && raw[j] != '"'; j++ {
			if raw[j] == '\\' {
				j++
			}
		}
		if j >= len(raw) {
			return
		}
		s, err := jsonString(raw[i : j+1])
		if err != nil || !fn(s) {
			return
		}
		i = j + 1
	}
}

// numericDate decodes a JWT NumericDate (a JSON number of seconds since the
// epoch, possibly fractional).
func numericDate(raw []byte) (time.Time, error) {
	if len(raw) == 0 || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		return time.Time{}, fmt.Errorf("not a number")
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("NumericDate %s out of range", raw)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}

// dateTime decodes an XML Schema dateTimeStamp string (RFC 3339 with a
// time zone), as validFrom, validUntil, issuanceDate and expirationDate
// are written.
func dateTime(raw []byte) (time.Time, error) {
	s, err := jsonString(raw)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 date-time with a time zone: %q", s)
	}
	return t, nil
}

// hasType reports whether the type member (a string or an array of
// strings) lists want.
func hasType(raw []byte, want string) bool {
	found := false
	eachString(raw, func(s string) bool { found = s == want; return !found })
	return found
}

// quote returns s as a JSON string.
func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// mediaTypeIs compares a typ/cty value with a media type, case
// insensitively and with or without the "application/" prefix (RFC 7515
// §4.1.9).
func mediaTypeIs(v, want string) bool {
	if len(v) > len("application/") && strings.EqualFold(v[:len("application/")], "application/") {
		v = v[len("application/"):]
	}
	return strings.EqualFold(v, want)
}
