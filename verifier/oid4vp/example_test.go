package oid4vp_test

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/verifier/oid4vp"
)

// A wallet selects, for a DCQL query, a credential and the claims to
// disclose (as JSON Pointers for SD-JWT).
func ExampleQuery_Select() {
	q, err := oid4vp.ParseQuery(json.RawMessage(`{"credentials":[{"id":"pid","format":"dc+sd-jwt",
	  "meta":{"vct_values":["https://example/pid"]},"claims":[{"path":["age_over_18"],"values":[true]}]}]}`))
	if err != nil {
		panic(err)
	}
	sel, err := q.Select([]oid4vp.Candidate{
		{Format: "jwt_vc_json", Types: []string{"VerifiableCredential"}, Claims: json.RawMessage(`{}`)},
		{Format: "dc+sd-jwt", Types: []string{"https://example/pid"}, Claims: json.RawMessage(`{"name":"A","age_over_18":true}`)},
	})
	if err != nil {
		panic(err)
	}
	ptr, _ := oid4vp.Pointer(sel[0].Claims[0].Path)
	fmt.Println(sel[0].QueryID, sel[0].Index, ptr)
	// Output: pid 1 /age_over_18
}
