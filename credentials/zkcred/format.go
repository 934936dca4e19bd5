package zkcred

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/strictjson"
	"github.com/chainid/chainid/zkp"
)

// Limits on the members of a document.
const (
	maxIDLen       = 2048
	maxNameLen     = 256
	maxEnumValues  = 256
	signatureBytes = 64
)

// Claims are the inputs of Issue.
type Claims struct {
	// ID is the credential id (shared with the standard formats).
	ID string
	// Issuer is the issuer DID.
	Issuer string
	// SchemaID is the schema's $id.
	SchemaID string
	// Attributes are the encoded attributes in schema order (EncodeSubject).
	Attributes []Attribute
	// HolderCommitment is the holder's commitment (ParseHolderCommitment).
	HolderCommitment fr.Element
	// StatusListURL and StatusIndex locate the credential's revocation bit.
	StatusListURL string
	StatusIndex   uint64
	// IssuedAt is the issuance time; ExpiresAt the expiry (zero: never).
	// Both are truncated to whole seconds.
	IssuedAt, ExpiresAt time.Time
}

// Issue signs claims with the issuer's ZK key and returns the credential.
// The claims are checked exactly as Parse checks a document.
func Issue(key *zkp.IssuerKey, c Claims) (*Credential, error) {
	if key == nil {
		return nil, errors.New("issue zk credential: nil key")
	}
	cred := &Credential{
		id: c.ID, issuer: c.Issuer, schema: c.SchemaID,
		holderCommitment: c.HolderCommitment,
		statusList:       c.StatusListURL, statusIndex: c.StatusIndex,
		issuedAt: c.IssuedAt.UTC().Truncate(time.Second),
	}
	if !c.ExpiresAt.IsZero() {
		cred.expiresAt = c.ExpiresAt.UTC().Truncate(time.Second)
	}
	for _, a := range c.Attributes {
		// Re-encode from the value so Encoded cannot disagree with it.
		raw, err := valueJSON(a)
		if err != nil {
			return nil, fmt.Errorf("issue zk credential: %w", err)
		}
		na, err := decodeAttribute(a.Spec, raw)
		if err != nil {
			return nil, fmt.Errorf("issue zk credential: %w: %w", ErrEncoding, err)
		}
		cred.attrs = append(cred.attrs, na)
	}
	if err := cred.build(); err != nil {
		return nil, fmt.Errorf("issue zk credential: %w", err)
	}
	sig, err := key.Sign(&cred.zk)
	if err != nil {
		return nil, fmt.Errorf("issue zk credential: %w", err)
	}
	cred.sig = sig
	return cred, nil
}

// build checks the credential's fields and derives the zkp.Credential.
func (c *Credential) build() error {
	if err := checkURI("id", c.id); err != nil {
		return err
	}
	if _, err := did.Parse(c.issuer); err != nil {
		return fmt.Errorf("%w: issuer: %w", ErrMalformed, err)
	}
	if err := checkURI("schema", c.schema); err != nil {
		return err
	}
	if len(c.attrs) == 0 || len(c.attrs) > zkp.MaxAttributes {
		return fmt.Errorf("%w: %d attributes, want 1 to %d", ErrMalformed, len(c.attrs), zkp.MaxAttributes)
	}
	seen := make(map[string]bool, len(c.attrs))
	for _, a := range c.attrs {
		n := a.Spec.Name
		if n == "" || len(n) > maxNameLen || !utf8.ValidString(n) {
			return fmt.Errorf("%w: attribute name %.40q", ErrMalformed, n)
		}
		if seen[n] {
			return fmt.Errorf("%w: attribute %q listed twice", ErrMalformed, n)
		}
		seen[n] = true
		if a.Spec.Type == zkp.TypeEnum {
			if len(a.Spec.Enum) == 0 || len(a.Spec.Enum) > maxEnumValues {
				return fmt.Errorf("%w: enum attribute %q needs 1 to %d values", ErrMalformed, n, maxEnumValues)
			}
			for i, v := range a.Spec.Enum {
				if slices.Contains(a.Spec.Enum[:i], v) {
					return fmt.Errorf("%w: enum attribute %q lists %q twice", ErrMalformed, n, v)
				}
			}
		} else if a.Spec.Enum != nil {
			return fmt.Errorf("%w: attribute %q: values are only for enums", ErrMalformed, n)
		}
	}
	if c.holderCommitment.IsZero() {
		return fmt.Errorf("%w: zero holder commitment", ErrMalformed)
	}
	if err := checkStatusURL(c.statusList); err != nil {
		return err
	}
	if c.statusIndex >= zkp.MaxStatusBits {
		return fmt.Errorf("%w: status index %d: %w: at most %d", ErrMalformed, c.statusIndex, zkp.ErrOutOfRange, zkp.MaxStatusBits-1)
	}
	if c.issuedAt.IsZero() {
		return fmt.Errorf("%w: no issuance time", ErrMalformed)
	}
	if !c.expiresAt.IsZero() && !c.expiresAt.After(c.issuedAt) {
		return fmt.Errorf("%w: expiresAt is not after issuedAt", ErrMalformed)
	}
	sid, err := zkp.SchemaElement(c.schema)
	if err != nil {
		return fmt.Errorf("%w: schema: %w", ErrMalformed, err)
	}
	c.zk = zkp.Credential{SchemaID: sid, HolderCommitment: c.holderCommitment, StatusIndex: c.statusIndex,
		IssuedAt: c.issuedAt, ExpiresAt: c.expiresAt}
	for i, a := range c.attrs {
		c.zk.Attributes[i] = a.Encoded
	}
	if _, err := c.zk.Message(); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

func checkURI(what, s string) error {
	if s == "" || len(s) > maxIDLen || !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s must be a URI of at most %d bytes", ErrMalformed, what, maxIDLen)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%w: %s %.60q is not an absolute URI", ErrMalformed, what, s)
	}
	return nil
}

func checkStatusURL(s string) error {
	if err := checkURI("status list URL", s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return fmt.Errorf("%w: status list URL %.60q must be an http(s) URL without fragment", ErrMalformed, s)
	}
	return nil
}

// Verify checks the issuer's signature with pk, the key read from the
// issuer's DID document (ReadAnchors). It wraps zkp.ErrBadSignature.
func (c *Credential) Verify(pk zkp.IssuerPublicKey) error {
	if err := pk.Verify(&c.zk, c.sig); err != nil {
		return fmt.Errorf("zk credential %s: %w", c.id, err)
	}
	return nil
}

// Wire form.
type wireCredential struct {
	Type             *string         `json:"type"`
	Version          *int            `json:"version"`
	ID               *string         `json:"id"`
	Issuer           *string         `json:"issuer"`
	Schema           *string         `json:"schema"`
	Attributes       []wireAttribute `json:"attributes"`
	HolderCommitment *string         `json:"holderCommitment"`
	Status           *wireStatus     `json:"status"`
	IssuedAt         *string         `json:"issuedAt"`
	ExpiresAt        *string         `json:"expiresAt,omitempty"`
	Signature        *string         `json:"signature"`
}

type wireAttribute struct {
	Name   *string         `json:"name"`
	Type   *string         `json:"type"`
	Value  json.RawMessage `json:"value"`
	Values []string        `json:"values,omitempty"`
}

type wireStatus struct {
	ListCredential *string          `json:"statusListCredential"`
	Index          *json.RawMessage `json:"statusListIndex"`
}

// MarshalJSON writes the version 1 document.
func (c *Credential) MarshalJSON() ([]byte, error) {
	typ, ver := Type, Version
	hc := zkp.FormatElement(c.holderCommitment)
	issued := c.issuedAt.UTC().Format(time.RFC3339)
	sig := base64.RawURLEncoding.EncodeToString(c.sig.Bytes())
	idx := json.RawMessage(strconv.FormatUint(c.statusIndex, 10))
	w := wireCredential{Type: &typ, Version: &ver, ID: &c.id, Issuer: &c.issuer, Schema: &c.schema,
		HolderCommitment: &hc, Status: &wireStatus{ListCredential: &c.statusList, Index: &idx},
		IssuedAt: &issued, Signature: &sig, Attributes: make([]wireAttribute, len(c.attrs))}
	if !c.expiresAt.IsZero() {
		exp := c.expiresAt.UTC().Format(time.RFC3339)
		w.ExpiresAt = &exp
	}
	for i, a := range c.attrs {
		raw, err := valueJSON(a)
		if err != nil {
			return nil, err
		}
		name, t := a.Spec.Name, a.Spec.Type.String()
		w.Attributes[i] = wireAttribute{Name: &name, Type: &t, Value: raw, Values: a.Spec.Enum}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, fmt.Errorf("marshal zk credential: %w", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// valueJSON writes an attribute's value as JSON.
func valueJSON(a Attribute) (json.RawMessage, error) {
	switch v := a.Value.(type) {
	case int64:
		return json.RawMessage(strconv.FormatInt(v, 10)), nil
	case bool:
		return json.RawMessage(strconv.FormatBool(v)), nil
	case string:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return bytes.TrimRight(b.Bytes(), "\n"), nil
	}
	return nil, fmt.Errorf("%w: attribute %q: value of Go type %T", ErrEncoding, a.Spec.Name, a.Value)
}

// Parse parses and checks a version 1 ZK credential document (see the
// package documentation for every rule). It does not verify the signature:
// see Credential.Verify. Errors wrap ErrMalformed or ErrEncoding.
func Parse(data []byte) (*Credential, error) {
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse zk credential: %w", err)
	}
	return c, nil
}

func parse(data []byte) (*Credential, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(data), MaxSize)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrMalformed)
	}
	// Every object of the document decodes into a struct, whose fields
	// encoding/json matches case-insensitively: "id" and "ID" name one
	// member twice.
	if err := strictjson.CheckFold(data, maxDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var w wireCredential
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrMalformed)
	}
	switch {
	case w.Type == nil || *w.Type != Type:
		return nil, fmt.Errorf("%w: type must be %q", ErrMalformed, Type)
	case w.Version == nil || *w.Version != Version:
		return nil, fmt.Errorf("%w: version must be %d", ErrMalformed, Version)
	case w.ID == nil, w.Issuer == nil, w.Schema == nil, w.Attributes == nil, w.HolderCommitment == nil,
		w.Status == nil, w.IssuedAt == nil, w.Signature == nil:
		return nil, fmt.Errorf("%w: id, issuer, schema, attributes, holderCommitment, status, issuedAt and signature are required", ErrMalformed)
	case w.Status.ListCredential == nil || w.Status.Index == nil:
		return nil, fmt.Errorf("%w: status needs statusListCredential and statusListIndex", ErrMalformed)
	}
	c := &Credential{id: *w.ID, issuer: *w.Issuer, schema: *w.Schema, statusList: *w.Status.ListCredential}
	var err error
	if c.holderCommitment, err = ParseHolderCommitment(*w.HolderCommitment); err != nil {
		return nil, err
	}
	idx := string(*w.Status.Index)
	if !canonicalDec.MatchString(idx) && idx != "0" {
		return nil, fmt.Errorf("%w: statusListIndex must be a non-negative integer", ErrMalformed)
	}
	if c.statusIndex, err = strconv.ParseUint(idx, 10, 64); err != nil || c.statusIndex >= zkp.MaxStatusBits {
		return nil, fmt.Errorf("%w: statusListIndex %.30s: %w: at most %d", ErrMalformed, idx, zkp.ErrOutOfRange, zkp.MaxStatusBits-1)
	}
	if c.issuedAt, err = parseTime("issuedAt", *w.IssuedAt); err != nil {
		return nil, err
	}
	if w.ExpiresAt != nil {
		if c.expiresAt, err = parseTime("expiresAt", *w.ExpiresAt); err != nil {
			return nil, err
		}
	}
	if len(w.Attributes) > zkp.MaxAttributes {
		return nil, fmt.Errorf("%w: %d attributes, at most %d", ErrMalformed, len(w.Attributes), zkp.MaxAttributes)
	}
	for i, wa := range w.Attributes {
		if wa.Name == nil || wa.Type == nil || wa.Value == nil {
			return nil, fmt.Errorf("%w: attribute %d needs name, type and value", ErrMalformed, i)
		}
		t, err := zkp.ParseAttributeType(*wa.Type)
		if err != nil {
			return nil, fmt.Errorf("%w: attribute %d: %w", ErrMalformed, i, err)
		}
		if (t == zkp.TypeEnum) != (wa.Values != nil) {
			return nil, fmt.Errorf("%w: attribute %d: values must be present for, and only for, enums", ErrMalformed, i)
		}
		a, err := decodeAttribute(zkp.AttributeSpec{Name: *wa.Name, Type: t, Enum: wa.Values}, wa.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEncoding, err)
		}
		c.attrs = append(c.attrs, a)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(*w.Signature)
	if err != nil || len(sig) != signatureBytes {
		return nil, fmt.Errorf("%w: signature must be %d bytes in unpadded base64url", ErrMalformed, signatureBytes)
	}
	if c.sig, err = zkp.ParseSignature(sig); err != nil {
		return nil, fmt.Errorf("%w: signature: %w", ErrMalformed, err)
	}
	if err := c.build(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseTime parses an RFC 3339 UTC time with whole seconds, written the
// way MarshalJSON writes it.
func parseTime(what, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.UTC().Format(time.RFC3339) != s {
		return time.Time{}, fmt.Errorf("%w: %s must be RFC 3339 in UTC with whole seconds (2006-01-02T15:04:05Z)", ErrMalformed, what)
	}
	return t.UTC(), nil
}
