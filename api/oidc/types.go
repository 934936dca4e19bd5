package oidc

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Identity is who a login method authenticated: what a method passes to
// (*Provider).CompleteLogin.
type Identity struct {
	// DID is the authenticated subject, e.g. did:pkh:eip155:1:0xabc… or a
	// did:ethr. Required; it must parse as a DID, or be a DID-free ZK
	// subject: ZKSubjectPrefix followed by 1 to 128 characters
	// [A-Za-z0-9._-] (a per-client nullifier; no did claim is issued).
	DID string
	// Method names the login method, e.g. "siwe" or "openid4vp". It
	// becomes the amr claim. Required: 1 to 32 characters [a-z0-9_-].
	Method string
	// Claims are what the method proved, e.g. {"age_over_18": true,
	// "nullifier": "…"}. They go to the client in the ID token and at
	// userinfo, after the user consents to them. Claim names the protocol
	// owns (iss, sub, aud, exp, iat, nbf, nonce, azp, amr, acr, auth_time,
	// at_hash, c_hash, sid, jti, did) are refused. Values must marshal
	// to JSON; the encoded set is capped at MaxClaimsBytes.
	Claims map[string]any
}

// MaxClaimsBytes caps the JSON encoding of Identity.Claims.
const MaxClaimsBytes = 16 << 10

// LoginMethod is one way to log in, listed on the login page. Methods are
// registered with (*Provider).RegisterMethod; their handlers live in their
// own areas (api/siwe.go, the OpenID4VP login) and finish by calling
// (*Provider).CompleteLogin.
type LoginMethod interface {
	// Name is a short stable identifier, [a-z0-9_-]{1,32} (e.g. "siwe").
	Name() string
	// Label is the button text on the login page (e.g. "Sign in with
	// Ethereum").
	Label() string
	// URL is where the login page sends the browser for this pending
	// authorization request: an absolute URL or a path on this server
	// (for example "/siwe/login?id="+url.QueryEscape(authRequestID)).
	URL(authRequestID string) string
}

// LoginRequest is what a login method may know about a pending
// authorization request (see (*Provider).LoginRequest).
type LoginRequest struct {
	// ID is the authorization request ID, the value to pass back to
	// CompleteLogin and a stable key for a method's own per-login state
	// (such as a SIWE nonce).
	ID string
	// ClientID and ClientName identify the relying party.
	ClientID   string
	ClientName string
	// Scopes are the requested scopes (always including "openid").
	Scopes []string
	// Claims are the claim names the client asked for through scopes and
	// the claims request parameter (e.g. "age_over_18"), sorted.
	Claims []string
	// Expires is when the authorization request lapses.
	Expires time.Time
}

// ClientSpec describes a client to register.
type ClientSpec struct {
	// Name is shown on the login and consent pages; at most 100
	// characters, no control characters.
	Name string `json:"client_name,omitempty"`
	// RedirectURIs are the exact redirect URIs: absolute https URLs, or
	// http on a loopback host (127.0.0.1, [::1], localhost); no fragment,
	// no user info. At least one, at most 20.
	RedirectURIs []string `json:"redirect_uris"`
	// PostLogoutRedirectURIs are the exact URIs end_session may redirect
	// to; same rules as RedirectURIs, at most 20.
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	// Public makes a PKCE-only public client with no secret (token
	// endpoint auth method "none").
	Public bool `json:"public,omitempty"`
	// SubjectType is "pairwise" (the default when empty) or "public"
	// (sub is the DID).
	SubjectType string `json:"subject_type,omitempty"`
}

// Client is a registered client as listed; it never carries the secret.
type Client struct {
	ID                     string    `json:"client_id"`
	Name                   string    `json:"client_name,omitempty"`
	RedirectURIs           []string  `json:"redirect_uris"`
	PostLogoutRedirectURIs []string  `json:"post_logout_redirect_uris,omitempty"`
	Public                 bool      `json:"public"`
	SubjectType            string    `json:"subject_type"`
	Dynamic                bool      `json:"dynamic,omitempty"`
	Created                time.Time `json:"created"`
}

// Subject types of ClientSpec.SubjectType.
const (
	SubjectPairwise = "pairwise"
	SubjectPublic   = "public"
)

// Errors callers branch on.
var (
	// ErrUnknownRequest: no pending authorization request with that ID
	// (never existed, expired, or already answered).
	ErrUnknownRequest = errors.New("unknown or expired authorization request")
	// ErrRequestDone: the request already has a logged-in user.
	ErrRequestDone = errors.New("authorization request already logged in")
	// ErrWrongBrowser: the HTTP request does not carry the cookie that
	// binds the authorization request to the browser that started it.
	ErrWrongBrowser = errors.New("authorization request belongs to another browser session")
	// ErrInvalidIdentity: an Identity CompleteLogin cannot accept.
	ErrInvalidIdentity = errors.New("invalid identity")
	// ErrInvalidClient: a ClientSpec that cannot be registered.
	ErrInvalidClient = errors.New("invalid client metadata")
	// ErrClientNotFound: no client with that ID.
	ErrClientNotFound = errors.New("client not found")
	// ErrRegistrationDisabled: dynamic client registration is off.
	ErrRegistrationDisabled = errors.New("dynamic client registration is disabled")
)

// Defaults applied by New for zero Config fields.
const (
	DefaultAuthRequestTTL  = 10 * time.Minute
	DefaultCodeTTL         = time.Minute
	DefaultAccessTokenTTL  = 10 * time.Minute
	DefaultIDTokenTTL      = 10 * time.Minute
	DefaultRefreshTokenTTL = 24 * time.Hour
	DefaultKeyRotation     = 30 * 24 * time.Hour
	DefaultConsentTTL      = 180 * 24 * time.Hour
)

// Config configures New. Issuer is required; the zero value of every other
// field is a secure default.
type Config struct {
	// Issuer is the public base URL of the service (--public-url): an
	// absolute https URL, or http on a loopback host; no query, fragment
	// or trailing slash. Discovery lives at
	// Issuer+"/.well-known/openid-configuration".
	Issuer string
	// AllowRegistration enables dynamic client registration (RFC 7591)
	// at POST /register. Off by default.
	AllowRegistration bool
	// Logger receives errors and protocol events; nil discards them.
	Logger *slog.Logger
	// Lifetimes; zero means the Default… constant.
	AuthRequestTTL  time.Duration
	CodeTTL         time.Duration
	AccessTokenTTL  time.Duration
	IDTokenTTL      time.Duration
	RefreshTokenTTL time.Duration
	ConsentTTL      time.Duration
	// KeyRotation is the age after which the signing key is replaced
	// (checked at New and by RotateKeysIfDue). The previous key stays in
	// the JWKS until tokens it signed have expired.
	KeyRotation time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Supported says what the login methods can issue, for discovery:
	// claim names added to claims_supported and scopes added to
	// scopes_supported, after the provider's own (ProviderClaims; the
	// scopes openid and offline_access). It is called per discovery
	// request, so a changed claim mapping shows there; names that are not
	// 1 to 64 characters [A-Za-z0-9._:-] are left out. nil adds nothing.
	Supported func(ctx context.Context) (claims, scopes []string)
}
