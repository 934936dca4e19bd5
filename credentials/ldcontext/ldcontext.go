package ldcontext

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Context URLs of the built-in set.
const (
	CredentialsV2         = "https://www.w3.org/ns/credentials/v2"
	CredentialsV1         = "https://www.w3.org/2018/credentials/v1"
	DataIntegrityV2       = "https://w3id.org/security/data-integrity/v2"
	DataIntegrityV1       = "https://w3id.org/security/data-integrity/v1"
	MultikeyV1            = "https://w3id.org/security/multikey/v1"
	BitstringStatusListV1 = "https://www.w3.org/ns/credentials/status/v1"
	// UndefinedTermsV2 maps every term no other context defines to
	// https://www.w3.org/ns/credentials/undefined-term#TERM (its only
	// member is an @vocab). VC Data Model 2.0 requires it, as the last
	// @context entry, in a credential that uses terms no context defines;
	// its base context has no @vocab.
	UndefinedTermsV2 = "https://www.w3.org/ns/credentials/undefined-terms/v2"
)

// MaxContextSize bounds a registered context document.
const MaxContextSize = 256 << 10

// ErrUnknownContext is returned for a context URL that is not in the Set.
var ErrUnknownContext = errors.New("unknown JSON-LD context")

//go:embed contexts/*.jsonld
var files embed.FS

// builtin maps each built-in URL to its embedded file.
var builtin = [...]struct{ url, file string }{
	{CredentialsV2, "credentials-v2.jsonld"},
	{CredentialsV1, "credentials-v1.jsonld"},
	{DataIntegrityV2, "data-integrity-v2.jsonld"},
	{DataIntegrityV1, "data-integrity-v1.jsonld"},
	{MultikeyV1, "multikey-v1.jsonld"},
	{BitstringStatusListV1, "vc-bitstring-status-list-v1.jsonld"},
	{UndefinedTermsV2, "undefined-terms-v2.jsonld"},
}

// Context is one context document and the URL it is served under.
type Context struct {
	URL      string
	Document []byte // the exact bytes; a JSON object with an "@context" member
}

// Builtin returns the embedded contexts, in a fixed order. The slices are
// fresh copies.
func Builtin() []Context {
	out := make([]Context, 0, len(builtin))
	for _, b := range builtin {
		data, err := files.ReadFile("contexts/" + b.file)
		if err != nil {
			panic("ldcontext: embedded file missing: " + b.file) // programmer error
		}
		out = append(out, Context{URL: b.url, Document: data})
	}
	return out
}

// Set is an immutable set of context documents keyed by URL. It is safe for
// concurrent use.
type Set struct {
	docs map[string][]byte
}

// New returns the built-in contexts plus extra ones. An extra context must
// have an absolute https URL (no fragment), must not replace a built-in or
// repeat another extra, and must be a JSON object with an "@context" member
// that names no other context by URL (so the Set is closed: every context it
// serves is in it).
func New(extra ...Context) (*Set, error) {
	s := &Set{docs: make(map[string][]byte, len(builtin)+len(extra))}
	for _, c := range Builtin() {
		s.docs[c.URL] = c.Document
	}
	for _, c := range extra {
		if err := checkURL(c.URL); err != nil {
			return nil, err
		}
		if _, dup := s.docs[c.URL]; dup {
			return nil, fmt.Errorf("context %s is already in the set", c.URL)
		}
		if err := checkDocument(c.Document); err != nil {
			return nil, fmt.Errorf("context %s: %w", c.URL, err)
		}
		s.docs[c.URL] = bytes.Clone(c.Document)
	}
	return s, nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("context URL %q: %w", raw, err)
	}
	if u.Scheme != "https" || u.Host == "" || u.Fragment != "" || u.User != nil || u.String() != raw {
		return fmt.Errorf("context URL %q: must be an absolute https URL without fragment", raw)
	}
	return nil
}

func checkDocument(doc []byte) error {
	if len(doc) > MaxContextSize {
		return fmt.Errorf("document of %d bytes exceeds %d", len(doc), MaxContextSize)
	}
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	c, ok := v["@context"]
	if !ok {
		return errors.New(`no "@context" member`)
	}
	if ref := remoteRef(c); ref != "" {
		return fmt.Errorf("refers to context %q: a registered context must be self-contained", ref)
	}
	return nil
}

// remoteRef finds a context given by reference (a string) or an @import
// anywhere inside a context definition.
func remoteRef(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if r := remoteRef(e); r != "" {
				return r
			}
		}
	case map[string]any:
		for k, e := range t {
			if k == "@import" {
				if s, ok := e.(string); ok {
					return s
				}
				return "@import"
			}
			if m, ok := e.(map[string]any); ok {
				if sc, ok := m["@context"]; ok {
					if r := remoteRef(sc); r != "" {
						return r
					}
				}
			}
		}
	}
	return ""
}

// Document returns the exact bytes of the context served under u, or an
// error wrapping ErrUnknownContext. The returned slice must not be modified.
func (s *Set) Document(u string) ([]byte, error) {
	doc, ok := s.docs[u]
	if !ok {
		return nil, fmt.Errorf("%w: %q is not in the built-in set (contexts are never fetched)", ErrUnknownContext, truncate(u))
	}
	return doc, nil
}

// Has reports whether u is in the set.
func (s *Set) Has(u string) bool {
	_, ok := s.docs[u]
	return ok
}

// URLs lists the set's context URLs, sorted.
func (s *Set) URLs() []string {
	out := make([]string, 0, len(s.docs))
	for u := range s.docs {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

func truncate(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
