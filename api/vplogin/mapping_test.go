package vplogin_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/api/vplogin"
	"github.com/chainid/chainid/verifier/dcql"
)

var day = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func defaults() *vplogin.Table {
	return vplogin.DefaultTable(vplogin.Defaults{CredentialTypes: []string{"https://schemas.example/person"},
		ZKSchema: "https://schemas.example/zk-person", ZKIssuers: []string{"did:ethr:0x1"}})
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		table   *vplogin.Table
		scopes  []string
		claims  []string
		want    string // substring of the DCQL query
		outputs int
		zk      bool
		err     string
	}{
		{name: "email scope", table: defaults(), scopes: []string{"openid", "email"},
			want: `{"credentials":[{"id":"cred0","format":"dc+sd-jwt","meta":{"vct_values":["https://schemas.example/person"]},"claims":[{"path":["email"]}]}]}`, outputs: 1},
		{name: "two claims one credential", table: defaults(), claims: []string{"email", "nationality"},
			want: `"claims":[{"path":["email"]},{"path":["nationality"]}]`, outputs: 2},
		{name: "age predicate", table: defaults(), claims: []string{"age_over_18"},
			want:    `"format":"chainid_zk","meta":{"zk_request":{"issuers":["did:ethr:0x1"],"schema":"https://schemas.example/zk-person","predicates":[{"attribute":"birthDate","op":"\u003c=","value":"2008-11-26"}],"scope":"client-1"}}`,
			outputs: 1, zk: true},
		{name: "nullifier is never asked for", table: defaults(), claims: []string{"age_over_21", "zk_nullifier"},
			want: `"value":"2005-11-26"`, outputs: 1, zk: true},
		{name: "unmapped", table: defaults(), claims: []string{"email", "favourite_colour", "shoe_size"}, err: "favourite_colour, shoe_size"},
		{name: "nothing asked", table: defaults(), scopes: []string{"openid", "profile"}, err: "asked for no claim"},
		{name: "zk and credential mixed", table: defaults(), claims: []string{"email", "age_over_18"}, err: "cannot be combined"},
		{name: "no zk schema", table: vplogin.DefaultTable(vplogin.Defaults{CredentialTypes: []string{"x"}}), claims: []string{"age_over_18"}, err: "age_over_18"},
		{name: "empty table", table: &vplogin.Table{}, claims: []string{"email"}, err: "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.table.Plan("client-1", tt.table.Requested(tt.scopes, tt.claims), day)
			if tt.err != "" {
				if !errors.Is(err, vplogin.ErrUnmapped) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want ErrUnmapped with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(p.Query), tt.want) {
				t.Fatalf("query %s\nwant %s", p.Query, tt.want)
			}
			if len(p.Outputs) != tt.outputs || p.ZK != tt.zk || (tt.zk && p.Scope != "client-1") {
				t.Fatalf("plan %+v", p)
			}
		})
	}
}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ok", `{"claims":{"email":{"format":"dc+sd-jwt","types":["T"],"path":["email"]},
		  "age_over_65":{"zk":{"issuers":["did:ethr:0x1"],"schema":"S","attribute":"birthDate","op":"<=","yearsAgo":65}},
		  "level":{"zk":{"issuers":["did:ethr:0x1"],"schema":"S","reveal":"level"}}},
		  "scopes":{"email":["email"]},"requestTTL":"2m"}`, ""},
		{"unknown member", `{"claims":{},"extra":1}`, "unknown field"},
		{"bad format", `{"claims":{"a":{"format":"ldp_vc","types":["T"],"path":["a"]}}}`, "format"},
		{"no types", `{"claims":{"a":{"format":"dc+sd-jwt","path":["a"]}}}`, "types"},
		{"empty type", `{"claims":{"a":{"format":"dc+sd-jwt","types":["T",""],"path":["a"]}}}`, "empty type"},
		{"no path", `{"claims":{"a":{"format":"dc+sd-jwt","types":["T"]}}}`, "path"},
		{"bad path", `{"claims":{"a":{"format":"dc+sd-jwt","types":["T"],"path":[true]}}}`, "path element"},
		{"both", `{"claims":{"a":{"format":"dc+sd-jwt","types":["T"],"path":["a"],"zk":{"issuers":["d"],"schema":"S","reveal":"a"}}}}`, "not both"},
		{"zk reveal and predicate", `{"claims":{"a":{"zk":{"issuers":["d"],"schema":"S","reveal":"a","attribute":"b","op":"<","value":1}}}}`, "either reveal"},
		{"zk no operand", `{"claims":{"a":{"zk":{"issuers":["d"],"schema":"S","attribute":"b","op":"<"}}}}`, "one of value or yearsAgo"},
		{"zk no issuers", `{"claims":{"a":{"zk":{"schema":"S","reveal":"a"}}}}`, "issuers"},
		{"reserved name", `{"claims":{"zk_nullifier":{"format":"dc+sd-jwt","types":["T"],"path":["a"]}}}`, "claim name"},
		{"bad ttl", `{"claims":{},"requestTTL":"2h"}`, "requestTTL"},
		{"bad scope claim", `{"claims":{},"scopes":{"x":["a b"]}}`, "claim name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := vplogin.ParseTable([]byte(tt.in))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				p, err := tab.Plan("c", tab.Requested([]string{"email"}, []string{"age_over_65"}), day)
				if err == nil {
					t.Fatalf("mixed plan accepted: %s", p.Query)
				}
				p, err = tab.Plan("c", []string{"age_over_65", "level"}, day)
				if err != nil || !strings.Contains(string(p.Query), `"reveal":["level"]`) || !strings.Contains(string(p.Query), `"1961-11-26"`) {
					t.Fatalf("plan %v %+v", err, p)
				}
				return
			}
			if !errors.Is(err, vplogin.ErrInvalidTable) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err %v, want ErrInvalidTable with %q", err, tt.err)
			}
		})
	}
}

func FuzzParseTable(f *testing.F) {
	f.Add([]byte(`{"claims":{"email":{"format":"dc+sd-jwt","types":["T"],"path":["email",0]}},"scopes":{"email":["email"]}}`))
	f.Add([]byte(`{"claims":{"email":{"format":"dc+sd-jwt","types":[""],"path":["email"]}}}`))
	f.Add([]byte(`{"claims":{"a":{"zk":{"issuers":["d"],"schema":"S","attribute":"b","op":"<","value":[1,2]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := vplogin.ParseTable(b)
		if err != nil {
			return
		}
		names := make([]string, 0, len(tab.Claims))
		for n := range tab.Claims {
			names = append(names, n)
		}
		// A plan of an accepted table is a query the verifier accepts.
		if p, err := tab.Plan("c", names, day); err == nil {
			if _, err := dcql.Parse(p.Query); err != nil {
				t.Fatalf("plan query %s: %v", p.Query, err)
			}
		}
	})
}

// TestClaimAndScopeNames checks what discovery lists for a table: every
// mapped claim, zk_nullifier only when a rule is a ZK proof, and the
// scopes (the table's and each claim's name).
func TestClaimAndScopeNames(t *testing.T) {
	tests := []struct {
		name           string
		table          *vplogin.Table
		claims, scopes string
	}{
		{"default", defaults(),
			"address,age_over_18,age_over_21,birthdate,email,email_verified,family_name,given_name,name,nationality,phone_number,zk_nullifier",
			"address,age_over_18,age_over_21,birthdate,email,email_verified,family_name,given_name,name,nationality,phone_number"},
		{"default without ZK", vplogin.DefaultTable(vplogin.Defaults{CredentialTypes: []string{"x"}}),
			"address,birthdate,email,email_verified,family_name,given_name,name,nationality,phone_number",
			"address,birthdate,email,email_verified,family_name,given_name,name,nationality,phone_number"},
		{"empty", &vplogin.Table{}, "", ""},
		{"file", mustTable(t, `{"claims":{"member":{"format":"jwt_vc_json","types":["MemberCard"],"path":["credentialSubject","member"]}},
			"scopes":{"membership":["member"]}}`), "member", "member,membership"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(tt.table.ClaimNames(), ","); got != tt.claims {
				t.Errorf("ClaimNames %s, want %s", got, tt.claims)
			}
			if got := strings.Join(tt.table.ScopeNames(), ","); got != tt.scopes {
				t.Errorf("ScopeNames %s, want %s", got, tt.scopes)
			}
		})
	}
	if got, want := strings.Join(vplogin.DefaultClaimNames(), ","), strings.Join(defaults().ClaimNames(), ","); got != want {
		t.Errorf("DefaultClaimNames %s, want %s", got, want)
	}
	if got, want := strings.Join(vplogin.DefaultScopeNames(), ","), strings.Join(defaults().ScopeNames(), ","); got != want {
		t.Errorf("DefaultScopeNames %s, want %s", got, want)
	}
}

func mustTable(t *testing.T, s string) *vplogin.Table {
	t.Helper()
	tb, err := vplogin.ParseTable([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
