package schema

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxDepth bounds the nesting of schemas and subjects.
const maxDepth = 64

// checkDuplicates refuses invalid JSON, nesting deeper than maxDepth, and
// objects that name a member twice (compared as decoded strings).
func checkDuplicates(data []byte) error {
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
			j := i + 1
			for ; data[j] != '"'; j++ {
				if data[j] == '\\' {
					j++
				}
			}
			if expectName {
				var name string
				if err := json.Unmarshal(data[i:j+1], &name); err != nil {
					return err
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
