package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Check refuses data that is not valid JSON, that nests objects and arrays
// deeper than maxDepth, or that has an object naming a member twice.
func Check(data []byte, maxDepth int) error {
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
