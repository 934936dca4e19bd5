package dcql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chainid/chainid/verifier"
)

// Candidate is a credential a wallet holds.
type Candidate struct {
	// ID is the wallet's handle for the credential.
	ID string
	// Format is a DCQL format (dc+sd-jwt, jwt_vc_json, ldp_vc, chainid_zk).
	Format string
	// Types are the W3C types (jwt_vc_json, ldp_vc) or the vct (dc+sd-jwt).
	Types []string
	// Claims are all claims the wallet could disclose: the processed
	// SD-JWT claims with every disclosure, or the credential JSON.
	Claims json.RawMessage
	// HolderBinding says whether the wallet can prove possession of the
	// credential's bound key.
	HolderBinding bool
}

// Selected is a candidate chosen for a credential query, with the claims to
// disclose.
type Selected struct {
	CandidateID string
	// Disclose are JSON Pointers (RFC 6901) of the claims to disclose,
	// wildcards expanded; empty when the query names no claims.
	Disclose []string
}

// Selection is the wallet's answer: for each credential query id to
// present, the matching candidates in wallet order (present the first, or
// all when the query allows multiple).
type Selection map[string][]Selected

// Match selects the wallet's credentials for a query: every credential
// query's matching candidates, then the credential queries to answer
// (per credential_set, the first option whose queries all match; without
// credential_sets, every query). It fails with ErrUnsatisfied when a
// required set (or, without sets, any query) cannot be answered.
func Match(q *Query, cands []Candidate) (Selection, error) {
	all := map[string][]Selected{}
	for _, cq := range q.Credentials {
		for _, c := range cands {
			if d, ok := cq.match(c); ok {
				all[cq.ID] = append(all[cq.ID], Selected{CandidateID: c.ID, Disclose: d})
			}
		}
	}
	out := Selection{}
	if len(q.CredentialSets) == 0 {
		for _, cq := range q.Credentials {
			if len(all[cq.ID]) == 0 {
				return nil, fmt.Errorf("%w: no credential matches %q", ErrUnsatisfied, cq.ID)
			}
			out[cq.ID] = all[cq.ID]
		}
		return out, nil
	}
	for i, set := range q.CredentialSets {
		chosen := false
		for _, opt := range set.Options {
			if slices.IndexFunc(opt, func(id string) bool { return len(all[id]) == 0 }) >= 0 {
				continue
			}
			for _, id := range opt {
				out[id] = all[id]
			}
			chosen = true
			break
		}
		if !chosen && set.IsRequired() {
			return nil, fmt.Errorf("%w: no option of credential_sets[%d] can be answered", ErrUnsatisfied, i)
		}
	}
	return out, nil
}

// match reports whether a candidate satisfies a credential query and which
// claims to disclose.
func (cq CredentialQuery) match(c Candidate) ([]string, bool) {
	if c.Format != cq.Format || (cq.HolderBinding() && !c.HolderBinding) || !cq.typeMatch(c.Types) {
		return nil, false
	}
	if len(cq.Claims) == 0 {
		return nil, true
	}
	var doc any
	d := json.NewDecoder(bytes.NewReader(c.Claims))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return nil, false
	}
	sets := cq.ClaimSets
	if sets == nil {
		sets = [][]string{nil} // every claim
	}
	for _, set := range sets {
		var ptrs []string
		ok := true
		for _, cl := range cq.Claims {
			if set != nil && !slices.Contains(set, cl.ID) {
				continue
			}
			p, found := cl.selectIn(doc)
			if !found {
				ok = false
				break
			}
			ptrs = append(ptrs, p...)
		}
		if ok {
			return ptrs, true
		}
	}
	return nil, false
}

func (cq CredentialQuery) typeMatch(types []string) bool {
	switch {
	case len(cq.Meta.VCTValues) > 0:
		return slices.ContainsFunc(types, func(t string) bool { return slices.Contains(cq.Meta.VCTValues, t) })
	case len(cq.Meta.TypeValues) > 0:
		for _, want := range cq.Meta.TypeValues {
			if !slices.ContainsFunc(want, func(t string) bool { return !slices.Contains(types, t) }) {
				return true
			}
		}
		return false
	}
	return true
}

// selectIn applies the claim's path to doc and returns the pointers of the
// selected elements; found is false when nothing is selected or, with
// values, no selected element equals one of them.
func (cl ClaimQuery) selectIn(doc any) ([]string, bool) {
	type node struct {
		v   any
		ptr string
	}
	cur := []node{{doc, ""}}
	for _, el := range cl.Path {
		var next []node
		for _, n := range cur {
			switch k := el.(type) {
			case string:
				if m, ok := n.v.(map[string]any); ok {
					if v, ok := m[k]; ok {
						next = append(next, node{v, n.ptr + "/" + escape(k)})
					}
				}
			case int:
				if a, ok := n.v.([]any); ok && k < len(a) {
					next = append(next, node{a[k], n.ptr + "/" + strconv.Itoa(k)})
				}
			case nil:
				if a, ok := n.v.([]any); ok {
					for i, v := range a {
						next = append(next, node{v, n.ptr + "/" + strconv.Itoa(i)})
					}
				}
			}
		}
		cur = next
	}
	var out []string
	for _, n := range cur {
		if cl.Values == nil || cl.valueMatch(n.v) {
			out = append(out, n.ptr)
		}
	}
	return out, len(out) > 0
}

func (cl ClaimQuery) valueMatch(v any) bool {
	got, err := json.Marshal(v)
	if err != nil {
		return false
	}
	for _, want := range cl.Values {
		var w any
		d := json.NewDecoder(bytes.NewReader(want))
		d.UseNumber()
		if d.Decode(&w) != nil {
			continue
		}
		wb, _ := json.Marshal(w)
		if bytes.Equal(wb, got) {
			return true
		}
	}
	return false
}

func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// VPToken is an OpenID4VP 1.0 vp_token: credential query id → the
// presentations answering it.
type VPToken map[string][]json.RawMessage

// ParseVPToken reads a vp_token JSON object.
func ParseVPToken(raw []byte) (VPToken, error) {
	if err := checkDuplicates(raw); err != nil {
		return nil, err
	}
	var t VPToken
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("%w: vp_token must be an object of arrays: %w", ErrUnsatisfied, err)
	}
	return t, nil
}

// Verifier is the verification pipeline (*verifier.Verifier).
type Verifier interface {
	Verify(ctx context.Context, in verifier.Input, pol verifier.Policy) (*verifier.Result, error)
}

// Checked is the outcome of Check.
type Checked struct {
	// Results are the verification results per credential query id.
	Results map[string][]*verifier.Result
	// Problems lists why the response does not satisfy the query; empty
	// when it does.
	Problems []string
}

// OK reports whether the response satisfied the query.
func (c *Checked) OK() bool { return len(c.Problems) == 0 }

// Check verifies every presentation of a vp_token against the request's
// nonce and audience and checks the answers against the query: only query
// ids may appear, at most one presentation for a query without multiple,
// each presentation verified (by pol) in a format the query asked for, of a
// requested type, carrying the requested claims, holder-bound when
// required; and the credential_sets (or every query) are satisfied. An
// error is returned only when verification itself fails to run.
func Check(ctx context.Context, v Verifier, q *Query, tok VPToken, nonce, audience string, pol verifier.Policy) (*Checked, error) {
	out := &Checked{Results: map[string][]*verifier.Result{}}
	answered := map[string]bool{}
	for id, list := range tok {
		i := slices.IndexFunc(q.Credentials, func(c CredentialQuery) bool { return c.ID == id })
		if i < 0 {
			out.Problems = append(out.Problems, fmt.Sprintf("%q is not a credential query id", id))
			continue
		}
		cq := q.Credentials[i]
		if len(list) == 0 || (!cq.Multiple && len(list) > 1) {
			out.Problems = append(out.Problems, fmt.Sprintf("%q: %d presentations (multiple=%v)", id, len(list), cq.Multiple))
			continue
		}
		ok := true
		for j, pres := range list {
			in := verifier.Input{Presentation: pres, Nonce: nonce, Audience: audience}
			res, err := v.Verify(ctx, in, pol)
			if errors.Is(err, verifier.ErrMalformed) {
				out.Problems = append(out.Problems, fmt.Sprintf("%q[%d]: %s", id, j, err))
				ok = false
				continue
			} else if err != nil {
				return nil, fmt.Errorf("verify %s[%d]: %w", id, j, err)
			}
			out.Results[id] = append(out.Results[id], res)
			if p := cq.checkResult(res); p != "" {
				out.Problems = append(out.Problems, fmt.Sprintf("%q[%d]: %s", id, j, p))
				ok = false
			}
		}
		answered[id] = ok
	}
	if len(q.CredentialSets) == 0 {
		for _, cq := range q.Credentials {
			if !answered[cq.ID] {
				out.Problems = append(out.Problems, fmt.Sprintf("%q is not answered", cq.ID))
			}
		}
	}
	for i, set := range q.CredentialSets {
		if !set.IsRequired() {
			continue
		}
		if !slices.ContainsFunc(set.Options, func(opt []string) bool {
			return !slices.ContainsFunc(opt, func(id string) bool { return !answered[id] })
		}) {
			out.Problems = append(out.Problems, fmt.Sprintf("credential_sets[%d] is not satisfied", i))
		}
	}
	slices.Sort(out.Problems)
	return out, nil
}

// presentedFormats maps a DCQL format to the verifier's formats of its
// presentations.
var presentedFormats = map[string][]string{
	FormatSDJWT:     {verifier.FormatSDJWT},
	FormatJWTVCJSON: {verifier.FormatJWTVPJSON, verifier.FormatVPJWT},
	FormatLDPVC:     {verifier.FormatLDPVP},
	FormatZK:        {verifier.FormatZK},
}

// checkResult returns why a verified presentation does not answer cq, or "".
func (cq CredentialQuery) checkResult(res *verifier.Result) string {
	if !res.Verified {
		var why []string
		for _, c := range res.Failed() {
			why = append(why, c.Check+": "+c.Reason)
		}
		return "did not verify (" + strings.Join(why, "; ") + ")"
	}
	if !slices.Contains(presentedFormats[cq.Format], res.Format) {
		return fmt.Sprintf("format %s does not answer a %s query", res.Format, cq.Format)
	}
	if cq.HolderBinding() && !slices.ContainsFunc(res.Checks, func(c verifier.Check) bool {
		return c.Check == verifier.CheckHolderBinding && c.Target == "" && c.Passed
	}) {
		return "no cryptographic holder binding"
	}
	if len(res.Credentials) == 0 {
		return "no credential"
	}
	for _, c := range res.Credentials {
		if _, ok := cq.match(Candidate{Format: cq.Format, Types: c.Types, Claims: c.Claims, HolderBinding: true}); !ok {
			return "the credential lacks a requested type or claim"
		}
	}
	return ""
}
