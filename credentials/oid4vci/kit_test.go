package oid4vci_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

var _ oid4vci.Store = (*store.OID4VCIRecords)(nil)

const testIssuer = "https://issuer.example.com/tenant"

// clock is a settable clock shared by the Service and the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// issueCall records one Issuer call.
type issueCall struct {
	ref, configurationID, holderDID string
	holderKey                       crypto.PublicKey
}

// fakeIssuer is the consumer side: it returns a fixed credential per call
// and records what it was asked.
type fakeIssuer struct {
	mu    sync.Mutex
	calls []issueCall
	err   error
}

func (f *fakeIssuer) IssueCredential(_ context.Context, ref, id string, key crypto.PublicKey, holderDID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	f.calls = append(f.calls, issueCall{ref, id, holderDID, key})
	return fmt.Sprintf("credential-%d-%s-%s", len(f.calls), ref, id), nil
}

func (f *fakeIssuer) Calls() []issueCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]issueCall(nil), f.calls...)
}

// testConfigurations has one configuration per format.
func testConfigurations() map[string]oid4vci.CredentialConfiguration {
	return map[string]oid4vci.CredentialConfiguration{
		"IdentityCredential_sd_jwt": {
			Format:                              oid4vci.FormatSDJWTVC,
			Scope:                               "identity",
			VCT:                                 "https://issuer.example.com/vct/identity",
			CredentialSigningAlgValuesSupported: []string{"EdDSA", "ES256"},
			CredentialMetadata: &oid4vci.CredentialMetadata{
				Display: []oid4vci.CredentialDisplay{{Name: "Identity", Locale: "en-US", BackgroundColor: "#12107c", TextColor: "#FFFFFF"}},
				Claims: []oid4vci.ClaimDescription{
					{Path: []any{"given_name"}, Display: []oid4vci.ClaimDisplay{{Name: "Given name", Locale: "en-US"}}},
					{Path: []any{"address", "locality"}},
					{Path: []any{"nationalities", nil}},
				},
			},
		},
		"UniversityDegree_jwt_vc_json": {
			Format:                              oid4vci.FormatJWTVCJSON,
			CredentialSigningAlgValuesSupported: []string{"ES256K"},
			CredentialDefinition:                &oid4vci.CredentialDefinition{Type: []string{"VerifiableCredential", "UniversityDegreeCredential"}},
		},
	}
}

const (
	cfgSD  = "IdentityCredential_sd_jwt"
	cfgJWT = "UniversityDegree_jwt_vc_json"
)

// env is a Service over a real bbolt store with a shared clock.
type env struct {
	svc    *oid4vci.Service
	clock  *clock
	issuer *fakeIssuer
	store  *store.Store
}

func newEnv(t testing.TB, mutate func(*oid4vci.Config)) *env {
	t.Helper()
	clk := newClock()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := oid4vci.Config{
		CredentialIssuer: testIssuer,
		Configurations:   testConfigurations(),
		Display:          []oid4vci.Display{{Name: "Example Issuer", Locale: "en-US"}},
		Now:              clk.Now,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	iss := &fakeIssuer{}
	svc, err := oid4vci.New(st.OID4VCI(), iss, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, clock: clk, issuer: iss, store: st}
}

// offerAndToken creates an offer (with a tx_code) and redeems it.
func (e *env) offerAndToken(t testing.TB, ids ...string) string {
	t.Helper()
	if len(ids) == 0 {
		ids = []string{cfgSD, cfgJWT}
	}
	o, err := e.svc.CreateOffer(context.Background(), oid4vci.OfferRequest{ConfigurationIDs: ids, IssueRef: "subject-42", TxCode: &oid4vci.TxCodeSpec{}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.svc.Token(context.Background(), oid4vci.TokenRequest{
		GrantType:         oid4vci.GrantTypePreAuthorizedCode,
		PreAuthorizedCode: o.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode,
		TxCode:            o.TxCode,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func (e *env) nonce(t testing.TB) string {
	t.Helper()
	n, err := e.svc.Nonce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n.CNonce
}

// holderKey is a wallet key.
type holderKey struct {
	name   string
	alg    string
	signer crypto.Signer // ed25519.PrivateKey, *ecdsa.PrivateKey or *secp256k1.PrivateKey wrapper
	pub    crypto.PublicKey
	raw    any // the private key as jwx wants it
}

type secpSigner struct{ k *secp256k1.PrivateKey }

func (s secpSigner) Public() crypto.PublicKey { return s.k.PubKey() }
func (s secpSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig := secpecdsa.SignCompact(s.k, digest, false)
	return sig[1:], nil // r ‖ s
}

func newHolderKeys(t testing.TB) []holderKey {
	t.Helper()
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return []holderKey{
		{name: "Ed25519", alg: "EdDSA", signer: ed, pub: ed.Public(), raw: ed},
		{name: "P-256", alg: "ES256", signer: p, pub: p.Public(), raw: p},
		{name: "secp256k1", alg: "ES256K", signer: secpSigner{k}, pub: k.PubKey(), raw: nil},
	}
}

// keyForm is how a proof names its key.
type keyForm string

const (
	formJWK    keyForm = "jwk"
	formDIDKey keyForm = "did:key"
	formDIDJWK keyForm = "did:jwk"
)

// kidOf returns the DID URL of the key's authentication method and its DID.
func kidOf(t testing.TB, pub crypto.PublicKey, form keyForm) (kid, holderDID string) {
	t.Helper()
	switch form {
	case formDIDKey:
		d, err := didkey.New(pub)
		if err != nil {
			t.Fatal(err)
		}
		return d.String() + "#" + d.ID, d.String()
	case formDIDJWK:
		d, err := didjwk.New(pub)
		if err != nil {
			t.Fatal(err)
		}
		return d.String() + "#" + didjwk.Fragment, d.String()
	}
	return "", ""
}

// jwxProof signs a key proof with jwx (EdDSA, ES256) or, for ES256K which
// jwx/v2 only supports behind a build tag, with the same compact
// serialization by hand.
func jwxProof(t testing.TB, k holderKey, form keyForm, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	if k.raw == nil {
		h := map[string]any{"typ": oid4vci.ProofJWTType, "alg": k.alg}
		setKey(t, h, k.pub, form)
		return rawJWT(t, h, payload, k.signer)
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.TypeKey, oid4vci.ProofJWTType); err != nil {
		t.Fatal(err)
	}
	if form == formJWK {
		jk, err := jwk.FromRaw(k.pub)
		if err != nil {
			t.Fatal(err)
		}
		if err := hdr.Set(jws.JWKKey, jk); err != nil {
			t.Fatal(err)
		}
	} else {
		kid, _ := kidOf(t, k.pub, form)
		if err := hdr.Set(jws.KeyIDKey, kid); err != nil {
			t.Fatal(err)
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.SignatureAlgorithm(k.alg), k.raw, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func setKey(t testing.TB, h map[string]any, pub crypto.PublicKey, form keyForm) {
	t.Helper()
	if form == formJWK {
		jk, err := did.JWKFromPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		h["jwk"] = jk
		return
	}
	h["kid"], _ = kidOf(t, pub, form)
}

var b64 = base64.RawURLEncoding

// rawJWT builds a compact JWS from an arbitrary header with signer (nil
// means an empty signature). It signs what it is given, bad or not.
func rawJWT(t testing.TB, header map[string]any, payload []byte, signer crypto.Signer) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	return rawJWTBytes(t, hb, payload, signer)
}

func rawJWTBytes(t testing.TB, hb, payload []byte, signer crypto.Signer) string {
	t.Helper()
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(payload)
	return input + "." + b64.EncodeToString(signJWS(t, signer, []byte(input)))
}

func signJWS(t testing.TB, signer crypto.Signer, input []byte) []byte {
	t.Helper()
	switch s := signer.(type) {
	case nil:
		return nil
	case ed25519.PrivateKey:
		return ed25519.Sign(s, input)
	case *ecdsa.PrivateKey:
		d := sha256.Sum256(input)
		r, ss, err := ecdsa.Sign(rand.Reader, s, d[:])
		if err != nil {
			t.Fatal(err)
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		ss.FillBytes(out[32:])
		return out
	default:
		d := sha256.Sum256(input)
		sig, err := signer.Sign(rand.Reader, d[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
}

func claims(aud string, iat time.Time, nonce string) map[string]any {
	c := map[string]any{"aud": aud, "iat": iat.Unix()}
	if nonce != "" {
		c["nonce"] = nonce
	}
	return c
}

func codeOf(err error) oid4vci.ErrorCode {
	var pe *oid4vci.ProtocolError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func jwtProofs(jwts ...string) *oid4vci.Proofs { return &oid4vci.Proofs{JWT: jwts} }

func jwkOf(pub any) *did.JWK {
	k, err := did.JWKFromPublicKey(pub)
	if err != nil {
		return nil
	}
	return k
}
