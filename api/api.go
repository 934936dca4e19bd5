package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/chainid/chainid/resolver"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
	// MinAdminTokenLength is the shortest AdminToken New accepts.
	MinAdminTokenLength = 16
)

// Resolver resolves DIDs and dereferences DID URLs for the resolver
// endpoint. Implementations must be safe for concurrent use and honour ctx.
//
// On failure both methods return a *resolver.Error whose Code is one of the
// resolver.Code… constants, together with a non-nil result whose metadata
// carries the same code; a bare error wrapping did.ErrInvalidDID,
// did.ErrInvalidDIDURL, did.ErrNotFound or did.ErrMethodNotSupported is
// understood too, and anything else is an internal error. A deactivated DID
// is a successful resolution with DocumentMetadata.Deactivated set (or the
// code resolver.CodeDeactivated). Dereference reports a redirect (service +
// relativeRef) in Dereferenced.Redirect.
type Resolver interface {
	Resolve(ctx context.Context, did string, opts resolver.Options) (*resolver.Result, error)
	Dereference(ctx context.Context, didURL string, opts resolver.Options) (*resolver.Dereferenced, error)
}

// Keys is the key store behind the admin API. Implementations must be safe
// for concurrent use. Requests reaching CreateKey have passed validation.
// Every error is reported to the client as an internal error (its cause is
// only logged), except context errors, which become 503.
type Keys interface {
	CreateKey(ctx context.Context, req CreateKeyRequest) (KeyInfo, error)
	ListKeys(ctx context.Context) ([]KeyInfo, error)
}

// CreateKeyRequest is the body of POST /v1/admin/keys.
type CreateKeyRequest struct {
	// Method is the DID method of the new identifier: "key" or "jwk".
	Method string `json:"method" validate:"required,oneof=key jwk"`
	// KeyType is "Ed25519", "P-256" or "secp256k1".
	KeyType string `json:"keyType" validate:"required,oneof=Ed25519 P-256 secp256k1"`
	// Label is an optional human-readable name, at most 100 characters and
	// without control characters.
	Label string `json:"label,omitempty" validate:"max=100,nocontrol"`
}

// KeyInfo describes a stored key; it never carries private material.
type KeyInfo struct {
	ID      string    `json:"id"`
	DID     string    `json:"did"`
	Method  string    `json:"method"`
	KeyType string    `json:"keyType"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
}

// Config configures the handler returned by New. Resolver is required; the
// zero value of every other field is a safe default.
type Config struct {
	// Logger receives access logs and error chains; nil discards them.
	Logger *slog.Logger
	// Version is shown on the home page and in the OpenAPI document;
	// empty means "devel".
	Version string
	// PublicURL is the absolute http(s) URL clients reach the service at
	// (no query or fragment). It is shown on the home page and becomes the
	// OpenAPI server URL; empty leaves both out.
	PublicURL string
	// Methods names the DID methods the resolver handles (e.g. "key",
	// "jwk"), shown on the home page.
	Methods []string
	// Resolver backs GET /1.0/identifiers/{did}. Required.
	Resolver Resolver
	// Ready reports readiness for GET /readyz; nil means always ready.
	Ready func(ctx context.Context) error
	// Registry receives the HTTP metrics and is served at /metrics. nil
	// creates a private registry with the Go and process collectors; the
	// global default registry is never used.
	Registry *prometheus.Registry
	// MaxBodyBytes caps request bodies (413 beyond it); zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds every request's context; zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// AdminToken is the bearer token of the admin routes, at least
	// MinAdminTokenLength bytes. Empty disables them: they answer 403.
	AdminToken string
	// Keys backs the admin key routes; nil makes them answer 501 (after
	// authentication).
	Keys Keys
	// DIDs backs POST /v1/dids and POST /v1/dids/{did}/operations; nil
	// makes them answer 501 (after authentication).
	DIDs DIDs
	// Chains backs /v1/chain/status and /v1/chain/deploy; nil makes them
	// answer 501 (after authentication).
	Chains Chains
	// Credentials backs POST /v1/credentials, the status routes and the
	// VC-API issuer endpoints; Schemas backs /v1/schemas; Issuers backs
	// /v1/issuers. nil makes them answer 501 (after authentication).
	Credentials Credentials
	Schemas     Schemas
	Issuers     Issuers
	// APIKeys checks the issuer-admin API keys the issuer routes accept
	// besides the admin token, and backs POST /v1/admin/apikeys. nil
	// admits the admin token only.
	APIKeys APIKeys
	// Verifier backs the open VC-API verifier endpoints; nil makes them
	// answer 501.
	Verifier Verifier
	// Publisher serves status list credentials and schema contexts; nil
	// makes those routes answer 501.
	Publisher Publisher
	// OpenID4VCI backs the OpenID4VCI endpoints (well-known metadata,
	// token, nonce, credential) and POST /v1/credential-offers; nil makes
	// them answer 501.
	OpenID4VCI OpenID4VCI
	// ZK backs the zero-knowledge proof request and verification routes
	// (zk.go); nil makes them answer 501.
	ZK ZK
	// Verify backs POST /v1/verify (verify.go); nil makes it answer 501.
	Verify AnyVerifier
	// Presentations backs the OpenID4VP verifier routes
	// (presentations.go); nil makes them answer 501.
	Presentations Presentations
	// OIDC is the OpenID provider (oidc_routes.go); nil makes its routes
	// answer 501.
	OIDC OIDC
	// SIWE backs the Sign-In with Ethereum login routes (siwe.go); nil
	// makes them answer 501.
	SIWE SIWE
	// VPLogin serves the credential and ZK login pages (vplogin_routes.go);
	// nil makes them answer 501.
	VPLogin VPLogin
	// RateLimit is the per-client limit on the public routes that store
	// records or cost CPU (ratelimit.go). The zero value limits each
	// client IP to DefaultRateLimitPerSecond requests per second with
	// bursts of DefaultRateLimitBurst; a negative PerSecond turns it off.
	RateLimit RateLimit
	// CookieKey is the HMAC key (at least 32 bytes) that signs the SIWE
	// session cookie. nil draws a random key in New: sessions then do not
	// survive a restart and are not shared between replicas, which only
	// costs a login in progress its nonce.
	CookieKey []byte
}

// server holds the dependencies the handlers close over.
type server struct {
	log           *slog.Logger
	version       string
	publicURL     string
	methods       []string
	resolver      Resolver
	ready         func(ctx context.Context) error
	registry      *prometheus.Registry
	maxBody       int64
	timeout       time.Duration
	adminDigest   *[sha256.Size]byte
	keys          Keys
	dids          DIDs
	chains        Chains
	credentials   Credentials
	schemas       Schemas
	issuers       Issuers
	apiKeys       APIKeys
	verifier      Verifier
	publisher     Publisher
	oid4vci       OpenID4VCI
	zk            ZK
	verify        AnyVerifier
	presentations Presentations
	oidc          OIDC
	siwe          SIWE
	vplogin       VPLogin
	limiter       *limiter // nil: no rate limit
	cookieKey     []byte
	siwePage      *template.Template
	validate      *validator.Validate
	metrics       *metrics
	openapi       []byte
	home          *homePage
}

// New validates cfg and returns the complete HTTP handler: every route of
// routes.go behind the middleware chain (request id, metrics and access log,
// security headers, panic recovery, body limit, timeout, problem+json for
// unknown routes and methods). The handler is safe for concurrent use.
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s.handler(), nil
}

func newServer(cfg Config) (*server, error) {
	if cfg.Resolver == nil {
		return nil, errors.New("api: Config.Resolver is required")
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("api: Config.MaxBodyBytes is negative (%d)", cfg.MaxBodyBytes)
	}
	if cfg.RequestTimeout < 0 {
		return nil, fmt.Errorf("api: Config.RequestTimeout is negative (%s)", cfg.RequestTimeout)
	}
	publicURL, err := checkPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	s := &server{
		log:       cfg.Logger,
		version:   cfg.Version,
		publicURL: publicURL,
		methods:   append([]string(nil), cfg.Methods...),
		resolver:  cfg.Resolver,
		ready:     cfg.Ready,
		registry:  cfg.Registry,
		maxBody:   cfg.MaxBodyBytes,
		timeout:   cfg.RequestTimeout,
		keys:      cfg.Keys,
		dids:      cfg.DIDs,
		chains:    cfg.Chains,

		credentials:   cfg.Credentials,
		schemas:       cfg.Schemas,
		issuers:       cfg.Issuers,
		apiKeys:       cfg.APIKeys,
		verifier:      cfg.Verifier,
		publisher:     cfg.Publisher,
		oid4vci:       cfg.OpenID4VCI,
		zk:            cfg.ZK,
		verify:        cfg.Verify,
		presentations: cfg.Presentations,
		oidc:          cfg.OIDC,
		siwe:          cfg.SIWE,
		vplogin:       cfg.VPLogin,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.version == "" {
		s.version = "devel"
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.timeout == 0 {
		s.timeout = DefaultRequestTimeout
	}
	if cfg.AdminToken != "" {
		if len(cfg.AdminToken) < MinAdminTokenLength {
			return nil, fmt.Errorf("api: Config.AdminToken is shorter than %d bytes", MinAdminTokenLength)
		}
		d := sha256.Sum256([]byte(cfg.AdminToken))
		s.adminDigest = &d
	}
	switch {
	case cfg.CookieKey == nil:
		s.cookieKey = make([]byte, 32)
		_, _ = rand.Read(s.cookieKey) // crypto/rand.Read never fails
	case len(cfg.CookieKey) < 32:
		return nil, errors.New("api: Config.CookieKey is shorter than 32 bytes")
	default:
		s.cookieKey = bytes.Clone(cfg.CookieKey)
	}
	if s.siwePage, err = newSIWEPage(); err != nil {
		return nil, err
	}
	if s.limiter, err = newLimiter(cfg.RateLimit); err != nil {
		return nil, err
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		if err := s.registry.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("api: register go collector: %w", err)
		}
		if err := s.registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, fmt.Errorf("api: register process collector: %w", err)
		}
	}
	if s.metrics, err = newMetrics(s.registry); err != nil {
		return nil, err
	}
	if s.validate, err = newValidator(); err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIDocument(s.version, s.publicURL); err != nil {
		return nil, err
	}
	if s.home, err = newHomePage(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkPublicURL returns the public URL without a trailing slash, or an
// error when it is set but not an absolute http(s) URL.
func checkPublicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("api: Config.PublicURL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("api: Config.PublicURL %q is not an absolute http(s) URL without credentials, query or fragment", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}
