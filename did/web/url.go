package web

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chainid/chainid/did"
)

// Method is the DID method name handled by this package.
const Method = "web"

// maxHostLength is the longest DNS name (RFC 1035 §2.3.4, without the root
// label's trailing dot).
const maxHostLength = 253

// URL returns the HTTPS URL of the DID document of id. It refuses
// identifiers that are not did:web, hosts that are not DNS names (IP
// literals included), bad ports, and path segments that are empty, "." or
// "..", or that decode to '/', '\\', '?', '#', '%' or control characters. Errors
// wrap [did.ErrInvalidDID].
func URL(id did.DID) (*url.URL, error) {
	if id.Method != Method {
		return nil, fmt.Errorf("%w: %q is not a did:web DID", did.ErrInvalidDID, id.String())
	}
	if dec, err := url.PathUnescape(id.ID); err == nil && strings.HasPrefix(dec, "[") {
		return nil, fmt.Errorf("%w: did:web host: %w: host is an IPv6 literal; did:web needs a domain name", did.ErrInvalidDID, ErrForbiddenAddress)
	}
	// A DID built by hand must still be a DID (idchars, length): what URL
	// accepts, New accepts back.
	if _, err := did.Parse(id.String()); err != nil {
		return nil, err
	}
	segs := strings.Split(id.ID, ":")
	host, err := parseHostSegment(segs[0])
	if err != nil {
		return nil, fmt.Errorf("%w: did:web host: %w", did.ErrInvalidDID, err)
	}
	path := segs[1:]
	if len(path) == 1 && path[0] == ".well-known" {
		return nil, fmt.Errorf("%w: did:web path \".well-known\" is reserved for the bare domain", did.ErrInvalidDID)
	}
	var p strings.Builder
	for i, s := range path {
		dec, err := pathSegment(s)
		if err != nil {
			return nil, fmt.Errorf("%w: did:web path segment %d: %w", did.ErrInvalidDID, i+1, err)
		}
		p.WriteByte('/')
		p.WriteString(url.PathEscape(dec))
	}
	if len(path) == 0 {
		p.WriteString("/.well-known")
	}
	p.WriteString("/did.json")
	u, err := url.Parse("https://" + host + p.String())
	if err != nil {
		return nil, fmt.Errorf("%w: did:web URL: %w", did.ErrInvalidDID, err)
	}
	return u, nil
}

// New returns the did:web DID whose document lives at rawURL, the inverse
// of [URL]: https://example.com/.well-known/did.json (or the bare origin
// https://example.com) gives did:web:example.com, and
// https://example.com:8443/user/alice/did.json gives
// did:web:example.com%3A8443:user:alice. The URL must be https with a DNS
// host and no user information, query or fragment.
func New(rawURL string) (did.DID, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return did.DID{}, fmt.Errorf("%w: did:web from URL: %w", did.ErrInvalidDID, err)
	}
	switch {
	case u.Scheme != "https":
		return did.DID{}, fmt.Errorf("%w: did:web URL must be https, not %q", did.ErrInvalidDID, u.Scheme)
	case u.User != nil:
		return did.DID{}, fmt.Errorf("%w: did:web URL must not carry user information", did.ErrInvalidDID)
	case u.Opaque != "":
		return did.DID{}, fmt.Errorf("%w: did:web URL is not hierarchical", did.ErrInvalidDID)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(rawURL, "?#"):
		return did.DID{}, fmt.Errorf("%w: did:web URL must not have a query or fragment", did.ErrInvalidDID)
	}
	if err := checkHostname(u.Hostname()); err != nil {
		return did.DID{}, fmt.Errorf("%w: did:web URL host: %w", did.ErrInvalidDID, err)
	}
	var id strings.Builder
	id.WriteString(u.Hostname())
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		if err := checkPort(port); err != nil {
			return did.DID{}, fmt.Errorf("%w: did:web URL: %w", did.ErrInvalidDID, err)
		}
		id.WriteString("%3A")
		id.WriteString(port)
	}
	path := u.EscapedPath()
	switch path {
	case "", "/", "/.well-known/did.json":
	default:
		rest, ok := strings.CutSuffix(path, "/did.json")
		if !ok || rest == "" {
			return did.DID{}, fmt.Errorf("%w: did:web URL path %q does not end in /did.json", did.ErrInvalidDID, path)
		}
		for s := range strings.SplitSeq(rest[1:], "/") {
			dec, err := url.PathUnescape(s)
			if err != nil {
				return did.DID{}, fmt.Errorf("%w: did:web URL path: %w", did.ErrInvalidDID, err)
			}
			if err := checkSegment(dec); err != nil {
				return did.DID{}, fmt.Errorf("%w: did:web URL path: %w", did.ErrInvalidDID, err)
			}
			id.WriteByte(':')
			id.WriteString(escapeSegment(dec))
		}
	}
	d, err := did.Parse("did:web:" + id.String())
	if err != nil {
		return did.DID{}, err
	}
	if _, err := URL(d); err != nil {
		return did.DID{}, err
	}
	return d, nil
}

// parseHostSegment decodes the first segment of a did:web identifier into
// "host" or "host:port". The only percent-encoding allowed is %3A before the
// port.
func parseHostSegment(seg string) (string, error) {
	host, port, hasPort := seg, "", false
	if i := indexEncodedColon(seg); i >= 0 {
		host, port, hasPort = seg[:i], seg[i+3:], true
	}
	if err := checkHostname(host); err != nil {
		return "", err
	}
	if !hasPort {
		return host, nil
	}
	if err := checkPort(port); err != nil {
		return "", err
	}
	return host + ":" + port, nil
}

// indexEncodedColon returns the index of the first "%3A" or "%3a" in s, or
// -1.
func indexEncodedColon(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && s[i+1] == '3' && (s[i+2] == 'A' || s[i+2] == 'a') {
			return i
		}
	}
	return -1
}

// checkHostname accepts a DNS name of letters, digits and hyphens in dot
// separated labels (IDNs must be written in punycode) and refuses IP
// literals and names whose last label is all digits.
func checkHostname(h string) error {
	if h == "" {
		return fmt.Errorf("empty host")
	}
	if len(h) > maxHostLength {
		return fmt.Errorf("host longer than %d bytes", maxHostLength)
	}
	if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return fmt.Errorf("%w: host %q is an IP address; did:web needs a domain name", ErrForbiddenAddress, h)
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return fmt.Errorf("host %q: labels must be 1 to 63 bytes", truncate(h))
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("host %q: label %q starts or ends with '-'", truncate(h), truncate(l))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("host %q: character %q is not allowed in a DNS name", truncate(h), c)
			}
		}
	}
	if c := labels[len(labels)-1][0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		// Every top-level domain starts with a letter; "127.1", "2130706433"
		// and "0x7f000001" are IPv4 addresses to some resolvers.
		return fmt.Errorf("%w: host %q ends in a label that does not start with a letter and may be read as an IP address", ErrForbiddenAddress, truncate(h))
	}
	return nil
}

func checkPort(p string) error {
	if p == "" || len(p) > 5 || !allDigits(p) || p[0] == '0' {
		return fmt.Errorf("bad port %q", truncate(p))
	}
	if n, _ := strconv.Atoi(p); n > 65535 {
		return fmt.Errorf("port %s out of range", p)
	}
	return nil
}

// pathSegment percent-decodes one did:web path segment and checks it.
func pathSegment(s string) (string, error) {
	dec, err := url.PathUnescape(s)
	if err != nil {
		return "", err
	}
	return dec, checkSegment(dec)
}

func checkSegment(dec string) error {
	switch dec {
	case "":
		return fmt.Errorf("empty segment")
	case ".", "..":
		return fmt.Errorf("segment %q would traverse the path", dec)
	}
	if !utf8.ValidString(dec) {
		return fmt.Errorf("segment is not valid UTF-8")
	}
	for _, r := range dec {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\?#%`, r) {
			return fmt.Errorf("segment contains %q", r)
		}
	}
	return nil
}

// escapeSegment percent-encodes every byte outside the DID idchar set
// (ALPHA / DIGIT / "." / "-" / "_"), so ':' in a path segment cannot be read
// as a separator.
func escapeSegment(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
