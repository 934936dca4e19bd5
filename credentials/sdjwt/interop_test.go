package sdjwt_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/internal/nodetest"
)

// nodePeer returns the npm peer, skipping the test when node or
// @sd-jwt/sd-jwt-vc is missing, unless CHAINID_INTEROP=1 demands them.
func nodePeer(t *testing.T) *nodetest.Peers {
	t.Helper()
	return nodetest.Require(t, "@sd-jwt/sd-jwt-vc")
}

func publicJWK(t testing.TB, pub crypto.PublicKey) map[string]any {
	t.Helper()
	j, err := did.JWKFromPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := j.MarshalJSON()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// privateJWK exports a test key as a private JWK for the node scripts.
func privateJWK(t testing.TB, s crypto.Signer) map[string]any {
	t.Helper()
	m := publicJWK(t, s.Public())
	switch k := s.(type) {
	case ed25519.PrivateKey:
		m["d"] = b64(k.Seed())
	case *ecdsa.PrivateKey:
		d, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		m["d"] = b64(d)
	case *secpSigner:
		m["d"] = b64(k.priv.Serialize())
	default:
		t.Fatalf("key %T", s)
	}
	return m
}

type peerVerify struct {
	OK       bool           `json:"ok"`
	Error    string         `json:"error"`
	Payload  map[string]any `json:"payload"`
	KeyBound bool           `json:"keyBound"`
}

// TestInteropPeerVerifiesOurs: our SD-JWT VCs, presented with and without
// key binding, verify in @sd-jwt/sd-jwt-vc.
func TestInteropPeerVerifiesOurs(t *testing.T) {
	node := nodePeer(t)
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			iss := newIssuer(t, alg)
			holder := newKey(t, alg)
			sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
			if err != nil {
				t.Fatal(err)
			}
			reveal := []string{"/given_name", "/address/locality", "/nationalities/1", "/nationalities/2/since"}
			now := t0.Add(time.Minute).Unix()
			for _, kb := range []bool{false, true} {
				h, in := holder, map[string]any{"issuerJwk": publicJWK(t, iss.signer.Public()), "now": now}
				if kb {
					in["nonce"] = nonce
				} else {
					h = nil
				}
				pres, err := sdjwt.Present(sd, reveal, h, presentOpts())
				if err != nil {
					t.Fatal(err)
				}
				in["sdjwt"] = pres
				var out peerVerify
				if err := node.Try(t, "sdjwt-verify.mjs", in, &out); err != nil || !out.OK {
					t.Fatalf("kb=%v: peer refused: %v %s", kb, err, out.Error)
				}
				if out.KeyBound != kb {
					t.Errorf("peer keyBound %v", out.KeyBound)
				}
				p := out.Payload
				if p["given_name"] != "John" || p["family_name"] != nil || p["iss"] != iss.did {
					t.Errorf("peer payload %v", p)
				}
				if !reflect.DeepEqual(p["address"], map[string]any{"locality": "Anytown", "country": "US"}) {
					t.Errorf("peer address %v", p["address"])
				}
				if !reflect.DeepEqual(p["nationalities"], []any{"DE", map[string]any{"code": "FR", "since": 2001.0}}) {
					t.Errorf("peer nationalities %v", p["nationalities"])
				}

				// The peer really checks: a tampered disclosure is refused.
				i := strings.IndexByte(pres, '~') + 5
				bad := pres[:i] + string("AB"[boolIndex(pres[i] == 'A')]) + pres[i+1:]
				in["sdjwt"] = bad
				var refused peerVerify
				if err := node.Try(t, "sdjwt-verify.mjs", in, &refused); err == nil || refused.OK {
					t.Fatalf("peer accepted a tampered presentation")
				}
			}
			// Wrong nonce: the peer refuses our KB-JWT.
			pres, _ := sdjwt.Present(sd, reveal, holder, presentOpts())
			var out peerVerify
			in := map[string]any{"issuerJwk": publicJWK(t, iss.signer.Public()), "now": now, "nonce": "other", "sdjwt": pres}
			if err := node.Try(t, "sdjwt-verify.mjs", in, &out); err == nil || out.OK {
				t.Fatal("peer accepted a KB-JWT for another nonce")
			}
		})
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestInteropOursVerifiesPeer: SD-JWT VCs issued and presented with a
// KB-JWT by @sd-jwt/sd-jwt-vc verify in ours; the issuer is a did:jwk.
func TestInteropOursVerifiesPeer(t *testing.T) {
	node := nodePeer(t)
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			issuerKey := newKey(t, alg)
			holder := newKey(t, alg)
			id, err := jwk.New(issuerKey.Public())
			if err != nil {
				t.Fatal(err)
			}
			kid := id.String() + "#0"
			iat := time.Now().Unix()
			in := map[string]any{
				"alg": alg, "kid": kid,
				"issuerPrivateJwk": privateJWK(t, issuerKey), "holderPrivateJwk": privateJWK(t, holder),
				"holderPublicJwk": publicJWK(t, holder.Public()),
				"claims": map[string]any{
					"iss": id.String(), "vct": "https://credentials.example.com/identity_credential", "iat": iat,
					"given_name": "Erika", "family_name": "Mustermann", "email": "erika@example.com",
					"nationalities": []string{"DE", "FR"},
				},
				"disclosable": []string{"given_name", "family_name", "email"},
				"arrayClaim":  "nationalities",
				"reveal":      []string{"given_name"},
				"nonce":       nonce, "aud": aud, "iat": iat,
			}
			var out struct{ Issued, Presentation string }
			if err := node.Try(t, "sdjwt-issue.mjs", in, &out); err != nil {
				t.Fatalf("peer issue: %v", err)
			}
			opts := sdjwt.VerifyOptions{RequireKeyBinding: true, ExpectedNonce: nonce, ExpectedAudience: aud, Leeway: time.Minute}
			res, err := sdjwt.Verify(context.Background(), out.Presentation, newDIDKeys(), opts)
			if err != nil {
				t.Fatalf("our verify of the peer's presentation: %v\n%s", err, out.Presentation)
			}
			c := decode(t, res.Claims)
			if !res.KeyBound || res.Issuer != id.String() || c["given_name"] != "Erika" || c["family_name"] != nil {
				t.Errorf("result %+v claims %v", res, c)
			}
			if !reflect.DeepEqual(c["nationalities"], []any{"FR"}) {
				t.Errorf("nationalities %v", c["nationalities"])
			}
			// The issued SD-JWT (all disclosures, no KB) verifies too.
			all, err := sdjwt.Verify(context.Background(), out.Issued, newDIDKeys(), sdjwt.VerifyOptions{Leeway: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if decode(t, all.Claims)["email"] != "erika@example.com" {
				t.Errorf("claims %s", all.Claims)
			}
			// And our holder code can present the peer's SD-JWT.
			pres, err := sdjwt.Present(out.Issued, []string{"/email", "/nationalities/0"}, holder, sdjwt.PresentOptions{Nonce: nonce, Audience: aud, IssuedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sdjwt.Verify(context.Background(), pres, newDIDKeys(), opts); err != nil {
				t.Fatal(err)
			}
		})
	}
}
