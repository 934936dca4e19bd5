package did

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Sentinel errors. Callers branch on them with errors.Is; the wrapping error
// carries the detail.
var (
	// ErrInvalidDID reports a string that is not a DID per DID Core §3.1.
	ErrInvalidDID = errors.New("invalid DID")
	// ErrInvalidDIDURL reports a string that is not a DID URL per DID Core §3.2.
	ErrInvalidDIDURL = errors.New("invalid DID URL")
	// ErrNotFound reports a DID that its method cannot find.
	ErrNotFound = errors.New("DID not found")
	// ErrMethodNotSupported reports a DID whose method is not handled.
	ErrMethodNotSupported = errors.New("DID method not supported")
	// ErrInvalidDocument reports a DID document that breaks the data model.
	ErrInvalidDocument = errors.New("invalid DID document")
	// ErrUnsupportedKey reports key material of a type or encoding this
	// package does not handle.
	ErrUnsupportedKey = errors.New("unsupported key")
	// ErrInvalidKey reports key material that is malformed.
	ErrInvalidKey = errors.New("invalid key")
)

// MaxLength bounds the length of a DID or DID URL accepted by Parse and
// ParseURL. DID Core sets no limit; 4 KiB is far above any method in use and
// keeps hostile input cheap to refuse.
const MaxLength = 4096

// DID is a parsed decentralized identifier: did:Method:ID.
//
// ID is the method-specific identifier exactly as written, including any
// percent-encoding; two DIDs are equal when both fields are equal.
type DID struct {
	Method string
	ID     string
}

// String returns the DID in its canonical form "did:method:id".
func (d DID) String() string {
	if d.Method == "" {
		return ""
	}
	return "did:" + d.Method + ":" + d.ID
}

// IsZero reports whether d is the zero DID.
func (d DID) IsZero() bool { return d.Method == "" && d.ID == "" }

// Parse parses s as a DID (no path, query or fragment).
func Parse(s string) (DID, error) {
	if len(s) > MaxLength {
		return DID{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidDID, MaxLength)
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return DID{}, fmt.Errorf("%w: %q does not start with \"did:\"", ErrInvalidDID, truncate(s))
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok {
		return DID{}, fmt.Errorf("%w: %q has no method-specific identifier", ErrInvalidDID, truncate(s))
	}
	if err := checkMethod(method); err != nil {
		return DID{}, err
	}
	if err := checkMethodSpecificID(id); err != nil {
		return DID{}, err
	}
	return DID{Method: method, ID: id}, nil
}

// MustParse is Parse for constants in tests and examples; it panics on error.
func MustParse(s string) DID {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func checkMethod(m string) error {
	if m == "" {
		return fmt.Errorf("%w: empty method name", ErrInvalidDID)
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%w: method name %q: character %q at %d is not a lower-case letter or digit", ErrInvalidDID, truncate(m), c, i)
		}
	}
	return nil
}

// checkMethodSpecificID enforces
// method-specific-id = *( *idchar ":" ) 1*idchar.
func checkMethodSpecificID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty method-specific identifier", ErrInvalidDID)
	}
	if id[len(id)-1] == ':' {
		return fmt.Errorf("%w: method-specific identifier ends with ':'", ErrInvalidDID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case isIDChar(c), c == ':':
		case c == '%':
			if i+2 >= len(id) || !isHex(id[i+1]) || !isHex(id[i+2]) {
				return fmt.Errorf("%w: bad percent-encoding at %d", ErrInvalidDID, i)
			}
			i += 2
		default:
			return fmt.Errorf("%w: character %q at %d is not allowed in a method-specific identifier", ErrInvalidDID, c, i)
		}
	}
	return nil
}

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isPChar reports RFC 3986 pchar minus pct-encoded (handled by the caller).
func isPChar(c byte) bool {
	if isIDChar(c) || c == '~' || c == ':' || c == '@' {
		return true
	}
	return strings.IndexByte("!$&'()*+,;=", c) >= 0
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// URL is a parsed DID URL: a DID with optional path, query and fragment
// (DID Core §3.2). Path includes its leading "/"; Query and Fragment exclude
// the "?" and "#" delimiters and stay percent-encoded as written.
type URL struct {
	DID
	Path     string
	Query    string
	Fragment string
	// HasQuery and HasFragment distinguish an empty query or fragment
	// ("did:x:y?") from an absent one, so String round-trips exactly.
	HasQuery    bool
	HasFragment bool
}

// ParseURL parses s as a DID URL.
func ParseURL(s string) (URL, error) {
	if len(s) > MaxLength {
		return URL{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidDIDURL, MaxLength)
	}
	var u URL
	rest := s
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		u.Fragment, u.HasFragment = rest[i+1:], true
		rest = rest[:i]
		if err := checkQueryOrFragment(u.Fragment, "fragment"); err != nil {
			return URL{}, err
		}
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		u.Query, u.HasQuery = rest[i+1:], true
		rest = rest[:i]
		if err := checkQueryOrFragment(u.Query, "query"); err != nil {
			return URL{}, err
		}
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		u.Path = rest[i:]
		rest = rest[:i]
		if err := checkPath(u.Path); err != nil {
			return URL{}, err
		}
	}
	d, err := Parse(rest)
	if err != nil {
		return URL{}, fmt.Errorf("%w: %w", ErrInvalidDIDURL, err)
	}
	u.DID = d
	return u, nil
}

// MustParseURL is ParseURL for constants in tests and examples; it panics on
// error.
func MustParseURL(s string) URL {
	u, err := ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

func checkPath(p string) error {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/', isPChar(c):
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return fmt.Errorf("%w: bad percent-encoding in path at %d", ErrInvalidDIDURL, i)
			}
			i += 2
		default:
			return fmt.Errorf("%w: character %q is not allowed in a path", ErrInvalidDIDURL, c)
		}
	}
	return nil
}

func checkQueryOrFragment(q, what string) error {
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '/', c == '?', isPChar(c):
		case c == '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return fmt.Errorf("%w: bad percent-encoding in %s at %d", ErrInvalidDIDURL, what, i)
			}
			i += 2
		default:
			return fmt.Errorf("%w: character %q is not allowed in a %s", ErrInvalidDIDURL, c, what)
		}
	}
	return nil
}

// String returns the DID URL as written.
func (u URL) String() string {
	var b strings.Builder
	b.WriteString(u.DID.String())
	b.WriteString(u.Path)
	if u.HasQuery || u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.HasFragment || u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}

// IsDID reports whether u has no path, query or fragment.
func (u URL) IsDID() bool {
	return u.Path == "" && !u.HasQuery && u.Query == "" && !u.HasFragment && u.Fragment == ""
}

// Params decodes the query as DID parameters (DID Core §3.2.1), e.g.
// service, relativeRef, versionId, versionTime, hl. Parameters are separated
// by "&"; names and values are percent-decoded per RFC 3986, so "+" stays a
// plus sign (a versionTime offset survives) and ";" is an ordinary character.
func (u URL) Params() (url.Values, error) {
	v := make(url.Values)
	for part := range strings.SplitSeq(u.Query, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err := url.PathUnescape(name)
		if err != nil {
			return nil, fmt.Errorf("%w: query parameter name %q: %w", ErrInvalidDIDURL, truncate(name), err)
		}
		val, err := url.PathUnescape(value)
		if err != nil {
			return nil, fmt.Errorf("%w: query parameter %q: %w", ErrInvalidDIDURL, truncate(n), err)
		}
		v[n] = append(v[n], val)
	}
	return v, nil
}

// ResolveReference resolves ref, which may be absolute ("did:…"), a
// fragment ("#key-1"), or a relative path/query ("?service=x"), against the
// document identifier base and returns the absolute DID URL string. It is
// how relative verification-method ids in documents are made absolute.
func ResolveReference(base DID, ref string) string {
	switch {
	case strings.HasPrefix(ref, "did:"):
		return ref
	case strings.HasPrefix(ref, "#"), strings.HasPrefix(ref, "?"), strings.HasPrefix(ref, "/"):
		return base.String() + ref
	default:
		return ref
	}
}
