package oid4vci

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/es256k"
)

// Size limits of a key proof.
const (
	// MaxProofLength bounds a compact proof JWT.
	MaxProofLength = 16 << 10
	maxProofPart   = 8 << 10
)

// proofJWT is a parsed, not yet verified, jwt key proof.
type proofJWT struct {
	signingInput string
	signature    []byte
	alg          string
	// Exactly one of kid and jwk is set.
	kid string
	jwk *did.JWK
	// Claims.
	aud      string
	iat      time.Time
	nonce    string
	exp, nbf *time.Time
}

// holder is a verified proof's key.
type holder struct {
	key   crypto.PublicKey
	did   string
	nonce string
	iat   time.Time
}

var b64 = base64.RawURLEncoding.Strict()

func decodePart(s string) ([]byte, error) {
	if len(s) > maxProofPart*4/3+4 {
		return nil, errors.New("too long")
	}
	return b64.DecodeString(s)
}

func invalidProof(format string, a ...any) *ProtocolError {
	return protoErr(CodeInvalidProof, fmt.Sprintf(format, a...))
}

// parseProof parses a compact jwt key proof and checks its form: typ,
// alg present and not none or a MAC, exactly one of kid and jwk, no
// private key, no crit/jku/x5u/x5c, and aud, iat and nonce of the right
// types. It verifies nothing cryptographic and has no clock.
func parseProof(s string) (*proofJWT, error) {
	if len(s) > MaxProofLength {
		return nil, invalidProof("proof JWT longer than %d bytes", MaxProofLength)
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, invalidProof("proof is not a compact JWS of three parts")
	}
	hb, err := decodePart(parts[0])
	if err != nil {
		return nil, invalidProof("proof header is not base64url")
	}
	pb, err := decodePart(parts[1])
	if err != nil {
		return nil, invalidProof("proof payload is not base64url")
	}
	sig, err := decodePart(parts[2])
	if err != nil || len(sig) == 0 {
		return nil, invalidProof("proof signature is missing or not base64url")
	}
	p := &proofJWT{signingInput: parts[0] + "." + parts[1], signature: sig}
	if err := p.parseHeader(hb); err != nil {
		return nil, err
	}
	if err := p.parseClaims(pb); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *proofJWT) parseHeader(b []byte) error {
	h, err := parseObject(b)
	if err != nil {
		return protoErrCause(CodeInvalidProof, "proof header is not a strict JSON object", err)
	}
	alg, ok := jsonString(h["alg"])
	switch {
	case !ok || alg == "":
		return invalidProof("proof header has no alg")
	case strings.EqualFold(alg, "none"):
		return invalidProof("proof alg none is refused")
	case strings.HasPrefix(alg, "HS"):
		return invalidProof("proof alg %s is a MAC and refused", alg)
	case !slices.Contains(supportedAlgs, alg):
		return invalidProof("proof alg %q is not supported", alg)
	}
	p.alg = alg
	typ, ok := jsonString(h["typ"])
	if !ok || !isProofType(typ) {
		return invalidProof("proof typ must be %s", ProofJWTType)
	}
	for _, name := range []string{"crit", "jku", "x5u"} {
		if _, ok := h[name]; ok {
			return invalidProof("proof header %s is not supported", name)
		}
	}
	if _, ok := h["x5c"]; ok {
		return invalidProof("x5c key binding is not supported; use jwk or a kid DID URL")
	}
	rawKid, hasKid := h["kid"]
	rawJWK, hasJWK := h["jwk"]
	switch {
	case hasKid && hasJWK:
		return invalidProof("proof header has both kid and jwk")
	case hasKid:
		kid, ok := jsonString(rawKid)
		if !ok || kid == "" {
			return invalidProof("proof kid is not a non-empty string")
		}
		p.kid = kid
	case hasJWK:
		k, err := did.ParseJWK(rawJWK)
		if err != nil {
			return protoErrCause(CodeInvalidProof, "proof jwk is not a public JWK", err)
		}
		p.jwk = k
	default:
		return invalidProof("proof header has neither kid nor jwk")
	}
	return nil
}

// isProofType compares typ to the proof media type (RFC 7515 §4.1.9: case
// insensitive, "application/" optional).
func isProofType(typ string) bool {
	t := strings.ToLower(typ)
	return t == ProofJWTType || t == "application/"+ProofJWTType
}

func (p *proofJWT) parseClaims(b []byte) error {
	c, err := parseObject(b)
	if err != nil {
		return protoErrCause(CodeInvalidProof, "proof payload is not a strict JSON object", err)
	}
	aud, ok := jsonString(c["aud"])
	if !ok || aud == "" {
		return invalidProof("proof aud must be the credential issuer identifier as a string")
	}
	p.aud = aud
	raw, ok := c["iat"]
	if !ok {
		return invalidProof("proof has no iat")
	}
	if p.iat, err = numericDate(raw); err != nil {
		return invalidProof("proof iat: %s", err.Error())
	}
	if raw, ok := c["nonce"]; ok {
		n, ok := jsonString(raw)
		if !ok {
			return invalidProof("proof nonce is not a string")
		}
		p.nonce = n
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"exp", &p.exp}, {"nbf", &p.nbf}} {
		if raw, ok := c[f.name]; ok {
			t, err := numericDate(raw)
			if err != nil {
				return invalidProof("proof %s: %s", f.name, err.Error())
			}
			*f.dst = &t
		}
	}
	return nil
}

func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// numericDate decodes a JWT NumericDate (seconds since the epoch,
// possibly fractional; truncated to seconds).
func numericDate(raw json.RawMessage) (time.Time, error) {
	var n json.Number
	if len(raw) == 0 || raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return time.Time{}, errors.New("not a number")
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, errors.New("out of range")
	}
	return time.Unix(int64(f), 0), nil
}

// verifyProof checks a parsed proof for configuration id: alg allowed for
// it, key binding method allowed, the key resolved, the signature, aud,
// and the time claims. The nonce is checked by the caller.
func (s *Service) verifyProof(ctx context.Context, p *proofJWT, id string) (*holder, error) {
	if !slices.Contains(s.proofAlgs[id], p.alg) {
		return nil, invalidProof("proof alg %s is not accepted for this credential configuration", p.alg)
	}
	h := &holder{nonce: p.nonce, iat: p.iat}
	var err error
	if p.jwk != nil {
		if !slices.Contains(s.bindings[id], "jwk") {
			return nil, invalidProof("jwk key binding is not accepted for this credential configuration")
		}
		if h.key, err = p.jwk.PublicKey(); err != nil {
			return nil, protoErrCause(CodeInvalidProof, "proof jwk is not a supported public key", err)
		}
	} else if h.key, h.did, err = s.resolveKid(ctx, p.kid, id); err != nil {
		return nil, err
	}
	if err := verifySignature(p.alg, h.key, []byte(p.signingInput), p.signature); err != nil {
		return nil, protoErrCause(CodeInvalidProof, "proof signature does not verify with the proof's key", err)
	}
	if p.aud != s.cfg.CredentialIssuer {
		return nil, invalidProof("proof aud is not this credential issuer")
	}
	now := s.now()
	skew := s.cfg.ClockSkew
	switch {
	case p.iat.After(now.Add(skew)):
		return nil, invalidProof("proof iat is in the future")
	case p.iat.Before(now.Add(-s.cfg.NonceTTL - skew)):
		return nil, invalidProof("proof iat is too old")
	case p.exp != nil && !now.Before(p.exp.Add(skew)):
		return nil, invalidProof("proof has expired")
	case p.nbf != nil && p.nbf.After(now.Add(skew)):
		return nil, invalidProof("proof is not valid yet")
	}
	return h, nil
}

// resolveKid returns the key and DID of a kid DID URL.
func (s *Service) resolveKid(ctx context.Context, kid, id string) (crypto.PublicKey, string, error) {
	u, err := did.ParseURL(kid)
	if err != nil || !u.HasFragment || u.Fragment == "" || u.Path != "" || u.HasQuery {
		return nil, "", invalidProof("proof kid must be a DID URL with a fragment naming the holder key")
	}
	if !slices.Contains(s.bindings[id], "did:"+u.Method) {
		return nil, "", invalidProof("did:%s key binding is not accepted for this credential configuration", u.Method)
	}
	var pub crypto.PublicKey
	if s.cfg.KeyResolver != nil {
		pub, err = s.cfg.KeyResolver.VerificationKey(ctx, kid, did.Authentication)
		if err != nil {
			return nil, "", protoErrCause(CodeInvalidProof, "proof kid does not resolve to an authentication key", err)
		}
	} else if pub, err = s.builtinKey(ctx, u, kid); err != nil {
		return nil, "", err
	}
	return pub, u.DID.String(), nil
}

func (s *Service) builtinKey(ctx context.Context, u did.URL, kid string) (crypto.PublicKey, error) {
	var (
		doc *did.Document
		err error
	)
	switch u.Method {
	case "key":
		doc, _, err = s.didKey.Resolve(ctx, u.DID, did.ResolveOptions{})
	case "jwk":
		doc, _, err = s.didJWK.Resolve(ctx, u.DID, did.ResolveOptions{})
	default:
		return nil, invalidProof("did:%s is not resolvable here", u.Method)
	}
	if err != nil {
		return nil, protoErrCause(CodeInvalidProof, "proof kid DID does not resolve", err)
	}
	vm, ok := doc.Authorized(did.Authentication, kid)
	if !ok {
		return nil, invalidProof("proof kid is not an authentication key of its DID")
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, protoErrCause(CodeInvalidProof, "proof kid names an unusable key", err)
	}
	return pub, nil
}

// verifySignature checks a JWS signature of alg under pub; the key type
// must be the one alg names.
func verifySignature(alg string, pub crypto.PublicKey, input, sig []byte) error {
	switch alg {
	case AlgEdDSA:
		k, ok := pub.(ed25519.PublicKey)
		if !ok || len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("EdDSA needs an Ed25519 key, got %T", pub)
		}
		if !ed25519.Verify(k, input, sig) {
			return errors.New("EdDSA signature mismatch")
		}
		return nil
	case AlgES256:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k == nil || k.Curve != elliptic.P256() {
			return fmt.Errorf("ES256 needs a P-256 key, got %T", pub)
		}
		if len(sig) != 64 {
			return fmt.Errorf("ES256 signature of %d bytes, want 64", len(sig))
		}
		d := sha256.Sum256(input)
		r, ss := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, d[:], r, ss) {
			return errors.New("ES256 signature mismatch")
		}
		return nil
	case AlgES256K:
		return es256k.JWS{}.Verify(input, sig, pub)
	}
	return fmt.Errorf("alg %q is not supported", alg)
}
