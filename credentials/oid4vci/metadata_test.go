package oid4vci_test

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestMetadataGolden(t *testing.T) {
	e := newEnv(t, func(c *oid4vci.Config) { c.BatchSize = 4 })
	golden(t, "credential_issuer_metadata.json", e.svc.Metadata())
	golden(t, "authorization_server_metadata.json", e.svc.AuthorizationServerMetadata())
	// The result is a copy.
	m := e.svc.Metadata()
	m.CredentialConfigurationsSupported[cfgSD].CredentialMetadata.Claims[0].Path[0] = "changed"
	m.CredentialConfigurationsSupported[cfgSD].ProofTypesSupported["jwt"].ProofSigningAlgValuesSupported[0] = "none"
	golden(t, "credential_issuer_metadata.json", e.svc.Metadata())
}

func TestMetadataShape(t *testing.T) {
	e := newEnv(t, nil)
	b, _ := json.Marshal(e.svc.Metadata())
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"credential_issuer":   testIssuer,
		"credential_endpoint": testIssuer + "/credential",
		"nonce_endpoint":      testIssuer + "/nonce",
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if _, ok := m["batch_credential_issuance"]; ok {
		t.Error("batch_credential_issuance advertised with batch size 1")
	}
	cfgs := m["credential_configurations_supported"].(map[string]any)
	sd := cfgs[cfgSD].(map[string]any)
	if sd["format"] != "dc+sd-jwt" || sd["vct"] == nil || sd["credential_definition"] != nil {
		t.Errorf("sd-jwt configuration %v", sd)
	}
	jv := cfgs[cfgJWT].(map[string]any)
	if jv["format"] != "jwt_vc_json" || jv["vct"] != nil || jv["credential_definition"].(map[string]any)["type"] == nil {
		t.Errorf("jwt_vc_json configuration %v", jv)
	}
	for _, c := range []map[string]any{sd, jv} {
		pt := c["proof_types_supported"].(map[string]any)["jwt"].(map[string]any)["proof_signing_alg_values_supported"].([]any)
		if len(pt) != 3 || len(c["cryptographic_binding_methods_supported"].([]any)) != 3 {
			t.Errorf("defaults not filled: %v", c)
		}
	}
	as, _ := json.Marshal(e.svc.AuthorizationServerMetadata())
	if !strings.Contains(string(as), `"grant_types_supported":["urn:ietf:params:oauth:grant-type:pre-authorized_code"]`) ||
		!strings.Contains(string(as), `"pre-authorized_grant_anonymous_access_supported":true`) ||
		!strings.Contains(string(as), `"token_endpoint":"https://issuer.example.com/tenant/token"`) {
		t.Errorf("AS metadata %s", as)
	}
}

func TestWellKnownURL(t *testing.T) {
	for _, tt := range []struct{ id, name, want string }{
		{"https://issuer.example.com/tenant", oid4vci.WellKnownCredentialIssuer, "https://issuer.example.com/.well-known/openid-credential-issuer/tenant"},
		{"https://tenant.issuer.example.com", oid4vci.WellKnownCredentialIssuer, "https://tenant.issuer.example.com/.well-known/openid-credential-issuer"},
		{"https://issuer.example.com:8443/a/b/", oid4vci.WellKnownOAuthAuthorizationServer, "https://issuer.example.com:8443/.well-known/oauth-authorization-server/a/b"},
		{"https://issuer.example.com?x=1", oid4vci.WellKnownCredentialIssuer, ""},
		{"https://issuer.example.com#f", oid4vci.WellKnownCredentialIssuer, ""},
		{"issuer.example.com", oid4vci.WellKnownCredentialIssuer, ""},
	} {
		got, err := oid4vci.WellKnownURL(tt.id, tt.name)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("WellKnownURL(%q) = %q, %v; want %q", tt.id, got, err, tt.want)
		}
	}
}

type nopIssuer struct{}

func (nopIssuer) IssueCredential(context.Context, string, string, crypto.PublicKey, string) (string, error) {
	return "", errors.New("unused")
}

func TestNewRefusesBadConfig(t *testing.T) {
	e := newEnv(t, nil)
	st := e.store.OID4VCI()
	base := func() oid4vci.Config {
		return oid4vci.Config{CredentialIssuer: testIssuer, Configurations: testConfigurations()}
	}
	with := func(f func(*oid4vci.Config)) oid4vci.Config { c := base(); f(&c); return c }
	cfgWith := func(id string, f func(*oid4vci.CredentialConfiguration)) oid4vci.Config {
		return with(func(c *oid4vci.Config) { x := c.Configurations[id]; f(&x); c.Configurations[id] = x })
	}
	for _, tt := range []struct {
		name string
		cfg  oid4vci.Config
	}{
		{"no issuer", with(func(c *oid4vci.Config) { c.CredentialIssuer = "" })},
		{"http issuer", with(func(c *oid4vci.Config) { c.CredentialIssuer = "http://issuer.example.com" })},
		{"issuer with query", with(func(c *oid4vci.Config) { c.CredentialIssuer = "https://issuer.example.com?a=b" })},
		{"issuer with fragment", with(func(c *oid4vci.Config) { c.CredentialIssuer = "https://issuer.example.com#a" })},
		{"issuer with user info", with(func(c *oid4vci.Config) { c.CredentialIssuer = "https://u@issuer.example.com" })},
		{"http endpoint", with(func(c *oid4vci.Config) { c.TokenEndpoint = "http://issuer.example.com/token" })},
		{"no configurations", with(func(c *oid4vci.Config) { c.Configurations = nil })},
		{"unknown format", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) { x.Format = "ldp_vc" })},
		{"sd-jwt without vct", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) { x.VCT = "" })},
		{"jwt_vc_json without type", cfgWith(cfgJWT, func(x *oid4vci.CredentialConfiguration) { x.CredentialDefinition = nil })},
		{"jwt_vc_json without VerifiableCredential", cfgWith(cfgJWT, func(x *oid4vci.CredentialConfiguration) {
			x.CredentialDefinition = &oid4vci.CredentialDefinition{Type: []string{"Degree"}}
		})},
		{"none proof alg", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.ProofTypesSupported = map[string]oid4vci.ProofType{"jwt": {ProofSigningAlgValuesSupported: []string{"none"}}}
		})},
		{"HS256 proof alg", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.ProofTypesSupported = map[string]oid4vci.ProofType{"jwt": {ProofSigningAlgValuesSupported: []string{"HS256"}}}
		})},
		{"di_vp proof type", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.ProofTypesSupported = map[string]oid4vci.ProofType{"di_vp": {ProofSigningAlgValuesSupported: []string{"eddsa-rdfc-2022"}}}
		})},
		{"no binding", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) { x.CryptographicBindingMethodsSupported = []string{} })},
		{"did:web binding without resolver", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.CryptographicBindingMethodsSupported = []string{"did:web"}
		})},
		{"cose_key binding", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.CryptographicBindingMethodsSupported = []string{"cose_key"}
		})},
		{"empty claim path", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.CredentialMetadata = &oid4vci.CredentialMetadata{Claims: []oid4vci.ClaimDescription{{}}}
		})},
		{"negative claim index", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.CredentialMetadata = &oid4vci.CredentialMetadata{Claims: []oid4vci.ClaimDescription{{Path: []any{"a", -1}}}}
		})},
		{"display without name", cfgWith(cfgSD, func(x *oid4vci.CredentialConfiguration) {
			x.CredentialMetadata = &oid4vci.CredentialMetadata{Display: []oid4vci.CredentialDisplay{{Locale: "en"}}}
		})},
		{"short nonce key", with(func(c *oid4vci.Config) { c.NonceKey = make([]byte, 16) })},
		{"batch size too large", with(func(c *oid4vci.Config) { c.BatchSize = oid4vci.MaxBatchSize + 1 })},
		{"offer TTL too long", with(func(c *oid4vci.Config) { c.OfferTTL = oid4vci.MaxOfferTTL + 1 })},
		{"negative token TTL", with(func(c *oid4vci.Config) { c.TokenTTL = -time.Second })},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := oid4vci.New(st, nopIssuer{}, tt.cfg); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	if _, err := oid4vci.New(nil, nopIssuer{}, base()); err == nil {
		t.Error("New accepted a nil store")
	}
	if _, err := oid4vci.New(st, nopIssuer{}, with(func(c *oid4vci.Config) {
		c.CredentialIssuer = "http://127.0.0.1:8080"
		c.InsecureAllowHTTP = true
	})); err != nil {
		t.Errorf("InsecureAllowHTTP: %v", err)
	}
}

func TestCreateOfferRefusals(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		req  oid4vci.OfferRequest
	}{
		{"no configurations", oid4vci.OfferRequest{IssueRef: "r"}},
		{"unknown configuration", oid4vci.OfferRequest{ConfigurationIDs: []string{"nope"}, IssueRef: "r"}},
		{"duplicate configuration", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD, cfgSD}, IssueRef: "r"}},
		{"no issue ref", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}}},
		{"long issue ref", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: strings.Repeat("r", 1025)}},
		{"negative TTL", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TTL: -time.Second}},
		{"TTL too long", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TTL: oid4vci.MaxOfferTTL + time.Second}},
		{"bad input mode", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: &oid4vci.TxCodeSpec{InputMode: "emoji"}}},
		{"short tx_code", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: &oid4vci.TxCodeSpec{Length: 3}}},
		{"long tx_code", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: &oid4vci.TxCodeSpec{Length: 17}}},
		{"long description", oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: &oid4vci.TxCodeSpec{Description: strings.Repeat("d", 301)}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.svc.CreateOffer(ctx, tt.req); !errors.Is(err, oid4vci.ErrInvalidOfferRequest) {
				t.Errorf("err = %v, want ErrInvalidOfferRequest", err)
			}
		})
	}
	// The caller's TxCodeSpec is not modified.
	spec := &oid4vci.TxCodeSpec{}
	if _, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TxCode: spec}); err != nil || *spec != (oid4vci.TxCodeSpec{}) {
		t.Errorf("spec %+v err %v", spec, err)
	}
}
