package verifier

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"time"
)

// Formats Result.Format may name. They are the OpenID4VP format identifiers
// where one exists (jwt_vc_json, jwt_vp_json, dc+sd-jwt, ldp_vc, ldp_vp), the
// VC-JOSE-COSE media subtypes for VC 2.0 JWTs (vc+jwt, vp+jwt), and "zk".
const (
	FormatJWTVCJSON = "jwt_vc_json"
	FormatVCJWT     = "vc+jwt"
	FormatJWTVPJSON = "jwt_vp_json"
	FormatVPJWT     = "vp+jwt"
	FormatSDJWT     = "dc+sd-jwt"
	FormatLDPVC     = "ldp_vc"
	FormatLDPVP     = "ldp_vp"
	FormatZK        = "zk"
)

// Formats returns every format Verify detects.
func Formats() []string {
	return []string{FormatJWTVCJSON, FormatVCJWT, FormatJWTVPJSON, FormatVPJWT, FormatSDJWT, FormatLDPVC, FormatLDPVP, FormatZK}
}

// Names of checks, in the order a Result lists them.
const (
	CheckSyntax        = "syntax"
	CheckIssuerKey     = "issuer_key"
	CheckSignature     = "signature"
	CheckTrustedIssuer = "trusted_issuer"
	CheckValidity      = "validity"
	CheckStatus        = "status"
	CheckSchema        = "schema"
	CheckHolderBinding = "holder_binding"
	CheckZKProof       = "zk_proof"
)

// AllChecks returns every check name in result order.
func AllChecks() []string {
	return []string{CheckSyntax, CheckIssuerKey, CheckSignature, CheckTrustedIssuer, CheckValidity, CheckStatus, CheckSchema, CheckHolderBinding, CheckZKProof}
}

// TypeZKProof is the "type" (or one of the types) of a JSON object that Verify
// treats as a zero-knowledge proof and hands, unchanged, to Config.ZK.
const TypeZKProof = "ZKProofPresentation"

// Algorithms of signatures the format packages verify; Policy.Algorithms
// names a subset. Data Integrity cryptosuites count by their algorithm:
// eddsa-* is EdDSA, ecdsa-rdfc-2019 is ES256.
const (
	AlgEdDSA  = "EdDSA"
	AlgES256  = "ES256"
	AlgES256K = "ES256K"
)

// ErrMalformed is wrapped by every error Verify returns: the input is not a
// credential or presentation of any form (empty, neither a JSON object nor a
// token, both or neither of Credential and Presentation set, oversize).
var ErrMalformed = errors.New("malformed verification input")

// Input is what to verify and what the verifier expects of it.
type Input struct {
	// Credential or Presentation (exactly one) is a JSON object, a JSON
	// string holding a compact JWT / SD-JWT, or the raw compact token
	// itself.
	Credential   json.RawMessage `json:"credential,omitempty"`
	Presentation json.RawMessage `json:"presentation,omitempty"`
	// Nonce is the challenge the holder was asked to sign (VP proof
	// challenge, VP-JWT and KB-JWT nonce, ZK nonce). A presentation is
	// verified only against a nonce.
	Nonce string `json:"nonce,omitempty"`
	// Audience is the domain / aud the holder was asked to bind to (the
	// verifier's client_id). When empty, a Data Integrity presentation's
	// domain is not checked; JWT and SD-JWT presentations need it.
	Audience string `json:"audience,omitempty"`
}

// Policy decides which checks must pass for a Result to be Verified. The zero
// value is strict (see the package documentation).
type Policy struct {
	// TrustedIssuers are the issuer DIDs whose credentials are accepted.
	TrustedIssuers []string `json:"trustedIssuers,omitempty"`
	// AnyIssuer accepts every issuer whose signature verifies (the
	// trusted_issuer check then passes with a reason saying so).
	AnyIssuer bool `json:"anyIssuer,omitempty"`
	// Formats are the accepted formats (Format* constants); empty means all.
	Formats []string `json:"formats,omitempty"`
	// Algorithms are the accepted signature algorithms (Alg*); empty means
	// all supported.
	Algorithms []string `json:"algorithms,omitempty"`
	// Optional are checks whose failure is reported but does not make the
	// result unverified. Only trusted_issuer, status and schema may be
	// optional; naming another check is an error of Verify.
	Optional []string `json:"optional,omitempty"`
	// Leeway is the clock skew tolerated on validity times and proof
	// timestamps; at most MaxLeeway.
	Leeway Duration `json:"leeway,omitempty"`
	// MaxPresentationAge bounds how old a KB-JWT / VP-JWT iat may be; zero
	// means DefaultMaxPresentationAge.
	MaxPresentationAge Duration `json:"maxPresentationAge,omitempty"`
}

// Limits of a Policy.
const (
	MaxLeeway                 = 10 * time.Minute
	DefaultMaxPresentationAge = 5 * time.Minute
)

// Duration is a time.Duration that reads and writes as a Go duration string
// ("30s") or a number of seconds in JSON.
type Duration time.Duration

// Check is one check of a Result.
type Check struct {
	// Check is one of the Check* names.
	Check  string `json:"check"`
	Passed bool   `json:"passed"`
	// Reason says why it passed or failed.
	Reason string `json:"reason,omitempty"`
	// Target is "" for the input itself and "credentials/N" for the N-th
	// credential of a presentation.
	Target string `json:"target,omitempty"`
}

// Credential is a verified (or attempted) credential of a Result.
type Credential struct {
	Format string `json:"format"`
	// Issuer is the issuer DID whose key signed.
	Issuer string `json:"issuer,omitempty"`
	// Subject is the credential subject id (SD-JWT: sub), when present.
	Subject string `json:"subject,omitempty"`
	// Types are the credential's types (VC) or its vct (SD-JWT VC).
	Types []string `json:"types,omitempty"`
	// Claims is the verified credential JSON; for dc+sd-jwt the processed
	// (disclosed) claims; for zk the revealed attributes and predicates.
	// Nil when the signature did not verify.
	Claims json.RawMessage `json:"claims,omitempty"`
	// KeyID is the verification method that signed.
	KeyID string `json:"keyId,omitempty"`
}

// Result is the outcome of Verify. It is answered whether or not the input
// verified.
type Result struct {
	// Verified is true when every required check passed.
	Verified bool   `json:"verified"`
	Format   string `json:"format"`
	// Checks are all checks run, the input's first, then each embedded
	// credential's.
	Checks []Check `json:"checks"`
	// Credentials are the credentials checked: the input itself for a
	// credential, the embedded ones for a presentation.
	Credentials []Credential `json:"credentials,omitempty"`
	// Holder is a presentation's holder DID (VP-JWT iss, VP holder, SD-JWT
	// cnf key as a did:jwk when no DID is known, ZK holder/nullifier).
	Holder string `json:"holder,omitempty"`
}

// Failed returns the checks that failed.
func (r *Result) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// KeyResolver returns the public key of a verification method listed under
// a relationship of its DID document; credentials/didkeys implements it over
// the DID resolver.
type KeyResolver interface {
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// Fetcher fetches a status list credential by URL. It must bound size and
// time and refuse non-public addresses (NewHTTPFetcher does); a local
// implementation may answer for lists this service hosts without a network
// round trip.
type Fetcher interface {
	// Fetch returns the body and its media type.
	Fetch(ctx context.Context, url string) (body []byte, mediaType string, err error)
}

// ZKExpect is what a ZK proof must be bound to.
type ZKExpect struct {
	// Nonce and Audience are Input's: a proof for another nonce or
	// audience fails.
	Nonce    string
	Audience string
	// TrustedIssuers and AnyIssuer are Policy's.
	TrustedIssuers []string
	AnyIssuer      bool
	// Now and Leeway are the clock and Policy.Leeway.
	Now    time.Time
	Leeway time.Duration
}

// ZKResult is what a ZKVerifier found.
type ZKResult struct {
	// Checks are the checks run, normally syntax, issuer_key (the issuer's
	// ZK key anchored in its DID document), trusted_issuer, validity,
	// status, holder_binding (nonce/audience) and zk_proof.
	Checks []Check
	// Issuer is the issuer DID whose key the proof was checked against.
	Issuer string
	// Claims are the revealed attributes and proven predicates (JSON).
	Claims json.RawMessage
	// Holder is a stable pseudonymous holder handle (e.g. the nullifier)
	// when the proof has one.
	Holder string
}

// ZKVerifier verifies a zero-knowledge proof object (verifier/zk implements
// it). It returns an error only for a proof that does not parse (Verify
// reports it as a failed syntax check); every other failure is a failed
// check.
type ZKVerifier interface {
	VerifyZK(ctx context.Context, proof json.RawMessage, expect ZKExpect) (*ZKResult, error)
}
