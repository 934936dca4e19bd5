package jwtvc_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/did"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func verifyOpts() jwtvc.VerifyOptions { return jwtvc.VerifyOptions{Now: clock} }

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	keys := newDIDKeys()
	for _, alg := range algs {
		k := newKey(t, alg, "issuer")
		for _, f := range formats {
			t.Run(alg+"/"+string(f), func(t *testing.T) {
				cred := credentialFor(f, k.did)
				tok := mustSign(t, cred, k, jwtvc.SignOptions{Format: f})
				v, err := jwtvc.Verify(ctx, tok, keys, verifyOpts())
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if v.Format != f || v.Issuer != k.did || v.KeyID != k.kid || v.Header.Algorithm != alg {
					t.Fatalf("got format %s issuer %s kid %s alg %s", v.Format, v.Issuer, v.KeyID, v.Header.Algorithm)
				}
				var want bytes.Buffer
				if err := json.Compact(&want, cred); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(v.Credential, want.Bytes()) {
					t.Fatalf("credential changed:\n got %s\nwant %s", v.Credential, want.Bytes())
				}
				// The other format only is refused.
				other := jwtvc.FormatJWTVCJSON
				if f == other {
					other = jwtvc.FormatVCJWT
				}
				o := verifyOpts()
				o.Formats = []jwtvc.Format{other}
				if _, err := jwtvc.Verify(ctx, tok, keys, o); !errors.Is(err, jwtvc.ErrWrongType) {
					t.Fatalf("Verify with only %s accepted: %v", other, err)
				}
			})
		}
	}
}

// TestSignerKinds signs with crypto.Signers that hide their key type and
// with a secp256k1 signer answering DER.
func TestSignerKinds(t *testing.T) {
	ctx := context.Background()
	keys := newDIDKeys()
	p256 := newKey(t, jwtvc.AlgES256, "opaque")
	ed := newKey(t, jwtvc.AlgEdDSA, "opaque")
	k1 := newKey(t, jwtvc.AlgES256K, "der")
	derK1 := k1
	derK1.signer = secpSigner{priv: k1.signer.(secpSigner).priv, der: true}
	for name, k := range map[string]testKey{
		"opaque P-256":   {alg: p256.alg, did: p256.did, kid: p256.kid, signer: opaqueSigner{p256.signer}},
		"opaque Ed25519": {alg: ed.alg, did: ed.did, kid: ed.kid, signer: opaqueSigner{ed.signer}},
		"secp256k1 DER":  derK1,
	} {
		t.Run(name, func(t *testing.T) {
			tok := mustSign(t, credential2(k.did), k, jwtvc.SignOptions{})
			if _, err := jwtvc.Verify(ctx, tok, keys, verifyOpts()); err != nil {
				t.Fatal(err)
			}
		})
	}
	// ES256K signatures come out with low S, so the DER and r||s signers
	// (both RFC 6979) give the same token.
	a := mustSign(t, credential2(k1.did), k1, jwtvc.SignOptions{})
	b := mustSign(t, credential2(k1.did), derK1, jwtvc.SignOptions{})
	if a != b {
		t.Fatal("r||s and DER secp256k1 signers gave different tokens")
	}
}

func TestSignRefusals(t *testing.T) {
	ctx := context.Background()
	ed := newKey(t, jwtvc.AlgEdDSA, "issuer")
	other := newKey(t, jwtvc.AlgEdDSA, "other")
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v2 := func(extra string) []byte {
		return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + ed.did + `"` + extra + `,"credentialSubject":{}}`)
	}
	tests := []struct {
		name   string
		cred   []byte
		signer crypto.Signer
		kid    string
		opts   jwtvc.SignOptions
	}{
		{"algorithm mismatch", credential2(ed.did), ed.signer, ed.kid, jwtvc.SignOptions{Algorithm: jwtvc.AlgES256}},
		{"issuer is not the kid DID", credential2(other.did), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"kid without fragment", credential2(ed.did), ed.signer, ed.did, jwtvc.SignOptions{}},
		{"relative kid", credential2(ed.did), ed.signer, "#key-1", jwtvc.SignOptions{}},
		{"no kid", credential2(ed.did), ed.signer, "", jwtvc.SignOptions{}},
		{"duplicate member", v2(`,"issuer":"did:example:x"`), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"vc+jwt with a 1.1 context", credential11(ed.did), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"vc member in vc+jwt", v2(`,"vc":{}`), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"iss member differs", v2(`,"iss":"did:example:x"`), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"presentation as credential", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"issuer":"` + ed.did + `"}`), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"not JSON", []byte(`{"@context":`), ed.signer, ed.kid, jwtvc.SignOptions{}},
		{"bad issuanceDate", []byte(strings.Replace(string(credential11(ed.did)), "2025-01-01T19:23:24Z", "yesterday", 1)), ed.signer, ed.kid, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON}},
		{"unknown format", credential2(ed.did), ed.signer, ed.kid, jwtvc.SignOptions{Format: "ldp_vc"}},
		{"nil signer", credential2(ed.did), nil, ed.kid, jwtvc.SignOptions{}},
		{"P-384 key", credential2(ed.did), p384, ed.kid, jwtvc.SignOptions{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tok, err := jwtvc.Sign(ctx, tc.cred, tc.signer, tc.kid, tc.opts); err == nil {
				t.Fatalf("Sign succeeded: %s", tok)
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := jwtvc.Sign(cancelled, credential2(ed.did), ed.signer, ed.kid, jwtvc.SignOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sign with a cancelled context: %v", err)
	}
}

// TestGolden pins the header and payload of each format and the whole
// token where the signature is deterministic (EdDSA, ES256K with RFC 6979).
func TestGolden(t *testing.T) {
	for _, alg := range algs {
		k := newKey(t, alg, "golden")
		for _, f := range formats {
			for _, cty := range []bool{false, true} {
				if cty && f == jwtvc.FormatJWTVCJSON {
					continue
				}
				name := strings.ReplaceAll(string(f), "+", "-") + "-" + alg
				if cty {
					name += "-cty"
				}
				t.Run(name, func(t *testing.T) {
					tok := mustSign(t, credentialFor(f, k.did), k, jwtvc.SignOptions{Format: f, ContentType: cty})
					h, p := segments(t, tok)
					var b bytes.Buffer
					b.WriteString("header: ")
					b.Write(h)
					b.WriteString("\npayload: ")
					b.Write(p)
					b.WriteString("\n")
					if alg != jwtvc.AlgES256 {
						b.WriteString("token: " + tok + "\n")
					}
					golden(t, filepath.Join("testdata", name+".golden"), b.Bytes())
				})
			}
		}
	}
	t.Run("presentations", func(t *testing.T) {
		k := newKey(t, jwtvc.AlgEdDSA, "golden")
		var b bytes.Buffer
		for _, f := range formats {
			tok, err := jwtvc.SignPresentation(context.Background(), presentationFor(t, f, k, "eyJhbGciOiJFZERTQSJ9.e30.c2ln"), k.signer, k.kid,
				jwtvc.PresentOptions{Format: f, Nonce: "n-0S6_WzA2Mj", Audience: "https://verifier.example", Now: clock, Lifetime: 5 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			h, p := segments(t, tok)
			b.WriteString(string(f) + " header: ")
			b.Write(h)
			b.WriteString("\n" + string(f) + " payload: ")
			b.Write(p)
			b.WriteString("\n")
		}
		golden(t, filepath.Join("testdata", "presentations.golden"), b.Bytes())
	})
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n got %s\nwant %s", path, got, want)
	}
}

// presentationFor builds a presentation of holder k carrying one credential
// token in the format's way.
func presentationFor(t testing.TB, f jwtvc.Format, k testKey, vcToken string) []byte {
	t.Helper()
	if f == jwtvc.FormatJWTVCJSON {
		return []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"holder":"` + k.did + `","verifiableCredential":["` + vcToken + `"]}`)
	}
	env, err := jwtvc.EnvelopeCredential(jwtvc.MediaVC, vcToken)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + k.did + `","verifiableCredential":[` + string(env) + `]}`)
}

func TestPresentationRoundTrip(t *testing.T) {
	ctx := context.Background()
	keys := newDIDKeys()
	for _, alg := range algs {
		issuer := newKey(t, alg, "issuer")
		holder := newKey(t, alg, "holder")
		for _, f := range formats {
			t.Run(alg+"/"+string(f), func(t *testing.T) {
				vcTok := mustSign(t, credentialFor(f, issuer.did), issuer, jwtvc.SignOptions{Format: f})
				tok, err := jwtvc.SignPresentation(ctx, presentationFor(t, f, holder, vcTok), holder.signer, holder.kid,
					jwtvc.PresentOptions{Format: f, Nonce: "nonce-1", Audience: "https://verifier.example", Now: clock, Lifetime: time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				opts := jwtvc.PresentationVerifyOptions{VerifyOptions: verifyOpts(), Nonce: "nonce-1", Audience: "https://verifier.example", MaxAge: time.Minute}
				vp, err := jwtvc.VerifyPresentation(ctx, tok, keys, opts)
				if err != nil {
					t.Fatalf("VerifyPresentation: %v", err)
				}
				if vp.Holder != holder.did || vp.KeyID != holder.kid || vp.Nonce != "nonce-1" || len(vp.Credentials) != 1 {
					t.Fatalf("got %+v", vp)
				}
				c := vp.Credentials[0]
				if c.Token != vcTok {
					t.Fatalf("embedded token %q", c.Token)
				}
				if wantMT := map[jwtvc.Format]string{jwtvc.FormatVCJWT: jwtvc.MediaVC}[f]; c.MediaType != wantMT {
					t.Fatalf("media type %q, want %q", c.MediaType, wantMT)
				}
				if _, err := jwtvc.Verify(ctx, c.Token, keys, verifyOpts()); err != nil {
					t.Fatalf("embedded credential: %v", err)
				}
				// The presentation is not a credential, nor the reverse.
				if _, err := jwtvc.Verify(ctx, tok, keys, verifyOpts()); !errors.Is(err, jwtvc.ErrWrongType) {
					t.Fatalf("presentation verified as a credential: %v", err)
				}
				if _, err := jwtvc.VerifyPresentation(ctx, vcTok, keys, opts); !errors.Is(err, jwtvc.ErrWrongType) {
					t.Fatalf("credential verified as a presentation: %v", err)
				}
				for name, o := range map[string]jwtvc.PresentationVerifyOptions{
					"other nonce":    {VerifyOptions: verifyOpts(), Nonce: "nonce-2", Audience: "https://verifier.example"},
					"other audience": {VerifyOptions: verifyOpts(), Nonce: "nonce-1", Audience: "https://evil.example"},
					"too old": {VerifyOptions: jwtvc.VerifyOptions{Now: func() time.Time { return testNow.Add(50 * time.Second) }},
						Nonce: "nonce-1", Audience: "https://verifier.example", MaxAge: 10 * time.Second},
				} {
					if _, err := jwtvc.VerifyPresentation(ctx, tok, keys, o); !errors.Is(err, jwtvc.ErrBinding) {
						t.Errorf("%s: %v, want ErrBinding", name, err)
					}
				}
				late := opts
				late.Now = func() time.Time { return testNow.Add(2 * time.Minute) }
				late.MaxAge = 0
				if _, err := jwtvc.VerifyPresentation(ctx, tok, keys, late); !errors.Is(err, jwtvc.ErrExpired) {
					t.Errorf("after exp: %v, want ErrExpired", err)
				}
				if _, err := jwtvc.VerifyPresentation(ctx, tok, keys, jwtvc.PresentationVerifyOptions{VerifyOptions: verifyOpts()}); err == nil {
					t.Error("verified without an expected nonce and audience")
				}
			})
		}
	}
}

func TestSignPresentationRefusals(t *testing.T) {
	ctx := context.Background()
	k := newKey(t, jwtvc.AlgEdDSA, "holder")
	other := newKey(t, jwtvc.AlgEdDSA, "other")
	ok := jwtvc.PresentOptions{Nonce: "n", Audience: "a"}
	for name, tc := range map[string]struct {
		vp   []byte
		opts jwtvc.PresentOptions
	}{
		"no nonce":           {presentationFor(t, jwtvc.FormatVCJWT, k, "a.b.c"), jwtvc.PresentOptions{Audience: "a"}},
		"no audience":        {presentationFor(t, jwtvc.FormatVCJWT, k, "a.b.c"), jwtvc.PresentOptions{Nonce: "n"}},
		"holder is not kid":  {presentationFor(t, jwtvc.FormatVCJWT, other, "a.b.c"), ok},
		"not a presentation": {credential2(k.did), ok},
		"nonce member":       {[]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","nonce":"x"}`), ok},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := jwtvc.SignPresentation(ctx, tc.vp, k.signer, k.kid, tc.opts); err == nil {
				t.Fatal("SignPresentation succeeded")
			}
		})
	}
}

// TestRefusals feeds hand-made tokens to Verify and VerifyPresentation and
// checks each is refused with the expected sentinel.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	keys := newDIDKeys()
	ed := newKey(t, jwtvc.AlgEdDSA, "issuer")
	p256 := newKey(t, jwtvc.AlgES256, "issuer")
	k1 := newKey(t, jwtvc.AlgES256K, "issuer")
	attacker := newKey(t, jwtvc.AlgEdDSA, "attacker")

	// did:example:split lists one key under authentication only and another
	// under assertionMethod only.
	authOnly := newKey(t, jwtvc.AlgEdDSA, "auth-only")
	assertOnly := newKey(t, jwtvc.AlgEdDSA, "assert-only")
	split := "did:example:split"
	authOnly.did, authOnly.kid = split, split+"#auth"
	assertOnly.did, assertOnly.kid = split, split+"#assert"
	doc := &did.Document{ID: split}
	for _, k := range []testKey{authOnly, assertOnly} {
		jwk, err := did.JWKFromPublicKey(k.signer.Public())
		if err != nil {
			t.Fatal(err)
		}
		doc.VerificationMethod = append(doc.VerificationMethod, did.VerificationMethod{ID: k.kid, Type: did.TypeJSONWebKey, Controller: split, PublicKeyJwk: jwk})
	}
	doc.Authentication = []did.VerificationRef{did.Ref(authOnly.kid)}
	doc.AssertionMethod = []did.VerificationRef{did.Ref(assertOnly.kid)}
	keys.static[split] = doc

	cred := string(mustCompact(t, credential2(ed.did)))
	hdr := func(alg, kid, extra string) string {
		h := `{"alg":"` + alg + `","typ":"vc+jwt"`
		if kid != "" {
			h += `,"kid":"` + kid + `"`
		}
		return h + extra + "}"
	}
	good := rawSign(t, hdr("EdDSA", ed.kid, ""), cred, ed)
	if _, err := jwtvc.Verify(ctx, good, keys, verifyOpts()); err != nil {
		t.Fatalf("hand-made token refused: %v", err)
	}
	hs256 := func() string {
		input := b64([]byte(hdr("HS256", ed.kid, ""))) + "." + b64([]byte(cred))
		m := hmac.New(sha256.New, ed.signer.Public().(ed25519.PublicKey))
		m.Write([]byte(input))
		return input + "." + b64(m.Sum(nil))
	}()
	credFor := func(issuer string) string { return string(mustCompact(t, credential2(issuer))) }
	big := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + ed.did + `","credentialSubject":{"x":"` + strings.Repeat("a", 300<<10) + `"}}`
	deep := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + ed.did + `","credentialSubject":` + strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100) + "}"
	jwtClaims := func(extra string) string {
		return `{"iss":"` + ed.did + `"` + extra + `,"vc":` + string(mustCompact(t, credential11(ed.did))) + `}`
	}
	flattened := `{"payload":"` + b64([]byte(cred)) + `","protected":"` + b64([]byte(hdr("EdDSA", ed.kid, ""))) + `","signature":"` + strings.Split(good, ".")[2] + `"}`
	general := `{"payload":"` + b64([]byte(cred)) + `","signatures":[{"protected":"` + b64([]byte(hdr("EdDSA", ed.kid, ""))) + `","signature":"` + strings.Split(good, ".")[2] + `"},{"protected":"` + b64([]byte(hdr("EdDSA", attacker.kid, ""))) + `","signature":"` + strings.Split(good, ".")[2] + `"}]}`
	jwe := "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"

	type refusal struct {
		name  string
		token string
		opts  jwtvc.VerifyOptions
		want  error
	}
	now := verifyOpts()
	tests := []refusal{
		{"alg none", b64([]byte(`{"alg":"none","typ":"vc+jwt","kid":"`+ed.kid+`"}`)) + "." + b64([]byte(cred)) + ".", now, jwtvc.ErrMalformed},
		{"alg none with a signature", b64([]byte(`{"alg":"none","typ":"vc+jwt","kid":"`+ed.kid+`"}`)) + "." + b64([]byte(cred)) + "." + strings.Split(good, ".")[2], now, jwtvc.ErrMalformed},
		{"alg None", rawSign(t, hdr("None", ed.kid, ""), cred, ed), now, jwtvc.ErrMalformed},
		{"HS256 keyed with the public key", hs256, now, jwtvc.ErrMalformed},
		{"RS256", rawSign(t, hdr("RS256", ed.kid, ""), cred, ed), now, jwtvc.ErrMalformed},
		{"ES256K-R", rawSign(t, hdr("ES256K-R", k1.kid, ""), credFor(k1.did), k1), now, jwtvc.ErrMalformed},
		{"alg outside the allow-list", good, jwtvc.VerifyOptions{Now: clock, Algorithms: []string{jwtvc.AlgES256}}, jwtvc.ErrMalformed},
		{"alg ES256 on an Ed25519 key", rawSign(t, hdr("ES256", ed.kid, ""), cred, p256), now, jwtvc.ErrUnauthorizedKey},
		{"alg EdDSA on a P-256 key", rawSign(t, hdr("EdDSA", p256.kid, ""), credFor(p256.did), ed), now, jwtvc.ErrUnauthorizedKey},
		{"alg ES256K on a P-256 key", rawSign(t, hdr("ES256K", p256.kid, ""), credFor(p256.did), k1), now, jwtvc.ErrUnauthorizedKey},
		{"kid missing", rawSign(t, hdr("EdDSA", "", ""), cred, ed), now, jwtvc.ErrMalformed},
		{"kid relative", rawSign(t, hdr("EdDSA", "#"+strings.TrimPrefix(ed.did, "did:key:"), ""), cred, ed), now, jwtvc.ErrMalformed},
		{"kid is a bare DID", rawSign(t, hdr("EdDSA", ed.did, ""), cred, ed), now, jwtvc.ErrMalformed},
		{"kid is a URL path", rawSign(t, hdr("EdDSA", "../../keys/1", ""), cred, ed), now, jwtvc.ErrMalformed},
		{"kid DID is not the issuer", rawSign(t, hdr("EdDSA", attacker.kid, ""), cred, attacker), now, jwtvc.ErrUnauthorizedKey},
		{"issuer's kid, attacker's signature", rawSign(t, hdr("EdDSA", ed.kid, ""), cred, attacker), now, jwtvc.ErrInvalidSignature},
		{"key not under assertionMethod", rawSign(t, hdr("EdDSA", authOnly.kid, ""), credFor(split), authOnly), now, jwtvc.ErrUnauthorizedKey},
		{"unknown verification method", rawSign(t, hdr("EdDSA", split+"#nope", ""), credFor(split), authOnly), now, jwtvc.ErrUnauthorizedKey},
		{"jku", rawSign(t, hdr("EdDSA", ed.kid, `,"jku":"https://attacker.example/jwks"`), cred, ed), now, jwtvc.ErrMalformed},
		{"x5u", rawSign(t, hdr("EdDSA", ed.kid, `,"x5u":"https://attacker.example/cert"`), cred, ed), now, jwtvc.ErrMalformed},
		{"jwk", rawSign(t, hdr("EdDSA", ed.kid, `,"jwk":{"kty":"OKP","crv":"Ed25519","x":"`+b64(attacker.signer.Public().(ed25519.PublicKey))+`"}`), cred, attacker), now, jwtvc.ErrMalformed},
		{"x5c", rawSign(t, hdr("EdDSA", ed.kid, `,"x5c":["MIIB"]`), cred, ed), now, jwtvc.ErrMalformed},
		{"crit", rawSign(t, hdr("EdDSA", ed.kid, `,"crit":["exp"],"exp":1`), cred, ed), now, jwtvc.ErrMalformed},
		{"b64 false", b64([]byte(hdr("EdDSA", ed.kid, `,"b64":false,"crit":["b64"]`))) + ".x." + strings.Split(good, ".")[2], now, jwtvc.ErrMalformed},
		{"b64 false signed", rawSign(t, hdr("EdDSA", ed.kid, `,"b64":false`), cred, ed), now, jwtvc.ErrMalformed},
		{"zip", rawSign(t, hdr("EdDSA", ed.kid, `,"zip":"DEF"`), cred, ed), now, jwtvc.ErrMalformed},
		{"JSON serialization, flattened", flattened, now, jwtvc.ErrMalformed},
		{"JSON serialization, two signatures", general, now, jwtvc.ErrMalformed},
		{"JWE compact", jwe, now, jwtvc.ErrMalformed},
		{"two parts", strings.Join(strings.Split(good, ".")[:2], "."), now, jwtvc.ErrMalformed},
		{"oversize token", rawSign(t, hdr("EdDSA", ed.kid, ""), big, ed), now, jwtvc.ErrMalformed},
		{"over a custom size limit", good, jwtvc.VerifyOptions{Now: clock, MaxTokenSize: 100}, jwtvc.ErrMalformed},
		{"duplicate header member", rawSign(t, `{"alg":"EdDSA","typ":"vc+jwt","kid":"`+ed.kid+`","kid":"`+attacker.kid+`"}`, cred, ed), now, jwtvc.ErrMalformed},
		{"duplicate alg", rawSign(t, `{"alg":"none","alg":"EdDSA","typ":"vc+jwt","kid":"`+ed.kid+`"}`, cred, ed), now, jwtvc.ErrMalformed},
		{"duplicate payload member", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"issuer":"`+attacker.did+`","type":`, 1), ed), now, jwtvc.ErrMalformed},
		{"duplicate nested member", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"degree":`, `"id":"did:example:other","degree":`, 1), ed), now, jwtvc.ErrMalformed},
		{"duplicate escaped member", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"\u0069ssuer":"`+attacker.did+`","type":`, 1), ed), now, jwtvc.ErrMalformed},
		{"deep nesting", rawSign(t, hdr("EdDSA", ed.kid, ""), deep, ed), now, jwtvc.ErrMalformed},
		{"payload is not an object", rawSign(t, hdr("EdDSA", ed.kid, ""), `["x"]`, ed), now, jwtvc.ErrMalformed},
		{"payload is not JSON", rawSign(t, hdr("EdDSA", ed.kid, ""), `{"a":tru}`, ed), now, jwtvc.ErrMalformed},
		{"padding in signature", good + "==", now, jwtvc.ErrMalformed},
		{"standard base64 alphabet", strings.Replace(good, "-", "+", 1) + "+", now, jwtvc.ErrMalformed},
		{"white space", " " + good, now, jwtvc.ErrMalformed},
		{"empty", "", now, jwtvc.ErrMalformed},
		{"typ vp+jwt as a credential", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+ed.kid+`"}`, cred, ed), now, jwtvc.ErrWrongType},
		{"cty vp on vc+jwt", rawSign(t, hdr("EdDSA", ed.kid, `,"cty":"vp"`), cred, ed), now, jwtvc.ErrWrongType},
		{"cty JSON on vc+jwt", rawSign(t, hdr("EdDSA", ed.kid, `,"cty":"json"`), cred, ed), now, jwtvc.ErrMalformed},
		{"unknown typ", rawSign(t, `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"`+ed.kid+`"}`, cred, ed), now, jwtvc.ErrWrongType},
		{"vc claim in vc+jwt", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"vc":{},"type":`, 1), ed), now, jwtvc.ErrMalformed},
		{"iss differs from issuer", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"iss":"`+attacker.did+`","type":`, 1), ed), now, jwtvc.ErrMalformed},
		{"presentation payload under vc+jwt", rawSign(t, hdr("EdDSA", ed.kid, ""), `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"issuer":"`+ed.did+`"}`, ed), now, jwtvc.ErrWrongType},
		{"validFrom in the future", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, "2025-01-01T00:00:00Z", "2025-06-01T00:05:00Z", 1), ed), now, jwtvc.ErrNotYetValid},
		{"validUntil in the past", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, "2030-01-01T00:00:00Z", "2025-05-31T23:55:00Z", 1), ed), now, jwtvc.ErrExpired},
		{"validFrom without a time zone", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00", 1), ed), now, jwtvc.ErrMalformed},
		{"nbf in the future", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"nbf":1748736300,"type":`, 1), ed), now, jwtvc.ErrNotYetValid},
		{"iat in the future", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"iat":1748736300,"type":`, 1), ed), now, jwtvc.ErrNotYetValid},
		{"exp in the past", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"exp":1748735700,"type":`, 1), ed), now, jwtvc.ErrExpired},
		{"exp as a string", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"exp":"1948735700","type":`, 1), ed), now, jwtvc.ErrMalformed},
		{"EXP does not count as exp, exp does", rawSign(t, hdr("EdDSA", ed.kid, ""), strings.Replace(cred, `"type":`, `"EXP":1948735700,"exp":1748735700,"type":`, 1), ed), now, jwtvc.ErrExpired},
		// jwt_vc_json
		{"jwt_vc_json: vp claim as a credential", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, `{"iss":"`+ed.did+`","vp":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"]}}`, ed), now, jwtvc.ErrWrongType},
		{"jwt_vc_json: kid DID is not iss", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+attacker.kid+`"}`, jwtClaims(""), attacker), now, jwtvc.ErrUnauthorizedKey},
		{"jwt_vc_json: vc issuer is not iss", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+attacker.kid+`"}`, strings.Replace(jwtClaims(""), `"iss":"`+ed.did, `"iss":"`+attacker.did, 1), attacker), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: kid of another DID", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+attacker.kid+`"}`, strings.Replace(jwtClaims(""), `"issuer":"`+ed.did+`",`, "", 1), attacker), now, jwtvc.ErrUnauthorizedKey},
		{"jwt_vc_json: no iss", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, `{"vc":`+string(mustCompact(t, credential11(ed.did)))+`}`, ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: exp in the past", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"exp":1700000000`), ed), now, jwtvc.ErrExpired},
		{"jwt_vc_json: nbf in the future", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"nbf":1900000000`), ed), now, jwtvc.ErrNotYetValid},
		{"jwt_vc_json: sub differs from the subject", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"sub":"did:example:someone-else"`), ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: jti differs from the id", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"jti":"urn:uuid:other"`), ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: nbf differs from issuanceDate", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"nbf":1735000000`), ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: cty", rawSign(t, `{"alg":"EdDSA","typ":"JWT","cty":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(""), ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: vc is not an object", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, `{"iss":"`+ed.did+`","vc":"x"}`, ed), now, jwtvc.ErrMalformed},
		{"jwt_vc_json: vc and vp", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, strings.Replace(jwtClaims(""), `"vc":`, `"vp":{},"vc":`, 1), ed), now, jwtvc.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := jwtvc.Verify(ctx, tc.token, keys, tc.opts)
			if err == nil {
				t.Fatalf("accepted: %+v", v)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}

	// Presentations: the proof purpose and the binding.
	vpOpts := jwtvc.PresentationVerifyOptions{VerifyOptions: now, Nonce: "n", Audience: "https://verifier.example"}
	vp2 := func(holder string) string {
		return `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + holder + `","nonce":"n","aud":"https://verifier.example"}`
	}
	vpTests := []refusal{
		{"vp signed with an assertion-only key", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+assertOnly.kid+`"}`, vp2(split), assertOnly), now, jwtvc.ErrUnauthorizedKey},
		{"holder is not the kid DID", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+attacker.kid+`"}`, vp2(ed.did), attacker), now, jwtvc.ErrUnauthorizedKey},
		{"typ vc+jwt as a presentation", rawSign(t, `{"alg":"EdDSA","typ":"vc+jwt","kid":"`+ed.kid+`"}`, vp2(ed.did), ed), now, jwtvc.ErrWrongType},
		{"cty vc on vp+jwt", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","cty":"vc","kid":"`+ed.kid+`"}`, vp2(ed.did), ed), now, jwtvc.ErrWrongType},
		{"credential payload under vp+jwt", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+ed.kid+`"}`, cred, ed), now, jwtvc.ErrWrongType},
		{"no nonce", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+ed.kid+`"}`, strings.Replace(vp2(ed.did), `"nonce":"n",`, "", 1), ed), now, jwtvc.ErrBinding},
		{"aud array without us", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+ed.kid+`"}`, strings.Replace(vp2(ed.did), `"aud":"https://verifier.example"`, `"aud":["https://a.example","https://b.example"]`, 1), ed), now, jwtvc.ErrBinding},
		{"jwt_vc_json: vc claim as a presentation", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, jwtClaims(`,"nonce":"n","aud":"https://verifier.example"`), ed), now, jwtvc.ErrWrongType},
		{"jwt_vc_json: vp holder differs from iss", rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, `{"iss":"`+ed.did+`","nonce":"n","aud":"https://verifier.example","vp":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"holder":"`+attacker.did+`"}}`, ed), now, jwtvc.ErrMalformed},
		{"enveloped credential without a data: URL", rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+ed.kid+`"}`, strings.Replace(vp2(ed.did), `"nonce"`, `"verifiableCredential":[{"type":"EnvelopedVerifiableCredential","id":"https://attacker.example/vc"}],"nonce"`, 1), ed), now, jwtvc.ErrMalformed},
	}
	// A positive control for the hand-made presentations.
	if _, err := jwtvc.VerifyPresentation(ctx, rawSign(t, `{"alg":"EdDSA","typ":"vp+jwt","kid":"`+authOnly.kid+`"}`, vp2(split), authOnly), keys, vpOpts); err != nil {
		t.Fatalf("hand-made presentation refused: %v", err)
	}
	for _, tc := range vpTests {
		t.Run("presentation/"+tc.name, func(t *testing.T) {
			o := vpOpts
			o.VerifyOptions = tc.opts
			v, err := jwtvc.VerifyPresentation(ctx, tc.token, keys, o)
			if err == nil {
				t.Fatalf("accepted: %+v", v)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestLeeway: the same token is refused without leeway and accepted with
// enough of it, on both ends of the validity window.
func TestLeeway(t *testing.T) {
	ctx := context.Background()
	keys := newDIDKeys()
	ed := newKey(t, jwtvc.AlgEdDSA, "issuer")
	cred := strings.Replace(string(credential2(ed.did)), "2025-01-01T00:00:00Z", "2025-06-01T00:00:30Z", 1)
	tok := mustSign(t, []byte(cred), ed, jwtvc.SignOptions{})
	for _, tc := range []struct {
		now    time.Time
		leeway time.Duration
		want   error
	}{
		{testNow, 0, jwtvc.ErrNotYetValid},
		{testNow, 29 * time.Second, jwtvc.ErrNotYetValid},
		{testNow, 30 * time.Second, nil},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 0, jwtvc.ErrExpired},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Second, nil},
	} {
		_, err := jwtvc.Verify(ctx, tok, keys, jwtvc.VerifyOptions{Now: func() time.Time { return tc.now }, Leeway: tc.leeway})
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("now %s leeway %s: %v, want %v", tc.now, tc.leeway, err, tc.want)
		}
	}
}

// TestTamper changes every character of valid tokens (header, payload and
// signature) and expects each change to be refused.
func TestTamper(t *testing.T) {
	ctx := context.Background()
	for _, alg := range algs {
		k := newKey(t, alg, "issuer")
		keys := staticKey{k.signer.Public()}
		for _, f := range formats {
			tok := mustSign(t, credentialFor(f, k.did), k, jwtvc.SignOptions{Format: f})
			t.Run(alg+"/"+string(f), func(t *testing.T) {
				if _, err := jwtvc.Verify(ctx, tok, keys, verifyOpts()); err != nil {
					t.Fatal(err)
				}
				segment := 0
				count := map[int]int{}
				for i := 0; i < len(tok); i++ {
					if tok[i] == '.' {
						segment++
						continue
					}
					b := []byte(tok)
					// Flip to a character with a different low bit and value.
					b[i] = swap(b[i])
					if _, err := jwtvc.Verify(ctx, string(b), keys, verifyOpts()); err == nil {
						t.Fatalf("segment %d offset %d: tampered token accepted", segment, i)
					}
					count[segment]++
				}
				if count[0] == 0 || count[1] == 0 || count[2] == 0 {
					t.Fatalf("not every segment was tampered with: %v", count)
				}
			})
		}
	}
}

func swap(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return alphabet[(i+1)%64] // neighbours differ in the lowest bit
}

// TestVerify11Decoding: a jwt_vc_json credential whose vc claim left the
// moved members out (as did-jwt-vc does) comes back completed.
func TestVerify11Decoding(t *testing.T) {
	ctx := context.Background()
	ed := newKey(t, jwtvc.AlgEdDSA, "issuer")
	claims := `{"iss":"` + ed.did + `","sub":"did:example:subject","jti":"urn:uuid:1","nbf":1735689600,"exp":1893456000,` +
		`"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"credentialSubject":{"name":"Alice"}}}`
	tok := rawSign(t, `{"alg":"EdDSA","typ":"JWT","kid":"`+ed.kid+`"}`, claims, ed)
	v, err := jwtvc.Verify(ctx, tok, newDIDKeys(), verifyOpts())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":["https://www.w3.org/2018/credentials/v1"],"credentialSubject":{"id":"did:example:subject","name":"Alice"},"expirationDate":"2030-01-01T00:00:00Z","id":"urn:uuid:1","issuanceDate":"2025-01-01T00:00:00Z","issuer":"` + ed.did + `","type":["VerifiableCredential"]}`
	if string(v.Credential) != want {
		t.Fatalf("credential\n got %s\nwant %s", v.Credential, want)
	}
	if string(v.Claims) != claims {
		t.Fatalf("claims changed: %s", v.Claims)
	}
}

// TestES256KHighS: a high-S signature (the negation of a valid one) is
// valid ECDSA and accepted; our own signatures are low-S.
func TestES256KHighS(t *testing.T) {
	k := newKey(t, jwtvc.AlgES256K, "issuer")
	tok := mustSign(t, credential2(k.did), k, jwtvc.SignOptions{})
	parts := strings.Split(tok, ".")
	sig := mustB64(t, parts[2])
	var s secp256k1.ModNScalar
	s.SetByteSlice(sig[32:])
	if s.IsOverHalfOrder() {
		t.Fatal("Sign produced a high-S signature")
	}
	s.Negate()
	s.PutBytesUnchecked(sig[32:])
	high := parts[0] + "." + parts[1] + "." + b64(sig)
	if _, err := jwtvc.Verify(context.Background(), high, staticKey{k.signer.Public()}, verifyOpts()); err != nil {
		t.Fatalf("high-S signature refused: %v", err)
	}
}

func TestEnvelopeCredential(t *testing.T) {
	env, err := jwtvc.EnvelopeCredential(jwtvc.MediaVC, "a.b.c")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":"https://www.w3.org/ns/credentials/v2","id":"data:application/vc+jwt,a.b.c","type":"EnvelopedVerifiableCredential"}`
	if string(env) != want {
		t.Fatalf("got %s", env)
	}
	for _, bad := range [][2]string{{"", "a.b.c"}, {"application/vc+jwt;x=1", "a"}, {jwtvc.MediaVC, "a b"}, {jwtvc.MediaVC, "a,b"}, {jwtvc.MediaVC, "a%2Cb"}} {
		if _, err := jwtvc.EnvelopeCredential(bad[0], bad[1]); err == nil {
			t.Errorf("EnvelopeCredential(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

func mustCompact(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
