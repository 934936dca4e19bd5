package api_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
)

// anyVerifier serves a real verifier over did:key with a default policy
// that trusts nobody.
type anyVerifier struct{ *verifier.Verifier }

func (anyVerifier) DefaultPolicy(context.Context) (verifier.Policy, error) {
	return verifier.Policy{}, nil
}

func verifyServer(t *testing.T) (*testServer, string) {
	t.Helper()
	v, tok := newAnyVerifier(t)
	return newTestServer(t, func(c *api.Config) { c.Verify = anyVerifier{v} }), tok
}

// verifyServerB is verifyServer for benchmarks.
func verifyServerB(b *testing.B) (*httptest.Server, string) {
	v, tok := newAnyVerifier(b)
	// A load run from one loopback address: the rate limit is off explicitly.
	h, err := api.New(api.Config{Resolver: &fakeResolver{}, Verify: anyVerifier{v}, RateLimit: api.RateLimit{PerSecond: -1}})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	return ts, tok
}

func newAnyVerifier(t testing.TB) (*verifier.Verifier, string) {
	t.Helper()
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := didkeys.New(r, didkeys.Config{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.Config{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	id, err := didkey.New(pub)
	if err != nil {
		t.Fatal(err)
	}
	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + id.String() +
		`","validFrom":"2020-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder","member":true}}`
	tok, err := jwtvc.Sign(context.Background(), []byte(cred), priv, id.String()+"#"+id.ID, jwtvc.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return v, tok
}

func TestVerifyEndpoint(t *testing.T) {
	ts, tok := verifyServer(t)
	post := func(body string) response {
		return ts.do(t, request{method: http.MethodPost, path: "/v1/verify", header: map[string]string{"Content-Type": "application/json"},
			body: strings.NewReader(body)})
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	for _, tc := range []struct {
		name     string
		body     string
		verified bool
		failed   string // a check that must have failed
	}{
		{"trusted by policy", `{"credential":` + q(tok) + `,"policy":{"anyIssuer":true}}`, true, ""},
		{"default policy trusts nobody", `{"credential":` + q(tok) + `}`, false, "trusted_issuer"},
		{"tampered", `{"credential":` + q(tok[:len(tok)-4]+"AAAA") + `,"policy":{"anyIssuer":true}}`, false, "signature"},
		{"algorithm refused by policy", `{"credential":` + q(tok) + `,"policy":{"anyIssuer":true,"algorithms":["ES256"]}}`, false, "signature"},
		{"format refused by policy", `{"credential":` + q(tok) + `,"policy":{"anyIssuer":true,"formats":["ldp_vc"]}}`, false, "syntax"},
		{"presentation without nonce", `{"presentation":` + q(tok) + `,"policy":{"anyIssuer":true}}`, false, "syntax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(tc.body)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			var res verifier.Result
			if err := json.Unmarshal(resp.body, &res); err != nil {
				t.Fatal(err)
			}
			if res.Verified != tc.verified {
				t.Fatalf("verified = %v: %s", res.Verified, resp.body)
			}
			if tc.failed != "" {
				found := false
				for _, c := range res.Failed() {
					found = found || c.Check == tc.failed
				}
				if !found {
					t.Fatalf("check %s did not fail: %s", tc.failed, resp.body)
				}
			}
		})
	}
	for _, tc := range []struct{ name, body, slug string }{
		{"neither", `{"nonce":"x"}`, "validation"},
		{"both", `{"credential":` + q(tok) + `,"presentation":` + q(tok) + `}`, "validation"},
		{"not a credential", `{"credential":42}`, "invalid-request"},
		{"not a token", `{"credential":"hello world"}`, "invalid-request"},
		{"unknown policy member", `{"credential":` + q(tok) + `,"policy":{"trustAll":true}}`, "invalid-request"},
		{"unrelaxable check", `{"credential":` + q(tok) + `,"policy":{"optional":["signature"]}}`, "invalid-request"},
		{"leeway too long", `{"credential":` + q(tok) + `,"policy":{"leeway":"2h"}}`, "invalid-request"},
		{"duplicate member", `{"credential":` + q(tok) + `,"credential":` + q(tok) + `}`, "invalid-request"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, post(tc.body), http.StatusBadRequest, tc.slug) })
	}
	t.Run("no verifier", func(t *testing.T) {
		ts := newTestServer(t, nil)
		resp := ts.do(t, request{method: http.MethodPost, path: "/v1/verify", header: map[string]string{"Content-Type": "application/json"},
			body: strings.NewReader(`{"credential":` + q(tok) + `}`)})
		wantProblem(t, resp, http.StatusNotImplemented, "not-implemented")
	})
}

// BenchmarkVerifyEndpoint is a bounded loopback load run of POST /v1/verify:
// b.N requests (bound it with -benchtime Nx) from parallel clients.
func BenchmarkVerifyEndpoint(b *testing.B) {
	ts, tok := verifyServerB(b)
	body := `{"credential":"` + tok + `","policy":{"anyIssuer":true}}`
	client := ts.Client()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(ts.URL+"/v1/verify", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			var res verifier.Result
			err = json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !res.Verified {
				b.Errorf("status %d verified %v err %v", resp.StatusCode, res.Verified, err)
				return
			}
		}
	})
}
