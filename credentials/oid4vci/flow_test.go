package oid4vci_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
)

// TestPreAuthorizedFlow runs offer → token → nonce → credential for every
// holder key type, key form and credential format, with proofs signed by
// real JOSE code.
func TestPreAuthorizedFlow(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	for _, k := range newHolderKeys(t) {
		for _, form := range []keyForm{formJWK, formDIDKey, formDIDJWK} {
			for _, cfgID := range []string{cfgSD, cfgJWT} {
				t.Run(k.name+"/"+string(form)+"/"+cfgID, func(t *testing.T) {
					offer, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{
						ConfigurationIDs: []string{cfgID},
						IssueRef:         "subject-" + k.name,
						TxCode:           &oid4vci.TxCodeSpec{Description: "sent by SMS"},
					})
					if err != nil {
						t.Fatal(err)
					}
					// The wallet reads the offer from the URI.
					u, err := url.Parse(offer.URI)
					if err != nil || u.Scheme != "openid-credential-offer" {
						t.Fatalf("offer URI %q: %v", offer.URI, err)
					}
					var got oid4vci.CredentialOffer
					if err := json.Unmarshal([]byte(u.Query().Get("credential_offer")), &got); err != nil {
						t.Fatal(err)
					}
					g := got.Grants.PreAuthorizedCode
					if got.CredentialIssuer != testIssuer || len(got.CredentialConfigurationIDs) != 1 || got.CredentialConfigurationIDs[0] != cfgID || g == nil || g.TxCode == nil {
						t.Fatalf("offer = %+v", got)
					}
					if g.TxCode.InputMode != "numeric" || g.TxCode.Length != 6 || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(offer.TxCode) {
						t.Fatalf("tx_code %+v value %q", g.TxCode, offer.TxCode)
					}
					if len(g.PreAuthorizedCode) != 43 {
						t.Errorf("pre-authorized code %q is not 256 bits base64url", g.PreAuthorizedCode)
					}
					tok, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: g.PreAuthorizedCode, TxCode: offer.TxCode})
					if err != nil {
						t.Fatal(err)
					}
					if tok.TokenType != "Bearer" || tok.ExpiresIn != 300 || len(tok.AccessToken) != 43 {
						t.Fatalf("token response %+v", tok)
					}
					n := e.nonce(t)
					proof := jwxProof(t, k, form, claims(testIssuer, e.clock.Now(), n))
					before := len(e.issuer.Calls())
					resp, err := e.svc.Credential(ctx, tok.AccessToken, oid4vci.CredentialRequest{CredentialConfigurationID: cfgID, Proofs: jwtProofs(proof)})
					if err != nil {
						t.Fatal(err)
					}
					if len(resp.Credentials) != 1 || !strings.HasSuffix(resp.Credentials[0].Credential, "-subject-"+k.name+"-"+cfgID) {
						t.Fatalf("credentials %+v", resp.Credentials)
					}
					calls := e.issuer.Calls()[before:]
					if len(calls) != 1 {
						t.Fatalf("%d issuer calls", len(calls))
					}
					c := calls[0]
					_, wantDID := kidOf(t, k.pub, form)
					if c.ref != "subject-"+k.name || c.configurationID != cfgID || c.holderDID != wantDID || !pubEqual(c.holderKey, k.pub) {
						t.Errorf("issuer call %+v, want holder DID %q", c, wantDID)
					}
				})
			}
		}
	}
}

func pubEqual(a, b any) bool {
	ja, err1 := json.Marshal(jwkOf(a))
	jb, err2 := json.Marshal(jwkOf(b))
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// TestResponseJSON checks the wire shapes of responses.
func TestResponseJSON(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	offer, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: &oid4vci.TxCodeSpec{InputMode: "text", Description: "from the letter"}})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(offer.Offer)
	want := `{"credential_issuer":"https://issuer.example.com/tenant","credential_configuration_ids":["IdentityCredential_sd_jwt"],"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"` +
		offer.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode + `","tx_code":{"input_mode":"text","length":8,"description":"from the letter"}}}}`
	if string(js) != want {
		t.Errorf("offer JSON\n got %s\nwant %s", js, want)
	}
	if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{8}$`).MatchString(offer.TxCode) {
		t.Errorf("text tx_code %q", offer.TxCode)
	}
	if !offer.ExpiresAt.Equal(e.clock.Now().Add(oid4vci.DefaultOfferTTL)) {
		t.Errorf("offer expires %v", offer.ExpiresAt)
	}
	// Without a tx_code the grant has none.
	o2, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	js, _ = json.Marshal(o2.Offer)
	if strings.Contains(string(js), "tx_code") || o2.TxCode != "" || !o2.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
		t.Errorf("offer without tx_code: %s %q", js, o2.TxCode)
	}
	tok, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: o2.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode})
	if err != nil {
		t.Fatal(err)
	}
	js, _ = json.Marshal(tok)
	if !regexp.MustCompile(`^\{"access_token":"[A-Za-z0-9_-]{43}","token_type":"Bearer","expires_in":300\}$`).Match(js) {
		t.Errorf("token JSON %s", js)
	}
	n, _ := e.svc.Nonce(ctx)
	js, _ = json.Marshal(n)
	if !regexp.MustCompile(`^\{"c_nonce":"[A-Za-z0-9_-]{76}"\}$`).Match(js) {
		t.Errorf("nonce JSON %s", js)
	}
	// Two nonces differ.
	if n2, _ := e.svc.Nonce(ctx); n2.CNonce == n.CNonce {
		t.Error("nonce repeated")
	}
	resp := oid4vci.CredentialResponse{Credentials: []oid4vci.IssuedCredential{{Credential: "x"}}}
	js, _ = json.Marshal(resp)
	if string(js) != `{"credentials":[{"credential":"x"}]}` {
		t.Errorf("credential response JSON %s", js)
	}
	pe := &oid4vci.ProtocolError{Code: oid4vci.CodeInvalidProof, Description: "bad \"quote\" \\ é"}
	js, _ = json.Marshal(pe)
	if string(js) != `{"error":"invalid_proof","error_description":"bad quote  "}` || pe.Status() != 400 {
		t.Errorf("error JSON %s status %d", js, pe.Status())
	}
	if (&oid4vci.ProtocolError{Code: oid4vci.CodeInvalidToken}).Status() != 401 || (&oid4vci.ProtocolError{Code: oid4vci.CodeInsufficientScope}).Status() != 403 {
		t.Error("authorization error statuses")
	}
}

// TestAccessTokenReuse: a token serves several requests until it expires,
// each with a fresh nonce; a batch request gets one credential per key.
func TestAccessTokenReuseAndBatch(t *testing.T) {
	e := newEnv(t, func(c *oid4vci.Config) { c.BatchSize = 3 })
	ctx := t.Context()
	keys := newHolderKeys(t)
	tok := e.offerAndToken(t)
	for i := range 2 {
		n := e.nonce(t)
		resp, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(jwxProof(t, keys[i], formJWK, claims(testIssuer, e.clock.Now(), n)))})
		if err != nil || len(resp.Credentials) != 1 {
			t.Fatalf("request %d: %v %v", i, resp, err)
		}
	}
	n := e.nonce(t)
	var proofs []string
	for _, k := range keys {
		proofs = append(proofs, jwxProof(t, k, formDIDKey, claims(testIssuer, e.clock.Now(), n)))
	}
	resp, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgJWT, Proofs: jwtProofs(proofs...)})
	if err != nil || len(resp.Credentials) != 3 {
		t.Fatalf("batch: %v %v", resp, err)
	}
	// The same key twice in a batch is refused.
	n = e.nonce(t)
	p := jwxProof(t, keys[0], formJWK, claims(testIssuer, e.clock.Now(), n))
	p2 := jwxProof(t, keys[0], formDIDKey, claims(testIssuer, e.clock.Now(), n))
	if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(p, p2)}); codeOf(err) != oid4vci.CodeInvalidProof {
		t.Errorf("duplicate key: %v", err)
	}
	// Proofs with different nonces are refused.
	p3 := jwxProof(t, keys[1], formJWK, claims(testIssuer, e.clock.Now(), e.nonce(t)))
	if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(p, p3)}); codeOf(err) != oid4vci.CodeInvalidNonce {
		t.Errorf("mixed nonces: %v", err)
	}
	e.clock.Advance(oid4vci.DefaultTokenTTL)
	n = e.nonce(t)
	if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(jwxProof(t, keys[0], formJWK, claims(testIssuer, e.clock.Now(), n)))}); codeOf(err) != oid4vci.CodeInvalidToken {
		t.Errorf("expired token: %v", err)
	}
}
