package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/chainid/chainid/internal/store"
)

// APIKeyPrefix starts every API key, so that leaked keys are easy to find
// in logs and repositories.
const APIKeyPrefix = "cid_"

// apiKeyBytes is the random part of an API key.
const apiKeyBytes = 32

// apiKeyLen is the length of an API key: the prefix and 32 bytes in
// base64url without padding.
var apiKeyLen = len(APIKeyPrefix) + base64.RawURLEncoding.EncodedLen(apiKeyBytes)

// CreateAPIKey makes a new issuer-admin API key: "cid_" followed by 32
// random bytes in base64url. Only its SHA-256 hash is stored; the key is
// returned once and cannot be recovered.
func (s *Service) CreateAPIKey(ctx context.Context, name string) (string, store.APIKeyRecord, error) {
	if len(name) > 100 || strings.ContainsFunc(name, unicode.IsControl) {
		return "", store.APIKeyRecord{}, fmt.Errorf("create API key: %w: a name is at most 100 characters without control characters", ErrInvalidRequest)
	}
	var b [apiKeyBytes]byte
	if _, err := io.ReadFull(s.cfg.Rand, b[:]); err != nil {
		return "", store.APIKeyRecord{}, fmt.Errorf("create API key: %w", err)
	}
	key := APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	rec := store.APIKeyRecord{Hash: sha256.Sum256([]byte(key)), Name: name, Created: s.cfg.Now().UTC()}
	if err := s.st.PutAPIKey(ctx, rec); err != nil {
		return "", store.APIKeyRecord{}, fmt.Errorf("create API key: %w", err)
	}
	return key, rec, nil
}

// CheckAPIKey reports whether key is a stored API key. Only the key's
// SHA-256 is looked up, so the lookup's timing says nothing useful about
// the key.
func (s *Service) CheckAPIKey(ctx context.Context, key string) (bool, error) {
	if len(key) != apiKeyLen || !strings.HasPrefix(key, APIKeyPrefix) {
		return false, nil
	}
	_, err := s.st.APIKey(ctx, sha256.Sum256([]byte(key)))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("check API key: %w", err)
}
