package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	"golang.org/x/oauth2"

	"github.com/chainid/chainid/verifier/siwe"
)

// siweRP is a relying party for the SIWE login tests: a client registered
// through `chainid clients add` and go-oidc over the server's discovery.
type siweRP struct {
	base     string
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

func newSIWERP(t testing.TB, data, base, redirect, subjectType string) *siweRP {
	t.Helper()
	args := []string{"--data", data, "--json", "clients", "add", "--redirect-uri", redirect, "--name", "SIWE test app"}
	if subjectType != "" {
		args = append(args, "--subject-type", subjectType)
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, append([]string{"chainid"}, args...), func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("clients add: %v %s", err, stderr.String())
	}
	out := stdout.String()
	var created struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ID == "" {
		t.Fatalf("clients add output %q: %v", out, err)
	}
	p, err := gooidc.NewProvider(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	return &siweRP{
		base: base,
		oauth: oauth2.Config{ClientID: created.ID, ClientSecret: created.Secret, Endpoint: p.Endpoint(),
			RedirectURL: redirect, Scopes: []string{gooidc.ScopeOpenID, "profile"}},
		verifier: p.Verifier(&gooidc.Config{ClientID: created.ID}),
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// scriptLogin logs in as key without a browser, exactly as the login
// page's script does: authorize, GET /siwe/nonce, personal_sign, POST
// /siwe/login, consent, token. It returns the verified ID token's claims.
func (rp *siweRP) scriptLogin(t testing.TB, key *ecdsa.PrivateKey) (map[string]any, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	state, nonce, verifier := "st"+strings.Repeat("x", 16), "nonce"+fmt.Sprint(time.Now().UnixNano()), oauth2.GenerateVerifier()
	next := rp.oauth.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	// Follow the provider's redirects to its login page.
	var loginID string
	for i := 0; i < 5 && loginID == ""; i++ {
		resp, err := c.Get(next)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		u := resp.Request.URL
		if strings.HasSuffix(u.Path, "/oidc/login") {
			loginID = u.Query().Get("id")
			break
		}
		if resp.StatusCode/100 != 3 {
			return nil, fmt.Errorf("authorize: status %d at %s", resp.StatusCode, u)
		}
		loc, err := u.Parse(resp.Header.Get("Location"))
		if err != nil {
			return nil, err
		}
		next = loc.String()
	}
	if loginID == "" {
		return nil, fmt.Errorf("no login page reached")
	}
	// The challenge, bound to this cookie jar's session and the request.
	resp, err := c.Get(rp.base + "/siwe/nonce?id=" + url.QueryEscape(loginID))
	if err != nil {
		return nil, err
	}
	var ch siwe.Challenge
	err = json.NewDecoder(resp.Body).Decode(&ch)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		return nil, fmt.Errorf("nonce: status %d: %v", resp.StatusCode, err)
	}
	m, err := ch.Message(crypto.PubkeyToAddress(key.PublicKey).Hex())
	if err != nil {
		return nil, err
	}
	text := m.String()
	sig, err := crypto.Sign(accounts.TextHash([]byte(text)), key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	resp, err = c.PostForm(rp.base+"/siwe/login", url.Values{"id": {loginID}, "message": {text}, "signature": {"0x" + hex.EncodeToString(sig)}})
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("siwe login: status %d: %s", resp.StatusCode, body)
	}
	consentURL, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		return nil, err
	}
	// Consent: the page's form with its CSRF token.
	resp, err = c.Get(consentURL.String())
	if err != nil {
		return nil, err
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := csrfField.FindSubmatch(body)
	if resp.StatusCode != 200 || csrf == nil {
		return nil, fmt.Errorf("consent page: status %d", resp.StatusCode)
	}
	resp, err = c.PostForm(rp.base+"/oidc/consent", url.Values{"id": {loginID}, "csrf": {string(csrf[1])}, "action": {"approve"}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || cb.Query().Get("code") == "" {
		return nil, fmt.Errorf("consent: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if cb.Query().Get("state") != state || cb.Query().Get("iss") != rp.base {
		return nil, fmt.Errorf("callback %s: wrong state or iss", cb)
	}
	tok, err := rp.oauth.Exchange(context.Background(), cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, err
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := rp.verifier.Verify(context.Background(), raw)
	if err != nil {
		return nil, err
	}
	if idt.Nonce != nonce {
		return nil, fmt.Errorf("ID token nonce %q", idt.Nonce)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// TestSIWEScriptLogin logs in through the running server without a browser,
// as a script with a key does, and gets an ID token through go-oidc.
func TestSIWEScriptLogin(t *testing.T) {
	data := t.TempDir()
	base := startServer(t, data)
	rp := newSIWERP(t, data, base, "http://127.0.0.1:9/callback", "public")
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("siwe script login")))
	claims, err := rp.scriptLogin(t, key)
	if err != nil {
		t.Fatal(err)
	}
	want := "did:pkh:eip155:1337:" + crypto.PubkeyToAddress(key.PublicKey).Hex()
	if claims["sub"] != want || claims["eth_address"] != crypto.PubkeyToAddress(key.PublicKey).Hex() {
		t.Fatalf("claims %v, want sub %s", claims, want)
	}
	t.Logf("claims %v", claims)
}

// browserTools returns the chromium and node executables and the interop
// directory for the real-browser tests: chromium is $CHAINID_CHROMIUM or
// chromium on PATH. The test skips when one of them or
// interop/node_modules/playwright-core is missing, unless CHAINID_INTEROP=1.
func browserTools(t *testing.T) (chromium, node, interop string) {
	t.Helper()
	chromium, errC := exec.LookPath("chromium")
	if c := os.Getenv("CHAINID_CHROMIUM"); c != "" {
		chromium, errC = c, nil
	}
	node, errN := exec.LookPath("node")
	interop, _ = filepath.Abs("../../interop")
	_, errP := os.Stat(filepath.Join(interop, "node_modules", "playwright-core"))
	if errC != nil || errN != nil || errP != nil {
		if os.Getenv("CHAINID_INTEROP") == "1" {
			t.Fatalf("chromium (%v), node (%v) or interop/node_modules/playwright-core (%v) missing (CHAINID_INTEROP=1)", errC, errN, errP)
		}
		t.Skip("chromium, node or interop/node_modules/playwright-core missing")
	}
	return chromium, node, interop
}

// TestSIWEBrowser runs the example web app and chainid, and drives Debian's
// chromium with playwright-core through "Sign in with chain identity" with
// an injected EIP-1193 wallet. It skips when chromium, node or
// playwright-core are missing, unless CHAINID_INTEROP=1.
func TestSIWEBrowser(t *testing.T) {
	chromium, node, interop := browserTools(t)
	data := t.TempDir()
	base := startServer(t, data)

	// The example app on a port chosen now, registered with that redirect URI.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appAddr := ln.Addr().String()
	ln.Close()
	appURL := "http://" + appAddr
	out, stderr, err := cli(t, nil, "--data", data, "--json", "clients", "add", "--redirect-uri", appURL+"/callback",
		"--name", "Example web app", "--subject-type", "public")
	if err != nil {
		t.Fatalf("clients add: %v %s", err, stderr)
	}
	var created struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "webapp")
	if b, err := exec.Command("go", "build", "-o", bin, "../../examples/webapp").CombinedOutput(); err != nil {
		t.Fatalf("build examples/webapp: %v\n%s", err, b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := exec.CommandContext(ctx, bin, "--issuer", base, "--client-id", created.ID, "--addr", appAddr)
	app.Env = append(os.Environ(), "WEBAPP_CLIENT_SECRET="+created.Secret)
	appLog := &strings.Builder{}
	app.Stdout, app.Stderr = appLog, appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); app.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(appURL + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("example app did not start: %v\n%s", err, appLog)
		}
		time.Sleep(100 * time.Millisecond)
	}

	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("siwe browser login")))
	cmd := exec.CommandContext(ctx, node, "browser-siwe.mjs", appURL, "0x"+hex.EncodeToString(crypto.FromECDSA(key)), "1337", chromium)
	cmd.Dir = interop
	var nodeErr strings.Builder
	cmd.Stderr = &nodeErr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser-siwe.mjs: %v\n%s\napp log:\n%s", err, nodeErr.String(), appLog)
	}
	var got struct {
		Subject string         `json:"subject"`
		Claims  map[string]any `json:"claims"`
	}
	if err := json.Unmarshal(res, &got); err != nil {
		t.Fatalf("output %q: %v", res, err)
	}
	want := "did:pkh:eip155:1337:" + crypto.PubkeyToAddress(key.PublicKey).Hex()
	if got.Subject != want || got.Claims["eth_address"] != crypto.PubkeyToAddress(key.PublicKey).Hex() {
		t.Fatalf("signed in as %q with %v, want %s\n%s", got.Subject, got.Claims, want, nodeErr.String())
	}
	t.Logf("browser: %s", nodeErr.String())
}

// BenchmarkSIWELogin measures complete SIWE logins on loopback, each
// authorize → nonce → personal_sign → /siwe/login → consent → token → ID
// token verification, on 4 concurrent clients (a bounded load: b.N logins
// in all). Report logins/s = b.N / elapsed.
func BenchmarkSIWELogin(b *testing.B) {
	data := b.TempDir()
	// The load comes from one loopback address: turn the per-client rate
	// limit off explicitly, or it would measure the limit.
	cfg := testServeConfig(data)
	cfg.RateLimit = "off"
	base, stop := serveWith(b, cfg)
	defer stop()
	rp := newSIWERP(b, data, base, "http://127.0.0.1:9/callback", "")
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("siwe benchmark")))
	b.SetParallelism(2) // 2 × GOMAXPROCS clients
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := rp.scriptLogin(b, key); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// TestSIWECookieKey checks that the SIWE session cookie key derives from
// the data dir's keystore: two services over the same data agree on it, a
// service over another data dir does not, and a cookie issued before a
// restart of serve is accepted after it (and refused by another server).
func TestSIWECookieKey(t *testing.T) {
	dataA, dataB := t.TempDir(), t.TempDir()
	key := func(t *testing.T, data string) []byte {
		t.Helper()
		cfg := &Config{Data: data, LogLevel: "error", LogFormat: "text"}
		if err := cfg.validateCommon(); err != nil {
			t.Fatal(err)
		}
		svc, err := openServices(context.Background(), cfg, nil, 5*time.Second, cliChainListen)
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		k := svc.siweCookieKey(context.Background())
		if len(k) < 32 {
			t.Fatalf("cookie key %x", k)
		}
		return k
	}
	t.Run("services", func(t *testing.T) {
		a1, a2, b := key(t, dataA), key(t, dataA), key(t, dataB)
		if !bytes.Equal(a1, a2) {
			t.Errorf("same data, different keys: %x %x", a1, a2)
		}
		if bytes.Equal(a1, b) {
			t.Errorf("different data dirs, same key %x", a1)
		}
	})
	t.Run("serve restart", func(t *testing.T) {
		// nonce answers 404 for an unknown login id, but sets the session
		// cookie first when the request has no valid one.
		nonce := func(base, cookie string) *http.Cookie {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, base+"/siwe/nonce?id=unknown", nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusNotImplemented {
				t.Fatal("SIWE is not configured")
			}
			for _, c := range resp.Cookies() {
				if c.Name == "chainid_siwe" {
					return c
				}
			}
			return nil
		}
		base, stop := serveWith(t, testServeConfig(dataA))
		c := nonce(base, "")
		if c == nil {
			t.Fatal("no session cookie issued")
		}
		sent := c.Name + "=" + c.Value
		if nonce(base, sent) != nil {
			t.Fatal("the server replaced its own cookie")
		}
		stop()
		base, stop = serveWith(t, testServeConfig(dataA))
		if got := nonce(base, sent); got != nil {
			t.Errorf("after a restart the cookie was replaced by %q", got.Value)
		}
		stop()
		base, _ = serveWith(t, testServeConfig(dataB))
		if nonce(base, sent) == nil {
			t.Error("a server over another data dir accepted the cookie")
		}
	})
}
