package jwtvc

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/did"
)

// JSON-LD context URLs of the two data model versions.
const (
	contextV2 = "https://www.w3.org/ns/credentials/v2"
	contextV1 = "https://www.w3.org/2018/credentials/v1"
)

// Sign secures a credential (JSON bytes) as a compact JWS signed by signer
// for the verification method kid, an absolute DID URL of the issuer
// ("did:…#fragment"). The algorithm follows from signer.Public(): EdDSA for
// Ed25519, ES256 for P-256 (an *ecdsa.PrivateKey or any crypto.Signer
// answering ASN.1), ES256K for secp256k1 (a crypto.Signer taking a SHA-256
// digest and answering r||s or DER, such as the keystore's).
//
// FormatVCJWT signs the credential itself (compacted) with typ "vc+jwt"; it
// must use the VC 2.0 context, list type VerifiableCredential and carry no
// "vc"/"vp" member. FormatJWTVCJSON signs the claims iss (the issuer), sub
// (the id of a single credentialSubject), jti (id), nbf (issuanceDate or
// validFrom), exp (expirationDate or validUntil) and vc (the whole
// credential) with typ "JWT". Either way the issuer (a string or an object's
// id) must be kid's DID.
func Sign(ctx context.Context, credential []byte, signer crypto.Signer, kid string, opts SignOptions) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	alg, issuer, err := signingKey(signer, kid, opts.Algorithm)
	if err != nil {
		return "", err
	}
	c, err := parseObject(credential, DefaultMaxDepth)
	if err != nil {
		return "", fmt.Errorf("sign credential: %w: %w", ErrMalformed, err)
	}
	if !hasType(c.get("type"), "VerifiableCredential") || hasType(c.get("type"), "VerifiablePresentation") {
		return "", fmt.Errorf("sign credential: %w: type must list VerifiableCredential (and not VerifiablePresentation)", ErrMalformed)
	}
	id, err := idOf(c.get("issuer"))
	if err != nil {
		return "", fmt.Errorf("sign credential: %w: issuer: %w", ErrMalformed, err)
	}
	if id != issuer {
		return "", fmt.Errorf("sign credential: %w: issuer %q is not the DID of kid %q", ErrMalformed, id, kid)
	}
	compact, err := compactJSON(credential)
	if err != nil {
		return "", fmt.Errorf("sign credential: %w", err)
	}
	switch opts.Format {
	case FormatVCJWT, "":
		if first := firstContext(c.get("@context")); first != contextV2 {
			return "", fmt.Errorf("sign credential: %w: vc+jwt needs the VC 2.0 context first, found %q", ErrMalformed, first)
		}
		if c.has("vc") || c.has("vp") {
			return "", fmt.Errorf("sign credential: %w: a vc+jwt credential must not have vc or vp members", ErrMalformed)
		}
		if iss, ok, err := optString(c, "iss"); err != nil || (ok && iss != issuer) {
			return "", fmt.Errorf("sign credential: %w: iss differs from issuer", ErrMalformed)
		}
		cty := ""
		if opts.ContentType {
			cty = ctyVC
		}
		return signJWS(compact, signer, alg, kid, TypeVC, cty)
	case FormatJWTVCJSON:
		claims, err := vc11Claims(c, issuer, compact)
		if err != nil {
			return "", fmt.Errorf("sign credential: %w: %w", ErrMalformed, err)
		}
		return signJWS(claims, signer, alg, kid, TypeJWT, "")
	}
	return "", fmt.Errorf("sign credential: unknown format %q", opts.Format)
}

// vc11Claims builds the VC 1.1 JWT claims set of a credential.
func vc11Claims(c object, issuer string, vc []byte) ([]byte, error) {
	if first := firstContext(c.get("@context")); first != contextV1 && first != contextV2 {
		return nil, fmt.Errorf("jwt_vc_json needs the VC 1.1 or 2.0 context first, found %q", first)
	}
	var b bytes.Buffer
	b.WriteString(`{"iss":`)
	b.Write(quote(issuer))
	if sub, err := subjectID(c.get("credentialSubject")); err != nil {
		return nil, err
	} else if sub != "" {
		b.WriteString(`,"sub":`)
		b.Write(quote(sub))
	}
	if id, ok, err := optString(c, "id"); err != nil {
		return nil, err
	} else if ok {
		b.WriteString(`,"jti":`)
		b.Write(quote(id))
	}
	for _, p := range [...]struct{ claim, a, b string }{
		{"nbf", "issuanceDate", "validFrom"},
		{"exp", "expirationDate", "validUntil"},
	} {
		raw := c.get(p.a)
		if raw == nil {
			raw = c.get(p.b)
		}
		if raw == nil {
			continue
		}
		t, err := dateTime(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.claim, err)
		}
		fmt.Fprintf(&b, `,"%s":%d`, p.claim, t.Unix())
	}
	b.WriteString(`,"vc":`)
	b.Write(vc)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// subjectID returns the id of a credentialSubject that is one object (or
// an array of exactly one object), "" when there is none or several.
func subjectID(raw []byte) (string, error) {
	if raw == nil {
		return "", nil
	}
	if raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return "", fmt.Errorf("credentialSubject: %w", err)
		}
		if len(list) != 1 {
			return "", nil
		}
		raw = list[0]
	}
	if len(raw) == 0 || raw[0] != '{' {
		return "", fmt.Errorf("credentialSubject must be an object or an array of objects")
	}
	o, err := members(raw)
	if err != nil {
		return "", fmt.Errorf("credentialSubject: %w", err)
	}
	id, _, err := optString(o, "id")
	return id, err
}

// SignPresentation secures a presentation (JSON bytes) for one request,
// signed for the holder's verification method kid. The presentation must
// list type VerifiablePresentation, and its holder, when present, must be
// kid's DID; opts.Nonce and opts.Audience are required.
//
// FormatVCJWT adds the members nonce, aud, iat (and exp with a Lifetime)
// to the presentation, which must not have them yet, and signs it with typ
// "vp+jwt"; its verifiableCredential entries are typically enveloped
// credentials (see EnvelopeCredential). FormatJWTVCJSON signs the claims
// iss (the holder), aud, nonce, iat, exp, jti (the presentation id) and vp
// with typ "JWT"; its verifiableCredential entries are JWT strings.
func SignPresentation(ctx context.Context, presentation []byte, signer crypto.Signer, kid string, opts PresentOptions) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if opts.Nonce == "" || opts.Audience == "" {
		return "", fmt.Errorf("sign presentation: nonce and audience are required")
	}
	alg, holder, err := signingKey(signer, kid, opts.Algorithm)
	if err != nil {
		return "", err
	}
	p, err := parseObject(presentation, DefaultMaxDepth)
	if err != nil {
		return "", fmt.Errorf("sign presentation: %w: %w", ErrMalformed, err)
	}
	if !hasType(p.get("type"), "VerifiablePresentation") {
		return "", fmt.Errorf("sign presentation: %w: type must list VerifiablePresentation", ErrMalformed)
	}
	if raw := p.get("holder"); raw != nil {
		h, err := idOf(raw)
		if err != nil {
			return "", fmt.Errorf("sign presentation: %w: holder: %w", ErrMalformed, err)
		}
		if h != holder {
			return "", fmt.Errorf("sign presentation: %w: holder %q is not the DID of kid %q", ErrMalformed, h, kid)
		}
	}
	compact, err := compactJSON(presentation)
	if err != nil {
		return "", fmt.Errorf("sign presentation: %w", err)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	iat := now().Unix()
	var binding bytes.Buffer
	binding.WriteString(`"nonce":`)
	binding.Write(quote(opts.Nonce))
	binding.WriteString(`,"aud":`)
	binding.Write(quote(opts.Audience))
	binding.WriteString(`,"iat":`)
	binding.WriteString(strconv.FormatInt(iat, 10))
	if opts.Lifetime > 0 {
		binding.WriteString(`,"exp":`)
		binding.WriteString(strconv.FormatInt(iat+int64((opts.Lifetime+time.Second-1)/time.Second), 10))
	}
	switch opts.Format {
	case FormatVCJWT, "":
		if first := firstContext(p.get("@context")); first != contextV2 {
			return "", fmt.Errorf("sign presentation: %w: vp+jwt needs the VC 2.0 context first, found %q", ErrMalformed, first)
		}
		for _, name := range [...]string{"nonce", "aud", "iat", "exp", "vc", "vp"} {
			if p.has(name) {
				return "", fmt.Errorf("sign presentation: %w: the presentation already has a %q member", ErrMalformed, name)
			}
		}
		// The binding members go last, after the presentation's own.
		payload := make([]byte, 0, len(compact)+binding.Len()+1)
		payload = append(payload, compact[:len(compact)-1]...)
		if len(compact) > 2 {
			payload = append(payload, ',')
		}
		payload = append(payload, binding.Bytes()...)
		payload = append(payload, '}')
		cty := ""
		if opts.ContentType {
			cty = ctyVP
		}
		return signJWS(payload, signer, alg, kid, TypeVP, cty)
	case FormatJWTVCJSON:
		if first := firstContext(p.get("@context")); first != contextV1 && first != contextV2 {
			return "", fmt.Errorf("sign presentation: %w: jwt_vc_json needs the VC 1.1 or 2.0 context first, found %q", ErrMalformed, first)
		}
		var b bytes.Buffer
		b.WriteString(`{"iss":`)
		b.Write(quote(holder))
		b.WriteByte(',')
		b.Write(binding.Bytes())
		if id, ok, err := optString(p, "id"); err != nil {
			return "", fmt.Errorf("sign presentation: %w: %w", ErrMalformed, err)
		} else if ok {
			b.WriteString(`,"jti":`)
			b.Write(quote(id))
		}
		b.WriteString(`,"vp":`)
		b.Write(compact)
		b.WriteByte('}')
		return signJWS(b.Bytes(), signer, alg, kid, TypeJWT, "")
	}
	return "", fmt.Errorf("sign presentation: unknown format %q", opts.Format)
}

// EnvelopeCredential returns an EnvelopedVerifiableCredential (VC 2.0
// §4.13) carrying a secured credential as a data: URL, for the
// verifiableCredential list of a vp+jwt presentation. mediaType is, for
// example, MediaVC for a vc+jwt token.
func EnvelopeCredential(mediaType, token string) (json.RawMessage, error) {
	if mediaType == "" || strings.ContainsAny(mediaType, ",;\" ") {
		return nil, fmt.Errorf("envelope: bad media type %q", mediaType)
	}
	for i := 0; i < len(token); i++ {
		if !isTokenChar(token[i]) {
			return nil, fmt.Errorf("envelope: token has a character that needs escaping at offset %d", i)
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"@context":"` + contextV2 + `","id":`)
	b.Write(quote(dataURL + mediaType + "," + token))
	b.WriteString(`,"type":"` + envelope + `"}`)
	return b.Bytes(), nil
}

// isTokenChar reports the characters of JWTs and SD-JWTs (base64url, '.',
// '~'), which need no escaping in a data: URL.
func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// signingKey checks the signer's key, the requested algorithm and the kid,
// and returns the algorithm and kid's DID.
func signingKey(signer crypto.Signer, kid, want string) (alg, id string, err error) {
	if signer == nil {
		return "", "", fmt.Errorf("sign: nil signer")
	}
	alg, err = algOf(signer.Public())
	if err != nil {
		return "", "", fmt.Errorf("sign: %w", err)
	}
	if want != "" && want != alg {
		return "", "", fmt.Errorf("sign: algorithm %s does not match the %s key", want, alg)
	}
	id, err = kidDID(kid)
	if err != nil {
		return "", "", fmt.Errorf("sign: %w", err)
	}
	return alg, id, nil
}

// kidDID parses a kid, which must be an absolute DID URL with a fragment and
// no path or query, and returns its DID.
func kidDID(kid string) (string, error) {
	if kid == "" {
		return "", fmt.Errorf("kid is missing")
	}
	u, err := did.ParseURL(kid)
	if err != nil {
		return "", fmt.Errorf("kid %q is not an absolute DID URL: %w", kid, err)
	}
	if !u.HasFragment || u.Fragment == "" || u.Path != "" || u.HasQuery {
		return "", fmt.Errorf("kid %q must have the form did:method:id#fragment", kid)
	}
	return u.DID.String(), nil
}

// signJWS signs payload through jwx's message API and returns the compact
// serialization.
func signJWS(payload []byte, signer crypto.Signer, alg, kid, typ, cty string) (string, error) {
	s, err := signerFor(alg)
	if err != nil {
		return "", err
	}
	h := jws.NewHeaders()
	for _, kv := range [...][2]string{{jws.KeyIDKey, kid}, {jws.TypeKey, typ}, {jws.ContentTypeKey, cty}} {
		if kv[1] == "" {
			continue
		}
		if err := h.Set(kv[0], kv[1]); err != nil {
			return "", fmt.Errorf("sign: header %s: %w", kv[0], err)
		}
	}
	if err := h.Set(jws.AlgorithmKey, jwa.SignatureAlgorithm(alg)); err != nil {
		return "", fmt.Errorf("sign: header alg: %w", err)
	}
	_, compact, err := jws.NewSignature().SetProtectedHeaders(h).Sign(payload, s, signer)
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", alg, err)
	}
	return string(compact), nil
}

// compactJSON removes insignificant white space.
func compactJSON(data []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(data))
	if err := json.Compact(&b, data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return b.Bytes(), nil
}
