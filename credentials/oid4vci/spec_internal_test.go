package oid4vci

import (
	"context"
	"crypto"
	"strings"
	"testing"
	"time"
)

// specProof is the jwt key proof example of OpenID4VCI 1.0 §F.1 (ES256,
// jwk header, aud https://credential-issuer.example.com, iat 1701960444).
const specProof = "eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwiY3J2IjoiUC0yNTYiLCJ4IjoiblVXQW9BdjNYWml0aDhFN2kxOU9kYXhPTFlGT3dNLVoyRXVNMDJUaXJUNCIsInkiOiJIc2tIVThCalVpMVU5WHFpN1N3bWo4Z3dBS18weGtjRGpFV183MVNvc0VZIn19" +
	".eyJhdWQiOiJodHRwczovL2NyZWRlbnRpYWwtaXNzdWVyLmV4YW1wbGUuY29tIiwiaWF0IjoxNzAxOTYwNDQ0LCJub25jZSI6IkxhclJHU2JtVVBZdFJZTzZCUTR5bjgifQ" +
	".-a3EDsxClUB4O3LeDD5DVGEnNMT01FCQW4P6-2-BNBqc_Zxf0Qw4CWayLEpqkAomlkLb9zioZoipdP-jvh1WlA"

type noIssuer struct{}

func (noIssuer) IssueCredential(context.Context, string, string, crypto.PublicKey, string) (string, error) {
	return "", nil
}

// memStore is enough Store for tests that never reach it.
type memStore struct{}

func (memStore) Get(context.Context, string, string) ([]byte, time.Time, bool, error) {
	return nil, time.Time{}, false, nil
}
func (memStore) Put(context.Context, string, string, []byte, time.Time) (bool, error) {
	return true, nil
}
func (memStore) Update(context.Context, string, string, func([]byte, time.Time, bool) ([]byte, time.Time, error)) error {
	return nil
}

func specService(t testing.TB, now time.Time) *Service {
	t.Helper()
	s, err := New(memStore{}, noIssuer{}, Config{
		CredentialIssuer: "https://credential-issuer.example.com",
		Configurations:   map[string]CredentialConfiguration{"c": {Format: FormatSDJWTVC, VCT: "v"}},
		Now:              func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSpecProofExample verifies the specification's own key proof: its
// ES256 signature checks out under its jwk, and its claims are read as
// printed.
func TestSpecProofExample(t *testing.T) {
	iat := time.Unix(1701960444, 0)
	s := specService(t, iat.Add(10*time.Second))
	p, err := parseProof(specProof)
	if err != nil {
		t.Fatal(err)
	}
	if p.alg != "ES256" || p.jwk == nil || p.kid != "" || p.aud != "https://credential-issuer.example.com" || !p.iat.Equal(iat) || p.nonce != "LarRGSbmUPYtRYO6BQ4yn8" {
		t.Fatalf("parsed %+v", p)
	}
	if _, err := s.verifyProof(t.Context(), p, "c"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	// One flipped signature bit, and the same proof an hour later, fail.
	i := strings.LastIndexByte(specProof, '.')
	bad := specProof[:i+1] + "_" + specProof[i+2:]
	if p2, err := parseProof(bad); err == nil {
		if _, err := s.verifyProof(t.Context(), p2, "c"); err == nil {
			t.Error("tampered signature verified")
		}
	}
	late := specService(t, iat.Add(time.Hour))
	if _, err := late.verifyProof(t.Context(), p, "c"); err == nil {
		t.Error("stale proof verified")
	}
	// Its nonce is not one of ours.
	if _, perr := s.checkNonce(p.nonce); perr == nil || perr.Code != CodeInvalidNonce {
		t.Errorf("spec nonce: %v", perr)
	}
}
