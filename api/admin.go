package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// keyList is the body of GET /v1/admin/keys.
type keyList struct {
	Keys []KeyInfo `json:"keys"`
}

// requireAdmin admits requests bearing the admin token. The presented
// token is hashed and the digests compared in constant time, so neither
// its content nor its length leaks through timing. Without a configured
// token every request is refused with 403.
func (s *server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.adminDigest == nil {
			s.writeProblem(w, r, &apiError{kind: kindForbidden, detail: "the admin API is disabled: no admin token is configured"})
			return
		}
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			s.writeProblem(w, r, &apiError{kind: kindUnauthorized, detail: "a bearer token is required"})
			return
		}
		got := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(got[:], s.adminDigest[:]) != 1 {
			s.writeProblem(w, r, &apiError{kind: kindUnauthorized, detail: "the bearer token is not valid"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// keysError classifies a Keys failure: context errors keep their meaning,
// everything else is internal.
func keysError(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return &apiError{kind: kindInternal, detail: "an internal error occurred", err: fmt.Errorf("%s: %w", op, err)}
}

// errNoKeys is the answer of the key routes when Config.Keys is nil.
func errNoKeys() error {
	return &apiError{kind: kindNotImplemented, detail: "this server has no key store"}
}

// handleCreateKey creates a key: decode, validate, Keys.CreateKey, 201.
func (s *server) handleCreateKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.keys == nil {
			s.writeProblem(w, r, errNoKeys())
			return
		}
		var req CreateKeyRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		info, err := s.keys.CreateKey(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, keysError("create key", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}

// handleListKeys lists the stored keys.
func (s *server) handleListKeys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.keys == nil {
			s.writeProblem(w, r, errNoKeys())
			return
		}
		keys, err := s.keys.ListKeys(r.Context())
		if err != nil {
			s.writeProblem(w, r, keysError("list keys", err))
			return
		}
		if keys == nil {
			keys = []KeyInfo{}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", keyList{Keys: keys})
	})
}
