package api

import (
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of RateLimit applied by New for zero fields.
const (
	// DefaultRateLimitPerSecond is the sustained request rate per client
	// on the limited routes.
	DefaultRateLimitPerSecond = 20
	// DefaultRateLimitBurst is how many requests a client may make at once.
	DefaultRateLimitBurst = 60
	// DefaultRateLimitClients bounds how many clients are tracked at once.
	DefaultRateLimitClients = 100_000
)

// RateLimit configures the per-client token bucket in front of the public
// routes that write to the store or cost real CPU (login and authorization
// requests, nonces, token and credential endpoints, verification and
// resolution; see limitedRoutes). A client is an IPv4 address or an IPv6
// /64 prefix. Refused requests get 429 with Retry-After. The zero value
// limits every client to DefaultRateLimitPerSecond with bursts of
// DefaultRateLimitBurst.
type RateLimit struct {
	// PerSecond is the sustained rate per client. Zero means
	// DefaultRateLimitPerSecond; negative turns the limit off.
	PerSecond float64
	// Burst is how many requests a client may make at once. Zero means
	// DefaultRateLimitBurst when PerSecond is zero, else three seconds'
	// worth of PerSecond (at least 1).
	Burst int
	// TrustedProxies are the peers (reverse proxies, load balancers)
	// whose X-Forwarded-For header names the client: its right-most
	// address that is not itself a trusted proxy. From any other peer the
	// header is ignored. Empty trusts no one.
	TrustedProxies []netip.Prefix
	// MaxClients bounds how many clients are tracked; when full, one
	// tracked client is forgotten for each new one. Zero means
	// DefaultRateLimitClients. Clients whose bucket has refilled are
	// forgotten anyway, so memory follows the recent client count.
	MaxClients int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// limitedRoutes are the route patterns behind the rate limit: every public
// route that creates a stored record (authorization and login requests,
// nonces, codes, tokens, consents, presentations) or does costly work
// (signature and proof verification, DID resolution, QR codes).
// TestLimitedRoutesExist keeps the list in step with the route table.
func limitedRoutes() []string {
	return []string{
		"GET /1.0/identifiers/{did...}",
		"POST /credentials/verify",
		"POST /presentations/verify",
		"POST /token",
		"POST /nonce",
		"POST /credential",
		"POST /v1/zk/verify",
		"GET /v1/zk/requests/{id}",
		"POST /v1/verify",
		"GET /v1/presentation-requests/{id}/request",
		"POST /v1/presentation-requests/{id}/response",
		"GET /authorize",
		"POST /authorize",
		"POST /oauth/token",
		"POST /oauth/introspect",
		"POST /revoke",
		"GET /end_session",
		"POST /end_session",
		"POST /register",
		"POST /oidc/consent",
		"GET /siwe/nonce",
		"POST /siwe/login",
		"GET /vplogin/login",
		"GET /vplogin/state",
		"GET /vplogin/qr.png",
		"GET /vplogin/return",
		"POST /vplogin/finish",
	}
}

// limiter is a token bucket per client.
type limiter struct {
	rate    float64 // tokens per second
	burst   float64
	idle    time.Duration // a bucket untouched this long is full again
	trusted []netip.Prefix
	max     int
	now     func() time.Time

	mu        sync.Mutex
	clients   map[netip.Addr]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newLimiter applies the defaults of cfg; it returns nil when the limit is
// off.
func newLimiter(cfg RateLimit) (*limiter, error) {
	if cfg.PerSecond < 0 {
		return nil, nil
	}
	if math.IsNaN(cfg.PerSecond) || math.IsInf(cfg.PerSecond, 0) {
		return nil, errors.New("api: Config.RateLimit.PerSecond is not a number")
	}
	if cfg.Burst < 0 || cfg.MaxClients < 0 {
		return nil, errors.New("api: Config.RateLimit.Burst and MaxClients must not be negative")
	}
	l := &limiter{rate: cfg.PerSecond, burst: float64(cfg.Burst), max: cfg.MaxClients, now: cfg.Now,
		clients: make(map[netip.Addr]*bucket)}
	if l.rate == 0 {
		l.rate = DefaultRateLimitPerSecond
		if l.burst == 0 {
			l.burst = DefaultRateLimitBurst
		}
	}
	if l.burst == 0 {
		l.burst = max(1, math.Ceil(3*l.rate))
	}
	if l.max == 0 {
		l.max = DefaultRateLimitClients
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.idle = max(time.Second, time.Duration(l.burst/l.rate*float64(time.Second)))
	for _, p := range cfg.TrustedProxies {
		if !p.IsValid() {
			return nil, errors.New("api: Config.RateLimit.TrustedProxies holds an invalid prefix")
		}
		l.trusted = append(l.trusted, p.Masked())
	}
	return l, nil
}

// allow takes a token from client's bucket; when there is none it reports
// how long until there is.
func (l *limiter) allow(client netip.Addr) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= l.idle {
		l.sweep(now)
	}
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= l.max {
			for k := range l.clients { // forget one (map order is random)
				delete(l.clients, k)
				break
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.clients[client] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed.Seconds()*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// sweep forgets the clients whose bucket has refilled: to them, a fresh
// bucket is the same.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.clients {
		if now.Sub(b.last) >= l.idle {
			delete(l.clients, k)
		}
	}
	l.lastSweep = now
}

// tracked is how many clients the limiter remembers.
func (l *limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientKey is the client of r: the peer address, or with a trusted peer
// the right-most untrusted X-Forwarded-For address; IPv6 clients are
// grouped by /64.
func (l *limiter) clientKey(r *http.Request) netip.Addr {
	addr := peerAddr(r.RemoteAddr)
	if l.isTrusted(addr) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a forged or garbled entry: keep the last good hop
			}
			addr = hop.Unmap()
			if !l.isTrusted(addr) {
				break
			}
		}
	}
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return addr
}

func (l *limiter) isTrusted(a netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr parses an http.Request.RemoteAddr; an unparsable one (a test
// transport, a unix socket) is the zero Addr, one shared client.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// rateLimited wraps a limited route's handler.
func (s *server) rateLimited(next http.Handler) http.Handler {
	if s.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(s.limiter.clientKey(r))
		if !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeProblemDoc(w, r, &apiError{kind: kindTooManyRequests,
				detail: "too many requests from this client; retry after " + strconv.Itoa(secs) + " s"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
