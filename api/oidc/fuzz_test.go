package oidc_test

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chainid/chainid/api/oidc"
)

// FuzzCheckRedirectURI checks the invariants of an accepted redirect URI:
// it prints back unchanged, has a non-empty host (IPv6 in brackets), a
// port (if any) of 1 to 65535, no user info or fragment, and
// is https, or http on "localhost" or a loopback IP literal.
func FuzzCheckRedirectURI(f *testing.F) {
	for _, s := range []string{"https://rp.example/cb", "http://127.0.0.1:8080/cb?x=1", "http://[::1]/cb",
		"http://localhost/cb", "http://127.evil.example/cb", "https://u@rp.example/cb", "https://rp.example/cb#f",
		"https://rp.example:8443\\@evil/cb", "http://[::ffff:127.0.0.1]/cb", "https://rp.example/%2e%2e/cb",
		"https://:443/cb", "https://rp.example:/cb", "https://rp.example:99999/cb", "https://::1/cb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if oidc.CheckRedirectURI(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("accepted %q that does not parse: %v", raw, err)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("accepted port %q in %q", p, raw)
			}
		}
		if strings.HasSuffix(u.Host, ":") || (strings.Contains(u.Hostname(), ":") && !strings.HasPrefix(u.Host, "[")) {
			t.Fatalf("accepted host %q in %q", u.Host, raw)
		}
		if u.String() != raw || u.Hostname() == "" || u.User != nil || u.Fragment != "" || strings.ContainsAny(raw, "\\#") {
			t.Fatalf("accepted %q (%#v)", raw, u)
		}
		switch u.Scheme {
		case "https":
		case "http":
			h := u.Hostname()
			a, err := netip.ParseAddr(h)
			if h != "localhost" && (err != nil || !a.Unmap().IsLoopback()) {
				t.Fatalf("accepted http on a non-loopback host: %q", raw)
			}
		default:
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
	})
}
