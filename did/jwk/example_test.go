package jwk_test

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
)

func ExampleNew() {
	// A fixed seed keeps the output stable; use ed25519.GenerateKey in real code.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	id, err := jwk.New(priv.Public())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id)
	// Output: did:jwk:eyJjcnYiOiJFZDI1NTE5Iiwia3R5IjoiT0tQIiwieCI6Ik8yb252TTYycEMxaW82alFLbThOYzJVeUZYY2Q0a09tT3NCSW9ZdFoyaWsifQ
}

func ExampleResolver_Resolve() {
	// The P-256 example of the did:jwk specification.
	id := did.MustParse("did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9")
	doc, _, err := jwk.NewResolver(jwk.Config{}).Resolve(context.Background(), id, did.ResolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	vm := doc.VerificationMethod[0]
	fmt.Println(vm.ID == id.String()+"#0", vm.Type, vm.PublicKeyJwk.Crv)
	fmt.Println(len(doc.AssertionMethod), len(doc.KeyAgreement))
	// Output:
	// true JsonWebKey2020 P-256
	// 1 1
}

func ExampleNewResolver() {
	r := jwk.NewResolver(jwk.Config{})
	// A JWK with a private member is refused.
	id := did.MustParse("did:jwk:eyJjcnYiOiJQLTI1NiIsImQiOiJBQUFBIiwia3R5IjoiRUMiLCJ4IjoiIiwieSI6IiJ9")
	_, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
	fmt.Println(err != nil)
	// Output: true
}

func ExampleDecode() {
	id := did.MustParse("did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJYMjU1MTkiLCJ1c2UiOiJlbmMiLCJ4IjoiM3A3YmZYdDl3YlRUVzJIQzdPUTFOei1EUThoYmVHZE5yZngtRkctSUswOCJ9")
	k, pub, err := jwk.Decode(id)
	if err != nil {
		fmt.Println(err)
		return
	}
	kt, _ := did.KeyTypeOf(pub)
	fmt.Println(k.Kty, k.Crv, kt)
	// Output: OKP X25519 X25519
}
