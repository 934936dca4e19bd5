package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/resolver"
)

const (
	identifiers  = "/1.0/identifiers/"
	acceptResult = `application/ld+json;profile="https://w3id.org/did-resolution"`
	derefResult  = `application/ld+json;profile="https://w3id.org/did-url-dereferencing"`
)

// TestIdentifiersDocument covers the document representations: success,
// every status code, and problem+json on errors.
func TestIdentifiersDocument(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name       string
		path       string
		accept     string
		wantStatus int
		wantCT     string // for non-problem answers
		wantSlug   string // for problem answers
		check      func(t *testing.T, body map[string]any)
	}{
		{name: "default accept", path: "did:example:ok", wantStatus: 200, wantCT: "application/did+json",
			check: wantDocID("did:example:ok")},
		{name: "any", path: "did:example:ok", accept: "*/*", wantStatus: 200, wantCT: "application/did+json",
			check: wantDocID("did:example:ok")},
		{name: "browser", path: "did:example:ok", accept: "text/html,application/xhtml+xml,*/*;q=0.8",
			wantStatus: 200, wantCT: "application/did+json", check: wantDocID("did:example:ok")},
		{name: "did+json", path: "did:example:ok", accept: "application/did+json", wantStatus: 200,
			wantCT: "application/did+json", check: wantDocID("did:example:ok")},
		{name: "did+ld+json", path: "did:example:ok", accept: "application/did+ld+json", wantStatus: 200,
			wantCT: "application/did+ld+json", check: wantContext(true)},
		{name: "did+ld+json adds context", path: "did:example:nocontext", accept: "application/did+ld+json",
			wantStatus: 200, wantCT: "application/did+ld+json", check: wantContext(true)},
		{name: "did+json keeps no context", path: "did:example:nocontext", accept: "application/did+json",
			wantStatus: 200, wantCT: "application/did+json", check: wantContext(false)},
		{name: "json", path: "did:example:ok", accept: "application/json", wantStatus: 200,
			wantCT: "application/json", check: wantDocID("did:example:ok")},
		{name: "q prefers ld", path: "did:example:ok", accept: "application/did+json;q=0.5, application/did+ld+json",
			wantStatus: 200, wantCT: "application/did+ld+json"},
		{name: "refused type skipped by wildcard", path: "did:example:ok", accept: "application/did+json;q=0, */*",
			wantStatus: 200, wantCT: "application/did+ld+json"},
		{name: "encoded did", path: "did%3Aexample%3Aok", wantStatus: 200, wantCT: "application/did+json",
			check: wantDocID("did:example:ok")},
		{name: "fragment", path: "did:example:ok%23key-1", wantStatus: 200, wantCT: "application/did+json",
			check: wantDocID("did:example:ok#key-1")},
		{name: "encoded fragment", path: "did%3Aexample%3Aok%23key-1", wantStatus: 200,
			wantCT: "application/did+json", check: wantDocID("did:example:ok#key-1")},
		{name: "fragment as json", path: "did:example:ok%23key-1", accept: "application/json", wantStatus: 200,
			wantCT: "application/json", check: wantDocID("did:example:ok#key-1")},
		{name: "unknown fragment", path: "did:example:ok%23nope", wantStatus: 404, wantSlug: "did-not-found"},
		{name: "service redirect", path: "did:example:ok?service=web&relativeRef=%2Fpage", wantStatus: 303},
		{name: "bad redirect target", path: "did:example:ok?service=evil", wantStatus: 500, wantSlug: "internal"},
		{name: "not found", path: "did:example:missing", wantStatus: 404, wantSlug: "did-not-found"},
		{name: "not found sentinel", path: "did:example:bare-missing", wantStatus: 404, wantSlug: "did-not-found"},
		{name: "invalid per resolver", path: "did:example:invalid", wantStatus: 400, wantSlug: "invalid-did"},
		{name: "not a did", path: "not-a-did", wantStatus: 400, wantSlug: "invalid-did"},
		{name: "upper-case method", path: "did:EXAMPLE:ok", wantStatus: 400, wantSlug: "invalid-did"},
		{name: "empty", path: "", wantStatus: 400, wantSlug: "invalid-did"},
		{name: "bad did url query", path: "did:example:ok?x=[1]", wantStatus: 400, wantSlug: "invalid-did-url"},
		{name: "bad encoded did url", path: "did%3Aexample%3Aok%2Fp%25zz", wantStatus: 400, wantSlug: "invalid-did-url"},
		{name: "unknown option", path: "did%3Aexample%3Aok?colour=blue", wantStatus: 400, wantSlug: "invalid-request"},
		{name: "bad noCache", path: "did%3Aexample%3Aok?noCache=maybe", wantStatus: 400, wantSlug: "invalid-request"},
		{name: "method not supported", path: "did:other:x", wantStatus: 501, wantSlug: "method-not-supported"},
		{name: "deactivated", path: "did:example:deactivated", wantStatus: 410, wantSlug: "deactivated"},
		{name: "internal", path: "did:example:broken", wantStatus: 500, wantSlug: "internal"},
		{name: "unrepresentable", path: "did:example:unrepresentable", wantStatus: 406,
			wantSlug: "representation-not-supported"},
		{name: "junk accept", path: "did:example:ok", accept: "text/html", wantStatus: 406,
			wantSlug: "representation-not-supported"},
		{name: "refused accept", path: "did:example:ok", accept: "application/did+json;q=0", wantStatus: 406,
			wantSlug: "representation-not-supported"},
		{name: "ld+json without profile", path: "did:example:ok", accept: "application/ld+json", wantStatus: 406,
			wantSlug: "representation-not-supported"},
		{name: "garbage accept", path: "did:example:ok", accept: `;;;,"`, wantStatus: 406,
			wantSlug: "representation-not-supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.accept != "" {
				h["Accept"] = tt.accept
			}
			resp := ts.get(t, identifiers+tt.path, h)
			if !strings.Contains(strings.Join(resp.header.Values("Vary"), ","), "Accept") {
				t.Errorf("Vary = %q, want Accept", resp.header.Values("Vary"))
			}
			if tt.wantSlug != "" {
				wantProblem(t, resp, tt.wantStatus, tt.wantSlug)
				return
			}
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if tt.wantStatus == http.StatusSeeOther {
				if loc := resp.header.Get("Location"); loc != "https://web.example/page" {
					t.Errorf("Location = %q", loc)
				}
				return
			}
			if ct := resp.header.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCT)
			}
			if tt.check != nil {
				tt.check(t, decodeJSON(t, resp.body))
			}
		})
	}
}

func wantDocID(id string) func(*testing.T, map[string]any) {
	return func(t *testing.T, body map[string]any) {
		t.Helper()
		if body["id"] != id {
			t.Errorf("id = %v, want %s", body["id"], id)
		}
	}
}

func wantContext(present bool) func(*testing.T, map[string]any) {
	return func(t *testing.T, body map[string]any) {
		t.Helper()
		ctx, ok := body["@context"]
		if ok != present {
			t.Fatalf("@context present = %v, want %v (%v)", ok, present, ctx)
		}
		if present {
			list, _ := ctx.([]any)
			if len(list) == 0 || list[0] != "https://www.w3.org/ns/did/v1" {
				t.Errorf("@context = %v, want the DID v1 context first", ctx)
			}
		}
	}
}

// TestIdentifiersResult covers the full-result representations: errors are
// resolution results carrying the code, not problem documents.
func TestIdentifiersResult(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name        string
		path        string
		accept      string
		wantStatus  int
		wantCT      string
		wantError   string // didResolutionMetadata.error (or dereferencingMetadata.error)
		wantDoc     bool
		deactivated bool
		deref       bool
	}{
		{name: "ok", path: "did:example:ok", wantStatus: 200, wantCT: resolver.MediaResolutionResult, wantDoc: true},
		{name: "ok new media type", path: "did:example:ok", accept: "application/did-resolution", wantStatus: 200,
			wantCT: "application/did-resolution", wantDoc: true},
		{name: "invalid did", path: "nope", wantStatus: 400, wantCT: resolver.MediaResolutionResult, wantError: "invalidDid"},
		{name: "invalid per resolver", path: "did:example:invalid", wantStatus: 400, wantCT: resolver.MediaResolutionResult,
			wantError: "invalidDid"},
		{name: "invalid did url", path: "did:example:ok?x=[1]", wantStatus: 400, wantCT: derefResult,
			wantError: "invalidDidUrl", deref: true},
		{name: "not found", path: "did:example:missing", wantStatus: 404, wantCT: resolver.MediaResolutionResult,
			wantError: "notFound"},
		{name: "method not supported", path: "did:other:x", wantStatus: 501, wantCT: resolver.MediaResolutionResult,
			wantError: "methodNotSupported"},
		{name: "unrepresentable", path: "did:example:unrepresentable", wantStatus: 406,
			wantCT: resolver.MediaResolutionResult, wantError: "representationNotSupported"},
		{name: "deactivated", path: "did:example:deactivated", wantStatus: 410, wantCT: resolver.MediaResolutionResult,
			wantDoc: true, deactivated: true},
		{name: "internal", path: "did:example:broken", wantStatus: 500, wantCT: resolver.MediaResolutionResult,
			wantError: "internalError"},
		{name: "dereference", path: "did:example:ok%23key-1", wantStatus: 200, wantCT: derefResult, deref: true},
		{name: "dereference new media type", path: "did:example:ok%23key-1", accept: "application/did-url-dereferencing",
			wantStatus: 200, wantCT: "application/did-url-dereferencing", deref: true},
		{name: "dereference not found", path: "did:example:ok%23nope", wantStatus: 404, wantCT: derefResult,
			wantError: "notFound", deref: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accept := tt.accept
			if accept == "" {
				accept = acceptResult
			}
			resp := ts.get(t, identifiers+tt.path, map[string]string{"Accept": accept})
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); ct != tt.wantCT {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantCT)
			}
			if bytes.Contains(resp.body, []byte(secret)) {
				t.Errorf("body leaks the internal cause: %s", resp.body)
			}
			body := decodeJSON(t, resp.body)
			if tt.deref {
				md, _ := body["dereferencingMetadata"].(map[string]any)
				if md == nil {
					t.Fatalf("no dereferencingMetadata: %s", resp.body)
				}
				if got, _ := md["error"].(string); got != tt.wantError {
					t.Errorf("error = %q, want %q", got, tt.wantError)
				}
				if tt.wantError == "" {
					cs, _ := body["contentStream"].(map[string]any)
					if cs["id"] != "did:example:ok#key-1" {
						t.Errorf("contentStream = %v", body["contentStream"])
					}
				}
				return
			}
			var res struct {
				Document           map[string]any `json:"didDocument"`
				DocumentMetadata   map[string]any `json:"didDocumentMetadata"`
				ResolutionMetadata map[string]any `json:"didResolutionMetadata"`
			}
			if err := json.Unmarshal(resp.body, &res); err != nil {
				t.Fatal(err)
			}
			if got, _ := res.ResolutionMetadata["error"].(string); got != tt.wantError {
				t.Errorf("error = %q, want %q", got, tt.wantError)
			}
			if tt.wantError != "" {
				if msg, _ := res.ResolutionMetadata["errorMessage"].(string); msg == "" {
					t.Errorf("no errorMessage: %s", resp.body)
				}
			}
			if (res.Document != nil) != tt.wantDoc {
				t.Errorf("didDocument present = %v, want %v", res.Document != nil, tt.wantDoc)
			}
			if got, _ := res.DocumentMetadata["deactivated"].(bool); got != tt.deactivated {
				t.Errorf("deactivated = %v, want %v", got, tt.deactivated)
			}
			if tt.wantDoc && res.ResolutionMetadata["contentType"] != "application/did+json" {
				t.Errorf("contentType = %v", res.ResolutionMetadata["contentType"])
			}
		})
	}
}

// TestIdentifiersInput checks what reaches the resolver: the DID as the
// client wrote it, and the resolution options.
func TestIdentifiersInput(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name      string
		path      string
		header    map[string]string
		wantID    string
		wantOpts  resolver.Options
		wantCalls bool
	}{
		{name: "percent-encoding kept", path: "did:example:port%3A8080", wantID: "did:example:port%3A8080",
			wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON}},
		{name: "encoded form decoded once", path: "did%3Aexample%3Aport%253A8080", wantID: "did:example:port%3A8080",
			wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON}},
		{name: "options in encoded form", path: "did%3Aexample%3Aok?noCache=true&versionId=7&versionTime=2024-01-01T00:00:00Z",
			wantID: "did:example:ok",
			wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON, NoCache: true, VersionID: "7",
				VersionTime: "2024-01-01T00:00:00Z"}},
		{name: "cache-control", path: "did:example:ok", header: map[string]string{"Cache-Control": "max-age=0, no-cache"},
			wantID: "did:example:ok", wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON, NoCache: true}},
		{name: "query is the did url query in raw form", path: "did:example:ok?noCache=true",
			wantID: "did:example:ok?noCache=true", wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON}},
		{name: "query before fragment", path: "did:example:ok/p%23frag?service=x",
			wantID: "did:example:ok/p?service=x#frag", wantOpts: resolver.Options{Accept: resolver.MediaDIDJSON}},
		{name: "ld accept passed on", path: "did:example:ok", header: map[string]string{"Accept": "application/did+ld+json"},
			wantID: "did:example:ok", wantOpts: resolver.Options{Accept: resolver.MediaDIDLDJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.get(t, identifiers+tt.path, tt.header)
			id, opts, _ := ts.resolver.last()
			if id != tt.wantID {
				t.Errorf("resolver got %q, want %q", id, tt.wantID)
			}
			if opts != tt.wantOpts {
				t.Errorf("options = %+v, want %+v", opts, tt.wantOpts)
			}
		})
	}

	t.Run("syntax errors never reach the resolver", func(t *testing.T) {
		_, _, before := ts.resolver.last()
		for _, p := range []string{"not-a-did", "did:example:ok?x=[1]", "did%3Aexample%3Aok?bogus=1"} {
			ts.get(t, identifiers+p, nil)
		}
		if _, _, after := ts.resolver.last(); after != before {
			t.Errorf("resolver called %d times for invalid input", after-before)
		}
	})
}

// TestIdentifiersTimeout: a resolver that outlives the request deadline
// yields a 503 timeout problem; the server keeps serving.
func TestIdentifiersTimeout(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.RequestTimeout = 50 * time.Millisecond })
	wantProblem(t, ts.get(t, identifiers+"did:example:slow", nil), http.StatusServiceUnavailable, "timeout")
	if resp := ts.get(t, identifiers+"did:example:ok", nil); resp.status != http.StatusOK {
		t.Fatalf("after timeout: status %d", resp.status)
	}
}

// BenchmarkIdentifiers measures the resolver endpoint over loopback HTTP
// with a fake resolver: transport, middleware, negotiation and encoding.
func BenchmarkIdentifiers(b *testing.B) {
	// A load run from one address: the rate limit is off explicitly.
	h, err := api.New(api.Config{Resolver: &fakeResolver{}, RateLimit: api.RateLimit{PerSecond: -1}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	url := srv.URL + identifiers + "did:example:ok"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkIdentifiersHandler measures the handler alone, without sockets.
func BenchmarkIdentifiersHandler(b *testing.B) {
	h, err := api.New(api.Config{Resolver: &fakeResolver{}, RateLimit: api.RateLimit{PerSecond: -1}})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, identifiers+"did:example:ok", nil)
	req.Header.Set("Accept", "application/did+json")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
