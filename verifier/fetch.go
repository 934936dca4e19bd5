package verifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Defaults of FetchConfig.
const (
	DefaultFetchTimeout  = 5 * time.Second
	DefaultFetchMaxBytes = 1 << 20
)

// ErrForbiddenAddress is wrapped when a status list URL names, resolves to
// or redirects to a non-public address; the connection is never made.
var ErrForbiddenAddress = errors.New("forbidden address")

// FetchConfig configures an HTTPFetcher. The zero value is the secure
// default.
type FetchConfig struct {
	// Timeout bounds one fetch; zero means DefaultFetchTimeout.
	Timeout time.Duration
	// MaxBytes bounds a body; zero means DefaultFetchMaxBytes.
	MaxBytes int64
}

// HTTPFetcher fetches status lists over HTTPS from public addresses only:
// the dialer refuses loopback, private, link-local, multicast, unspecified
// and IPv4-mapped forms of them after DNS resolution (so rebinding cannot
// slip through), redirects are not followed, bodies are size-limited and
// the whole fetch has a deadline.
type HTTPFetcher struct {
	client   *http.Client
	maxBytes int64
	// insecure allows http and any address; set only by
	// NewTestHTTPFetcher in export_test.go.
	insecure bool
}

// NewHTTPFetcher returns an HTTPFetcher.
func NewHTTPFetcher(cfg FetchConfig) *HTTPFetcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultFetchTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultFetchMaxBytes
	}
	f := &HTTPFetcher{maxBytes: cfg.MaxBytes}
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: func(_, address string, _ syscall.RawConn) error {
		if f.insecure {
			return nil
		}
		return checkAddress(address)
	}}
	f.client = &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   cfg.Timeout,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return f
}

// checkAddress refuses every address that is not a public unicast one.
func checkAddress(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
		}
	}
	return nil
}

var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"), netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("::/96"),
}

// Fetch GETs url and returns the body and its media type.
func (f *HTTPFetcher) Fetch(ctx context.Context, rawURL string) ([]byte, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && !(f.insecure && u.Scheme == "http")) {
		return nil, "", fmt.Errorf("%w: %q is not an https URL", ErrForbiddenAddress, rawURL)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !f.insecure {
		return nil, "", fmt.Errorf("%w: IP literal %s", ErrForbiddenAddress, ip)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/vc+ld+json, application/vc+jwt, application/vc, application/json;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("fetch %s: HTTP %d", rawURL, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, "", fmt.Errorf("fetch %s: body exceeds %d bytes", rawURL, f.maxBytes)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return body, mt, nil
}
