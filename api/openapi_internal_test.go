package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/chainid/chainid/resolver"
)

// stubResolver satisfies Resolver for tests that never resolve.
type stubResolver struct{}

func (stubResolver) Resolve(context.Context, string, resolver.Options) (*resolver.Result, error) {
	return nil, &resolver.Error{Code: resolver.CodeNotFound}
}

func (stubResolver) Dereference(context.Context, string, resolver.Options) (*resolver.Dereferenced, error) {
	return nil, &resolver.Error{Code: resolver.CodeNotFound}
}

func loadOpenAPI(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPIMatchesRoutes: every route of the table is documented, every
// documented operation is a route, and the mux serves each documented one.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, err := newServer(Config{Resolver: stubResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, openAPISource)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	routes := s.routes()
	registered := map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.openAPIPath()
		if registered[key] {
			t.Errorf("route %s listed twice", key)
		}
		registered[key] = true
		item := doc.Paths.Value(rt.openAPIPath())
		if item == nil || item.GetOperation(rt.method) == nil {
			t.Errorf("route %s (%s) is not in openapi.json", key, rt.pattern())
		}
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			documented = append(documented, key)
			if !registered[key] {
				t.Errorf("openapi.json documents %s, which routes.go does not register", key)
			}
			if op.OperationID == "" || len(op.Responses.Map()) == 0 {
				t.Errorf("%s lacks an operationId or responses", key)
			}
		}
	}
	if len(documented) != len(routes) {
		t.Errorf("%d documented operations, %d routes", len(documented), len(routes))
	}

	// Each documented operation reaches its own route on the real mux.
	h := s.handler()
	for _, key := range documented {
		method, path, _ := strings.Cut(key, " ")
		concrete := strings.ReplaceAll(path, "{did}", url.PathEscape("did:example:x"))
		req := httptest.NewRequest(method, concrete, strings.NewReader("{}"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusNotFound && strings.Contains(rec.Body.String(), "urn:chainid:problem:not-found") ||
			rec.Code == http.StatusMethodNotAllowed {
			t.Errorf("%s: the mux answers %d", key, rec.Code)
		}
	}
}

func TestOpenAPIServedDocument(t *testing.T) {
	data, err := openAPIDocument("9.9.9", "https://id.example")
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, data)
	if doc.Info.Version != "9.9.9" {
		t.Errorf("info.version = %q", doc.Info.Version)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://id.example" {
		t.Errorf("servers = %v", doc.Servers)
	}
	var src, served map[string]json.RawMessage
	if err := json.Unmarshal(openAPISource, &src); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &served); err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, src["paths"], served["paths"]) || !jsonEqual(t, src["components"], served["components"]) {
		t.Error("served document changed paths or components")
	}
	data, err = openAPIDocument("1", "")
	if err != nil {
		t.Fatal(err)
	}
	if doc := loadOpenAPI(t, data); len(doc.Servers) != 0 {
		t.Errorf("servers without PublicURL = %v", doc.Servers)
	}
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// TestProblemKinds: every kind has a distinct slug and a 4xx/5xx status,
// and the resolution codes round-trip through classify.
func TestProblemKinds(t *testing.T) {
	seen := map[string]kind{}
	for k := kindInternal; k <= kindDeactivated; k++ {
		slug, title, status := k.info()
		if prev, dup := seen[slug]; dup {
			t.Errorf("kinds %d and %d share slug %q", prev, k, slug)
		}
		seen[slug] = k
		if title == "" || status < 400 || status > 599 {
			t.Errorf("kind %d: title %q status %d", k, title, status)
		}
		if slug != "internal" && k == kindInternal || slug == "internal" && k != kindInternal {
			t.Errorf("kind %d has slug %q", k, slug)
		}
	}
	codes := []string{resolver.CodeInvalidDID, resolver.CodeInvalidDIDURL, resolver.CodeNotFound,
		resolver.CodeMethodNotSupported, resolver.CodeRepresentationNotSupported, resolver.CodeInternalError,
		resolver.CodeDeactivated}
	for _, code := range codes {
		if got := classify(&resolver.Error{Code: code}).kind.resolutionCode(); got != code {
			t.Errorf("code %s maps back to %s", code, got)
		}
	}
	if !slices.Contains(codes, classify(&resolver.Error{Code: "bogus"}).kind.resolutionCode()) {
		t.Error("unknown code does not map to a known one")
	}
}

// TestOpenAPIDocumentsRateLimit: every rate-limited route documents its 429
// answer, a problem document with Retry-After.
func TestOpenAPIDocumentsRateLimit(t *testing.T) {
	doc := loadOpenAPI(t, openAPISource)
	for _, pattern := range limitedRoutes() {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.ReplaceAll(path, "...}", "}")
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s is not documented", pattern)
			continue
		}
		r := item.GetOperation(method).Responses.Status(http.StatusTooManyRequests)
		if r == nil || r.Value == nil {
			t.Errorf("%s documents no 429", pattern)
			continue
		}
		if r.Value.Headers["Retry-After"] == nil || r.Value.Content.Get("application/problem+json") == nil {
			t.Errorf("%s: the 429 lacks Retry-After or a problem+json body", pattern)
		}
	}
}
