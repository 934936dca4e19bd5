package did_test

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/did"
)

func ExampleParse() {
	d, err := did.Parse("did:web:example.com%3A8443:users:alice")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Method)
	fmt.Println(d.ID)

	_, err = did.Parse("did:Web:example.com")
	fmt.Println(err)
	// Output:
	// web
	// example.com%3A8443:users:alice
	// invalid DID: method name "Web": character 'W' at 0 is not a lower-case letter or digit
}

func ExampleParseURL() {
	u, err := did.ParseURL("did:example:123?service=files&relativeRef=%2Freports%2F2024.pdf#part-2")
	if err != nil {
		fmt.Println(err)
		return
	}
	params, err := u.Params()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.DID)
	fmt.Println(params.Get("service"), params.Get("relativeRef"))
	fmt.Println(u.Fragment)
	fmt.Println(did.ResolveReference(u.DID, "#key-1"))
	// Output:
	// did:example:123
	// files /reports/2024.pdf
	// part-2
	// did:example:123#key-1
}

func ExampleParseDocument() {
	doc, err := did.ParseDocument([]byte(`{
	  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
	  "id": "did:example:123",
	  "verificationMethod": [{
	    "id": "#key-1",
	    "type": "Multikey",
	    "controller": "did:example:123",
	    "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	  }],
	  "assertionMethod": ["#key-1"],
	  "service": [{"id": "#web", "type": "LinkedDomains", "serviceEndpoint": "https://example.com"}],
	  "x-note": {"kept": true}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	vm, _ := doc.FindVerificationMethod("did:example:123#key-1")
	kt, _ := did.KeyTypeOf(must(vm.PublicKey()))
	fmt.Println(vm.Type, kt)
	svc, _ := doc.FindService("#web")
	fmt.Println(svc.EndpointURIs())

	fmt.Println(string(doc.Extra["x-note"])) // unknown members are kept

	_, err = did.ParseDocument([]byte(`{"id": "did:example:123", "id": "did:example:456"}`))
	fmt.Println(err)
	// Output:
	// Multikey Ed25519
	// [https://example.com]
	// {"kept":true}
	// invalid DID document: duplicate member "id"
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ExampleEncodeMultikey() {
	pub, err := did.DecodeMultikey("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")
	if err != nil {
		fmt.Println(err)
		return
	}
	kt, _ := did.KeyTypeOf(pub)
	mb, _ := did.EncodeMultikey(pub)
	fmt.Println(kt, mb)

	vm, _ := did.NewVerificationMethod("did:key:"+mb+"#"+mb, "did:key:"+mb, did.TypeMultikey, pub)
	fmt.Println(vm.PublicKeyMultibase == mb)
	// Output:
	// P-256 zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169
	// true
}

func ExampleJWKFromPublicKey() {
	pub, _ := did.DecodeMultikey("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	jwk, err := did.JWKFromPublicKey(pub)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(jwk)
	fmt.Println(string(b))

	_, err = did.ParseJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik","d":"secret"}`))
	fmt.Println(err)
	// Output:
	// {"crv":"Ed25519","kty":"OKP","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}
	// invalid key: JWK contains private key material
}

func ExampleDocument_Authorized() {
	doc, err := did.ParseDocument([]byte(`{
	  "id": "did:example:issuer",
	  "verificationMethod": [
	    {"id": "#sign", "type": "Multikey", "controller": "did:example:issuer",
	     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
	    {"id": "#login", "type": "Multikey", "controller": "did:example:issuer",
	     "publicKeyMultibase": "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"}
	  ],
	  "assertionMethod": ["#sign"],
	  "authentication": ["#login"]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, kid := range []string{"did:example:issuer#sign", "did:example:issuer#login", "did:example:other#sign"} {
		_, ok := doc.Authorized(did.AssertionMethod, kid)
		fmt.Println(kid, ok)
	}
	// Output:
	// did:example:issuer#sign true
	// did:example:issuer#login false
	// did:example:other#sign false
}
