package siwe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readValid(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "valid", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test messages: %v", err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
}

// TestParseValid parses the specification's example and messages that use
// every optional part, and writes each back byte for byte.
func TestParseValid(t *testing.T) {
	for name, text := range readValid(t) {
		t.Run(name, func(t *testing.T) {
			m, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.String(); got != text {
				t.Fatalf("String() differs from the parsed text:\n%s\n---\n%s", got, text)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	text := readValid(t)["all-fields.txt"]
	m, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"scheme", m.Scheme, "http"},
		{"domain", m.Domain, "[::1]:8080"},
		{"address", m.Address.Hex(), "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"},
		{"uri", m.URI, "http://[::1]:8080/login?x=1#top"},
		{"nonce", m.Nonce, "abcDEF1234567890"},
		{"issuedAt", m.IssuedAt, "2021-09-30t16:25:24.123456789+02:00"},
		{"expiration", m.ExpirationTime, "2021-09-30T16:35:24Z"},
		{"notBefore", m.NotBefore, "2021-09-30T16:25:00.5z"},
		{"requestID", m.RequestID, "req-42:%20@!$"},
		{"resources", strings.Join(m.Resources, " "),
			"did:ethr:0x539:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2 urn:uuid:0b4e8a52-6a3c-4c1f-9b7e-4b1d8f2b7d11"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if m.ChainID != 1337 || !m.HasRequestID || !m.HasResources {
		t.Errorf("chain %d, request id %v, resources %v", m.ChainID, m.HasRequestID, m.HasResources)
	}
	if !strings.HasPrefix(m.Statement, "Sign in to chainid;") {
		t.Errorf("statement %q", m.Statement)
	}
}

// TestParseInvalid breaks the specification's example one rule at a time.
func TestParseInvalid(t *testing.T) {
	base := readValid(t)["eip4361-example.txt"]
	noStmt := readValid(t)["no-statement.txt"]
	cases := []struct {
		name, old, new string
		from           string
	}{
		{name: "lower-case address", old: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", new: "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"},
		{name: "bad checksum", old: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", new: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756CC2"},
		{name: "short address", old: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", new: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756C"},
		{name: "address without 0x", old: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", new: "C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"},
		{name: "other header", old: "wants you to sign in", new: "wants you to log in"},
		{name: "empty domain", old: "example.com wants", new: " wants"},
		{name: "domain with space", old: "example.com wants", new: "exa mple.com wants"},
		{name: "domain with path", old: "example.com wants", new: "example.com/x wants"},
		{name: "domain bad port", old: "example.com wants", new: "example.com:8a wants"},
		{name: "bad scheme", old: "example.com wants", new: "1http://example.com wants"},
		{name: "no blank line after address", old: "Cc2\n\n", new: "Cc2\n"},
		{name: "no blank line after statement", old: "tos\n\nURI", new: "tos\nURI"},
		{name: "statement with LF", old: "I accept the ExampleOrg", new: "I accept\nthe ExampleOrg"},
		{name: "statement with control", old: "I accept", new: "I\taccept"},
		{name: "statement with quote", old: "I accept", new: "I \"accept\""},
		{name: "statement non-ascii", old: "I accept", new: "I accépt"},
		{name: "extra blank line", from: noStmt, old: "\n\n\nURI", new: "\n\n\n\nURI"},
		{name: "version 2", old: "Version: 1", new: "Version: 2"},
		{name: "lower-case tag", old: "Version: 1", new: "version: 1"},
		{name: "missing version", old: "Version: 1\n", new: ""},
		{name: "fields swapped", old: "Version: 1\nChain ID: 1", new: "Chain ID: 1\nVersion: 1"},
		{name: "chain id hex", old: "Chain ID: 1", new: "Chain ID: 0x1"},
		{name: "chain id leading zero", old: "Chain ID: 1", new: "Chain ID: 01"},
		{name: "chain id overflow", old: "Chain ID: 1", new: "Chain ID: 18446744073709551616"},
		{name: "chain id empty", old: "Chain ID: 1", new: "Chain ID: "},
		{name: "short nonce", old: "Nonce: 32891756", new: "Nonce: 3289175"},
		{name: "nonce punctuation", old: "Nonce: 32891756", new: "Nonce: 32891756-x"},
		{name: "issued at not rfc3339", old: "2021-09-30T16:25:24Z", new: "2021-09-30 16:25:24Z"},
		{name: "issued at no offset", old: "2021-09-30T16:25:24Z", new: "2021-09-30T16:25:24"},
		{name: "issued at month 13", old: "2021-09-30T16:25:24Z", new: "2021-13-30T16:25:24Z"},
		{name: "issued at Feb 30", old: "2021-09-30T16:25:24Z", new: "2021-02-30T16:25:24Z"},
		{name: "issued at empty fraction", old: "2021-09-30T16:25:24Z", new: "2021-09-30T16:25:24.Z"},
		{name: "bad uri", old: "URI: https://example.com/login", new: "URI: example.com/login"},
		{name: "uri with space", old: "URI: https://example.com/login", new: "URI: https://example.com/log in"},
		{name: "uri bad escape", old: "URI: https://example.com/login", new: "URI: https://example.com/%zz"},
		{name: "uri bad ipv6", old: "URI: https://example.com/login", new: "URI: https://[::g]/"},
		{name: "uri zone", old: "URI: https://example.com/login", new: "URI: https://[fe80::1%25eth0]/"},
		{name: "resource without dash", old: "- https://example.com/my", new: "https://example.com/my"},
		{name: "bad resource", old: "- https://example.com/my-web2-claim.json", new: "- not a uri"},
		{name: "trailing LF", old: "claim.json", new: "claim.json\n"},
		{name: "CRLF", old: "\n", new: "\r\n"},
		{name: "optional fields out of order", old: "Resources:", new: "Request ID: 1\nExpiration Time: 2021-09-30T16:25:24Z\nResources:"},
		{name: "unknown field", old: "Resources:", new: "Color: blue\nResources:"},
		{name: "empty expiration", old: "Resources:", new: "Expiration Time: \nResources:"},
		{name: "request id with space", old: "Resources:", new: "Request ID: a b\nResources:"},
		{name: "duplicate field", old: "Resources:", new: "Not Before: 2021-09-30T16:25:24Z\nNot Before: 2021-09-30T16:25:24Z\nResources:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from := base
			if c.from != "" {
				from = c.from
			}
			if !strings.Contains(from, c.old) {
				t.Fatalf("test case does not apply: %q not in message", c.old)
			}
			text := strings.Replace(from, c.old, c.new, 1)
			if c.name == "CRLF" {
				text = strings.ReplaceAll(from, c.old, c.new)
			}
			m, err := Parse(text)
			if err == nil {
				t.Fatalf("parsed:\n%s", m)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	base := readValid(t)["eip4361-example.txt"]
	many := base + strings.Repeat("\n- https://example.com/x", MaxResources)
	if _, err := Parse(many); !errors.Is(err, ErrSyntax) {
		t.Errorf("%d resources: %v", MaxResources+2, err)
	}
	if _, err := Parse(strings.Repeat("a", MaxMessageBytes+1)); !errors.Is(err, ErrSyntax) {
		t.Errorf("oversize: %v", err)
	}
	if _, err := Parse(""); !errors.Is(err, ErrSyntax) {
		t.Errorf("empty: %v", err)
	}
}

// FuzzParse checks that Parse never panics and that whatever it accepts it
// writes back byte for byte (so the signed text and the checked fields
// cannot disagree).
func FuzzParse(f *testing.F) {
	for _, text := range readValid(f) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		if got := m.String(); got != text {
			t.Fatalf("round trip:\n%q\n%q", text, got)
		}
	})
}
