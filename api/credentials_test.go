package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/status"
)

const testAPIKey = "cid_" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"

// fakeIssuer implements the issuer-side interfaces with canned answers and
// the errors of credentials/issuer, so the transport and its error mapping
// can be tested alone (cmd/chainid tests the real service end to end).
type fakeIssuer struct {
	mu       sync.Mutex
	issued   int
	statuses []string
}

func (f *fakeIssuer) IssueCredential(_ context.Context, req api.IssueRequest) (api.IssueResult, error) {
	switch req.Schema {
	case "https://s.example/bad-subject":
		return api.IssueResult{}, &issuer.SubjectError{Schema: req.Schema, Fields: []schema.FieldError{
			{Path: "/age", Message: "got string, want integer"}, {Path: "/name", Message: "required property is missing"}}}
	case "https://s.example/unknown":
		return api.IssueResult{}, fmt.Errorf("issue: %w: did:x has no schema", issuer.ErrUnknownSchema)
	case "https://s.example/broken":
		return api.IssueResult{}, errors.New("store " + secret)
	}
	f.mu.Lock()
	f.issued++
	f.mu.Unlock()
	return api.IssueResult{ID: "urn:uuid:1", Issuer: "did:key:z1", Credentials: map[string]json.RawMessage{
		"vc+jwt": json.RawMessage(`"eyJ.a.b"`), "eddsa-rdfc-2022": json.RawMessage(`{"proof":{}}`)}}, nil
}

func (f *fakeIssuer) IssueVCAPI(_ context.Context, req api.VCAPIIssueRequest) (json.RawMessage, error) {
	if strings.Contains(string(req.Credential), "invalid") {
		return nil, fmt.Errorf("issue: %w: type", issuer.ErrInvalidCredential)
	}
	return json.RawMessage(`{"type":"VerifiableCredential","proof":{}}`), nil
}

func (f *fakeIssuer) SetCredentialStatus(_ context.Context, id, purpose string, value bool) (api.CredentialState, error) {
	if id == "urn:uuid:missing" {
		return api.CredentialState{}, fmt.Errorf("%w: %s", issuer.ErrCredentialNotFound, id)
	}
	if purpose == "revocation" && !value {
		return api.CredentialState{}, fmt.Errorf("%w: revocation cannot be undone", issuer.ErrConflict)
	}
	f.mu.Lock()
	f.statuses = append(f.statuses, fmt.Sprintf("%s %s %v", id, purpose, value))
	f.mu.Unlock()
	return api.CredentialState{ID: id, Issuer: "did:key:z1", Revoked: purpose == "revocation", Suspended: purpose == "suspension" && value, Suspendable: true}, nil
}

func (f *fakeIssuer) AddSchema(_ context.Context, req api.AddSchemaRequest) (api.SchemaInfo, error) {
	if strings.Contains(string(req.Schema), "conflict") {
		return api.SchemaInfo{}, fmt.Errorf("%w: other content", issuer.ErrConflict)
	}
	return api.SchemaInfo{ID: "https://s.example/a", Issuer: "did:key:z1", Context: "https://x.example/contexts/ab", Created: fixedNow()}, nil
}

func (f *fakeIssuer) ListSchemas(context.Context, string) ([]api.SchemaInfo, error) { return nil, nil }

func (f *fakeIssuer) ListIssuers(context.Context) ([]api.IssuerInfo, error) {
	return []api.IssuerInfo{{DID: "did:key:z1", Method: "key", Default: true, StatusBase: "https://x.example/status/",
		Keys: []api.IssuerKeyInfo{{KeyID: "k", KeyType: "Ed25519", VerificationMethod: "did:key:z1#z1"}}, Created: fixedNow()}}, nil
}

func (f *fakeIssuer) AddIssuer(context.Context, api.AddIssuerRequest) (api.IssuerInfo, error) {
	return api.IssuerInfo{DID: "did:key:z2", Method: "key", Keys: []api.IssuerKeyInfo{}, Created: fixedNow()}, nil
}

func (f *fakeIssuer) RotateIssuerKey(_ context.Context, id string, _ api.RotateKeyRequest) (api.IssuerInfo, error) {
	if strings.HasPrefix(id, "did:key:") {
		return api.IssuerInfo{}, fmt.Errorf("%w: a did:key cannot rotate", issuer.ErrInvalidRequest)
	}
	return api.IssuerInfo{DID: id, Method: "ethr", Keys: []api.IssuerKeyInfo{}, Created: fixedNow()}, nil
}

func (f *fakeIssuer) CreateAPIKey(context.Context, api.CreateAPIKeyRequest) (api.APIKeyInfo, error) {
	return api.APIKeyInfo{Key: testAPIKey, Created: fixedNow()}, nil
}

func (f *fakeIssuer) CheckAPIKey(_ context.Context, key string) (bool, error) {
	if key == "cid_explode" {
		return false, errors.New("store " + secret)
	}
	return key == testAPIKey, nil
}

func (f *fakeIssuer) VerifyCredential(_ context.Context, vc json.RawMessage) (api.VerifyResult, error) {
	if string(vc) == "42" {
		return api.VerifyResult{}, fmt.Errorf("%w: want an object", issuer.ErrInvalidCredential)
	}
	return api.VerifyResult{Verified: true, Checks: []string{"proof"}, Warnings: []api.VerifyProblem{}, Errors: []api.VerifyProblem{}, Issuer: "did:key:z1"}, nil
}

func (f *fakeIssuer) VerifyPresentation(_ context.Context, _ json.RawMessage, opts api.PresentationOptions) (api.VerifyResult, error) {
	return api.VerifyResult{Verified: opts.Challenge == "c", Checks: []string{}, Warnings: []api.VerifyProblem{}, Errors: []api.VerifyProblem{}}, nil
}

func (f *fakeIssuer) StatusList(_ context.Context, iss, purpose string, seq uint32) (api.StatusListDocument, error) {
	if iss != "did:key:z1" || purpose != "revocation" || seq != 0 {
		return api.StatusListDocument{}, fmt.Errorf("%w: no list", status.ErrUnknownEntry)
	}
	return api.StatusListDocument{Body: []byte(`{"type":["VerifiableCredential","BitstringStatusListCredential"]}`),
		MediaType: "application/vc+ld+json", ETag: `"abc"`, MaxAge: 5 * time.Minute}, nil
}

func (f *fakeIssuer) SchemaContext(_ context.Context, name string) ([]byte, error) {
	if name != "ab" {
		return nil, fmt.Errorf("%w: no context", issuer.ErrUnknownSchema)
	}
	return []byte(`{"@context":{"@vocab":"https://s.example/a#"}}`), nil
}

func newIssuerServer(t *testing.T) (*testServer, *fakeIssuer) {
	f := &fakeIssuer{}
	ts := newTestServer(t, func(c *api.Config) {
		c.Credentials, c.Schemas, c.Issuers, c.APIKeys, c.Verifier, c.Publisher = f, f, f, f, f, f
	})
	return ts, f
}

func postWith(path, token, body string) request {
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return request{method: http.MethodPost, path: path, header: h, body: strings.NewReader(body)}
}

const issueBody = `{"schema":"https://s.example/a","subject":{"name":"A"},"formats":["vc+jwt","eddsa-rdfc-2022"]}`

func TestIssuerAuth(t *testing.T) {
	ts, f := newIssuerServer(t)
	for _, tt := range []struct {
		name, token string
		status      int
		slug        string
	}{
		{"no token", "", 401, "unauthorized"},
		{"wrong key", "cid_" + strings.Repeat("x", 43), 401, "unauthorized"},
		{"prefix of the key", testAPIKey[:20], 401, "unauthorized"},
		{"key store fails", "cid_explode", 500, "internal"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, ts.do(t, postWith("/v1/credentials", tt.token, issueBody)), tt.status, tt.slug)
		})
	}
	if f.issued != 0 {
		t.Fatalf("%d credentials issued without a valid key", f.issued)
	}
	for _, token := range []string{testAPIKey, testToken} {
		if resp := ts.do(t, postWith("/v1/credentials", token, issueBody)); resp.status != http.StatusCreated {
			t.Fatalf("token %s: %d %s", token[:8], resp.status, resp.body)
		}
	}
	// API keys do not open the admin routes.
	wantProblem(t, ts.do(t, postWith("/v1/admin/apikeys", testAPIKey, `{}`)), 401, "unauthorized")
	if resp := ts.do(t, postWith("/v1/admin/apikeys", testToken, `{"name":"x"}`)); resp.status != 201 {
		t.Fatalf("admin creates key: %d %s", resp.status, resp.body)
	}
	if strings.Contains(ts.log.String(), testAPIKey) {
		t.Error("the log contains an API key")
	}
	// Without token and key store the issuer routes are closed.
	closed := newTestServer(t, func(c *api.Config) { c.AdminToken = "" })
	wantProblem(t, closed.do(t, postWith("/v1/credentials", testAPIKey, issueBody)), 403, "forbidden")
}

func TestIssuerErrors(t *testing.T) {
	ts, _ := newIssuerServer(t)
	p := wantProblem(t, ts.do(t, postWith("/v1/credentials", testAPIKey, `{"schema":"https://s.example/bad-subject","subject":{}}`)), 400, "validation")
	if len(p.Errors) != 2 || p.Errors[0].Field != "subject/age" || p.Errors[1].Field != "subject/name" {
		t.Fatalf("fields %+v", p.Errors)
	}
	for _, tt := range []struct {
		name, path, body string
		status           int
		slug             string
	}{
		{"unknown schema", "/v1/credentials", `{"schema":"https://s.example/unknown","subject":{}}`, 400, "invalid-request"},
		{"internal", "/v1/credentials", `{"schema":"https://s.example/broken","subject":{}}`, 500, "internal"},
		{"no subject", "/v1/credentials", `{"schema":"https://s.example/a"}`, 400, "validation"},
		{"bad format", "/v1/credentials", `{"schema":"https://s.example/a","subject":{},"formats":["ldp_vc"]}`, 400, "validation"},
		{"unknown field", "/v1/credentials", `{"schema":"https://s.example/a","subject":{},"claims":1}`, 400, "invalid-request"},
		{"unknown credential", "/v1/credentials/urn:uuid:missing/revoke", ``, 404, "credential-not-found"},
		{"vc-api invalid", "/credentials/issue", `{"credential":{"invalid":true}}`, 422, "invalid-credential"},
		{"vc-api bad format", "/credentials/issue", `{"credential":{},"options":{"format":"mdoc"}}`, 400, "validation"},
		{"vc-api unknown option", "/credentials/issue", `{"credential":{},"options":{"mandatoryPointers":[]}}`, 400, "invalid-request"},
		{"schema conflict", "/v1/schemas", `{"schema":{"conflict":true}}`, 409, "conflict"},
		{"unrevoke", "/credentials/status", `{"credentialId":"urn:uuid:1","credentialStatus":{"type":"x","statusPurpose":"revocation"},"status":false}`, 409, "conflict"},
		{"status word", "/credentials/status", `{"credentialId":"urn:uuid:1","credentialStatus":[{"type":"x","status":"gone"}]}`, 400, "validation"},
		{"issuer method", "/v1/issuers", `{"method":"web"}`, 400, "validation"},
		{"key type for ethr", "/v1/issuers", `{"method":"ethr","keyType":"P-256"}`, 400, "validation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, ts.do(t, postWith(tt.path, testAPIKey, tt.body)), tt.status, tt.slug)
		})
	}
}

func TestStatusRoutes(t *testing.T) {
	ts, f := newIssuerServer(t)
	for _, path := range []string{"/v1/credentials/urn:uuid:1/revoke", "/v1/credentials/urn:uuid:1/suspend", "/v1/credentials/urn:uuid:1/reinstate"} {
		if resp := ts.do(t, postWith(path, testAPIKey, "")); resp.status != 200 {
			t.Fatalf("%s: %d %s", path, resp.status, resp.body)
		}
	}
	for _, body := range []string{
		`{"credentialId":"urn:uuid:2","credentialStatus":{"type":"BitstringStatusList","statusPurpose":"suspension"},"status":true}`,
		`{"credentialId":"urn:uuid:3","credentialStatus":[{"type":"StatusList2021Credential","status":"revoked"}]}`,
	} {
		if resp := ts.do(t, postWith("/credentials/status", testAPIKey, body)); resp.status != 200 {
			t.Fatalf("%s: %d %s", body, resp.status, resp.body)
		}
	}
	want := []string{"urn:uuid:1 revocation true", "urn:uuid:1 suspension true", "urn:uuid:1 suspension false",
		"urn:uuid:2 suspension true", "urn:uuid:3 revocation true"}
	if strings.Join(f.statuses, "|") != strings.Join(want, "|") {
		t.Fatalf("status calls %q", f.statuses)
	}
}

func TestVerifyEndpointsOpenWithCORS(t *testing.T) {
	ts, _ := newIssuerServer(t)
	for _, path := range []string{"/credentials/verify", "/presentations/verify"} {
		resp := ts.do(t, request{method: http.MethodOptions, path: path,
			header: map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}})
		if resp.status != 204 || resp.header.Get("Access-Control-Allow-Origin") != "*" || resp.header.Get("Access-Control-Allow-Methods") != "POST, OPTIONS" {
			t.Fatalf("preflight %s: %d %v", path, resp.status, resp.header)
		}
	}
	resp := ts.do(t, postWith("/credentials/verify", "", `{"verifiableCredential":"eyJ.a.b","options":{"anything":1}}`))
	if resp.status != 200 || resp.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(string(resp.body), `"verified":true`) {
		t.Fatalf("verify: %d %v %s", resp.status, resp.header, resp.body)
	}
	p := ts.do(t, postWith("/credentials/verify", "", `{"verifiableCredential":42}`))
	wantProblem(t, p, 400, "invalid-request")
	if p.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("a verify problem lacks CORS")
	}
	resp = ts.do(t, postWith("/presentations/verify", "", `{"verifiablePresentation":{},"options":{"challenge":"c","domain":"d","extra":true}}`))
	if resp.status != 200 || !strings.Contains(string(resp.body), `"verified":true`) {
		t.Fatalf("presentation: %d %s", resp.status, resp.body)
	}
	wantProblem(t, ts.do(t, postWith("/presentations/verify", "", `{"verifiablePresentation":{},"options":{"challenge":7}}`)), 400, "validation")
}

func TestStatusListAndContextRoutes(t *testing.T) {
	ts, _ := newIssuerServer(t)
	resp := ts.get(t, "/status/did:key:z1/revocation/0", nil)
	if resp.status != 200 || resp.header.Get("ETag") != `"abc"` || resp.header.Get("Cache-Control") != "public, max-age=300" ||
		resp.header.Get("Content-Type") != "application/vc+ld+json" || resp.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("list: %d %v", resp.status, resp.header)
	}
	for _, inm := range []string{`"abc"`, `W/"abc"`, `"x", "abc"`, `*`} {
		if r := ts.get(t, "/status/did:key:z1/revocation/0", map[string]string{"If-None-Match": inm}); r.status != 304 || len(r.body) != 0 {
			t.Errorf("If-None-Match %s: %d", inm, r.status)
		}
	}
	if r := ts.get(t, "/status/did:key:z1/revocation/0", map[string]string{"If-None-Match": `"other"`}); r.status != 200 {
		t.Errorf("stale tag: %d", r.status)
	}
	for _, path := range []string{"/status/did:key:z1/revocation/1", "/status/did:key:z1/revocation/x", "/status/did:key:z1/revocation/99999999999"} {
		wantProblem(t, ts.get(t, path, nil), 404, "not-found")
	}
	if r := ts.get(t, "/contexts/ab", nil); r.status != 200 || r.header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("context: %d %v", r.status, r.header)
	}
	wantProblem(t, ts.get(t, "/contexts/zz", nil), 404, "not-found")
	wantProblem(t, ts.get(t, "/status/did:key:unknown/revocation/0", nil), 404, "not-found")
}

func TestIssuerRoutesNotConfigured(t *testing.T) {
	ts := newTestServer(t, nil)
	wantProblem(t, ts.do(t, postWith("/v1/credentials", testToken, issueBody)), 501, "not-implemented")
	wantProblem(t, ts.do(t, postWith("/credentials/verify", "", `{"verifiableCredential":"x"}`)), 501, "not-implemented")
	wantProblem(t, ts.get(t, "/status/did:key:z1/revocation/0", nil), 501, "not-implemented")
}

// TestIssuerOpenAPIResponses validates real responses of the issuer and
// verifier routes against the served document.
func TestIssuerOpenAPIResponses(t *testing.T) {
	ts, _ := newIssuerServer(t)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(ts.get(t, "/openapi.json", nil).body)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		specPath string
		rq       request
		status   int
	}{
		{"/v1/credentials", postWith("/v1/credentials", testAPIKey, issueBody), 201},
		{"/v1/credentials", postWith("/v1/credentials", testAPIKey, `{"schema":"https://s.example/bad-subject","subject":{}}`), 400},
		{"/v1/credentials", postWith("/v1/credentials", "", issueBody), 401},
		{"/v1/credentials/{id}/revoke", postWith("/v1/credentials/urn:uuid:1/revoke", testAPIKey, ""), 200},
		{"/v1/credentials/{id}/suspend", postWith("/v1/credentials/urn:uuid:missing/suspend", testAPIKey, ""), 404},
		{"/credentials/issue", postWith("/credentials/issue", testAPIKey, `{"credential":{}}`), 201},
		{"/credentials/issue", postWith("/credentials/issue", testAPIKey, `{"credential":{"invalid":1}}`), 422},
		{"/credentials/status", postWith("/credentials/status", testAPIKey, `{"credentialId":"urn:uuid:1","credentialStatus":{"type":"x","statusPurpose":"suspension"},"status":true}`), 200},
		{"/credentials/verify", postWith("/credentials/verify", "", `{"verifiableCredential":"x"}`), 200},
		{"/credentials/verify", postWith("/credentials/verify", "", `{"verifiableCredential":42}`), 400},
		{"/presentations/verify", postWith("/presentations/verify", "", `{"verifiablePresentation":"x"}`), 200},
		{"/credentials/verify", request{method: http.MethodOptions, path: "/credentials/verify"}, 204},
		{"/v1/schemas", postWith("/v1/schemas", testAPIKey, `{"schema":{"$id":"https://s.example/a"}}`), 201},
		{"/v1/schemas", request{path: "/v1/schemas", header: bearer(testAPIKey)}, 200},
		{"/v1/issuers", request{path: "/v1/issuers", header: bearer(testAPIKey)}, 200},
		{"/v1/issuers", postWith("/v1/issuers", testAPIKey, `{"method":"key"}`), 201},
		{"/v1/admin/apikeys", postWith("/v1/admin/apikeys", testToken, `{}`), 201},
		{"/status/{issuer}/{purpose}/{seq}", request{path: "/status/did:key:z1/revocation/0"}, 200},
		{"/contexts/{name}", request{path: "/contexts/ab"}, 200},
	} {
		t.Run(tt.rq.method+" "+tt.rq.path, func(t *testing.T) {
			resp := ts.do(t, tt.rq)
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.status, resp.body)
			}
			method := tt.rq.method
			if method == "" {
				method = http.MethodGet
			}
			item := doc.Paths.Value(tt.specPath)
			op := item.GetOperation(method)
			req, _ := http.NewRequest(method, ts.URL+tt.rq.path, nil)
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req,
					Route: &routers.Route{Spec: doc, Path: tt.specPath, PathItem: item, Method: method, Operation: op}},
				Status: resp.status, Header: resp.header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			}
			input.SetBodyBytes(resp.body)
			if err := openapi3filter.ValidateResponse(t.Context(), input); err != nil {
				t.Errorf("response does not match the document: %v\nbody: %s", err, resp.body)
			}
		})
	}
}
