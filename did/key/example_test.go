package key_test

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

func ExampleNew() {
	// A fixed seed keeps the output stable; use ed25519.GenerateKey in real code.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	id, err := key.New(priv.Public())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id)
	// Output: did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
}

func ExampleResolver_Resolve() {
	r := key.NewResolver(key.Config{})
	id := did.MustParse("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	doc, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, vm := range doc.VerificationMethod {
		fmt.Println(vm.Type, vm.PublicKeyMultibase)
	}
	fmt.Println("keyAgreement:", doc.KeyAgreement[0].ID == doc.VerificationMethod[1].ID)
	// Output:
	// Multikey z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// Multikey z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW
	// keyAgreement: true
}

func ExampleNewResolver() {
	// JsonWebKey2020 verification methods instead of Multikey.
	r := key.NewResolver(key.Config{VerificationMethodType: did.TypeJSONWebKey2020})
	id := did.MustParse("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")
	doc, _, err := r.Resolve(context.Background(), id, did.ResolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	jwk := doc.VerificationMethod[0].PublicKeyJwk
	fmt.Println(doc.Context.URIs())
	fmt.Println(jwk.Kty, jwk.Crv, jwk.X)
	// Output:
	// [https://www.w3.org/ns/did/v1 https://w3id.org/security/suites/jws-2020/v1]
	// EC P-256 igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns
}

func ExampleDecode() {
	pub, err := key.Decode(did.MustParse("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"))
	if err != nil {
		fmt.Println(err)
		return
	}
	kt, _ := did.KeyTypeOf(pub)
	fmt.Println(kt)

	// P-384 is a did:key type this package does not support.
	_, err = key.Decode(did.MustParse("did:key:z82LkvCwHNreneWpsgPEbV3gu1C6NFJEBg4srfJ5gdxEsMGRJUz2sG9FE42shbn2xkZJh54"))
	fmt.Println(err)
	// Output:
	// secp256k1
	// invalid DID: unsupported key: multicodec 0x1201
}
