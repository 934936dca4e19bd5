package oid4vp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwe"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/internal/strictjson"
)

// signJWT signs claims as a request object.
func signJWT(claims AuthorizationRequest, signer crypto.Signer, alg, kid string) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode request object: %w", err)
	}
	hdr := jws.NewHeaders()
	for k, v := range map[string]string{jws.TypeKey: RequestObjectType, jws.KeyIDKey: kid} {
		if err := hdr.Set(k, v); err != nil {
			return "", fmt.Errorf("request object header: %w", err)
		}
	}
	var key any = signer
	if k, ok := signer.(ed25519.PrivateKey); ok {
		key = k
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.SignatureAlgorithm(alg), key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("sign request object: %w", err)
	}
	return string(out), nil
}

// unsecuredJWT encodes claims as an unsecured request object (alg none),
// used only with the redirect_uri client_id prefix.
func unsecuredJWT(claims AuthorizationRequest) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode request object: %w", err)
	}
	hdr := `{"alg":"none","typ":"` + RequestObjectType + `"}`
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(hdr)) + "." + enc.EncodeToString(payload) + ".", nil
}

// joseHeader is the protected header of a request object or a JWE,
// decoded strictly.
type joseHeader struct {
	Alg string          `json:"alg"`
	Typ string          `json:"typ"`
	Kid string          `json:"kid"`
	Enc string          `json:"enc"`
	Zip string          `json:"zip"`
	Epk json.RawMessage `json:"epk"`
	Apu string          `json:"apu"`
	Apv string          `json:"apv"`
	Cty string          `json:"cty"`
}

// readHeader decodes a base64url protected header, refusing duplicates
// and members outside allowed.
func readHeader(b64 string, allowed ...string) (*joseHeader, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("header is not base64url: %w", err)
	}
	if err := strictjson.Check(raw, 4); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, fmt.Errorf("header is not a JSON object: %w", err)
	}
	for k := range members {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("header member %q is not accepted", k)
		}
	}
	var h joseHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	return &h, nil
}

// responseKeyLabel separates the derivation of request encryption keys.
const responseKeyLabel = "chainid oid4vp response encryption key v1"

// requestKey derives the P-256 key of direct_post.jwt request id from the
// Service's secret, so that no private key is stored with the request:
// the scalar is HMAC-SHA256(secret, label ‖ 0 ‖ id ‖ 0 ‖ counter), for the
// first counter whose output is a valid scalar (counter 0 fails with
// probability below 2^-32).
func requestKey(secret []byte, id string) (*ecdsa.PrivateKey, error) {
	for i := range byte(8) {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(responseKeyLabel))
		m.Write([]byte{0})
		m.Write([]byte(id))
		m.Write([]byte{0, i})
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), m.Sum(nil)); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("derive the response encryption key: no valid scalar")
}

// encryptionKey returns the public and private JWKs of request id's
// encryption key.
func encryptionKey(secret []byte, id string) (pub, priv json.RawMessage, err error) {
	k, err := requestKey(secret, id)
	if err != nil {
		return nil, nil, err
	}
	kid := id
	privJWK, err := jwk.FromRaw(k)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption key: %w", err)
	}
	pubJWK, err := jwk.PublicKeyOf(privJWK)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption key: %w", err)
	}
	for _, j := range []jwk.Key{privJWK, pubJWK} {
		for k, v := range map[string]string{jwk.KeyIDKey: kid, jwk.KeyUsageKey: "enc", jwk.AlgorithmKey: jwa.ECDH_ES.String()} {
			if err := j.Set(k, v); err != nil {
				return nil, nil, fmt.Errorf("encryption key: %w", err)
			}
		}
	}
	if pub, err = json.Marshal(pubJWK); err != nil {
		return nil, nil, fmt.Errorf("encryption key: %w", err)
	}
	if priv, err = json.Marshal(privJWK); err != nil {
		return nil, nil, fmt.Errorf("encryption key: %w", err)
	}
	return pub, priv, nil
}

// decryptResponse decrypts a direct_post.jwt response with the request's
// private key. Only compact ECDH-ES with an accepted enc and without zip is
// read; the header is checked before any key agreement.
func decryptResponse(compact string, privJWK json.RawMessage, encs []string) ([]byte, error) {
	if len(compact) > MaxResponseBytes {
		return nil, errors.New("response too large")
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return nil, errors.New("not a compact JWE")
	}
	h, err := readHeader(parts[0], "alg", "enc", "kid", "epk", "apu", "apv", "typ", "cty")
	if err != nil {
		return nil, err
	}
	if h.Alg != jwa.ECDH_ES.String() {
		return nil, fmt.Errorf("key management algorithm %q: want ECDH-ES", h.Alg)
	}
	if !slices.Contains(encs, h.Enc) {
		return nil, fmt.Errorf("content encryption %q: want one of %v", h.Enc, encs)
	}
	if parts[1] != "" {
		return nil, errors.New("ECDH-ES carries no encrypted key")
	}
	key, err := jwk.ParseKey(privJWK)
	if err != nil {
		return nil, fmt.Errorf("stored encryption key: %w", err)
	}
	if h.Kid != "" && h.Kid != key.KeyID() {
		return nil, fmt.Errorf("kid %q is not the request's key", h.Kid)
	}
	if err := checkEPK(h.Epk); err != nil {
		return nil, err
	}
	plain, err := jwe.Decrypt([]byte(compact), jwe.WithKey(jwa.ECDH_ES, key))
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	return plain, nil
}

// checkEPK requires the ephemeral public key to be a P-256 point.
func checkEPK(raw json.RawMessage) error {
	if len(raw) == 0 {
		return errors.New("epk missing")
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return fmt.Errorf("epk: %w", err)
	}
	var pub ecdsa.PublicKey
	if err := k.Raw(&pub); err != nil {
		return fmt.Errorf("epk: %w", err)
	}
	if pub.Curve != elliptic.P256() {
		return errors.New("epk is not a P-256 key")
	}
	if _, err := pub.ECDH(); err != nil {
		return fmt.Errorf("epk: %w", err)
	}
	return nil
}

// EncryptResponse encrypts an authorization response (a JSON object with
// vp_token and state) to the request's key from client_metadata, for
// direct_post.jwt: ECDH-ES with the first of the verifier's enc values
// this package supports (A128GCM when none are listed).
func EncryptResponse(payload []byte, md *ClientMetadata) (string, error) {
	if md == nil || md.JWKS == nil || len(md.JWKS.Keys) == 0 {
		return "", fmt.Errorf("%w: direct_post.jwt without an encryption key in client_metadata", ErrRequestObject)
	}
	var key jwk.Key
	for _, raw := range md.JWKS.Keys {
		k, err := jwk.ParseKey(raw)
		if err != nil {
			continue
		}
		if k.KeyType().String() != "EC" || (k.KeyUsage() != "" && k.KeyUsage() != "enc") {
			continue
		}
		if a := k.Algorithm().String(); a != "" && a != jwa.ECDH_ES.String() {
			continue
		}
		var pub ecdsa.PublicKey
		if k.Raw(&pub) != nil || pub.Curve != elliptic.P256() {
			continue
		}
		if _, err := pub.ECDH(); err != nil {
			continue
		}
		key = k
		break
	}
	if key == nil {
		return "", fmt.Errorf("%w: no P-256 ECDH-ES key in client_metadata.jwks", ErrRequestObject)
	}
	enc := EncA128GCM
	if len(md.EncryptedResponseEncValuesSupported) > 0 {
		enc = ""
		for _, e := range md.EncryptedResponseEncValuesSupported {
			if e == EncA128GCM || e == EncA256GCM {
				enc = e
				break
			}
		}
		if enc == "" {
			return "", fmt.Errorf("%w: none of the verifier's content encryption algorithms is supported", ErrRequestObject)
		}
	}
	hdr := jwe.NewHeaders()
	if kid := key.KeyID(); kid != "" {
		if err := hdr.Set(jwe.KeyIDKey, kid); err != nil {
			return "", fmt.Errorf("encrypt response: %w", err)
		}
	}
	out, err := jwe.Encrypt(payload, jwe.WithKey(jwa.ECDH_ES, key), jwe.WithContentEncryption(jwa.ContentEncryptionAlgorithm(enc)),
		jwe.WithProtectedHeaders(hdr))
	if err != nil {
		return "", fmt.Errorf("encrypt response: %w", err)
	}
	return string(out), nil
}
