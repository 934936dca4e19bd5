package oidc_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

const (
	testDID  = "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"
	testDID2 = "did:pkh:eip155:1:0x0000000000000000000000000000000000000001"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	p     *oidc.Provider
	srv   *httptest.Server
	st    *store.Store
	clock *clock
	url   string
}

type envOpt func(*oidc.Config)

func newEnv(t testing.TB, opts ...envOpt) *env {
	t.Helper()
	clk := &clock{now: time.Now()}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("test secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg := oidc.Config{Issuer: base, Now: clk.Now}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := oidc.New(t.Context(), st, ks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{p: p, srv: srv, st: st, clock: clk, url: base}
}

// rp is a relying party: a registered client and an oauth2 config.
type rp struct {
	client   oidc.Client
	secret   string
	oauth    *oauth2.Config
	provider *gooidc.Provider
}

const redirect = "https://rp.example/cb"

func (e *env) addRP(t testing.TB, spec oidc.ClientSpec) *rp {
	t.Helper()
	if spec.RedirectURIs == nil {
		spec.RedirectURIs = []string{redirect}
	}
	c, secret, err := e.p.AddClient(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
	prov, err := gooidc.NewProvider(ctx, e.url)
	if err != nil {
		t.Fatal(err)
	}
	return &rp{client: c, secret: secret, provider: prov, oauth: &oauth2.Config{
		ClientID: c.ID, ClientSecret: secret, Endpoint: prov.Endpoint(),
		RedirectURL: spec.RedirectURIs[0], Scopes: []string{gooidc.ScopeOpenID},
	}}
}

// browser is a cookie-keeping HTTP client that never follows redirects.
func (e *env) browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: e.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	status int
	loc    string
	body   string
	header http.Header
}

func do(t testing.TB, c *http.Client, method, u string, form url.Values) resp {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header.Get("Location"), string(b), r.Header}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type flow struct {
	verifier, state, nonce string
	authURL                string
}

func newFlow(r *rp, extra ...oauth2.AuthCodeOption) flow {
	f := flow{verifier: oauth2.GenerateVerifier(), state: rand.Text(), nonce: rand.Text()}
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.verifier), gooidc.Nonce(f.nonce)}, extra...)
	f.authURL = r.oauth.AuthCodeURL(f.state, opts...)
	return f
}

// authorize runs /authorize and returns the auth request ID.
func (e *env) authorize(t testing.TB, b *http.Client, authURL string) string {
	t.Helper()
	r := do(t, b, http.MethodGet, authURL, nil)
	if r.status != http.StatusFound || !strings.HasPrefix(r.loc, e.url+oidc.PathLogin+"?id=") {
		t.Fatalf("authorize: %d %q %s", r.status, r.loc, r.body)
	}
	u, _ := url.Parse(r.loc)
	return u.Query().Get("id")
}

// login completes the login and the consent, returning the callback URL.
func (e *env) login(t testing.TB, b *http.Client, id string, who oidc.Identity) *url.URL {
	t.Helper()
	next, err := e.p.CompleteLogin(t.Context(), id, who)
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, b, http.MethodGet, next, nil)
	if r.status == http.StatusSeeOther { // remembered consent
		u, _ := url.Parse(r.loc)
		return u
	}
	m := csrfRE.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("consent page: %d %s", r.status, r.body)
	}
	r = do(t, b, http.MethodPost, e.url+oidc.PathConsent, url.Values{"id": {id}, "csrf": {m[1]}, "action": {"approve"}, "remember": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("consent: %d %s", r.status, r.body)
	}
	u, err := url.Parse(r.loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) code(t testing.TB, r *rp, f flow, who oidc.Identity) string {
	t.Helper()
	b := e.browser(t)
	id := e.authorize(t, b, f.authURL)
	cb := e.login(t, b, id, who)
	q := cb.Query()
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != r.oauth.RedirectURL {
		t.Fatalf("redirected to %s, want %s", got, r.oauth.RedirectURL)
	}
	if q.Get("state") != f.state || q.Get("iss") != e.url || q.Get("code") == "" {
		t.Fatalf("callback query %v: want state %s and iss %s", q, f.state, e.url)
	}
	return q.Get("code")
}

func (r *rp) exchange(ctx context.Context, e *env, code, verifier string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, e.srv.Client())
	return r.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
}

func identity() oidc.Identity {
	return oidc.Identity{DID: testDID, Method: "siwe", Claims: map[string]any{"age_over_18": true, "nullifier": "n-123"}}
}

func TestCodeFlowGoOIDC(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name    string
		subject string
	}{
		{"pairwise", ""},
		{"public", oidc.SubjectPublic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.addRP(t, oidc.ClientSpec{Name: "Demo " + tc.name, SubjectType: tc.subject})
			f := newFlow(r)
			code := e.code(t, r, f, identity())
			tok, err := r.exchange(t.Context(), e, code, f.verifier)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := tok.Extra("id_token").(string)
			ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
			idt, err := r.provider.Verifier(&gooidc.Config{ClientID: r.client.ID}).Verify(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if idt.Nonce != f.nonce {
				t.Errorf("nonce %q, want %q", idt.Nonce, f.nonce)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			var claims map[string]any
			if err := idt.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			if claims["azp"] != r.client.ID || claims["age_over_18"] != true || claims["nullifier"] != "n-123" {
				t.Errorf("claims %v", claims)
			}
			if tc.subject == oidc.SubjectPublic {
				if idt.Subject != testDID || claims["did"] != testDID {
					t.Errorf("public sub %q did %v, want %s", idt.Subject, claims["did"], testDID)
				}
			} else if idt.Subject == testDID || strings.Contains(idt.Subject, "did:") || claims["did"] != nil {
				t.Errorf("pairwise sub %q leaks the DID (did claim %v)", idt.Subject, claims["did"])
			}
			ui, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatal(err)
			}
			var uic map[string]any
			_ = ui.Claims(&uic)
			if ui.Subject != idt.Subject || uic["nullifier"] != "n-123" {
				t.Errorf("userinfo %v, want sub %s", uic, idt.Subject)
			}
		})
	}
}

func TestPairwiseSubjects(t *testing.T) {
	e := newEnv(t)
	a := e.addRP(t, oidc.ClientSpec{RedirectURIs: []string{"https://a.example/cb"}})
	b := e.addRP(t, oidc.ClientSpec{RedirectURIs: []string{"https://b.example/cb"}})
	sub := func(r *rp, d string) string {
		f := newFlow(r)
		who := identity()
		who.DID = d
		tok, err := r.exchange(t.Context(), e, e.code(t, r, f, who), f.verifier)
		if err != nil {
			t.Fatal(err)
		}
		idt, err := r.provider.Verifier(&gooidc.Config{ClientID: r.client.ID}).Verify(gooidc.ClientContext(t.Context(), e.srv.Client()), tok.Extra("id_token").(string))
		if err != nil {
			t.Fatal(err)
		}
		return idt.Subject
	}
	a1, a2, b1, a3 := sub(a, testDID), sub(a, testDID), sub(b, testDID), sub(a, testDID2)
	if a1 != a2 {
		t.Errorf("same client, same DID: %s != %s", a1, a2)
	}
	if a1 == b1 {
		t.Errorf("two clients got the same pairwise sub %s", a1)
	}
	if a1 == a3 {
		t.Errorf("two DIDs got the same sub %s", a1)
	}
}

func TestRedirectURIRefusals(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{RedirectURIs: []string{"https://rp.example:8443/cb?x=1"}})
	variants := []string{
		"https://rp.example:8443/cb?x=1/",
		"https://rp.example:8443/cb/?x=1",
		"https://RP.example:8443/cb?x=1",
		"https://rp.example:8443/CB?x=1",
		"https://rp.example:8443/cb?x=1&y=2",
		"https://rp.example:8443/cb?x=2",
		"https://rp.example:8443/cb",
		"https://rp.example:9443/cb?x=1",
		"https://rp.example/cb?x=1",
		"http://rp.example:8443/cb?x=1",
		"https://rp.example:8443/cb?x=1#frag",
		"https://rp.example:8443/cb?x=1#",
		"https://rp.example:8443/c",
		"https://rp.example:8443/cbx?x=1",
		"https://rp.example:8443/cb/..%2Fcb?x=1",
		"https://rp.example:8443/cb/../cb?x=1",
		"https://evil@rp.example:8443/cb?x=1",
		"https://rp.example:8443@evil.example/cb?x=1",
		"https://rp.example:8443\\@evil.example/cb?x=1",
		"https://rp.example.evil.example:8443/cb?x=1",
		"https://rp.example:8443/cb?x=1 ",
		"",
	}
	for _, v := range variants {
		t.Run(v, func(t *testing.T) {
			q := url.Values{"client_id": {r.client.ID}, "response_type": {"code"}, "scope": {"openid"},
				"state": {"s"}, "code_challenge": {strings.Repeat("A", 43)}, "code_challenge_method": {"S256"}}
			if v != "" {
				q.Set("redirect_uri", v)
			}
			got := do(t, e.browser(t), http.MethodGet, e.url+"/authorize?"+q.Encode(), nil)
			if got.status != http.StatusBadRequest || got.loc != "" {
				t.Fatalf("status %d location %q, want 400 without redirect", got.status, got.loc)
			}
			if !strings.Contains(got.header.Get("Content-Type"), "text/html") || !strings.Contains(got.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("error page headers %v", got.header)
			}
		})
	}
	t.Run("unknown client", func(t *testing.T) {
		q := url.Values{"client_id": {"nope"}, "response_type": {"code"}, "scope": {"openid"}, "redirect_uri": {"https://rp.example:8443/cb?x=1"},
			"code_challenge": {strings.Repeat("A", 43)}, "code_challenge_method": {"S256"}}
		got := do(t, e.browser(t), http.MethodGet, e.url+"/authorize?"+q.Encode(), nil)
		if got.status < 400 || got.loc != "" {
			t.Fatalf("status %d location %q", got.status, got.loc)
		}
	})
	t.Run("exact match accepted", func(t *testing.T) {
		q := url.Values{"client_id": {r.client.ID}, "response_type": {"code"}, "scope": {"openid"}, "redirect_uri": {"https://rp.example:8443/cb?x=1"},
			"code_challenge": {strings.Repeat("A", 43)}, "code_challenge_method": {"S256"}}
		got := do(t, e.browser(t), http.MethodGet, e.url+"/authorize?"+q.Encode(), nil)
		if got.status != http.StatusFound || !strings.HasPrefix(got.loc, e.url+oidc.PathLogin) {
			t.Fatalf("status %d location %q", got.status, got.loc)
		}
	})
}

// TestIssuerLoopbackOnly: plain http is for loopback hosts only, and a host
// name starting with "127." is not one.
func TestIssuerLoopbackOnly(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("test secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, iss := range []string{"http://127.attacker.example", "http://127.0.0.1.nip.io:8080", "http://id.example.com", "ftp://127.0.0.1"} {
		if _, err := oidc.New(t.Context(), st, ks, oidc.Config{Issuer: iss}); err == nil {
			t.Errorf("issuer %s accepted", iss)
		}
	}
	for _, iss := range []string{"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080", "https://id.example.com"} {
		if _, err := oidc.New(t.Context(), st, ks, oidc.Config{Issuer: iss}); err != nil {
			t.Errorf("issuer %s: %v", iss, err)
		}
	}
}

func TestRegisterRedirectURIChecks(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{"http://rp.example/cb", "https://rp.example/cb#f", "https://u@rp.example/cb",
		"https://rp.example/a b", "javascript:alert(1)", "/relative", "https://rp.example\\cb", "HTTPS://rp.example/cb", "custom://cb",
		// Names that only look like loopback: plain http to them is cleartext on the network.
		"http://127.attacker.example/cb", "http://127.0.0.1.nip.io/cb", "http://localhost.attacker.example/cb",
		// No host, an empty or out-of-range port, an unbracketed IPv6 host.
		"https://:443/cb", "https:///cb", "https://rp.example:/cb", "https://rp.example:0/cb", "https://rp.example:65536/cb",
		"https://rp.example:08443/cb", "https://::1/cb"} {
		if _, _, err := e.p.AddClient(t.Context(), oidc.ClientSpec{RedirectURIs: []string{u}}); !errors.Is(err, oidc.ErrInvalidClient) {
			t.Errorf("AddClient(%q) = %v, want ErrInvalidClient", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080/cb", "http://localhost/cb", "https://rp.example/cb?a=b", "http://[::1]:65535/cb", "https://rp.example:1/cb"} {
		if _, _, err := e.p.AddClient(t.Context(), oidc.ClientSpec{RedirectURIs: []string{u}}); err != nil {
			t.Errorf("AddClient(%q): %v", u, err)
		}
	}
}

// authParams is an authorization request to the registered redirect.
func authParams(r *rp) url.Values {
	return url.Values{"client_id": {r.client.ID}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {r.oauth.RedirectURL}, "state": {"st"}}
}

func TestPKCERefusals(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	for _, tc := range []struct {
		name string
		set  map[string]string
	}{
		{"no challenge", nil},
		{"plain", map[string]string{"code_challenge": strings.Repeat("A", 43), "code_challenge_method": "plain"}},
		{"no method (plain by default)", map[string]string{"code_challenge": strings.Repeat("A", 43)}},
		{"short challenge", map[string]string{"code_challenge": "abc", "code_challenge_method": "S256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := authParams(r)
			for k, v := range tc.set {
				q.Set(k, v)
			}
			got := do(t, e.browser(t), http.MethodGet, e.url+"/authorize?"+q.Encode(), nil)
			u, _ := url.Parse(got.loc)
			if got.status != http.StatusFound || u == nil || u.Query().Get("error") != "invalid_request" || u.Query().Get("iss") != e.url || u.Query().Get("state") != "st" {
				t.Fatalf("status %d location %q, want an invalid_request redirect with iss", got.status, got.loc)
			}
		})
	}
	for _, tc := range []struct{ name, verifier string }{
		{"missing verifier", ""},
		{"wrong verifier", oauth2.GenerateVerifier()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlow(r)
			code := e.code(t, r, f, identity())
			ctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.srv.Client())
			var err error
			if tc.verifier == "" {
				_, err = r.oauth.Exchange(ctx, code)
			} else {
				_, err = r.oauth.Exchange(ctx, code, oauth2.VerifierOption(tc.verifier))
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || (re.ErrorCode != "invalid_grant" && re.ErrorCode != "invalid_request") {
				t.Fatalf("exchange: %v, want invalid_grant/invalid_request", err)
			}
			// The code is burnt: the right verifier no longer works.
			if _, err := r.exchange(t.Context(), e, code, f.verifier); err == nil {
				t.Error("code still redeemable after a failed attempt")
			}
		})
	}
}

func TestCodeReplayRevokesTokens(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	f := newFlow(r, oauth2.SetAuthURLParam("scope", "openid offline_access"))
	code := e.code(t, r, f, identity())
	tok, err := r.exchange(t.Context(), e, code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
	if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
		t.Fatalf("userinfo before replay: %v", err)
	}
	_, err = r.exchange(t.Context(), e, code, f.verifier)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("second redemption: %v, want invalid_grant", err)
	}
	if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("access token still works after the code was replayed")
	}
	rctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.srv.Client())
	if _, err := r.oauth.TokenSource(rctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err == nil {
		t.Error("refresh token still works after the code was replayed")
	}
}

func TestTokenRefusals(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	other := e.addRP(t, oidc.ClientSpec{})
	t.Run("wrong client secret", func(t *testing.T) {
		f := newFlow(r)
		code := e.code(t, r, f, identity())
		bad := *r.oauth
		bad.ClientSecret = "wrong"
		ctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.srv.Client())
		if _, err := bad.Exchange(ctx, code, oauth2.VerifierOption(f.verifier)); err == nil {
			t.Fatal("exchange with a wrong secret succeeded")
		}
	})
	t.Run("another client", func(t *testing.T) {
		f := newFlow(r)
		code := e.code(t, r, f, identity())
		if _, err := other.exchange(t.Context(), e, code, f.verifier); err == nil {
			t.Fatal("another client redeemed the code")
		}
	})
	t.Run("expired code", func(t *testing.T) {
		f := newFlow(r)
		code := e.code(t, r, f, identity())
		e.clock.Add(oidc.DefaultCodeTTL + time.Second)
		if _, err := r.exchange(t.Context(), e, code, f.verifier); err == nil {
			t.Fatal("expired code redeemed")
		}
	})
	t.Run("public client needs PKCE and no secret", func(t *testing.T) {
		pub := e.addRP(t, oidc.ClientSpec{Public: true})
		if pub.secret != "" {
			t.Fatal("public client got a secret")
		}
		f := newFlow(pub)
		code := e.code(t, pub, f, identity())
		if _, err := pub.exchange(t.Context(), e, code, f.verifier); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoginHookRefusals(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	b := e.browser(t)
	id := e.authorize(t, b, newFlow(r).authURL)
	for _, tc := range []struct {
		name string
		who  oidc.Identity
	}{
		{"bad did", oidc.Identity{DID: "not-a-did", Method: "siwe"}},
		{"bad method", oidc.Identity{DID: testDID, Method: "Bad Method"}},
		{"reserved claim", oidc.Identity{DID: testDID, Method: "siwe", Claims: map[string]any{"sub": "x"}}},
		{"huge claims", oidc.Identity{DID: testDID, Method: "siwe", Claims: map[string]any{"x": strings.Repeat("a", oidc.MaxClaimsBytes)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.p.CompleteLogin(t.Context(), id, tc.who); !errors.Is(err, oidc.ErrInvalidIdentity) {
				t.Fatalf("err %v, want ErrInvalidIdentity", err)
			}
		})
	}
	if _, err := e.p.CompleteLogin(t.Context(), "nope", identity()); !errors.Is(err, oidc.ErrUnknownRequest) {
		t.Errorf("unknown request: %v", err)
	}
	// LoginRequest binds the request to the browser.
	req := httptest.NewRequest(http.MethodGet, e.url+"/siwe", nil)
	if _, err := e.p.LoginRequest(t.Context(), req, id); !errors.Is(err, oidc.ErrWrongBrowser) {
		t.Errorf("LoginRequest without cookie: %v, want ErrWrongBrowser", err)
	}
	u, _ := url.Parse(e.url)
	for _, c := range b.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	lr, err := e.p.LoginRequest(t.Context(), req, id)
	if err != nil || lr.ClientID != r.client.ID {
		t.Fatalf("LoginRequest: %+v %v", lr, err)
	}
	if _, err := e.p.CompleteLogin(t.Context(), id, identity()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.CompleteLogin(t.Context(), id, identity()); !errors.Is(err, oidc.ErrRequestDone) {
		t.Errorf("second CompleteLogin: %v, want ErrRequestDone", err)
	}
	if _, err := e.p.LoginRequest(t.Context(), req, id); !errors.Is(err, oidc.ErrRequestDone) {
		t.Errorf("LoginRequest after login: %v, want ErrRequestDone", err)
	}
	// Another browser cannot see or post the consent.
	other := e.browser(t)
	if got := do(t, other, http.MethodGet, e.url+oidc.PathConsent+"?id="+id, nil); got.status != http.StatusForbidden {
		t.Errorf("consent from another browser: %d", got.status)
	}
	page := do(t, b, http.MethodGet, e.url+oidc.PathConsent+"?id="+id, nil)
	m := csrfRE.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("consent page: %s", page.body)
	}
	if got := do(t, b, http.MethodPost, e.url+oidc.PathConsent, url.Values{"id": {id}, "csrf": {"forged"}, "action": {"approve"}}); got.status != http.StatusForbidden {
		t.Errorf("forged csrf: %d", got.status)
	}
	if got := do(t, other, http.MethodPost, e.url+oidc.PathConsent, url.Values{"id": {id}, "csrf": {m[1]}, "action": {"approve"}}); got.status != http.StatusForbidden {
		t.Errorf("csrf token from another browser: %d", got.status)
	}
	// Deny sends access_denied with iss and state.
	got := do(t, b, http.MethodPost, e.url+oidc.PathConsent, url.Values{"id": {id}, "csrf": {m[1]}, "action": {"deny"}})
	loc, _ := url.Parse(got.loc)
	if got.status != http.StatusSeeOther || loc.Query().Get("error") != "access_denied" || loc.Query().Get("iss") != e.url {
		t.Errorf("deny: %d %q", got.status, got.loc)
	}
}

func TestPagesHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{Name: `<script>alert(1)</script>`})
	b := e.browser(t)
	id := e.authorize(t, b, newFlow(r).authURL)
	got := do(t, b, http.MethodGet, e.url+oidc.PathLogin+"?id="+id, nil)
	csp := got.header.Get("Content-Security-Policy")
	if got.status != 200 || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || got.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("login page %d headers %v", got.status, got.header)
	}
	if strings.Contains(got.body, "<script>alert") || strings.Contains(got.body, "style=") || regexp.MustCompile(`<script>`).MatchString(got.body) {
		t.Errorf("login page has inline script/style or unescaped input: %s", got.body)
	}
	for _, f := range []string{"oidc.css", "oidc.js"} {
		if s := do(t, b, http.MethodGet, e.url+oidc.PathStatic+f, nil); s.status != 200 {
			t.Errorf("static %s: %d", f, s.status)
		}
	}
}

func TestDiscoveryAndKeyRotation(t *testing.T) {
	e := newEnv(t)
	got := do(t, e.srv.Client(), http.MethodGet, e.url+oidc.PathDiscovery, nil)
	var d map[string]any
	if err := json.Unmarshal([]byte(got.body), &d); err != nil {
		t.Fatal(err)
	}
	if d["issuer"] != e.url || d["authorization_response_iss_parameter_supported"] != true || d["registration_endpoint"] != nil {
		t.Errorf("discovery %v", d)
	}
	if m, _ := d["code_challenge_methods_supported"].([]any); len(m) != 1 || m[0] != "S256" {
		t.Errorf("code_challenge_methods_supported %v", m)
	}
	r := e.addRP(t, oidc.ClientSpec{})
	f := newFlow(r)
	tok, err := r.exchange(t.Context(), e, e.code(t, r, f, identity()), f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	raw := tok.Extra("id_token").(string)
	keys := func() int {
		var ks struct{ Keys []map[string]any }
		_ = json.Unmarshal([]byte(do(t, e.srv.Client(), http.MethodGet, e.url+oidc.PathKeys, nil).body), &ks)
		for _, k := range ks.Keys {
			if k["alg"] != "RS256" || k["kty"] != "RSA" || k["d"] != nil {
				t.Errorf("jwk %v", k)
			}
		}
		return len(ks.Keys)
	}
	if n := keys(); n != 1 {
		t.Fatalf("%d keys before rotation", n)
	}
	if err := e.p.RotateKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := keys(); n != 2 {
		t.Fatalf("%d keys after rotation, want current + previous", n)
	}
	// A fresh verifier (new key set fetch) still verifies the old token.
	ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
	prov, _ := gooidc.NewProvider(ctx, e.url)
	if _, err := prov.Verifier(&gooidc.Config{ClientID: r.client.ID}).Verify(ctx, raw); err != nil {
		t.Errorf("token signed by the previous key: %v", err)
	}
	if err := e.p.RotateKeys(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := keys(); n != 2 {
		t.Errorf("%d keys after second rotation, want 2", n)
	}
}

func TestDynamicRegistration(t *testing.T) {
	body := `{"redirect_uris":["https://dyn.example/cb"],"client_name":"Dyn","token_endpoint_auth_method":"none"}`
	post := func(e *env, b string) resp {
		req, _ := http.NewRequest(http.MethodPost, e.url+oidc.PathRegister, strings.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		r, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		out, _ := io.ReadAll(r.Body)
		return resp{status: r.StatusCode, body: string(out)}
	}
	off := newEnv(t)
	if got := post(off, body); got.status != http.StatusForbidden {
		t.Errorf("registration while disabled: %d %s", got.status, got.body)
	}
	on := newEnv(t, func(c *oidc.Config) { c.AllowRegistration = true })
	got := post(on, body)
	var reg map[string]any
	_ = json.Unmarshal([]byte(got.body), &reg)
	if got.status != http.StatusCreated || reg["client_id"] == nil || reg["client_secret"] != nil {
		t.Fatalf("register: %d %s", got.status, got.body)
	}
	if got := post(on, `{"redirect_uris":["http://evil.example/cb"]}`); got.status != http.StatusBadRequest || !strings.Contains(got.body, "invalid_redirect_uri") {
		t.Errorf("bad redirect: %d %s", got.status, got.body)
	}
}

func TestEndSession(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{PostLogoutRedirectURIs: []string{"https://rp.example/bye"}})
	f := newFlow(r, oauth2.SetAuthURLParam("scope", "openid offline_access"))
	tok, err := r.exchange(t.Context(), e, e.code(t, r, f, identity()), f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	hint := tok.Extra("id_token").(string)
	b := e.browser(t)
	for _, bad := range []string{"https://rp.example/bye/", "https://rp.example/byex", "https://rp.example/bye?x=1", "https://evil.example/bye"} {
		got := do(t, b, http.MethodGet, e.url+oidc.PathEndSession+"?"+url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {bad}}.Encode(), nil)
		if strings.HasPrefix(got.loc, bad) {
			t.Errorf("end_session redirected to unregistered %s", bad)
		}
	}
	// Without a hint or client_id nothing names the client: the provider's
	// own page, never the given URI.
	if got := do(t, b, http.MethodGet, e.url+oidc.PathEndSession+"?"+url.Values{"post_logout_redirect_uri": {"https://evil.example/"}}.Encode(), nil); strings.Contains(got.loc, "evil") {
		t.Errorf("end_session without a hint redirected to %q", got.loc)
	}
	got := do(t, b, http.MethodGet, e.url+oidc.PathEndSession+"?"+url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"https://rp.example/bye"}, "state": {"z"}}.Encode(), nil)
	if got.status != http.StatusFound || got.loc != "https://rp.example/bye?state=z" {
		t.Fatalf("end_session: %d %q %s", got.status, got.loc, got.body)
	}
	ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
	if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("access token still valid after logout")
	}
}

func TestRememberedConsent(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	e.code(t, r, newFlow(r), identity()) // consents and remembers
	b := e.browser(t)
	id := e.authorize(t, b, newFlow(r).authURL)
	next, err := e.p.CompleteLogin(t.Context(), id, identity())
	if err != nil {
		t.Fatal(err)
	}
	if got := do(t, b, http.MethodGet, next, nil); got.status != http.StatusSeeOther || !strings.HasPrefix(got.loc, redirect+"?") {
		t.Errorf("remembered consent: %d %q", got.status, got.loc)
	}
	// A new claim asks again.
	id = e.authorize(t, b, newFlow(r).authURL)
	who := identity()
	who.Claims["nationality"] = "FR"
	next, _ = e.p.CompleteLogin(t.Context(), id, who)
	if got := do(t, b, http.MethodGet, next, nil); got.status != http.StatusOK || !strings.Contains(got.body, "nationality") {
		t.Errorf("consent for a new claim: %d", got.status)
	}
}

// TestCodeNeedsClientAuthFirst: a code in the hands of someone without the
// client's secret (browser history, a log, a Referer) must neither burn
// the code nor, once it was redeemed, revoke the tokens issued from it.
func TestCodeNeedsClientAuthFirst(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	post := func(t *testing.T, code, verifier string, auth func(req *http.Request, form url.Values)) resp {
		t.Helper()
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
		if auth != nil {
			req, _ := http.NewRequest(http.MethodPost, e.url+oidc.PathToken, nil)
			auth(req, form)
			if req.Header.Get("Authorization") != "" {
				return doAuth(t, e, form, req.Header.Get("Authorization"))
			}
		}
		return do(t, e.srv.Client(), http.MethodPost, e.url+oidc.PathToken, form)
	}
	attackers := []struct {
		name string
		auth func(req *http.Request, form url.Values)
	}{
		{"no credentials", nil},
		{"client_id only", func(_ *http.Request, f url.Values) { f.Set("client_id", r.client.ID) }},
		{"wrong secret in the body", func(_ *http.Request, f url.Values) {
			f.Set("client_id", r.client.ID)
			f.Set("client_secret", "wrong")
		}},
		{"wrong basic secret", func(req *http.Request, _ url.Values) { req.SetBasicAuth(r.client.ID, "wrong") }},
		{"unknown client", func(req *http.Request, _ url.Values) { req.SetBasicAuth("nobody", "x") }},
	}
	for _, a := range attackers {
		t.Run(a.name, func(t *testing.T) {
			// Before the rightful redemption: the code survives.
			f := newFlow(r)
			code := e.code(t, r, f, identity())
			if got := post(t, code, f.verifier, a.auth); got.status != http.StatusUnauthorized || !strings.Contains(got.body, "invalid_client") {
				t.Fatalf("unauthenticated redemption: %d %s", got.status, got.body)
			}
			tok, err := r.exchange(t.Context(), e, code, f.verifier)
			if err != nil {
				t.Fatalf("the client's own redemption after an unauthenticated attempt: %v", err)
			}
			// After it: the tokens survive an unauthenticated replay.
			if got := post(t, code, f.verifier, a.auth); got.status != http.StatusUnauthorized {
				t.Fatalf("unauthenticated replay: %d %s", got.status, got.body)
			}
			ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
			if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
				t.Errorf("an unauthenticated replay revoked the client's tokens: %v", err)
			}
		})
	}
}

// doAuth posts form to the token endpoint with an Authorization header.
func doAuth(t *testing.T, e *env, form url.Values, authz string) resp {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.url+oidc.PathToken, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", authz)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header.Get("Location"), string(b), res.Header}
}

// TestPublicLoopbackClient: a PKCE-only public client on a loopback http
// redirect URI (what `chainid clients add --public --redirect-uri
// http://127.0.0.1:3000/cb` registers) can sign in, with the exact URI only.
func TestPublicLoopbackClient(t *testing.T) {
	e := newEnv(t)
	const cb = "http://127.0.0.1:3000/cb"
	pub := e.addRP(t, oidc.ClientSpec{Public: true, RedirectURIs: []string{cb}})
	f := newFlow(pub)
	b := e.browser(t)
	id := e.authorize(t, b, f.authURL)
	u := e.login(t, b, id, identity())
	if got := u.Scheme + "://" + u.Host + u.Path; got != cb || u.Query().Get("code") == "" {
		t.Fatalf("callback %s", u)
	}
	if _, err := pub.exchange(t.Context(), e, u.Query().Get("code"), f.verifier); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"http://127.0.0.1:3001/cb", "http://localhost:3000/cb", "http://127.0.0.1:3000/cb/"} {
		q := authParams(pub)
		q.Set("redirect_uri", v)
		q.Set("code_challenge", strings.Repeat("A", 43))
		q.Set("code_challenge_method", "S256")
		if got := do(t, e.browser(t), http.MethodGet, e.url+"/authorize?"+q.Encode(), nil); got.status != http.StatusBadRequest || got.loc != "" {
			t.Errorf("redirect_uri %s: %d %q", v, got.status, got.loc)
		}
	}
}
