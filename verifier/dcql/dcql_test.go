package dcql_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/sdjwt"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/dcql"
)

// specQuery follows the examples of OpenID4VP 1.0 §6 and appendix D.
const specQuery = `{
  "credentials": [
    {"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
     "claims": [
       {"id": "a", "path": ["given_name"]},
       {"id": "b", "path": ["family_name"]},
       {"id": "c", "path": ["address", "street_address"]},
       {"id": "d", "path": ["nationalities", null], "values": ["DE"]}
     ],
     "claim_sets": [["a", "b", "c"], ["a", "b", "d"]]},
    {"id": "other_pid", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://othercredentials.example/pid"]}},
    {"id": "membership", "format": "ldp_vc", "meta": {"type_values": [["VerifiableCredential", "MembershipCredential"]]},
     "require_cryptographic_holder_binding": false,
     "claims": [{"path": ["credentialSubject", "member"], "values": [true]}]}
  ],
  "credential_sets": [
    {"options": [["pid"], ["other_pid"]]},
    {"options": [["membership"]], "required": false}
  ]
}`

func TestParse(t *testing.T) {
	q, err := dcql.Parse([]byte(specQuery))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Credentials) != 3 || q.Credentials[0].Claims[3].Path[1] != nil || q.Credentials[2].HolderBinding() || !q.Credentials[0].HolderBinding() {
		t.Fatalf("parsed %+v", q)
	}
	for _, tc := range []struct {
		name, query string
		want        error
	}{
		{"not json", `{`, dcql.ErrInvalid},
		{"no credentials", `{"credentials": []}`, dcql.ErrInvalid},
		{"unknown member", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "limit": 1}]}`, dcql.ErrInvalid},
		{"duplicate member", `{"credentials": [{"id": "a", "id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}`, dcql.ErrInvalid},
		{"bad id", `{"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}`, dcql.ErrInvalid},
		{"duplicate id", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}, {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["y"]}}]}`, dcql.ErrInvalid},
		{"no meta", `{"credentials": [{"id": "a", "format": "dc+sd-jwt"}]}`, dcql.ErrInvalid},
		{"wrong meta", `{"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"vct_values": ["x"]}}]}`, dcql.ErrInvalid},
		{"no format", `{"credentials": [{"id": "a", "meta": {"vct_values": ["x"]}}]}`, dcql.ErrInvalid},
		{"unknown format", `{"credentials": [{"id": "a", "format": "x509", "meta": {}}]}`, dcql.ErrUnsupported},
		{"mdoc", `{"credentials": [{"id": "a", "format": "mso_mdoc", "meta": {"doctype_value": "org.iso.18013.5.1.mDL"}}]}`, dcql.ErrUnsupported},
		{"trusted authorities", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "trusted_authorities": [{"type": "aki", "values": ["s9tIpP"]}]}]}`, dcql.ErrUnsupported},
		{"empty claims", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": []}]}`, dcql.ErrInvalid},
		{"empty path", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": []}]}]}`, dcql.ErrInvalid},
		{"negative index", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": ["a", -1]}]}]}`, dcql.ErrInvalid},
		{"float index", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": ["a", 1.5]}]}]}`, dcql.ErrInvalid},
		{"object value", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": ["a"], "values": [{}]}]}]}`, dcql.ErrInvalid},
		{"claim_sets without ids", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": ["a"]}], "claim_sets": [["x"]]}]}`, dcql.ErrInvalid},
		{"claim_sets unknown id", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"id": "c", "path": ["a"]}], "claim_sets": [["x"]]}]}`, dcql.ErrInvalid},
		{"credential_sets unknown id", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}], "credential_sets": [{"options": [["b"]]}]}`, dcql.ErrInvalid},
		{"empty option", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}], "credential_sets": [{"options": [[]]}]}`, dcql.ErrInvalid},
		{"zk without request", `{"credentials": [{"id": "a", "format": "chainid_zk", "meta": {}}]}`, dcql.ErrInvalid},
		{"zk request not an object", `{"credentials": [{"id": "a", "format": "chainid_zk", "meta": {"zk_request": "r1"}}]}`, dcql.ErrInvalid},
		{"zk request null", `{"credentials": [{"id": "a", "format": "chainid_zk", "meta": {"zk_request": null}}]}`, dcql.ErrInvalid},
		{"zk with type values", `{"credentials": [{"id": "a", "format": "chainid_zk", "meta": {"zk_request": {}, "type_values": [["x"]]}}]}`, dcql.ErrInvalid},
		{"zk request on sd-jwt", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"], "zk_request": {}}}]}`, dcql.ErrInvalid},
		{"trailing data", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]} {}`, dcql.ErrInvalid},
		{"trailing brace", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}}`, dcql.ErrInvalid},
		{"trailing bracket", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}]`, dcql.ErrInvalid},
		{"member named twice in another case", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}], "Credentials": [{"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["y"]}}]}`, dcql.ErrInvalid},
		{"member named twice by folding", `{"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"], "vct_valueſ": ["y"]}}]}`, dcql.ErrInvalid},
		{"nested too deeply", `{"credentials": [{"id": "a", "format": "chainid_zk", "meta": {"zk_request": {"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}}]}`, dcql.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := dcql.Parse([]byte(tc.query)); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestParseZK: a chainid_zk query carries its proof request in meta,
// unchanged, and matches ZK candidates only.
func TestParseZK(t *testing.T) {
	q, err := dcql.Parse([]byte(`{"credentials":[{"id":"age","format":"chainid_zk","meta":{"zk_request":{"schema":"https://s.example/p","reveal":["level"]}},
	  "claims":[{"path":["disclosed","level"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(q.Credentials[0].Meta.ZKRequest); got != `{"schema":"https://s.example/p","reveal":["level"]}` {
		t.Fatalf("zk_request %s", got)
	}
	zk := dcql.Candidate{ID: "z", Format: dcql.FormatZK, HolderBinding: true, Claims: json.RawMessage(`{"disclosed":{"level":3}}`)}
	sel, err := dcql.Match(q, []dcql.Candidate{{ID: "s", Format: dcql.FormatSDJWT, HolderBinding: true, Claims: zk.Claims}, zk})
	if err != nil || len(sel["age"]) != 1 || sel["age"][0].CandidateID != "z" || !slices.Equal(sel["age"][0].Disclose, []string{"/disclosed/level"}) {
		t.Fatalf("match %+v %v", sel, err)
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dcql.Parse(b); err != nil {
		t.Fatalf("re-encoded query %s: %v", b, err)
	}
}

func TestMatch(t *testing.T) {
	q, err := dcql.Parse([]byte(specQuery))
	if err != nil {
		t.Fatal(err)
	}
	pid := dcql.Candidate{ID: "w1", Format: "dc+sd-jwt", Types: []string{"https://credentials.example.com/identity_credential"}, HolderBinding: true,
		Claims: json.RawMessage(`{"given_name":"Erika","family_name":"Mustermann","birthdate":"1964-08-12","nationalities":["FR","DE"]}`)}
	member := dcql.Candidate{ID: "w2", Format: "ldp_vc", Types: []string{"VerifiableCredential", "MembershipCredential"},
		Claims: json.RawMessage(`{"credentialSubject":{"member":true}}`)}
	sel, err := dcql.Match(q, []dcql.Candidate{member, pid})
	if err != nil {
		t.Fatal(err)
	}
	// The first claim set needs the street address, which pid lacks: the
	// second set discloses the matching nationality only.
	if got := sel["pid"]; len(got) != 1 || got[0].CandidateID != "w1" || !slices.Equal(got[0].Disclose, []string{"/given_name", "/family_name", "/nationalities/1"}) {
		t.Fatalf("pid: %+v", got)
	}
	if got := sel["membership"]; len(got) != 1 || !slices.Equal(got[0].Disclose, []string{"/credentialSubject/member"}) {
		t.Fatalf("membership: %+v", got)
	}
	for _, tc := range []struct {
		name  string
		cands []dcql.Candidate
	}{
		{"no binding", []dcql.Candidate{{ID: "w1", Format: pid.Format, Types: pid.Types, Claims: pid.Claims}}},
		{"wrong vct", []dcql.Candidate{{ID: "w1", Format: pid.Format, Types: []string{"x"}, Claims: pid.Claims, HolderBinding: true}}},
		{"wrong value", []dcql.Candidate{{ID: "w1", Format: pid.Format, Types: pid.Types, HolderBinding: true, Claims: json.RawMessage(`{"given_name":"E","family_name":"M","nationalities":["FR"]}`)}}},
		{"only optional", []dcql.Candidate{member}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := dcql.Match(q, tc.cands); !errors.Is(err, dcql.ErrUnsatisfied) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestCheck verifies an SD-JWT presentation through the real pipeline and
// checks it against a query.
func TestCheck(t *testing.T) {
	r, _ := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	keys, _ := didkeys.New(r, didkeys.Config{})
	v, err := verifier.New(verifier.Config{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	ipub, ipriv, _ := ed25519.GenerateKey(rand.Reader)
	_, hpriv, _ := ed25519.GenerateKey(rand.Reader)
	iss, _ := didkey.New(ipub)
	sd, err := sdjwt.Issue([]byte(`{"given_name":"Erika","family_name":"Mustermann","age_over_18":true}`), sdjwt.Frame{"/given_name", "/family_name", "/age_over_18"},
		ipriv, sdjwt.IssueOptions{KeyID: iss.String() + "#" + iss.ID, VCT: "urn:eu.europa.ec.eudi:pid:1", HolderKey: hpriv.Public(), Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	present := func(reveal []string, nonce string) json.RawMessage {
		p, err := sdjwt.Present(sd, reveal, hpriv, sdjwt.PresentOptions{Nonce: nonce, Audience: "x509_san_dns:verifier.example", IssuedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(p)
		return b
	}
	q, err := dcql.Parse([]byte(`{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:eu.europa.ec.eudi:pid:1"]},"claims":[{"path":["age_over_18"],"values":[true]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	pol := verifier.Policy{TrustedIssuers: []string{iss.String()}}
	for _, tc := range []struct {
		name string
		tok  dcql.VPToken
		ok   bool
		want string
	}{
		{"answers", dcql.VPToken{"pid": {present([]string{"/age_over_18"}, "n1")}}, true, ""},
		{"claim withheld", dcql.VPToken{"pid": {present([]string{"/given_name"}, "n1")}}, false, "lacks a requested"},
		{"wrong nonce", dcql.VPToken{"pid": {present([]string{"/age_over_18"}, "n2")}}, false, "holder_binding"},
		{"unanswered", dcql.VPToken{}, false, "not answered"},
		{"unknown id", dcql.VPToken{"pid": {present([]string{"/age_over_18"}, "n1")}, "x": {present(nil, "n1")}}, false, "not a credential query id"},
		{"two without multiple", dcql.VPToken{"pid": {present([]string{"/age_over_18"}, "n1"), present([]string{"/age_over_18"}, "n1")}}, false, "multiple=false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dcql.Check(context.Background(), v, q, tc.tok, "n1", "x509_san_dns:verifier.example", pol)
			if err != nil {
				t.Fatal(err)
			}
			if got.OK() != tc.ok || (tc.want != "" && !strings.Contains(strings.Join(got.Problems, "|"), tc.want)) {
				t.Fatalf("ok = %v, problems %q", got.OK(), got.Problems)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(specQuery))
	f.Add([]byte(`{"credentials":[{"id":"a","format":"chainid_zk","meta":{"zk_request":{"id":"r"}}}]}`))
	f.Add([]byte(`{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["x"]}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := dcql.Parse(b)
		if err != nil {
			if !errors.Is(err, dcql.ErrInvalid) && !errors.Is(err, dcql.ErrUnsupported) {
				t.Fatalf("error %v wraps neither ErrInvalid nor ErrUnsupported", err)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if q.Validate() != nil {
			t.Fatal("parsed query does not validate")
		}
		// What Parse accepts re-encodes to a query it accepts, in a
		// stable form.
		out, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := dcql.Parse(out)
		if err != nil {
			t.Fatalf("re-encoded query refused: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(q2); !bytes.Equal(out, out2) {
			t.Fatalf("re-encoding not stable:\n%s\n%s", out, out2)
		}
		_, _ = dcql.Match(q, []dcql.Candidate{{ID: "x", Format: "dc+sd-jwt", Types: []string{"x"}, Claims: json.RawMessage(`{"a":[1,{"b":2}]}`), HolderBinding: true}})
	})
}
