package zkp_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/chainid/chainid/zkp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Example issues a ZK credential, proves "age ≥ 18, country disclosed, not
// revoked, not expired" to a verifier and verifies the proof. It is not run
// as a test (the development setup alone takes several seconds); see
// TestProveVerify for the same flow under test.
func Example() {
	ctx := context.Background()

	// Once per deployment: compile the circuit and make keys (development
	// keys here; production keys come from a Ceremony).
	sys, err := zkp.Compile()
	if err != nil {
		log.Fatal(err)
	}
	keys, err := zkp.Setup(ctx, sys)
	if err != nil {
		log.Fatal(err)
	}

	// Issuer: a key, a status list and a signed credential.
	issuer, _ := zkp.GenerateIssuerKey(nil)
	status, _ := zkp.NewStatusTree(make([]byte, zkp.MaxStatusBits/8))
	holderSecret, _ := zkp.NewHolderSecret(nil) // kept by the wallet
	schema, _ := zkp.SchemaElement("https://example.org/schemas/person/v1")
	country, _ := zkp.EncodeString("NL")
	cred := zkp.Credential{
		SchemaID:         schema,
		HolderCommitment: zkp.HolderCommitment(holderSecret),
		StatusIndex:      42,
		IssuedAt:         time.Now().Add(-time.Hour),
		ExpiresAt:        time.Now().Add(365 * 24 * time.Hour),
	}
	cred.Attributes[0] = zkp.EncodeInteger(30) // age
	cred.Attributes[1] = country               // country
	sig, _ := issuer.Sign(&cred)

	// Verifier: a request; issuer key and status root come from the chain.
	scope, _ := zkp.ScopeElement("https://shop.example")
	nonce, _ := zkp.NonceElement([]byte("fresh single-use nonce"))
	audience, _ := zkp.AudienceElement("https://shop.example")
	req := zkp.Request{
		IssuerKey: issuer.Public(),
		SchemaID:  schema,
		Predicates: [zkp.MaxPredicates]zkp.Predicate{
			{Attr: 0, Op: zkp.OpGe, Operands: []fr.Element{zkp.EncodeInteger(18)}},
		},
		Now:        time.Now(),
		StatusRoot: status.Root(),
		Scope:      scope,
		Nonce:      nonce,
		Audience:   audience,
	}
	req.Disclose[1] = true

	// Holder: prove.
	path, _ := status.Path(cred.StatusIndex)
	proof, pub, err := zkp.Prove(ctx, keys.Proving, &zkp.Witness{
		Request: req, Credential: cred, Signature: sig, HolderSecret: holderSecret, StatusPath: path,
	})
	if err != nil {
		log.Fatal(err)
	}

	// Verifier: rebuild the public inputs from its own request plus the
	// holder's revealed values and nullifier, then verify.
	expected, err := req.PublicInputs(pub.Revealed, pub.Nullifier)
	if err != nil {
		log.Fatal(err)
	}
	if err := zkp.Verify(keys.Verifying, proof, expected); err != nil {
		log.Fatal(err)
	}
	fmt.Println("verified; country disclosed:", expected.Revealed[1] == country)
}

func ExampleEncodeInteger() {
	a, b := zkp.EncodeInteger(-1), zkp.EncodeInteger(0)
	fmt.Println(a.Uint64() < b.Uint64(), b.String())
	v, _ := zkp.DecodeInteger(a)
	fmt.Println(v)
	// Output:
	// true 9223372036854775808
	// -1
}

func ExampleAttributeSpec_Encode() {
	spec := zkp.AttributeSpec{Name: "level", Type: zkp.TypeEnum, Enum: []string{"bronze", "silver", "gold"}}
	e, _ := spec.Encode("gold")
	fmt.Println(e.String())
	_, err := spec.Encode("platinum")
	fmt.Println(err)
	// Output:
	// 2
	// encode enum attribute "level": enum value "platinum": value out of range: not one of the 3 allowed values
}

func ExampleStatusTree() {
	list := make([]byte, 16384) // a decoded Bitstring Status List
	tree, _ := zkp.NewStatusTree(list)
	_ = tree.Set(7, true) // revoke index 7
	path, _ := tree.Path(8)
	root, _ := zkp.StatusRoot(8, false, path)
	want := tree.Root()
	fmt.Println(root.Equal(&want))
	// Output: true
}

func ExampleNullifier() {
	secret, _ := zkp.NewHolderSecret(nil)
	a, _ := zkp.ScopeElement("https://a.example")
	b, _ := zkp.ScopeElement("https://b.example")
	na, nb := zkp.Nullifier(secret, a), zkp.Nullifier(secret, b)
	again := zkp.Nullifier(secret, a)
	fmt.Println(na.Equal(&again), na.Equal(&nb))
	// Output: true false
}
