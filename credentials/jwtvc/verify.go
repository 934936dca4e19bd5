package jwtvc

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// refusedHeaders are header parameters that would let a token choose or
// carry its own key, or change how it is processed. They are refused, not
// ignored.
var refusedHeaders = [...]string{
	jws.JWKSetURLKey, jws.X509URLKey, jws.JWKKey, jws.X509CertChainKey,
	jws.CriticalKey, "b64", "zip", "enc",
}

// parsed is a compact JWS whose header passed the checks and whose payload
// is a duplicate-free JSON object; nothing is verified yet.
type parsed struct {
	input     string // the signing input, header.payload
	signature []byte
	header    Header
	payload   []byte
	claims    object
	limits    VerifyOptions
}

// parse reads a compact JWS and applies the checks that need no key: size,
// serialization, header parameters, alg allow-list, kid presence, and the
// shape of the header and payload JSON.
//
// jwx's jws.Parse is not used here: its header model decodes parameter by
// parameter through a json.Decoder (about 10 µs per token, as much as the
// rest of Verify), keeps the last of duplicate parameters, and decodes
// base64 leniently. The header is instead read with this package's
// duplicate-refusing scanner, the parts are split with jws.SplitCompact and
// decoded as strict base64url, and the signature is checked by jwx's
// jws.Verifier for the algorithm.
func parse(token string, opts VerifyOptions) (*parsed, error) {
	if opts.MaxTokenSize <= 0 {
		opts.MaxTokenSize = DefaultMaxTokenSize
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if len(token) > opts.MaxTokenSize {
		return nil, fmt.Errorf("%w: token of %d bytes exceeds the %d-byte limit", ErrMalformed, len(token), opts.MaxTokenSize)
	}
	if token == "" {
		return nil, fmt.Errorf("%w: empty token", ErrMalformed)
	}
	if token[0] == '{' || isSpace(token[0]) {
		return nil, fmt.Errorf("%w: only the compact serialization is accepted (JWS JSON serialization is refused)", ErrMalformed)
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return nil, fmt.Errorf("%w: byte %q at offset %d is not base64url", ErrMalformed, c, i)
		}
	}
	h64, p64, s64, err := jws.SplitCompactString(token)
	if err != nil {
		return nil, fmt.Errorf("%w: compact JWS: %w", ErrMalformed, err)
	}
	strict := base64.RawURLEncoding.Strict()
	rawHeader := make([]byte, strict.DecodedLen(len(h64)))
	n, err := strict.Decode(rawHeader, h64)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	rawHeader = rawHeader[:n]
	hdr, err := parseObject(rawHeader, 4)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	for _, name := range refusedHeaders {
		if hdr.has(name) {
			return nil, fmt.Errorf("%w: header parameter %q is refused (keys come only from the issuer's DID document; no extension is understood)", ErrMalformed, name)
		}
	}
	p := &parsed{input: token[:len(h64)+1+len(p64)], limits: opts}
	p.header.Raw = rawHeader
	for _, f := range [...]struct {
		name string
		dst  *string
	}{
		{jws.AlgorithmKey, &p.header.Algorithm},
		{jws.KeyIDKey, &p.header.KeyID},
		{jws.TypeKey, &p.header.Type},
		{jws.ContentTypeKey, &p.header.ContentType},
	} {
		if *f.dst, _, err = optString(hdr, f.name); err != nil {
			return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
		}
	}
	if alg := p.header.Algorithm; !slices.Contains(supportedAlgs[:], alg) {
		switch {
		case strings.EqualFold(alg, string(jwa.NoSignature)):
			return nil, fmt.Errorf("%w: alg %q: unsigned tokens are refused", ErrMalformed, alg)
		case jwa.SignatureAlgorithm(strings.ToUpper(alg)).IsSymmetric():
			return nil, fmt.Errorf("%w: alg %q: symmetric (HMAC) algorithms are refused", ErrMalformed, alg)
		default:
			return nil, fmt.Errorf("%w: alg %q is not supported (EdDSA, ES256, ES256K)", ErrMalformed, alg)
		}
	}
	if !slices.Contains(allowedAlgs(opts.Algorithms), p.header.Algorithm) {
		return nil, fmt.Errorf("%w: alg %s is not in the allow-list", ErrMalformed, p.header.Algorithm)
	}
	if p.header.KeyID == "" {
		return nil, fmt.Errorf("%w: kid is missing", ErrMalformed)
	}
	// A signature is never longer than 64 bytes here; refuse before
	// decoding anything larger.
	if len(s64) > 86 {
		return nil, fmt.Errorf("%w: signature of %d characters", ErrMalformed, len(s64))
	}
	if p.signature, err = strict.DecodeString(string(s64)); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrMalformed, err)
	}
	p.payload = make([]byte, strict.DecodedLen(len(p64)))
	if n, err = strict.Decode(p.payload, p64); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	p.payload = p.payload[:n]
	if p.claims, err = parseObject(p.payload, opts.MaxDepth); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	return p, nil
}

// verifySignature resolves kid under relationship, checks the key suits
// alg and verifies the signature over the signing input.
func (p *parsed) verifySignature(ctx context.Context, keys KeyResolver, relationship, subjectDID string) error {
	kidOwner, err := kidDID(p.header.KeyID)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if kidOwner != subjectDID {
		return fmt.Errorf("%w: kid %q belongs to %s, not to %s", ErrUnauthorizedKey, p.header.KeyID, kidOwner, subjectDID)
	}
	if keys == nil {
		return fmt.Errorf("%w: no key resolver", ErrUnauthorizedKey)
	}
	pub, err := keys.VerificationKey(ctx, p.header.KeyID, relationship)
	if err != nil {
		return fmt.Errorf("%w: %s key %s: %w", ErrUnauthorizedKey, relationship, p.header.KeyID, err)
	}
	alg, err := algOf(pub)
	if err != nil {
		return fmt.Errorf("%w: key %s: %w", ErrUnauthorizedKey, p.header.KeyID, err)
	}
	if alg != p.header.Algorithm {
		return fmt.Errorf("%w: alg %s does not suit key %s (%s)", ErrUnauthorizedKey, p.header.Algorithm, p.header.KeyID, alg)
	}
	v, err := verifierFor(alg)
	if err != nil {
		return err
	}
	if err := v.Verify([]byte(p.input), p.signature, pub); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
	}
	return nil
}

// clock returns the current time of the options.
func (o VerifyOptions) clock() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Verify verifies a credential JWT of either format (FormatVCJWT by typ
// "vc+jwt", FormatJWTVCJSON by typ "JWT" or none) and returns the verified
// credential, its issuer and the key that signed.
//
// The kid's DID must be the issuer (issuer for vc+jwt, iss for
// jwt_vc_json) and the key must be listed under the issuer's
// assertionMethod. Presentations (typ "vp+jwt" or a "vp" claim) are refused
// with ErrWrongType. Errors wrap one of the package's sentinels.
func Verify(ctx context.Context, token string, keys KeyResolver, opts VerifyOptions) (*Verified, error) {
	p, err := parse(token, opts)
	if err != nil {
		return nil, fmt.Errorf("verify credential: %w", err)
	}
	v, err := p.credential(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("verify credential: %w", err)
	}
	return v, nil
}

func (p *parsed) format(presentation bool) (Format, error) {
	typ := p.header.Type
	var f Format
	switch {
	case mediaTypeIs(typ, TypeVC):
		if presentation {
			return "", fmt.Errorf("%w: a credential (typ %s) is not a presentation", ErrWrongType, typ)
		}
		f = FormatVCJWT
	case mediaTypeIs(typ, TypeVP):
		if !presentation {
			return "", fmt.Errorf("%w: a presentation (typ %s) is not a credential", ErrWrongType, typ)
		}
		f = FormatVCJWT
	case typ == "" || mediaTypeIs(typ, TypeJWT):
		f = FormatJWTVCJSON
	default:
		return "", fmt.Errorf("%w: typ %q is neither vc+jwt, vp+jwt nor JWT", ErrWrongType, typ)
	}
	if p.limits.Formats != nil && !slices.Contains(p.limits.Formats, f) {
		return "", fmt.Errorf("%w: format %s is not accepted", ErrWrongType, f)
	}
	cty := p.header.ContentType
	switch f {
	case FormatVCJWT:
		want, other := ctyVC, ctyVP
		if presentation {
			want, other = ctyVP, ctyVC
		}
		if cty != "" && !mediaTypeIs(cty, want) {
			if mediaTypeIs(cty, other) {
				return "", fmt.Errorf("%w: cty %q does not match typ %q", ErrWrongType, cty, typ)
			}
			return "", fmt.Errorf("%w: cty %q is not %q", ErrMalformed, cty, want)
		}
	case FormatJWTVCJSON:
		if cty != "" {
			return "", fmt.Errorf("%w: cty %q on a jwt_vc_json token", ErrMalformed, cty)
		}
	}
	return f, nil
}

func (p *parsed) credential(ctx context.Context, keys KeyResolver) (*Verified, error) {
	f, err := p.format(false)
	if err != nil {
		return nil, err
	}
	claims := p.claims
	var (
		issuer string
		vc     object
		rawVC  []byte
	)
	switch f {
	case FormatVCJWT:
		if claims.has("vc") || claims.has("vp") {
			return nil, fmt.Errorf("%w: a vc+jwt payload must not have vc or vp claims", ErrMalformed)
		}
		if !hasType(claims.get("type"), "VerifiableCredential") || hasType(claims.get("type"), "VerifiablePresentation") {
			return nil, fmt.Errorf("%w: payload type does not list VerifiableCredential", ErrWrongType)
		}
		if first := firstContext(claims.get("@context")); first != contextV2 {
			return nil, fmt.Errorf("%w: vc+jwt needs the VC 2.0 context first, found %q", ErrMalformed, first)
		}
		if issuer, err = idOf(claims.get("issuer")); err != nil {
			return nil, fmt.Errorf("%w: issuer: %w", ErrMalformed, err)
		}
		if err := sameString(claims, "iss", issuer); err != nil {
			return nil, err
		}
		if id := mustString(claims, "id"); id != "" {
			if err := sameString(claims, "jti", id); err != nil {
				return nil, err
			}
		}
		if claims.has("sub") {
			sid, err := subjectID(claims.get("credentialSubject"))
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			if sid != "" {
				if err := sameString(claims, "sub", sid); err != nil {
					return nil, err
				}
			}
		}
	case FormatJWTVCJSON:
		rawVC = claims.get("vc")
		if rawVC == nil {
			if claims.has("vp") {
				return nil, fmt.Errorf("%w: a presentation (vp claim) is not a credential", ErrWrongType)
			}
			return nil, fmt.Errorf("%w: no vc claim", ErrMalformed)
		}
		if claims.has("vp") {
			return nil, fmt.Errorf("%w: both vc and vp claims", ErrMalformed)
		}
		if vc, err = members(rawVC); err != nil {
			return nil, fmt.Errorf("%w: vc: %w", ErrMalformed, err)
		}
		if !hasType(vc.get("type"), "VerifiableCredential") || hasType(vc.get("type"), "VerifiablePresentation") {
			return nil, fmt.Errorf("%w: vc type does not list VerifiableCredential", ErrWrongType)
		}
		if first := firstContext(vc.get("@context")); first != contextV1 && first != contextV2 {
			return nil, fmt.Errorf("%w: vc needs the VC 1.1 or 2.0 context first, found %q", ErrMalformed, first)
		}
		iss, ok, err := optString(claims, "iss")
		if err != nil || !ok || iss == "" {
			return nil, fmt.Errorf("%w: iss claim missing or not a string", ErrMalformed)
		}
		issuer = iss
		if raw := vc.get("issuer"); raw != nil {
			id, err := idOf(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: vc issuer: %w", ErrMalformed, err)
			}
			if id != issuer {
				return nil, fmt.Errorf("%w: vc issuer %q differs from iss %q", ErrMalformed, id, issuer)
			}
		}
	}
	if err := p.verifySignature(ctx, keys, RelationshipAssertion, issuer); err != nil {
		return nil, err
	}
	now := p.limits.clock()
	if err := p.checkTimes(now, claims); err != nil {
		return nil, err
	}
	out := &Verified{
		Format: f,
		Claims: p.payload,
		Issuer: issuer,
		KeyID:  p.header.KeyID,
		Header: p.header,
	}
	switch f {
	case FormatVCJWT:
		out.Credential = out.Claims
		if err := p.checkDates(now, claims, "validFrom", "validUntil"); err != nil {
			return nil, err
		}
	case FormatJWTVCJSON:
		if err := p.checkDates(now, vc, "issuanceDate", "expirationDate"); err != nil {
			return nil, err
		}
		if err := p.checkDates(now, vc, "validFrom", "validUntil"); err != nil {
			return nil, err
		}
		out.Credential, err = decodeVC11(claims, vc, rawVC)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mustString returns a string member or "" (absent or not a string).
func mustString(o object, name string) string {
	s, _, _ := optString(o, name)
	return s
}

// sameString refuses a claim that is present and differs from want.
func sameString(o object, claim, want string) error {
	got, ok, err := optString(o, claim)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if ok && got != want {
		return fmt.Errorf("%w: %s %q conflicts with %q", ErrMalformed, claim, got, want)
	}
	return nil
}

// checkTimes checks the JWT claims nbf, exp and iat.
func (p *parsed) checkTimes(now time.Time, claims object) error {
	leeway := p.limits.Leeway
	for _, name := range [...]string{"nbf", "exp", "iat"} {
		raw := claims.get(name)
		if raw == nil {
			continue
		}
		t, err := numericDate(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
		}
		switch name {
		case "nbf", "iat":
			if t.After(now.Add(leeway)) {
				return fmt.Errorf("%w: %s %s is after %s", ErrNotYetValid, name, t.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
			}
		case "exp":
			if !t.After(now.Add(-leeway)) {
				return fmt.Errorf("%w: exp %s is not after %s", ErrExpired, t.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
			}
		}
	}
	return nil
}

// checkDates checks a pair of date-time members (validFrom/validUntil,
// issuanceDate/expirationDate).
func (p *parsed) checkDates(now time.Time, o object, from, until string) error {
	leeway := p.limits.Leeway
	if raw := o.get(from); raw != nil {
		t, err := dateTime(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrMalformed, from, err)
		}
		if t.After(now.Add(leeway)) {
			return fmt.Errorf("%w: %s %s is after %s", ErrNotYetValid, from, t.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	if raw := o.get(until); raw != nil {
		t, err := dateTime(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrMalformed, until, err)
		}
		if !t.After(now.Add(-leeway)) {
			return fmt.Errorf("%w: %s %s is not after %s", ErrExpired, until, t.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// decodeVC11 completes a VC 1.1 "vc" claim from the JWT claims (VC 1.1
// §6.3.1, JWT decoding) and refuses claims that contradict the credential.
// When nothing is missing the claim is returned as signed.
func decodeVC11(claims, vc object, rawVC []byte) (json.RawMessage, error) {
	add := map[string]json.RawMessage{}
	iss := mustString(claims, "iss")
	if !vc.has("issuer") {
		add["issuer"] = quote(iss)
	}
	if raw := claims.get("jti"); raw != nil {
		jti, err := jsonString(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: jti: %w", ErrMalformed, err)
		}
		if id, ok, _ := optString(vc, "id"); !ok {
			add["id"] = quote(jti)
		} else if id != jti {
			return nil, fmt.Errorf("%w: jti %q differs from the credential id %q", ErrMalformed, jti, id)
		}
	}
	v2 := firstContext(vc.get("@context")) == contextV2
	for _, p := range [...]struct{ claim, v1, v2 string }{
		{"nbf", "issuanceDate", "validFrom"},
		{"exp", "expirationDate", "validUntil"},
	} {
		raw := claims.get(p.claim)
		if raw == nil {
			continue
		}
		t, err := numericDate(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, p.claim, err)
		}
		name := p.v1
		if v2 {
			name = p.v2
		}
		if cur := vc.get(name); cur != nil {
			ct, err := dateTime(cur)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
			}
			if ct.Unix() != t.Unix() {
				return nil, fmt.Errorf("%w: %s %s differs from %s", ErrMalformed, p.claim, t.Format(time.RFC3339), name)
			}
			continue
		}
		add[name] = quote(t.Format(time.RFC3339))
	}
	var subject json.RawMessage
	if raw := claims.get("sub"); raw != nil {
		sub, err := jsonString(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: sub: %w", ErrMalformed, err)
		}
		cs := vc.get("credentialSubject")
		if cs == nil {
			subject = []byte(`{"id":` + string(quote(sub)) + `}`)
		} else if subject, err = withSubjectID(cs, sub); err != nil {
			return nil, err
		}
	}
	if len(add) == 0 && subject == nil {
		return rawVC, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rawVC, &m); err != nil {
		return nil, fmt.Errorf("%w: vc: %w", ErrMalformed, err)
	}
	for k, v := range add {
		m[k] = v
	}
	if subject != nil {
		m["credentialSubject"] = subject
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: vc: %w", ErrMalformed, err)
	}
	return out, nil
}

// withSubjectID returns credentialSubject with id set to sub, nil when it
// already is, and refuses a different id or several subjects.
func withSubjectID(cs []byte, sub string) (json.RawMessage, error) {
	array := cs[0] == '['
	one := cs
	if array {
		var list []json.RawMessage
		if err := json.Unmarshal(cs, &list); err != nil || len(list) != 1 {
			return nil, fmt.Errorf("%w: sub claim with several credential subjects", ErrMalformed)
		}
		one = list[0]
	}
	o, err := members(one)
	if err != nil {
		return nil, fmt.Errorf("%w: credentialSubject: %w", ErrMalformed, err)
	}
	if id, ok, _ := optString(o, "id"); ok {
		if id != sub {
			return nil, fmt.Errorf("%w: sub %q differs from credentialSubject.id %q", ErrMalformed, sub, id)
		}
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(one, &m); err != nil {
		return nil, fmt.Errorf("%w: credentialSubject: %w", ErrMalformed, err)
	}
	m["id"] = quote(sub)
	out, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if array {
		out = append(append([]byte{'['}, out...), ']')
	}
	return out, nil
}

// VerifyPresentation verifies a presentation JWT of either format
// (FormatVCJWT by typ "vp+jwt", FormatJWTVCJSON by typ "JWT" or none, with
// a "vp" claim) made for this verifier's request: its nonce must equal
// opts.Nonce and its aud list opts.Audience. The kid's DID must be the
// holder (holder or iss; the kid's DID when neither is given) and the key
// must be listed under the holder's authentication relationship.
// Credentials (typ "vc+jwt" or a "vc" claim) are refused with ErrWrongType.
//
// The embedded credentials are returned unverified: verify each (Verify
// for JWTs) and apply holder-binding policy (is the holder the subject?).
func VerifyPresentation(ctx context.Context, token string, keys KeyResolver, opts PresentationVerifyOptions) (*VerifiedPresentation, error) {
	if opts.Nonce == "" || opts.Audience == "" {
		return nil, fmt.Errorf("verify presentation: the expected nonce and audience are required")
	}
	p, err := parse(token, opts.VerifyOptions)
	if err != nil {
		return nil, fmt.Errorf("verify presentation: %w", err)
	}
	v, err := p.presentation(ctx, keys, opts)
	if err != nil {
		return nil, fmt.Errorf("verify presentation: %w", err)
	}
	return v, nil
}

func (p *parsed) presentation(ctx context.Context, keys KeyResolver, opts PresentationVerifyOptions) (*VerifiedPresentation, error) {
	f, err := p.format(true)
	if err != nil {
		return nil, err
	}
	claims := p.claims
	vp := claims
	var rawVP []byte
	switch f {
	case FormatVCJWT:
		if claims.has("vc") || claims.has("vp") {
			return nil, fmt.Errorf("%w: a vp+jwt payload must not have vc or vp claims", ErrMalformed)
		}
		if first := firstContext(claims.get("@context")); first != contextV2 {
			return nil, fmt.Errorf("%w: vp+jwt needs the VC 2.0 context first, found %q", ErrMalformed, first)
		}
	case FormatJWTVCJSON:
		rawVP = claims.get("vp")
		if rawVP == nil {
			if claims.has("vc") {
				return nil, fmt.Errorf("%w: a credential (vc claim) is not a presentation", ErrWrongType)
			}
			return nil, fmt.Errorf("%w: no vp claim", ErrMalformed)
		}
		if claims.has("vc") {
			return nil, fmt.Errorf("%w: both vc and vp claims", ErrMalformed)
		}
		if vp, err = members(rawVP); err != nil {
			return nil, fmt.Errorf("%w: vp: %w", ErrMalformed, err)
		}
		if first := firstContext(vp.get("@context")); first != contextV1 && first != contextV2 {
			return nil, fmt.Errorf("%w: vp needs the VC 1.1 or 2.0 context first, found %q", ErrMalformed, first)
		}
	}
	if !hasType(vp.get("type"), "VerifiablePresentation") {
		return nil, fmt.Errorf("%w: type does not list VerifiablePresentation", ErrWrongType)
	}
	holder, _, err := optString(claims, "iss")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if raw := vp.get("holder"); raw != nil {
		h, err := idOf(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: holder: %w", ErrMalformed, err)
		}
		if holder != "" && h != holder {
			return nil, fmt.Errorf("%w: holder %q differs from iss %q", ErrMalformed, h, holder)
		}
		holder = h
	}
	if holder == "" {
		if f == FormatJWTVCJSON {
			return nil, fmt.Errorf("%w: iss claim missing", ErrMalformed)
		}
		if holder, err = kidDID(p.header.KeyID); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	nonce, _, err := optString(claims, "nonce")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var aud []string
	if raw := claims.get("aud"); raw != nil {
		if aud, err = stringOrArray(raw); err != nil {
			return nil, fmt.Errorf("%w: aud: %w", ErrMalformed, err)
		}
	}
	creds, err := embedded(vp.get("verifiableCredential"))
	if err != nil {
		return nil, err
	}
	if err := p.verifySignature(ctx, keys, RelationshipAuthentication, holder); err != nil {
		return nil, err
	}
	now := p.limits.clock()
	if err := p.checkTimes(now, claims); err != nil {
		return nil, err
	}
	if nonce != opts.Nonce {
		return nil, fmt.Errorf("%w: nonce %q is not the expected one", ErrBinding, nonce)
	}
	if !slices.Contains(aud, opts.Audience) {
		return nil, fmt.Errorf("%w: aud %q does not list %q", ErrBinding, aud, opts.Audience)
	}
	// The expected nonce (required above) is what makes a presentation
	// fresh; iat is optional in a VP-JWT (did-jwt-vc leaves it out by
	// default), and MaxAge bounds it only when present.
	if raw := claims.get("iat"); opts.MaxAge > 0 && raw != nil {
		iat, _ := numericDate(raw) // checked by checkTimes
		if now.Sub(iat) > opts.MaxAge+p.limits.Leeway {
			return nil, fmt.Errorf("%w: issued at %s, older than %s", ErrBinding, iat.Format(time.RFC3339), opts.MaxAge)
		}
	}
	out := &VerifiedPresentation{
		Format:      f,
		Claims:      p.payload,
		Holder:      holder,
		KeyID:       p.header.KeyID,
		Header:      p.header,
		Nonce:       nonce,
		Audience:    aud,
		Credentials: creds,
	}
	out.Presentation = out.Claims
	if f == FormatJWTVCJSON {
		if out.Presentation, err = decodeVP11(claims, vp, rawVP, holder); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeVP11 completes a VC 1.1 "vp" claim with holder (iss) and id (jti).
func decodeVP11(claims, vp object, rawVP []byte, holder string) (json.RawMessage, error) {
	add := map[string]json.RawMessage{}
	if !vp.has("holder") {
		add["holder"] = quote(holder)
	}
	if raw := claims.get("jti"); raw != nil {
		jti, err := jsonString(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: jti: %w", ErrMalformed, err)
		}
		if id, ok, _ := optString(vp, "id"); !ok {
			add["id"] = quote(jti)
		} else if id != jti {
			return nil, fmt.Errorf("%w: jti %q differs from the presentation id %q", ErrMalformed, jti, id)
		}
	}
	if len(add) == 0 {
		return rawVP, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rawVP, &m); err != nil {
		return nil, fmt.Errorf("%w: vp: %w", ErrMalformed, err)
	}
	for k, v := range add {
		m[k] = v
	}
	return json.Marshal(m)
}

// embedded lists the entries of verifiableCredential: JWT strings,
// enveloped credentials (data: URLs) and embedded objects.
func embedded(raw []byte) ([]EmbeddedCredential, error) {
	if raw == nil {
		return nil, nil
	}
	var list []json.RawMessage
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%w: verifiableCredential: %w", ErrMalformed, err)
		}
	} else {
		list = []json.RawMessage{raw}
	}
	out := make([]EmbeddedCredential, 0, len(list))
	for i, item := range list {
		switch {
		case len(item) > 0 && item[0] == '"':
			s, err := jsonString(item)
			if err != nil {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrMalformed, i, err)
			}
			out = append(out, EmbeddedCredential{Token: s})
		case len(item) > 0 && item[0] == '{':
			o, err := members(item)
			if err != nil {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrMalformed, i, err)
			}
			if !hasType(o.get("type"), envelope) {
				out = append(out, EmbeddedCredential{JSON: bytes.Clone(item)})
				continue
			}
			id, _, err := optString(o, "id")
			if err != nil || !strings.HasPrefix(id, dataURL) {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: an enveloped credential needs a data: URL id", ErrMalformed, i)
			}
			mt, data, ok := strings.Cut(id[len(dataURL):], ",")
			if !ok || mt == "" {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: malformed data: URL", ErrMalformed, i)
			}
			if strings.Contains(mt, ";") {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: data: URL parameters (%q) are not supported", ErrMalformed, i, mt)
			}
			out = append(out, EmbeddedCredential{MediaType: strings.ToLower(mt), Token: data})
		default:
			return nil, fmt.Errorf("%w: verifiableCredential[%d] is neither a string nor an object", ErrMalformed, i)
		}
	}
	return out, nil
}
