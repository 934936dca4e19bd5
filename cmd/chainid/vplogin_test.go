package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/vplogin"
	"github.com/chainid/chainid/wallet"
)

const personSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.example/person",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "name": {"type": "string"},
    "email": {"type": "string"},
    "nationality": {"type": "string"},
    "birthdate": {"type": "string", "format": "date"}
  },
  "required": ["name", "email"],
  "additionalProperties": false
}`

// vpRP is a relying party (go-oidc over the server's discovery) and a
// browser (a cookie jar that does not follow redirects) for credential
// logins.
type vpRP struct {
	base     string
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	provider *gooidc.Provider
}

func newVPRP(t *testing.T, data, base, name string, scopes ...string) *vpRP {
	t.Helper()
	var created struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	args := []string{"--data", data, "clients", "add", "--redirect-uri", "http://127.0.0.1:9/callback", "--name", name}
	if name == "Public" {
		args = append(args, "--subject-type", "public")
	}
	cliJSON(t, nil, &created, args...)
	p, err := gooidc.NewProvider(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	return &vpRP{base: base, provider: p,
		oauth: oauth2.Config{ClientID: created.ID, ClientSecret: created.Secret, Endpoint: p.Endpoint(),
			RedirectURL: "http://127.0.0.1:9/callback", Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)},
		verifier: p.Verifier(&gooidc.Config{ClientID: created.ID})}
}

// vpLogin is one login in progress in one browser.
type vpLogin struct {
	rp                 *vpRP
	c                  *http.Client
	id                 string
	state, nonce, pkce string
	page               string // the login page (HTML)
	status             int    // the login page's status
	cross, same        string // the request URIs shown
}

var (
	walletLink = regexp.MustCompile(`id="vplogin-wallet" href="([^"]+)"`)
	crossURI   = regexp.MustCompile(`<summary>Request URI</summary><p><code>([^<]+)</code>`)
)

func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// start authorizes (extra auth URL options allowed) up to the provider's
// login page and opens the credential login page.
func (rp *vpRP) start(t *testing.T, opts ...oauth2.AuthCodeOption) *vpLogin {
	t.Helper()
	l := &vpLogin{rp: rp, c: newBrowser(), state: "st" + fmt.Sprint(time.Now().UnixNano()),
		nonce: "n" + fmt.Sprint(time.Now().UnixNano()), pkce: oauth2.GenerateVerifier()}
	next := rp.oauth.AuthCodeURL(l.state, append(opts, gooidc.Nonce(l.nonce), oauth2.S256ChallengeOption(l.pkce))...)
	for i := 0; i < 5 && l.id == ""; i++ {
		status, h, _ := get(t, l.c, next)
		u, _ := url.Parse(next)
		if u.Path == "/oidc/login" {
			l.id = u.Query().Get("id")
			break
		}
		if status/100 != 3 {
			t.Fatalf("authorize: %d at %s", status, next)
		}
		loc, err := u.Parse(h.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		next = loc.String()
	}
	if l.id == "" {
		t.Fatal("no login page")
	}
	status, _, body := get(t, l.c, rp.base+"/oidc/login?id="+url.QueryEscape(l.id))
	if status != 200 || !strings.Contains(body, "Present a credential") {
		t.Fatalf("provider login page %d lists no credential login:\n%s", status, body)
	}
	var h http.Header
	l.status, h, l.page = get(t, l.c, rp.base+vplogin.PathLogin+"?id="+url.QueryEscape(l.id))
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	if l.status == 200 {
		m1, m2 := walletLink.FindStringSubmatch(l.page), crossURI.FindStringSubmatch(l.page)
		if m1 == nil || m2 == nil || strings.Contains(l.page, "<script>") {
			t.Fatalf("login page:\n%s", l.page)
		}
		l.same, l.cross = html.UnescapeString(m1[1]), html.UnescapeString(m2[1])
	}
	return l
}

func (l *vpLogin) pollState(t *testing.T) string {
	t.Helper()
	status, _, body := get(t, l.c, l.rp.base+vplogin.PathState+"?id="+url.QueryEscape(l.id))
	var st vplogin.StateResponse
	if status != 200 || json.Unmarshal([]byte(body), &st) != nil {
		t.Fatalf("state: %d %s", status, body)
	}
	return st.State
}

func (l *vpLogin) finish(t *testing.T, code string) (int, string, string) {
	t.Helper()
	form := url.Values{"id": {l.id}}
	if code != "" {
		form.Set("response_code", code)
	}
	status, h, body := post(t, l.c, l.rp.base+vplogin.PathFinish, form)
	return status, h.Get("Location"), body
}

// consentAndToken approves the consent page, redeems the code with go-oidc
// and returns the ID token's claims and the userinfo claims.
func (l *vpLogin) consentAndToken(t *testing.T, consent string) (map[string]any, map[string]any) {
	t.Helper()
	status, _, body := get(t, l.c, consent)
	csrf := csrfField.FindStringSubmatch(body)
	if status != 200 || csrf == nil {
		t.Fatalf("consent page %d:\n%s", status, body)
	}
	status, h, _ := post(t, l.c, l.rp.base+"/oidc/consent", url.Values{"id": {l.id}, "csrf": {csrf[1]}, "action": {"approve"}})
	cb, err := url.Parse(h.Get("Location"))
	if status != http.StatusFound && status != http.StatusSeeOther || err != nil || cb.Query().Get("code") == "" || cb.Query().Get("state") != l.state {
		t.Fatalf("consent: %d %q", status, h.Get("Location"))
	}
	ctx := context.Background()
	tok, err := l.rp.oauth.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(l.pkce))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := l.rp.verifier.Verify(ctx, raw)
	if err != nil || idt.Nonce != l.nonce {
		t.Fatalf("ID token: %v (nonce %q)", err, idt.Nonce)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	ui, err := l.rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	if err := ui.Claims(&info); err != nil {
		t.Fatal(err)
	}
	return claims, info
}

// personWallet gives a new CLI wallet an SD-JWT VC of the person schema
// (which must be registered) for Erika Mustermann, erika@example.com, issued
// by the server at base over OpenID4VCI, and returns a function that
// answers a presentation request URI with it (`chainid wallet present URI`).
func personWallet(t *testing.T, data, base string) func(uri string) (wallet.PresentResult, error) {
	t.Helper()
	key := strings.TrimSpace(mustCLI(t, "--data", data, "apikey", "create"))
	wflags := []string{"wallet", "--wallet", filepath.Join(t.TempDir(), "wallet"), "--insecure-http"}
	var holder struct{ DID string }
	cliJSON(t, nil, &holder, append(wflags, "init")...)
	offer := decodeAs[api.OfferInfo](t, call(t, http.MethodPost, base+"/v1/credential-offers", key, map[string]any{
		"schema":  "https://schemas.example/person",
		"subject": json.RawMessage(`{"name":"Erika Mustermann","email":"erika@example.com","nationality":"DE","birthdate":"1990-05-01"}`)}),
		http.StatusCreated)
	mustCLI(t, append(wflags, "receive", offer.URI)...)
	return func(uri string) (wallet.PresentResult, error) {
		t.Helper()
		var res wallet.PresentResult
		out, stderr, err := cli(t, nil, append(wflags, "present", uri, "--json")...)
		if err != nil {
			return res, &cliError{err, stderr}
		}
		return res, json.Unmarshal([]byte(out), &res)
	}
}

// TestVPLogin signs in to an OIDC client (go-oidc) by presenting an SD-JWT
// VC from the CLI wallet over OpenID4VP, cross-device and same-device, and
// checks the refusals: a presentation or response code of another login,
// an expired request, a response code redeemed twice, another browser and
// a claim that cannot be mapped.
func TestVPLogin(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := t.TempDir()
	base := startIssuerServer(t, data)
	flags := []string{"--data", data}
	schemaFile := filepath.Join(dir, "person.json")
	if err := os.WriteFile(schemaFile, []byte(personSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, append(flags, "schema", "add", schemaFile)...)
	present := personWallet(t, data, base)

	rp := newVPRP(t, data, base, "Email app", "email")

	t.Run("cross-device", func(t *testing.T) {
		l := rp.start(t)
		if l.status != 200 || !strings.HasPrefix(l.cross, "openid4vp://") || !strings.HasPrefix(l.same, "openid4vp://") || l.cross == l.same {
			t.Fatalf("login page %d: cross %q same %q", l.status, l.cross, l.same)
		}
		if status, h, body := get(t, l.c, base+vplogin.PathQR+"?id="+url.QueryEscape(l.id)); status != 200 ||
			h.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
			t.Fatalf("qr: %d %v", status, h)
		}
		if s := l.pollState(t); s != "pending" {
			t.Fatalf("state %q", s)
		}
		if status, _, _ := l.finish(t, ""); status != http.StatusConflict {
			t.Fatalf("finish before the wallet answered: %d", status)
		}
		// Another browser may not poll, finish or see this login.
		other := &vpLogin{rp: rp, c: newBrowser(), id: l.id}
		if status, _, body := other.finish(t, ""); status != http.StatusForbidden || !strings.Contains(body, "another browser") {
			t.Fatalf("finish from another browser: %d %s", status, body)
		}
		res, err := present(l.cross)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Presented) != 1 || strings.Join(res.Presented[0].Disclose, ",") != "/email" {
			t.Fatalf("presented %+v", res)
		}
		if s := l.pollState(t); s != "verified" {
			t.Fatalf("state %q", s)
		}
		status, consent, body := l.finish(t, "")
		if status != http.StatusSeeOther {
			t.Fatalf("finish: %d %s", status, body)
		}
		claims, info := l.consentAndToken(t, consent)
		if claims["email"] != "erika@example.com" || info["email"] != "erika@example.com" {
			t.Fatalf("claims %v userinfo %v", claims, info)
		}
		for _, m := range []map[string]any{claims, info} {
			for _, undisclosed := range []string{"name", "nationality", "birthdate", "zk_nullifier", "did"} {
				if _, ok := m[undisclosed]; ok {
					t.Fatalf("%s leaked: %v", undisclosed, m)
				}
			}
			if s, _ := m["sub"].(string); s == "" || strings.HasPrefix(s, "did:") {
				t.Fatalf("sub %q is not pairwise", s)
			}
		}
		if amr := fmt.Sprint(claims["amr"]); !strings.Contains(amr, "openid4vp") {
			t.Fatalf("amr %v", claims["amr"])
		}
		// The login is complete and its code redeemed: finishing again is
		// refused (the authorization request is gone).
		if status, _, _ := l.finish(t, ""); status != http.StatusNotFound {
			t.Fatalf("second finish: %d", status)
		}
	})

	t.Run("same-device", func(t *testing.T) {
		a, b := rp.start(t), rp.start(t)
		res, err := present(a.same)
		if err != nil {
			t.Fatal(err)
		}
		ret, code, ok := strings.Cut(res.RedirectURI, "#response_code=")
		if !ok || ret != base+vplogin.PathReturn+"?id="+url.QueryEscape(a.id) {
			t.Fatalf("redirect %q", res.RedirectURI)
		}
		if status, h, body := get(t, a.c, ret); status != 200 || !strings.Contains(body, `name="response_code"`) ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("return page %d", status)
		}
		// A's response code does not finish login B (another request).
		if status, _, body := b.finish(t, code); status != http.StatusBadRequest || !strings.Contains(body, "response code") {
			t.Fatalf("code of another login: %d %s", status, body)
		}
		// Nor does A's presentation: B's requests are still unanswered.
		if status, _, _ := b.finish(t, ""); status != http.StatusConflict {
			t.Fatalf("presentation of another login: %d", status)
		}
		if status, _, _ := a.finish(t, code+"x"); status != http.StatusBadRequest {
			t.Fatalf("wrong code: %d", status)
		}
		status, consent, body := a.finish(t, code)
		if status != http.StatusSeeOther {
			t.Fatalf("finish: %d %s", status, body)
		}
		if status, _, _ := a.finish(t, code); status != http.StatusConflict && status != http.StatusBadRequest {
			t.Fatalf("code redeemed twice: %d", status)
		}
		claims, _ := a.consentAndToken(t, consent)
		if claims["email"] != "erika@example.com" {
			t.Fatalf("claims %v", claims)
		}
		// B's request takes one answer; a second one is refused.
		if _, err := present(b.cross); err != nil {
			t.Fatal(err)
		}
		if _, err := present(b.cross); err == nil {
			t.Fatal("a second answer to one request was accepted")
		}
	})

	t.Run("unmapped claim", func(t *testing.T) {
		l := rp.start(t, oauth2.SetAuthURLParam("claims", `{"id_token":{"shoe_size":null,"email":null}}`))
		if l.status != http.StatusBadRequest || !strings.Contains(l.page, "shoe_size") || strings.Contains(l.page, "openid4vp://") {
			t.Fatalf("login page %d:\n%s", l.status, l.page)
		}
	})

	t.Run("expired request", func(t *testing.T) {
		mapping := filepath.Join(data, vpLoginMappingFile)
		if err := os.WriteFile(mapping, []byte(`{"claims":{"email":{"format":"dc+sd-jwt","types":["https://schemas.example/person"],"path":["email"]}},
		  "scopes":{"email":["email"]},"requestTTL":"1s"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		l := rp.start(t)
		if err := os.Remove(mapping); err != nil {
			t.Fatal(err)
		}
		if l.status != 200 {
			t.Fatalf("login page %d: %s", l.status, l.page)
		}
		time.Sleep(1500 * time.Millisecond)
		if _, err := present(l.cross); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("present to an expired request: %v", err)
		}
		if status, _, body := l.finish(t, ""); status != http.StatusGone || !strings.Contains(body, "expired") {
			t.Fatalf("finish after expiry: %d %s", status, body)
		}
	})
}

// TestVPLoginZK signs in with a zero-knowledge proof of age_over_18
// (birthDate ≤ today − 18 years) over OpenID4VP: the ID token carries
// age_over_18 and the per-client nullifier, the same for the same person
// at the same client and different at another client, and nothing else.
func TestVPLoginZK(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := t.TempDir()
	flags := []string{"--data", data}
	if _, stderr, err := cli(t, nil, append(flags, "zk", "setup", "--dev")...); err != nil {
		t.Fatalf("zk setup: %v\n%s", err, stderr)
	}
	base := startIssuerServer(t, data)
	walletDir := filepath.Join(t.TempDir(), "wallet")
	wflags := []string{"wallet", "--wallet", walletDir, "--insecure-http", "--zk-keys", filepath.Join(data, zkKeysDir)}
	mustCLI(t, append(wflags, "init")...)
	file, _ := issueZKCredential(t, flags, dir, `{"birthDate":"1990-05-01","level":3}`, filepath.Join(walletDir, zkHolderSecretFile))
	mustCLI(t, append(wflags, "import", file)...)
	present := func(uri string) wallet.PresentResult {
		t.Helper()
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", uri)...)
		return res
	}

	// login signs in at rp through the cross-device or same-device flow
	// and returns the ID token's claims.
	login := func(t *testing.T, rp *vpRP, sameDevice bool, opts ...oauth2.AuthCodeOption) map[string]any {
		t.Helper()
		l := rp.start(t, opts...)
		if l.status != 200 || !strings.Contains(l.page, "zero-knowledge") {
			t.Fatalf("login page %d:\n%s", l.status, l.page)
		}
		var status int
		var consent, body string
		if sameDevice {
			res := present(l.same)
			_, code, _ := strings.Cut(res.RedirectURI, "#response_code=")
			status, consent, body = l.finish(t, code)
		} else {
			present(l.cross)
			if s := l.pollState(t); s != "verified" {
				t.Fatalf("state %q", s)
			}
			status, consent, body = l.finish(t, "")
		}
		if status != http.StatusSeeOther {
			t.Fatalf("finish: %d %s", status, body)
		}
		claims, info := l.consentAndToken(t, consent)
		if info["zk_nullifier"] != claims["zk_nullifier"] || info["age_over_18"] != true {
			t.Fatalf("userinfo %v, ID token %v", info, claims)
		}
		return claims
	}
	shop := newVPRP(t, data, base, "Shop", "age_over_18")
	forum := newVPRP(t, data, base, "Forum")
	asClaim := oauth2.SetAuthURLParam("claims", `{"id_token":{"age_over_18":{"essential":true}}}`)

	first := login(t, shop, false)
	n1, _ := first["zk_nullifier"].(string)
	if first["age_over_18"] != true || n1 == "" {
		t.Fatalf("claims %v", first)
	}
	for _, leaked := range []string{"birthDate", "level", "did", "email"} {
		if _, ok := first[leaked]; ok {
			t.Fatalf("%s leaked: %v", leaked, first)
		}
	}
	again := login(t, shop, true)
	if again["zk_nullifier"] != n1 || again["sub"] != first["sub"] {
		t.Fatalf("same person, same client: nullifier %v sub %v, want %v %v", again["zk_nullifier"], again["sub"], n1, first["sub"])
	}
	other := login(t, forum, false, asClaim)
	if n2, _ := other["zk_nullifier"].(string); n2 == "" || n2 == n1 || other["sub"] == first["sub"] {
		t.Fatalf("another client: nullifier %v sub %v, first %v %v", other["zk_nullifier"], other["sub"], n1, first["sub"])
	}
	// A client with public subjects gets the DID-free ZK subject, and no
	// did claim.
	public := login(t, newVPRP(t, data, base, "Public"), false, asClaim)
	if n3, _ := public["zk_nullifier"].(string); n3 == "" || public["sub"] != "urn:chainid:zk:"+n3 || public["did"] != nil {
		t.Fatalf("public subject: %v", public)
	}
	// age_over_18 cannot be combined with credential claims.
	l := forum.start(t, oauth2.SetAuthURLParam("claims", `{"id_token":{"age_over_18":null,"email":null}}`))
	if l.status != http.StatusBadRequest || !strings.Contains(l.page, "cannot be combined") {
		t.Fatalf("mixed login page %d:\n%s", l.status, l.page)
	}
}

// TestLoginDiscovery checks that the running server's discovery lists the
// claims its login methods issue (SIWE's, the default credential mapping's,
// zk_nullifier) and their scopes, and follows DATA/vplogin.json.
func TestLoginDiscovery(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	base := startServer(t, data)
	discovery := func() (claims, scopes []string) {
		t.Helper()
		status, _, body := get(t, http.DefaultClient, base+"/.well-known/openid-configuration")
		var d struct {
			Claims []string `json:"claims_supported"`
			Scopes []string `json:"scopes_supported"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &d) != nil {
			t.Fatalf("discovery %d %s", status, body)
		}
		return d.Claims, d.Scopes
	}
	claims, scopes := discovery()
	for _, c := range []string{"sub", "did", "amr", "eth_address", "chain_id", "account_did", "eth_contract_wallet",
		"email", "email_verified", "name", "nationality", "age_over_18", "age_over_21", "zk_nullifier"} {
		if !slices.Contains(claims, c) {
			t.Errorf("claims_supported %v lacks %s", claims, c)
		}
	}
	for _, s := range []string{"openid", "offline_access", "email", "age_over_18", "nationality"} {
		if !slices.Contains(scopes, s) {
			t.Errorf("scopes_supported %v lacks %s", scopes, s)
		}
	}
	// Not a scope: the nullifier comes with every ZK login, never on request.
	if slices.Contains(scopes, "zk_nullifier") {
		t.Errorf("scopes_supported %v lists zk_nullifier", scopes)
	}
	// Not yet mapped.
	if slices.Contains(claims, "member") || slices.Contains(scopes, "membership") {
		t.Errorf("discovery lists the mapping file's names before it exists: claims %v scopes %v", claims, scopes)
	}
	if err := os.WriteFile(filepath.Join(data, vpLoginMappingFile), []byte(`{"claims":{"member":{"format":"jwt_vc_json",
	  "types":["MemberCard"],"path":["credentialSubject","member"]}},"scopes":{"membership":["member"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	claims, scopes = discovery()
	if !slices.Contains(claims, "member") || !slices.Contains(scopes, "membership") || !slices.Contains(claims, "email") {
		t.Errorf("with a mapping file: claims %v scopes %v", claims, scopes)
	}
}

// browserRP is a relying party for the real-browser test: go-oidc with a
// "Sign in with chain identity" link, the code flow with PKCE S256, state
// and nonce, and a page showing the subject (#subject) and the ID token's
// claims (#claims), as examples/webapp shows them.
type browserRP struct {
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	issuer   string
	mu       sync.Mutex
	pending  map[string][2]string // state → nonce, PKCE verifier
}

// newBrowserRP registers a client with `chainid clients add` and serves
// the relying party on loopback; it returns its URL.
func newBrowserRP(t *testing.T, data, issuer string, scopes ...string) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	var created struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	cliJSON(t, nil, &created, "--data", data, "clients", "add", "--redirect-uri", base+"/callback", "--name", "Browser test app")
	p, err := gooidc.NewProvider(context.Background(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	rp := &browserRP{issuer: issuer, pending: map[string][2]string{},
		oauth: oauth2.Config{ClientID: created.ID, ClientSecret: created.Secret, Endpoint: p.Endpoint(),
			RedirectURL: base + "/callback", Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)},
		verifier: p.Verifier(&gooidc.Config{ClientID: created.ID})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><title>RP</title><a href="/login">Sign in with chain identity</a>`)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		state, nonce, pkce := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
		rp.mu.Lock()
		rp.pending[state] = [2]string{nonce, pkce}
		rp.mu.Unlock()
		http.Redirect(w, r, rp.oauth.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(pkce)), http.StatusFound)
	})
	mux.HandleFunc("GET /callback", rp.callback)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}

func (rp *browserRP) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rp.mu.Lock()
	p, ok := rp.pending[q.Get("state")]
	delete(rp.pending, q.Get("state"))
	rp.mu.Unlock()
	if !ok || q.Get("iss") != rp.issuer {
		http.Error(w, "unknown state or wrong iss", http.StatusBadRequest)
		return
	}
	tok, err := rp.oauth.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(p[1]))
	if err != nil {
		http.Error(w, "token: "+err.Error(), http.StatusBadGateway)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := rp.verifier.Verify(r.Context(), raw)
	if err != nil || idt.Nonce != p[0] {
		http.Error(w, "ID token refused", http.StatusBadGateway)
		return
	}
	var claims json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, `<!DOCTYPE html><title>Signed in</title><p id="subject">%s</p><pre id="claims">%s</pre>`,
		html.EscapeString(idt.Subject), html.EscapeString(string(claims)))
}

// TestVPLoginBrowser drives Debian's chromium with playwright-core through
// a credential login: the relying party's "Sign in with chain identity",
// the provider's login page, "Present a credential", whose page shows the
// QR code and polls; the test answers the request URI the page shows with
// the CLI wallet, and the page continues to consent and back to the
// relying party, signed in with the email claim. It skips when chromium,
// node or playwright-core are missing, unless CHAINID_INTEROP=1.
func TestVPLoginBrowser(t *testing.T) {
	chromium, node, interop := browserTools(t)
	data, dir := t.TempDir(), t.TempDir()
	base := startIssuerServer(t, data)
	schemaFile := filepath.Join(dir, "person.json")
	if err := os.WriteFile(schemaFile, []byte(personSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, "--data", data, "schema", "add", schemaFile)
	present := personWallet(t, data, base)
	rpURL := newBrowserRP(t, data, base, "email")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "browser-vplogin.mjs", rpURL, chromium)
	cmd.Dir = interop
	var nodeErr strings.Builder
	cmd.Stderr = &nodeErr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, 1<<20)
	next := func(v any) {
		t.Helper()
		if !lines.Scan() {
			cancel()
			cmd.Wait()
			t.Fatalf("browser-vplogin.mjs ended early: %v\n%s", lines.Err(), nodeErr.String())
		}
		if err := json.Unmarshal(lines.Bytes(), v); err != nil {
			t.Fatalf("output %q: %v", lines.Bytes(), err)
		}
	}
	var shown struct {
		RequestURI string `json:"requestUri"`
	}
	next(&shown)
	res, err := present(shown.RequestURI)
	if err != nil {
		t.Fatalf("present %s: %v\n%s", shown.RequestURI, err, nodeErr.String())
	}
	if len(res.Presented) != 1 || strings.Join(res.Presented[0].Disclose, ",") != "/email" {
		t.Fatalf("presented %+v", res)
	}
	var got struct {
		Subject string         `json:"subject"`
		Claims  map[string]any `json:"claims"`
		Errors  []string       `json:"errors"`
	}
	next(&got)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("browser-vplogin.mjs: %v\n%s", err, nodeErr.String())
	}
	if got.Claims["email"] != "erika@example.com" || got.Subject == "" || got.Claims["sub"] != got.Subject {
		t.Fatalf("signed in as %q with %v\n%s", got.Subject, got.Claims, nodeErr.String())
	}
	if amr := fmt.Sprint(got.Claims["amr"]); !strings.Contains(amr, "openid4vp") {
		t.Fatalf("amr %v", got.Claims["amr"])
	}
	for _, undisclosed := range []string{"name", "nationality", "birthdate"} {
		if _, ok := got.Claims[undisclosed]; ok {
			t.Fatalf("%s leaked: %v", undisclosed, got.Claims)
		}
	}
	if len(got.Errors) > 0 {
		t.Fatalf("page errors: %v", got.Errors)
	}
	t.Logf("browser: %s", nodeErr.String())
}
