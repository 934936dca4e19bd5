package dataintegrity_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// exampleIssuer is a fixed did:key Ed25519 issuer.
func exampleIssuer() (ed25519.PrivateKey, string, string) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	id, _ := key.New(priv.Public())
	mk, _ := did.EncodeMultikey(priv.Public())
	return priv, id.String(), id.String() + "#" + mk
}

func ExampleProcessor_AddProof() {
	priv, issuer, vm := exampleIssuer()
	p, err := dataintegrity.New(dataintegrity.Config{})
	if err != nil {
		panic(err)
	}
	cred := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"credentialSubject":{"id":"did:example:alice","name":"Alice"}}`, issuer)
	secured, err := p.AddProof(context.Background(), []byte(cred), priv, vm, dataintegrity.EdDSARDFC2022, dataintegrity.ProofOptions{
		Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(secured))
	// Output:
	// {"@context":["https://www.w3.org/ns/credentials/v2"],"credentialSubject":{"id":"did:example:alice","name":"Alice"},"issuer":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","proof":{"created":"2025-01-01T00:00:00Z","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","proofValue":"z2HiNoB8SeptHPPY6E2pKdvRATYiTBo4k2fjcZarZj1Hc2MhQ1ER68xnCg2PZTPZBXyRBXdv16d9rNTVWfdRD9xdh","type":"DataIntegrityProof","verificationMethod":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},"type":["VerifiableCredential"]}
}

func ExampleProcessor_Verify() {
	priv, issuer, vm := exampleIssuer()
	p, err := dataintegrity.New(dataintegrity.Config{})
	if err != nil {
		panic(err)
	}
	cred := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":%q,"credentialSubject":{"id":"did:example:alice"}}`, issuer)
	secured, err := p.AddProof(context.Background(), []byte(cred), priv, vm, dataintegrity.EdDSAJCS2022, dataintegrity.ProofOptions{})
	if err != nil {
		panic(err)
	}
	// A KeyResolver over the did:key resolver (see kit_test.go).
	res, err := p.Verify(context.Background(), secured, newDIDKeys(), dataintegrity.VerifyOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verified(), res.Issuer == issuer, res.Proofs[0].Cryptosuite)

	// The same proof presented for login is refused.
	_, err = p.Verify(context.Background(), secured, newDIDKeys(), dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: "n-1"})
	fmt.Println(errors.Is(err, dataintegrity.ErrPurpose))
	// Output:
	// true true eddsa-jcs-2022
	// true
}

func ExampleNew() {
	// The zero Config: built-in contexts only, all three suites, bounded
	// canonicalization work.
	p, err := dataintegrity.New(dataintegrity.Config{})
	fmt.Println(p != nil, err)
	// Output: true <nil>
}
