package oid4vp

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"time"

	"github.com/chainid/chainid/internal/oauth"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/dcql"
)

// Protocol identifiers.
const (
	// ResponseTypeVPToken is the only response_type.
	ResponseTypeVPToken = "vp_token"
	// ResponseModeDirectPost posts the response as a form to response_uri.
	ResponseModeDirectPost = "direct_post"
	// ResponseModeDirectPostJWT posts it encrypted, as a JWE in "response".
	ResponseModeDirectPostJWT = "direct_post.jwt"
	// PrefixRedirectURI and PrefixDecentralizedIdentifier are the
	// client_id prefixes this package speaks.
	PrefixRedirectURI             = "redirect_uri:"
	PrefixDecentralizedIdentifier = "decentralized_identifier:"
	// RequestObjectType is the typ of a request object.
	RequestObjectType = "oauth-authz-req+jwt"
	// MediaTypeRequestObject is the media type of a request_uri response.
	MediaTypeRequestObject = "application/oauth-authz-req+jwt"
	// Scheme is the custom URL scheme of authorization requests.
	Scheme = "openid4vp://"
	// SelfIssuedAudience is the aud of request objects for wallets without
	// published metadata (OpenID4VP 1.0 §5.8, static discovery).
	SelfIssuedAudience = "https://self-issued.me/v2"
)

// DCQL credential formats (verifier/dcql's). FormatZK is chainid's: a
// credential query for a zero-knowledge proof, whose meta.zk_request
// (MetaZKRequest) holds the proof request.
const (
	FormatSDJWT   = dcql.FormatSDJWT
	FormatJWTVC   = dcql.FormatJWTVCJSON
	FormatLDPVC   = dcql.FormatLDPVC
	FormatZK      = dcql.FormatZK
	MetaZKRequest = "zk_request"
)

// Content encryption algorithms of direct_post.jwt responses.
const (
	EncA128GCM = "A128GCM"
	EncA256GCM = "A256GCM"
)

// Request states (Status.State).
const (
	StatePending  = "pending"
	StateVerified = "verified"
	StateRejected = "rejected"
	StateExpired  = "expired"
)

// Defaults and bounds.
const (
	DefaultRequestTTL     = 5 * time.Minute
	MaxRequestTTL         = time.Hour
	DefaultRetention      = time.Hour
	MaxResponseBytes      = 1 << 20
	MaxRequestObjectBytes = 256 << 10
	MaxQueryBytes         = 64 << 10
	MaxPresentations      = 32
	maxJSONDepth          = 64
)

// Sentinel errors the HTTP layer branches on.
var (
	// ErrInvalidRequest reports a CreateRequest the Service refuses.
	ErrInvalidRequest = errors.New("invalid presentation request")
	// ErrNotFound reports an unknown (or purged) request.
	ErrNotFound = errors.New("presentation request not found")
	// ErrExpired reports a request past its expiry.
	ErrExpired = errors.New("presentation request expired")
	// ErrResponseCode reports a wrong, missing or already used response
	// code.
	ErrResponseCode = errors.New("invalid or used response code")
	// ErrRequestObject reports a request object or authorization request
	// URI the wallet refuses.
	ErrRequestObject = errors.New("invalid authorization request")
)

// ErrorCode is an OpenID4VP / OAuth error code.
type ErrorCode string

// Error codes.
const (
	CodeInvalidRequest          ErrorCode = "invalid_request"
	CodeInvalidClient           ErrorCode = "invalid_client"
	CodeAccessDenied            ErrorCode = "access_denied"
	CodeVPFormatsNotSupported   ErrorCode = "vp_formats_not_supported"
	CodeInvalidRequestURIMethod ErrorCode = "invalid_request_uri_method"
	CodeInvalidTransactionData  ErrorCode = "invalid_transaction_data"
	CodeWalletUnavailable       ErrorCode = "wallet_unavailable"
)

// ProtocolError is a refusal the wallet receives at the response endpoint
// (HTTP 400 with an OAuth error body, see its Status and Response). Err is
// the internal cause for logs.
type ProtocolError = oauth.Error[ErrorCode]

// ErrorResponse is an OAuth error body.
type ErrorResponse = oauth.Response[ErrorCode]

// AuthorizationRequest holds the parameters of an OpenID4VP authorization
// request; as a request object it is the JWT payload (with iss, aud, iat,
// exp). JSON member names are the protocol's.
type AuthorizationRequest struct {
	ResponseType   string          `json:"response_type"`
	ClientID       string          `json:"client_id"`
	ResponseMode   string          `json:"response_mode"`
	ResponseURI    string          `json:"response_uri"`
	Nonce          string          `json:"nonce"`
	State          string          `json:"state,omitempty"`
	DCQLQuery      json.RawMessage `json:"dcql_query"`
	ClientMetadata *ClientMetadata `json:"client_metadata,omitempty"`

	Issuer    string `json:"iss,omitempty"`
	Audience  string `json:"aud,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	ExpiresAt int64  `json:"exp,omitempty"`
}

// ClientMetadata is the verifier metadata passed in the request.
type ClientMetadata struct {
	// JWKS holds the public encryption key of a direct_post.jwt request.
	JWKS *JWKS `json:"jwks,omitempty"`
	// EncryptedResponseEncValuesSupported lists the accepted content
	// encryption algorithms of encrypted responses.
	EncryptedResponseEncValuesSupported []string `json:"encrypted_response_enc_values_supported,omitempty"`
	// VPFormatsSupported maps a format identifier to its parameters.
	VPFormatsSupported map[string]json.RawMessage `json:"vp_formats_supported,omitempty"`
}

// JWKS is a JSON Web Key Set of public keys.
type JWKS struct {
	Keys []json.RawMessage `json:"keys"`
}

// ZKRequester makes the zero-knowledge proof request of a chainid_zk
// credential query (verifier/zk behind the wiring). spec is the query's
// meta.zk_request as the verifier wrote it; the request must be bound to
// nonce and audience (the OpenID4VP request's nonce and client_id, which
// the spec may not set) and expire no earlier than expires. It returns the
// request document the wallet proves (it replaces spec in the query the
// wallet sees). Errors wrapping ErrInvalidRequest are the caller's.
type ZKRequester interface {
	CreateZKRequest(ctx context.Context, spec json.RawMessage, nonce, audience string, expires time.Time) (json.RawMessage, error)
}

// Presented is one verified presentation of a response.
type Presented struct {
	// Format is the DCQL format of the credential query it answers.
	Format string `json:"format"`
	// Result is the verifier's result.
	Result *verifier.Result `json:"result"`
}

// Store keeps requests as opaque values with a retention end;
// internal/store's PresentationRecords implements it. Create fails for a
// taken id, Get and Update with an error for a missing or expired one
// (wrapping store.ErrNotFound; the Service does not inspect it beyond
// reporting ErrNotFound).
type Store interface {
	Create(ctx context.Context, id string, value []byte, keepUntil time.Time) error
	Get(ctx context.Context, id string) ([]byte, error)
	Update(ctx context.Context, id string, fn func(value []byte) ([]byte, error)) ([]byte, error)
}

// KeyResolver returns the public key of a verification method listed under
// a relationship of its DID document (credentials/didkeys).
type KeyResolver interface {
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}
