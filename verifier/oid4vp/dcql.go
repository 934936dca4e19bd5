package oid4vp

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file is a compact DCQL (OpenID4VP 1.0 §6) implementation: enough to
// validate queries, check responses on the verifier side (Queries) and
// select credentials and claims on the wallet side (Query.Select). It
// stands in until verifier/dcql offers the same behind QueryChecker.

// Query is a DCQL query.
type Query struct {
	Credentials    []CredentialQuery `json:"credentials"`
	CredentialSets []CredentialSet   `json:"credential_sets,omitempty"`
}

// CredentialQuery asks for one credential.
type CredentialQuery struct {
	ID        string          `json:"id"`
	Format    string          `json:"format"`
	Multiple  bool            `json:"multiple,omitempty"`
	Meta      json.RawMessage `json:"meta,omitempty"`
	Claims    []ClaimsQuery   `json:"claims,omitempty"`
	ClaimSets [][]string      `json:"claim_sets,omitempty"`
	// RequireCryptographicHolderBinding defaults to true.
	RequireCryptographicHolderBinding *bool `json:"require_cryptographic_holder_binding,omitempty"`
}

// ClaimsQuery asks for one claim by path, optionally with accepted values.
type ClaimsQuery struct {
	ID     string `json:"id,omitempty"`
	Path   []any  `json:"path"`
	Values []any  `json:"values,omitempty"`
}

// CredentialSet lists alternative combinations of credential queries.
type CredentialSet struct {
	Options  [][]string `json:"options"`
	Required *bool      `json:"required,omitempty"`
}

var dcqlID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ParseQuery parses and validates a DCQL query.
func ParseQuery(raw json.RawMessage) (*Query, error) {
	var q Query
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, fmt.Errorf("dcql: %w", err)
	}
	if len(q.Credentials) == 0 {
		return nil, errors.New("dcql: credentials must not be empty")
	}
	ids := map[string]bool{}
	for i, c := range q.Credentials {
		if !dcqlID.MatchString(c.ID) || ids[c.ID] {
			return nil, fmt.Errorf("dcql: credentials[%d].id %q is missing, malformed or repeated", i, c.ID)
		}
		ids[c.ID] = true
		switch c.Format {
		case FormatSDJWT, FormatJWTVC, FormatLDPVC, FormatZK:
		default:
			return nil, fmt.Errorf("dcql: credentials[%d].format %q is not supported", i, c.Format)
		}
		if _, err := c.meta(); err != nil {
			return nil, fmt.Errorf("dcql: credentials[%d].meta: %w", i, err)
		}
		claimIDs := map[string]bool{}
		for j, cl := range c.Claims {
			if len(cl.Path) == 0 {
				return nil, fmt.Errorf("dcql: credentials[%d].claims[%d].path is empty", i, j)
			}
			for _, p := range cl.Path {
				switch p := p.(type) {
				case string, nil:
				case float64:
					if p < 0 || p != float64(int(p)) {
						return nil, fmt.Errorf("dcql: credentials[%d].claims[%d].path has a bad index", i, j)
					}
				default:
					return nil, fmt.Errorf("dcql: credentials[%d].claims[%d].path has a %T", i, j, p)
				}
			}
			if cl.ID != "" {
				if !dcqlID.MatchString(cl.ID) || claimIDs[cl.ID] {
					return nil, fmt.Errorf("dcql: credentials[%d].claims[%d].id %q is malformed or repeated", i, j, cl.ID)
				}
				claimIDs[cl.ID] = true
			} else if len(c.ClaimSets) > 0 {
				return nil, fmt.Errorf("dcql: credentials[%d]: claims need ids when claim_sets is present", i)
			}
		}
		if len(c.ClaimSets) > 0 && len(c.Claims) == 0 {
			return nil, fmt.Errorf("dcql: credentials[%d]: claim_sets without claims", i)
		}
		for _, set := range c.ClaimSets {
			for _, id := range set {
				if !claimIDs[id] {
					return nil, fmt.Errorf("dcql: credentials[%d].claim_sets names unknown claim %q", i, id)
				}
			}
		}
	}
	for i, s := range q.CredentialSets {
		if len(s.Options) == 0 {
			return nil, fmt.Errorf("dcql: credential_sets[%d].options is empty", i)
		}
		for _, opt := range s.Options {
			if len(opt) == 0 {
				return nil, fmt.Errorf("dcql: credential_sets[%d] has an empty option", i)
			}
			for _, id := range opt {
				if !ids[id] {
					return nil, fmt.Errorf("dcql: credential_sets[%d] names unknown credential %q", i, id)
				}
			}
		}
	}
	return &q, nil
}

// queryMeta is the meta of a credential query.
type queryMeta struct {
	VCTValues  []string        `json:"vct_values,omitempty"`
	TypeValues [][]string      `json:"type_values,omitempty"`
	ZKRequest  json.RawMessage `json:"zk_request,omitempty"`
	Extra      map[string]any  `json:"-"`
}

func (c *CredentialQuery) meta() (*queryMeta, error) {
	var m queryMeta
	if len(c.Meta) == 0 {
		if c.Format == FormatSDJWT || c.Format == FormatZK {
			return nil, errors.New("meta is required for this format")
		}
		return &m, nil
	}
	if err := json.Unmarshal(c.Meta, &m); err != nil {
		return nil, err
	}
	switch c.Format {
	case FormatSDJWT:
		if len(m.VCTValues) == 0 {
			return nil, errors.New("vct_values is required for dc+sd-jwt")
		}
	case FormatZK:
		if len(m.ZKRequest) == 0 {
			return nil, errors.New("zk_request is required for " + FormatZK)
		}
	}
	return &m, nil
}

// ZKRequest returns the zero-knowledge proof request of a FormatZK query.
func (c *CredentialQuery) ZKRequest() json.RawMessage {
	m, err := c.meta()
	if err != nil {
		return nil
	}
	return m.ZKRequest
}

// Candidate is a credential as a wallet (or a verified presentation) sees
// it, for matching.
type Candidate struct {
	Format string
	// Types are the VC types, or the vct of an SD-JWT VC.
	Types []string
	// Claims is the credential JSON (SD-JWT: all claims, processed).
	Claims json.RawMessage
}

// MatchesMeta reports whether c fits the query's format and meta.
func (q *CredentialQuery) matchesMeta(c Candidate) bool {
	if c.Format != q.Format {
		return false
	}
	m, err := q.meta()
	if err != nil {
		return false
	}
	if len(m.VCTValues) > 0 && !slices.ContainsFunc(m.VCTValues, func(v string) bool { return slices.Contains(c.Types, v) }) {
		return false
	}
	if len(m.TypeValues) > 0 && !slices.ContainsFunc(m.TypeValues, func(set []string) bool {
		return !slices.ContainsFunc(set, func(t string) bool { return !slices.Contains(c.Types, t) })
	}) {
		return false
	}
	return true
}

// selectClaims returns the claims of the first satisfiable claim set (all
// claims without claim_sets), or false.
func (q *CredentialQuery) selectClaims(doc any) ([]ClaimsQuery, bool) {
	if len(q.Claims) == 0 {
		return nil, true
	}
	ok := func(cl ClaimsQuery) bool { return claimMatches(doc, cl) }
	if len(q.ClaimSets) == 0 {
		for _, cl := range q.Claims {
			if !ok(cl) {
				return nil, false
			}
		}
		return q.Claims, true
	}
	for _, set := range q.ClaimSets {
		var chosen []ClaimsQuery
		all := true
		for _, id := range set {
			i := slices.IndexFunc(q.Claims, func(c ClaimsQuery) bool { return c.ID == id })
			if !ok(q.Claims[i]) {
				all = false
				break
			}
			chosen = append(chosen, q.Claims[i])
		}
		if all {
			return chosen, true
		}
	}
	return nil, false
}

// Match reports whether c satisfies the credential query, and which claims
// to disclose.
func (q *CredentialQuery) Match(c Candidate) ([]ClaimsQuery, bool) {
	if !q.matchesMeta(c) {
		return nil, false
	}
	if q.Format == FormatZK {
		return nil, true
	}
	var doc any
	if err := json.Unmarshal(c.Claims, &doc); err != nil {
		return nil, false
	}
	return q.selectClaims(doc)
}

// claimMatches reports whether path selects at least one value (one of
// Values, when given).
func claimMatches(doc any, cl ClaimsQuery) bool {
	for _, v := range selectPath(doc, cl.Path) {
		if len(cl.Values) == 0 {
			return true
		}
		for _, want := range cl.Values {
			if reflect.DeepEqual(v, want) {
				return true
			}
		}
	}
	return false
}

// selectPath applies a claims path pointer.
func selectPath(doc any, path []any) []any {
	cur := []any{doc}
	for _, p := range path {
		var next []any
		for _, node := range cur {
			switch p := p.(type) {
			case string:
				if m, ok := node.(map[string]any); ok {
					if v, ok := m[p]; ok {
						next = append(next, v)
					}
				}
			case nil:
				if a, ok := node.([]any); ok {
					next = append(next, a...)
				}
			case float64:
				if a, ok := node.([]any); ok && int(p) < len(a) {
					next = append(next, a[int(p)])
				}
			}
		}
		cur = next
	}
	return cur
}

// Pointer turns a claims path into a JSON Pointer (for SD-JWT disclosure);
// a nil (all elements) component yields "" and false.
func Pointer(path []any) (string, bool) {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		switch p := p.(type) {
		case string:
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1"))
		case float64:
			b.WriteString(strconv.Itoa(int(p)))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Selection is what a wallet presents for one credential query.
type Selection struct {
	QueryID string
	// Index is the chosen candidate's index.
	Index int
	// Claims are the claims to disclose.
	Claims []ClaimsQuery
}

// Select chooses, for the query, one candidate per credential query needed
// (every query without credential_sets; one satisfiable option of each
// required set, and of optional sets when possible). It fails when a
// required credential cannot be found.
func (q *Query) Select(cands []Candidate) ([]Selection, error) {
	find := func(cq *CredentialQuery) (Selection, bool) {
		for i, c := range cands {
			if claims, ok := cq.Match(c); ok {
				return Selection{QueryID: cq.ID, Index: i, Claims: claims}, true
			}
		}
		return Selection{}, false
	}
	byID := map[string]*CredentialQuery{}
	for i := range q.Credentials {
		byID[q.Credentials[i].ID] = &q.Credentials[i]
	}
	if len(q.CredentialSets) == 0 {
		var out []Selection
		for i := range q.Credentials {
			s, ok := find(&q.Credentials[i])
			if !ok {
				return nil, fmt.Errorf("no credential in the wallet satisfies %q", q.Credentials[i].ID)
			}
			out = append(out, s)
		}
		return out, nil
	}
	var out []Selection
	chosen := map[string]bool{}
	for i, set := range q.CredentialSets {
		done := false
		for _, opt := range set.Options {
			var sel []Selection
			for _, id := range opt {
				s, ok := find(byID[id])
				if !ok {
					sel = nil
					break
				}
				sel = append(sel, s)
			}
			if sel != nil {
				for _, s := range sel {
					if !chosen[s.QueryID] {
						chosen[s.QueryID] = true
						out = append(out, s)
					}
				}
				done = true
				break
			}
		}
		if !done && (set.Required == nil || *set.Required) {
			return nil, fmt.Errorf("no credentials in the wallet satisfy credential_sets[%d]", i)
		}
	}
	return out, nil
}

// Queries is the package's QueryChecker.
type Queries struct{}

// CheckQuery implements QueryChecker.
func (Queries) CheckQuery(raw json.RawMessage) error {
	_, err := ParseQuery(raw)
	return err
}

// CheckResponse implements QueryChecker: each presented credential must
// fit its credential query (format, meta, claims), a query without
// multiple takes one presentation, and every required credential (set) is
// answered.
func (Queries) CheckResponse(raw json.RawMessage, presented map[string][]Presented) error {
	q, err := ParseQuery(raw)
	if err != nil {
		return err
	}
	byID := map[string]*CredentialQuery{}
	for i := range q.Credentials {
		byID[q.Credentials[i].ID] = &q.Credentials[i]
	}
	for id, ps := range presented {
		cq := byID[id]
		if cq == nil {
			return fmt.Errorf("%q is not a credential query", id)
		}
		if len(ps) > 1 && !cq.Multiple {
			return fmt.Errorf("%q takes one presentation, got %d", id, len(ps))
		}
		for i, p := range ps {
			if p.Result == nil || len(p.Result.Credentials) == 0 {
				return fmt.Errorf("presentation %d of %q carries no credential", i, id)
			}
			for _, vc := range p.Result.Credentials {
				c := Candidate{Format: cq.Format, Types: vc.Types, Claims: vc.Claims}
				if !wantFormat(cq.Format, p.Result.Format, vc.Format) {
					return fmt.Errorf("presentation %d of %q is %s, the query asks for %s", i, id, vc.Format, cq.Format)
				}
				if _, ok := cq.Match(c); !ok {
					return fmt.Errorf("presentation %d of %q does not have the requested type or claims", i, id)
				}
			}
		}
	}
	answered := func(id string) bool { return len(presented[id]) > 0 }
	if len(q.CredentialSets) == 0 {
		for _, c := range q.Credentials {
			if !answered(c.ID) {
				return fmt.Errorf("the required credential %q is missing", c.ID)
			}
		}
		return nil
	}
	for i, set := range q.CredentialSets {
		if set.Required != nil && !*set.Required {
			continue
		}
		if !slices.ContainsFunc(set.Options, func(opt []string) bool {
			return !slices.ContainsFunc(opt, func(id string) bool { return !answered(id) })
		}) {
			return fmt.Errorf("no option of credential_sets[%d] is answered", i)
		}
	}
	return nil
}

// wantFormat reports whether a verified presentation of format got (and
// credential format vc) answers a query for format want.
func wantFormat(want, got, vc string) bool {
	switch want {
	case FormatSDJWT:
		return vc == "dc+sd-jwt"
	case FormatJWTVC:
		return vc == "jwt_vc_json" || vc == "vc+jwt"
	case FormatLDPVC:
		return vc == "ldp_vc"
	case FormatZK:
		return vc == "zk" || got == "zk"
	}
	return false
}
