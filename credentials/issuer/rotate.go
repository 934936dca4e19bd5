package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
)

// RotateKey makes newKey the issuer's signing key of its type. The caller
// has generated it in the keystore and published it in the issuer's DID
// document (under assertionMethod); RotateKey only records the change.
//
// The issuer's active keys of the same type are retired: they sign nothing
// from now on but stay listed (and must stay published) so that what they
// signed keeps verifying. Each gets RetireAfter = the latest validUntil of
// the credentials the issuer has issued so far (zero when one of them never
// expires), the earliest time the caller may unpublish it. newKey takes the
// place of the first key it retires; when the issuer had no key of that
// type, it goes first and becomes the preferred key of the JWT formats.
//
// A did:key issuer cannot rotate (the DID is its key): ErrInvalidRequest.
func (s *Service) RotateKey(ctx context.Context, issuerDID string, newKey store.IssuerKey) (store.IssuerRecord, error) {
	iss, err := s.issuer(ctx, issuerDID)
	if err != nil {
		return store.IssuerRecord{}, fmt.Errorf("rotate key: %w", err)
	}
	if err := CanRotate(iss); err != nil {
		return store.IssuerRecord{}, fmt.Errorf("rotate key: %w", err)
	}
	u, err := did.ParseURL(newKey.VerificationMethod)
	if err != nil || u.DID.String() != iss.DID || !u.HasFragment {
		return store.IssuerRecord{}, fmt.Errorf("rotate key of %s: %w: verification method %q is not a DID URL of the issuer", iss.DID, ErrInvalidRequest, newKey.VerificationMethod)
	}
	switch did.KeyType(newKey.KeyType) {
	case did.Ed25519, did.P256, did.Secp256k1:
	default:
		return store.IssuerRecord{}, fmt.Errorf("rotate key of %s: %w: key type %q", iss.DID, ErrInvalidRequest, newKey.KeyType)
	}
	newKey.Retired, newKey.RetireAfter = time.Time{}, time.Time{}
	now := s.cfg.Now().UTC()
	retireAfter, err := s.latestValidUntil(ctx, iss.DID, now)
	if err != nil {
		return store.IssuerRecord{}, fmt.Errorf("rotate key of %s: %w", iss.DID, err)
	}
	rec, err := s.st.UpdateIssuer(ctx, iss.DID, func(r store.IssuerRecord) (store.IssuerRecord, error) {
		if slices.ContainsFunc(r.Keys, func(k store.IssuerKey) bool {
			return k.KeyID == newKey.KeyID || k.VerificationMethod == newKey.VerificationMethod
		}) {
			return r, fmt.Errorf("%w: key %s is already an issuer key", ErrConflict, newKey.VerificationMethod)
		}
		keys := make([]store.IssuerKey, 0, len(r.Keys)+1)
		var retired []store.IssuerKey
		placed := false
		for _, k := range r.Keys {
			if k.Retired.IsZero() && k.KeyType == newKey.KeyType {
				k.Retired, k.RetireAfter = now, retireAfter
				retired = append(retired, k)
				if !placed {
					keys, placed = append(keys, newKey), true
				}
				continue
			}
			keys = append(keys, k)
		}
		if !placed {
			keys = append([]store.IssuerKey{newKey}, keys...)
		}
		r.Keys = append(keys, retired...)
		return r, nil
	})
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return rec, fmt.Errorf("rotate key: %w: %s", ErrUnknownIssuer, iss.DID)
		}
		return rec, fmt.Errorf("rotate key: %w", err)
	}
	s.invalidate()
	return rec, nil
}

// CanRotate reports, as an error wrapping ErrInvalidRequest, why an
// issuer's keys cannot rotate: a did:key (or did:jwk) is its key.
func CanRotate(iss store.IssuerRecord) error {
	switch iss.Method {
	case "key", "jwk":
		return fmt.Errorf("%w: %s is a did:%s, which is its key and cannot rotate; create a new issuer instead", ErrInvalidRequest, iss.DID, iss.Method)
	}
	return nil
}

// latestValidUntil is the latest validUntil of the issuer's credentials
// (now when there are none, or all have expired), zero when one of them
// does not expire.
func (s *Service) latestValidUntil(ctx context.Context, issuerDID string, now time.Time) (time.Time, error) {
	t, never := now, false
	err := s.st.IssuedCredentials(ctx, func(r store.CredentialRecord) error {
		if r.Issuer != issuerDID {
			return nil
		}
		if r.ValidUntil.IsZero() {
			never = true
		} else if r.ValidUntil.After(t) {
			t = r.ValidUntil
		}
		return nil
	})
	if err != nil || never {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// ValidateSubject checks a credential subject against a schema the issuer
// (the default issuer when empty) registered, as Issue would: a
// *SubjectError lists the failing fields.
func (s *Service) ValidateSubject(ctx context.Context, issuerDID, schemaID string, subject json.RawMessage) error {
	iss, err := s.issuer(ctx, issuerDID)
	if err != nil {
		return fmt.Errorf("validate subject: %w", err)
	}
	sch, err := s.compiledSchema(ctx, iss.DID, schemaID)
	if err != nil {
		return fmt.Errorf("validate subject: %w", err)
	}
	if fields := sch.Validate(subject); fields != nil {
		return &SubjectError{Schema: sch.ID(), Fields: fields}
	}
	return nil
}

// CheckDisclosable reports, as an error wrapping ErrInvalidRequest, a
// disclosable JSON Pointer that names no claim of subject (or names its
// id), as Issue would for the dc+sd-jwt format.
func CheckDisclosable(subject json.RawMessage, pointers []string) error {
	var doc any
	if err := json.Unmarshal(subject, &doc); err != nil {
		return fmt.Errorf("%w: subject: %w", ErrInvalidRequest, err)
	}
	for _, p := range pointers {
		if p == "/id" || !pointerExists(doc, p) {
			return fmt.Errorf("%w: disclosable %q is not a JSON Pointer to a subject claim", ErrInvalidRequest, p)
		}
	}
	return nil
}
