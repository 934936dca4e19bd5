package ldcontext_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/ldcontext"
)

// pinned are the SHA-256 digests of the embedded files: the bytes of the npm
// packages named in the package documentation. A changed byte fails here.
var pinned = map[string]string{
	ldcontext.CredentialsV2:         "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
	ldcontext.CredentialsV1:         "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8",
	ldcontext.DataIntegrityV2:       "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
	ldcontext.DataIntegrityV1:       "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
	ldcontext.MultikeyV1:            "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6",
	ldcontext.BitstringStatusListV1: "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
	ldcontext.UndefinedTermsV2:      "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581",
}

// specDigests are the digests the specifications publish for the files W3C
// serves (VC Data Model 2.0 appendix B.1; VC Data Model 1.1 appendix B.1).
// The npm copies we embed (and jsonld.js peers load) define the same terms in
// a different layout, so their bytes differ; TestSpecDigests records that,
// and fails if an embedded file ever is the W3C file but the pinned digest
// above was not updated to say so.
var specDigests = map[string]string{
	ldcontext.CredentialsV2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
	ldcontext.CredentialsV1: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
}

func TestBuiltinDigests(t *testing.T) {
	got := map[string]bool{}
	for _, c := range ldcontext.Builtin() {
		t.Run(c.URL, func(t *testing.T) {
			want, ok := pinned[c.URL]
			if !ok {
				t.Fatalf("built-in %s has no pinned digest", c.URL)
			}
			sum := sha256.Sum256(c.Document)
			if hex.EncodeToString(sum[:]) != want {
				t.Errorf("sha256 = %x, pinned %s", sum, want)
			}
			var v map[string]any
			if err := json.Unmarshal(c.Document, &v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v["@context"]; !ok {
				t.Error("no @context member")
			}
		})
		got[c.URL] = true
	}
	for u := range pinned {
		if !got[u] {
			t.Errorf("pinned %s is not built in", u)
		}
	}
}

func TestSpecDigests(t *testing.T) {
	for _, c := range ldcontext.Builtin() {
		spec, ok := specDigests[c.URL]
		if !ok {
			continue
		}
		sum := sha256.Sum256(c.Document)
		if hex.EncodeToString(sum[:]) == spec {
			if pinned[c.URL] != spec {
				t.Errorf("%s is the W3C-served file: pin its spec digest", c.URL)
			}
			continue
		}
		t.Logf("%s: embedded npm bytes %x differ from the W3C-served file (spec digest %s); same definitions, other layout", c.URL, sum, spec)
	}
}

func TestSetDocument(t *testing.T) {
	s, err := ldcontext.New()
	if err != nil {
		t.Fatal(err)
	}
	for u := range pinned {
		if !s.Has(u) {
			t.Errorf("set lacks %s", u)
		}
		if _, err := s.Document(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{
		"https://www.w3.org/ns/credentials/examples/v2",
		"https://www.w3.org/ns/credentials/v2/",
		"http://www.w3.org/ns/credentials/v2",
		"https://www.w3.org/ns/credentials/undefined-terms/v2/",
		"https://www.w3.org/ns/credentials/issuer-dependent",
		"https://evil.example/v2",
		"",
	} {
		if _, err := s.Document(u); !errors.Is(err, ldcontext.ErrUnknownContext) {
			t.Errorf("Document(%q) = %v, want ErrUnknownContext", u, err)
		}
		if s.Has(u) {
			t.Errorf("Has(%q)", u)
		}
	}
	if n := len(s.URLs()); n != len(pinned) {
		t.Errorf("URLs: %d, want %d", n, len(pinned))
	}
}

func TestNewExtra(t *testing.T) {
	good := []byte(`{"@context":{"@protected":true,"Thing":"https://schema.example/Thing"}}`)
	s, err := ldcontext.New(ldcontext.Context{URL: "https://schema.example/ctx/v1", Document: good})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has("https://schema.example/ctx/v1") {
		t.Error("extra context missing")
	}
	bad := []struct {
		name string
		c    ldcontext.Context
	}{
		{"replaces built-in", ldcontext.Context{URL: ldcontext.CredentialsV2, Document: good}},
		{"http", ldcontext.Context{URL: "http://schema.example/ctx", Document: good}},
		{"relative", ldcontext.Context{URL: "/ctx", Document: good}},
		{"fragment", ldcontext.Context{URL: "https://schema.example/ctx#x", Document: good}},
		{"not JSON", ldcontext.Context{URL: "https://schema.example/a", Document: []byte(`{`)}},
		{"no @context", ldcontext.Context{URL: "https://schema.example/b", Document: []byte(`{"a":1}`)}},
		{"remote ref", ldcontext.Context{URL: "https://schema.example/c", Document: []byte(`{"@context":"https://evil.example/ctx"}`)}},
		{"remote in array", ldcontext.Context{URL: "https://schema.example/d", Document: []byte(`{"@context":[{"a":"https://x.example/a"},"https://evil.example/ctx"]}`)}},
		{"import", ldcontext.Context{URL: "https://schema.example/e", Document: []byte(`{"@context":{"@import":"https://evil.example/ctx"}}`)}},
		{"scoped remote", ldcontext.Context{URL: "https://schema.example/f", Document: []byte(`{"@context":{"T":{"@id":"https://x.example/T","@context":"https://evil.example/ctx"}}}`)}},
		{"oversize", ldcontext.Context{URL: "https://schema.example/g", Document: []byte(`{"@context":{"a":"` + strings.Repeat("a", ldcontext.MaxContextSize) + `"}}`)}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ldcontext.New(tc.c); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := ldcontext.New(
		ldcontext.Context{URL: "https://schema.example/x", Document: good},
		ldcontext.Context{URL: "https://schema.example/x", Document: good},
	); err == nil {
		t.Error("duplicate extra accepted")
	}
}

func TestBuiltinCopies(t *testing.T) {
	a := ldcontext.Builtin()
	a[0].Document[0] = '!'
	if b := ldcontext.Builtin(); b[0].Document[0] == '!' {
		t.Error("Builtin returned shared bytes")
	}
}
