package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chainid/chainid/api"
)

const keysPath = "/v1/admin/keys"

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
}

func TestAdminAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"no token", nil},
		{"wrong token", map[string]string{"Authorization": "Bearer " + testToken + "x"}},
		{"prefix of token", map[string]string{"Authorization": "Bearer " + testToken[:20]}},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}},
		{"basic scheme", map[string]string{"Authorization": "Basic " + testToken}},
		{"token without scheme", map[string]string{"Authorization": testToken}},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tt.name+" "+method, func(t *testing.T) {
				h := map[string]string{"Content-Type": "application/json"}
				for k, v := range tt.header {
					h[k] = v
				}
				resp := ts.do(t, request{method: method, path: keysPath, header: h,
					body: strings.NewReader(`{"method":"key","keyType":"Ed25519"}`)})
				wantProblem(t, resp, http.StatusUnauthorized, "unauthorized")
				if !strings.HasPrefix(resp.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate = %q", resp.header.Get("WWW-Authenticate"))
				}
			})
		}
	}
	if n := ts.keys.count(); n != 0 {
		t.Fatalf("unauthorized requests created %d keys", n)
	}
	if strings.Contains(ts.log.String(), testToken[:20]) {
		t.Error("the log contains the admin token")
	}
}

func (k *fakeKeys) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

func TestAdminDisabled(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.AdminToken = "" })
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		for _, h := range []map[string]string{nil, bearer(testToken), bearer("")} {
			resp := ts.do(t, request{method: method, path: keysPath, header: h,
				body: strings.NewReader(`{"method":"key","keyType":"Ed25519"}`)})
			wantProblem(t, resp, http.StatusForbidden, "forbidden")
		}
	}
}

func TestAdminNoKeyStore(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.Keys = nil })
	wantProblem(t, ts.do(t, request{path: keysPath}), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, ts.do(t, request{path: keysPath, header: bearer(testToken)}), http.StatusNotImplemented, "not-implemented")
}

func TestAdminKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	list := func() []api.KeyInfo {
		t.Helper()
		resp := ts.do(t, request{path: keysPath, header: bearer(testToken)})
		if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "application/json" {
			t.Fatalf("list: %d %q %s", resp.status, resp.header.Get("Content-Type"), resp.body)
		}
		if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		var out struct {
			Keys []api.KeyInfo `json:"keys"`
		}
		if err := json.Unmarshal(resp.body, &out); err != nil || out.Keys == nil {
			t.Fatalf("list body %s: %v", resp.body, err)
		}
		return out.Keys
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("initial keys = %v", got)
	}
	resp := ts.do(t, request{method: http.MethodPost, path: keysPath, header: bearer(testToken),
		body: strings.NewReader(`{"method":"jwk","keyType":"P-256","label":"ünïcode label"}`)})
	if resp.status != http.StatusCreated || resp.header.Get("Content-Type") != "application/json" {
		t.Fatalf("create: %d %q %s", resp.status, resp.header.Get("Content-Type"), resp.body)
	}
	var created api.KeyInfo
	if err := json.Unmarshal(resp.body, &created); err != nil {
		t.Fatal(err)
	}
	want := api.KeyInfo{ID: "k1", DID: "did:jwk:zk1", Method: "jwk", KeyType: "P-256", Label: "ünïcode label", Created: fixedNow()}
	if created != want {
		t.Errorf("created = %+v, want %+v", created, want)
	}
	if got := list(); len(got) != 1 || got[0] != want {
		t.Errorf("keys after create = %+v", got)
	}
	if strings.Contains(ts.log.String(), testToken) {
		t.Error("the log contains the admin token")
	}
}

func TestAdminCreateRejects(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.MaxBodyBytes = 512 })
	long := strings.Repeat("x", 101)
	deep := `{"label":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`
	tests := []struct {
		name        string
		contentType string
		body        string
		chunked     bool
		wantStatus  int
		wantSlug    string
		wantFields  []string // "field: message" for validation errors
		wantDetail  string   // substring
	}{
		{name: "wrong enum values", body: `{"method":"web","keyType":"RSA","label":"` + long + `"}`,
			wantStatus: 400, wantSlug: "validation", wantFields: []string{
				"method: must be one of: key, jwk",
				"keyType: must be one of: Ed25519, P-256, secp256k1",
				"label: must be at most 100 characters"}},
		{name: "missing fields", body: `{}`, wantStatus: 400, wantSlug: "validation",
			wantFields: []string{"method: is required", "keyType: is required"}},
		{name: "null body", body: `null`, wantStatus: 400, wantSlug: "validation",
			wantFields: []string{"method: is required", "keyType: is required"}},
		{name: "control character", body: `{"method":"key","keyType":"Ed25519","label":"a\u001bb"}`,
			wantStatus: 400, wantSlug: "validation", wantFields: []string{"label: must not contain control characters"}},
		{name: "text/plain", contentType: "text/plain", body: `{"method":"key","keyType":"Ed25519"}`,
			wantStatus: 415, wantSlug: "unsupported-media-type"},
		{name: "no content type", contentType: "-", body: `{"method":"key","keyType":"Ed25519"}`,
			wantStatus: 415, wantSlug: "unsupported-media-type"},
		{name: "latin1", contentType: "application/json; charset=latin1", body: `{"method":"key","keyType":"Ed25519"}`,
			wantStatus: 415, wantSlug: "unsupported-media-type"},
		{name: "unknown field", body: `{"method":"key","keyType":"Ed25519","admin":true}`,
			wantStatus: 400, wantSlug: "invalid-request", wantDetail: `unknown field "admin"`},
		{name: "duplicate member", body: `{"method":"key","keyType":"Ed25519","method":"jwk"}`,
			wantStatus: 400, wantSlug: "invalid-request", wantDetail: "duplicate member"},
		{name: "duplicate member by case", body: `{"method":"key","keyType":"Ed25519","METHOD":"jwk"}`,
			wantStatus: 400, wantSlug: "invalid-request", wantDetail: "duplicate member"},
		{name: "duplicate member by escape", body: `{"method":"key","keyType":"Ed25519","\u006dethod":"jwk"}`,
			wantStatus: 400, wantSlug: "invalid-request", wantDetail: "duplicate member"},
		{name: "trailing value", body: `{"method":"key","keyType":"Ed25519"} {}`,
			wantStatus: 400, wantSlug: "invalid-request", wantDetail: "after the JSON value"},
		{name: "trailing garbage", body: `{"method":"key","keyType":"Ed25519"}x`,
			wantStatus: 400, wantSlug: "invalid-request"},
		{name: "malformed", body: `{"method":`, wantStatus: 400, wantSlug: "invalid-request"},
		{name: "empty", body: ``, wantStatus: 400, wantSlug: "invalid-request", wantDetail: "empty"},
		{name: "array", body: `[]`, wantStatus: 400, wantSlug: "invalid-request", wantDetail: "JSON object"},
		{name: "wrong type", body: `{"method":1,"keyType":"Ed25519"}`, wantStatus: 400, wantSlug: "invalid-request",
			wantDetail: `field "method" must be of type string`},
		{name: "too deep", body: deep, wantStatus: 400, wantSlug: "invalid-request", wantDetail: "nests deeper"},
		{name: "too large", body: `{"label":"` + strings.Repeat("a", 600) + `"}`,
			wantStatus: 413, wantSlug: "payload-too-large"},
		{name: "too large chunked", body: `{"label":"` + strings.Repeat("a", 600) + `"}`, chunked: true,
			wantStatus: 413, wantSlug: "payload-too-large"},
		{name: "store failure", body: `{"method":"key","keyType":"Ed25519","label":"fail"}`,
			wantStatus: 500, wantSlug: "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := bearer(testToken)
			switch tt.contentType {
			case "":
			case "-":
				delete(h, "Content-Type")
			default:
				h["Content-Type"] = tt.contentType
			}
			rq := request{method: http.MethodPost, path: keysPath, header: h, body: strings.NewReader(tt.body)}
			if tt.chunked {
				rq.bodyLen = -1
			}
			p := wantProblem(t, ts.do(t, rq), tt.wantStatus, tt.wantSlug)
			if tt.wantDetail != "" && !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			var got []string
			for _, fe := range p.Errors {
				got = append(got, fe.Field+": "+fe.Message)
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("errors = %q, want %q", got, tt.wantFields)
			}
		})
	}
	if n := ts.keys.count(); n != 0 {
		t.Errorf("rejected requests created %d keys", n)
	}
	if !strings.Contains(ts.log.String(), secret) {
		t.Error("the internal cause was not logged")
	}
}
