package oid4vci

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Store keeps this package's short-lived records: offers (keyed by the hash
// of their pre-authorized code), access tokens (keyed by their hash) and
// used c_nonces. Records are opaque bytes with an expiry; the store never
// sees a code, token or nonce in the clear.
//
// Implementations must be safe for concurrent use, and each method must be
// atomic. A record whose expiry is not after the store's clock is treated as
// absent (and may be purged); the store and the Service should share a
// clock. Kinds and keys are short ASCII strings; values are small (well
// under 64 KiB). internal/store's OID4VCIRecords is the production
// implementation.
type Store interface {
	// Get returns the value and expiry of the unexpired record (kind, key);
	// found is false when there is none.
	Get(ctx context.Context, kind, key string) (value []byte, expires time.Time, found bool, err error)
	// Put creates the record (kind, key). created is false, and nothing is
	// written, when an unexpired record already has that key.
	Put(ctx context.Context, kind, key string, value []byte, expires time.Time) (created bool, err error)
	// Update atomically reads the record (kind, key) and replaces it with
	// what fn returns. fn gets found=false (and a nil value) when there is
	// no unexpired record. fn returning a nil value deletes the record (a
	// no-op when absent); an error from fn aborts without writing and is
	// returned wrapped. fn runs inside the store's write transaction: it
	// must be quick and must not call the Store.
	Update(ctx context.Context, kind, key string, fn func(value []byte, expires time.Time, found bool) (newValue []byte, newExpires time.Time, err error)) error
}

// Record kinds.
const (
	kindOffer     = "offer"
	kindToken     = "token"
	kindNonceUsed = "nonce_used"
)

// recordKey is the store key of a secret: base64url(SHA-256(domain ‖ 0 ‖
// secret)). The domain separates codes, tokens and nonces.
func recordKey(domain, secret string) string {
	h := sha256.New()
	h.Write([]byte(domain))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// recordVersion is the version of the JSON records below.
const recordVersion = 1

// offerRecord is a pre-authorized code grant.
type offerRecord struct {
	V                int       `json:"v"`
	ConfigurationIDs []string  `json:"configuration_ids"`
	IssueRef         string    `json:"issue_ref"`
	Expires          time.Time `json:"expires"`
	// TxCodeHash is SHA-256("oid4vci tx_code" ‖ 0 ‖ code ‖ 0 ‖ tx_code):
	// keyed by the code, which the store does not hold, so a stolen store
	// file does not allow brute-forcing the short tx_code offline.
	TxCodeHash []byte `json:"tx_code_hash,omitempty"`
	Attempts   int    `json:"attempts,omitempty"`
	// Redeemed records that a token was issued; TokenKey is its record key,
	// kept so a second redemption can revoke it.
	Redeemed bool   `json:"redeemed,omitempty"`
	TokenKey string `json:"token_key,omitempty"`
	// Replayed records a second redemption: the token is revoked.
	Replayed bool `json:"replayed,omitempty"`
}

// tokenRecord is an access token's grant.
type tokenRecord struct {
	V                int       `json:"v"`
	ConfigurationIDs []string  `json:"configuration_ids"`
	IssueRef         string    `json:"issue_ref"`
	Expires          time.Time `json:"expires"`
}

func encodeRecord(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return b, nil
}

func decodeOffer(b []byte) (*offerRecord, error) {
	var r offerRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode offer record: %w", err)
	}
	if r.V != recordVersion {
		return nil, fmt.Errorf("decode offer record: unknown version %d", r.V)
	}
	return &r, nil
}

func decodeToken(b []byte) (*tokenRecord, error) {
	var r tokenRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode token record: %w", err)
	}
	if r.V != recordVersion {
		return nil, fmt.Errorf("decode token record: unknown version %d", r.V)
	}
	return &r, nil
}
