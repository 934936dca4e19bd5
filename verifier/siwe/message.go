package siwe

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Limits that keep parsing bounded. A real message is well under a kilobyte.
const (
	// MaxMessageBytes bounds the whole message.
	MaxMessageBytes = 16 << 10
	// MaxResources bounds the Resources list.
	MaxResources = 64
	// MinNonceLength is the shortest nonce the grammar allows.
	MinNonceLength = 8
)

const (
	headerSuffix   = " wants you to sign in with your Ethereum account:"
	tagURI         = "URI: "
	tagVersion     = "Version: "
	tagChainID     = "Chain ID: "
	tagNonce       = "Nonce: "
	tagIssuedAt    = "Issued At: "
	tagExpiration  = "Expiration Time: "
	tagNotBefore   = "Not Before: "
	tagRequestID   = "Request ID: "
	tagResources   = "Resources:"
	resourcePrefix = "- "
	// Version1 is the only version EIP-4361 defines.
	Version1 = "1"
)

// ErrSyntax is wrapped by every error of Parse: the text is not an EIP-4361
// message.
var ErrSyntax = errors.New("not an EIP-4361 message")

// Message is a Sign-In with Ethereum message. Parse fills it from text and
// String writes it back; the optional parts are absent when their field is
// empty (Statement, Scheme, the times) or their Has… flag is false.
type Message struct {
	// Scheme is the optional URI scheme written before the domain.
	Scheme string
	// Domain is the RFC 3986 authority asking for the sign-in.
	Domain string
	// Address is the signing account, EIP-55 checksummed.
	Address common.Address
	// Statement is the optional human-readable line; "" means none.
	Statement string
	// URI is the RFC 3986 URI of the resource the sign-in is for.
	URI string
	// Version is always Version1.
	Version string
	// ChainID is the EIP-155 chain the session is bound to.
	ChainID uint64
	// Nonce is at least MinNonceLength ASCII letters and digits.
	Nonce string
	// IssuedAt, ExpirationTime and NotBefore are RFC 3339 date-times as
	// written; the last two are optional ("" means absent).
	IssuedAt       string
	ExpirationTime string
	NotBefore      string
	// RequestID is the optional request id (*pchar, so it may be empty
	// while present).
	RequestID    string
	HasRequestID bool
	// Resources are the optional RFC 3986 URIs after "Resources:".
	Resources    []string
	HasResources bool
}

// syntaxErr builds an error wrapping ErrSyntax.
func syntaxErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSyntax}, args...)...)
}

// Parse parses an EIP-4361 message strictly (see the package comment).
func Parse(text string) (*Message, error) {
	if len(text) > MaxMessageBytes {
		return nil, syntaxErr("message of %d bytes exceeds %d", len(text), MaxMessageBytes)
	}
	if strings.IndexByte(text, '\r') >= 0 {
		return nil, syntaxErr("carriage return in message (lines end with LF only)")
	}
	lines := strings.Split(text, "\n")
	if len(lines) > 16+MaxResources {
		return nil, syntaxErr("%d lines is too many", len(lines))
	}
	m := &Message{}
	p := lineReader{lines: lines}

	// Header.
	header, _ := p.next()
	prefix, ok := strings.CutSuffix(header, headerSuffix)
	if !ok {
		return nil, syntaxErr("first line must end with %q", headerSuffix)
	}
	if scheme, domain, found := strings.Cut(prefix, "://"); found {
		if !validScheme(scheme) {
			return nil, syntaxErr("invalid scheme %q", scheme)
		}
		m.Scheme, prefix = scheme, domain
	}
	if err := checkAuthority(prefix); err != nil {
		return nil, syntaxErr("domain %q: %w", prefix, err)
	}
	m.Domain = prefix

	// Address.
	addr, ok := p.next()
	if !ok {
		return nil, syntaxErr("missing address line")
	}
	a, err := parseAddress(addr)
	if err != nil {
		return nil, err
	}
	m.Address = a

	// Blank line, optional statement, blank line.
	if l, ok := p.next(); !ok || l != "" {
		return nil, syntaxErr("the address must be followed by an empty line")
	}
	l, ok := p.next()
	if !ok {
		return nil, syntaxErr("message ends after the address")
	}
	if l != "" {
		if err := checkStatement(l); err != nil {
			return nil, err
		}
		m.Statement = l
		if l2, ok := p.next(); !ok || l2 != "" {
			return nil, syntaxErr("the statement must be followed by an empty line")
		}
	}

	// Required fields.
	if m.URI, err = p.field(tagURI); err != nil {
		return nil, err
	}
	if err := checkURI(m.URI); err != nil {
		return nil, syntaxErr("URI %q: %w", m.URI, err)
	}
	if m.Version, err = p.field(tagVersion); err != nil {
		return nil, err
	}
	if m.Version != Version1 {
		return nil, syntaxErr("version %q: only %q is defined", m.Version, Version1)
	}
	chain, err := p.field(tagChainID)
	if err != nil {
		return nil, err
	}
	if m.ChainID, err = parseChainID(chain); err != nil {
		return nil, err
	}
	if m.Nonce, err = p.field(tagNonce); err != nil {
		return nil, err
	}
	if err := checkNonce(m.Nonce); err != nil {
		return nil, err
	}
	if m.IssuedAt, err = p.field(tagIssuedAt); err != nil {
		return nil, err
	}
	if _, err := ParseTime(m.IssuedAt); err != nil {
		return nil, syntaxErr("issued at: %w", err)
	}

	// Optional fields, in this order.
	if v, ok := p.optional(tagExpiration); ok {
		if _, err := ParseTime(v); err != nil {
			return nil, syntaxErr("expiration time: %w", err)
		}
		m.ExpirationTime = v
	}
	if v, ok := p.optional(tagNotBefore); ok {
		if _, err := ParseTime(v); err != nil {
			return nil, syntaxErr("not before: %w", err)
		}
		m.NotBefore = v
	}
	if v, ok := p.optional(tagRequestID); ok {
		if !validChars(v, isPchar, true) {
			return nil, syntaxErr("request id %q has characters outside pchar", v)
		}
		m.RequestID, m.HasRequestID = v, true
	}
	if l, ok := p.peek(); ok && l == tagResources {
		p.next()
		m.HasResources = true
		for {
			l, ok := p.peek()
			if !ok || !strings.HasPrefix(l, resourcePrefix) {
				break
			}
			p.next()
			r := strings.TrimPrefix(l, resourcePrefix)
			if err := checkURI(r); err != nil {
				return nil, syntaxErr("resource %q: %w", r, err)
			}
			if len(m.Resources) == MaxResources {
				return nil, syntaxErr("more than %d resources", MaxResources)
			}
			m.Resources = append(m.Resources, r)
		}
	}
	if l, ok := p.peek(); ok {
		if l == "" && p.i == len(lines)-1 {
			return nil, syntaxErr("the message must not end with a line feed")
		}
		return nil, syntaxErr("unexpected line %d: %q", p.i+1, truncate(l, 64))
	}
	return m, nil
}

// String writes the message in EIP-4361 form: for a parsed message, the
// text it was parsed from.
func (m *Message) String() string {
	var b strings.Builder
	if m.Scheme != "" {
		b.WriteString(m.Scheme + "://")
	}
	b.WriteString(m.Domain + headerSuffix + "\n")
	b.WriteString(m.Address.Hex() + "\n\n")
	if m.Statement != "" {
		b.WriteString(m.Statement + "\n")
	}
	b.WriteString("\n")
	version := m.Version
	if version == "" {
		version = Version1
	}
	b.WriteString(tagURI + m.URI + "\n")
	b.WriteString(tagVersion + version + "\n")
	b.WriteString(tagChainID + strconv.FormatUint(m.ChainID, 10) + "\n")
	b.WriteString(tagNonce + m.Nonce + "\n")
	b.WriteString(tagIssuedAt + m.IssuedAt)
	if m.ExpirationTime != "" {
		b.WriteString("\n" + tagExpiration + m.ExpirationTime)
	}
	if m.NotBefore != "" {
		b.WriteString("\n" + tagNotBefore + m.NotBefore)
	}
	if m.HasRequestID || m.RequestID != "" {
		b.WriteString("\n" + tagRequestID + m.RequestID)
	}
	if m.HasResources || len(m.Resources) > 0 {
		b.WriteString("\n" + tagResources)
		for _, r := range m.Resources {
			b.WriteString("\n" + resourcePrefix + r)
		}
	}
	return b.String()
}

// lineReader walks the message's lines.
type lineReader struct {
	lines []string
	i     int
}

func (p *lineReader) next() (string, bool) {
	if p.i >= len(p.lines) {
		return "", false
	}
	p.i++
	return p.lines[p.i-1], true
}

func (p *lineReader) peek() (string, bool) {
	if p.i >= len(p.lines) {
		return "", false
	}
	return p.lines[p.i], true
}

// field reads the next line, which must start with tag.
func (p *lineReader) field(tag string) (string, error) {
	l, ok := p.next()
	if !ok {
		return "", syntaxErr("missing %q line", strings.TrimSpace(tag))
	}
	v, found := strings.CutPrefix(l, tag)
	if !found {
		return "", syntaxErr("line %d: want %q, got %q", p.i, strings.TrimSpace(tag), truncate(l, 64))
	}
	return v, nil
}

// optional reads the next line if it starts with tag.
func (p *lineReader) optional(tag string) (string, bool) {
	l, ok := p.peek()
	if !ok {
		return "", false
	}
	v, found := strings.CutPrefix(l, tag)
	if !found {
		return "", false
	}
	p.i++
	return v, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// parseAddress accepts 0x and 40 hex digits in EIP-55 checksummed form.
func parseAddress(s string) (common.Address, error) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") || !validChars(s[2:], isHexDigit, false) {
		return common.Address{}, syntaxErr("address %q is not 0x and 40 hex digits", truncate(s, 64))
	}
	a := common.HexToAddress(s)
	if a.Hex() != s {
		return common.Address{}, syntaxErr("address %s does not carry its EIP-55 checksum (want %s)", s, a.Hex())
	}
	return a, nil
}

// parseChainID accepts 1*DIGIT without leading zeros, fitting 64 bits.
func parseChainID(s string) (uint64, error) {
	if s == "" || !validChars(s, isDigit, false) {
		return 0, syntaxErr("chain ID %q is not a decimal number", truncate(s, 32))
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, syntaxErr("chain ID %q has leading zeros", s)
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, syntaxErr("chain ID %q does not fit 64 bits", truncate(s, 32))
	}
	return id, nil
}

func checkNonce(s string) error {
	if len(s) < MinNonceLength || !validChars(s, isAlnum, false) {
		return syntaxErr("nonce %q is not at least %d ASCII letters and digits", truncate(s, 64), MinNonceLength)
	}
	return nil
}

// checkStatement accepts reserved / unreserved / " " characters (RFC 3986
// sets), at least one.
func checkStatement(s string) error {
	if !validChars(s, isStatementChar, false) {
		return syntaxErr("statement has characters outside RFC 3986 reserved, unreserved and space")
	}
	return nil
}

// ParseTime parses an RFC 3339 date-time (section 5.6: "T" and "Z" in
// either case, optional fraction, "Z" or a numeric offset).
func ParseTime(s string) (time.Time, error) {
	if !rfc3339Shape(s) {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", truncate(s, 64))
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a valid RFC 3339 date-time", truncate(s, 64))
	}
	return t, nil
}

// rfc3339Shape checks the characters of date-time: 4DIGIT "-" 2DIGIT "-"
// 2DIGIT "T" 2DIGIT ":" 2DIGIT ":" 2DIGIT ["." 1*DIGIT] ("Z" / ("+"/"-")
// 2DIGIT ":" 2DIGIT). Ranges are left to time.Parse.
func rfc3339Shape(s string) bool {
	const fixed = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(fixed)+1 {
		return false
	}
	for i := 0; i < len(fixed); i++ {
		c := s[i]
		switch fixed[i] {
		case 'd':
			if !isDigit(c) {
				return false
			}
		case 'T':
			if c != 'T' && c != 't' {
				return false
			}
		default:
			if c != fixed[i] {
				return false
			}
		}
	}
	rest := s[len(fixed):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z" || rest == "z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && isDigit(rest[1]) && isDigit(rest[2]) &&
		rest[3] == ':' && isDigit(rest[4]) && isDigit(rest[5]):
		return true
	}
	return false
}

// ParseSignature decodes a 0x-prefixed hex signature, as wallets return
// it from personal_sign.
func ParseSignature(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || len(h)%2 != 0 || len(h) > 2*MaxSignatureBytes {
		return nil, syntaxErr("signature must be 0x-prefixed hex of at most %d bytes", MaxSignatureBytes)
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, syntaxErr("signature is not hex")
	}
	return b, nil
}
