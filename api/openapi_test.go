package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/chainid/chainid/api"
)

// TestOpenAPIResponses loads the served document with kin-openapi and
// validates real responses of every route against their documented
// status, content type and schema.
func TestOpenAPIResponses(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.MaxBodyBytes = 256 })
	served := ts.get(t, "/openapi.json", nil)
	if served.status != http.StatusOK || served.header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: %d %q", served.status, served.header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(served.body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("served document does not validate: %v", err)
	}
	if doc.Info.Version != "1.2.3-test" || len(doc.Servers) != 1 || doc.Servers[0].URL != "https://chainid.example" {
		t.Errorf("info.version %q, servers %v", doc.Info.Version, doc.Servers)
	}

	created := `{"method":"key","keyType":"Ed25519","label":"a"}`
	tests := []struct {
		name       string
		specPath   string
		rq         request
		wantStatus int
	}{
		{"home", "/", request{path: "/"}, 200},
		{"healthz", "/healthz", request{path: "/healthz"}, 200},
		{"readyz", "/readyz", request{path: "/readyz"}, 200},
		{"metrics", "/metrics", request{path: "/metrics"}, 200},
		{"openapi", "/openapi.json", request{path: "/openapi.json"}, 200},
		{"did document", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:ok"}, 200},
		{"did ld document", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:nocontext",
			header: map[string]string{"Accept": "application/did+ld+json"}}, 200},
		{"resolution result", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:ok",
			header: map[string]string{"Accept": acceptResult}}, 200},
		{"dereferencing result", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:ok%23key-1",
			header: map[string]string{"Accept": acceptResult}}, 200},
		{"redirect", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:ok?service=web&relativeRef=%2Fpage"}, 303},
		{"invalid did", "/1.0/identifiers/{did}", request{path: identifiers + "nope"}, 400},
		{"invalid did result", "/1.0/identifiers/{did}", request{path: identifiers + "nope",
			header: map[string]string{"Accept": acceptResult}}, 400},
		{"not found", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:missing"}, 404},
		{"not found result", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:missing",
			header: map[string]string{"Accept": acceptResult}}, 404},
		{"not acceptable", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:ok",
			header: map[string]string{"Accept": "text/html"}}, 406},
		{"deactivated result", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:deactivated",
			header: map[string]string{"Accept": acceptResult}}, 410},
		{"deactivated", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:deactivated"}, 410},
		{"internal", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:broken"}, 500},
		{"internal result", "/1.0/identifiers/{did}", request{path: identifiers + "did:example:broken",
			header: map[string]string{"Accept": acceptResult}}, 500},
		{"method not supported", "/1.0/identifiers/{did}", request{path: identifiers + "did:other:x"}, 501},
		{"list keys", "/v1/admin/keys", request{path: keysPath, header: bearer(testToken)}, 200},
		{"list keys unauthorized", "/v1/admin/keys", request{path: keysPath}, 401},
		{"create key", "/v1/admin/keys", request{method: http.MethodPost, path: keysPath, header: bearer(testToken),
			body: strings.NewReader(created)}, 201},
		{"create key invalid", "/v1/admin/keys", request{method: http.MethodPost, path: keysPath, header: bearer(testToken),
			body: strings.NewReader(`{"method":"x"}`)}, 400},
		{"create key media type", "/v1/admin/keys", request{method: http.MethodPost, path: keysPath,
			header: map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "text/plain"},
			body:   strings.NewReader(created)}, 415},
		{"create key too large", "/v1/admin/keys", request{method: http.MethodPost, path: keysPath, header: bearer(testToken),
			body: strings.NewReader(`{"label":"` + strings.Repeat("a", 300) + `"}`)}, 413},
		{"route not found (default response)", "/healthz", request{method: http.MethodPost, path: "/healthz"}, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(t, tt.rq)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", resp.status, tt.wantStatus, resp.body)
			}
			method := tt.rq.method
			if method == "" {
				method = http.MethodGet
			}
			item := doc.Paths.Value(tt.specPath)
			if item == nil {
				t.Fatalf("path %s not documented", tt.specPath)
			}
			op := item.GetOperation(method)
			if op == nil {
				// 405: validate against the GET operation's default response.
				method, op = http.MethodGet, item.GetOperation(http.MethodGet)
			}
			req, err := http.NewRequest(method, ts.URL+tt.rq.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{
					Request: req,
					Route:   &routers.Route{Spec: doc, Path: tt.specPath, PathItem: item, Method: method, Operation: op},
				},
				Status:  resp.status,
				Header:  resp.header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			}
			input.SetBodyBytes(resp.body)
			if err := openapi3filter.ValidateResponse(t.Context(), input); err != nil {
				t.Errorf("response does not match the document: %v\nbody: %s", err, resp.body)
			}
		})
	}
}
