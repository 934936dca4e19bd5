package oidc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// tokenCrypto is the op.Crypto of codes and opaque access tokens:
// AES-256-GCM, base64url. op packs access tokens as "tokenID:subject" and
// splits them on every colon, while a public subject is a DID full of
// colons, so Decrypt hands the subject back query-escaped (unsubject
// undoes that).
type tokenCrypto struct{ aead cipher.AEAD }

var _ op.Crypto = (*tokenCrypto)(nil)

func newTokenCrypto(key [32]byte) (*tokenCrypto, error) {
	b, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	a, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &tokenCrypto{aead: a}, nil
}

func (c *tokenCrypto) Encrypt(s string) (string, error) {
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(c.aead.Seal(nonce, nonce, []byte(s), nil)), nil
}

func (c *tokenCrypto) Decrypt(s string) (string, error) {
	if len(s) > 4096 {
		return "", errors.New("token too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < c.aead.NonceSize() {
		return "", errors.New("malformed token")
	}
	pt, err := c.aead.Open(nil, b[:c.aead.NonceSize()], b[c.aead.NonceSize():], nil)
	if err != nil {
		return "", errors.New("invalid token")
	}
	id, sub, ok := strings.Cut(string(pt), ":")
	if !ok {
		return id, nil
	}
	return id + ":" + url.QueryEscape(sub), nil
}

// unsubject undoes the escaping Decrypt applies to subjects.
func unsubject(s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil {
		return "\x00invalid"
	}
	return u
}
