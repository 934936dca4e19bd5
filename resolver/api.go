package resolver

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chainid/chainid/did"
)

// Method resolves the DIDs of one DID method. Implementations live in the
// did/* packages and must be safe for concurrent use. They return errors
// wrapping did.ErrInvalidDID (the method-specific id is malformed),
// did.ErrNotFound, or anything else for internal failures; a deactivated
// DID is reported through metadata.Deactivated, not an error.
type Method interface {
	Resolve(ctx context.Context, id did.DID, opts did.ResolveOptions) (*did.Document, did.DocumentMetadata, error)
}

// Cache stores resolution results by key. The bbolt store implements it.
// Get reports ok=false for a missing or expired entry. Implementations must
// be safe for concurrent use.
type Cache interface {
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// DID Resolution error codes (resolution metadata "error").
const (
	CodeInvalidDID                 = "invalidDid"
	CodeInvalidDIDURL              = "invalidDidUrl"
	CodeNotFound                   = "notFound"
	CodeMethodNotSupported         = "methodNotSupported"
	CodeRepresentationNotSupported = "representationNotSupported"
	CodeInternalError              = "internalError"
	CodeDeactivated                = "deactivated"
)

// Media types of the DID Resolution HTTP binding.
const (
	MediaDIDJSON          = "application/did+json"
	MediaDIDLDJSON        = "application/did+ld+json"
	MediaResolutionResult = `application/ld+json;profile="https://w3id.org/did-resolution"`
)

// Options are the resolution options callers pass (DID Resolution §4.1).
type Options struct {
	// Accept is the requested representation media type of the document:
	// one media type or an HTTP Accept header value (a list with q
	// weights). Empty, */*, application/json and application/did+json
	// select application/did+json; application/did+ld+json and the
	// resolution result type (MediaResolutionResult) select
	// application/did+ld+json; anything else is
	// CodeRepresentationNotSupported.
	Accept string
	// NoCache bypasses the cache for this call (the result is still
	// stored).
	NoCache bool
	// VersionID and VersionTime ask for a historical version.
	VersionID   string
	VersionTime string
}

// Result is a DID resolution result.
type Result struct {
	Document           *did.Document        `json:"didDocument"`
	DocumentMetadata   did.DocumentMetadata `json:"didDocumentMetadata"`
	ResolutionMetadata Metadata             `json:"didResolutionMetadata"`
}

// Metadata is DID resolution metadata.
type Metadata struct {
	ContentType  string    `json:"contentType,omitempty"`
	Error        string    `json:"error,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	Retrieved    time.Time `json:"retrieved,omitzero"`
	Cached       bool      `json:"cached,omitempty"`
	DurationMS   int64     `json:"duration,omitempty"`
}

// Dereferenced is a DID URL dereferencing result: the selected resource
// (a whole document, a verification method, a service, or a URL to
// redirect to for service + relativeRef). ContentStream is the resource as
// JSON and ContentType its media type; Redirect, when set, is the service
// endpoint URL the DID URL designates (an HTTP binding answers 303 with it,
// like the Universal Resolver). ContentMeta is the document metadata of the
// resolved DID, set whenever resolution succeeded.
type Dereferenced struct {
	ContentStream json.RawMessage       `json:"contentStream,omitempty"`
	ContentType   string                `json:"-"`
	Redirect      string                `json:"-"`
	Metadata      Metadata              `json:"dereferencingMetadata"`
	ContentMeta   *did.DocumentMetadata `json:"contentMetadata,omitempty"`
}

// Error is a failed resolution or dereferencing: Code is one of the Code…
// constants, Err the cause. Resolve and Dereference return it (wrapped in
// nothing) alongside a non-nil result whose metadata carries the same code,
// so HTTP bindings can map Code to a status and still render the result.
type Error struct {
	Code string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Code
	}
	return e.Code + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
