package presexch_test

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/verifier/presexch"
)

func Example() {
	def, err := presexch.Parse([]byte(`{
	  "id": "age-check",
	  "input_descriptors": [{
	    "id": "over18",
	    "format": {"dc+sd-jwt": {"sd-jwt_alg_values": ["ES256", "EdDSA"]}},
	    "constraints": {
	      "limit_disclosure": "required",
	      "fields": [{"path": ["$.age_over_18"], "filter": {"type": "boolean", "const": true}}]
	    }
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Wallet side: which credential, which claims to disclose.
	sel, err := presexch.Match(def, []presexch.Candidate{
		{ID: "pid", Format: "dc+sd-jwt", Claims: json.RawMessage(`{"given_name":"Ada","age_over_18":true}`)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	pick := sel.Candidates["over18"][0]
	fmt.Println(sel.Submit, pick.Candidate, pick.Disclose)

	// Verifier side: the submission points at the credential (here the
	// presentation is the SD-JWT itself; Check resolves it to its verified
	// claims).
	sub := &presexch.Submission{ID: "s1", DefinitionID: "age-check",
		DescriptorMap: []*presexch.Descriptor{{ID: "over18", Format: "dc+sd-jwt", Path: "$"}}}
	verified := map[string]any{"age_over_18": true}
	ev, err := presexch.Evaluate(def, sub, "SD-JWT", func(string, any, bool) (any, error) { return verified, nil })
	fmt.Println(ev.OK(), err)
	// Output:
	// [over18] pid [$['age_over_18']]
	// true <nil>
}
