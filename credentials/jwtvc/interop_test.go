package jwtvc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/internal/nodetest"
)

// node returns the npm peers, skipping the test when node or did-jwt-vc is
// missing, unless CHAINID_INTEROP=1 demands them.
func node(t *testing.T) *nodetest.Peers {
	t.Helper()
	return nodetest.Require(t, "did-jwt-vc")
}

type peerResult struct {
	OK          bool            `json:"ok"`
	Error       string          `json:"error"`
	Issuer      string          `json:"issuer"`
	Holder      string          `json:"holder"`
	KID         string          `json:"kid"`
	Credential  json.RawMessage `json:"credential"`
	Credentials int             `json:"credentials"`
}

// TestInteropOursInDIDJWTVC: our jwt_vc_json credentials and VC 1.1 JWT
// presentations, issued by did:key issuers with each algorithm, verify in
// did-jwt-vc; tampered ones and presentations for another challenge do
// not.
func TestInteropOursInDIDJWTVC(t *testing.T) {
	peers := node(t)
	ctx := context.Background()
	type vpIn struct {
		JWT       string `json:"jwt"`
		Challenge string `json:"challenge"`
		Domain    string `json:"domain"`
	}
	var creds []string
	var vps []vpIn
	var want []testKey
	for _, alg := range algs {
		issuer := newKey(t, alg, "interop issuer")
		holder := newKey(t, alg, "interop holder")
		vc := mustSign(t, credential11(issuer.did), issuer, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})
		vp, err := jwtvc.SignPresentation(ctx, presentationFor(t, jwtvc.FormatJWTVCJSON, holder, vc), holder.signer, holder.kid,
			jwtvc.PresentOptions{Format: jwtvc.FormatJWTVCJSON, Nonce: "c-" + alg, Audience: "https://verifier.example", Lifetime: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		creds = append(creds, vc)
		vps = append(vps, vpIn{vp, "c-" + alg, "https://verifier.example"})
		want = append(want, issuer, holder)
	}
	// Negative controls: a changed payload, a presentation for another
	// challenge and for another audience.
	parts := strings.Split(creds[0], ".")
	_, payload := segments(t, creds[0])
	forged := parts[0] + "." + b64(bytes.Replace(payload, []byte("Example University"), []byte("Forged University"), 1)) + "." + parts[2]
	input := map[string]any{
		"credentials": append(append([]string{}, creds...), forged),
		"presentations": append(append([]vpIn{}, vps...),
			vpIn{vps[0].JWT, "another challenge", vps[0].Domain},
			vpIn{vps[0].JWT, vps[0].Challenge, "https://evil.example"}),
	}
	var out struct {
		Credentials   []peerResult `json:"credentials"`
		Presentations []peerResult `json:"presentations"`
	}
	peers.Run(t, "jwtvc-verify.mjs", input, &out)
	if len(out.Credentials) != len(creds)+1 || len(out.Presentations) != len(vps)+2 {
		t.Fatalf("peer answered %d credentials and %d presentations", len(out.Credentials), len(out.Presentations))
	}
	for i, alg := range algs {
		c, p := out.Credentials[i], out.Presentations[i]
		issuer, holder := want[2*i], want[2*i+1]
		if !c.OK {
			t.Errorf("%s credential refused by did-jwt-vc: %s", alg, c.Error)
		} else if c.Issuer != issuer.did || c.KID != issuer.kid {
			t.Errorf("%s credential: did-jwt-vc says issuer %s kid %s", alg, c.Issuer, c.KID)
		} else {
			var got struct {
				Issuer  json.RawMessage `json:"issuer"`
				Subject struct {
					ID string `json:"id"`
				} `json:"credentialSubject"`
				ID string `json:"id"`
			}
			if err := json.Unmarshal(c.Credential, &got); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got.Issuer), issuer.did) || got.Subject.ID != "did:example:ebfeb1f712ebc6f1c276e12ec21" || got.ID != "http://example.edu/credentials/1872" {
				t.Errorf("%s credential as did-jwt-vc reads it: %s", alg, c.Credential)
			}
		}
		if !p.OK {
			t.Errorf("%s presentation refused by did-jwt-vc: %s", alg, p.Error)
		} else if p.Holder != holder.did || p.KID != holder.kid || p.Credentials != 1 {
			t.Errorf("%s presentation: did-jwt-vc says holder %s kid %s with %d credentials", alg, p.Holder, p.KID, p.Credentials)
		}
	}
	if out.Credentials[len(creds)].OK {
		t.Error("did-jwt-vc accepted a forged credential: the peer check proves nothing")
	}
	for _, p := range out.Presentations[len(vps):] {
		if p.OK {
			t.Error("did-jwt-vc accepted a presentation for another challenge or audience")
		}
	}
}

type peerIssued struct {
	Alg          string `json:"alg"`
	Issuer       string `json:"issuer"`
	IssuerKID    string `json:"issuerKid"`
	Holder       string `json:"holder"`
	HolderKID    string `json:"holderKid"`
	Credential   string `json:"credential"`
	Presentation string `json:"presentation"`
}

// TestInteropDIDJWTVCInOurs: credentials and presentations issued by
// did-jwt-vc (EdDSA, ES256K and ES256 did:key issuers) verify in ours, and
// ours reads the same credential out of them.
func TestInteropDIDJWTVCInOurs(t *testing.T) {
	peers := node(t)
	ctx := context.Background()
	var issued []peerIssued
	peers.Run(t, "jwtvc-issue.mjs", map[string]any{"algs": algs, "challenge": "c-1", "domain": "https://verifier.example"}, &issued)
	if len(issued) != len(algs) {
		t.Fatalf("peer issued %d sets", len(issued))
	}
	keys := newDIDKeys()
	for _, is := range issued {
		t.Run(is.Alg, func(t *testing.T) {
			v, err := jwtvc.Verify(ctx, is.Credential, keys, jwtvc.VerifyOptions{Leeway: time.Minute})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if v.Format != jwtvc.FormatJWTVCJSON || v.Issuer != is.Issuer || v.KeyID != is.IssuerKID || v.Header.Algorithm != is.Alg {
				t.Fatalf("got %+v", v)
			}
			var c struct {
				Issuer  string `json:"issuer"`
				ID      string `json:"id"`
				Subject struct {
					ID       string          `json:"id"`
					AlumniOf json.RawMessage `json:"alumniOf"`
				} `json:"credentialSubject"`
				IssuanceDate   string `json:"issuanceDate"`
				ExpirationDate string `json:"expirationDate"`
			}
			if err := json.Unmarshal(v.Credential, &c); err != nil {
				t.Fatal(err)
			}
			if c.Issuer != is.Issuer || c.ID != "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5" || c.Subject.ID != is.Holder ||
				c.Subject.AlumniOf == nil || c.IssuanceDate == "" || c.ExpirationDate == "" {
				t.Fatalf("decoded credential %s", v.Credential)
			}

			opts := jwtvc.PresentationVerifyOptions{VerifyOptions: jwtvc.VerifyOptions{Leeway: time.Minute}, Nonce: "c-1", Audience: "https://verifier.example"}
			vp, err := jwtvc.VerifyPresentation(ctx, is.Presentation, keys, opts)
			if err != nil {
				t.Fatalf("VerifyPresentation: %v", err)
			}
			if vp.Holder != is.Holder || vp.KeyID != is.HolderKID || len(vp.Credentials) != 1 || vp.Credentials[0].Token != is.Credential {
				t.Fatalf("got %+v", vp)
			}
			opts.Nonce = "c-2"
			if _, err := jwtvc.VerifyPresentation(ctx, is.Presentation, keys, opts); !errors.Is(err, jwtvc.ErrBinding) {
				t.Fatalf("presentation for another nonce: %v", err)
			}
			// The peer's tokens change under tampering like ours.
			parts := strings.Split(is.Credential, ".")
			sig := mustB64(t, parts[2])
			sig[len(sig)/2] ^= 1
			if _, err := jwtvc.Verify(ctx, parts[0]+"."+parts[1]+"."+b64(sig), keys, jwtvc.VerifyOptions{}); !errors.Is(err, jwtvc.ErrInvalidSignature) {
				t.Fatalf("tampered peer token: %v", err)
			}
		})
	}
}
