package vplogin

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// ErrUnmapped reports requested claims that no Rule of the Table proves.
// The login page shows the error page listing them.
var ErrUnmapped = errors.New("claims cannot be proven with a credential")

// ErrInvalidTable reports a mapping table that cannot be used.
var ErrInvalidTable = errors.New("invalid claim mapping table")

// ClaimNullifier is the ID-token claim that carries a ZK login's
// per-client nullifier (one value per person and client).
const ClaimNullifier = "zk_nullifier"

// ZKSubjectPrefix prefixes the subject of a ZK login, which has no holder
// DID: urn:chainid:zk:<nullifier>.
const ZKSubjectPrefix = oidc.ZKSubjectPrefix

// Limits of a Table and of what one login may ask.
const (
	MaxRules        = 64
	MaxClaimsPerReq = 16
	MaxZKPredicates = 4
	maxTypes        = 8
	maxPath         = 8
)

// Table is the mapping from OIDC claims to what proves them. It is
// configuration: the zero Table maps nothing. JSON member names are those
// of the mapping file (see the README).
type Table struct {
	// Claims maps a claim name to its rule.
	Claims map[string]Rule `json:"claims"`
	// Scopes maps an OIDC scope to the claims it asks for (e.g. "email"
	// → ["email"]). Scopes not listed ask for nothing here.
	Scopes map[string][]string `json:"scopes,omitempty"`
	// RequestTTL bounds the lifetime of the presentation requests of one
	// login (a Go duration such as "5m"); empty means the bridge's default.
	RequestTTL string `json:"requestTTL,omitempty"`
}

// Rule says what proves one claim: a claim of a standard credential
// (Format, Types, Path) or a ZK proof (ZK). Exactly one of the two.
type Rule struct {
	// Format is the DCQL credential format: "dc+sd-jwt" (SD-JWT VC; Types
	// are vct values) or "jwt_vc_json" (Types are VC types, all required).
	Format string   `json:"format,omitempty"`
	Types  []string `json:"types,omitempty"`
	// Path is the claim's DCQL claims path inside the credential, e.g.
	// ["email"] or ["credentialSubject","email"].
	Path []any `json:"path,omitempty"`
	// ZK proves the claim with a zero-knowledge proof.
	ZK *ZKRule `json:"zk,omitempty"`
}

// ZKRule proves a claim with a zero-knowledge proof over a ZK credential:
// either a revealed attribute (the claim is its value) or a predicate (the
// claim is true when it holds).
type ZKRule struct {
	// Issuers are the accepted issuer DIDs; Schema the credential schema's
	// $id (with an x-chainid-zk attribute list).
	Issuers []string `json:"issuers"`
	Schema  string   `json:"schema"`
	// Reveal names an attribute to disclose as the claim's value.
	Reveal string `json:"reveal,omitempty"`
	// Attribute, Op and Value form a predicate (verifier/zk operators:
	// "<=", ">=", "between", "in", ...). With YearsAgo set, the operand
	// is the date YearsAgo years before the login day (YYYY-MM-DD), so
	// {"attribute":"birthDate","op":"<=","yearsAgo":18} is "at least 18".
	Attribute string          `json:"attribute,omitempty"`
	Op        string          `json:"op,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"`
	YearsAgo  int             `json:"yearsAgo,omitempty"`
}

// Defaults parameterize DefaultTable.
type Defaults struct {
	// CredentialTypes are the vct values accepted for SD-JWT VC claims
	// (e.g. the schema ids this server issues under).
	CredentialTypes []string
	// ZKSchema and ZKIssuers name the ZK credential with a birthDate date
	// attribute that age predicates are proven over; empty leaves
	// age_over_N unmapped.
	ZKSchema  string
	ZKIssuers []string
}

// standardClaims are the claims DefaultTable maps to SD-JWT VC claims of
// the same name.
func standardClaims() []string {
	return []string{"email", "email_verified", "name", "given_name", "family_name",
		"birthdate", "nationality", "phone_number", "address"}
}

// DefaultTable is the built-in mapping: the standard OIDC claims (email,
// email_verified, name, given_name, family_name, birthdate, nationality,
// phone_number, address) from an SD-JWT VC of one of d.CredentialTypes,
// by their own name; age_over_18 and age_over_21 as ZK predicates
// birthDate ≤ today − N years over d.ZKSchema; the scope "email" asks for
// email.
func DefaultTable(d Defaults) *Table {
	t := &Table{Claims: map[string]Rule{}, Scopes: map[string][]string{"email": {"email"}}}
	if len(d.CredentialTypes) > 0 {
		for _, c := range standardClaims() {
			t.Claims[c] = Rule{Format: oid4vp.FormatSDJWT, Types: slices.Clone(d.CredentialTypes), Path: []any{c}}
		}
	}
	if d.ZKSchema != "" && len(d.ZKIssuers) > 0 {
		for _, n := range []int{18, 21} {
			t.Claims[fmt.Sprintf("age_over_%d", n)] = Rule{ZK: &ZKRule{Issuers: slices.Clone(d.ZKIssuers), Schema: d.ZKSchema,
				Attribute: "birthDate", Op: "<=", YearsAgo: n}}
		}
	}
	return t
}

// ClaimNames are the claims a login through t can put in a token: the
// claims of its rules, and ClaimNullifier when a rule is a ZK proof;
// sorted. The OpenID provider lists them in discovery (claims_supported).
func (t *Table) ClaimNames() []string {
	out := make([]string, 0, len(t.Claims)+1)
	zk := false
	for c, r := range t.Claims {
		out = append(out, c)
		zk = zk || r.ZK != nil
	}
	if zk {
		out = append(out, ClaimNullifier)
	}
	sort.Strings(out)
	return out
}

// ScopeNames are the scopes a client may ask for to have t prove claims:
// the scopes of t.Scopes and, as a scope naming a claim asks for it (see
// Requested), the claims of its rules; sorted. The OpenID provider lists
// them in discovery (scopes_supported).
func (t *Table) ScopeNames() []string {
	set := map[string]bool{}
	for s := range t.Scopes {
		set[s] = true
	}
	for c := range t.Claims {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// DefaultClaimNames are the claims DefaultTable maps when both its
// credential types and its ZK schema are set (ClaimNames of that table):
// what a server without a mapping file can prove once it has the schemas.
func DefaultClaimNames() []string {
	return DefaultTable(Defaults{CredentialTypes: []string{"-"}, ZKSchema: "-", ZKIssuers: []string{"-"}}).ClaimNames()
}

// DefaultScopeNames are the scopes of that same table (ScopeNames).
func DefaultScopeNames() []string {
	return DefaultTable(Defaults{CredentialTypes: []string{"-"}, ZKSchema: "-", ZKIssuers: []string{"-"}}).ScopeNames()
}

// ParseTable reads a mapping file and checks it.
func ParseTable(b []byte) (*Table, error) {
	var t Table
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidTable, err)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Validate checks every rule.
func (t *Table) Validate() error {
	if len(t.Claims) > MaxRules {
		return fmt.Errorf("%w: %d rules, at most %d", ErrInvalidTable, len(t.Claims), MaxRules)
	}
	if _, err := t.ttl(); err != nil {
		return err
	}
	for name, r := range t.Claims {
		if err := r.validate(); err != nil {
			return fmt.Errorf("%w: claim %q: %w", ErrInvalidTable, name, err)
		}
		if !validName(name) || name == ClaimNullifier {
			return fmt.Errorf("%w: claim name %q", ErrInvalidTable, name)
		}
	}
	for s, cs := range t.Scopes {
		for _, c := range cs {
			if !validName(c) {
				return fmt.Errorf("%w: scope %q: claim name %q", ErrInvalidTable, s, c)
			}
		}
	}
	return nil
}

func (t *Table) ttl() (time.Duration, error) {
	if t.RequestTTL == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(t.RequestTTL)
	if err != nil || d <= 0 || d > oid4vp.MaxRequestTTL {
		return 0, fmt.Errorf("%w: requestTTL %q: want a duration in (0, %s]", ErrInvalidTable, t.RequestTTL, oid4vp.MaxRequestTTL)
	}
	return d, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func (r Rule) validate() error {
	if r.ZK != nil {
		if r.Format != "" || len(r.Types) > 0 || len(r.Path) > 0 {
			return errors.New("a rule is either a credential claim or a zk proof, not both")
		}
		z := r.ZK
		if len(z.Issuers) == 0 || z.Schema == "" {
			return errors.New("zk: issuers and schema are required")
		}
		pred := z.Attribute != "" || z.Op != ""
		if (z.Reveal != "") == pred {
			return errors.New("zk: either reveal or a predicate (attribute, op, value or yearsAgo)")
		}
		if pred && (z.Attribute == "" || z.Op == "" || (len(z.Value) == 0) == (z.YearsAgo == 0)) {
			return errors.New("zk: a predicate needs attribute, op and one of value or yearsAgo")
		}
		if z.YearsAgo < 0 || z.YearsAgo > 150 {
			return errors.New("zk: yearsAgo must be 1 to 150")
		}
		return nil
	}
	switch r.Format {
	case oid4vp.FormatSDJWT, oid4vp.FormatJWTVC:
	default:
		return fmt.Errorf("format %q: want %s or %s", r.Format, oid4vp.FormatSDJWT, oid4vp.FormatJWTVC)
	}
	if len(r.Types) == 0 || len(r.Types) > maxTypes {
		return fmt.Errorf("1 to %d types are required", maxTypes)
	}
	if slices.Contains(r.Types, "") {
		return errors.New("empty type")
	}
	if len(r.Path) == 0 || len(r.Path) > maxPath {
		return fmt.Errorf("a path of 1 to %d elements is required", maxPath)
	}
	for _, p := range r.Path {
		switch v := p.(type) {
		case string:
			if v == "" {
				return errors.New("empty path element")
			}
		case float64:
			if v < 0 || v != float64(int(v)) {
				return errors.New("path index must be a non-negative integer")
			}
		case int:
			if v < 0 {
				return errors.New("path index must be non-negative")
			}
		default:
			return fmt.Errorf("path element %v: want a string or an index", p)
		}
	}
	return nil
}

// Plan is what one login asks the wallet for and how the answer becomes
// claims.
type Plan struct {
	// Query is the DCQL query of the presentation request.
	Query json.RawMessage `json:"query"`
	// Outputs say where each requested claim comes from.
	Outputs []Output `json:"outputs"`
	// ZK is set when the query has a ZK proof (the token then carries
	// ClaimNullifier and the subject is a ZKSubjectPrefix URN unless a
	// standard credential names a holder DID).
	ZK bool `json:"zk,omitempty"`
	// Scope is the nullifier scope of the ZK proof (the OIDC client id).
	Scope string `json:"scope,omitempty"`
}

// Output maps one claim to the credential query that proves it.
type Output struct {
	Claim string `json:"claim"`
	Query string `json:"query"`
	// Path is the claim's path in a standard credential's claims.
	Path []any `json:"path,omitempty"`
	// Reveal is a ZK revealed attribute; Attribute and Op a ZK predicate.
	Reveal    string `json:"reveal,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Op        string `json:"op,omitempty"`
}

// Requested is the set of claims a login asks for: the provider's claim
// names plus the claims of the scopes the table maps, sorted, deduplicated.
func (t *Table) Requested(scopes, claims []string) []string {
	set := map[string]bool{}
	for _, c := range claims {
		set[c] = true
	}
	for _, s := range scopes {
		if _, isClaim := t.Claims[s]; isClaim {
			set[s] = true // a non-standard scope naming a claim
		}
		for _, c := range t.Scopes[s] {
			set[c] = true
		}
	}
	delete(set, ClaimNullifier) // always present for ZK logins, never a request
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Plan builds the DCQL query for claims, for OIDC client clientID (the ZK
// nullifier scope), on day now. Claims without a rule make an error wrapping
// ErrUnmapped that names them.
func (t *Table) Plan(clientID string, claims []string, now time.Time) (*Plan, error) {
	if len(claims) == 0 {
		return nil, fmt.Errorf("%w: the client asked for no claim to prove", ErrUnmapped)
	}
	if len(claims) > MaxClaimsPerReq {
		return nil, fmt.Errorf("%w: %d claims, at most %d per login", ErrUnmapped, len(claims), MaxClaimsPerReq)
	}
	var missing []string
	for _, c := range claims {
		if _, ok := t.Claims[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnmapped, strings.Join(missing, ", "))
	}
	type credKey struct{ format, types string }
	type zkKey struct{ schema, issuers string }
	var creds []credQuery
	credIdx := map[credKey]int{}
	type zkSpec struct {
		Issuers    []string         `json:"issuers"`
		Schema     string           `json:"schema"`
		Reveal     []string         `json:"reveal,omitempty"`
		Predicates []map[string]any `json:"predicates,omitempty"`
		Scope      string           `json:"scope"`
	}
	var zks []*zkSpec
	zkIdx := map[zkKey]int{}
	p := &Plan{}
	for _, c := range claims {
		r := t.Claims[c]
		if r.ZK == nil {
			k := credKey{r.Format, strings.Join(r.Types, "\x00")}
			i, ok := credIdx[k]
			if !ok {
				i = len(creds)
				credIdx[k] = i
				var meta []byte
				if r.Format == oid4vp.FormatSDJWT {
					meta, _ = json.Marshal(map[string]any{"vct_values": r.Types})
				} else {
					meta, _ = json.Marshal(map[string]any{"type_values": [][]string{r.Types}})
				}
				creds = append(creds, credQuery{ID: fmt.Sprintf("cred%d", i), Format: r.Format, Meta: meta})
			}
			creds[i].Claims = append(creds[i].Claims, claimQuery{Path: r.Path})
			p.Outputs = append(p.Outputs, Output{Claim: c, Query: creds[i].ID, Path: r.Path})
			continue
		}
		z := r.ZK
		k := zkKey{z.Schema, strings.Join(z.Issuers, "\x00")}
		i, ok := zkIdx[k]
		if !ok {
			i = len(zks)
			zkIdx[k] = i
			zks = append(zks, &zkSpec{Issuers: z.Issuers, Schema: z.Schema, Scope: clientID})
		}
		q := fmt.Sprintf("zk%d", i)
		if z.Reveal != "" {
			if !slices.Contains(zks[i].Reveal, z.Reveal) {
				zks[i].Reveal = append(zks[i].Reveal, z.Reveal)
			}
			p.Outputs = append(p.Outputs, Output{Claim: c, Query: q, Reveal: z.Reveal})
			continue
		}
		var value any = z.Value
		if z.YearsAgo > 0 {
			value = now.UTC().AddDate(-z.YearsAgo, 0, 0).Format(time.DateOnly)
		}
		if len(zks[i].Predicates) == MaxZKPredicates {
			return nil, fmt.Errorf("%w: more than %d zk predicates in one login", ErrUnmapped, MaxZKPredicates)
		}
		zks[i].Predicates = append(zks[i].Predicates, map[string]any{"attribute": z.Attribute, "op": z.Op, "value": value})
		p.Outputs = append(p.Outputs, Output{Claim: c, Query: q, Attribute: z.Attribute, Op: z.Op})
	}
	if len(zks) > 0 && len(creds) > 0 {
		// A ZK proof is bound to no holder key, so nothing would show that
		// the proof and the credentials come from one person.
		return nil, fmt.Errorf("%w: a zero-knowledge claim cannot be combined with credential claims in one login", ErrUnmapped)
	}
	for i, z := range zks {
		meta, err := json.Marshal(map[string]any{oid4vp.MetaZKRequest: z})
		if err != nil {
			return nil, fmt.Errorf("encode zk request: %w", err)
		}
		creds = append(creds, credQuery{ID: fmt.Sprintf("zk%d", i), Format: oid4vp.FormatZK, Meta: meta})
		p.ZK, p.Scope = true, clientID
	}
	q, err := json.Marshal(map[string]any{"credentials": creds})
	if err != nil {
		return nil, fmt.Errorf("encode dcql query: %w", err)
	}
	p.Query = q
	return p, nil
}

// credQuery and claimQuery are the DCQL members the bridge writes.
type credQuery struct {
	ID     string          `json:"id"`
	Format string          `json:"format"`
	Meta   json.RawMessage `json:"meta"`
	Claims []claimQuery    `json:"claims,omitempty"`
}

type claimQuery struct {
	Path []any `json:"path"`
}
