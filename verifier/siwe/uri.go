package siwe

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Character classes of RFC 3986 (section 2) and EIP-4361.

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool    { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool    { return isAlpha(c) || isDigit(c) }
func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isUnreserved(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }
func isGenDelim(c byte) bool { return strings.IndexByte(":/?#[]@", c) >= 0 }

// isPchar is pchar without pct-encoded (validChars handles "%" HEXDIG
// HEXDIG when asked to).
func isPchar(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' }

func isQueryChar(c byte) bool { return isPchar(c) || c == '/' || c == '?' }

func isUserinfoChar(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' }

func isRegNameChar(c byte) bool { return isUnreserved(c) || isSubDelim(c) }

func isStatementChar(c byte) bool {
	return isUnreserved(c) || isSubDelim(c) || isGenDelim(c) || c == ' '
}

// validChars reports whether every byte of s is in class, or (when pct is
// set) starts a "%" HEXDIG HEXDIG escape.
func validChars(s string, class func(byte) bool, pct bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if class(c) {
			continue
		}
		if pct && c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			i += 2
			continue
		}
		return false
	}
	return true
}

// validScheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	return validChars(s[1:], func(c byte) bool { return isAlnum(c) || c == '+' || c == '-' || c == '.' }, false)
}

// checkURI checks RFC 3986 URI: scheme ":" hier-part [ "?" query ]
// [ "#" fragment ].
func checkURI(s string) error {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return errors.New("no scheme")
	}
	if !validScheme(scheme) {
		return fmt.Errorf("invalid scheme %q", scheme)
	}
	if before, frag, ok := strings.Cut(rest, "#"); ok {
		if !validChars(frag, isQueryChar, true) {
			return errors.New("invalid fragment")
		}
		rest = before
	}
	if before, query, ok := strings.Cut(rest, "?"); ok {
		if !validChars(query, isQueryChar, true) {
			return errors.New("invalid query")
		}
		rest = before
	}
	path := rest
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		authority := after
		path = ""
		if i := strings.IndexByte(after, '/'); i >= 0 {
			authority, path = after[:i], after[i:]
		}
		if err := checkAuthority(authority); err != nil {
			return err
		}
	}
	// path-abempty, path-absolute, path-rootless and path-empty all reduce
	// to segments of pchar separated by "/" once "//" is excluded above.
	for _, seg := range strings.Split(path, "/") {
		if !validChars(seg, isPchar, true) {
			return errors.New("invalid path")
		}
	}
	return nil
}

// checkAuthority checks RFC 3986 authority: [ userinfo "@" ] host
// [ ":" port ], with a non-empty host.
func checkAuthority(s string) error {
	if userinfo, hostport, ok := strings.Cut(s, "@"); ok {
		if !validChars(userinfo, isUserinfoChar, true) {
			return errors.New("invalid userinfo")
		}
		s = hostport
	}
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return errors.New("unterminated IP literal")
		}
		host, port = s[:end+1], s[end+1:]
		if err := checkIPLiteral(host[1:end]); err != nil {
			return err
		}
		if port != "" {
			p, ok := strings.CutPrefix(port, ":")
			if !ok {
				return errors.New("junk after IP literal")
			}
			port = p
		}
	} else {
		if i := strings.IndexByte(s, ':'); i >= 0 {
			host, port = s[:i], s[i+1:]
		}
		if host == "" {
			return errors.New("empty host")
		}
		if !validChars(host, isRegNameChar, true) {
			return errors.New("invalid host")
		}
	}
	if !validChars(port, isDigit, false) {
		return errors.New("invalid port")
	}
	return nil
}

// checkIPLiteral checks the inside of "[" "]": IPv6address or IPvFuture.
func checkIPLiteral(s string) error {
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		ver, rest, ok := strings.Cut(s[1:], ".")
		if !ok || ver == "" || rest == "" || !validChars(ver, isHexDigit, false) ||
			!validChars(rest, func(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' }, false) {
			return errors.New("invalid IPvFuture literal")
		}
		return nil
	}
	if strings.ContainsAny(s, "%") {
		return errors.New("zone in IPv6 literal")
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return errors.New("invalid IPv6 literal")
	}
	return nil
}
