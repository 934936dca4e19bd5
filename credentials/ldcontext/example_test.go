package ldcontext_test

import (
	"errors"
	"fmt"

	"github.com/chainid/chainid/credentials/ldcontext"
)

func ExampleNew() {
	set, err := ldcontext.New(ldcontext.Context{
		URL:      "https://issuer.example/contexts/membership/v1",
		Document: []byte(`{"@context":{"@protected":true,"MembershipCredential":"https://issuer.example/vocab#MembershipCredential"}}`),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(set.Has(ldcontext.CredentialsV2), set.Has("https://issuer.example/contexts/membership/v1"))
	_, err = set.Document("https://attacker.example/context")
	fmt.Println(errors.Is(err, ldcontext.ErrUnknownContext))
	// Output:
	// true true
	// true
}

func ExampleBuiltin() {
	for _, c := range ldcontext.Builtin() {
		fmt.Println(c.URL)
	}
	// Output:
	// https://www.w3.org/ns/credentials/v2
	// https://www.w3.org/2018/credentials/v1
	// https://w3id.org/security/data-integrity/v2
	// https://w3id.org/security/data-integrity/v1
	// https://w3id.org/security/multikey/v1
	// https://www.w3.org/ns/credentials/status/v1
	// https://www.w3.org/ns/credentials/undefined-terms/v2
}
