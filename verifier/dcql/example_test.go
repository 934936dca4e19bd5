package dcql_test

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/verifier/dcql"
)

func ExampleMatch() {
	q, err := dcql.Parse([]byte(`{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:pid"]},
	  "claims":[{"path":["age_over_18"],"values":[true]}]}]}`))
	if err != nil {
		panic(err)
	}
	sel, err := dcql.Match(q, []dcql.Candidate{{ID: "cred-1", Format: "dc+sd-jwt", Types: []string{"urn:pid"}, HolderBinding: true,
		Claims: json.RawMessage(`{"given_name":"Erika","age_over_18":true}`)}})
	if err != nil {
		panic(err)
	}
	fmt.Println(sel["pid"][0].CandidateID, sel["pid"][0].Disclose)
	// Output: cred-1 [/age_over_18]
}
