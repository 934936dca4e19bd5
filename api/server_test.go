package api_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chainid/chainid/api"
)

func TestNewRejectsBadConfig(t *testing.T) {
	ok := func() api.Config { return api.Config{Resolver: &fakeResolver{}} }
	tests := []struct {
		name string
		edit func(*api.Config)
	}{
		{"no resolver", func(c *api.Config) { c.Resolver = nil }},
		{"short admin token", func(c *api.Config) { c.AdminToken = "short" }},
		{"negative body limit", func(c *api.Config) { c.MaxBodyBytes = -1 }},
		{"negative timeout", func(c *api.Config) { c.RequestTimeout = -1 }},
		{"relative public url", func(c *api.Config) { c.PublicURL = "/chainid" }},
		{"ftp public url", func(c *api.Config) { c.PublicURL = "ftp://example.com" }},
		{"public url with query", func(c *api.Config) { c.PublicURL = "https://example.com/?a=b" }},
		{"public url with credentials", func(c *api.Config) { c.PublicURL = "https://u:p@example.com" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok()
			tt.edit(&cfg)
			if h, err := api.New(cfg); err == nil || h != nil {
				t.Fatalf("New = %v, %v; want an error", h, err)
			}
		})
	}
	if _, err := api.New(ok()); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
}

func TestHealth(t *testing.T) {
	ts := newTestServer(t, nil)
	resp := ts.get(t, "/healthz", nil)
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "application/json" ||
		string(resp.body) != "{\"status\":\"ok\"}\n" {
		t.Fatalf("healthz: %d %q %q", resp.status, resp.header.Get("Content-Type"), resp.body)
	}
}

func TestReady(t *testing.T) {
	var readyErr error
	ts := newTestServer(t, func(c *api.Config) {
		c.Ready = func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline on the readiness context")
			}
			return readyErr
		}
	})
	resp := ts.get(t, "/readyz", nil)
	if resp.status != http.StatusOK || string(resp.body) != "{\"status\":\"ok\"}\n" {
		t.Fatalf("ready: %d %s", resp.status, resp.body)
	}
	readyErr = errors.New("store " + secret + " closed")
	wantProblem(t, ts.get(t, "/readyz", nil), http.StatusServiceUnavailable, "unavailable")
	if !strings.Contains(ts.log.String(), secret) {
		t.Error("the readiness cause was not logged")
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, path := range []string{"/nope", "/healthz/extra", "/v1/admin", "/1.0/identifier/did:example:ok"} {
		t.Run("404 "+path, func(t *testing.T) {
			p := wantProblem(t, ts.get(t, path, nil), http.StatusNotFound, "not-found")
			if p.Instance != path {
				t.Errorf("instance = %q, want %q", p.Instance, path)
			}
		})
	}
	tests := []struct {
		method, path, allow string
	}{
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodDelete, keysPath, "GET, HEAD, POST"},
		{http.MethodPut, identifiers + "did:example:ok", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run("405 "+tt.method+" "+tt.path, func(t *testing.T) {
			resp := ts.do(t, request{method: tt.method, path: tt.path})
			wantProblem(t, resp, http.StatusMethodNotAllowed, "method-not-allowed")
			if got := resp.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestPanicRecovery(t *testing.T) {
	ts := newTestServer(t, nil)
	wantProblem(t, ts.get(t, identifiers+"did:example:panic", nil), http.StatusInternalServerError, "internal")
	wantProblem(t, ts.do(t, request{method: http.MethodPost, path: keysPath, header: bearer(testToken),
		body: strings.NewReader(`{"method":"key","keyType":"Ed25519","label":"panic"}`)}),
		http.StatusInternalServerError, "internal")
	if resp := ts.get(t, "/healthz", nil); resp.status != http.StatusOK {
		t.Fatalf("server did not survive the panic: %d", resp.status)
	}
	log := ts.log.String()
	for _, want := range []string{"resolver exploded", "keystore exploded", "goroutine", "panic serving request"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

func TestRequestID(t *testing.T) {
	ts := newTestServer(t, nil)
	generated := regexp.MustCompile(`^[A-Z2-7]{26}$`)
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"sane", "req-123.abc:XYZ_9", true},
		{"uuid", "0d9b6f8e-4b1c-4f1e-9d7a-2f3c4b5a6d7e", true},
		{"absent", "", false},
		{"too long", strings.Repeat("a", 129), false},
		{"bad characters", "abc def", false},
		{"injection", "a\"}{\"x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			if tt.in != "" {
				h["X-Request-ID"] = tt.in
			}
			p := wantProblem(t, ts.get(t, "/nope", h), http.StatusNotFound, "not-found")
			if tt.keep && p.RequestID != tt.in {
				t.Errorf("request id = %q, want %q kept", p.RequestID, tt.in)
			}
			if !tt.keep && !generated.MatchString(p.RequestID) {
				t.Errorf("request id = %q, want a generated one", p.RequestID)
			}
			if !strings.Contains(ts.log.String(), `"request_id":"`+p.RequestID+`"`) {
				t.Errorf("log lacks request_id %q", p.RequestID)
			}
		})
	}
	a := ts.get(t, "/healthz", nil).header.Get("X-Request-ID")
	b := ts.get(t, "/healthz", nil).header.Get("X-Request-ID")
	if a == "" || a == b {
		t.Errorf("generated ids %q and %q are not distinct", a, b)
	}
}

func TestAccessLog(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do(t, request{path: keysPath + "?token=" + testToken, header: bearer(testToken)})
	var found bool
	sc := bufio.NewScanner(strings.NewReader(ts.log.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["msg"] != "http request" {
			continue
		}
		found = true
		for _, key := range []string{"method", "path", "route", "status", "bytes", "duration_ms", "request_id"} {
			if _, ok := line[key]; !ok {
				t.Errorf("access log lacks %q: %s", key, sc.Text())
			}
		}
		if line["path"] != keysPath || line["route"] != "GET "+keysPath || line["status"] != float64(200) {
			t.Errorf("access log = %s", sc.Text())
		}
	}
	if !found {
		t.Fatal("no access log line")
	}
	if strings.Contains(ts.log.String(), testToken) || strings.Contains(strings.ToLower(ts.log.String()), "authorization") {
		t.Error("the log contains the token or the Authorization header")
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, path := range []string{"/healthz", "/nope", identifiers + "did:example:ok", "/openapi.json"} {
		resp := ts.get(t, path, nil)
		for k, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
		} {
			if got := resp.header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
}

func TestHomePage(t *testing.T) {
	ts := newTestServer(t, nil)
	resp := ts.get(t, "/", nil)
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("home: %d %q", resp.status, resp.header.Get("Content-Type"))
	}
	body := string(resp.body)
	for _, want := range []string{`href="/openapi.json"`, "1.2.3-test", "https://chainid.example", "did:example, did:key"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("home page has a script")
	}
	csp := resp.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'sha256-"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q allows scripts or unsafe sources", csp)
	}
	// The hash in the CSP must be that of the page's one <style> element,
	// or browsers drop the style.
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("want one <style> element, found %d", len(m))
	}
	sum := sha256.Sum256([]byte(m[0][1]))
	if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) {
		t.Errorf("CSP %q lacks the style hash %s", csp, want)
	}
	wantProblem(t, ts.get(t, "/index.html", nil), http.StatusNotFound, "not-found")
}

func TestHomePageEscapes(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) {
		c.Version = `<script>alert(1)</script>`
		c.PublicURL = ""
	})
	body := string(ts.get(t, "/", nil).body)
	if strings.Contains(body, "<script>") {
		t.Error("version is not escaped")
	}
	if !strings.Contains(body, "not configured") {
		t.Error("missing public URL is not reported")
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	ts := newTestServer(t, func(c *api.Config) { c.Registry = reg })
	ts.get(t, "/healthz", nil)
	ts.get(t, "/healthz", nil)
	ts.get(t, identifiers+"did:example:missing", nil)
	ts.get(t, "/no/such/route/"+strings.Repeat("x", 10), nil)
	resp := ts.get(t, "/metrics", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("metrics: %d", resp.status)
	}
	body := string(resp.body)
	for _, want := range []string{
		`chainid_http_requests_total{code="200",route="GET /healthz"} 2`,
		`chainid_http_requests_total{code="404",route="GET /1.0/identifiers/{did...}"} 1`,
		`chainid_http_requests_total{code="404",route="unmatched"} 1`,
		`chainid_http_request_duration_seconds_bucket{code="200",route="GET /healthz",le="+Inf"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "did:example:missing") || strings.Contains(body, "/no/such/route") {
		t.Error("metrics carry raw paths")
	}
	// The registry passed in holds the metrics, and a second handler on it works.
	if _, err := api.New(api.Config{Resolver: &fakeResolver{}, Registry: reg}); err != nil {
		t.Fatalf("second New on the same registry: %v", err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if !strings.Contains(strings.Join(names, " "), "chainid_http_requests_total") {
		t.Errorf("registry holds %v", names)
	}
}

// TestProblemGolden pins the exact problem documents of common errors.
func TestProblemGolden(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.MaxBodyBytes = 64 })
	id := map[string]string{"X-Request-ID": "golden-1"}
	with := func(h map[string]string) map[string]string {
		out := map[string]string{"X-Request-ID": "golden-1"}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		rq   request
	}{
		{"not-found", request{path: "/nope", header: id}},
		{"method-not-allowed", request{method: http.MethodPost, path: "/healthz", header: id}},
		{"invalid-did", request{path: identifiers + "did:EXAMPLE:x", header: id}},
		{"did-not-found", request{path: identifiers + "did:example:missing", header: id}},
		{"internal", request{path: identifiers + "did:example:broken", header: id}},
		{"representation-not-supported", request{path: identifiers + "did:example:ok", header: with(map[string]string{"Accept": "text/html"})}},
		{"unauthorized", request{path: keysPath, header: id}},
		{"validation", request{method: http.MethodPost, path: keysPath, header: with(bearer(testToken)),
			body: strings.NewReader(`{"method":"web"}`)}},
		{"unsupported-media-type", request{method: http.MethodPost, path: keysPath,
			header: with(map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "text/plain"}),
			body:   strings.NewReader(`{}`)}},
		{"payload-too-large", request{method: http.MethodPost, path: keysPath, header: with(bearer(testToken)),
			body: strings.NewReader(`{"label":"` + strings.Repeat("a", 100) + `"}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(t, tt.rq)
			if resp.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("Content-Type = %q", resp.header.Get("Content-Type"))
			}
			golden(t, "problems/"+tt.name+".json", resp.body)
		})
	}
}
