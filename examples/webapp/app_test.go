package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// startProvider runs chainid's OpenID provider over a fresh store and
// returns it and its issuer URL; both close when the test ends.
func startProvider(t *testing.T) (*oidc.Provider, string) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("test"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	op := httptest.NewUnstartedServer(nil)
	issuer := "http://" + op.Listener.Addr().String()
	p, err := oidc.New(t.Context(), st, ks, oidc.Config{Issuer: issuer})
	if err != nil {
		t.Fatal(err)
	}
	op.Config.Handler = p.Handler()
	op.Start()
	t.Cleanup(op.Close)
	return p, issuer
}

// TestCallback runs the app against chainid's provider and tampers with
// the authorization response the browser brings back.
func TestCallback(t *testing.T) {
	p, issuer := startProvider(t)
	appSrv := httptest.NewUnstartedServer(nil)
	base := "http://" + appSrv.Listener.Addr().String()
	c, secret, err := p.AddClient(t.Context(), oidc.ClientSpec{RedirectURIs: []string{base + "/callback"}})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(t.Context(), Config{Issuer: issuer, ClientID: c.ID, ClientSecret: secret, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	appSrv.Config.Handler = app.Handler()
	appSrv.Start()
	defer appSrv.Close()

	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	// callback signs in through the provider and returns the browser and
	// the callback URL it was sent to.
	callback := func(t *testing.T) (*http.Client, *url.URL) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		b := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(method, u string, form url.Values) (*http.Response, string) {
			t.Helper()
			var body io.Reader
			if form != nil {
				body = strings.NewReader(form.Encode())
			}
			req, _ := http.NewRequestWithContext(t.Context(), method, u, body)
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			res, err := b.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			return res, string(out)
		}
		res, _ := get(http.MethodPost, base+"/login", url.Values{})
		res, _ = get(http.MethodGet, res.Header.Get("Location"), nil) // authorize → login page
		login, err := url.Parse(res.Header.Get("Location"))
		if err != nil || login.Query().Get("id") == "" {
			t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		id := login.Query().Get("id")
		next, err := p.CompleteLogin(t.Context(), id, oidc.Identity{DID: "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a", Method: "siwe"})
		if err != nil {
			t.Fatal(err)
		}
		_, page := get(http.MethodGet, next, nil)
		m := csrf.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("consent page %s", page)
		}
		res, _ = get(http.MethodPost, issuer+oidc.PathConsent, url.Values{"id": {id}, "csrf": {m[1]}, "action": {"approve"}})
		cb, err := url.Parse(res.Header.Get("Location"))
		if err != nil || !strings.HasPrefix(cb.String(), base+"/callback?") {
			t.Fatalf("consent: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		return b, cb
	}
	for _, tc := range []struct {
		name   string
		edit   func(q url.Values)
		status int
	}{
		{"as sent", func(url.Values) {}, http.StatusSeeOther},
		{"iss removed", func(q url.Values) { q.Del("iss") }, http.StatusBadRequest},
		{"another iss", func(q url.Values) { q.Set("iss", "https://evil.example") }, http.StatusBadRequest},
		{"another state", func(q url.Values) { q.Set("state", "forged") }, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, cb := callback(t)
			q := cb.Query()
			tc.edit(q)
			cb.RawQuery = q.Encode()
			res, err := b.Get(cb.String())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("callback: %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if tc.status != http.StatusSeeOther {
				return
			}
			res, err = b.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(res.Body)
			res.Body.Close()
			if !strings.Contains(string(body), `id="signed-in"`) {
				t.Fatalf("home after sign-in: %s", body)
			}
		})
	}
}

// TestScopeFlag: --scope chooses the scopes of the authorization request.
func TestScopeFlag(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		want  []string // Config.Scopes
		fails bool
	}{
		{"default", nil, []string{"profile"}, false},
		{"openid email", []string{"--scope", "openid email"}, []string{"email"}, false},
		{"order and repeats", []string{"--scope", " email openid  email profile"}, []string{"email", "profile"}, false},
		{"openid alone", []string{"--scope", "openid"}, []string{}, false},
		{"without openid", []string{"--scope", "email"}, nil, true},
		{"empty", []string{"--scope", ""}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(append([]string{"--client-id", "c"}, tc.args...))
			if tc.fails {
				if err == nil {
					t.Fatalf("accepted: %+v", o.cfg.Scopes)
				}
				return
			}
			if err != nil || o.cfg.Scopes == nil || !slices.Equal(o.cfg.Scopes, tc.want) {
				t.Fatalf("scopes %q (%v), want %q", o.cfg.Scopes, err, tc.want)
			}
		})
	}
	// The scopes reach the authorization request.
	_, issuer := startProvider(t)
	o, err := parseFlags([]string{"--issuer", issuer, "--client-id", "c", "--base-url", "http://127.0.0.1:1", "--scope", "openid email"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(t.Context(), o.cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	app.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://127.0.0.1:1/login", strings.NewReader("")))
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || rec.Code != http.StatusFound && rec.Code != http.StatusSeeOther {
		t.Fatalf("login answered %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := loc.Query().Get("scope"); got != "openid email" {
		t.Fatalf("scope %q, want %q", got, "openid email")
	}
}
