package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
)

// Media types of served status list credentials.
const (
	MediaDataIntegrity = "application/vc+ld+json"
	MediaVCJWT         = "application/vc+jwt"
)

// State is the current status of an issued credential.
type State struct {
	ID     string
	Issuer string
	// Revoked and Suspended are the status bits; Suspendable says whether
	// the credential has a suspension entry at all.
	Revoked     bool
	Suspended   bool
	Suspendable bool
}

// Revoke revokes an issued credential. Revocation is permanent.
func (s *Service) Revoke(ctx context.Context, id string) (State, error) {
	return s.SetStatus(ctx, id, string(status.Revocation), true)
}

// Suspend suspends an issued credential that has a suspension entry;
// others fail with ErrConflict.
func (s *Service) Suspend(ctx context.Context, id string) (State, error) {
	return s.SetStatus(ctx, id, string(status.Suspension), true)
}

// Reinstate lifts a suspension.
func (s *Service) Reinstate(ctx context.Context, id string) (State, error) {
	return s.SetStatus(ctx, id, string(status.Suspension), false)
}

// SetStatus sets the status bit of purpose ("revocation" or "suspension")
// of the issued credential id to value, and returns the credential's state
// afterwards. Clearing a revocation and changing a purpose the credential
// has no entry for fail with ErrConflict; an unknown id with
// ErrCredentialNotFound. The change is durable when SetStatus returns.
func (s *Service) SetStatus(ctx context.Context, id, purpose string, value bool) (State, error) {
	rec, err := s.st.IssuedCredential(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return State{}, fmt.Errorf("%w: %s", ErrCredentialNotFound, id)
	}
	if err != nil {
		return State{}, err
	}
	if purpose == string(status.Revocation) && !value {
		return State{}, fmt.Errorf("%w: revocation cannot be undone", ErrConflict)
	}
	if purpose != string(status.Revocation) && purpose != string(status.Suspension) {
		return State{}, fmt.Errorf("%w: status purpose %q (want revocation or suspension)", ErrInvalidRequest, purpose)
	}
	iss, err := s.st.Issuer(ctx, rec.Issuer)
	if err != nil {
		return State{}, fmt.Errorf("credential %s: issuer: %w", id, err)
	}
	reg, err := s.registry(iss)
	if err != nil {
		return State{}, err
	}
	found := false
	for _, ref := range rec.Status {
		if ref.Purpose != purpose {
			continue
		}
		found = true
		e := entryOf(ref)
		switch {
		case purpose == string(status.Revocation):
			err = reg.Revoke(ctx, iss.DID, e)
		case value:
			err = reg.Suspend(ctx, iss.DID, e)
		default:
			err = reg.Reinstate(ctx, iss.DID, e)
		}
		if err != nil {
			return State{}, fmt.Errorf("credential %s: %w", id, err)
		}
	}
	if !found {
		return State{}, fmt.Errorf("%w: credential %s was issued without a %s entry", ErrConflict, id, purpose)
	}
	if purpose == string(status.Revocation) {
		// Every revocation re-anchors the ZK status root (zk.go).
		if err := s.anchorZKStatus(ctx, iss.DID); err != nil {
			return State{}, fmt.Errorf("credential %s is revoked, but its issuer's ZK status root was not anchored (retry the revocation): %w", id, err)
		}
	}
	return s.state(ctx, rec, iss, reg)
}

// CredentialState returns the current status of an issued credential.
func (s *Service) CredentialState(ctx context.Context, id string) (State, error) {
	rec, err := s.st.IssuedCredential(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return State{}, fmt.Errorf("%w: %s", ErrCredentialNotFound, id)
	}
	if err != nil {
		return State{}, err
	}
	iss, err := s.st.Issuer(ctx, rec.Issuer)
	if err != nil {
		return State{}, fmt.Errorf("credential %s: issuer: %w", id, err)
	}
	reg, err := s.registry(iss)
	if err != nil {
		return State{}, err
	}
	return s.state(ctx, rec, iss, reg)
}

func (s *Service) state(ctx context.Context, rec store.CredentialRecord, iss store.IssuerRecord, reg *status.Registry) (State, error) {
	st := State{ID: rec.ID, Issuer: rec.Issuer}
	holder := &credentials.Credential{Issuer: credentials.Entity{ID: iss.DID}}
	for _, ref := range rec.Status {
		e := entryOf(ref)
		set, err := s.check(ctx, reg, holder, e)
		if err != nil {
			return State{}, fmt.Errorf("credential %s: %w", rec.ID, err)
		}
		switch status.Purpose(ref.Purpose) {
		case status.Revocation:
			st.Revoked = st.Revoked || set
		case status.Suspension:
			st.Suspendable = true
			st.Suspended = st.Suspended || set
		}
	}
	return st, nil
}

func entryOf(ref store.CredentialStatusRef) credentials.Status {
	i := strconv.Itoa(ref.Index)
	return credentials.Status{ID: ref.ListURL + "#" + i, Type: credentials.TypeBitstringStatusListEntry,
		StatusPurpose: ref.Purpose, StatusListIndex: i, StatusListCredential: ref.ListURL}
}

func (s *Service) check(ctx context.Context, reg *status.Registry, cred *credentials.Credential, e credentials.Status) (bool, error) {
	ref, err := reg.ParseURL(e.StatusListCredential)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrForeignStatus, err)
	}
	list, err := reg.ListCredential(ctx, ref)
	if err != nil {
		if errors.Is(err, status.ErrUnknownEntry) {
			return false, fmt.Errorf("%w: %w", ErrForeignStatus, err)
		}
		return false, err
	}
	return status.Check(cred, e, list, 0)
}

// CheckStatus evaluates a status entry of a credential issued by issuer
// against the list this service keeps (no network, no signature: the list
// is read from the store). It returns the status bit. Entries of issuers
// not registered here, or naming lists this service does not host, fail
// with ErrForeignStatus: the status is then unknown, and callers must not
// treat it as clear.
func (s *Service) CheckStatus(ctx context.Context, issuer string, entry credentials.Status) (bool, error) {
	iss, err := s.st.Issuer(ctx, issuer)
	if errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("%w: issuer %s is not registered here", ErrForeignStatus, issuer)
	}
	if err != nil {
		return false, err
	}
	reg, err := s.registry(iss)
	if err != nil {
		return false, err
	}
	return s.check(ctx, reg, &credentials.Credential{Issuer: credentials.Entity{ID: issuer}}, entry)
}

// SignedList is a signed status list credential ready to serve.
type SignedList struct {
	Body      []byte
	MediaType string
	// ETag is a strong entity tag of Body (quoted).
	ETag string
	// MaxAge is how long clients may cache it.
	MaxAge time.Duration
}

type cachedList struct {
	encoded string
	made    time.Time
	list    *SignedList
}

// StatusList returns the signed BitstringStatusListCredential of one list
// of an issuer: secured with eddsa-rdfc-2022 when the issuer has an
// Ed25519 key (ecdsa-rdfc-2019 with a P-256 key; vc+jwt with only a
// secp256k1 key). The signed list is kept in memory while its bits do not
// change and for at most half its validity, so a change (revocation,
// suspension) is served at once. A list that does not exist fails with an
// error wrapping status.ErrUnknownEntry; an unknown issuer with
// ErrUnknownIssuer.
func (s *Service) StatusList(ctx context.Context, issuerDID, purpose string, seq uint32) (*SignedList, error) {
	if issuerDID == "" {
		return nil, fmt.Errorf("status list: %w: no issuer named", ErrUnknownIssuer)
	}
	iss, err := s.issuer(ctx, issuerDID)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	reg, err := s.registry(iss)
	if err != nil {
		return nil, err
	}
	ref := status.Ref{Issuer: iss.DID, Purpose: status.Purpose(purpose), Seq: seq}
	lc, err := reg.ListCredential(ctx, ref)
	if err != nil {
		return nil, err
	}
	parsed, err := status.ParseListCredential(lc)
	if err != nil {
		return nil, err
	}
	key := reg.URL(ref)
	now := s.cfg.Now()
	if v, ok := s.lists.Load(key); ok {
		c := v.(*cachedList)
		if c.encoded == parsed.EncodedList && now.Sub(c.made) < s.cfg.StatusListValidity/2 && !now.Before(c.made) {
			return c.list, nil
		}
	}
	raw, err := json.Marshal(lc)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", key, err)
	}
	out := &SignedList{MaxAge: s.cfg.StatusListMaxAge}
	switch {
	case hasKey(iss, FormatEdDSARDFC) || hasKey(iss, FormatECDSARDFC):
		suite, types := dataintegrity.EdDSARDFC2022, []did.KeyType{did.Ed25519}
		if !hasKey(iss, FormatEdDSARDFC) {
			suite, types = dataintegrity.ECDSARDFC2019, []did.KeyType{did.P256}
		}
		signer, k, err := s.signer(ctx, iss, types...)
		if err != nil {
			return nil, err
		}
		di, err := s.Processor(ctx)
		if err != nil {
			return nil, err
		}
		if out.Body, err = di.AddProof(ctx, raw, signer, k.VerificationMethod, suite, dataintegrity.ProofOptions{}); err != nil {
			return nil, fmt.Errorf("status list %s: %w", key, err)
		}
		out.MediaType = MediaDataIntegrity
	default:
		signer, k, err := s.signer(ctx, iss, did.Ed25519, did.P256, did.Secp256k1)
		if err != nil {
			return nil, err
		}
		tok, err := jwtvc.Sign(ctx, raw, signer, k.VerificationMethod, jwtvc.SignOptions{})
		if err != nil {
			return nil, fmt.Errorf("status list %s: %w", key, err)
		}
		out.Body, out.MediaType = []byte(tok), MediaVCJWT
	}
	sum := sha256.Sum256(out.Body)
	out.ETag = `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	s.lists.Store(key, &cachedList{encoded: parsed.EncodedList, made: now, list: out})
	return out, nil
}
