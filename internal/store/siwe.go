package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sign-In with Ethereum nonces live in the generic expiring records of
// oid4vci.go under kind siweNonceKind (key = the nonce, value = what the
// caller binds it to), so they share its bounded purge. Migration 10 has no
// bucket of its own to create.
const siweNonceKind = "siwe-nonce"

// migrateSIWE is schema version 10: nothing to create (see siweNonceKind).
func migrateSIWE(*bolt.Tx) error { return nil }

// SIWENonces stores single-use Sign-In with Ethereum nonces. It is safe for
// concurrent use.
type SIWENonces struct {
	r *OID4VCIRecords
}

// SIWENonces returns the nonce store backed by s.
func (s *Store) SIWENonces() *SIWENonces { return &SIWENonces{r: s.OID4VCI()} }

// Put stores nonce with its binding until expires. It reports false when
// the nonce is already stored (the caller draws another).
func (n *SIWENonces) Put(ctx context.Context, nonce string, binding []byte, expires time.Time) (bool, error) {
	ok, err := n.r.Put(ctx, siweNonceKind, nonce, binding, expires)
	if err != nil {
		return false, fmt.Errorf("store siwe nonce: %w", err)
	}
	return ok, nil
}

// Take removes nonce atomically when check accepts its binding; when check
// fails the nonce stays and check's error is returned. It reports false,
// without calling check, for a nonce that was never issued, has expired or
// was already used.
func (n *SIWENonces) Take(ctx context.Context, nonce string, check func(binding []byte) error) (bool, error) {
	err := n.r.Update(ctx, siweNonceKind, nonce, func(v []byte, _ time.Time, ok bool) ([]byte, time.Time, error) {
		if !ok {
			return nil, time.Time{}, errNoNonce
		}
		if err := check(v); err != nil {
			return nil, time.Time{}, err
		}
		return nil, time.Time{}, nil
	})
	if errors.Is(err, errNoNonce) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("take siwe nonce: %w", err)
	}
	return true, nil
}

// errNoNonce aborts Take's transaction when the nonce is missing.
var errNoNonce = errors.New("no such nonce")
