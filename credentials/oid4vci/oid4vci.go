package oid4vci

import (
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/did/key"
)

// Protocol identifiers.
const (
	// GrantTypePreAuthorizedCode is the OAuth grant type of the
	// pre-authorized code flow.
	GrantTypePreAuthorizedCode = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	// FormatSDJWTVC is the credential format identifier of SD-JWT VC.
	FormatSDJWTVC = "dc+sd-jwt"
	// FormatJWTVCJSON is the credential format identifier of a VC signed as
	// a JWT, not using JSON-LD.
	FormatJWTVCJSON = "jwt_vc_json"
	// ProofTypeJWT is the only key proof type this package accepts.
	ProofTypeJWT = "jwt"
	// ProofJWTType is the typ header of a jwt key proof.
	ProofJWTType = "openid4vci-proof+jwt"
	// OfferScheme is the custom URL scheme of a credential offer when the
	// wallet's credential offer endpoint is unknown.
	OfferScheme = "openid-credential-offer://"
	// TokenTypeBearer is the token_type of every access token.
	TokenTypeBearer = "Bearer"
)

// JWS algorithms of key proofs. Anything else (none, HS*, RS*, PS*) is
// refused before a key is looked at.
const (
	AlgEdDSA  = "EdDSA"
	AlgES256  = "ES256"
	AlgES256K = "ES256K"
)

var supportedAlgs = []string{AlgEdDSA, AlgES256, AlgES256K}

// Defaults and bounds of Config.
const (
	DefaultOfferTTL          = 10 * time.Minute
	MaxOfferTTL              = 30 * 24 * time.Hour
	DefaultTokenTTL          = 5 * time.Minute
	DefaultNonceTTL          = 5 * time.Minute
	DefaultClockSkew         = time.Minute
	DefaultMaxTxCodeAttempts = 5
	// MaxBatchSize bounds Config.BatchSize.
	MaxBatchSize = 100
)

// Issuer issues the credential the Service has authorized. It is the
// consumer's bridge to the securing formats (credentials/sdjwt,
// credentials/jwtvc).
type Issuer interface {
	// IssueCredential returns the credential to hand to the wallet, in the
	// format of configurationID (an SD-JWT VC for dc+sd-jwt, a compact JWT
	// for jwt_vc_json), bound to holderKey. ref is the OfferRequest.IssueRef
	// the offer was created with; the Issuer maps it to what to issue.
	// holderDID is the holder's DID (the kid's DID, without fragment) when
	// the proof named its key by a DID URL, "" when it carried a jwk.
	//
	// It is called once per key proof, possibly concurrently for different
	// requests. An error wrapping ErrCredentialDenied becomes
	// credential_request_denied; any other error is a server fault.
	IssueCredential(ctx context.Context, ref string, configurationID string, holderKey crypto.PublicKey, holderDID string) (credential string, err error)
}

// KeyResolver finds the public key of a DID URL. Declare one to accept
// holder DIDs beyond did:key and did:jwk.
type KeyResolver interface {
	// VerificationKey returns the public key of the verification method id
	// (a DID URL) when that method is listed under the given relationship
	// (here always "authentication") of its DID's document.
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// Config configures a Service. Only CredentialIssuer and Configurations
// are required; every zero value is a secure default.
type Config struct {
	// CredentialIssuer is the Credential Issuer Identifier: an https URL
	// with host and optional port and path, no query or fragment. Proofs
	// must carry it as aud, compared as an exact string.
	CredentialIssuer string
	// CredentialEndpoint, NonceEndpoint and TokenEndpoint default to
	// CredentialIssuer + "/credential", "/nonce" and "/token".
	CredentialEndpoint string
	NonceEndpoint      string
	TokenEndpoint      string
	// Configurations are the credential configurations by id.
	Configurations map[string]CredentialConfiguration
	// Display is the issuer's display information.
	Display []Display

	// OfferTTL is the default lifetime of a pre-authorized code; zero
	// means DefaultOfferTTL. At most MaxOfferTTL.
	OfferTTL time.Duration
	// TokenTTL is the lifetime of an access token; zero means
	// DefaultTokenTTL. Bearer tokens beyond 5 minutes count as long-lived
	// (OpenID4VCI 1.0 §13.7); keep it short.
	TokenTTL time.Duration
	// NonceTTL is the lifetime of a c_nonce; zero means DefaultNonceTTL.
	// A proof's iat may be at most NonceTTL plus ClockSkew old.
	NonceTTL time.Duration
	// ClockSkew is how far in the future a proof's iat may be; zero means
	// DefaultClockSkew.
	ClockSkew time.Duration
	// MaxTxCodeAttempts is how many wrong tx_codes burn a pre-authorized
	// code; zero means DefaultMaxTxCodeAttempts.
	MaxTxCodeAttempts int
	// BatchSize is how many key proofs (and so credentials) one credential
	// request may carry; zero means 1 (no batch issuance advertised).
	BatchSize int

	// NonceKey is the HMAC-SHA256 key that authenticates c_nonces (at
	// least 32 bytes). Nil means a random key made by New: nonces then do
	// not survive a restart, and wallets fetch a new one.
	NonceKey []byte
	// KeyResolver resolves kid DID URLs of proofs. Nil means did:key and
	// did:jwk only, decoded locally without I/O.
	KeyResolver KeyResolver

	// Now is the clock; nil means time.Now. Share it with the Store.
	Now func() time.Time
	// Rand is the source of codes, tokens and nonces; nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// Logger receives refusals at debug level; nil discards them.
	Logger *slog.Logger

	// InsecureAllowHTTP accepts http:// identifiers and endpoints (local
	// development on loopback only).
	InsecureAllowHTTP bool
}

// Service implements the issuer side of OpenID4VCI 1.0 with the
// pre-authorized code flow. It is safe for concurrent use.
type Service struct {
	store   Store
	issuer  Issuer
	cfg     Config
	configs map[string]CredentialConfiguration
	// proofAlgs and bindings are per configuration, precomputed.
	proofAlgs map[string][]string
	bindings  map[string][]string
	// didKey and didJWK resolve kid DID URLs when no KeyResolver is set.
	didKey *key.Resolver
	didJWK *jwk.Resolver
	now    func() time.Time
	rand   io.Reader
	log    *slog.Logger
}

// New returns a Service storing its records in store and issuing through
// issuer. It validates cfg and fills its defaults.
func New(store Store, issuer Issuer, cfg Config) (*Service, error) {
	if store == nil || issuer == nil {
		return nil, errors.New("new oid4vci service: store and issuer are required")
	}
	s := &Service{
		store: store, issuer: issuer, now: cfg.Now, rand: cfg.Rand, log: cfg.Logger,
		didKey: key.NewResolver(key.Config{SkipKeyAgreementDerivation: true}), didJWK: jwk.NewResolver(jwk.Config{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.configure(cfg); err != nil {
		return nil, fmt.Errorf("new oid4vci service: %w", err)
	}
	return s, nil
}

func (s *Service) configure(cfg Config) error {
	if err := checkURL(cfg.CredentialIssuer, cfg.InsecureAllowHTTP, false); err != nil {
		return fmt.Errorf("credential issuer: %w", err)
	}
	base := strings.TrimSuffix(cfg.CredentialIssuer, "/")
	for _, e := range []struct {
		name string
		v    *string
		def  string
	}{
		{"credential endpoint", &cfg.CredentialEndpoint, base + "/credential"},
		{"nonce endpoint", &cfg.NonceEndpoint, base + "/nonce"},
		{"token endpoint", &cfg.TokenEndpoint, base + "/token"},
	} {
		if *e.v == "" {
			*e.v = e.def
		}
		if err := checkURL(*e.v, cfg.InsecureAllowHTTP, true); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	if cfg.OfferTTL == 0 {
		cfg.OfferTTL = DefaultOfferTTL
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.NonceTTL == 0 {
		cfg.NonceTTL = DefaultNonceTTL
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.MaxTxCodeAttempts == 0 {
		cfg.MaxTxCodeAttempts = DefaultMaxTxCodeAttempts
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 1
	}
	switch {
	case cfg.OfferTTL < 0 || cfg.OfferTTL > MaxOfferTTL:
		return fmt.Errorf("offer TTL %s is outside (0, %s]", cfg.OfferTTL, MaxOfferTTL)
	case cfg.TokenTTL < 0, cfg.NonceTTL < 0, cfg.ClockSkew < 0:
		return errors.New("token TTL, nonce TTL and clock skew must not be negative")
	case cfg.MaxTxCodeAttempts < 0:
		return errors.New("max tx_code attempts must not be negative")
	case cfg.BatchSize < 1 || cfg.BatchSize > MaxBatchSize:
		return fmt.Errorf("batch size %d is outside [1, %d]", cfg.BatchSize, MaxBatchSize)
	}
	if cfg.NonceKey == nil {
		cfg.NonceKey = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, cfg.NonceKey); err != nil {
			return fmt.Errorf("nonce key: %w", err)
		}
	} else {
		if len(cfg.NonceKey) < 32 {
			return fmt.Errorf("nonce key of %d bytes: want at least 32", len(cfg.NonceKey))
		}
		cfg.NonceKey = slices.Clone(cfg.NonceKey)
	}
	for _, d := range cfg.Display {
		if d.Logo != nil && d.Logo.URI == "" {
			return errors.New("issuer display logo without uri")
		}
	}
	cfg.Display = slices.Clone(cfg.Display)
	if len(cfg.Configurations) == 0 {
		return errors.New("no credential configurations")
	}
	s.configs = make(map[string]CredentialConfiguration, len(cfg.Configurations))
	s.proofAlgs = make(map[string][]string, len(cfg.Configurations))
	s.bindings = make(map[string][]string, len(cfg.Configurations))
	for id, c := range cfg.Configurations {
		c = c.clone()
		if err := s.checkConfiguration(id, &c, cfg.KeyResolver != nil); err != nil {
			return fmt.Errorf("credential configuration %q: %w", id, err)
		}
		s.configs[id] = c
		s.proofAlgs[id] = c.ProofTypesSupported[ProofTypeJWT].ProofSigningAlgValuesSupported
		s.bindings[id] = c.CryptographicBindingMethodsSupported
	}
	cfg.Configurations = nil // s.configs holds the validated copies
	s.cfg = cfg
	return nil
}

// maxIDLength bounds configuration ids and issue references.
const maxIDLength = 1024

func (s *Service) checkConfiguration(id string, c *CredentialConfiguration, haveResolver bool) error {
	if id == "" || len(id) > maxIDLength {
		return fmt.Errorf("id of %d bytes: want 1 to %d", len(id), maxIDLength)
	}
	switch c.Format {
	case FormatSDJWTVC:
		if c.VCT == "" || c.CredentialDefinition != nil {
			return errors.New("dc+sd-jwt needs vct and no credential_definition")
		}
	case FormatJWTVCJSON:
		if c.VCT != "" || c.CredentialDefinition == nil || len(c.CredentialDefinition.Type) == 0 {
			return errors.New("jwt_vc_json needs credential_definition.type and no vct")
		}
		if !slices.Contains(c.CredentialDefinition.Type, "VerifiableCredential") {
			return errors.New(`credential_definition.type lacks "VerifiableCredential"`)
		}
	default:
		return fmt.Errorf("format %q: want %q or %q", c.Format, FormatSDJWTVC, FormatJWTVCJSON)
	}
	if c.CredentialSigningAlgValuesSupported != nil && len(c.CredentialSigningAlgValuesSupported) == 0 {
		return errors.New("credential_signing_alg_values_supported is empty")
	}
	if c.CryptographicBindingMethodsSupported == nil {
		c.CryptographicBindingMethodsSupported = []string{"jwk", "did:key", "did:jwk"}
	}
	if len(c.CryptographicBindingMethodsSupported) == 0 {
		return errors.New("cryptographic_binding_methods_supported is empty: holder binding is always required")
	}
	for _, m := range c.CryptographicBindingMethodsSupported {
		switch {
		case m == "jwk", m == "did:key", m == "did:jwk":
		case strings.HasPrefix(m, "did:") && haveResolver && len(m) > 4 && !strings.Contains(m[4:], ":"):
		default:
			return fmt.Errorf("binding method %q is not supported (a KeyResolver is needed for DID methods other than did:key and did:jwk)", m)
		}
	}
	if c.ProofTypesSupported == nil {
		c.ProofTypesSupported = map[string]ProofType{ProofTypeJWT: {ProofSigningAlgValuesSupported: slices.Clone(supportedAlgs)}}
	}
	pt, ok := c.ProofTypesSupported[ProofTypeJWT]
	if !ok || len(c.ProofTypesSupported) != 1 {
		return errors.New(`proof_types_supported must hold exactly "jwt"`)
	}
	if len(pt.ProofSigningAlgValuesSupported) == 0 {
		return errors.New("proof_signing_alg_values_supported is empty")
	}
	for _, a := range pt.ProofSigningAlgValuesSupported {
		if !slices.Contains(supportedAlgs, a) {
			return fmt.Errorf("proof signing alg %q: want one of %v", a, supportedAlgs)
		}
	}
	if m := c.CredentialMetadata; m != nil {
		for _, d := range m.Display {
			if d.Name == "" {
				return errors.New("credential display without name")
			}
		}
		for _, cl := range m.Claims {
			if err := checkClaimPath(cl.Path); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkClaimPath(p []any) error {
	if len(p) == 0 {
		return errors.New("claim with an empty path")
	}
	for _, e := range p {
		switch v := e.(type) {
		case nil, string:
		case int:
			if v < 0 {
				return errors.New("claim path with a negative index")
			}
		case float64:
			if v < 0 || v != float64(int64(v)) {
				return errors.New("claim path with a non-integer or negative index")
			}
		default:
			return fmt.Errorf("claim path element of type %T: want string, nil or int", e)
		}
	}
	return nil
}

// checkURL checks an identifier or endpoint URL: https (or http when
// allowed), a host, no fragment, and a query only for endpoints.
func checkURL(s string, allowHTTP, endpoint bool) error {
	if s == "" {
		return errors.New("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && !(allowHTTP && u.Scheme == "http") {
		return fmt.Errorf("%q: the scheme must be https", s)
	}
	if u.Host == "" || u.User != nil || u.Opaque != "" {
		return fmt.Errorf("%q: want scheme://host[:port][/path] without user info", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("%q has a fragment", s)
	}
	if !endpoint && (u.RawQuery != "" || u.ForceQuery) {
		return fmt.Errorf("%q has a query", s)
	}
	return nil
}

// CredentialIssuer returns the Credential Issuer Identifier.
func (s *Service) CredentialIssuer() string { return s.cfg.CredentialIssuer }
