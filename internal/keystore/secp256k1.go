package keystore

import (
	"crypto"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// Secp256k1Signer is a secp256k1 private key as a crypto.Signer. Sign takes
// a 32-byte digest (SHA-256 for ES256K, Keccak-256 for Ethereum) and returns
// the 64-byte r||s signature used by JOSE (RFC 8812), with a deterministic
// RFC 6979 nonce and low S. It never logs or prints its private key.
type Secp256k1Signer struct {
	priv *secp256k1.PrivateKey
}

// Public returns the *secp256k1.PublicKey.
func (s *Secp256k1Signer) Public() crypto.PublicKey { return s.priv.PubKey() }

// Sign signs a 32-byte digest. rand is unused: nonces are derived
// deterministically (RFC 6979). opts may be nil or name any 32-byte hash.
func (s *Secp256k1Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts != nil && opts.HashFunc() != 0 && opts.HashFunc().Size() != len(digest) {
		return nil, fmt.Errorf("secp256k1 sign: digest is %d bytes but %s is %d", len(digest), opts.HashFunc(), opts.HashFunc().Size())
	}
	if len(digest) != 32 {
		return nil, fmt.Errorf("secp256k1 sign: digest is %d bytes, want 32", len(digest))
	}
	sig := ecdsa.Sign(s.priv, digest)
	r, sv := sig.R(), sig.S()
	out := make([]byte, 64)
	r.PutBytesUnchecked(out[:32])
	sv.PutBytesUnchecked(out[32:])
	return out, nil
}

// LogValue implements slog.LogValuer: only the key type and public key.
func (s *Secp256k1Signer) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("key_type", "secp256k1"),
		slog.String("public_key", hex.EncodeToString(s.priv.PubKey().SerializeCompressed())),
	)
}

// String describes the signer without its private key.
func (s *Secp256k1Signer) String() string {
	return "secp256k1 signer " + hex.EncodeToString(s.priv.PubKey().SerializeCompressed())
}

// GoString is String, so %#v does not print the private key either.
func (s *Secp256k1Signer) GoString() string { return s.String() }
