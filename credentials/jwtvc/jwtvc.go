package jwtvc

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"time"
)

// Format names how a credential or presentation is carried in a JWT.
type Format string

const (
	// FormatVCJWT is VC-JOSE-COSE for VC Data Model 2.0: the JWS payload is
	// the credential (typ "vc+jwt") or presentation (typ "vp+jwt").
	FormatVCJWT Format = "vc+jwt"
	// FormatJWTVCJSON is the VC 1.1 JWT encoding used by OpenID4VCI
	// "jwt_vc_json": JWT claims iss, sub, nbf, exp, jti and the credential
	// under "vc" (or the presentation under "vp"), typ "JWT".
	FormatJWTVCJSON Format = "jwt_vc_json"
)

// JWS algorithms this package signs and verifies.
const (
	AlgEdDSA  = "EdDSA"
	AlgES256  = "ES256"
	AlgES256K = "ES256K"
)

// Verification relationships the key of a credential and of a presentation
// must be listed under.
const (
	RelationshipAssertion      = "assertionMethod"
	RelationshipAuthentication = "authentication"
)

// Header typ and cty values.
const (
	TypeVC   = "vc+jwt"
	TypeVP   = "vp+jwt"
	TypeJWT  = "JWT"
	MediaVC  = "application/vc+jwt"
	MediaVP  = "application/vp+jwt"
	ctyVC    = "vc"
	ctyVP    = "vp"
	dataURL  = "data:"
	envelope = "EnvelopedVerifiableCredential"
)

// Defaults for the zero values of VerifyOptions.
const (
	DefaultMaxTokenSize = 256 << 10
	DefaultMaxDepth     = 64
)

// Sentinel errors callers branch on. Every refusal wraps exactly one of
// them.
var (
	// ErrMalformed: the token or the JSON in it is not acceptable (syntax,
	// size, nesting, duplicate members, refused headers or algorithms,
	// missing or inconsistent claims). Nothing was verified.
	ErrMalformed = errors.New("malformed or refused token")
	// ErrWrongType: the token is well formed but secures another kind of
	// object (a presentation given as a credential, a 1.1 token where only
	// VC 2.0 is accepted, …).
	ErrWrongType = errors.New("token secures another kind of object")
	// ErrUnauthorizedKey: the kid does not name a key of the issuer (or
	// holder) authorized for this purpose, or the key does not suit alg.
	// KeyResolver implementations wrap it when the method is not listed
	// under the asked relationship.
	ErrUnauthorizedKey = errors.New("key not authorized")
	// ErrInvalidSignature: the signature does not verify.
	ErrInvalidSignature = errors.New("invalid signature")
	// ErrExpired: an authentic token past exp / validUntil /
	// expirationDate.
	ErrExpired = errors.New("expired")
	// ErrNotYetValid: an authentic token before nbf / validFrom /
	// issuanceDate, or issued (iat) in the future.
	ErrNotYetValid = errors.New("not yet valid")
	// ErrBinding: an authentic presentation made for another nonce or
	// audience, or older than MaxAge.
	ErrBinding = errors.New("presentation bound to another request")
)

// KeyResolver supplies verification keys.
type KeyResolver interface {
	// VerificationKey returns the public key of the verification method id
	// (a DID URL) when that method is listed under the given relationship
	// (e.g. "assertionMethod", "authentication") of its DID's document.
	// Keys are ed25519.PublicKey, *ecdsa.PublicKey (P-256) or
	// *secp256k1.PublicKey. A method that exists but is not listed under
	// the relationship is an error wrapping ErrUnauthorizedKey.
	// Implementations must be safe for concurrent use.
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// SignOptions tune Sign. The zero value signs a VC 2.0 credential as
// vc+jwt with the algorithm of the key.
type SignOptions struct {
	// Format is FormatVCJWT (default) or FormatJWTVCJSON.
	Format Format
	// Algorithm, when set, must be the algorithm of the key; a mismatch is
	// refused rather than silently corrected.
	Algorithm string
	// ContentType adds cty "vc" (vc+jwt only; the spec makes it optional).
	ContentType bool
}

// PresentOptions tune SignPresentation.
type PresentOptions struct {
	// Format is FormatVCJWT (vp+jwt, default) or FormatJWTVCJSON.
	Format Format
	// Nonce and Audience bind the presentation to one request; both are
	// required.
	Nonce    string
	Audience string
	// Algorithm, when set, must be the algorithm of the key.
	Algorithm string
	// ContentType adds cty "vp" (vp+jwt only).
	ContentType bool
	// Now is the clock for iat (nil: time.Now).
	Now func() time.Time
	// Lifetime, when positive, sets exp to iat + Lifetime.
	Lifetime time.Duration
}

// VerifyOptions tune Verify. The zero value accepts both formats and all
// three algorithms, uses time.Now with no leeway, and the default limits.
type VerifyOptions struct {
	// Formats lists the accepted formats (nil: both).
	Formats []Format
	// Algorithms is the allow-list of JWS algorithms (nil: EdDSA, ES256,
	// ES256K). Values outside those three are never accepted.
	Algorithms []string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Leeway is the clock skew tolerated on every time check.
	Leeway time.Duration
	// MaxTokenSize limits the token in bytes (0: DefaultMaxTokenSize).
	MaxTokenSize int
	// MaxDepth limits JSON nesting in header and payload (0:
	// DefaultMaxDepth).
	MaxDepth int
}

// PresentationVerifyOptions tune VerifyPresentation.
type PresentationVerifyOptions struct {
	VerifyOptions
	// Nonce and Audience are what this verifier asked for; both are
	// required, and the presentation must carry the same nonce and list
	// Audience in aud.
	Nonce    string
	Audience string
	// MaxAge, when positive, refuses presentations whose iat is longer ago
	// than MaxAge (plus Leeway). A presentation without iat is accepted:
	// the expected Nonce, which every presentation must carry, binds it to
	// one request.
	MaxAge time.Duration
}

// Header is the protected JOSE header of a verified token.
type Header struct {
	Algorithm   string
	KeyID       string
	Type        string
	ContentType string
	// Raw is the header JSON as signed.
	Raw json.RawMessage
}

// Verified is a credential whose JWT verified.
type Verified struct {
	Format Format
	// Credential is the credential JSON. For vc+jwt it is the JWS payload
	// as signed. For jwt_vc_json it is the "vc" claim completed from the
	// JWT claims as VC 1.1 §6.3.1 decodes them (iss → issuer, jti → id,
	// sub → credentialSubject.id, nbf → issuanceDate, exp →
	// expirationDate); when a member must be added the object is
	// re-encoded (member order sorted), otherwise the claim is returned
	// byte for byte.
	Credential json.RawMessage
	// Claims is the JWS payload as signed (equal to Credential for vc+jwt).
	Claims json.RawMessage
	// Issuer is the issuer DID; it equals the DID of KeyID.
	Issuer string
	// KeyID is the verification method that signed (the kid).
	KeyID  string
	Header Header
}

// VerifiedPresentation is a presentation whose JWT verified. The
// credentials it carries are not verified.
type VerifiedPresentation struct {
	Format Format
	// Presentation is the presentation JSON: the JWS payload for vp+jwt,
	// the "vp" claim completed from iss (holder) and jti (id) for
	// jwt_vc_json.
	Presentation json.RawMessage
	// Claims is the JWS payload as signed.
	Claims json.RawMessage
	// Holder is the holder DID; it equals the DID of KeyID.
	Holder   string
	KeyID    string
	Header   Header
	Nonce    string
	Audience []string
	// Credentials are the entries of verifiableCredential, unverified.
	Credentials []EmbeddedCredential
}

// EmbeddedCredential is one entry of a presentation's verifiableCredential.
// Exactly one of Token and JSON is set.
type EmbeddedCredential struct {
	// MediaType is the media type of an enveloped credential
	// ("application/vc+jwt", "application/dc+sd-jwt", …), "" for a bare
	// JWT string (a VC 1.1 JWT presentation's entries) and for JSON.
	MediaType string
	// Token is the secured credential: a JWT (pass it to Verify), an
	// SD-JWT, …
	Token string
	// JSON is an embedded credential object that is not enveloped (for
	// example one secured with a Data Integrity proof).
	JSON json.RawMessage
}
