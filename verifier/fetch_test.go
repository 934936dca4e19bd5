package verifier_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainid/chainid/verifier"
)

func TestCheckAddress(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"8.8.8.8:443", true},
		{"[2606:4700::1111]:443", true},
		{"127.0.0.1:443", false},
		{"127.1.2.3:443", false},
		{"[::1]:443", false},
		{"10.0.0.1:443", false},
		{"172.16.5.4:443", false},
		{"192.168.1.1:443", false},
		{"169.254.169.254:80", false}, // cloud metadata
		{"[fe80::1]:443", false},
		{"[fc00::1]:443", false},
		{"[::ffff:127.0.0.1]:443", false},
		{"[::ffff:10.0.0.1]:443", false},
		{"100.64.0.1:443", false},
		{"0.0.0.0:443", false},
		{"224.0.0.1:443", false},
		{"255.255.255.255:443", false},
		{"[64:ff9b::a00:1]:443", false},
		{"not-an-address", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			err := verifier.CheckAddress(tc.addr)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, verifier.ErrForbiddenAddress)) {
				t.Fatalf("CheckAddress(%s) = %v, want ok=%v", tc.addr, err, tc.ok)
			}
		})
	}
}

// TestHTTPFetcherRefusesLoopback: the real fetcher never connects to a
// server on 127.0.0.1, whether named by IP, by a name resolving there, or
// over plain http.
func TestHTTPFetcherRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	f := verifier.NewHTTPFetcher(verifier.FetchConfig{Timeout: 2 * time.Second})
	for _, u := range []string{
		srv.URL + "/list",                       // https://127.0.0.1:port
		"https://localhost:" + port + "/list",   // resolves to loopback: refused at dial time
		"http://localhost:" + port + "/list",    // not https
		"https://[::1]:" + port + "/list",       // IPv6 literal
		"https://user@localhost:" + port + "/x", // userinfo
		"ftp://localhost/list",                  // scheme
		"https:///no-host",                      // no host
	} {
		t.Run(u, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), u)
			if !errors.Is(err, verifier.ErrForbiddenAddress) {
				t.Fatalf("Fetch(%s) = %v, want ErrForbiddenAddress", u, err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server was reached %d times", n)
	}
}

func TestHTTPFetcherLimits(t *testing.T) {
	const max = 1024
	var redirected atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vc+ld+json; charset=utf-8")
		_, _ = w.Write([]byte(strings.Repeat("a", max)))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("a", max+1)))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/target", http.StatusFound)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, _ *http.Request) {
		redirected.Add(1)
	})
	mux.HandleFunc("/missing", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := verifier.NewTestHTTPFetcher(verifier.FetchConfig{Timeout: 200 * time.Millisecond, MaxBytes: max})

	body, mt, err := f.Fetch(context.Background(), srv.URL+"/ok")
	if err != nil || len(body) != max || mt != "application/vc+ld+json" {
		t.Fatalf("ok: %d bytes, %q, %v", len(body), mt, err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/big", "exceeds 1024 bytes"},
		{"/slow", "Client.Timeout"},
		{"/redirect", "HTTP 302"},
		{"/missing", "HTTP 404"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), srv.URL+tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Fetch(%s) = %v, want an error containing %q", tc.path, err, tc.want)
			}
		})
	}
	if n := redirected.Load(); n != 0 {
		t.Fatal("the redirect was followed")
	}
}
