package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
)

// Base contexts and types of the VC data model.
const (
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
	ContextV1 = "https://www.w3.org/2018/credentials/v1"

	TypeCredential   = "VerifiableCredential"
	TypePresentation = "VerifiablePresentation"

	// TypeBitstringStatusListEntry is the credentialStatus type of the W3C
	// Bitstring Status List.
	TypeBitstringStatusListEntry = "BitstringStatusListEntry"
)

// Version is a VC data model version, told by the first @context entry.
type Version int

// Data model versions.
const (
	V1 Version = 1 // VC Data Model 1.1
	V2 Version = 2 // VC Data Model 2.0
)

// String returns "1.1" or "2.0".
func (v Version) String() string {
	switch v {
	case V1:
		return "1.1"
	case V2:
		return "2.0"
	}
	return fmt.Sprintf("Version(%d)", int(v))
}

// Sentinel errors callers branch on.
var (
	// ErrInvalid reports a credential or presentation that is malformed or
	// breaks a data model rule.
	ErrInvalid = errors.New("invalid verifiable credential data")
	// ErrNotYetValid reports a credential used before validFrom
	// (issuanceDate in 1.1).
	ErrNotYetValid = errors.New("credential is not yet valid")
	// ErrExpired reports a credential used after validUntil
	// (expirationDate in 1.1).
	ErrExpired = errors.New("credential has expired")
)

// Credential is a verifiable credential (VC Data Model 2.0 §4, or 1.1).
// Members it does not model are kept in Extra and written back unchanged, so
// a parsed credential marshals to the same JSON value. Proof is kept as raw
// JSON: securing it is the job of the format packages.
type Credential struct {
	Context did.Context
	ID      string
	Type    did.StringOrSet
	Issuer  Entity

	// VC 2.0 validity period (dateTimeStamp strings, kept as written).
	ValidFrom  string
	ValidUntil string
	// VC 1.1 dates (XML Schema dateTime strings, kept as written).
	IssuanceDate   string
	ExpirationDate string

	CredentialSubject OneOrMany[Subject]
	CredentialStatus  OneOrMany[Status]
	CredentialSchema  OneOrMany[SchemaRef]

	Evidence       json.RawMessage
	TermsOfUse     json.RawMessage
	RefreshService json.RawMessage
	// Proof holds each proof object as raw JSON.
	Proof OneOrMany[json.RawMessage]

	Extra map[string]json.RawMessage
}

// ParseCredential decodes and validates a credential. It refuses documents
// above MaxSize or nested deeper than MaxDepth, duplicate member names at any
// depth, null or wrongly typed modelled members, and anything Validate
// refuses; every such error wraps ErrInvalid.
func ParseCredential(data []byte) (*Credential, error) {
	if err := checkJSON(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var c Credential
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Version tells the data model version from the first @context entry, or 0
// when it is neither base context.
func (c *Credential) Version() Version { return version(c.Context) }

func version(ctx did.Context) Version {
	if len(ctx.Entries) == 0 {
		return 0
	}
	switch ctx.Entries[0].URI {
	case ContextV2:
		return V2
	case ContextV1:
		return V1
	}
	return 0
}

// IssuerID returns the issuer's URI.
func (c *Credential) IssuerID() string { return c.Issuer.ID }

// Subjects returns the credential subjects in order.
func (c *Credential) Subjects() []Subject { return c.CredentialSubject.Items }

// Statuses returns the credentialStatus entries in order.
func (c *Credential) Statuses() []Status { return c.CredentialStatus.Items }

// Validate checks the data model rules: the first @context is the 2.0 or 1.1
// base context (and the other base context is not mixed in); type includes
// VerifiableCredential; id, issuer, subject ids, schema ids and status URLs
// are absolute URIs; each subject says something; dates are XML Schema
// dateTimes of the version's members (2.0: validFrom/validUntil with a time
// zone; 1.1: issuanceDate, required, and expirationDate) and the period is
// not reversed; status entries and schemas have a type; Bitstring status
// entries are well formed; proofs are objects. Errors wrap ErrInvalid.
func (c *Credential) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

func (c *Credential) validate() error {
	v, err := checkContext(c.Context)
	if err != nil {
		return err
	}
	if err := checkTypes(c.Type, TypeCredential); err != nil {
		return err
	}
	if c.ID != "" && !isURI(c.ID) {
		return fmt.Errorf("id %q is not a URI", c.ID)
	}
	if c.Issuer.ID == "" {
		return errors.New("issuer is required")
	}
	if err := c.Issuer.validate("issuer"); err != nil {
		return err
	}
	if err := c.checkDates(v); err != nil {
		return err
	}
	if len(c.CredentialSubject.Items) == 0 {
		return errors.New("credentialSubject is required")
	}
	for i, s := range c.CredentialSubject.Items {
		if s.ID == "" && len(s.Claims) == 0 {
			return fmt.Errorf("credentialSubject %d makes no claim", i)
		}
		if s.ID != "" && !isURI(s.ID) {
			return fmt.Errorf("credentialSubject %d id %q is not a URI", i, s.ID)
		}
		if err := checkMembers(s.Claims, "id"); err != nil {
			return fmt.Errorf("credentialSubject %d: %w", i, err)
		}
	}
	if c.CredentialStatus.Array && len(c.CredentialStatus.Items) == 0 {
		return errors.New("credentialStatus is an empty array")
	}
	for i, s := range c.CredentialStatus.Items {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("credentialStatus %d: %w", i, err)
		}
	}
	for i, s := range c.CredentialSchema.Items {
		if !isURI(s.ID) {
			return fmt.Errorf("credentialSchema %d id %q is not a URI", i, s.ID)
		}
		if s.Type == "" {
			return fmt.Errorf("credentialSchema %d has no type", i)
		}
	}
	for name, raw := range map[string]json.RawMessage{"evidence": c.Evidence, "termsOfUse": c.TermsOfUse, "refreshService": c.RefreshService} {
		if raw != nil && !isObjectOrArray(raw) {
			return fmt.Errorf("%s must be an object or an array", name)
		}
	}
	return checkProofs(c.Proof)
}

func (c *Credential) checkDates(v Version) error {
	type date struct {
		name, value string
		t           *time.Time
	}
	var from, until time.Time
	var dates []date
	switch v {
	case V2:
		if c.IssuanceDate != "" || c.ExpirationDate != "" {
			return errors.New("issuanceDate and expirationDate are VC 1.1 members; use validFrom and validUntil")
		}
		dates = []date{{"validFrom", c.ValidFrom, &from}, {"validUntil", c.ValidUntil, &until}}
	case V1:
		if c.ValidFrom != "" || c.ValidUntil != "" {
			return errors.New("validFrom and validUntil are VC 2.0 members; use issuanceDate and expirationDate")
		}
		if c.IssuanceDate == "" {
			return errors.New("issuanceDate is required in a VC 1.1 credential")
		}
		dates = []date{{"issuanceDate", c.IssuanceDate, &from}, {"expirationDate", c.ExpirationDate, &until}}
	}
	for _, d := range dates {
		if d.value == "" {
			continue
		}
		t, err := ParseDateTime(d.value, v == V2)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		*d.t = t
	}
	if !from.IsZero() && !until.IsZero() && until.Before(from) {
		return fmt.Errorf("%s is before %s", dates[1].name, dates[0].name)
	}
	return nil
}

// ValidityPeriod returns the start and end of the validity period (validFrom
// and validUntil, or issuanceDate and expirationDate in 1.1); a zero time
// means unbounded on that side.
func (c *Credential) ValidityPeriod() (from, until time.Time, err error) {
	v := c.Version()
	fromS, untilS := c.ValidFrom, c.ValidUntil
	if v == V1 {
		fromS, untilS = c.IssuanceDate, c.ExpirationDate
	}
	if fromS != "" {
		if from, err = ParseDateTime(fromS, v == V2); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	if untilS != "" {
		if until, err = ParseDateTime(untilS, v == V2); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return from, until, nil
}

// ValidAt reports whether t lies in the validity period, widened by leeway
// on both sides for clock skew. It returns nil, or an error wrapping
// ErrNotYetValid, ErrExpired or ErrInvalid.
func (c *Credential) ValidAt(t time.Time, leeway time.Duration) error {
	from, until, err := c.ValidityPeriod()
	if err != nil {
		return err
	}
	if !from.IsZero() && t.Add(leeway).Before(from) {
		return fmt.Errorf("%w: valid from %s", ErrNotYetValid, from.Format(time.RFC3339))
	}
	if !until.IsZero() && t.Add(-leeway).After(until) {
		return fmt.Errorf("%w: valid until %s", ErrExpired, until.Format(time.RFC3339))
	}
	return nil
}

// MarshalJSON implements json.Marshaler with a stable member order.
func (c Credential) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if !c.Context.IsZero() {
		w.field("@context", c.Context)
	}
	if c.ID != "" {
		w.str("id", c.ID)
	}
	if !c.Type.IsZero() {
		w.field("type", c.Type)
	}
	if !c.Issuer.isZero() {
		w.field("issuer", c.Issuer)
	}
	for _, f := range []struct{ name, v string }{
		{"validFrom", c.ValidFrom}, {"validUntil", c.ValidUntil},
		{"issuanceDate", c.IssuanceDate}, {"expirationDate", c.ExpirationDate},
	} {
		if f.v != "" {
			w.str(f.name, f.v)
		}
	}
	if !c.CredentialSubject.IsZero() {
		w.field("credentialSubject", c.CredentialSubject)
	}
	if !c.CredentialStatus.IsZero() {
		w.field("credentialStatus", c.CredentialStatus)
	}
	if !c.CredentialSchema.IsZero() {
		w.field("credentialSchema", c.CredentialSchema)
	}
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{{"evidence", c.Evidence}, {"termsOfUse", c.TermsOfUse}, {"refreshService", c.RefreshService}} {
		if f.v != nil {
			w.raw(f.name, f.v)
		}
	}
	if !c.Proof.IsZero() {
		w.field("proof", c.Proof)
	}
	w.extras(c.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler. It decodes only; call Validate
// (or use ParseCredential, which also applies the size, depth and
// duplicate-member checks).
func (c *Credential) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out Credential
	if err := takeNonEmpty(m, "id", &out.ID); err != nil {
		return err
	}
	// Dates are never empty strings (one would be dropped on output).
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"validFrom", &out.ValidFrom}, {"validUntil", &out.ValidUntil},
		{"issuanceDate", &out.IssuanceDate}, {"expirationDate", &out.ExpirationDate},
	} {
		if err := takeNonEmpty(m, f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    any
	}{
		{"@context", &out.Context}, {"type", &out.Type}, {"issuer", &out.Issuer},
		{"credentialSubject", &out.CredentialSubject}, {"credentialStatus", &out.CredentialStatus},
		{"credentialSchema", &out.CredentialSchema}, {"proof", &out.Proof},
	} {
		if err := take(m, f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		v    *json.RawMessage
	}{{"evidence", &out.Evidence}, {"termsOfUse", &out.TermsOfUse}, {"refreshService", &out.RefreshService}} {
		if *f.v, err = takeRaw(m, f.name); err != nil {
			return err
		}
	}
	out.Extra = extraOrNil(m)
	*c = out
	return nil
}

// Entity is an issuer or holder: a URI, or an object with an id and further
// members (name, description, …) kept in Extra.
type Entity struct {
	ID    string
	Extra map[string]json.RawMessage
	// Object makes the entity marshal as an object even without Extra; it
	// is set when the entity was parsed from one.
	Object bool
}

func (e Entity) isZero() bool { return e.ID == "" && !e.Object && len(e.Extra) == 0 }

func (e Entity) validate(name string) error {
	if !isURI(e.ID) {
		return fmt.Errorf("%s %q is not a URI", name, e.ID)
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (e Entity) MarshalJSON() ([]byte, error) {
	if !e.Object && len(e.Extra) == 0 {
		return marshalNoEscape(e.ID)
	}
	var w objectWriter
	w.str("id", e.ID)
	w.extras(e.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *Entity) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		m, err := splitObject(data)
		if err != nil {
			return err
		}
		var out Entity
		if err := take(m, "id", &out.ID); err != nil {
			return err
		}
		if out.ID == "" {
			return errors.New("an object must have an id")
		}
		out.Extra = extraOrNil(m)
		out.Object = true
		*e = out
		return nil
	}
	id, err := decodeString(data)
	if err != nil {
		return errors.New("expected a URI string or an object with an id")
	}
	if id == "" {
		// Not absent: an empty string would be dropped on output.
		return errors.New("expected a URI, not an empty string")
	}
	*e = Entity{ID: id}
	return nil
}

// Subject is one credentialSubject: an optional id and the claims, kept as
// raw JSON members in document order.
type Subject struct {
	ID     string
	Claims []Member
}

// Claim returns the raw value of the named claim.
func (s Subject) Claim(name string) (json.RawMessage, bool) {
	for _, m := range s.Claims {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
}

// JSON returns the subject as one JSON object (id first, then the claims),
// the form schema validation takes.
func (s Subject) JSON() (json.RawMessage, error) { return s.MarshalJSON() }

// MarshalJSON implements json.Marshaler.
func (s Subject) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if s.ID != "" {
		w.str("id", s.ID)
	}
	for _, m := range s.Claims {
		if !json.Valid(m.Value) {
			return nil, fmt.Errorf("claim %q is not valid JSON", m.Name)
		}
		w.raw(m.Name, compact(m.Value))
	}
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Subject) UnmarshalJSON(data []byte) error {
	members, err := orderedMembers(data)
	if err != nil {
		return err
	}
	var out Subject
	for _, m := range members {
		if m.Name == "id" {
			id, err := decodeString(m.Value)
			if err != nil {
				return fmt.Errorf("id: %w", err)
			}
			if id == "" {
				return errors.New("id: must not be empty")
			}
			out.ID = id
			continue
		}
		out.Claims = append(out.Claims, m)
	}
	*s = out
	return nil
}

// Status is one credentialStatus entry. The members of a
// BitstringStatusListEntry are typed; other members stay in Extra.
type Status struct {
	ID                   string
	Type                 string
	StatusPurpose        string
	StatusListIndex      string
	StatusListCredential string
	Extra                map[string]json.RawMessage
}

// Index returns StatusListIndex as an integer. It is a base-10 string of at
// most 18 digits without sign or leading zeros.
func (s Status) Index() (int64, error) {
	v := s.StatusListIndex
	if v == "" || len(v) > 18 || (len(v) > 1 && v[0] == '0') {
		return 0, fmt.Errorf("statusListIndex %q is not a canonical non-negative integer", v)
	}
	var n int64
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("statusListIndex %q is not a canonical non-negative integer", v)
		}
		n = n*10 + int64(r-'0')
	}
	return n, nil
}

// Validate checks a status entry: it has a type, its id (if any) is a URI,
// and a BitstringStatusListEntry has a purpose, a canonical index and a URL
// for its list credential.
func (s Status) Validate() error {
	if s.Type == "" {
		return errors.New("type is required")
	}
	if s.ID != "" && !isURI(s.ID) {
		return fmt.Errorf("id %q is not a URI", s.ID)
	}
	if s.Type != TypeBitstringStatusListEntry {
		return nil
	}
	if s.StatusPurpose == "" {
		return errors.New("statusPurpose is required")
	}
	if _, err := s.Index(); err != nil {
		return err
	}
	if !isURI(s.StatusListCredential) {
		return fmt.Errorf("statusListCredential %q is not a URI", s.StatusListCredential)
	}
	return nil
}

// MarshalJSON implements json.Marshaler.
func (s Status) MarshalJSON() ([]byte, error) {
	var w objectWriter
	for _, f := range []struct{ name, v string }{
		{"id", s.ID}, {"type", s.Type}, {"statusPurpose", s.StatusPurpose},
		{"statusListIndex", s.StatusListIndex}, {"statusListCredential", s.StatusListCredential},
	} {
		if f.v != "" || f.name == "type" {
			w.str(f.name, f.v)
		}
	}
	w.extras(s.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Status) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out Status
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"id", &out.ID}, {"type", &out.Type}, {"statusPurpose", &out.StatusPurpose},
		{"statusListIndex", &out.StatusListIndex}, {"statusListCredential", &out.StatusListCredential},
	} {
		if err := takeNonEmpty(m, f.name, f.v); err != nil {
			return err
		}
	}
	out.Extra = extraOrNil(m)
	*s = out
	return nil
}

// SchemaRef is one credentialSchema entry: the id of the schema and its type
// (JsonSchema or JsonSchemaCredential in VC 2.0).
type SchemaRef struct {
	ID    string
	Type  string
	Extra map[string]json.RawMessage
}

// MarshalJSON implements json.Marshaler.
func (s SchemaRef) MarshalJSON() ([]byte, error) {
	var w objectWriter
	w.str("id", s.ID)
	w.str("type", s.Type)
	w.extras(s.Extra)
	return w.bytes()
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *SchemaRef) UnmarshalJSON(data []byte) error {
	m, err := splitObject(data)
	if err != nil {
		return err
	}
	var out SchemaRef
	if err := takeNonEmpty(m, "id", &out.ID); err != nil {
		return err
	}
	if err := takeNonEmpty(m, "type", &out.Type); err != nil {
		return err
	}
	out.Extra = extraOrNil(m)
	*s = out
	return nil
}

// takeNonEmpty is take for a string member that is written back only when
// non-empty, so an empty value (which would not round-trip) is refused.
func takeNonEmpty(m map[string]json.RawMessage, name string, v *string) error {
	_, present := m[name]
	if err := take(m, name, v); err != nil {
		return err
	}
	if present && *v == "" {
		return fmt.Errorf("%s: must not be empty", name)
	}
	return nil
}

// checkContext checks the @context and returns the version it names.
func checkContext(ctx did.Context) (Version, error) {
	v := version(ctx)
	if v == 0 {
		return 0, fmt.Errorf("the first @context entry must be %q or %q", ContextV2, ContextV1)
	}
	for i, e := range ctx.Entries[1:] {
		if e.URI == ContextV1 || e.URI == ContextV2 {
			return 0, fmt.Errorf("@context entry %d repeats a base context", i+1)
		}
	}
	return v, nil
}

func checkTypes(t did.StringOrSet, want string) error {
	for _, s := range t.Values {
		if s == "" {
			return errors.New("type has an empty value")
		}
	}
	if !t.Contains(want) {
		return fmt.Errorf("type must include %s", want)
	}
	return nil
}

// checkMembers refuses duplicate or reserved names in an ordered member
// list built in code.
func checkMembers(ms []Member, reserved string) error {
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if m.Name == reserved || seen[m.Name] {
			return fmt.Errorf("member %q appears twice", m.Name)
		}
		seen[m.Name] = true
		if !json.Valid(m.Value) {
			return fmt.Errorf("member %q is not valid JSON", m.Name)
		}
	}
	return nil
}

func checkProofs(p OneOrMany[json.RawMessage]) error {
	if p.Array && len(p.Items) == 0 {
		return errors.New("proof is an empty array")
	}
	for i, raw := range p.Items {
		if r := bytes.TrimSpace(raw); len(r) == 0 || r[0] != '{' {
			return fmt.Errorf("proof %d is not an object", i)
		}
	}
	return nil
}

func isObjectOrArray(raw json.RawMessage) bool {
	r := bytes.TrimSpace(raw)
	return len(r) > 0 && (r[0] == '{' || r[0] == '[')
}

// isURI reports whether s is an absolute URI: a scheme (RFC 3986 §3.1), no
// white space or control characters, and something after the colon.
func isURI(s string) bool {
	if s == "" || len(s) > 8192 || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" || rest == "" {
		return false
	}
	for i, r := range scheme {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	_, err := url.Parse(s)
	return err == nil
}
