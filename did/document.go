package did

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
)

// Well-known JSON-LD contexts for DID documents.
const (
	ContextDIDv1      = "https://www.w3.org/ns/did/v1"
	ContextMultikeyV1 = "https://w3id.org/security/multikey/v1"
	ContextJWS2020    = "https://w3id.org/security/suites/jws-2020/v1"
	ContextEd25519    = "https://w3id.org/security/suites/ed25519-2020/v1"
	ContextX25519     = "https://w3id.org/security/suites/x25519-2020/v1"
	ContextSecp256k1  = "https://w3id.org/security/suites/secp256k1recovery-2020/v2"
)

// Verification relationships (DID Core §5.3).
const (
	Authentication       = "authentication"
	AssertionMethod      = "assertionMethod"
	KeyAgreement         = "keyAgreement"
	CapabilityInvocation = "capabilityInvocation"
	CapabilityDelegation = "capabilityDelegation"
)

// relationships lists the five verification relationships in DID Core order.
// It is never handed out: Relationships returns a copy.
var relationships = [...]string{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation}

// Relationships returns the names of the five DID Core verification
// relationships in specification order. The slice is the caller's own.
func Relationships() []string { return slices.Clone(relationships[:]) }

// Document is a DID document (DID Core §5). Members this type does not model
// are kept in Extra and written back unchanged, so a parsed document
// marshals to the same JSON value.
type Document struct {
	Context     Context     `json:"@context"`
	ID          string      `json:"id"`
	AlsoKnownAs []string    `json:"alsoKnownAs,omitempty"`
	Controller  StringOrSet `json:"controller"`

	VerificationMethod   []VerificationMethod `json:"verificationMethod,omitempty"`
	Authentication       []VerificationRef    `json:"authentication,omitempty"`
	AssertionMethod      []VerificationRef    `json:"assertionMethod,omitempty"`
	KeyAgreement         []VerificationRef    `json:"keyAgreement,omitempty"`
	CapabilityInvocation []VerificationRef    `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []VerificationRef    `json:"capabilityDelegation,omitempty"`
	Service              []Service            `json:"service,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// ParseDocument decodes and validates a DID document. Duplicate member names
// at any depth, null or wrongly typed core properties, and anything Validate
// refuses are errors wrapping [ErrInvalidDocument].
func ParseDocument(data []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Validate checks the DID Core constraints that matter to consumers: the id
// is a DID; controllers are DIDs; every verification method has a DID URL id
// unique in the document, a type, a DID controller, at most one public-key
// member and no private JWK members; relationship references are DID URLs;
// services have unique URI ids, a non-empty type and a serviceEndpoint that is
// a string, a map or a non-empty array of strings and maps.
func (d *Document) Validate() error {
	base, err := Parse(d.ID)
	if err != nil {
		return fmt.Errorf("%w: id: %w", ErrInvalidDocument, err)
	}
	for _, c := range d.Controller.Values {
		if _, err := Parse(c); err != nil {
			return fmt.Errorf("%w: controller: %w", ErrInvalidDocument, err)
		}
	}
	seen := make(map[string]bool)
	check := func(where string, vm *VerificationMethod) error {
		abs := ResolveReference(base, vm.ID)
		if _, err := ParseURL(abs); err != nil {
			return fmt.Errorf("%w: %s id %q: %w", ErrInvalidDocument, where, vm.ID, err)
		}
		if seen[abs] {
			return fmt.Errorf("%w: duplicate verification method id %q", ErrInvalidDocument, vm.ID)
		}
		seen[abs] = true
		if vm.Type == "" {
			return fmt.Errorf("%w: %s %q has no type", ErrInvalidDocument, where, vm.ID)
		}
		if _, err := Parse(vm.Controller); err != nil {
			return fmt.Errorf("%w: %s %q controller: %w", ErrInvalidDocument, where, vm.ID, err)
		}
		if n := vm.keyMembers(); n > 1 {
			// DID Core §5.2.1: one verification material property per
			// method, so a verifier never has to pick between two keys.
			return fmt.Errorf("%w: %s %q has %d public-key members", ErrInvalidDocument, where, vm.ID, n)
		}
		if vm.PublicKeyJwk != nil && vm.PublicKeyJwk.HasPrivate() {
			return fmt.Errorf("%w: %s %q: publicKeyJwk contains private key material", ErrInvalidDocument, where, vm.ID)
		}
		return nil
	}
	for i := range d.VerificationMethod {
		if err := check("verificationMethod", &d.VerificationMethod[i]); err != nil {
			return err
		}
	}
	for _, rel := range relationships {
		for _, ref := range d.Relationship(rel) {
			if ref.Method != nil {
				if err := check(rel, ref.Method); err != nil {
					return err
				}
				continue
			}
			if _, err := ParseURL(ResolveReference(base, ref.ID)); err != nil {
				return fmt.Errorf("%w: %s reference %q: %w", ErrInvalidDocument, rel, ref.ID, err)
			}
		}
	}
	services := make(map[string]bool)
	for _, s := range d.Service {
		if err := s.validate(base, services); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidDocument, err)
		}
	}
	return nil
}

func (s *Service) validate(base DID, seen map[string]bool) error {
	if s.ID == "" || len(s.Type.Values) == 0 || len(s.ServiceEndpoint) == 0 {
		return fmt.Errorf("service %q needs id, type and serviceEndpoint", s.ID)
	}
	abs := ResolveReference(base, s.ID)
	if u, err := url.Parse(abs); err != nil || u.Scheme == "" {
		return fmt.Errorf("service id %q is not a URI", s.ID)
	}
	if seen[abs] {
		return fmt.Errorf("duplicate service id %q", s.ID)
	}
	seen[abs] = true
	for _, t := range s.Type.Values {
		if t == "" {
			return fmt.Errorf("service %q has an empty type", s.ID)
		}
	}
	return checkEndpoint(s.ServiceEndpoint)
}

// checkEndpoint enforces DID Core §5.4: a string, a map, or a set of one or
// more strings and/or maps.
func checkEndpoint(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return fmt.Errorf("serviceEndpoint is empty")
	}
	switch raw[0] {
	case '"', '{':
		return nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("serviceEndpoint: %w", err)
		}
		if len(items) == 0 {
			return fmt.Errorf("serviceEndpoint array is empty")
		}
		for i, it := range items {
			if c := bytes.TrimSpace(it); len(c) == 0 || (c[0] != '"' && c[0] != '{') {
				return fmt.Errorf("serviceEndpoint element %d must be a string or a map", i)
			}
		}
		return nil
	}
	return fmt.Errorf("serviceEndpoint must be a string, a map or an array")
}

// base returns the document's DID, or the zero DID when the id is not one
// (references then stay as written and match only absolute ids).
func (d *Document) base() DID {
	b, err := Parse(d.ID)
	if err != nil {
		return DID{}
	}
	return b
}

func resolveIn(base DID, ref string) string {
	if base.IsZero() {
		return ref
	}
	return ResolveReference(base, ref)
}

// Relationship returns the entries of the named verification relationship,
// or nil for an unknown name.
func (d *Document) Relationship(name string) []VerificationRef {
	switch name {
	case Authentication:
		return d.Authentication
	case AssertionMethod:
		return d.AssertionMethod
	case KeyAgreement:
		return d.KeyAgreement
	case CapabilityInvocation:
		return d.CapabilityInvocation
	case CapabilityDelegation:
		return d.CapabilityDelegation
	}
	return nil
}

// FindVerificationMethod finds a verification method by id (absolute DID URL
// or relative "#fragment"), whether it is listed under verificationMethod or
// embedded in a relationship. It looks in this document only: a method of
// another DID is not found here.
func (d *Document) FindVerificationMethod(id string) (*VerificationMethod, bool) {
	base := d.base()
	want := resolveIn(base, id)
	if vm := d.topLevelMethod(base, want); vm != nil {
		return vm, true
	}
	for _, rel := range relationships {
		for _, ref := range d.Relationship(rel) {
			if ref.Method != nil && resolveIn(base, ref.Method.ID) == want {
				return ref.Method, true
			}
		}
	}
	return nil, false
}

func (d *Document) topLevelMethod(base DID, want string) *VerificationMethod {
	for i := range d.VerificationMethod {
		if resolveIn(base, d.VerificationMethod[i].ID) == want {
			return &d.VerificationMethod[i]
		}
	}
	return nil
}

// Authorized returns the verification method with the given id (absolute or
// "#fragment") when the named relationship lists it, embedded or by
// reference. Signature verifiers use it to check a key is allowed for a
// purpose, e.g. assertionMethod.
//
// A reference counts only when it leads to a method in this document's
// verificationMethod list: a method embedded under one relationship is not
// authorized for another (DID Core §5.3), and a reference to another DID's
// method is not followed (the caller resolves that DID and asks it).
func (d *Document) Authorized(rel, id string) (*VerificationMethod, bool) {
	base := d.base()
	want := resolveIn(base, id)
	for _, ref := range d.Relationship(rel) {
		if ref.Method != nil {
			if resolveIn(base, ref.Method.ID) == want {
				return ref.Method, true
			}
			continue
		}
		if resolveIn(base, ref.ID) == want {
			if vm := d.topLevelMethod(base, want); vm != nil {
				return vm, true
			}
		}
	}
	return nil, false
}

// FindService finds a service by id (absolute or "#fragment").
func (d *Document) FindService(id string) (*Service, bool) {
	base := d.base()
	want := resolveIn(base, id)
	for i := range d.Service {
		if resolveIn(base, d.Service[i].ID) == want {
			return &d.Service[i], true
		}
	}
	return nil, false
}

// MarshalJSON implements json.Marshaler with a stable member order.
func (d Document) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if !d.Context.IsZero() {
		w.field("@context", d.Context)
	}
	w.field("id", d.ID)
	if d.AlsoKnownAs != nil {
		w.field("alsoKnownAs", d.AlsoKnownAs)
	}
	if !d.Controller.IsZero() {
		w.field("controller", d.Controller)
	}
	if d.VerificationMethod != nil {
		w.field("verificationMethod", d.VerificationMethod)
	}
	for _, rel := range relationships {
		if refs := d.Relationship(rel); refs != nil {
			w.field(rel, refs)
		}
	}
	if d.Service != nil {
		w.field("service", d.Service)
	}
	w.extras(d.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler. Duplicate member names, at any
// depth, are an error.
func (d *Document) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out Document
	for _, f := range []struct {
		name string
		v    any
	}{
		{"@context", &out.Context}, {"id", &out.ID}, {"alsoKnownAs", &out.AlsoKnownAs},
		{"controller", &out.Controller}, {"verificationMethod", &out.VerificationMethod},
		{Authentication, &out.Authentication}, {AssertionMethod, &out.AssertionMethod},
		{KeyAgreement, &out.KeyAgreement}, {CapabilityInvocation, &out.CapabilityInvocation},
		{CapabilityDelegation, &out.CapabilityDelegation}, {"service", &out.Service},
	} {
		if err := take(m, f.name, f.v); err != nil {
			return err
		}
	}
	if len(m) > 0 {
		out.Extra = m
	}
	*d = out
	return nil
}

// VerificationMethod is a public key or other verification material
// (DID Core §5.2). Exactly one key-material member is normally set.
type VerificationMethod struct {
	ID                  string
	Type                string
	Controller          string
	PublicKeyJwk        *JWK
	PublicKeyMultibase  string
	PublicKeyBase58     string // legacy 2018/2019 suites
	PublicKeyHex        string // legacy, used by did:ethr
	BlockchainAccountID string // CAIP-10, used by did:pkh and did:ethr
	EthereumAddress     string // legacy did:ethr
	Extra               map[string]json.RawMessage
}

// keyMembers counts the public-key members that are set.
func (vm *VerificationMethod) keyMembers() int {
	n := 0
	if vm.PublicKeyJwk != nil {
		n++
	}
	for _, v := range []string{vm.PublicKeyMultibase, vm.PublicKeyBase58, vm.PublicKeyHex} {
		if v != "" {
			n++
		}
	}
	return n
}

// MarshalJSON implements json.Marshaler.
func (vm VerificationMethod) MarshalJSON() ([]byte, error) {
	var w objectWriter
	w.field("id", vm.ID)
	w.field("type", vm.Type)
	w.field("controller", vm.Controller)
	if vm.PublicKeyJwk != nil {
		w.field("publicKeyJwk", vm.PublicKeyJwk)
	}
	for _, f := range []struct{ name, v string }{
		{"publicKeyMultibase", vm.PublicKeyMultibase}, {"publicKeyBase58", vm.PublicKeyBase58},
		{"publicKeyHex", vm.PublicKeyHex}, {"blockchainAccountId", vm.BlockchainAccountID},
		{"ethereumAddress", vm.EthereumAddress},
	} {
		if f.v != "" {
			w.field(f.name, f.v)
		}
	}
	w.extras(vm.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (vm *VerificationMethod) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out VerificationMethod
	for _, f := range []struct {
		name string
		v    any
	}{
		{"id", &out.ID}, {"type", &out.Type}, {"controller", &out.Controller}, {"publicKeyJwk", &out.PublicKeyJwk},
	} {
		if err := take(m, f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"publicKeyMultibase", &out.PublicKeyMultibase}, {"publicKeyBase58", &out.PublicKeyBase58},
		{"publicKeyHex", &out.PublicKeyHex}, {"blockchainAccountId", &out.BlockchainAccountID},
		{"ethereumAddress", &out.EthereumAddress},
	} {
		if err := takeOptional(m, f.name, f.v); err != nil {
			return err
		}
	}
	if len(m) > 0 {
		out.Extra = m
	}
	*vm = out
	return nil
}

// VerificationRef is one entry of a verification relationship: either a
// reference (a DID URL, possibly relative) or an embedded method.
type VerificationRef struct {
	ID     string
	Method *VerificationMethod
}

// Ref returns a by-reference relationship entry.
func Ref(id string) VerificationRef { return VerificationRef{ID: id} }

// Embed returns an embedded relationship entry.
func Embed(vm VerificationMethod) VerificationRef { return VerificationRef{Method: &vm} }

// MarshalJSON implements json.Marshaler.
func (r VerificationRef) MarshalJSON() ([]byte, error) {
	if r.Method != nil {
		return json.Marshal(r.Method)
	}
	return json.Marshal(r.ID)
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *VerificationRef) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var vm VerificationMethod
		if err := json.Unmarshal(data, &vm); err != nil {
			return err
		}
		*r = VerificationRef{Method: &vm}
		return nil
	}
	id, err := decodeString(data)
	if err != nil {
		return fmt.Errorf("relationship entry must be a string or an object")
	}
	*r = VerificationRef{ID: id}
	return nil
}

// Service is a service endpoint (DID Core §5.4). ServiceEndpoint holds the
// raw JSON value: a URI string, a map, or an array of either.
type Service struct {
	ID              string
	Type            StringOrSet
	ServiceEndpoint json.RawMessage
	Extra           map[string]json.RawMessage
}

// EndpointURIs returns the string URIs in the endpoint: the string itself, or
// the string members of an array. Map endpoints yield none.
func (s Service) EndpointURIs() []string {
	var one string
	if json.Unmarshal(s.ServiceEndpoint, &one) == nil {
		return []string{one}
	}
	var many []json.RawMessage
	if json.Unmarshal(s.ServiceEndpoint, &many) != nil {
		return nil
	}
	var out []string
	for _, m := range many {
		if json.Unmarshal(m, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

// MarshalJSON implements json.Marshaler.
func (s Service) MarshalJSON() ([]byte, error) {
	var w objectWriter
	w.field("id", s.ID)
	w.field("type", s.Type)
	if len(s.ServiceEndpoint) > 0 {
		w.raw("serviceEndpoint", s.ServiceEndpoint)
	}
	w.extras(s.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Service) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out Service
	if err := take(m, "id", &out.ID); err != nil {
		return err
	}
	if err := take(m, "type", &out.Type); err != nil {
		return err
	}
	if raw, ok := m["serviceEndpoint"]; ok {
		delete(m, "serviceEndpoint")
		if err := checkEndpoint(raw); err != nil {
			return err
		}
		out.ServiceEndpoint = raw // compacted by splitObject
	}
	if len(m) > 0 {
		out.Extra = m
	}
	*s = out
	return nil
}

// DocumentMetadata is DID document metadata (DID Core §7.1.3).
type DocumentMetadata struct {
	Created       string   `json:"created,omitempty"`
	Updated       string   `json:"updated,omitempty"`
	Deactivated   bool     `json:"deactivated,omitempty"`
	NextUpdate    string   `json:"nextUpdate,omitempty"`
	VersionID     string   `json:"versionId,omitempty"`
	NextVersionID string   `json:"nextVersionId,omitempty"`
	EquivalentID  []string `json:"equivalentId,omitempty"`
	CanonicalID   string   `json:"canonicalId,omitempty"`
}

// ResolveOptions are the DID resolution options a method may honour
// (DID Resolution §4.1). Methods ignore what they do not support.
type ResolveOptions struct {
	// VersionID asks for a specific version of the document.
	VersionID string
	// VersionTime asks for the document as it was at an XML Schema
	// dateTime.
	VersionTime string
}
