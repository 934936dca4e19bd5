package oid4vci

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// NonceResponse is the nonce endpoint's response (OpenID4VCI 1.0 §7.2).
// Send it with Cache-Control: no-store.
type NonceResponse struct {
	CNonce string `json:"c_nonce"`
}

// A c_nonce is base64url(version ‖ expiry ‖ random ‖ tag): version 1 (one
// byte), the expiry in Unix seconds (8 bytes, big-endian), 16 random
// bytes, and HMAC-SHA256 under Config.NonceKey of everything before it.
// The nonce endpoint therefore writes nothing (it is unauthenticated);
// a nonce is recorded only when a proof uses it, until it expires, which
// makes it single use.
const (
	nonceVersion = 1
	nonceBody    = 1 + 8 + 16
	nonceLength  = nonceBody + sha256.Size
)

// Nonce returns a fresh c_nonce, valid for Config.NonceTTL and for one
// credential request.
func (s *Service) Nonce(ctx context.Context) (*NonceResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	b := make([]byte, nonceBody, nonceLength)
	b[0] = nonceVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(s.now().Add(s.cfg.NonceTTL).Unix()))
	if _, err := io.ReadFull(s.rand, b[9:nonceBody]); err != nil {
		return nil, fmt.Errorf("nonce: random: %w", err)
	}
	b = s.nonceMAC(b)
	return &NonceResponse{CNonce: base64.RawURLEncoding.EncodeToString(b)}, nil
}

func (s *Service) nonceMAC(body []byte) []byte {
	m := hmac.New(sha256.New, s.cfg.NonceKey)
	m.Write([]byte("oid4vci c_nonce\x00"))
	m.Write(body)
	return m.Sum(body)
}

// checkNonce authenticates a c_nonce and returns its expiry. It does not
// consume it.
func (s *Service) checkNonce(n string) (time.Time, *ProtocolError) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(n)
	if err != nil || len(b) != nonceLength || b[0] != nonceVersion {
		return time.Time{}, protoErr(CodeInvalidNonce, "c_nonce was not issued by this credential issuer")
	}
	if !hmac.Equal(s.nonceMAC(b[:nonceBody:nonceBody])[nonceBody:], b[nonceBody:]) {
		return time.Time{}, protoErr(CodeInvalidNonce, "c_nonce was not issued by this credential issuer")
	}
	secs := binary.BigEndian.Uint64(b[1:9])
	if secs > 1<<40 {
		return time.Time{}, protoErr(CodeInvalidNonce, "c_nonce was not issued by this credential issuer")
	}
	exp := time.Unix(int64(secs), 0)
	if !s.now().Before(exp) {
		return time.Time{}, protoErr(CodeInvalidNonce, "c_nonce has expired; fetch a new one")
	}
	return exp, nil
}

// consumeNonce records the nonce as used; a second use is invalid_nonce.
func (s *Service) consumeNonce(ctx context.Context, n string, exp time.Time) error {
	created, err := s.store.Put(ctx, kindNonceUsed, recordKey(kindNonceUsed, n), []byte{1}, exp)
	if err != nil {
		return fmt.Errorf("consume c_nonce: %w", err)
	}
	if !created {
		return protoErr(CodeInvalidNonce, "c_nonce was already used; fetch a new one")
	}
	return nil
}
