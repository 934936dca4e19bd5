package zk

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/strictjson"
	"github.com/chainid/chainid/zkp"
)

// RequestVersion is the version of the request document.
const RequestVersion = 1

// Limits of a Spec.
const (
	MaxIssuers      = 8
	MaxStringLength = 2048
	MaxNameLength   = 128
	MaxAccount      = 256
	// MinTTL and MaxTTL bound Spec.TTLSeconds; DefaultTTL is used when it
	// is zero. The proof shows the credential unexpired at the request's
	// Now, not when it is verified, so MaxTTL (plus the service's leeway)
	// is also how long after its expiry a credential can still be
	// accepted: keep it short.
	MinTTL     = 10 * time.Second
	MaxTTL     = 10 * time.Minute
	DefaultTTL = 5 * time.Minute
	// maxRequestBytes bounds a request document given to ParseRequest.
	maxRequestBytes = 64 << 10
)

// Spec is what a verifier asks for: the body of POST /v1/zk/requests.
// Attribute names refer to the schema's x-chainid-zk list; predicate values
// are JSON values of the attribute's type (see zkp.AttributeSpec.EncodeJSON).
type Spec struct {
	// Issuers are the accepted issuer DIDs (1 to MaxIssuers, distinct).
	// Each must have anchored its ZK key, the verifying key's digest and
	// its status root in its DID document.
	Issuers []string `json:"issuers" validate:"required,min=1,max=8,unique,dive,required,max=2048,nocontrol"`
	// Schema is the credential schema's $id.
	Schema string `json:"schema" validate:"required,max=2048,nocontrol"`
	// Reveal names the attributes whose values are disclosed.
	Reveal []string `json:"reveal,omitempty" validate:"max=16,unique,dive,required,max=128,nocontrol"`
	// Predicates must hold on the credential's attributes.
	Predicates []PredicateSpec `json:"predicates,omitempty" validate:"max=4,dive"`
	// Audience identifies the verifier the proof is for (for example its
	// origin); a proof made for another audience fails.
	Audience string `json:"audience" validate:"required,max=2048,nocontrol"`
	// Scope is the nullifier domain (for example the site): one holder has
	// one nullifier per scope.
	Scope string `json:"scope" validate:"required,max=2048,nocontrol"`
	// Register marks a registration: a proof whose nullifier is already
	// known at Scope is refused (one account per person and scope).
	Register bool `json:"register,omitempty"`
	// Account is the verifier's account the proof is for. The first
	// verified proof binds its nullifier to it; a later proof with the
	// same nullifier for another account is refused. Never shown to the
	// holder.
	Account string `json:"account,omitempty" validate:"max=256,nocontrol"`
	// TTLSeconds is the request's lifetime, MinTTL to MaxTTL (10 to 600
	// seconds); zero means DefaultTTL.
	TTLSeconds int `json:"ttlSeconds,omitempty" validate:"omitempty,min=10,max=600"`
	// Nonce, when an in-process caller (an OpenID4VP verifier with its own
	// nonce) sets it, replaces the random nonce; it is never read from
	// JSON. 16 to 256 printable ASCII characters.
	Nonce string `json:"-"`
}

// PredicateSpec is one predicate of a Spec.
type PredicateSpec struct {
	// Attribute is the tested attribute's name.
	Attribute string `json:"attribute" validate:"required,max=128,nocontrol"`
	// Op is the operator: "=" (eq), "≠" (!=, ne), "<" (lt), "≤" (<=, le),
	// ">" (gt), "≥" (>=, ge), "between", "in", "not-in" (notin).
	Op string `json:"op" validate:"required,oneof== eq != ≠ ne < lt <= ≤ le > gt >= ≥ ge between in not-in notin"`
	// Value is the operand: one value of the attribute's type for the
	// comparisons, [low, high] for between (inclusive), an array of 1 to
	// zkp.MaxSetSize distinct values for in and not-in.
	Value json.RawMessage `json:"value" validate:"required"`
}

// opAliases maps every accepted operator spelling to its zkp.Op.
var opAliases = map[string]zkp.Op{
	"=": zkp.OpEq, "eq": zkp.OpEq,
	"!=": zkp.OpNe, "≠": zkp.OpNe, "ne": zkp.OpNe,
	"<": zkp.OpLt, "lt": zkp.OpLt,
	"<=": zkp.OpLe, "≤": zkp.OpLe, "le": zkp.OpLe,
	">": zkp.OpGt, "gt": zkp.OpGt,
	">=": zkp.OpGe, "≥": zkp.OpGe, "ge": zkp.OpGe,
	"between": zkp.OpBetween,
	"in":      zkp.OpInSet,
	"not-in":  zkp.OpNotInSet, "notin": zkp.OpNotInSet,
}

// Request is a proof request document: everything a holder needs to prove
// it offline, as served by GET /v1/zk/requests/{id}. Field elements are
// canonical decimal strings.
type Request struct {
	// Version is RequestVersion.
	Version int `json:"version"`
	// ID names the request; proofs cite it.
	ID string `json:"id"`
	// Issuers are the accepted issuers with the values anchored in their
	// DID documents when the request was made. The holder proves against
	// its issuer's StatusRoot; the verifier reads all three again from
	// the chain when it verifies.
	Issuers []IssuerAnchor `json:"issuers"`
	// Schema is the schema's $id; Attributes its x-chainid-zk list.
	Schema     string      `json:"schema"`
	Attributes []Attribute `json:"attributes"`
	// Reveal lists the disclosed attributes with their slots.
	Reveal []Reveal `json:"reveal"`
	// Predicates lists the predicates with their slots and encoded operands.
	Predicates []Predicate `json:"predicates"`
	// Audience, Scope and Nonce are bound into the proof.
	Audience string `json:"audience"`
	Scope    string `json:"scope"`
	Nonce    string `json:"nonce"`
	// Register marks a registration request (see Spec.Register).
	Register bool `json:"register,omitempty"`
	// Now is the time at which the credential must be valid (whole
	// seconds, UTC); Expires is when the request stops being accepted.
	Now     time.Time `json:"now"`
	Expires time.Time `json:"expires"`
	// VerifyingKeyDigest is the hex SHA-256 digest of the verifying key
	// the verifier checks proofs with.
	VerifyingKeyDigest string `json:"verifyingKeyDigest"`
	// ResponseURI is where to POST the proof, when the service knows its
	// public URL.
	ResponseURI string `json:"responseUri,omitempty"`
}

// IssuerAnchor is an accepted issuer and its anchored ZK values.
type IssuerAnchor struct {
	ID string `json:"id"`
	// IssuerKey is the hex 32-byte compressed ZK public key.
	IssuerKey string `json:"issuerKey"`
	// StatusRoot is the anchored status-tree root.
	StatusRoot string `json:"statusRoot"`
}

// Attribute is one entry of the schema's ZK attribute list.
type Attribute struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Values are an enum's values in encoding order.
	Values []string `json:"values,omitempty"`
}

// Reveal is a disclosed attribute.
type Reveal struct {
	Attribute string `json:"attribute"`
	Index     int    `json:"index"`
}

// Predicate is a predicate with its resolved slot and encoded operands.
type Predicate struct {
	Attribute string `json:"attribute"`
	Index     int    `json:"index"`
	// Op is the zkp.Op short name ("eq", "lt", "between", "in", …).
	Op string `json:"op"`
	// Value is the operand as the verifier wrote it.
	Value json.RawMessage `json:"value"`
	// Operands are the encoded operands (1, 2, or 1 to zkp.MaxSetSize).
	Operands []string `json:"operands"`
}

// specs returns the attribute specs of the request's attribute list.
func specsOf(attrs []Attribute) ([]zkp.AttributeSpec, error) {
	out := make([]zkp.AttributeSpec, len(attrs))
	for i, a := range attrs {
		t, err := zkp.ParseAttributeType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
		}
		out[i] = zkp.AttributeSpec{Name: a.Name, Type: t, Enum: slices.Clone(a.Values)}
	}
	return out, nil
}

func attributesOf(specs []zkp.AttributeSpec) []Attribute {
	out := make([]Attribute, len(specs))
	for i, s := range specs {
		out[i] = Attribute{Name: s.Name, Type: s.Type.String(), Values: slices.Clone(s.Enum)}
	}
	return out
}

// encodePredicate checks a predicate's operator against the attribute's
// type and encodes its operands with the credential encoding's own strict
// rules (zkcred.EncodeValue: integers in plain JSON syntax, no -0, whole
// seconds, no lone surrogates), so an operand means exactly what the
// verifier wrote and never a silently normalized value.
func encodePredicate(spec zkp.AttributeSpec, op zkp.Op, value json.RawMessage) ([]fr.Element, error) {
	encode := func(raw json.RawMessage) (fr.Element, error) {
		a, err := zkcred.EncodeValue(spec, raw)
		if err != nil {
			return fr.Element{}, err
		}
		return a.Encoded, nil
	}
	array := func() ([]json.RawMessage, error) {
		var arr []json.RawMessage
		if err := json.Unmarshal(value, &arr); err != nil {
			return nil, fmt.Errorf("%s needs an array: %w", op, err)
		}
		return arr, nil
	}
	switch op {
	case zkp.OpLt, zkp.OpLe, zkp.OpGt, zkp.OpGe, zkp.OpBetween:
		if !spec.Type.Comparable() {
			return nil, fmt.Errorf("operator %s needs an ordered attribute, %q is a %s", op, spec.Name, spec.Type)
		}
	}
	var out []fr.Element
	switch op {
	case zkp.OpEq, zkp.OpNe, zkp.OpLt, zkp.OpLe, zkp.OpGt, zkp.OpGe:
		e, err := encode(value)
		if err != nil {
			return nil, err
		}
		out = []fr.Element{e}
	case zkp.OpBetween:
		arr, err := array()
		if err != nil || len(arr) != 2 {
			return nil, errors.New("between needs [low, high]")
		}
		for _, x := range arr {
			e, err := encode(x)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		var lo, hi big.Int
		out[0].BigInt(&lo)
		out[1].BigInt(&hi)
		if lo.Cmp(&hi) > 0 {
			return nil, errors.New("between needs low ≤ high")
		}
	case zkp.OpInSet, zkp.OpNotInSet:
		arr, err := array()
		if err != nil || len(arr) < 1 || len(arr) > zkp.MaxSetSize {
			return nil, fmt.Errorf("%s needs an array of 1 to %d values", op, zkp.MaxSetSize)
		}
		for _, x := range arr {
			e, err := encode(x)
			if err != nil {
				return nil, err
			}
			if slices.Contains(out, e) {
				return nil, fmt.Errorf("%s lists a value twice", op)
			}
			out = append(out, e)
		}
	default:
		return nil, fmt.Errorf("unsupported operator %s", op)
	}
	return out, nil
}

// ParseRequest parses a request document strictly (unknown members,
// duplicate names, trailing data and inconsistent content are refused) and
// validates it (see Request.Validate).
func ParseRequest(b []byte) (*Request, error) {
	if len(b) > maxRequestBytes {
		return nil, fmt.Errorf("%w: request of %d bytes, limit %d", ErrInvalidRequest, len(b), maxRequestBytes)
	}
	var r Request
	if err := strictJSON(b, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks the document is well formed and self-consistent: known
// version, issuers with valid DIDs, keys and roots, a valid attribute list,
// reveal and predicate slots that match it, operands that are the
// encodings of the written values, printable strings, and Now before
// Expires. Errors wrap ErrInvalidRequest.
func (r *Request) Validate() error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return nil
}

func (r *Request) validate() error {
	if r.Version != RequestVersion {
		return fmt.Errorf("version %d, want %d", r.Version, RequestVersion)
	}
	if r.ID == "" || len(r.ID) > 128 || !printable(r.ID) {
		return errors.New("missing or malformed id")
	}
	if len(r.Issuers) == 0 || len(r.Issuers) > MaxIssuers {
		return fmt.Errorf("%d issuers, want 1 to %d", len(r.Issuers), MaxIssuers)
	}
	seen := map[string]bool{}
	for _, is := range r.Issuers {
		if _, err := did.Parse(is.ID); err != nil {
			return fmt.Errorf("issuer %q: %w", is.ID, err)
		}
		if seen[is.ID] {
			return fmt.Errorf("issuer %s listed twice", is.ID)
		}
		seen[is.ID] = true
		if _, err := is.key(); err != nil {
			return err
		}
		if _, err := zkp.ParseElement(is.StatusRoot); err != nil {
			return fmt.Errorf("issuer %s status root: %w", is.ID, err)
		}
	}
	for _, s := range []struct{ name, v string }{{"schema", r.Schema}, {"audience", r.Audience}, {"scope", r.Scope}, {"nonce", r.Nonce}} {
		if s.v == "" || len(s.v) > MaxStringLength || strings.ContainsFunc(s.v, unicode.IsControl) {
			return fmt.Errorf("missing or malformed %s", s.name)
		}
	}
	if len(r.Attributes) == 0 || len(r.Attributes) > zkp.MaxAttributes {
		return fmt.Errorf("%d attributes, want 1 to %d", len(r.Attributes), zkp.MaxAttributes)
	}
	specs, err := specsOf(r.Attributes)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, a := range r.Attributes {
		if a.Name == "" || names[a.Name] {
			return fmt.Errorf("attribute name %q empty or repeated", a.Name)
		}
		names[a.Name] = true
		if (a.Type == zkp.TypeEnum.String()) != (len(a.Values) > 0) {
			return fmt.Errorf("attribute %q: values are for, and only for, enums", a.Name)
		}
	}
	if len(r.Reveal) > zkp.MaxAttributes {
		return errors.New("too many revealed attributes")
	}
	revealed := map[int]bool{}
	for _, rv := range r.Reveal {
		if rv.Index < 0 || rv.Index >= len(r.Attributes) || r.Attributes[rv.Index].Name != rv.Attribute {
			return fmt.Errorf("revealed attribute %q does not match slot %d", rv.Attribute, rv.Index)
		}
		if revealed[rv.Index] {
			return fmt.Errorf("attribute %q revealed twice", rv.Attribute)
		}
		revealed[rv.Index] = true
	}
	if len(r.Predicates) > zkp.MaxPredicates {
		return fmt.Errorf("%d predicates, limit %d", len(r.Predicates), zkp.MaxPredicates)
	}
	for i, p := range r.Predicates {
		if p.Index < 0 || p.Index >= len(r.Attributes) || r.Attributes[p.Index].Name != p.Attribute {
			return fmt.Errorf("predicate %d: attribute %q does not match slot %d", i, p.Attribute, p.Index)
		}
		op, err := zkp.ParseOp(p.Op)
		if err != nil || op == zkp.OpNone {
			return fmt.Errorf("predicate %d: unknown operator %q", i, p.Op)
		}
		want, err := encodePredicate(specs[p.Index], op, p.Value)
		if err != nil {
			return fmt.Errorf("predicate %d on %q: %w", i, p.Attribute, err)
		}
		got, err := parseElements(p.Operands)
		if err != nil {
			return fmt.Errorf("predicate %d operands: %w", i, err)
		}
		if !slices.Equal(want, got) {
			return fmt.Errorf("predicate %d on %q: operands are not the encoding of its value", i, p.Attribute)
		}
	}
	if r.Now.IsZero() || !r.Expires.After(r.Now) || r.Now.Nanosecond() != 0 {
		return errors.New("now must be a whole second before expires")
	}
	if r.Expires.Sub(r.Now) > MaxTTL {
		return fmt.Errorf("expires is more than %s after now", MaxTTL)
	}
	if _, err := hex.DecodeString(r.VerifyingKeyDigest); err != nil || len(r.VerifyingKeyDigest) != 64 {
		return errors.New("malformed verifyingKeyDigest")
	}
	return nil
}

func (is IssuerAnchor) key() (zkp.IssuerPublicKey, error) {
	b, err := hex.DecodeString(is.IssuerKey)
	if err != nil {
		return zkp.IssuerPublicKey{}, fmt.Errorf("issuer %s key: %w", is.ID, err)
	}
	k, err := zkp.ParseIssuerPublicKey(b)
	if err != nil {
		return zkp.IssuerPublicKey{}, fmt.Errorf("issuer %s key: %w", is.ID, err)
	}
	return k, nil
}

func parseElements(ss []string) ([]fr.Element, error) {
	out := make([]fr.Element, len(ss))
	for i, s := range ss {
		e, err := zkp.ParseElement(s)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func formatElements(es []fr.Element) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = zkp.FormatElement(e)
	}
	return out
}

// Issuer returns the anchor entry of the issuer DID, if listed.
func (r *Request) Issuer(id string) (IssuerAnchor, bool) {
	for _, is := range r.Issuers {
		if is.ID == id {
			return is, true
		}
	}
	return IssuerAnchor{}, false
}

// Specs returns the attribute specs of the request's attribute list.
func (r *Request) Specs() ([]zkp.AttributeSpec, error) { return specsOf(r.Attributes) }

// ZK returns the circuit request for a proof of a credential from issuer
// with the given issuer key and status root: the schema, disclosure,
// predicates, time, scope, nonce and audience come from the document.
// The holder passes the values listed in the document for its issuer
// (Statement); the verifier passes the values it read from the chain.
func (r *Request) ZK(key zkp.IssuerPublicKey, statusRoot fr.Element) (*zkp.Request, error) {
	schema, err := zkp.SchemaElement(r.Schema)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	scope, err := zkp.ScopeElement(r.Scope)
	if err != nil {
		return nil, fmt.Errorf("scope: %w", err)
	}
	nonce, err := zkp.NonceElement([]byte(r.Nonce))
	if err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	aud, err := zkp.AudienceElement(r.Audience)
	if err != nil {
		return nil, fmt.Errorf("audience: %w", err)
	}
	zr := &zkp.Request{
		IssuerKey: key, SchemaID: schema, Now: r.Now, StatusRoot: statusRoot,
		Scope: scope, Nonce: nonce, Audience: aud,
	}
	for _, rv := range r.Reveal {
		zr.Disclose[rv.Index] = true
	}
	for i, p := range r.Predicates {
		op, err := zkp.ParseOp(p.Op)
		if err != nil {
			return nil, fmt.Errorf("predicate %d: %w", i, err)
		}
		ops, err := parseElements(p.Operands)
		if err != nil {
			return nil, fmt.Errorf("predicate %d: %w", i, err)
		}
		zr.Predicates[i] = zkp.Predicate{Attr: p.Index, Op: op, Operands: ops}
	}
	if err := zr.Validate(); err != nil {
		return nil, err
	}
	return zr, nil
}

// Statement returns the circuit request for a credential of issuer id as
// the holder proves it: with the issuer key and status root the document
// lists for that issuer.
func (r *Request) Statement(id string) (*zkp.Request, error) {
	is, ok := r.Issuer(id)
	if !ok {
		return nil, fmt.Errorf("%w: issuer %s is not accepted by request %s", ErrInvalidRequest, id, r.ID)
	}
	key, err := is.key()
	if err != nil {
		return nil, err
	}
	root, err := zkp.ParseElement(is.StatusRoot)
	if err != nil {
		return nil, fmt.Errorf("issuer %s status root: %w", id, err)
	}
	return r.ZK(key, root)
}

// strictJSON decodes one JSON value into dst refusing unknown fields,
// duplicate member names and trailing data.
func strictJSON(b []byte, dst any) error {
	if err := checkDuplicates(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// checkDuplicates refuses invalid JSON, objects that name a member twice
// (compared as encoding/json matches fields: case-insensitively, with
// Unicode folding, so "scope" and "ſcope" are one name) and nesting deeper
// than 32.
func checkDuplicates(b []byte) error { return strictjson.CheckFold(b, 32) }

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
