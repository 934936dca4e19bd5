package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Check refuses data that is not valid JSON, that nests objects and arrays
// deeper than maxDepth, or that has an object naming a member twice.
func Check(data []byte, maxDepth int) error { return check(data, maxDepth, false) }

// CheckFold is Check for documents that encoding/json decodes into Go
// structs: it also refuses two member names of one object that
// encoding/json matches to the same field, names equal under Unicode case
// folding ("id" and "ID", "s" and "ſ"). Documents with free-form objects,
// whose member names are case-sensitive data, need Check.
func CheckFold(data []byte, maxDepth int) error { return check(data, maxDepth, true) }

func check(data []byte, maxDepth int, fold bool) error {
	if !json.Valid(data) {
		return errors.New("not valid JSON")
	}
	type frame struct {
		object bool
		names  map[string]struct{}
	}
	var stack []frame
	expectName := false
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			if len(stack) >= maxDepth {
				return fmt.Errorf("nesting deeper than %d", maxDepth)
			}
			stack = append(stack, frame{object: data[i] == '{'})
			expectName = data[i] == '{'
		case '}', ']':
			stack = stack[:len(stack)-1]
			expectName = false
		case ',':
			expectName = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			// data is valid JSON, so the string is terminated.
			j, plain := i+1, true
			for ; data[j] != '"'; j++ {
				if data[j] == '\\' {
					j++
					plain = false
				} else if data[j] >= 0x80 {
					plain = false
				}
			}
			if expectName {
				name := string(data[i+1 : j])
				if !plain {
					if err := json.Unmarshal(data[i:j+1], &name); err != nil {
						return err
					}
				}
				if fold {
					name = foldName(name)
				}
				f := &stack[len(stack)-1]
				if f.names == nil {
					f.names = make(map[string]struct{})
				}
				if _, dup := f.names[name]; dup {
					return fmt.Errorf("duplicate member %q", name)
				}
				f.names[name] = struct{}{}
				expectName = false
			}
			i = j
		}
	}
	return nil
}

// foldName maps every rune of name to the smallest rune of its case-folding
// orbit, so foldName(a) == foldName(b) exactly when strings.EqualFold(a, b),
// the rule encoding/json matches member names to struct fields by.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				return next
			}
			r = next
		}
	}, name)
}
