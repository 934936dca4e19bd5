package oidc_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/internal/nodetest"
)

// TestInteropOpenIDClient runs the code flow with openid-client (npm) as the
// relying party; the Go side plays the browser and completes the login.
func TestInteropOpenIDClient(t *testing.T) {
	peers := nodetest.Require(t, "openid-client")
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{Name: "openid-client"})
	type input struct {
		Step         string `json:"step"`
		Issuer       string `json:"issuer"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		RedirectURI  string `json:"redirectUri,omitempty"`
		Callback     string `json:"callback,omitempty"`
		Verifier     string `json:"verifier,omitempty"`
		State        string `json:"state,omitempty"`
		Nonce        string `json:"nonce,omitempty"`
	}
	in := input{Step: "authorize", Issuer: e.url, ClientID: r.client.ID, ClientSecret: r.secret, RedirectURI: redirect}
	var start struct{ Authorize, Verifier, State, Nonce string }
	peers.Run(t, "op-openid-client.mjs", in, &start)

	b := e.browser(t)
	id := e.authorize(t, b, start.Authorize)
	lr, err := e.p.LoginRequest(t.Context(), withCookies(t, b, e.url), id)
	if err != nil || len(lr.Claims) != 1 || lr.Claims[0] != "age_over_18" {
		t.Fatalf("LoginRequest %+v %v, want claims [age_over_18]", lr, err)
	}
	cb := e.login(t, b, id, identity())

	in = input{Step: "callback", Issuer: e.url, ClientID: r.client.ID, ClientSecret: r.secret,
		Callback: cb.String(), Verifier: start.Verifier, State: start.State, Nonce: start.Nonce}
	var res struct {
		Sub      string
		Claims   map[string]any
		Userinfo map[string]any
		Replay   string
	}
	peers.Run(t, "op-openid-client.mjs", in, &res)
	if res.Sub == "" || res.Sub == testDID || fmt.Sprint(res.Claims["aud"]) != "["+r.client.ID+"]" || res.Claims["age_over_18"] != true {
		t.Errorf("id token claims %v", res.Claims)
	}
	if res.Userinfo["sub"] != res.Sub || res.Userinfo["nullifier"] != "n-123" {
		t.Errorf("userinfo %v", res.Userinfo)
	}
	if res.Replay != "invalid_grant" {
		t.Errorf("replayed code: %q, want invalid_grant", res.Replay)
	}
}

// withCookies is a request carrying the browser's cookies for base.
func withCookies(t *testing.T, b *http.Client, base string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, base+"/siwe", nil)
	u, _ := url.Parse(base)
	for _, c := range b.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	return req
}
