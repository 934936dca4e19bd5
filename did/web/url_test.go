package web_test

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/web"
)

func TestURL(t *testing.T) {
	tests := []struct {
		did, want string
	}{
		// The did:web specification's own examples.
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:example.com", "https://example.com/.well-known/did.json"},
		{"did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"},
		{"did:web:Example.COM", "https://Example.COM/.well-known/did.json"},
		{"did:web:xn--bcher-kva.example", "https://xn--bcher-kva.example/.well-known/did.json"},
		{"did:web:example.com:a%20b", "https://example.com/a%20b/did.json"},
		{"did:web:example.com:a%3Ab", "https://example.com/a:b/did.json"},
		{"did:web:example.com:.well-known:x", "https://example.com/.well-known/x/did.json"},
		{"did:web:example.com:...", "https://example.com/.../did.json"},
		{"did:web:localhost", "https://localhost/.well-known/did.json"}, // refused by Resolve, not by the mapping
	}
	for _, tt := range tests {
		t.Run(tt.did, func(t *testing.T) {
			u, err := web.URL(did.MustParse(tt.did))
			if err != nil {
				t.Fatalf("URL: %v", err)
			}
			if u.String() != tt.want {
				t.Errorf("URL = %s, want %s", u, tt.want)
			}
		})
	}
}

func TestURLRefuses(t *testing.T) {
	tests := []struct {
		name string
		id   did.DID
	}{
		{"other method", did.DID{Method: "key", ID: "example.com"}},
		{"empty id", did.DID{Method: "web", ID: ""}},
		{"empty host", did.DID{Method: "web", ID: ":user"}},
		{"empty segment", did.DID{Method: "web", ID: "example.com::alice"}},
		{"trailing colon", did.DID{Method: "web", ID: "example.com:"}},
		{"dot segment", did.DID{Method: "web", ID: "example.com:."}},
		{"dot-dot segment", did.DID{Method: "web", ID: "example.com:..:etc"}},
		{"encoded dot-dot", did.DID{Method: "web", ID: "example.com:%2E%2E:etc"}},
		{"encoded dot-dot mixed", did.DID{Method: "web", ID: "example.com:.%2e"}},
		{"encoded slash", did.DID{Method: "web", ID: "example.com:a%2Fb"}},
		{"encoded slash lower", did.DID{Method: "web", ID: "example.com:a%2fb"}},
		{"encoded backslash", did.DID{Method: "web", ID: "example.com:a%5Cb"}},
		{"encoded query", did.DID{Method: "web", ID: "example.com:a%3Fb"}},
		{"encoded fragment", did.DID{Method: "web", ID: "example.com:a%23b"}},
		{"encoded percent", did.DID{Method: "web", ID: "example.com:%252e%252e"}},
		{"encoded NUL", did.DID{Method: "web", ID: "example.com:a%00"}},
		{"encoded newline", did.DID{Method: "web", ID: "example.com:a%0A"}},
		{"bad UTF-8", did.DID{Method: "web", ID: "example.com:%FF"}},
		{"bad percent", did.DID{Method: "web", ID: "example.com:%zz"}},
		{"well-known alone", did.DID{Method: "web", ID: "example.com:.well-known"}},
		{"host with slash", did.DID{Method: "web", ID: "example.com%2Fevil"}},
		{"host with at", did.DID{Method: "web", ID: "user%40example.com"}},
		{"userinfo", did.DID{Method: "web", ID: "user@example.com"}},
		{"host percent", did.DID{Method: "web", ID: "exa%6Dple.com"}},
		{"host underscore", did.DID{Method: "web", ID: "ex_ample.com"}},
		{"host trailing dot", did.DID{Method: "web", ID: "example.com."}},
		{"host leading dot", did.DID{Method: "web", ID: ".example.com"}},
		{"host hyphen", did.DID{Method: "web", ID: "-example.com"}},
		{"long label", did.DID{Method: "web", ID: strings.Repeat("a", 64) + ".com"}},
		{"long host", did.DID{Method: "web", ID: strings.Repeat("a.", 127) + "com"}},
		{"empty port", did.DID{Method: "web", ID: "example.com%3A"}},
		{"port zero", did.DID{Method: "web", ID: "example.com%3A0"}},
		{"port leading zero", did.DID{Method: "web", ID: "example.com%3A0443"}},
		{"port too big", did.DID{Method: "web", ID: "example.com%3A65536"}},
		{"port not a number", did.DID{Method: "web", ID: "example.com%3Ahttp"}},
		{"two ports", did.DID{Method: "web", ID: "example.com%3A1%3A2"}},
		{"IPv4 literal", did.DID{Method: "web", ID: "127.0.0.1"}},
		{"IPv4 literal with port", did.DID{Method: "web", ID: "127.0.0.1%3A443"}},
		{"IPv4 private literal", did.DID{Method: "web", ID: "10.0.0.1"}},
		{"IPv4 short form", did.DID{Method: "web", ID: "127.1"}},
		{"IPv4 decimal form", did.DID{Method: "web", ID: "2130706433"}},
		{"IPv4 hex form", did.DID{Method: "web", ID: "0x7f000001"}},
		{"IPv4 octal form", did.DID{Method: "web", ID: "0177.0.0.1"}},
		{"IPv6 literal encoded", did.DID{Method: "web", ID: "%5B%3A%3A1%5D"}},
		{"IPv6 literal raw", did.DID{Method: "web", ID: "[::1]"}},
		{"IPv6 mapped raw", did.DID{Method: "web", ID: "[::ffff:127.0.0.1]"}},
		{"IPv6 bare encoded", did.DID{Method: "web", ID: "%3A%3A1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := web.URL(tt.id)
			if err == nil {
				t.Fatalf("URL(%q) = %s, want an error", tt.id.String(), u)
			}
			if !errors.Is(err, did.ErrInvalidDID) {
				t.Errorf("error %v does not wrap did.ErrInvalidDID", err)
			}
		})
	}
}

func TestURLIPLiteralIsForbidden(t *testing.T) {
	for _, id := range []string{"127.0.0.1", "[::1]", "10.0.0.1%3A8443"} {
		_, err := web.URL(did.DID{Method: "web", ID: id})
		if !errors.Is(err, web.ErrForbiddenAddress) || !errors.Is(err, did.ErrInvalidDID) {
			t.Errorf("URL(did:web:%s) error %v, want ErrInvalidDID and ErrForbiddenAddress", id, err)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://example.com/.well-known/did.json", "did:web:example.com"},
		{"https://example.com", "did:web:example.com"},
		{"https://example.com/", "did:web:example.com"},
		{"https://w3c-ccg.github.io/user/alice/did.json", "did:web:w3c-ccg.github.io:user:alice"},
		{"https://example.com:3000/user/alice/did.json", "did:web:example.com%3A3000:user:alice"},
		{"https://example.com/a:b/did.json", "did:web:example.com:a%3Ab"},
		{"https://example.com/a%20b/did.json", "did:web:example.com:a%20b"},
		{"https://example.com/~alice/did.json", "did:web:example.com:%7Ealice"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			d, err := web.New(tt.url)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if d.String() != tt.want {
				t.Fatalf("New = %s, want %s", d, tt.want)
			}
			u, err := web.URL(d)
			if err != nil {
				t.Fatalf("URL(New(%s)): %v", tt.url, err)
			}
			back, err := web.New(u.String())
			if err != nil || back != d {
				t.Errorf("New(URL(%s)) = %v, %v; want %s", d, back, err, d)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	for _, raw := range []string{
		"http://example.com/.well-known/did.json",
		"ftp://example.com/did.json",
		"https://user:pw@example.com/.well-known/did.json",
		"https://user@example.com/",
		"https://example.com/.well-known/did.json?x=1",
		"https://example.com/.well-known/did.json?",
		"https://example.com/.well-known/did.json#frag",
		"https://example.com/.well-known/did.json#",
		"https://127.0.0.1/.well-known/did.json",
		"https://[::1]/.well-known/did.json",
		"https://[::ffff:10.0.0.1]/.well-known/did.json",
		"https://2130706433/",
		"https://example.com:/",
		"https://example.com:0/",
		"https://example.com:99999/",
		"https://example.com/did.json",
		"https://example.com/user/alice",
		"https://example.com/user//did.json",
		"https://example.com/../did.json",
		"https://example.com/a/%2E%2E/did.json",
		"https://example.com/a%2Fb/did.json",
		"https://example.com/.well-known/did.json/did.json/..",
		"https:example.com",
		"https://",
		"::",
		"https://exa mple.com/",
		"https://ex_ample.com/",
	} {
		t.Run(raw, func(t *testing.T) {
			d, err := web.New(raw)
			if err == nil {
				t.Fatalf("New(%q) = %s, want an error", raw, d)
			}
			if !errors.Is(err, did.ErrInvalidDID) {
				t.Errorf("error %v does not wrap did.ErrInvalidDID", err)
			}
		})
	}
}

// FuzzURL checks the DID → URL mapping never panics, only ever produces an
// https URL with a DNS host and no user information, and agrees with New.
func FuzzURL(f *testing.F) {
	for _, s := range []string{
		"example.com", "example.com%3A3000:user:alice", "w3c-ccg.github.io:user:alice",
		"example.com:..", "example.com:%2e%2e", "127.0.0.1", "%5B%3A%3A1%5D", "a%40b.com",
		"example.com:a%2Fb", "example.com%3A443%3A1", "example.com:%C3%A9", "x.y:%7E",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		d := did.DID{Method: "web", ID: id}
		u, err := web.URL(d)
		if err != nil {
			return
		}
		if u.Scheme != "https" || u.User != nil || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("URL(%q) = %s: not a plain https URL", id, u)
		}
		host := u.Hostname()
		if host == "" || net.ParseIP(host) != nil || strings.ContainsAny(host, "@/\\[]%") {
			t.Fatalf("URL(%q) = %s: bad host %q", id, u, host)
		}
		if !strings.HasSuffix(u.Path, "/did.json") {
			t.Fatalf("URL(%q) = %s: path does not end in /did.json", id, u)
		}
		for seg := range strings.SplitSeq(u.Path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("URL(%q) = %s: traversal segment", id, u)
			}
		}
		// The printed URL parses back to the same host and path.
		p, err := url.Parse(u.String())
		if err != nil || p.Host != u.Host || p.Path != u.Path || p.User != nil {
			t.Fatalf("URL(%q) = %s: re-parses as %v (%v)", id, u, p, err)
		}
		// New is the inverse on the URLs URL produces.
		back, err := web.New(u.String())
		if err != nil {
			t.Fatalf("New(URL(%q) = %s): %v", id, u, err)
		}
		u2, err := web.URL(back)
		if err != nil || u2.String() != u.String() {
			t.Fatalf("URL(New(%s)) = %v, %v", u, u2, err)
		}
	})
}

func BenchmarkURL(b *testing.B) {
	d := did.MustParse("did:web:example.com%3A3000:user:alice")
	for b.Loop() {
		if _, err := web.URL(d); err != nil {
			b.Fatal(err)
		}
	}
}
