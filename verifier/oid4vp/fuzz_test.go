package oid4vp_test

import (
	"encoding/json"
	"testing"

	"github.com/chainid/chainid/verifier/oid4vp"
)

// FuzzParseQuery: any input either parses into a query Select can run on,
// or is refused; never a panic.
func FuzzParseQuery(f *testing.F) {
	f.Add([]byte(query))
	f.Add([]byte(`{"credentials":[{"id":"a","format":"jwt_vc_json","claims":[{"id":"x","path":["a",null,0]}],"claim_sets":[["x"]]}],"credential_sets":[{"options":[["a"]]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := oid4vp.ParseQuery(json.RawMessage(b))
		if err != nil {
			return
		}
		_, _ = q.Select([]oid4vp.Candidate{{Format: "dc+sd-jwt", Types: []string{"https://example/vct"}, Claims: json.RawMessage(`{"name":"A","a":[1,{"b":2}]}`)}})
	})
}
