package vplogin

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// zkClaims is the claims object the verification pipeline gives a
// verified ZK proof (verifier/zk).
type zkClaims struct {
	Disclosed  map[string]any `json:"disclosed"`
	Predicates []struct {
		Attribute string `json:"attribute"`
		Op        string `json:"op"`
	} `json:"predicates"`
	Scope     string `json:"scope"`
	Nullifier string `json:"nullifier"`
}

// Identity maps a verified OpenID4VP result to the login's identity: only
// the planned claims (never anything else the wallet disclosed), the holder
// DID of the standard credentials (all must name the same holder), and for
// a ZK proof the per-client nullifier as ClaimNullifier and, without a
// holder DID, the subject ZKSubjectPrefix+nullifier.
func (p *Plan) Identity(res *oid4vp.Result) (oidc.Identity, error) {
	if res == nil || !res.Verified {
		return oidc.Identity{}, fmt.Errorf("%w: the presentation did not verify", ErrRefused)
	}
	claims := map[string]any{}
	holder, nullifier := "", ""
	docs := map[string]any{}
	zks := map[string]*zkClaims{}
	for _, o := range p.Outputs {
		ps := res.Presentations[o.Query]
		if len(ps) == 0 || ps[0].Result == nil || !ps[0].Result.Verified || len(ps[0].Result.Credentials) == 0 {
			return oidc.Identity{}, fmt.Errorf("%w: no verified credential answers %s", ErrRefused, o.Query)
		}
		vr := ps[0].Result
		cred := vr.Credentials[0]
		if o.Path != nil {
			h := vr.Holder
			if h == "" {
				h = cred.Subject
			}
			if h == "" {
				return oidc.Identity{}, fmt.Errorf("%w: the credential for %s names no holder", ErrRefused, o.Claim)
			}
			if holder != "" && h != holder {
				return oidc.Identity{}, fmt.Errorf("%w: the credentials belong to different holders", ErrRefused)
			}
			holder = h
			doc, ok := docs[o.Query]
			if !ok {
				if err := json.Unmarshal(cred.Claims, &doc); err != nil {
					return oidc.Identity{}, fmt.Errorf("%w: credential claims: %w", ErrRefused, err)
				}
				docs[o.Query] = doc
			}
			v, ok := selectPath(doc, o.Path)
			if !ok {
				return oidc.Identity{}, fmt.Errorf("%w: the credential does not disclose %s", ErrRefused, o.Claim)
			}
			claims[o.Claim] = v
			continue
		}
		z, ok := zks[o.Query]
		if !ok {
			z = &zkClaims{}
			if err := json.Unmarshal(cred.Claims, z); err != nil {
				return oidc.Identity{}, fmt.Errorf("%w: zk claims: %w", ErrRefused, err)
			}
			if z.Scope != p.Scope || z.Nullifier == "" {
				return oidc.Identity{}, fmt.Errorf("%w: the proof is for scope %q, not this client's", ErrRefused, z.Scope)
			}
			if nullifier != "" && z.Nullifier != nullifier {
				return oidc.Identity{}, fmt.Errorf("%w: the proofs carry different nullifiers", ErrRefused)
			}
			nullifier = z.Nullifier
			zks[o.Query] = z
		}
		if o.Reveal != "" {
			v, ok := z.Disclosed[o.Reveal]
			if !ok {
				return oidc.Identity{}, fmt.Errorf("%w: the proof does not reveal %s", ErrRefused, o.Reveal)
			}
			claims[o.Claim] = v
			continue
		}
		proven := false
		for _, pr := range z.Predicates {
			proven = proven || pr.Attribute == o.Attribute
		}
		if !proven {
			return oidc.Identity{}, fmt.Errorf("%w: the proof does not show %s", ErrRefused, o.Claim)
		}
		claims[o.Claim] = true
	}
	id := oidc.Identity{DID: holder, Method: MethodName, Claims: claims}
	if nullifier != "" {
		claims[ClaimNullifier] = nullifier
		if holder == "" {
			id.DID = ZKSubjectPrefix + nullifier
		}
	}
	if id.DID == "" {
		return oidc.Identity{}, fmt.Errorf("%w: nothing identifies the holder", ErrRefused)
	}
	return id, nil
}

// selectPath follows a DCQL claims path (strings select members, integers
// array elements; null selects all elements) and returns the value.
func selectPath(doc any, path []any) (any, bool) {
	cur := []any{doc}
	for _, p := range path {
		var next []any
		for _, c := range cur {
			switch k := p.(type) {
			case string:
				if m, ok := c.(map[string]any); ok {
					if v, ok := m[k]; ok {
						next = append(next, v)
					}
				}
			case float64:
				if a, ok := c.([]any); ok && k >= 0 && int(k) < len(a) {
					next = append(next, a[int(k)])
				}
			case int:
				if a, ok := c.([]any); ok && k >= 0 && k < len(a) {
					next = append(next, a[k])
				}
			case nil:
				if a, ok := c.([]any); ok {
					next = append(next, a...)
				}
			}
		}
		cur = next
	}
	switch len(cur) {
	case 0:
		return nil, false
	case 1:
		if len(path) > 0 && path[len(path)-1] != nil {
			return cur[0], true
		}
	}
	return cur, true
}
