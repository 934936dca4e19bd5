package sdjwt

import (
	"context"
	"crypto"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/chainid/chainid/did"
)

// Defaults for VerifyOptions zero values.
const (
	// DefaultMaxSize bounds a presentation when VerifyOptions.MaxSize is 0.
	DefaultMaxSize = 256 << 10
	// DefaultMaxKeyBindingAge is how old a Key Binding JWT's iat may be when
	// VerifyOptions.MaxKeyBindingAge is 0.
	DefaultMaxKeyBindingAge = 5 * time.Minute
)

// VerifyOptions are the verifier's policy. The zero value verifies an
// SD-JWT VC without requiring key binding, at the current time, with no
// leeway.
type VerifyOptions struct {
	// RequireKeyBinding makes a presentation without a valid Key Binding
	// JWT fail. It is the verifier's policy and never inferred from the
	// input (RFC 9901 §7.3 step 1). ExpectedNonce and ExpectedAudience
	// must then be set.
	RequireKeyBinding bool
	// ExpectedNonce and ExpectedAudience must equal the KB-JWT's nonce and
	// aud. When key binding is not required but a KB-JWT is present, the
	// KB-JWT is still verified, and these are checked when non-empty.
	ExpectedNonce    string
	ExpectedAudience string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration
	// MaxKeyBindingAge is how far in the past a KB-JWT's iat may be
	// (DefaultMaxKeyBindingAge when 0).
	MaxKeyBindingAge time.Duration
	// MaxSize bounds the presentation in bytes (DefaultMaxSize when 0).
	MaxSize int
	// Type is the required header typ of the issuer-signed JWT (TypeVC
	// when empty). When it is TypeVC the payload must carry a vct string.
	Type string
	// Relationship is the verification relationship the issuer's key must
	// be listed under ("assertionMethod" when empty).
	Relationship string
}

// Result is a verified SD-JWT.
type Result struct {
	// Claims is the processed payload (RFC 9901 §7.1): disclosed claims in
	// place, _sd, _sd_alg and undisclosed array elements removed.
	Claims json.RawMessage
	// Issuer is the iss claim, equal to the DID of KeyID. Verify does not
	// decide whether this issuer is trusted: the caller must.
	Issuer string
	// KeyID is the kid header: the issuer's verification method.
	KeyID string
	// VCT is the vct claim ("" when Type is not TypeVC and vct is absent).
	VCT string
	// KeyBound is true when a Key Binding JWT signed by the cnf key over
	// this presentation was verified.
	KeyBound bool
}

// Verify verifies an SD-JWT or SD-JWT+KB presentation: the issuer-signed
// JWT against the key that keys returns for its kid, every disclosure
// against the digests, the validity claims, and the Key Binding JWT. It
// returns the processed claims.
//
// The issuer key is found only through the kid header, a DID URL whose DID
// must equal the iss claim; jwk, jku, x5u and x5c headers are ignored.
// Resolving iss through SD-JWT VC issuer metadata (/.well-known/jwt-vc-issuer)
// is out of scope.
func Verify(ctx context.Context, presentation string, keys KeyResolver, opts VerifyOptions) (*Result, error) {
	maxSize := opts.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if len(presentation) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(presentation), maxSize)
	}
	if opts.RequireKeyBinding && (opts.ExpectedNonce == "" || opts.ExpectedAudience == "") {
		return nil, fmt.Errorf("%w: RequireKeyBinding needs ExpectedNonce and ExpectedAudience", ErrKeyBinding)
	}
	p, err := split(presentation)
	if err != nil {
		return nil, err
	}
	if opts.RequireKeyBinding && p.kb == "" {
		return nil, fmt.Errorf("%w: presentation has no Key Binding JWT", ErrKeyBinding)
	}
	t, err := parseJWT(p.jwt)
	if err != nil {
		return nil, fmt.Errorf("issuer-signed JWT: %w", err)
	}
	typ := opts.Type
	if typ == "" {
		typ = TypeVC
	}
	if t.typ != typ {
		return nil, fmt.Errorf("%w: typ %q, want %q", ErrMalformed, t.typ, typ)
	}
	kid, iss, err := issuerOf(t)
	if err != nil {
		return nil, err
	}
	rel := opts.Relationship
	if rel == "" {
		rel = did.AssertionMethod
	}
	pub, err := keys.VerificationKey(ctx, kid, rel)
	if err != nil {
		return nil, fmt.Errorf("issuer key %s: %w", kid, err)
	}
	if err := t.verifySignature(pub); err != nil {
		return nil, fmt.Errorf("issuer-signed JWT: %w", err)
	}
	return finish(t, p, kid, iss, typ, opts)
}

// issuerOf checks kid is a DID URL whose DID is the iss claim.
func issuerOf(t *jwt) (kid, iss string, err error) {
	kid, ok, err := t.header.stringMember("kid")
	if err != nil || !ok || kid == "" {
		return "", "", fmt.Errorf("%w: header has no kid string", ErrIssuer)
	}
	u, err := did.ParseURL(kid)
	if err != nil || !u.HasFragment || u.Path != "" || u.HasQuery {
		return "", "", fmt.Errorf("%w: kid %q is not a DID URL with a fragment", ErrIssuer, kid)
	}
	iss, ok, err = t.payloadJSON.stringMember("iss")
	if err != nil || !ok {
		return "", "", fmt.Errorf("%w: payload has no iss string", ErrIssuer)
	}
	if iss != u.DID.String() {
		return "", "", fmt.Errorf("%w: iss %q is not the DID of kid %q", ErrIssuer, iss, kid)
	}
	return kid, iss, nil
}

// finish runs every check after the issuer signature.
func finish(t *jwt, p parts, kid, iss, typ string, opts VerifyOptions) (*Result, error) {
	payload := &t.payloadJSON
	vct, hasVCT, err := payload.stringMember("vct")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if typ == TypeVC && (!hasVCT || vct == "") {
		return nil, fmt.Errorf("%w: SD-JWT VC has no vct", ErrMalformed)
	}
	_, h, err := process(payload, p.disclosures, false)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	at := now()
	if err := checkTimes(payload, at, opts.Leeway); err != nil {
		return nil, err
	}
	res := &Result{Issuer: iss, KeyID: kid, VCT: vct}
	if p.kb != "" {
		if err := verifyKB(p, payload, h, at, opts); err != nil {
			return nil, err
		}
		res.KeyBound = true
	}
	res.Claims = appendJSON(make([]byte, 0, len(t.payload)+64*len(p.disclosures)), payload)
	return res, nil
}

// checkTimes checks exp, nbf and iat of the processed payload.
func checkTimes(payload *value, at time.Time, leeway time.Duration) error {
	now := float64(at.UnixNano()) / 1e9
	lw := leeway.Seconds()
	exp, ok, err := payload.numberMember("exp")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if ok && now > exp+lw {
		return fmt.Errorf("%w: exp %s", ErrExpired, unixString(exp))
	}
	nbf, ok, err := payload.numberMember("nbf")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if ok && now+lw < nbf {
		return fmt.Errorf("%w: nbf %s", ErrNotYetValid, unixString(nbf))
	}
	iat, ok, err := payload.numberMember("iat")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if ok && now+lw < iat {
		return fmt.Errorf("%w: iat %s", ErrNotYetValid, unixString(iat))
	}
	return nil
}

func unixString(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return fmt.Sprint(f)
	}
	return time.Unix(int64(f), 0).UTC().Format(time.RFC3339)
}

// verifyKB verifies the Key Binding JWT (RFC 9901 §7.3 step 5).
func verifyKB(p parts, payload *value, h hasher, at time.Time, opts VerifyOptions) error {
	kb, err := parseJWT(p.kb)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeyBinding, err)
	}
	if kb.typ != TypeKB {
		return fmt.Errorf("%w: KB-JWT typ %q, want %q", ErrKeyBinding, kb.typ, TypeKB)
	}
	holder, err := cnfKey(payload)
	if err != nil {
		return err
	}
	if err := kb.verifySignature(holder); err != nil {
		return fmt.Errorf("%w: KB-JWT: %w", ErrKeyBinding, err)
	}
	c := &kb.payloadJSON
	sdHash, ok, err := c.stringMember("sd_hash")
	if err != nil || !ok {
		return fmt.Errorf("%w: KB-JWT has no sd_hash string", ErrKeyBinding)
	}
	if want := h.digest(p.sdJWT); subtle.ConstantTimeCompare([]byte(sdHash), []byte(want)) != 1 {
		return fmt.Errorf("%w: sd_hash does not match the presented SD-JWT", ErrKeyBinding)
	}
	nonce, ok, err := c.stringMember("nonce")
	if err != nil || !ok {
		return fmt.Errorf("%w: KB-JWT has no nonce string", ErrKeyBinding)
	}
	if opts.ExpectedNonce != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(opts.ExpectedNonce)) != 1 {
		return fmt.Errorf("%w: nonce does not match", ErrKeyBinding)
	}
	if err := checkAud(c, opts.ExpectedAudience); err != nil {
		return err
	}
	iat, ok, err := c.numberMember("iat")
	if err != nil || !ok {
		return fmt.Errorf("%w: KB-JWT has no numeric iat", ErrKeyBinding)
	}
	maxAge := opts.MaxKeyBindingAge
	if maxAge <= 0 {
		maxAge = DefaultMaxKeyBindingAge
	}
	now := float64(at.UnixNano()) / 1e9
	lw := opts.Leeway.Seconds()
	if iat > now+lw {
		return fmt.Errorf("%w: KB-JWT iat %s is in the future", ErrKeyBinding, unixString(iat))
	}
	if iat < now-maxAge.Seconds()-lw {
		return fmt.Errorf("%w: KB-JWT iat %s is older than %s", ErrKeyBinding, unixString(iat), maxAge)
	}
	if exp, ok, err := c.numberMember("exp"); err != nil {
		return fmt.Errorf("%w: KB-JWT: %w", ErrKeyBinding, err)
	} else if ok && now > exp+lw {
		return fmt.Errorf("%w: KB-JWT expired", ErrKeyBinding)
	}
	return nil
}

func checkAud(c *value, want string) error {
	aud, ok := c.member("aud")
	if !ok {
		return fmt.Errorf("%w: KB-JWT has no aud", ErrKeyBinding)
	}
	switch aud.kind {
	case kindString:
		if want == "" || aud.str() == want {
			return nil
		}
	case kindArray:
		for i := range aud.arr {
			if aud.arr[i].kind != kindString {
				return fmt.Errorf("%w: KB-JWT aud holds a non-string", ErrKeyBinding)
			}
		}
		if want == "" {
			return nil
		}
		for i := range aud.arr {
			if aud.arr[i].str() == want {
				return nil
			}
		}
	default:
		return fmt.Errorf("%w: KB-JWT aud is not a string", ErrKeyBinding)
	}
	return fmt.Errorf("%w: aud does not match", ErrKeyBinding)
}

// cnfKey returns the holder key from the processed payload's cnf.jwk.
func cnfKey(payload *value) (crypto.PublicKey, error) {
	cnf, ok := payload.member("cnf")
	if !ok || cnf.kind != kindObject {
		return nil, fmt.Errorf("%w: SD-JWT has no cnf object to bind a key", ErrKeyBinding)
	}
	j, ok := cnf.member("jwk")
	if !ok || j.kind != kindObject {
		return nil, fmt.Errorf("%w: cnf has no jwk", ErrKeyBinding)
	}
	k, err := did.ParseJWK(appendJSON(nil, j))
	if err != nil {
		return nil, fmt.Errorf("%w: cnf.jwk: %w", ErrKeyBinding, err)
	}
	pub, err := k.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("%w: cnf.jwk: %w", ErrKeyBinding, err)
	}
	return pub, nil
}
