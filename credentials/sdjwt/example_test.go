package sdjwt_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// didKeyResolver is a KeyResolver for did:key issuers.
type didKeyResolver struct{ r *key.Resolver }

func (k didKeyResolver) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, err
	}
	doc, _, err := k.r.Resolve(ctx, u.DID, did.ResolveOptions{})
	if err != nil {
		return nil, err
	}
	vm, ok := doc.Authorized(rel, id)
	if !ok {
		return nil, fmt.Errorf("%s is not an %s key", id, rel)
	}
	return vm.PublicKey()
}

// Fixed keys and a seeded ChaCha8 keep the output stable; use ed25519.GenerateKey
// and crypto/rand (the default) in real code.
var (
	issuerKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	holderKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	issuedAt  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func exampleSDJWT() string {
	id, _ := key.New(issuerKey.Public())
	kid := id.String() + "#" + id.ID
	claims := []byte(`{"vct":"https://example.com/pid","given_name":"Erika","birthdate":"1964-08-12","nationalities":["DE","FR"]}`)
	sd, err := sdjwt.Issue(claims, sdjwt.Frame{"/given_name", "/birthdate", "/nationalities/0", "/nationalities/1"}, issuerKey,
		sdjwt.IssueOptions{KeyID: kid, IssuedAt: issuedAt, HolderKey: holderKey.Public(), Decoys: 2, Rand: rand.NewChaCha8([32]byte{})})
	if err != nil {
		panic(err)
	}
	return sd
}

func ExampleIssue() {
	sd := exampleSDJWT()
	fmt.Println(len(bytes.Split([]byte(sd), []byte("~")))-2, "disclosures")
	// Output: 4 disclosures
}

func ExamplePresent() {
	pres, err := sdjwt.Present(exampleSDJWT(), []string{"/birthdate", "/nationalities/1"}, holderKey,
		sdjwt.PresentOptions{Nonce: "n-123", Audience: "https://verifier.example", IssuedAt: issuedAt.Add(time.Minute)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Count([]byte(pres), []byte("~")), "separators; ends with a KB-JWT:", pres[len(pres)-1] != '~')
	// Output: 3 separators; ends with a KB-JWT: true
}

func ExampleVerify() {
	pres, _ := sdjwt.Present(exampleSDJWT(), []string{"/birthdate", "/nationalities/1"}, holderKey,
		sdjwt.PresentOptions{Nonce: "n-123", Audience: "https://verifier.example", IssuedAt: issuedAt.Add(time.Minute)})
	res, err := sdjwt.Verify(context.Background(), pres, didKeyResolver{key.NewResolver(key.Config{})}, sdjwt.VerifyOptions{
		RequireKeyBinding: true,
		ExpectedNonce:     "n-123",
		ExpectedAudience:  "https://verifier.example",
		Now:               func() time.Time { return issuedAt.Add(2 * time.Minute) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.VCT, res.KeyBound)
	fmt.Println(string(res.Claims))
	// Output:
	// https://example.com/pid true
	// {"vct":"https://example.com/pid","nationalities":["FR"],"iss":"did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX","iat":1767323045,"cnf":{"jwk":{"crv":"Ed25519","kty":"OKP","x":"gTl3Dqh9F19Wo1Rmw0x-zMuNipG07jeiXfYPW4_Js5Q"}},"birthdate":"1964-08-12"}
}
