package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/chainid/chainid/api/oidc"
)

// BenchmarkTokenEndpoint measures authorization_code redemptions at
// POST /oauth/token over loopback HTTP (client_secret_basic, PKCE check,
// single-use code, access token + RS256 ID token). The codes are made
// before the timer starts; run with a fixed count, e.g. -benchtime=2000x.
func BenchmarkTokenEndpoint(b *testing.B) {
	e := newEnv(b)
	r := e.addRP(b, oidc.ClientSpec{})
	type pending struct{ code, verifier string }
	codes := make([]pending, b.N)
	for i := range codes {
		f := newFlow(r)
		codes[i] = pending{e.code(b, r, f, identity()), f.verifier}
	}
	client := e.srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := codes[next.Add(1)-1]
			form := url.Values{"grant_type": {"authorization_code"}, "code": {c.code},
				"redirect_uri": {redirect}, "code_verifier": {c.verifier}}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.url+oidc.PathToken, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(url.QueryEscape(r.client.ID), url.QueryEscape(r.secret))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("token: %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkRefresh measures refresh_token grants (rotation included).
func BenchmarkRefresh(b *testing.B) {
	e := newEnv(b)
	r := e.addRP(b, oidc.ClientSpec{})
	f := newFlow(r, oauth2.SetAuthURLParam("scope", "openid offline_access"))
	tok, err := r.exchange(context.Background(), e, e.code(b, r, f, identity()), f.verifier)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.srv.Client())
	rt := tok.RefreshToken
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := r.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
		if err != nil {
			b.Fatal(err)
		}
		rt = t.RefreshToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
