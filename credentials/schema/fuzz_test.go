package schema

import (
	"encoding/json"
	"testing"
)

// FuzzCompile checks that Compile never panics and that a compiled schema
// validates arbitrary subjects without panicking, answering paths that are
// JSON Pointers.
func FuzzCompile(f *testing.F) {
	f.Add([]byte(personSchema), []byte(`{"givenName":"Ada"}`))
	f.Add([]byte(`{"$id":"urn:x","type":"object","required":["a"]}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, schema, subject []byte) {
		s, err := Compile(schema)
		if err != nil {
			return
		}
		if len(s.ZKAttributes()) > MaxZKAttributes {
			t.Fatalf("%d ZK attributes", len(s.ZKAttributes()))
		}
		for _, e := range s.Validate(json.RawMessage(subject)) {
			if e.Path != "" && e.Path[0] != '/' || e.Message == "" {
				t.Fatalf("bad field error %#v", e)
			}
		}
	})
}
