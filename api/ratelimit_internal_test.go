package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for the limiter.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newLimitedServer(t *testing.T, rl RateLimit) (*server, http.Handler, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if rl.Now == nil {
		rl.Now = c.Now
	}
	s, err := newServer(Config{Resolver: stubResolver{}, RateLimit: rl})
	if err != nil {
		t.Fatal(err)
	}
	return s, s.handler(), c
}

// hit sends one limited request from peer, with an X-Forwarded-For header
// when xff is not empty, and returns the status.
func hit(h http.Handler, path, peer, xff string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = peer
	if xff != "" {
		r.Header.Set("X-Forwarded-For", xff)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const limitedPath = "/siwe/nonce?id=x" // no SIWE configured: 501, but counted

// exhaust makes burst requests from peer that must all pass.
func exhaust(t *testing.T, h http.Handler, peer, xff string, burst int) {
	t.Helper()
	for i := range burst {
		if w := hit(h, limitedPath, peer, xff); w.Code == http.StatusTooManyRequests {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
}

func TestRateLimit(t *testing.T) {
	t.Run("default is on", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{})
		exhaust(t, h, "192.0.2.1:1234", "", DefaultRateLimitBurst)
		w := hit(h, limitedPath, "192.0.2.1:1234", "")
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("request %d: status %d, want 429", DefaultRateLimitBurst+1, w.Code)
		}
		if w.Header().Get("Content-Type") != mediaProblem || w.Header().Get("Retry-After") != "1" {
			t.Fatalf("headers %v", w.Header())
		}
	})
	t.Run("retry after, then refill", func(t *testing.T) {
		_, h, c := newLimitedServer(t, RateLimit{PerSecond: 0.25, Burst: 2})
		exhaust(t, h, "192.0.2.1:1", "", 2)
		w := hit(h, limitedPath, "192.0.2.1:1", "")
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "4" {
			t.Fatalf("status %d Retry-After %q, want 429 and 4", w.Code, w.Header().Get("Retry-After"))
		}
		c.add(3 * time.Second)
		if w := hit(h, limitedPath, "192.0.2.1:1", ""); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
			t.Fatalf("after 3 s: status %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
		}
		c.add(time.Second)
		if w := hit(h, limitedPath, "192.0.2.1:1", ""); w.Code == http.StatusTooManyRequests {
			t.Fatal("after 4 s: still refused")
		}
	})
	t.Run("other clients unaffected", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{PerSecond: 1, Burst: 3})
		exhaust(t, h, "192.0.2.1:1", "", 3)
		if w := hit(h, limitedPath, "192.0.2.1:2", ""); w.Code != http.StatusTooManyRequests {
			t.Fatalf("same IP, other port: status %d, want 429", w.Code)
		}
		exhaust(t, h, "192.0.2.2:1", "", 3)
		exhaust(t, h, "[2001:db8:1::1]:1", "", 3)
		// One IPv6 /64 is one client.
		if w := hit(h, limitedPath, "[2001:db8:1::2]:1", ""); w.Code != http.StatusTooManyRequests {
			t.Fatalf("same /64: status %d, want 429", w.Code)
		}
		exhaust(t, h, "[2001:db8:2::1]:1", "", 3)
	})
	t.Run("unlimited routes unaffected", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{PerSecond: 1, Burst: 1})
		exhaust(t, h, "192.0.2.1:1", "", 1)
		for range 5 {
			if w := hit(h, "/healthz", "192.0.2.1:1", ""); w.Code != http.StatusOK {
				t.Fatalf("healthz: status %d", w.Code)
			}
		}
	})
	t.Run("off", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{PerSecond: -1})
		exhaust(t, h, "192.0.2.1:1", "", 3*DefaultRateLimitBurst)
	})
	t.Run("forwarded header ignored from untrusted peers", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{PerSecond: 1, Burst: 2,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		for i := range 2 {
			if w := hit(h, limitedPath, "192.0.2.9:1", "198.51.100."+strconv.Itoa(i)); w.Code == http.StatusTooManyRequests {
				t.Fatalf("request %d refused", i)
			}
		}
		if w := hit(h, limitedPath, "192.0.2.9:1", "198.51.100.77"); w.Code != http.StatusTooManyRequests {
			t.Fatalf("spoofed X-Forwarded-For escaped the limit: status %d", w.Code)
		}
	})
	t.Run("forwarded header from a trusted proxy", func(t *testing.T) {
		_, h, _ := newLimitedServer(t, RateLimit{PerSecond: 1, Burst: 2,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		// The client forges a left-most entry; the proxy appends the real one.
		exhaust(t, h, "10.1.1.1:1", "203.0.113.5, 198.51.100.1", 2)
		if w := hit(h, limitedPath, "10.1.1.1:1", "1.2.3.4, 198.51.100.1"); w.Code != http.StatusTooManyRequests {
			t.Fatalf("forged left-most entry escaped the limit: status %d", w.Code)
		}
		// Another client behind the same proxy, through a second trusted hop.
		exhaust(t, h, "10.1.1.1:1", "198.51.100.2, 10.2.2.2", 2)
		if w := hit(h, limitedPath, "10.1.1.1:1", "198.51.100.2"); w.Code != http.StatusTooManyRequests {
			t.Fatalf("client behind two proxies not limited: status %d", w.Code)
		}
		// The proxy itself (no header) is a client of its own.
		exhaust(t, h, "10.1.1.1:1", "", 2)
	})
	t.Run("idle clients are forgotten", func(t *testing.T) {
		s, h, c := newLimitedServer(t, RateLimit{PerSecond: 10, Burst: 20})
		for i := range 50 {
			hit(h, limitedPath, "192.0.2."+strconv.Itoa(i)+":1", "")
		}
		if n := s.limiter.tracked(); n != 50 {
			t.Fatalf("tracked %d clients, want 50", n)
		}
		c.add(2 * time.Second) // burst/rate: every bucket is full again
		hit(h, limitedPath, "198.51.100.1:1", "")
		if n := s.limiter.tracked(); n != 1 {
			t.Fatalf("after idling: tracked %d clients, want 1", n)
		}
	})
	t.Run("memory bounded", func(t *testing.T) {
		s, h, _ := newLimitedServer(t, RateLimit{PerSecond: 1, Burst: 1, MaxClients: 8})
		for i := range 100 {
			if w := hit(h, limitedPath, "192.0.2."+strconv.Itoa(i)+":1", ""); w.Code == http.StatusTooManyRequests {
				t.Fatalf("new client %d refused", i)
			}
		}
		if n := s.limiter.tracked(); n != 8 {
			t.Fatalf("tracked %d clients, want at most 8", n)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		for _, rl := range []RateLimit{{Burst: -1}, {MaxClients: -1}, {TrustedProxies: []netip.Prefix{{}}}} {
			if _, err := newServer(Config{Resolver: stubResolver{}, RateLimit: rl}); err == nil {
				t.Errorf("%+v accepted", rl)
			}
		}
	})
}

// TestLimitedRoutesExist keeps limitedRoutes in step with the route table:
// a renamed route must not silently lose its limit.
func TestLimitedRoutesExist(t *testing.T) {
	s, err := newServer(Config{Resolver: stubResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, rt := range s.routes() {
		have[rt.pattern()] = true
	}
	for _, p := range limitedRoutes() {
		if !have[p] {
			t.Errorf("limited route %q is not in the route table", p)
		}
	}
}
