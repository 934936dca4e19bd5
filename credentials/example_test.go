package credentials_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/did"
)

const example = `{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "type": ["VerifiableCredential", "AgeCredential"],
  "issuer": {"id": "did:example:issuer", "name": "Example Issuer"},
  "validFrom": "2024-01-01T00:00:00Z",
  "validUntil": "2029-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:alice", "birthDate": "2000-05-17", "nationality": "DE"},
  "credentialStatus": {
    "id": "https://issuer.example/status/1#42",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "42",
    "statusListCredential": "https://issuer.example/status/1"
  }
}`

func ExampleParseCredential() {
	c, err := credentials.ParseCredential([]byte(example))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Version(), c.IssuerID())
	for _, s := range c.Subjects() {
		birth, _ := s.Claim("birthDate")
		fmt.Println(s.ID, string(birth))
	}
	idx, _ := c.Statuses()[0].Index()
	fmt.Println(c.Statuses()[0].StatusPurpose, idx)
	// Output:
	// 2.0 did:example:issuer
	// did:example:alice "2000-05-17"
	// revocation 42
}

func ExampleParseCredential_refused() {
	_, err := credentials.ParseCredential([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],
	"type":"VerifiableCredential","issuer":"did:example:a","issuer":"did:example:b","credentialSubject":{"x":1}}`))
	fmt.Println(errors.Is(err, credentials.ErrInvalid), err)
	// Output: true invalid verifiable credential data: duplicate member "issuer"
}

func ExampleCredential_ValidAt() {
	c, err := credentials.ParseCredential([]byte(example))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ValidAt(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Minute))
	err = c.ValidAt(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Minute)
	fmt.Println(errors.Is(err, credentials.ErrExpired))
	// Output:
	// <nil>
	// true
}

func ExampleCredential_ValidityPeriod() {
	c, _ := credentials.ParseCredential([]byte(example))
	from, until, _ := c.ValidityPeriod()
	fmt.Println(from.Year(), until.Year())
	// Output: 2024 2029
}

func ExampleCredential_MarshalJSON() {
	c := credentials.Credential{
		Context: did.Contexts(credentials.ContextV2),
		Type:    did.Strings(credentials.TypeCredential),
		Issuer:  credentials.Entity{ID: "did:example:issuer"},
		CredentialSubject: credentials.One(credentials.Subject{
			ID:     "did:example:alice",
			Claims: []credentials.Member{{Name: "over18", Value: json.RawMessage(`true`)}},
		}),
		ValidFrom: "2024-01-01T00:00:00Z",
	}
	if err := c.Validate(); err != nil {
		panic(err)
	}
	out, _ := c.MarshalJSON()
	fmt.Println(string(out))
	// Output: {"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","issuer":"did:example:issuer","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:alice","over18":true}}
}

func ExampleCredential_Validate() {
	c := credentials.Credential{
		Context:           did.Contexts(credentials.ContextV2),
		Type:              did.Strings("AgeCredential"),
		Issuer:            credentials.Entity{ID: "did:example:issuer"},
		CredentialSubject: credentials.One(credentials.Subject{ID: "did:example:alice"}),
	}
	fmt.Println(c.Validate())
	// Output: invalid verifiable credential data: type must include VerifiableCredential
}

func ExampleSubject_JSON() {
	c, _ := credentials.ParseCredential([]byte(example))
	j, _ := c.Subjects()[0].JSON()
	fmt.Println(string(j))
	// Output: {"id":"did:example:alice","birthDate":"2000-05-17","nationality":"DE"}
}

func ExampleStatus_Validate() {
	s := credentials.Status{Type: credentials.TypeBitstringStatusListEntry, StatusPurpose: "revocation",
		StatusListIndex: "007", StatusListCredential: "https://issuer.example/status/1"}
	fmt.Println(s.Validate())
	// Output: statusListIndex "007" is not a canonical non-negative integer
}

func ExampleParsePresentation() {
	p, err := credentials.ParsePresentation([]byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "type": "VerifiablePresentation",
	  "holder": "did:example:alice",
	  "verifiableCredential": [{"@context": "https://www.w3.org/ns/credentials/v2",
	    "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.sig", "type": "EnvelopedVerifiableCredential"}]
	}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Version(), p.HolderID(), len(p.VerifiableCredential.Items))
	// Output: 2.0 did:example:alice 1
}

func ExampleParseDateTime() {
	t, err := credentials.ParseDateTime("2024-03-01T12:00:00+01:00", true)
	fmt.Println(t.UTC(), err)
	_, err = credentials.ParseDateTime("2024-03-01T12:00:00", true)
	fmt.Println(err)
	// Output:
	// 2024-03-01 11:00:00 +0000 UTC <nil>
	// "2024-03-01T12:00:00" has no time zone
}
