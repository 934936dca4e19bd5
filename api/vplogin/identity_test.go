package vplogin_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/chainid/chainid/api/vplogin"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// result is a verified OpenID4VP result with one presentation per query.
func result(byQuery map[string]verifier.Result) *oid4vp.Result {
	r := &oid4vp.Result{Verified: true, Presentations: map[string][]oid4vp.Presented{}}
	for q, vr := range byQuery {
		r.Presentations[q] = []oid4vp.Presented{{Result: &vr}}
	}
	return r
}

func sdjwt(holder, claims string) verifier.Result {
	return verifier.Result{Verified: true, Format: verifier.FormatSDJWT, Holder: holder,
		Credentials: []verifier.Credential{{Format: verifier.FormatSDJWT, Claims: json.RawMessage(claims)}}}
}

func zkResult(claims string) verifier.Result {
	return verifier.Result{Verified: true, Holder: "nullifier:x",
		Credentials: []verifier.Credential{{Claims: json.RawMessage(claims)}}}
}

func TestIdentity(t *testing.T) {
	tab := defaults()
	emailPlan, err := tab.Plan("client-1", []string{"email", "nationality"}, day)
	if err != nil {
		t.Fatal(err)
	}
	agePlan, err := tab.Plan("client-1", []string{"age_over_18"}, day)
	if err != nil {
		t.Fatal(err)
	}
	const zkOK = `{"schema":"S","disclosed":{},"predicates":[{"attribute":"birthDate","op":"le","value":"2008-11-26"}],"scope":"client-1","nullifier":"12345"}`
	tests := []struct {
		name    string
		plan    *vplogin.Plan
		res     *oid4vp.Result
		did     string
		claims  string
		refused string
	}{
		{name: "only the requested claims", plan: emailPlan,
			res: result(map[string]verifier.Result{"cred0": sdjwt("did:jwk:abc", `{"vct":"T","email":"e@example.com","nationality":"DE","birthdate":"1990-01-01","cnf":{}}`)}),
			did: "did:jwk:abc", claims: `{"email":"e@example.com","nationality":"DE"}`},
		{name: "subject when no holder", plan: emailPlan,
			res: func() *oid4vp.Result {
				vr := sdjwt("", `{"email":"e@example.com","nationality":"DE"}`)
				vr.Credentials[0].Subject = "did:key:z6Mkholder"
				return result(map[string]verifier.Result{"cred0": vr})
			}(),
			did: "did:key:z6Mkholder", claims: `{"email":"e@example.com","nationality":"DE"}`},
		{name: "claim not disclosed", plan: emailPlan,
			res:     result(map[string]verifier.Result{"cred0": sdjwt("did:jwk:abc", `{"email":"e@example.com"}`)}),
			refused: "does not disclose nationality"},
		{name: "no holder", plan: emailPlan,
			res:     result(map[string]verifier.Result{"cred0": sdjwt("", `{"email":"e@example.com","nationality":"DE"}`)}),
			refused: "names no holder"},
		{name: "not verified", plan: emailPlan,
			res:     &oid4vp.Result{Verified: false, Reason: "bad signature"},
			refused: "did not verify"},
		{name: "presentation missing", plan: emailPlan,
			res:     result(map[string]verifier.Result{"other": sdjwt("did:jwk:abc", `{"email":"e"}`)}),
			refused: "no verified credential answers cred0"},
		{name: "zk login", plan: agePlan, res: result(map[string]verifier.Result{"zk0": zkResult(zkOK)}),
			did: "urn:chainid:zk:12345", claims: `{"age_over_18":true,"zk_nullifier":"12345"}`},
		{name: "zk for another client", plan: agePlan,
			res:     result(map[string]verifier.Result{"zk0": zkResult(strings.Replace(zkOK, "client-1", "client-2", 1))}),
			refused: "not this client's"},
		{name: "zk without the predicate", plan: agePlan,
			res:     result(map[string]verifier.Result{"zk0": zkResult(strings.Replace(zkOK, "birthDate", "level", 1))}),
			refused: "does not show age_over_18"},
		{name: "zk without nullifier", plan: agePlan,
			res:     result(map[string]verifier.Result{"zk0": zkResult(strings.Replace(zkOK, "12345", "", 1))}),
			refused: "scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.plan.Identity(tt.res)
			if tt.refused != "" {
				if !errors.Is(err, vplogin.ErrRefused) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("err %v, want ErrRefused with %q", err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(id.Claims)
			if id.DID != tt.did || string(got) != tt.claims || id.Method != "openid4vp" {
				t.Fatalf("identity %s %s %s, want %s %s", id.DID, id.Method, got, tt.did, tt.claims)
			}
		})
	}
	t.Run("different holders", func(t *testing.T) {
		tab := &vplogin.Table{Claims: map[string]vplogin.Rule{
			"email": {Format: "dc+sd-jwt", Types: []string{"A"}, Path: []any{"email"}},
			"name":  {Format: "dc+sd-jwt", Types: []string{"B"}, Path: []any{"name"}},
		}}
		p, err := tab.Plan("c", []string{"email", "name"}, day)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Identity(result(map[string]verifier.Result{
			"cred0": sdjwt("did:jwk:alice", `{"email":"a@example.com"}`),
			"cred1": sdjwt("did:jwk:mallory", `{"name":"Mallory"}`),
		}))
		if !errors.Is(err, vplogin.ErrRefused) || !strings.Contains(err.Error(), "different holders") {
			t.Fatalf("err %v", err)
		}
	})
}
