package vplogin_test

import (
	"fmt"
	"time"

	"github.com/chainid/chainid/api/vplogin"
)

// An OIDC client asking for the email scope gets a DCQL query for the
// email claim of an SD-JWT VC; age_over_18 becomes a ZK predicate whose
// nullifier scope is the client id.
func ExampleTable_Plan() {
	t := vplogin.DefaultTable(vplogin.Defaults{CredentialTypes: []string{"https://schemas.example/person"},
		ZKSchema: "https://schemas.example/zk-person", ZKIssuers: []string{"did:ethr:0x1"}})
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	p, _ := t.Plan("client-1", t.Requested([]string{"openid", "email"}, nil), day)
	fmt.Println(string(p.Query))
	p, _ = t.Plan("client-1", []string{"age_over_18"}, day)
	fmt.Println(string(p.Query))
	_, err := t.Plan("client-1", []string{"shoe_size"}, day)
	fmt.Println(err)
	// Output:
	// {"credentials":[{"id":"cred0","format":"dc+sd-jwt","meta":{"vct_values":["https://schemas.example/person"]},"claims":[{"path":["email"]}]}]}
	// {"credentials":[{"id":"zk0","format":"chainid_zk","meta":{"zk_request":{"issuers":["did:ethr:0x1"],"schema":"https://schemas.example/zk-person","predicates":[{"attribute":"birthDate","op":"\u003c=","value":"2008-11-26"}],"scope":"client-1"}}}]}
	// claims cannot be proven with a credential: shoe_size
}

// A mapping file replaces the default table: here a claim from a JWT VC
// and a revealed attribute of a ZK credential.
func ExampleParseTable() {
	t, err := vplogin.ParseTable([]byte(`{"claims":{
	  "employer":{"format":"jwt_vc_json","types":["VerifiableCredential","EmployeeCredential"],"path":["credentialSubject","employer"]},
	  "level":{"zk":{"issuers":["did:ethr:0x1"],"schema":"https://schemas.example/zk-employee","reveal":"level"}}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := t.Plan("client-1", []string{"employer"}, time.Now())
	fmt.Println(string(p.Query))
	_, err = vplogin.ParseTable([]byte(`{"claims":{"x":{"format":"ldp_vc","types":["T"],"path":["x"]}}}`))
	fmt.Println(err)
	// Output:
	// {"credentials":[{"id":"cred0","format":"jwt_vc_json","meta":{"type_values":[["VerifiableCredential","EmployeeCredential"]]},"claims":[{"path":["credentialSubject","employer"]}]}]}
	// invalid claim mapping table: claim "x": format "ldp_vc": want dc+sd-jwt or jwt_vc_json
}

// What discovery lists for a mapping: the claims it can put in a token
// (zk_nullifier with a ZK rule) and the scopes that ask for them.
func ExampleTable_ClaimNames() {
	t, _ := vplogin.ParseTable([]byte(`{"claims":{
	  "email":{"format":"dc+sd-jwt","types":["https://schemas.example/person"],"path":["email"]},
	  "age_over_18":{"zk":{"issuers":["did:ethr:0x1"],"schema":"https://schemas.example/zk-person","attribute":"birthDate","op":"<=","yearsAgo":18}}},
	  "scopes":{"contact":["email"]}}`))
	fmt.Println(t.ClaimNames())
	fmt.Println(t.ScopeNames())
	// Output:
	// [age_over_18 email zk_nullifier]
	// [age_over_18 contact email]
}
