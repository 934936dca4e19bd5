package dcql

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/chainid/chainid/internal/strictjson"
)

// Errors callers branch on.
var (
	// ErrInvalid: the query breaks DCQL's rules.
	ErrInvalid = errors.New("invalid DCQL query")
	// ErrUnsupported: a valid feature this implementation does not apply
	// (trusted_authorities).
	ErrUnsupported = errors.New("unsupported DCQL feature")
	// ErrUnsatisfied: a response does not satisfy the query.
	ErrUnsatisfied = errors.New("response does not satisfy the DCQL query")
)

// Credential formats a query may name.
const (
	FormatSDJWT     = "dc+sd-jwt"
	FormatJWTVCJSON = "jwt_vc_json"
	FormatLDPVC     = "ldp_vc"
	FormatMDoc      = "mso_mdoc"
	// FormatZK is chainid's zero-knowledge proof format (an extension): a
	// credential query whose meta.zk_request holds the proof request
	// (a verifier/zk request document once the verifier made it).
	FormatZK = "chainid_zk"
)

// Limits of Parse.
const (
	MaxQueryBytes   = 64 << 10
	MaxCredentials  = 32
	MaxClaims       = 64
	MaxPathElements = 16
	// maxDepth bounds the nesting of a query (meta.zk_request included).
	maxDepth = 32
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Query is a parsed, validated DCQL query.
type Query struct {
	Credentials    []CredentialQuery `json:"credentials"`
	CredentialSets []CredentialSet   `json:"credential_sets,omitempty"`
}

// CredentialQuery asks for one credential.
type CredentialQuery struct {
	ID       string `json:"id"`
	Format   string `json:"format"`
	Multiple bool   `json:"multiple,omitempty"`
	Meta     Meta   `json:"meta"`
	// RequireHolderBinding is require_cryptographic_holder_binding
	// (default true).
	RequireHolderBinding *bool           `json:"require_cryptographic_holder_binding,omitempty"`
	TrustedAuthorities   json.RawMessage `json:"trusted_authorities,omitempty"`
	Claims               []ClaimQuery    `json:"claims,omitempty"`
	ClaimSets            [][]string      `json:"claim_sets,omitempty"`
}

// HolderBinding reports whether the credential must be presented with
// cryptographic holder binding.
func (c CredentialQuery) HolderBinding() bool {
	return c.RequireHolderBinding == nil || *c.RequireHolderBinding
}

// Meta constrains the credential's type.
type Meta struct {
	VCTValues    []string   `json:"vct_values,omitempty"`
	TypeValues   [][]string `json:"type_values,omitempty"`
	DoctypeValue string     `json:"doctype_value,omitempty"`
	// ZKRequest is the zero-knowledge proof request of a FormatZK query
	// (required there, refused elsewhere): a JSON object this package
	// does not interpret.
	ZKRequest json.RawMessage `json:"zk_request,omitempty"`
}

// ClaimQuery asks for one claim.
type ClaimQuery struct {
	ID     string            `json:"id,omitempty"`
	Path   Path              `json:"path"`
	Values []json.RawMessage `json:"values,omitempty"`
}

// Path is a claims path pointer: each element a string (object member), a
// non-negative integer (array index) or nil (every array element).
type Path []any

// CredentialSet is one credential_sets entry.
type CredentialSet struct {
	Options  [][]string `json:"options"`
	Required *bool      `json:"required,omitempty"`
}

// IsRequired reports whether the set must be satisfied (default true).
func (s CredentialSet) IsRequired() bool { return s.Required == nil || *s.Required }

// Parse parses and validates a DCQL query.
func Parse(raw []byte) (*Query, error) {
	if len(raw) > MaxQueryBytes {
		return nil, fmt.Errorf("%w: %d bytes exceed %d", ErrInvalid, len(raw), MaxQueryBytes)
	}
	// Member names are compared as encoding/json matches them to fields
	// (case-insensitively): "credentials" and "Credentials" are one
	// member, named twice. Trailing data makes the document invalid JSON.
	if err := strictjson.CheckFold(raw, maxDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var q Query
	if err := dec.Decode(&q); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return &q, nil
}

// Validate checks the rules of §6.
func (q *Query) Validate() error {
	if len(q.Credentials) == 0 || len(q.Credentials) > MaxCredentials {
		return fmt.Errorf("%w: credentials must list 1 to %d queries", ErrInvalid, MaxCredentials)
	}
	ids := map[string]bool{}
	for i, c := range q.Credentials {
		if err := c.validate(); err != nil {
			return fmt.Errorf("credentials[%d]: %w", i, err)
		}
		if ids[c.ID] {
			return fmt.Errorf("%w: credential id %q used twice", ErrInvalid, c.ID)
		}
		ids[c.ID] = true
	}
	if q.CredentialSets != nil && len(q.CredentialSets) == 0 {
		return fmt.Errorf("%w: credential_sets must not be empty", ErrInvalid)
	}
	for i, s := range q.CredentialSets {
		if len(s.Options) == 0 {
			return fmt.Errorf("%w: credential_sets[%d].options must not be empty", ErrInvalid, i)
		}
		for _, opt := range s.Options {
			if len(opt) == 0 {
				return fmt.Errorf("%w: credential_sets[%d] has an empty option", ErrInvalid, i)
			}
			for _, id := range opt {
				if !ids[id] {
					return fmt.Errorf("%w: credential_sets[%d] names unknown credential %q", ErrInvalid, i, id)
				}
			}
		}
	}
	return nil
}

func (c CredentialQuery) validate() error {
	if !idPattern.MatchString(c.ID) {
		return fmt.Errorf("%w: id %q must be 1-64 of [A-Za-z0-9_-]", ErrInvalid, c.ID)
	}
	switch c.Format {
	case FormatSDJWT:
		if len(c.Meta.VCTValues) == 0 || c.Meta.TypeValues != nil || c.Meta.DoctypeValue != "" {
			return fmt.Errorf("%w: %s needs meta.vct_values (only)", ErrInvalid, c.Format)
		}
	case FormatJWTVCJSON, FormatLDPVC:
		if len(c.Meta.TypeValues) == 0 || c.Meta.VCTValues != nil || c.Meta.DoctypeValue != "" {
			return fmt.Errorf("%w: %s needs meta.type_values (only)", ErrInvalid, c.Format)
		}
		for _, tv := range c.Meta.TypeValues {
			if len(tv) == 0 {
				return fmt.Errorf("%w: meta.type_values has an empty entry", ErrInvalid)
			}
		}
	case FormatMDoc:
		return fmt.Errorf("%w: format %s", ErrUnsupported, c.Format)
	case FormatZK:
		if !isObject(c.Meta.ZKRequest) || c.Meta.VCTValues != nil || c.Meta.TypeValues != nil || c.Meta.DoctypeValue != "" {
			return fmt.Errorf("%w: %s needs meta.zk_request, a JSON object (only)", ErrInvalid, c.Format)
		}
	case "":
		return fmt.Errorf("%w: format is required", ErrInvalid)
	default:
		return fmt.Errorf("%w: format %q", ErrUnsupported, c.Format)
	}
	if c.Format != FormatZK && c.Meta.ZKRequest != nil {
		return fmt.Errorf("%w: meta.zk_request belongs to %s queries", ErrInvalid, FormatZK)
	}
	for _, v := range c.Meta.VCTValues {
		if v == "" {
			return fmt.Errorf("%w: empty vct value", ErrInvalid)
		}
	}
	if len(c.TrustedAuthorities) > 0 {
		return fmt.Errorf("%w: trusted_authorities (the verifier's policy decides trusted issuers)", ErrUnsupported)
	}
	if c.Claims != nil && (len(c.Claims) == 0 || len(c.Claims) > MaxClaims) {
		return fmt.Errorf("%w: claims must list 1 to %d claims", ErrInvalid, MaxClaims)
	}
	claimIDs := map[string]bool{}
	for i, cl := range c.Claims {
		if err := cl.Path.validate(); err != nil {
			return fmt.Errorf("claims[%d]: %w", i, err)
		}
		if cl.ID != "" {
			if !idPattern.MatchString(cl.ID) {
				return fmt.Errorf("%w: claim id %q must be 1-64 of [A-Za-z0-9_-]", ErrInvalid, cl.ID)
			}
			if claimIDs[cl.ID] {
				return fmt.Errorf("%w: claim id %q used twice", ErrInvalid, cl.ID)
			}
			claimIDs[cl.ID] = true
		} else if c.ClaimSets != nil {
			return fmt.Errorf("%w: claims[%d] needs an id when claim_sets is present", ErrInvalid, i)
		}
		if cl.Values != nil && len(cl.Values) == 0 {
			return fmt.Errorf("%w: claims[%d].values must not be empty", ErrInvalid, i)
		}
		for _, v := range cl.Values {
			if !scalar(v) {
				return fmt.Errorf("%w: claims[%d].values must be strings, integers or booleans", ErrInvalid, i)
			}
		}
	}
	if c.ClaimSets != nil {
		if len(c.Claims) == 0 {
			return fmt.Errorf("%w: claim_sets without claims", ErrInvalid)
		}
		if len(c.ClaimSets) == 0 {
			return fmt.Errorf("%w: claim_sets must not be empty", ErrInvalid)
		}
		for _, set := range c.ClaimSets {
			if len(set) == 0 {
				return fmt.Errorf("%w: an empty claim set", ErrInvalid)
			}
			for _, id := range set {
				if !claimIDs[id] {
					return fmt.Errorf("%w: claim set names unknown claim %q", ErrInvalid, id)
				}
			}
		}
	}
	return nil
}

// isObject reports a JSON object.
func isObject(v json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(v, &m) == nil && m != nil
}

// scalar reports a JSON string, integer or boolean.
func scalar(v json.RawMessage) bool {
	var x any
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	if d.Decode(&x) != nil {
		return false
	}
	switch t := x.(type) {
	case string, bool:
		return true
	case json.Number:
		_, err := t.Int64()
		return err == nil
	}
	return false
}

// UnmarshalJSON reads a path, refusing elements other than strings,
// non-negative integers and null.
func (p *Path) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("%w: path must be an array", ErrInvalid)
	}
	out := make(Path, 0, len(raw))
	for _, e := range raw {
		var s string
		var n int64
		switch {
		case string(e) == "null":
			out = append(out, nil)
		case json.Unmarshal(e, &s) == nil:
			out = append(out, s)
		case json.Unmarshal(e, &n) == nil && n >= 0 && !bytes.ContainsAny(e, ".eE"):
			out = append(out, int(n))
		default:
			return fmt.Errorf("%w: path element %s is not a string, a non-negative integer or null", ErrInvalid, e)
		}
	}
	*p = out
	return nil
}

func (p Path) validate() error {
	if len(p) == 0 || len(p) > MaxPathElements {
		return fmt.Errorf("%w: path must have 1 to %d elements", ErrInvalid, MaxPathElements)
	}
	return nil
}

// checkDuplicates refuses JSON objects that name a member twice.
func checkDuplicates(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		top := func() *frame {
			if len(stack) == 0 {
				return nil
			}
			return stack[len(stack)-1]
		}
		f := top()
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if f != nil && f.obj {
					f.key = true
				}
				stack = append(stack, &frame{obj: d == '{', keys: map[string]bool{}, key: true})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if f != nil && f.obj {
			if f.key {
				k := tok.(string)
				if f.keys[k] {
					return fmt.Errorf("%w: member %q appears twice", ErrInvalid, k)
				}
				f.keys[k] = true
				f.key = false
			} else {
				f.key = true
			}
		}
	}
}

var _ = slices.Contains[[]string]
