package web_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/web"
	"github.com/chainid/chainid/resolver"
)

var _ resolver.Method = (*web.Resolver)(nil)

// docJSON is the did:web specification's JsonWebKey2020 example document,
// re-targeted at id.
func docJSON(id string) string {
	return fmt.Sprintf(`{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
  "id": %[1]q,
  "verificationMethod": [{
    "id": "%[1]s#key-0",
    "type": "JsonWebKey2020",
    "controller": %[1]q,
    "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "0-e2i2_Ua1S5HbTYnVB0lj2Z2ytXu2-tYmDFf8f5NjU"}
  }],
  "authentication": ["%[1]s#key-0"],
  "assertionMethod": ["%[1]s#key-0"]
}`, id)
}

// testServer is a local TLS server whose certificate is valid for
// example.com, reached through the test-only allowance.
type testServer struct {
	*httptest.Server
	addr netip.AddrPort
}

func newTestServer(t testing.TB, h http.Handler) *testServer {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, addr: netip.MustParseAddrPort(srv.Listener.Addr().String())}
}

func (s *testServer) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}

// newTestResolver returns a resolver that trusts srv's certificate, admits
// only srv's address, and dials srv for every host:port in routes (and for
// example.com on any port when routes is nil).
func newTestResolver(t *testing.T, srv *testServer, cfg web.Config, routes map[string]string) *web.Resolver {
	t.Helper()
	cfg.RootCAs = srv.pool()
	r, err := web.NewResolver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.AllowForTest(
		func(ap netip.AddrPort) bool { return ap == srv.addr },
		func(addr string) string {
			if to, ok := routes[addr]; ok {
				return to
			}
			if host, _, _ := net.SplitHostPort(addr); host == "example.com" {
				return srv.addr.String()
			}
			return addr
		})
	return r
}

func TestResolve(t *testing.T) {
	var got atomic.Value
	srv := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Clone(context.Background()))
		var id string
		switch r.Host + r.URL.Path {
		case "example.com/.well-known/did.json":
			id = "did:web:example.com"
		case "example.com/user/alice/did.json":
			id = "did:web:example.com:user:alice"
		case "example.com:8443/user/alice/did.json":
			id = "did:web:example.com%3A8443:user:alice"
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/did+json")
		fmt.Fprint(w, docJSON(id))
	}))
	r := newTestResolver(t, srv, web.Config{}, nil)
	for _, id := range []string{"did:web:example.com", "did:web:example.com:user:alice", "did:web:example.com%3A8443:user:alice"} {
		t.Run(id, func(t *testing.T) {
			doc, meta, err := r.Resolve(t.Context(), did.MustParse(id), did.ResolveOptions{})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if doc.ID != id {
				t.Errorf("document id %q, want %q", doc.ID, id)
			}
			if _, ok := doc.Authorized(did.AssertionMethod, "#key-0"); !ok {
				t.Errorf("key-0 not an assertion method")
			}
			if !reflect.DeepEqual(meta, did.DocumentMetadata{}) {
				t.Errorf("metadata %+v, want empty", meta)
			}
			want, _ := did.ParseDocument([]byte(docJSON(id)))
			a, _ := json.Marshal(doc)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				t.Errorf("document\n%s\nwant\n%s", a, b)
			}
			req := got.Load().(*http.Request)
			if req.Method != http.MethodGet || !strings.Contains(req.Header.Get("Accept"), "application/did+json") || req.Header.Get("User-Agent") != web.DefaultUserAgent {
				t.Errorf("request %s Accept %q User-Agent %q", req.Method, req.Header.Get("Accept"), req.Header.Get("User-Agent"))
			}
		})
	}
}

func TestResolveFailures(t *testing.T) {
	const id = "did:web:example.com"
	big := strings.Repeat(" ", 2048) + docJSON(id)
	tests := []struct {
		name    string
		cfg     web.Config
		handler http.HandlerFunc
		is      error // the error must wrap this, when set
		msg     string
	}{
		{
			name: "id mismatch",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, docJSON("did:web:attacker.example"))
			},
			is: did.ErrInvalidDocument, msg: "not the DID being resolved",
		},
		{
			name: "id differs only in case",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, docJSON("did:web:EXAMPLE.com"))
			},
			is: did.ErrInvalidDocument, msg: "not the DID being resolved",
		},
		{
			name: "oversize with content length",
			cfg:  web.Config{MaxBodyBytes: 1024},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				fmt.Fprint(w, big)
			},
			msg: "exceeds the limit of 1024 bytes",
		},
		{
			name: "oversize chunked",
			cfg:  web.Config{MaxBodyBytes: 1024},
			handler: func(w http.ResponseWriter, r *http.Request) {
				for i := 0; i < len(big); i += 100 {
					fmt.Fprint(w, big[i:min(i+100, len(big))])
					w.(http.Flusher).Flush()
				}
			},
			msg: "exceeds the limit of 1024 bytes",
		},
		{
			name: "oversize default limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush() // no Content-Length
				fmt.Fprint(w, strings.Repeat(" ", web.DefaultMaxBodyBytes)+docJSON(id))
			},
			msg: "exceeds the limit of 65536 bytes",
		},
		{
			name: "timeout",
			cfg:  web.Config{Timeout: 200 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			is: context.DeadlineExceeded, msg: "no answer within 200ms",
		},
		{
			name: "timeout while reading the body",
			cfg:  web.Config{Timeout: 200 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"id":`)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			is: context.DeadlineExceeded, msg: "not complete within 200ms",
		},
		{
			name:    "404",
			handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			is:      did.ErrNotFound,
		},
		{
			name:    "410",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) },
			is:      did.ErrNotFound,
		},
		{
			name:    "500",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) },
			msg:     "unexpected status 500",
		},
		{
			name:    "204",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) },
			msg:     "unexpected status 204",
		},
		{
			name:    "invalid JSON",
			handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"id": "did:web:example.com",`) },
			is:      did.ErrInvalidDocument,
		},
		{
			name:    "not an object",
			handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `["did:web:example.com"]`) },
			is:      did.ErrInvalidDocument,
		},
		{
			name:    "trailing data",
			handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, docJSON(id)+`{}`) },
			is:      did.ErrInvalidDocument,
		},
		{
			name: "duplicate member",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"id": "did:web:example.com", "id": "did:web:example.com"}`)
			},
			is: did.ErrInvalidDocument,
		},
		{
			name: "verification method without type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, strings.Replace(docJSON(id), `"type": "JsonWebKey2020",`, "", 1))
			},
			is: did.ErrInvalidDocument, msg: "has no type",
		},
		{
			name: "controller not a DID",
			handler: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"id": "did:web:example.com", "controller": "https://example.com"}`)
			},
			is: did.ErrInvalidDocument, msg: "controller",
		},
		{
			name: "HTML content type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, docJSON(id))
			},
			msg: "is not JSON",
		},
		{
			name: "octet-stream content type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				fmt.Fprint(w, docJSON(id))
			},
			msg: "is not JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, tt.handler)
			r := newTestResolver(t, srv, tt.cfg, nil)
			doc, _, err := r.Resolve(t.Context(), did.MustParse(id), did.ResolveOptions{})
			if err == nil {
				t.Fatalf("Resolve succeeded with %+v, want an error", doc)
			}
			if doc != nil {
				t.Errorf("Resolve returned a document with error %v", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			if tt.is != did.ErrNotFound && errors.Is(err, did.ErrNotFound) {
				t.Errorf("error %v wraps did.ErrNotFound", err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "resolve "+id+": ") {
				t.Errorf("error %q, want it to start with %q and contain %q", err, "resolve "+id+": ", tt.msg)
			}
		})
	}
}

func TestResolveContentTypes(t *testing.T) {
	const id = "did:web:example.com"
	for _, ct := range []string{"", "application/json", "application/json; charset=utf-8", "application/did+json", "application/did+ld+json", "application/ld+json", "text/plain; charset=utf-8"} {
		t.Run(ct, func(t *testing.T) {
			srv := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{ct}
				fmt.Fprint(w, docJSON(id))
			}))
			r := newTestResolver(t, srv, web.Config{}, nil)
			if _, _, err := r.Resolve(t.Context(), did.MustParse(id), did.ResolveOptions{}); err != nil {
				t.Fatalf("Resolve with Content-Type %q: %v", ct, err)
			}
		})
	}
}

// countingListener is a TCP listener that lets a test prove nothing
// connected to it.
type countingListener struct{ net.Listener }

func listen(t *testing.T, addr string) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	return &countingListener{ln}
}

func (l *countingListener) port() uint16 {
	return netip.MustParseAddrPort(l.Addr().String()).Port()
}

// assertNoConnection proves that no connection reached l before now: it
// connects a probe and checks that the first connection in the accept
// queue is the probe.
func (l *countingListener) assertNoConnection(t *testing.T) {
	t.Helper()
	probe, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	defer probe.Close()
	c, err := l.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	defer c.Close()
	if c.RemoteAddr().String() != probe.LocalAddr().String() {
		t.Errorf("listener %s was connected to from %s before the probe", l.Addr(), c.RemoteAddr())
	}
}

func TestRedirects(t *testing.T) {
	const id = "did:web:example.com"
	trap := listen(t, "127.0.0.1:0")
	trapAddr := trap.Addr().String()
	tests := []struct {
		name    string
		cfg     web.Config
		to      string
		wantErr string
		guard   bool // the error must wrap ErrForbiddenAddress
	}{
		{name: "same origin", to: "/moved/did.json"},
		{name: "other port same server", to: "https://example.com:8443/moved/did.json"},
		{name: "three hops", to: "/hop/2"},
		{name: "no redirects allowed", cfg: web.Config{MaxRedirects: -1}, to: "/moved/did.json", wantErr: "more than 0 redirects"},
		{name: "too many", to: "/hop/3", wantErr: "more than 3 redirects"},
		{name: "http", to: "http://example.com/moved/did.json", wantErr: "not https", guard: true},
		{name: "loopback literal", to: "https://" + trapAddr + "/did.json", wantErr: "is an IP address", guard: true},
		{name: "IPv6 loopback literal", to: fmt.Sprintf("https://[::1]:%d/did.json", trap.port()), wantErr: "is an IP address", guard: true},
		{name: "mapped IPv6 literal", to: fmt.Sprintf("https://[::ffff:127.0.0.1]:%d/did.json", trap.port()), wantErr: "is an IP address", guard: true},
		{name: "private literal", to: "https://10.0.0.1/did.json", wantErr: "is an IP address", guard: true},
		{name: "decimal IPv4", to: fmt.Sprintf("https://2130706433:%d/did.json", trap.port()), wantErr: "may be read as an IP address", guard: true},
		{name: "localhost", to: fmt.Sprintf("https://localhost:%d/did.json", trap.port()), wantErr: "names the loopback interface", guard: true},
		{name: "sub.localhost", to: fmt.Sprintf("https://a.LOCALHOST:%d/did.json", trap.port()), wantErr: "names the loopback interface", guard: true},
		{name: "userinfo", to: "https://user@example.com/moved/did.json", wantErr: "user information", guard: true},
		// internal.example is dialled at the trap, which the allowance does
		// not admit: the dial guard must refuse it before connecting.
		{name: "name resolving to a forbidden address", to: "https://internal.example/did.json", wantErr: "refused to connect to 127.0.0.1", guard: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch p := r.URL.Path; {
				case p == "/.well-known/did.json":
					http.Redirect(w, r, tt.to, http.StatusFound)
				case strings.HasPrefix(p, "/hop/"):
					n, _ := strconv.Atoi(strings.TrimPrefix(p, "/hop/"))
					next := "/moved/did.json"
					if n > 1 {
						next = fmt.Sprintf("/hop/%d", n-1)
					}
					http.Redirect(w, r, next, http.StatusMovedPermanently)
				case p == "/moved/did.json":
					fmt.Fprint(w, docJSON(id))
				default:
					http.NotFound(w, r)
				}
			}))
			r := newTestResolver(t, srv, tt.cfg, map[string]string{"internal.example:443": trapAddr})
			doc, _, err := r.Resolve(t.Context(), did.MustParse(id), did.ResolveOptions{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if doc.ID != id {
					t.Fatalf("document id %q", doc.ID)
				}
				return
			}
			if err == nil {
				t.Fatalf("Resolve followed the redirect to %s", tt.to)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q, want it to contain %q", err, tt.wantErr)
			}
			if tt.guard != errors.Is(err, web.ErrForbiddenAddress) {
				t.Errorf("error %v: wraps ErrForbiddenAddress = %v, want %v", err, !tt.guard, tt.guard)
			}
			trap.assertNoConnection(t)
		})
	}
}
