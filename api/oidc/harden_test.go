package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/chainid/chainid/api/oidc"
)

// refresh exchanges a refresh token at the token endpoint.
func (r *rp) refresh(ctx context.Context, e *env, rt string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, e.srv.Client())
	return r.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
}

// TestRefreshTokenReuseRevokesFamily: a refresh token is single-use; the
// rotated token presented again revokes every token of its grant, the
// newest access and refresh tokens included.
func TestRefreshTokenReuseRevokesFamily(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	f := newFlow(r, oauth2.SetAuthURLParam("scope", "openid offline_access"))
	tok0, err := r.exchange(t.Context(), e, e.code(t, r, f, identity()), f.verifier)
	if err != nil || tok0.RefreshToken == "" {
		t.Fatalf("exchange: %v (refresh token %q)", err, tok0.RefreshToken)
	}
	tok1, err := r.refresh(t.Context(), e, tok0.RefreshToken)
	if err != nil || tok1.RefreshToken == "" || tok1.RefreshToken == tok0.RefreshToken {
		t.Fatalf("first refresh: %v (refresh token rotated: %v)", err, tok1 != nil && tok1.RefreshToken != tok0.RefreshToken)
	}
	tok2, err := r.refresh(t.Context(), e, tok1.RefreshToken)
	if err != nil {
		t.Fatalf("second refresh: %v", err)
	}
	ctx := gooidc.ClientContext(t.Context(), e.srv.Client())
	if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok2)); err != nil {
		t.Fatalf("userinfo with the newest token: %v", err)
	}

	// The first, rotated refresh token comes back (a thief's copy).
	_, err = r.refresh(t.Context(), e, tok0.RefreshToken)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reused refresh token: %v, want invalid_grant", err)
	}
	for name, tok := range map[string]*oauth2.Token{"first": tok0, "second": tok1, "newest": tok2} {
		if _, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			t.Errorf("%s access token still works after the reuse", name)
		}
	}
	if _, err := r.refresh(t.Context(), e, tok2.RefreshToken); err == nil {
		t.Error("newest refresh token still works after the reuse")
	}

	// Another grant of the same client is untouched.
	f2 := newFlow(r, oauth2.SetAuthURLParam("scope", "openid offline_access"))
	other, err := r.exchange(t.Context(), e, e.code(t, r, f2, identity()), f2.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.refresh(t.Context(), e, other.RefreshToken); err != nil {
		t.Errorf("refresh of another grant: %v", err)
	}
}

// browserCookie returns the provider's binding cookie set by a response.
func browserCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "chainid-oidc" {
			return c
		}
	}
	t.Fatalf("no chainid-oidc cookie in %v", h["Set-Cookie"])
	return nil
}

// TestAuthorizeRotatesBrowserCookie: every /authorize binds its request to
// a fresh cookie value, so a value planted in (or read from) the browser
// before the login never matches the new request.
func TestAuthorizeRotatesBrowserCookie(t *testing.T) {
	e := newEnv(t)
	r := e.addRP(t, oidc.ClientSpec{})
	planted := strings.Repeat("A", 43)
	b := e.browser(t)
	u, _ := url.Parse(e.url)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "chainid-oidc", Value: planted, Path: "/"}})

	res := do(t, b, http.MethodGet, newFlow(r).authURL, nil)
	if res.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.status, res.body)
	}
	c1 := browserCookie(t, res.header)
	if c1.Value == planted || !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || c1.Path != "/" {
		t.Fatalf("cookie %+v: planted value kept or attributes wrong", c1)
	}
	loc, _ := url.Parse(res.loc)
	id := loc.Query().Get("id")

	// The attacker holding the planted value cannot act on the request.
	req := httptest.NewRequest(http.MethodGet, e.url+"/siwe", nil)
	req.AddCookie(&http.Cookie{Name: "chainid-oidc", Value: planted})
	if _, err := e.p.LoginRequest(t.Context(), req, id); !errors.Is(err, oidc.ErrWrongBrowser) {
		t.Fatalf("LoginRequest with the planted value: %v, want ErrWrongBrowser", err)
	}
	// The browser itself can.
	if _, err := e.p.LoginRequest(t.Context(), withCookies(t, b, e.url), id); err != nil {
		t.Fatalf("LoginRequest from the browser: %v", err)
	}
	// The next /authorize in the same browser gets another value.
	res = do(t, b, http.MethodGet, newFlow(r).authURL, nil)
	if c2 := browserCookie(t, res.header); c2.Value == c1.Value {
		t.Fatal("second /authorize kept the cookie value")
	}
}
