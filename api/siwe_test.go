package api_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/siwe"
)

// siweBackend is api.SIWE over real siwe.Logins and a bbolt store; the
// OpenID provider's part is reduced to one pending request, "req-1", and
// CompleteLogin to a fixed next page.
type siweBackend struct {
	logins *siwe.Logins
}

func (b *siweBackend) check(id string) error {
	if id != "req-1" {
		return fmt.Errorf("%w: %q", api.ErrSIWEUnknownRequest, id)
	}
	return nil
}

func (b *siweBackend) SIWELoginRequest(_ context.Context, _ *http.Request, id string) (api.SIWERequest, error) {
	return api.SIWERequest{ClientName: "Example <App>"}, b.check(id)
}

func (b *siweBackend) SIWEChallenge(ctx context.Context, _ *http.Request, session, id string) (siwe.Challenge, error) {
	if err := b.check(id); err != nil {
		return siwe.Challenge{}, err
	}
	return b.logins.Challenge(ctx, session, id)
}

func (b *siweBackend) SIWELogin(ctx context.Context, _ *http.Request, session string, in api.SIWELoginInput) (api.SIWELoginResult, error) {
	if err := b.check(in.ID); err != nil {
		return api.SIWELoginResult{}, err
	}
	sig, err := siwe.ParseSignature(in.Signature)
	if err != nil {
		return api.SIWELoginResult{}, err
	}
	res, err := b.logins.Login(ctx, session, in.ID, in.Message, sig, in.DID)
	if err != nil {
		return api.SIWELoginResult{}, err
	}
	return api.SIWELoginResult{Redirect: "/next?sub=" + url.QueryEscape(res.Subject), Subject: res.Subject}, nil
}

func newSIWEServer(t *testing.T) *httptest.Server {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	v, err := siwe.New(siwe.Config{Chains: []siwe.Chain{{ID: 1337}}})
	if err != nil {
		t.Fatal(err)
	}
	logins, err := siwe.NewLogins(v, st.SIWENonces(), siwe.LoginConfig{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	h, err := api.New(api.Config{Resolver: &fakeResolver{}, PublicURL: base, SIWE: &siweBackend{logins: logins}})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func getChallenge(t *testing.T, c *http.Client, base, query string) (int, map[string]any) {
	t.Helper()
	resp, err := c.Get(base + "/siwe/nonce?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// signChallenge builds the message as the page's script does and signs it.
func signChallenge(t *testing.T, key *ecdsa.PrivateKey, ch map[string]any) (string, string) {
	t.Helper()
	c := siwe.Challenge{Scheme: ch["scheme"].(string), Domain: ch["domain"].(string), URI: ch["uri"].(string),
		Statement: ch["statement"].(string), ChainID: uint64(ch["chainId"].(float64)), Nonce: ch["nonce"].(string),
		IssuedAt: ch["issuedAt"].(string), ExpirationTime: ch["expirationTime"].(string), RequestID: ch["requestId"].(string)}
	m, err := c.Message(crypto.PubkeyToAddress(key.PublicKey).Hex())
	if err != nil {
		t.Fatal(err)
	}
	text := m.String()
	sig, err := crypto.Sign(accounts.TextHash([]byte(text)), key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return text, "0x" + hex.EncodeToString(sig)
}

func TestSIWERoutes(t *testing.T) {
	ts := newSIWEServer(t)
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("api siwe test")))
	addr := crypto.PubkeyToAddress(key.PublicKey).Hex()

	t.Run("page", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/siwe/login?id=req-1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Sign in with Ethereum") ||
			!strings.Contains(string(body), "Example &lt;App&gt;") || strings.Contains(string(body), "<script>") {
			t.Fatalf("status %d body %s", resp.StatusCode, body)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}
		resp, err = http.Get(ts.URL + "/siwe/login?id=nope")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown request: status %d", resp.StatusCode)
		}
	})
	t.Run("script", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/siwe/siwe.js")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
	t.Run("json login, then replay", func(t *testing.T) {
		c := browser(t)
		status, ch := getChallenge(t, c, ts.URL, "id=req-1&chainId=1337&address="+strings.ToLower(addr))
		if status != 200 || ch["address"] != addr {
			t.Fatalf("status %d challenge %v", status, ch)
		}
		text, sig := signChallenge(t, key, ch)
		body, _ := json.Marshal(api.SIWELoginInput{ID: "req-1", Message: text, Signature: sig})
		post := func() *http.Response {
			resp, err := c.Post(ts.URL+"/siwe/login", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		resp := post()
		var res api.SIWELoginResult
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if resp.StatusCode != 200 || res.Subject != "did:pkh:eip155:1337:"+addr {
			t.Fatalf("status %d result %+v", resp.StatusCode, res)
		}
		resp = post()
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("replay: status %d", resp.StatusCode)
		}
	})
	t.Run("form login redirects", func(t *testing.T) {
		c := browser(t)
		_, ch := getChallenge(t, c, ts.URL, "id=req-1")
		text, sig := signChallenge(t, key, ch)
		resp, err := c.PostForm(ts.URL+"/siwe/login", url.Values{"id": {"req-1"}, "message": {text}, "signature": {sig}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/next?sub=did") {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	refusals := []struct {
		name   string
		status int
		edit   func(text, sig string) (string, string)
		client func(t *testing.T) *http.Client // another session
	}{
		{name: "nonce from another session", status: 403, client: browser},
		{name: "another domain", status: 403, edit: func(text, sig string) (string, string) {
			text = strings.Replace(text, "127.0.0.1", "127.0.0.2", 1)
			return text, sig
		}},
		{name: "bad signature", status: 403, edit: func(text, sig string) (string, string) {
			return text, sig[:10] + strings.Repeat("0", len(sig)-10)
		}},
		{name: "signature not hex", status: 400, edit: func(text, sig string) (string, string) { return text, "zz" }},
		{name: "garbage message", status: 400, edit: func(text, sig string) (string, string) { return "hello", sig }},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			c := browser(t)
			_, ch := getChallenge(t, c, ts.URL, "id=req-1")
			text, sig := signChallenge(t, key, ch)
			if r.edit != nil {
				text, sig = r.edit(text, sig)
			}
			if r.client != nil {
				c = r.client(t)
				getChallenge(t, c, ts.URL, "id=req-1") // its own session cookie
			}
			body, _ := json.Marshal(api.SIWELoginInput{ID: "req-1", Message: text, Signature: sig})
			resp, err := c.Post(ts.URL+"/siwe/login", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != r.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, r.status, b)
			}
			t.Log(string(b))
		})
	}
	t.Run("chain not accepted", func(t *testing.T) {
		status, _ := getChallenge(t, browser(t), ts.URL, "id=req-1&chainId=5")
		if status != http.StatusForbidden {
			t.Fatalf("status %d", status)
		}
	})
	t.Run("no session cookie", func(t *testing.T) {
		body, _ := json.Marshal(api.SIWELoginInput{ID: "req-1", Message: "x", Signature: "0x00"})
		resp, err := http.Post(ts.URL+"/siwe/login", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestSIWENotConfigured(t *testing.T) {
	ts := newTestServer(t, nil)
	resp := ts.get(t, "/siwe/nonce?id=x", nil)
	wantProblem(t, resp, http.StatusNotImplemented, "not-implemented")
}

// TestSIWESessionCookie checks the cookie's attributes and that the server
// refuses session ids it did not issue.
func TestSIWESessionCookie(t *testing.T) {
	ts := newSIWEServer(t)
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("api siwe cookie test")))

	t.Run("attributes over http", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/siwe/nonce?id=req-1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cs := resp.Cookies()
		if len(cs) != 1 || cs[0].Name != "chainid_siwe" || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode ||
			cs[0].Path != "/" || cs[0].Secure {
			t.Fatalf("cookies %+v", cs)
		}
	})
	t.Run("attributes over https", func(t *testing.T) {
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		v, _ := siwe.New(siwe.Config{Chains: []siwe.Chain{{ID: 1337}}})
		logins, err := siwe.NewLogins(v, st.SIWENonces(), siwe.LoginConfig{BaseURL: "https://id.example"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := api.New(api.Config{Resolver: &fakeResolver{}, PublicURL: "https://id.example", SIWE: &siweBackend{logins: logins}})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://id.example/siwe/nonce?id=req-1", nil))
		cs := rec.Result().Cookies()
		if rec.Code != 200 || len(cs) != 1 || cs[0].Name != "__Host-chainid_siwe" || !cs[0].Secure || !cs[0].HttpOnly ||
			cs[0].SameSite != http.SameSiteLaxMode || cs[0].Path != "/" || cs[0].Domain != "" {
			t.Fatalf("status %d cookies %+v", rec.Code, cs)
		}
	})
	// A session id the server did not issue: a nonce fetched with it is
	// bound to a fresh server-issued session instead, and a login that
	// presents it is refused.
	t.Run("forged session refused", func(t *testing.T) {
		const forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/siwe/nonce?id=req-1", nil)
		req.AddCookie(&http.Cookie{Name: "chainid_siwe", Value: forged})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var ch map[string]any
		json.NewDecoder(resp.Body).Decode(&ch)
		resp.Body.Close()
		cs := resp.Cookies()
		if resp.StatusCode != 200 || len(cs) != 1 || cs[0].Value == forged || strings.HasPrefix(cs[0].Value, forged) {
			t.Fatalf("status %d: forged session kept, cookies %+v", resp.StatusCode, cs)
		}
		text, sig := signChallenge(t, key, ch)
		body, _ := json.Marshal(api.SIWELoginInput{ID: "req-1", Message: text, Signature: sig})
		for _, value := range []string{forged, forged + ".AAAA", strings.SplitN(cs[0].Value, ".", 2)[0]} {
			req, _ = http.NewRequest(http.MethodPost, ts.URL+"/siwe/login", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.AddCookie(&http.Cookie{Name: "chainid_siwe", Value: value})
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "no valid SIWE session") {
				t.Fatalf("cookie %q: status %d %s", value, resp.StatusCode, b)
			}
		}
		// The issued cookie itself logs in.
		req, _ = http.NewRequest(http.MethodPost, ts.URL+"/siwe/login", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(cs[0])
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("issued cookie: status %d", resp.StatusCode)
		}
	})
}
