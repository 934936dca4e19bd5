package status

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/did"
)

// Purpose is a status purpose.
type Purpose string

// Status purposes the registry manages.
const (
	Revocation Purpose = "revocation"
	Suspension Purpose = "suspension"
)

// Types of the status list credential and its subject.
const (
	TypeListCredential = "BitstringStatusListCredential"
	TypeList           = "BitstringStatusList"
)

// ErrUnsupported reports a status entry this package does not evaluate
// (a statusSize other than 1); callers must treat the status as unknown.
var ErrUnsupported = errors.New("unsupported status entry")

// ListCredential is the content of a BitstringStatusListCredential.
type ListCredential struct {
	// ID is the credential's id: the URL status entries point to.
	ID string
	// Issuer is the issuer's URI.
	Issuer string
	// Purposes are the subject's statusPurpose values.
	Purposes []string
	// EncodedList is the subject's encodedList.
	EncodedList string
}

// ParseListCredential reads a status list credential: its type includes
// BitstringStatusListCredential, it has an id, and exactly one subject of
// type BitstringStatusList with a statusPurpose (a string or an array of
// strings) and an encodedList. It does not decode the list. Errors wrap
// ErrMalformed.
func ParseListCredential(c *credentials.Credential) (*ListCredential, error) {
	lc, err := parseListCredential(c)
	if err != nil {
		return nil, fmt.Errorf("%w: status list credential: %w", ErrMalformed, err)
	}
	return lc, nil
}

func parseListCredential(c *credentials.Credential) (*ListCredential, error) {
	if !c.Type.Contains(TypeListCredential) {
		return nil, fmt.Errorf("type does not include %s", TypeListCredential)
	}
	if c.ID == "" {
		return nil, errors.New("no id")
	}
	if len(c.Subjects()) != 1 {
		return nil, fmt.Errorf("%d subjects, want 1", len(c.Subjects()))
	}
	s := c.Subjects()[0]
	lc := &ListCredential{ID: c.ID, Issuer: c.IssuerID()}
	var typ did.StringOrSet
	raw, ok := s.Claim("type")
	if !ok || json.Unmarshal(raw, &typ) != nil || !typ.Contains(TypeList) {
		return nil, fmt.Errorf("subject type is not %s", TypeList)
	}
	var purposes did.StringOrSet
	raw, ok = s.Claim("statusPurpose")
	if !ok || json.Unmarshal(raw, &purposes) != nil || len(purposes.Values) == 0 {
		return nil, errors.New("subject has no statusPurpose")
	}
	lc.Purposes = purposes.Values
	raw, ok = s.Claim("encodedList")
	if !ok || json.Unmarshal(raw, &lc.EncodedList) != nil || lc.EncodedList == "" {
		return nil, errors.New("subject has no encodedList string")
	}
	return lc, nil
}

// Check evaluates a credential's status entry against the list credential
// the entry names and returns the status bit (true: revoked or suspended,
// per the entry's purpose).
//
// The caller must already have verified the list credential's proof and
// validity period. Check then requires: the entry is a well-formed
// BitstringStatusListEntry without a statusSize other than 1
// (ErrUnsupported); the list credential is the one the entry points to, is
// issued by the credential's issuer, and carries the entry's purpose
// (ErrVerification); the list decodes within maxBytes (ErrMalformed,
// ErrListLength; see Decode); and the index lies in the list (ErrRange).
func Check(cred *credentials.Credential, entry credentials.Status, list *credentials.Credential, maxBytes int) (bool, error) {
	if err := entry.Validate(); err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if entry.Type != credentials.TypeBitstringStatusListEntry {
		return false, fmt.Errorf("%w: status type %q", ErrUnsupported, entry.Type)
	}
	if raw, ok := entry.Extra["statusSize"]; ok {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil || n.String() != "1" {
			return false, fmt.Errorf("%w: statusSize %s", ErrUnsupported, raw)
		}
	}
	lc, err := ParseListCredential(list)
	if err != nil {
		return false, err
	}
	if lc.ID != entry.StatusListCredential {
		return false, fmt.Errorf("%w: entry names list %q, got %q", ErrVerification, entry.StatusListCredential, lc.ID)
	}
	if lc.Issuer != cred.IssuerID() {
		return false, fmt.Errorf("%w: list issued by %q, credential by %q", ErrVerification, lc.Issuer, cred.IssuerID())
	}
	if !(did.StringOrSet{Values: lc.Purposes}).Contains(entry.StatusPurpose) {
		return false, fmt.Errorf("%w: list purpose %q, entry purpose %q", ErrVerification, lc.Purposes, entry.StatusPurpose)
	}
	idx, err := entry.Index()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	l, err := Decode(lc.EncodedList, maxBytes)
	if err != nil {
		return false, err
	}
	if idx >= int64(l.Len()) {
		return false, fmt.Errorf("%w: index %d, list of %d", ErrRange, idx, l.Len())
	}
	return l.Get(int(idx))
}
