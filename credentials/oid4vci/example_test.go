package oid4vci_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/internal/store"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// exampleIssuer stands in for the securing formats: it returns a fixed
// credential.
type exampleIssuer struct{}

func (exampleIssuer) IssueCredential(_ context.Context, ref, id string, _ crypto.PublicKey, _ string) (string, error) {
	return "eyJ...credential for " + ref + " (" + id + ")", nil
}

// exampleService opens a store in a temporary directory and returns a
// Service with one SD-JWT VC configuration.
func exampleService() (*oid4vci.Service, func()) {
	dir, err := os.MkdirTemp("", "oid4vci-example")
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	svc, err := oid4vci.New(st.OID4VCI(), exampleIssuer{}, oid4vci.Config{
		CredentialIssuer: "https://issuer.example.com",
		Configurations: map[string]oid4vci.CredentialConfiguration{
			"Identity": {Format: oid4vci.FormatSDJWTVC, VCT: "https://issuer.example.com/identity"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	return svc, func() { _ = st.Close(); _ = os.RemoveAll(dir) }
}

func ExampleNew() {
	svc, done := exampleService()
	defer done()
	u, _ := oid4vci.WellKnownURL(svc.CredentialIssuer(), oid4vci.WellKnownCredentialIssuer)
	fmt.Println(u)
	fmt.Println(svc.Metadata().CredentialEndpoint)
	// Output:
	// https://issuer.example.com/.well-known/openid-credential-issuer
	// https://issuer.example.com/credential
}

func ExampleService_Metadata() {
	svc, done := exampleService()
	defer done()
	b, _ := json.Marshal(svc.Metadata().CredentialConfigurationsSupported["Identity"])
	fmt.Println(string(b))
	// Output:
	// {"format":"dc+sd-jwt","cryptographic_binding_methods_supported":["jwk","did:key","did:jwk"],"proof_types_supported":{"jwt":{"proof_signing_alg_values_supported":["EdDSA","ES256","ES256K"]}},"vct":"https://issuer.example.com/identity"}
}

func ExampleService_AuthorizationServerMetadata() {
	svc, done := exampleService()
	defer done()
	m := svc.AuthorizationServerMetadata()
	fmt.Println(m.TokenEndpoint, m.GrantTypesSupported)
	// Output:
	// https://issuer.example.com/token [urn:ietf:params:oauth:grant-type:pre-authorized_code]
}

func ExampleService_CreateOffer() {
	svc, done := exampleService()
	defer done()
	offer, err := svc.CreateOffer(context.Background(), oid4vci.OfferRequest{
		ConfigurationIDs: []string{"Identity"},
		IssueRef:         "applicant-1234",
		TxCode:           &oid4vci.TxCodeSpec{Description: "Code sent by SMS"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(offer.URI, "openid-credential-offer://?credential_offer="))
	fmt.Println(len(offer.TxCode), offer.Offer.Grants.PreAuthorizedCode.TxCode.InputMode)
	// Output:
	// true
	// 6 numeric
}

func ExampleService_Token() {
	svc, done := exampleService()
	defer done()
	ctx := context.Background()
	offer, _ := svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{"Identity"}, IssueRef: "applicant-1234", TxCode: &oid4vci.TxCodeSpec{}})
	req := oid4vci.TokenRequest{
		GrantType:         oid4vci.GrantTypePreAuthorizedCode,
		PreAuthorizedCode: offer.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode,
		TxCode:            offer.TxCode,
	}
	tok, err := svc.Token(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn)
	// The code is single use: a second redemption fails and revokes tok.
	_, err = svc.Token(ctx, req)
	var pe *oid4vci.ProtocolError
	if errors.As(err, &pe) {
		fmt.Println(pe.Status(), pe.Code)
	}
	// Output:
	// Bearer 300
	// 400 invalid_grant
}

func ExampleTokenRequestFromForm() {
	req, err := oid4vci.TokenRequestFromForm(map[string][]string{
		"grant_type":          {oid4vci.GrantTypePreAuthorizedCode},
		"pre-authorized_code": {"SplxlOBeZQQYbYS6WxSbIA"},
		"tx_code":             {"493536"},
	})
	fmt.Println(req.TxCode, err)
	// Output:
	// 493536 <nil>
}

func ExampleService_Nonce() {
	svc, done := exampleService()
	defer done()
	n, err := svc.Nonce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(n.CNonce))
	// Output:
	// 76
}

// ExampleService_Credential runs the whole pre-authorized code flow as a
// wallet would, signing the key proof with jwx.
func ExampleService_Credential() {
	svc, done := exampleService()
	defer done()
	ctx := context.Background()
	offer, _ := svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{"Identity"}, IssueRef: "applicant-1234"})
	tok, _ := svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: offer.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode})
	nonce, _ := svc.Nonce(ctx)

	// Wallet: a proof of possession of its Ed25519 key.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub, _ := jwk.FromRaw(priv.Public())
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.TypeKey, oid4vci.ProofJWTType)
	_ = hdr.Set(jws.JWKKey, pub)
	claims, _ := json.Marshal(map[string]any{"aud": "https://issuer.example.com", "iat": time.Now().Unix(), "nonce": nonce.CNonce})
	proof, err := jws.Sign(claims, jws.WithKey(jwa.EdDSA, priv, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		log.Fatal(err)
	}

	body := `{"credential_configuration_id":"Identity","proofs":{"jwt":["` + string(proof) + `"]}}`
	req, err := oid4vci.ParseCredentialRequest([]byte(body))
	if err != nil {
		log.Fatal(err)
	}
	access, _ := oid4vci.BearerToken("Bearer " + tok.AccessToken)
	resp, err := svc.Credential(ctx, access, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Credentials[0].Credential)
	// The nonce is spent.
	_, err = svc.Credential(ctx, access, req)
	fmt.Println(err)
	// Output:
	// eyJ...credential for applicant-1234 (Identity)
	// invalid_nonce: c_nonce was already used; fetch a new one
}

func ExampleWellKnownURL() {
	u, _ := oid4vci.WellKnownURL("https://issuer.example.com/tenant", oid4vci.WellKnownOAuthAuthorizationServer)
	fmt.Println(u)
	// Output:
	// https://issuer.example.com/.well-known/oauth-authorization-server/tenant
}

func ExampleBearerToken() {
	_, err := oid4vci.BearerToken("Basic dXNlcjpwYXNz")
	var pe *oid4vci.ProtocolError
	if errors.As(err, &pe) {
		b, _ := json.Marshal(pe)
		fmt.Println(pe.Status(), string(b))
	}
	// Output:
	// 401 {"error":"invalid_token","error_description":"a Bearer access token is required"}
}
