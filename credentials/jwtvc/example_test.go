package jwtvc_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
)

// keysFromDIDKey is a KeyResolver over did:key documents.
type keysFromDIDKey struct{ r *key.Resolver }

func (k keysFromDIDKey) VerificationKey(ctx context.Context, id, relationship string) (crypto.PublicKey, error) {
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, err
	}
	doc, _, err := k.r.Resolve(ctx, u.DID, did.ResolveOptions{})
	if err != nil {
		return nil, err
	}
	vm, ok := doc.Authorized(relationship, id)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not an %s key", jwtvc.ErrUnauthorizedKey, id, relationship)
	}
	return vm.PublicKey()
}

// exampleIssuer returns a fixed Ed25519 key, its did:key and kid.
func exampleIssuer(label string) (ed25519.PrivateKey, string, string) {
	priv := ed25519.NewKeyFromSeed(seed(label))
	id, _ := key.New(priv.Public())
	return priv, id.String(), id.String() + "#" + id.ID
}

// part decodes the header (0) or payload (1) of a compact JWS.
func part(token string, i int) []byte {
	b, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	return b
}

func exampleCredential(issuer string) []byte {
	return []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "type": ["VerifiableCredential"],
  "issuer": "` + issuer + `",
  "validFrom": "2025-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:alice", "memberOf": "Example Club"}
}`)
}

func ExampleSign() {
	priv, issuer, kid := exampleIssuer("example issuer")
	token, err := jwtvc.Sign(context.Background(), exampleCredential(issuer), priv, kid, jwtvc.SignOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	header := part(token, 0)
	fmt.Println(string(header))
	// Output:
	// {"alg":"EdDSA","kid":"did:key:z6MkfsrsyfyQSJguwvopxnvLjxTnSi7J3x1QtSVBxjfikPe8#z6MkfsrsyfyQSJguwvopxnvLjxTnSi7J3x1QtSVBxjfikPe8","typ":"vc+jwt"}
}

func ExampleVerify() {
	priv, issuer, kid := exampleIssuer("example issuer")
	token, _ := jwtvc.Sign(context.Background(), exampleCredential(issuer), priv, kid, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})

	keys := keysFromDIDKey{key.NewResolver(key.Config{})}
	v, err := jwtvc.Verify(context.Background(), token, keys, jwtvc.VerifyOptions{Leeway: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Decide whether to trust v.Issuer; the signature only says who it is.
	fmt.Println(v.Format, v.Issuer == issuer, v.KeyID == kid)
	// Output:
	// jwt_vc_json true true
}

func ExampleEnvelopeCredential() {
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, "eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	fmt.Println(string(env))
	// Output:
	// {"@context":"https://www.w3.org/ns/credentials/v2","id":"data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.e30.c2ln","type":"EnvelopedVerifiableCredential"}
}

func ExampleSignPresentation() {
	ctx := context.Background()
	issuerKey, issuer, issuerKID := exampleIssuer("example issuer")
	vc, _ := jwtvc.Sign(ctx, exampleCredential(issuer), issuerKey, issuerKID, jwtvc.SignOptions{})

	holderKey, holder, holderKID := exampleIssuer("example holder")
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, vc)
	vp := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],` +
		`"holder":"` + holder + `","verifiableCredential":[` + string(env) + `]}`)
	token, err := jwtvc.SignPresentation(ctx, vp, holderKey, holderKID, jwtvc.PresentOptions{
		Nonce: "8cf5f1a0", Audience: "https://verifier.example", Lifetime: 5 * time.Minute,
		Now: func() time.Time { return time.Unix(1748736000, 0) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	header, payload := part(token, 0), part(token, 1)
	fmt.Println(string(header)[:28])
	fmt.Println(string(payload[strings.Index(string(payload), `"nonce"`):]))
	// Output:
	// {"alg":"EdDSA","kid":"did:ke
	// "nonce":"8cf5f1a0","aud":"https://verifier.example","iat":1748736000,"exp":1748736300}
}

func ExampleVerifyPresentation() {
	ctx := context.Background()
	issuerKey, issuer, issuerKID := exampleIssuer("example issuer")
	vc, _ := jwtvc.Sign(ctx, exampleCredential(issuer), issuerKey, issuerKID, jwtvc.SignOptions{})
	holderKey, holder, holderKID := exampleIssuer("example holder")
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, vc)
	vp := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],` +
		`"holder":"` + holder + `","verifiableCredential":[` + string(env) + `]}`)
	token, _ := jwtvc.SignPresentation(ctx, vp, holderKey, holderKID, jwtvc.PresentOptions{Nonce: "8cf5f1a0", Audience: "https://verifier.example"})

	keys := keysFromDIDKey{key.NewResolver(key.Config{})}
	p, err := jwtvc.VerifyPresentation(ctx, token, keys, jwtvc.PresentationVerifyOptions{
		Nonce: "8cf5f1a0", Audience: "https://verifier.example", MaxAge: time.Minute,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Holder == holder, len(p.Credentials))
	// The embedded credentials are the caller's to verify.
	for _, c := range p.Credentials {
		v, err := jwtvc.Verify(ctx, c.Token, keys, jwtvc.VerifyOptions{})
		fmt.Println(c.MediaType, err == nil && v.Issuer == issuer)
	}
	// Output:
	// true 1
	// application/vc+jwt true
}
