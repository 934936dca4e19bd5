package oid4vci_test

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
)

// TestProofRefusals sends one bad proof per case; each is refused with the
// spec's code, and a good proof made the same way is accepted.
func TestProofRefusals(t *testing.T) {
	e := newEnv(t, func(c *oid4vci.Config) {
		c.Configurations = testConfigurations()
		sd := c.Configurations[cfgSD]
		sd.CryptographicBindingMethodsSupported = []string{"jwk", "did:key"}
		c.Configurations[cfgSD] = sd
		jv := c.Configurations[cfgJWT]
		jv.ProofTypesSupported = map[string]oid4vci.ProofType{"jwt": {ProofSigningAlgValuesSupported: []string{"ES256"}}}
		c.Configurations[cfgJWT] = jv
	})
	ctx := t.Context()
	keys := newHolderKeys(t)
	ed, p256 := keys[0], keys[1]
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	edJWK := jwkOf(ed.pub)
	now := func() time.Time { return e.clock.Now() }

	type tc struct {
		name string
		cfg  string
		// proof builds the proof for nonce n.
		proof func(t *testing.T, n string) string
		want  oid4vci.ErrorCode
	}
	hdr := func(extra map[string]any) map[string]any {
		h := map[string]any{"typ": oid4vci.ProofJWTType, "alg": "EdDSA", "jwk": edJWK}
		for k, v := range extra {
			if v == nil {
				delete(h, k)
			} else {
				h[k] = v
			}
		}
		return h
	}
	payload := func(n string, extra map[string]any) []byte {
		c := claims(testIssuer, now(), n)
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		b, _ := json.Marshal(c)
		return b
	}
	signed := func(h map[string]any, extra map[string]any) func(*testing.T, string) string {
		return func(t *testing.T, n string) string { return rawJWT(t, h, payload(n, extra), ed.signer) }
	}
	edKid, _ := kidOf(t, ed.pub, formDIDKey)
	edDID, _ := didkey.New(ed.pub)
	x25519Kid := ""
	if doc, _, err := didkey.NewResolver(didkey.Config{}).Resolve(ctx, edDID, did.ResolveOptions{}); err == nil && len(doc.KeyAgreement) > 0 {
		x25519Kid = did.ResolveReference(edDID, doc.KeyAgreement[0].ID)
		if doc.KeyAgreement[0].Method != nil {
			x25519Kid = did.ResolveReference(edDID, doc.KeyAgreement[0].Method.ID)
		}
	}
	if x25519Kid == "" {
		t.Fatal("did:key Ed25519 document has no keyAgreement key")
	}
	p256JWKKid, _ := kidOf(t, p256.pub, formDIDJWK)

	cases := []tc{
		{"good (control)", cfgSD, signed(hdr(nil), nil), ""},
		{"wrong aud", cfgSD, signed(hdr(nil), map[string]any{"aud": "https://issuer.example.com"}), oid4vci.CodeInvalidProof},
		{"aud as array", cfgSD, signed(hdr(nil), map[string]any{"aud": []string{testIssuer}}), oid4vci.CodeInvalidProof},
		{"missing aud", cfgSD, signed(hdr(nil), map[string]any{"aud": nil}), oid4vci.CodeInvalidProof},
		{"wrong typ", cfgSD, signed(hdr(map[string]any{"typ": "JWT"}), nil), oid4vci.CodeInvalidProof},
		{"missing typ", cfgSD, signed(hdr(map[string]any{"typ": nil}), nil), oid4vci.CodeInvalidProof},
		{"typ with application/ prefix (accepted)", cfgSD, signed(hdr(map[string]any{"typ": "application/OpenID4VCI-proof+jwt"}), nil), ""},
		{"alg none", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(map[string]any{"alg": "none"}), payload(n, nil), nil) + "AA"
		}, oid4vci.CodeInvalidProof},
		{"alg none, empty signature", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(map[string]any{"alg": "none"}), payload(n, nil), nil)
		}, oid4vci.CodeInvalidProof},
		{"HS256 keyed with the public key", cfgSD, func(t *testing.T, n string) string {
			h := hdr(map[string]any{"alg": "HS256"})
			hb, _ := json.Marshal(h)
			input := b64.EncodeToString(hb) + "." + b64.EncodeToString(payload(n, nil))
			m := hmac.New(sha256.New, ed.pub.(ed25519.PublicKey))
			m.Write([]byte(input))
			return input + "." + b64.EncodeToString(m.Sum(nil))
		}, oid4vci.CodeInvalidProof},
		{"RS256", cfgSD, signed(hdr(map[string]any{"alg": "RS256"}), nil), oid4vci.CodeInvalidProof},
		{"alg not allowed for the configuration", cfgJWT, signed(hdr(nil), nil), oid4vci.CodeInvalidProof},
		{"alg does not match the key", cfgSD, signed(hdr(map[string]any{"alg": "ES256"}), nil), oid4vci.CodeInvalidProof},
		{"missing nonce", cfgSD, signed(hdr(nil), map[string]any{"nonce": nil}), oid4vci.CodeInvalidProof},
		{"nonce not a string", cfgSD, signed(hdr(nil), map[string]any{"nonce": 5}), oid4vci.CodeInvalidProof},
		{"forged nonce", cfgSD, signed(hdr(nil), map[string]any{"nonce": "LarRGSbmUPYtRYO6BQ4yn8"}), oid4vci.CodeInvalidNonce},
		{"kid and jwk both", cfgSD, signed(hdr(map[string]any{"kid": edKid}), nil), oid4vci.CodeInvalidProof},
		{"neither kid nor jwk", cfgSD, signed(hdr(map[string]any{"jwk": nil}), nil), oid4vci.CodeInvalidProof},
		{"signed by another key than the jwk", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(nil), payload(n, nil), other)
		}, oid4vci.CodeInvalidProof},
		{"signed by another key than the kid", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(map[string]any{"jwk": nil, "kid": edKid}), payload(n, nil), other)
		}, oid4vci.CodeInvalidProof},
		{"private jwk", cfgSD, func(t *testing.T, n string) string {
			_, priv, _ := ed25519.GenerateKey(rand.Reader)
			j := map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64.EncodeToString(priv.Public().(ed25519.PublicKey)), "d": b64.EncodeToString(priv.Seed())}
			return rawJWT(t, hdr(map[string]any{"jwk": j}), payload(n, nil), priv)
		}, oid4vci.CodeInvalidProof},
		{"jwk of an unsupported key type", cfgSD, signed(hdr(map[string]any{"jwk": map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}}), nil), oid4vci.CodeInvalidProof},
		{"jku header", cfgSD, signed(hdr(map[string]any{"jku": "https://attacker.example/jwks"}), nil), oid4vci.CodeInvalidProof},
		{"x5u header", cfgSD, signed(hdr(map[string]any{"x5u": "https://attacker.example/cert"}), nil), oid4vci.CodeInvalidProof},
		{"x5c header", cfgSD, signed(hdr(map[string]any{"jwk": nil, "x5c": []string{"MIIB"}}), nil), oid4vci.CodeInvalidProof},
		{"crit header", cfgSD, signed(hdr(map[string]any{"crit": []string{"exp"}}), nil), oid4vci.CodeInvalidProof},
		{"kid of an unsupported DID method", cfgSD, signed(hdr(map[string]any{"jwk": nil, "kid": "did:web:attacker.example#key-1"}), nil), oid4vci.CodeInvalidProof},
		{"kid of a DID method the configuration does not list", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(map[string]any{"alg": "ES256", "jwk": nil, "kid": p256JWKKid}), payload(n, nil), p256.signer)
		}, oid4vci.CodeInvalidProof},
		{"kid without fragment", cfgSD, signed(hdr(map[string]any{"jwk": nil, "kid": edDID.String()}), nil), oid4vci.CodeInvalidProof},
		{"kid that is not a DID URL", cfgSD, signed(hdr(map[string]any{"jwk": nil, "kid": "key-1"}), nil), oid4vci.CodeInvalidProof},
		{"kid naming the keyAgreement key", cfgSD, signed(hdr(map[string]any{"jwk": nil, "kid": x25519Kid}), nil), oid4vci.CodeInvalidProof},
		{"kid with a path", cfgSD, signed(hdr(map[string]any{"jwk": nil, "kid": edDID.String() + "/path#" + edDID.ID}), nil), oid4vci.CodeInvalidProof},
		{"iat in the future", cfgSD, signed(hdr(nil), map[string]any{"iat": now().Add(2 * time.Minute).Unix()}), oid4vci.CodeInvalidProof},
		{"iat too old", cfgSD, signed(hdr(nil), map[string]any{"iat": now().Add(-7 * time.Minute).Unix()}), oid4vci.CodeInvalidProof},
		{"iat within skew (accepted)", cfgSD, signed(hdr(nil), map[string]any{"iat": now().Add(30 * time.Second).Unix()}), ""},
		{"iat not a number", cfgSD, signed(hdr(nil), map[string]any{"iat": "1700000000"}), oid4vci.CodeInvalidProof},
		{"missing iat", cfgSD, signed(hdr(nil), map[string]any{"iat": nil}), oid4vci.CodeInvalidProof},
		{"expired exp", cfgSD, signed(hdr(nil), map[string]any{"exp": now().Add(-2 * time.Minute).Unix()}), oid4vci.CodeInvalidProof},
		{"future nbf", cfgSD, signed(hdr(nil), map[string]any{"nbf": now().Add(2 * time.Minute).Unix()}), oid4vci.CodeInvalidProof},
		{"duplicate header member", cfgSD, func(t *testing.T, n string) string {
			jk, _ := json.Marshal(edJWK)
			hb := []byte(`{"typ":"` + oid4vci.ProofJWTType + `","alg":"EdDSA","jwk":` + string(jk) + `,"alg":"EdDSA"}`)
			return rawJWTBytes(t, hb, payload(n, nil), ed.signer)
		}, oid4vci.CodeInvalidProof},
		{"duplicate claim", cfgSD, func(t *testing.T, n string) string {
			p := payload(n, nil)
			p = append(p[:len(p)-1], []byte(`,"aud":"https://attacker.example"}`)...)
			return rawJWT(t, hdr(nil), p, ed.signer)
		}, oid4vci.CodeInvalidProof},
		{"header not JSON", cfgSD, func(t *testing.T, n string) string {
			return rawJWTBytes(t, []byte(`{"typ":`), payload(n, nil), ed.signer)
		}, oid4vci.CodeInvalidProof},
		{"payload not an object", cfgSD, func(t *testing.T, n string) string {
			return rawJWT(t, hdr(nil), []byte(`["aud"]`), ed.signer)
		}, oid4vci.CodeInvalidProof},
		{"two parts", cfgSD, func(t *testing.T, n string) string {
			s := signed(hdr(nil), nil)(t, n)
			return s[:strings.LastIndexByte(s, '.')]
		}, oid4vci.CodeInvalidProof},
		{"padded base64", cfgSD, func(t *testing.T, n string) string {
			s := signed(hdr(nil), nil)(t, n)
			return s + "=="
		}, oid4vci.CodeInvalidProof},
		{"JWS JSON serialization", cfgSD, func(t *testing.T, n string) string { return `{"payload":"e30","signatures":[]}` }, oid4vci.CodeInvalidProof},
		{"oversize", cfgSD, signed(hdr(map[string]any{"pad": strings.Repeat("a", oid4vci.MaxProofLength)}), nil), oid4vci.CodeInvalidProof},
		{"P-256 did:key kid (accepted)", cfgSD, func(t *testing.T, n string) string {
			return jwxProof(t, p256, formDIDKey, claims(testIssuer, now(), n))
		}, ""},
		{"ES256 high-S variant (accepted: ES256 is malleable, the nonce stops replay)", cfgJWT, func(t *testing.T, n string) string {
			s := jwxProof(t, p256, formJWK, claims(testIssuer, now(), n))
			i := strings.LastIndexByte(s, '.')
			sig, _ := b64.DecodeString(s[i+1:])
			ss := new(big.Int).SetBytes(sig[32:])
			ss.Sub(elliptic.P256().Params().N, ss)
			ss.FillBytes(sig[32:])
			return s[:i+1] + b64.EncodeToString(sig)
		}, ""},
	}
	tok := e.offerAndToken(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			n := e.nonce(t)
			before := len(e.issuer.Calls())
			_, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: tt.cfg, Proofs: jwtProofs(tt.proof(t, n))})
			if codeOf(err) != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.want != "" && len(e.issuer.Calls()) != before {
				t.Error("the issuer was called for a refused proof")
			}
			if tt.want != "" && codeOf(err) != oid4vci.CodeInvalidNonce {
				// A proof refused before the nonce check leaves the nonce unspent.
				good := jwxProof(t, ed, formJWK, claims(testIssuer, now(), n))
				if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(good)}); err != nil {
					t.Errorf("nonce unusable after a refused proof: %v", err)
				}
			}
		})
	}
}

func TestNonceRefusals(t *testing.T) {
	e := newEnv(t, func(c *oid4vci.Config) { c.TokenTTL = time.Hour })
	ctx := t.Context()
	k := newHolderKeys(t)[0]
	tok := e.offerAndToken(t)
	req := func(n string) error {
		_, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(jwxProof(t, k, formJWK, claims(testIssuer, e.clock.Now(), n)))})
		return err
	}
	n := e.nonce(t)
	if err := req(n); err != nil {
		t.Fatal(err)
	}
	if err := req(n); codeOf(err) != oid4vci.CodeInvalidNonce {
		t.Errorf("reused nonce: %v", err)
	}
	n = e.nonce(t)
	e.clock.Advance(oid4vci.DefaultNonceTTL)
	if err := req(n); codeOf(err) != oid4vci.CodeInvalidNonce {
		t.Errorf("expired nonce: %v", err)
	}
	// A nonce from another service (another key) is not ours.
	e2 := newEnv(t, nil)
	e2.clock.Advance(oid4vci.DefaultNonceTTL)
	if err := req(e2.nonce(t)); codeOf(err) != oid4vci.CodeInvalidNonce {
		t.Errorf("foreign nonce: %v", err)
	}
	// Tampered nonce bytes.
	n = e.nonce(t)
	b := []byte(n)
	b[20] ^= 1
	if b[20] == '-' || b[20] == '_' {
		b[20] = 'A'
	}
	if err := req(string(b)); codeOf(err) != oid4vci.CodeInvalidNonce {
		t.Errorf("tampered nonce: %v", err)
	}
	// A fixed NonceKey makes nonces survive a restart of the service.
	key := make([]byte, 32)
	e3 := newEnv(t, func(c *oid4vci.Config) { c.NonceKey = key })
	n3 := e3.nonce(t)
	svc4, err := oid4vci.New(e3.store.OID4VCI(), e3.issuer, oid4vci.Config{CredentialIssuer: testIssuer, Configurations: testConfigurations(), NonceKey: key, Now: e3.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok3 := e3.offerAndToken(t)
	if _, err := svc4.Credential(ctx, tok3, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(jwxProof(t, k, formJWK, claims(testIssuer, e3.clock.Now(), n3)))}); err != nil {
		t.Errorf("nonce after restart with the same key: %v", err)
	}
}

func TestCredentialRequestRefusals(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	k := newHolderKeys(t)[0]
	tok := e.offerAndToken(t, cfgSD)
	good := func() *oid4vci.Proofs {
		return jwtProofs(jwxProof(t, k, formJWK, claims(testIssuer, e.clock.Now(), e.nonce(t))))
	}
	for _, tt := range []struct {
		name  string
		token string
		req   func() oid4vci.CredentialRequest
		want  oid4vci.ErrorCode
	}{
		{"no token", "", func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good()}
		}, oid4vci.CodeInvalidToken},
		{"unknown token", "AAAA", func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good()}
		}, oid4vci.CodeInvalidToken},
		{"the pre-authorized code as token", "", nil, oid4vci.CodeInvalidToken},
		{"missing configuration id", tok, func() oid4vci.CredentialRequest { return oid4vci.CredentialRequest{Proofs: good()} }, oid4vci.CodeInvalidCredentialRequest},
		{"credential_identifier", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialIdentifier: "x", Proofs: good()}
		}, oid4vci.CodeInvalidCredentialRequest},
		{"unknown configuration", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: "nope", Proofs: good()}
		}, oid4vci.CodeUnknownCredentialConfiguration},
		{"configuration not in the offer", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgJWT, Proofs: good()}
		}, oid4vci.CodeInsufficientScope},
		{"missing proofs", tok, func() oid4vci.CredentialRequest { return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD} }, oid4vci.CodeInvalidProof},
		{"empty jwt array", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: &oid4vci.Proofs{JWT: []string{}}}
		}, oid4vci.CodeInvalidProof},
		{"legacy proof", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proof: json.RawMessage(`{"proof_type":"jwt","jwt":"x"}`)}
		}, oid4vci.CodeInvalidProof},
		{"di_vp proof type", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: &oid4vci.Proofs{DIVP: []json.RawMessage{json.RawMessage(`{}`)}}}
		}, oid4vci.CodeInvalidProof},
		{"jwt and attestation", tok, func() oid4vci.CredentialRequest {
			p := good()
			p.Attestation = []string{"x"}
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: p}
		}, oid4vci.CodeInvalidProof},
		{"more proofs than the batch size", tok, func() oid4vci.CredentialRequest {
			p := good()
			p.JWT = append(p.JWT, p.JWT[0])
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: p}
		}, oid4vci.CodeInvalidProof},
		{"response encryption", tok, func() oid4vci.CredentialRequest {
			return oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good(), CredentialResponseEncryption: json.RawMessage(`{"enc":"A128GCM"}`)}
		}, oid4vci.CodeInvalidEncryptionParameters},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token, req := tt.token, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good()}
			if tt.req != nil {
				req = tt.req()
			} else {
				o, _ := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r"})
				token = o.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode
			}
			if _, err := e.svc.Credential(ctx, token, req); codeOf(err) != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
	t.Run("issuer denies", func(t *testing.T) {
		e.issuer.err = fmt.Errorf("policy: %w", oid4vci.ErrCredentialDenied)
		defer func() { e.issuer.err = nil }()
		if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good()}); codeOf(err) != oid4vci.CodeCredentialRequestDenied {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("issuer fails", func(t *testing.T) {
		boom := errors.New("signer offline")
		e.issuer.err = boom
		defer func() { e.issuer.err = nil }()
		_, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: good()})
		if !errors.Is(err, boom) || codeOf(err) != "" {
			t.Errorf("err = %v, want a server fault wrapping the cause", err)
		}
	})
}

func TestParseCredentialRequest(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       oid4vci.ErrorCode
	}{
		{"ok", `{"credential_configuration_id":"a","proofs":{"jwt":["x.y.z"]},"unknown":1}`, ""},
		{"not JSON", `{"credential_configuration_id":`, oid4vci.CodeInvalidCredentialRequest},
		{"array", `[]`, oid4vci.CodeInvalidCredentialRequest},
		{"null", `null`, oid4vci.CodeInvalidCredentialRequest},
		{"duplicate member", `{"credential_configuration_id":"a","credential_configuration_id":"b"}`, oid4vci.CodeInvalidCredentialRequest},
		{"duplicate nested member", `{"proofs":{"jwt":["a"],"jwt":["b"]}}`, oid4vci.CodeInvalidCredentialRequest},
		{"wrong type", `{"proofs":{"jwt":"x.y.z"}}`, oid4vci.CodeInvalidCredentialRequest},
		{"trailing data", `{} {}`, oid4vci.CodeInvalidCredentialRequest},
		{"deep nesting", `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, oid4vci.CodeInvalidCredentialRequest},
		{"too large", `{"x":"` + strings.Repeat("a", oid4vci.MaxCredentialRequest) + `"}`, oid4vci.CodeInvalidCredentialRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := oid4vci.ParseCredentialRequest([]byte(tt.body))
			if codeOf(err) != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.want == "" && (r.CredentialConfigurationID != "a" || r.Proofs == nil || len(r.Proofs.JWT) != 1) {
				t.Errorf("parsed %+v", r)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"Bearer abc-_.~+/=", "abc-_.~+/=", true},
		{"bearer abc", "abc", true},
		{"Basic abc", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Bearer a b", "", false},
		{"Bearer a\"b", "", false},
		{"", "", false},
	} {
		got, err := oid4vci.BearerToken(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("BearerToken(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && codeOf(err) != oid4vci.CodeInvalidToken {
			t.Errorf("BearerToken(%q) code %q", tt.in, codeOf(err))
		}
	}
}
