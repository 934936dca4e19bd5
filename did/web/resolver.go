package web

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
)

// Defaults for the zero Config.
const (
	DefaultTimeout      = 5 * time.Second
	DefaultMaxBodyBytes = 64 << 10
	DefaultMaxRedirects = 3
	DefaultUserAgent    = "chainid did:web resolver"
)

// acceptHeader asks for the JSON representation first; did:web servers
// commonly answer with plain application/json.
const acceptHeader = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"

// Config configures a Resolver. The zero value is the secure default.
type Config struct {
	// Timeout bounds one whole resolution: DNS, connect, TLS, redirects and
	// reading the body. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxBodyBytes bounds the size of a DID document. Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxRedirects is how many redirects are followed. Zero means
	// DefaultMaxRedirects; a negative value means none.
	MaxRedirects int
	// UserAgent is sent with each request. Empty means DefaultUserAgent.
	UserAgent string
	// RootCAs, when not nil, replaces the system roots for verifying
	// servers' certificates (for example to trust a company CA). It does not
	// relax the address policy.
	RootCAs *x509.CertPool
}

// Resolver resolves did:web DIDs. It is safe for concurrent use.
type Resolver struct {
	client       *http.Client
	timeout      time.Duration
	maxBody      int64
	maxRedirects int
	userAgent    string

	// Test-only hooks, settable only from this package's _test.go files
	// (export_test.go). allowForTest admits addresses the policy refuses;
	// dialForTest rewrites the host:port about to be dialled.
	allowForTest func(netip.AddrPort) bool
	dialForTest  func(addr string) string
}

// NewResolver returns a Resolver with its own HTTP client whose dialer
// refuses non-public addresses (see the package documentation).
func NewResolver(cfg Config) (*Resolver, error) {
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("did:web resolver: negative timeout %s", cfg.Timeout)
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("did:web resolver: negative body limit %d", cfg.MaxBodyBytes)
	}
	r := &Resolver{
		timeout:      orDefault(cfg.Timeout, DefaultTimeout),
		maxBody:      orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		maxRedirects: orDefault(cfg.MaxRedirects, DefaultMaxRedirects),
		userAgent:    orDefault(cfg.UserAgent, DefaultUserAgent),
	}
	if r.maxRedirects < 0 {
		r.maxRedirects = 0
	}
	dialer := &net.Dialer{Timeout: r.timeout, KeepAlive: 30 * time.Second, Control: r.control}
	transport := &http.Transport{
		Proxy: nil, // a proxy would be dialled instead of the target and defeat the address check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if r.dialForTest != nil {
				addr = r.dialForTest(addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs},
		TLSHandshakeTimeout:    r.timeout,
		ResponseHeaderTimeout:  r.timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	r.client = &http.Client{Transport: transport, CheckRedirect: r.checkRedirect}
	return r, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Resolve fetches and validates the DID document of id. Errors wrap
// did.ErrInvalidDID for identifiers that do not map to a URL (IP literals
// included, which also wrap ErrForbiddenAddress), did.ErrNotFound when the
// server answers 404 or 410, did.ErrInvalidDocument for a document that does
// not parse, validate or carry id as its id, and ErrForbiddenAddress for
// refused hosts, addresses and redirects. Resolution options are ignored:
// did:web has no versions.
func (r *Resolver) Resolve(ctx context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	var meta did.DocumentMetadata
	if id.Method != Method {
		return nil, meta, fmt.Errorf("resolve %s: %w: did:web resolver got method %q", id, did.ErrMethodNotSupported, id.Method)
	}
	u, err := URL(id)
	if err != nil {
		return nil, meta, fmt.Errorf("resolve %s: %w", id, err)
	}
	if err := checkHostPolicy(u.Hostname()); err != nil {
		return nil, meta, fmt.Errorf("resolve %s: %w", id, err)
	}
	doc, err := r.fetch(ctx, id, u)
	if err != nil {
		return nil, meta, fmt.Errorf("resolve %s: %w", id, err)
	}
	return doc, meta, nil
}

func (r *Resolver) fetch(parent context.Context, id did.DID, u *url.URL) (*did.Document, error) {
	ctx, cancel := context.WithTimeout(parent, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		if parent.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("fetch %s: no answer within %s: %w", u, r.timeout, err)
		}
		return nil, fmt.Errorf("fetch document: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("%w: %s answered %s", did.ErrNotFound, resp.Request.URL, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch %s: unexpected status %s", resp.Request.URL, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !jsonMediaType(mt) {
			return nil, fmt.Errorf("fetch %s: content type %q is not JSON", resp.Request.URL, truncate(ct))
		}
	}
	if resp.ContentLength > r.maxBody {
		return nil, fmt.Errorf("fetch %s: document of %d bytes exceeds the limit of %d bytes", resp.Request.URL, resp.ContentLength, r.maxBody)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBody+1))
	// A deadline that fires mid-body closes the connection; depending on
	// timing the read may end in a plain EOF, so the context decides.
	if cerr := ctx.Err(); cerr != nil {
		if parent.Err() == nil && errors.Is(cerr, context.DeadlineExceeded) {
			return nil, fmt.Errorf("read %s: not complete within %s: %w", resp.Request.URL, r.timeout, cerr)
		}
		return nil, fmt.Errorf("read %s: %w", resp.Request.URL, cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", resp.Request.URL, err)
	}
	if int64(len(body)) > r.maxBody {
		return nil, fmt.Errorf("fetch %s: document exceeds the limit of %d bytes", resp.Request.URL, r.maxBody)
	}
	doc, err := did.ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("document at %s: %w", resp.Request.URL, err)
	}
	if doc.ID != id.String() {
		return nil, fmt.Errorf("%w: document at %s has id %q, not the DID being resolved", did.ErrInvalidDocument, resp.Request.URL, truncate(doc.ID))
	}
	return doc, nil
}

// jsonMediaType is deliberately lenient: did:web documents are often
// static files served as application/json or, by raw file hosts, as
// text/plain. HTML (an error or login page) and everything else is refused.
func jsonMediaType(mt string) bool {
	return mt == "application/json" || mt == "text/plain" ||
		strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// checkRedirect is the http.Client CheckRedirect hook: it bounds the number
// of redirects and holds each target to the same rules as the first URL.
// The dialer's address check still applies to whatever the target resolves
// to.
func (r *Resolver) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > r.maxRedirects {
		return fmt.Errorf("refused redirect to %s: more than %d redirects", req.URL.Redacted(), r.maxRedirects)
	}
	u := req.URL
	if u.Scheme != "https" {
		return fmt.Errorf("%w: refused redirect to %s: not https", ErrForbiddenAddress, u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("%w: refused redirect to %s: URL carries user information", ErrForbiddenAddress, u.Redacted())
	}
	if err := checkHostPolicy(u.Hostname()); err != nil {
		return fmt.Errorf("refused redirect to %s: %w", u.Redacted(), err)
	}
	return nil
}
