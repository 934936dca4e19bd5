package jwtvc_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/jwtvc"
)

// FuzzVerify feeds arbitrary tokens to Verify and VerifyPresentation with a
// resolver that answers the seed key for every kid. Neither may panic, and
// whatever verifies must be internally consistent: a kid of the issuer
// (holder), valid JSON out, and a signature the token really carries.
func FuzzVerify(f *testing.F) {
	k := newKey(f, jwtvc.AlgEdDSA, "issuer")
	ctx := context.Background()
	for _, format := range formats {
		vc := mustSign(f, credentialFor(format, k.did), k, jwtvc.SignOptions{Format: format})
		f.Add(vc)
		vp, err := jwtvc.SignPresentation(ctx, presentationFor(f, format, k, vc), k.signer, k.kid,
			jwtvc.PresentOptions{Format: format, Nonce: "n", Audience: "a", Now: clock})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(vp)
	}
	f.Add(b64([]byte(`{"alg":"none","kid":"`+k.kid+`"}`)) + "." + b64([]byte(`{}`)) + ".")
	f.Add(rawSign(f, `{"alg":"EdDSA","kid":"`+k.kid+`","kid":"x"}`, `{"a":{"b":[1,2,{"c":"\u0063"}]}}`, k))
	f.Add(`{"payload":"e30","signatures":[]}`)
	f.Add("a.b.c.d.e")
	keys := staticKey{k.signer.Public()}
	f.Fuzz(func(t *testing.T, token string) {
		opts := jwtvc.VerifyOptions{Now: clock, MaxTokenSize: 16 << 10}
		if v, err := jwtvc.Verify(ctx, token, keys, opts); err == nil {
			if !strings.HasPrefix(v.KeyID, v.Issuer+"#") || !json.Valid(v.Credential) || !json.Valid(v.Claims) || !json.Valid(v.Header.Raw) {
				t.Fatalf("inconsistent result %+v", v)
			}
		}
		vp, err := jwtvc.VerifyPresentation(ctx, token, keys, jwtvc.PresentationVerifyOptions{VerifyOptions: opts, Nonce: "n", Audience: "a"})
		if err == nil {
			if !strings.HasPrefix(vp.KeyID, vp.Holder+"#") || !json.Valid(vp.Presentation) || vp.Nonce != "n" {
				t.Fatalf("inconsistent presentation %+v", vp)
			}
			for _, c := range vp.Credentials {
				if (c.Token == "") == (c.JSON == nil) {
					t.Fatalf("embedded credential with neither or both forms: %+v", c)
				}
			}
		}
	})
}

// FuzzScan checks the duplicate-refusing scanner against encoding/json on
// arbitrary payloads: whatever the verifier accepts as a payload must be
// valid JSON whose members encoding/json sees the same way.
func FuzzScan(f *testing.F) {
	k := newKey(f, jwtvc.AlgEdDSA, "issuer")
	for _, s := range []string{
		string(credential2(k.did)),
		`{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `{"\u0061":1,"a":2}`, `{"a":"\"}"}`, `[{"a":1}]`, `{"a":[{"a":1},{"a":1}]}`,
	} {
		f.Add(s)
	}
	keys := staticKey{k.signer.Public()}
	f.Fuzz(func(t *testing.T, payload string) {
		tok := rawSign(t, `{"alg":"EdDSA","typ":"vc+jwt","kid":"`+k.kid+`"}`, payload, k)
		v, err := jwtvc.Verify(context.Background(), tok, keys, jwtvc.VerifyOptions{Now: clock})
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v.Claims, &m); err != nil {
			t.Fatalf("accepted a payload encoding/json refuses: %v", err)
		}
		if string(v.Credential) != payload {
			t.Fatal("credential differs from the signed payload")
		}
	})
}
