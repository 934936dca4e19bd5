package presexch_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/chainid/chainid/verifier/presexch"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// def wraps input descriptors (and optional extra members) into a
// definition.
func def(descriptors string, extra ...string) string {
	s := `{"id":"d1","input_descriptors":[` + descriptors + `]`
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

const passport = `{"id":"p","constraints":{"fields":[{"path":["$.credentialSubject.birth_date"],"filter":{"type":"string","format":"date"}}]}}`

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want error // nil, ErrInvalid or ErrUnsupported
	}{
		{"spec basic_example", string(readFile(t, "basic_example.json")), nil},
		{"spec single_group_example", string(readFile(t, "single_group_example.json")), nil},
		{"spec pd_filter", string(readFile(t, "pd_filter.json")), nil},
		{"spec format_example has no input descriptors", string(readFile(t, "format_example.json")), presexch.ErrInvalid},
		{"minimal", def(`{"id":"a","constraints":{}}`), nil},
		{"format and limit_disclosure", def(`{"id":"a","format":{"dc+sd-jwt":{"sd-jwt_alg_values":["ES256"]}},"constraints":{"limit_disclosure":"required","fields":[{"path":["$.age"],"filter":{"type":"integer","minimum":18},"optional":true}]}}`), nil},
		{"date bounds", def(`{"id":"a","constraints":{"fields":[{"path":["$.dob"],"filter":{"type":"string","format":"date","formatMaximum":"1999-05-16"}}]}}`), nil},
		{"pick min max from_nested", def(`{"id":"a","group":["A"],"constraints":{}},{"id":"b","group":["B"],"constraints":{}}`,
			`"submission_requirements":[{"rule":"pick","min":1,"max":2,"from_nested":[{"rule":"all","from":"A"},{"rule":"pick","count":1,"from":"B"}]}]`), nil},

		{"not JSON", `{`, presexch.ErrInvalid},
		{"no constraints", def(`{"id":"a"}`), presexch.ErrInvalid},
		{"no id", `{"input_descriptors":[` + passport + `]}`, presexch.ErrInvalid},
		{"unknown member", def(passport, `"extra":1`), presexch.ErrInvalid},
		{"member named twice", `{"id":"x","id":"y","input_descriptors":[` + passport + `]}`, presexch.ErrInvalid},
		{"filter property named twice", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"string","type":"integer"}}]}}`), presexch.ErrInvalid},
		{"filter properties differing in case", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"object","properties":{"n":{"const":1},"N":{"const":2}}}}]}}`), nil},
		{"unknown field member", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"x":1}]}}`), presexch.ErrInvalid},
		{"frame", def(passport, `"frame":{}`), presexch.ErrUnsupported},
		{"predicate", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"integer"},"predicate":"required"}]}}`), presexch.ErrUnsupported},
		{"is_holder", def(`{"id":"a","constraints":{"is_holder":[]}}`), presexch.ErrUnsupported},
		{"statuses", def(`{"id":"a","constraints":{"statuses":{}}}`), presexch.ErrUnsupported},
		{"duplicate descriptor id", def(passport + "," + passport), presexch.ErrInvalid},
		{"missing constraints is fine, empty path is not", def(`{"id":"a","constraints":{"fields":[{"path":[]}]}}`), presexch.ErrInvalid},
		{"wildcard path (spec multi_group_example)", def(`{"id":"a","constraints":{"fields":[{"path":["$.credentialSubject.account[*].id"]}]}}`), presexch.ErrUnsupported},
		{"recursive descent", def(`{"id":"a","constraints":{"fields":[{"path":["$..id"]}]}}`), presexch.ErrUnsupported},
		{"path without $", def(`{"id":"a","constraints":{"fields":[{"path":["credentialSubject"]}]}}`), presexch.ErrInvalid},
		{"bad limit_disclosure", def(`{"id":"a","constraints":{"limit_disclosure":"always"}}`), presexch.ErrInvalid},
		{"filter $ref", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"$ref":"https://evil.example/s.json"}}]}}`), presexch.ErrUnsupported},
		{"nested filter $ref", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"allOf":[{"$ref":"#"}]}}]}}`), presexch.ErrUnsupported},
		{"misspelled keyword (spec multi_group_example forrmatMaximum)", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"string","format":"date","forrmatMaximum":"1999-05-16"}}]}}`), presexch.ErrInvalid},
		{"formatMaximum without date format", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"string","formatMaximum":"1999-05-16"}}]}}`), presexch.ErrInvalid},
		{"bad regex", def(`{"id":"a","constraints":{"fields":[{"path":["$.a"],"filter":{"type":"string","pattern":"("}}]}}`), presexch.ErrInvalid},
		{"empty format", def(passport, `"format":{}`), presexch.ErrInvalid},
		{"group missing with requirements", def(passport, `"submission_requirements":[{"rule":"all","from":"A"}]`), presexch.ErrInvalid},
		{"from unknown group", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"all","from":"B"}]`), presexch.ErrInvalid},
		{"from and from_nested", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"all","from":"A","from_nested":[{"rule":"all","from":"A"}]}]`), presexch.ErrInvalid},
		{"pick without count", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"pick","from":"A"}]`), presexch.ErrInvalid},
		{"count with min", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"pick","count":1,"min":1,"from":"A"}]`), presexch.ErrInvalid},
		{"min above max", def(`{"id":"a","group":["A"],"constraints":{}},{"id":"b","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"pick","min":2,"max":1,"from":"A"}]`), presexch.ErrInvalid},
		{"count above group size", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"pick","count":2,"from":"A"}]`), presexch.ErrInvalid},
		{"count on all", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"all","count":1,"from":"A"}]`), presexch.ErrInvalid},
		{"unknown rule", def(`{"id":"a","group":["A"],"constraints":{}}`, `"submission_requirements":[{"rule":"some","from":"A"}]`), presexch.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := presexch.Parse([]byte(tc.raw))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				// A parsed definition marshals to JSON that parses again.
				b, _ := json.Marshal(d)
				if _, err := presexch.Parse(b); err != nil {
					t.Fatalf("re-parse %s: %v", b, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want presexch.Path
		err  error
	}{
		{"$", presexch.Path{}, nil},
		{"$.a.b", presexch.Path{"a", "b"}, nil},
		{"$['a'][0]", presexch.Path{"a", 0}, nil},
		{`$["a b"].c[12]`, presexch.Path{"a b", "c", 12}, nil},
		{"$.vc.credentialSubject.given_name", presexch.Path{"vc", "credentialSubject", "given_name"}, nil},
		{"$.a[*]", nil, presexch.ErrUnsupported},
		{"$.*", nil, presexch.ErrUnsupported},
		{"$..a", nil, presexch.ErrUnsupported},
		{"$.a[0:2]", nil, presexch.ErrUnsupported},
		{"$.a[-1]", nil, presexch.ErrUnsupported},
		{"$.a[?(@.b)]", nil, presexch.ErrUnsupported},
		{"$.a['b','c']", nil, presexch.ErrUnsupported},
		{"a.b", nil, presexch.ErrInvalid},
		{"$.", nil, presexch.ErrInvalid},
		{"$.a[", nil, presexch.ErrInvalid},
		{"$.a[01]", nil, presexch.ErrInvalid},
		{"$ .a", nil, presexch.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := presexch.ParsePath(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("ParsePath = %v, %v; want %v", got, err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParsePath = %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

// Credentials of the evaluation tests, in the shape of the spec examples.
const (
	euLicense = `{"issuer":"did:example:gov1","credentialSchema":{"id":"https://eu.com/claims/DriversLicense.json"},"credentialSubject":{"dob":"1990-01-02"}}`
	usPass    = `{"issuer":"did:example:gov9","credentialSchema":{"id":"hub://did:foo:123/Collections/schema.us.gov/passport.json"},"credentialSubject":{"birth_date":"1980-05-06"}}`
	badPass   = `{"credentialSchema":{"id":"hub://did:foo:123/Collections/schema.us.gov/passport.json"},"credentialSubject":{"birth_date":"May 6th"}}`
	bankCred  = `{"issuer":"did:example:123","credentialSchema":{"id":"https://bank-standards.example.com/fullaccountroute.json"}}`
)

// vp is a presentation object holding credentials.
func vp(creds ...string) any {
	var v any
	if err := json.Unmarshal([]byte(`{"verifiableCredential":[`+strings.Join(creds, ",")+`]}`), &v); err != nil {
		panic(err)
	}
	return v
}

// sub builds a submission; entries are "id format path".
func sub(t *testing.T, defID string, entries ...string) *presexch.Submission {
	t.Helper()
	s := &presexch.Submission{ID: "s", DefinitionID: defID}
	for _, e := range entries {
		f := strings.Fields(e)
		s.DescriptorMap = append(s.DescriptorMap, &presexch.Descriptor{ID: f[0], Format: f[1], Path: f[2]})
	}
	return s
}

// identity resolves an object to itself (the test's credentials are
// plain JSON).
func identity(_ string, v any, _ bool) (any, error) { return v, nil }

func mustParse(t *testing.T, raw []byte) *presexch.Definition {
	t.Helper()
	d, err := presexch.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	single := mustParse(t, readFile(t, "single_group_example.json"))
	basic := mustParse(t, readFile(t, "basic_example.json"))
	const specID = "32f54163-7166-48f1-93d8-ff217bdb0653"
	tests := []struct {
		name     string
		def      *presexch.Definition
		sub      *presexch.Submission
		root     any
		problems []string // substrings, one per expected problem; none means OK
	}{
		{"pick 1: the EU license", single, sub(t, specID, "citizenship_input_1 ldp_vc $.verifiableCredential[0]"), vp(euLicense), nil},
		{"pick 1: the US passport by its $.vc alternative path", single, sub(t, specID, "citizenship_input_2 jwt_vc_json $.verifiableCredential[0]"), vp(`{"vc":` + usPass + `}`), nil},
		{"pick 1 but two submitted", single, sub(t, specID, "citizenship_input_1 ldp_vc $.verifiableCredential[0]", "citizenship_input_2 ldp_vc $.verifiableCredential[1]"),
			vp(euLicense, usPass), []string{"submission requirement 0"}},
		{"filter refuses the value", single, sub(t, specID, "citizenship_input_2 ldp_vc $.verifiableCredential[0]"), vp(badPass),
			[]string{"field $.credentialSubject.birth_date is not satisfied", "submission requirement 0"}},
		{"wrong credential for the descriptor", single, sub(t, specID, "citizenship_input_1 ldp_vc $.verifiableCredential[0]"), vp(usPass),
			[]string{"is not satisfied", "submission requirement 0"}},
		{"path selects nothing", single, sub(t, specID, "citizenship_input_1 ldp_vc $.verifiableCredential[3]"), vp(euLicense),
			[]string{"selects nothing", "submission requirement 0"}},
		{"other definition", single, sub(t, "other", "citizenship_input_1 ldp_vc $.verifiableCredential[0]"), vp(euLicense),
			[]string{`definition "other"`}},
		{"basic: both, with limit_disclosure on an SD-JWT", basic, sub(t, specID, "bankaccount_input dc+sd-jwt $.verifiableCredential[0]", "us_passport_input ldp_vc $.verifiableCredential[1]"),
			vp(bankCred, usPass), nil},
		{"basic: limit_disclosure required refuses ldp_vc", basic, sub(t, specID, "bankaccount_input ldp_vc $.verifiableCredential[0]", "us_passport_input ldp_vc $.verifiableCredential[1]"),
			vp(bankCred, usPass), []string{"cannot limit disclosure", "bankaccount_input is not satisfied"}},
		{"basic: one missing", basic, sub(t, specID, "us_passport_input ldp_vc $.verifiableCredential[0]"), vp(usPass),
			[]string{"bankaccount_input is not satisfied"}},
		{"basic: unknown descriptor and a duplicate", basic, sub(t, specID, "us_passport_input ldp_vc $.verifiableCredential[0]", "us_passport_input ldp_vc $.verifiableCredential[0]", "nope ldp_vc $"),
			vp(usPass), []string{"submitted twice", "no input descriptor", "bankaccount_input is not satisfied"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := presexch.Evaluate(tc.def, tc.sub, tc.root, identity)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Problems) != len(tc.problems) {
				t.Fatalf("problems = %q, want %d like %q", ev.Problems, len(tc.problems), tc.problems)
			}
			for i, p := range tc.problems {
				if !strings.Contains(ev.Problems[i], p) {
					t.Errorf("problem %d = %q, want it to contain %q", i, ev.Problems[i], p)
				}
			}
			if ev.OK() != (len(tc.problems) == 0) {
				t.Errorf("OK = %v", ev.OK())
			}
		})
	}
}

// TestEvaluateNested follows path_nested through a resolver that opens the
// outer presentation (as a VP-JWT's payload would be) and refuses others.
func TestEvaluateNested(t *testing.T) {
	d := mustParse(t, []byte(def(`{"id":"a","constraints":{"fields":[{"path":["$.credentialSubject.dob"],"filter":{"type":"string","format":"date","formatMaximum":"2000-01-01"}}]}}`)))
	inner := map[string]any{"credentialSubject": map[string]any{"dob": "1999-05-16"}}
	young := map[string]any{"credentialSubject": map[string]any{"dob": "2001-05-16"}}
	root := map[string]any{"outer": []any{"TOKEN"}}
	opened := map[string]any{"vp": map[string]any{"verifiableCredential": []any{young, inner}}}
	resolve := func(format string, v any, final bool) (any, error) {
		if !final {
			if v != "TOKEN" || format != "jwt_vp_json" {
				return nil, errors.New("not the presentation")
			}
			return opened, nil
		}
		return v, nil
	}
	nested := func(idx, outerFormat string) *presexch.Submission {
		return &presexch.Submission{ID: "s", DefinitionID: "d1", DescriptorMap: []*presexch.Descriptor{{
			ID: "a", Format: outerFormat, Path: "$.outer[0]",
			PathNested: &presexch.Descriptor{ID: "a", Format: "ldp_vc", Path: "$.vp.verifiableCredential[" + idx + "]"}}}}
	}
	for _, tc := range []struct {
		name string
		sub  *presexch.Submission
		ok   bool
	}{
		{"nested credential in range", nested("1", "jwt_vp_json"), true},
		{"nested credential after formatMaximum", nested("0", "jwt_vp_json"), false},
		{"resolver refuses the outer step", nested("1", "ldp_vp"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := presexch.Evaluate(d, tc.sub, root, resolve)
			if err != nil {
				t.Fatal(err)
			}
			if ev.OK() != tc.ok {
				t.Fatalf("OK = %v, problems %q", ev.OK(), ev.Problems)
			}
		})
	}
}

func TestParseSubmission(t *testing.T) {
	s, err := presexch.ParseSubmission(readFile(t, "submission_example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.DescriptorMap) != 4 || s.DescriptorMap[3].PathNested.PathNested.Path != "$.mostInnerCredential[2]" {
		t.Fatalf("parsed %+v", s)
	}
	for name, raw := range map[string]string{
		"no definition_id": `{"id":"s","descriptor_map":[{"id":"a","format":"ldp_vc","path":"$"}]}`,
		"empty map":        `{"id":"s","definition_id":"d","descriptor_map":[]}`,
		"nested id":        `{"id":"s","definition_id":"d","descriptor_map":[{"id":"a","format":"jwt_vp","path":"$","path_nested":{"id":"b","format":"ldp_vc","path":"$.x"}}]}`,
		"no format":        `{"id":"s","definition_id":"d","descriptor_map":[{"id":"a","path":"$"}]}`,
		"wildcard path":    `{"id":"s","definition_id":"d","descriptor_map":[{"id":"a","format":"ldp_vc","path":"$.verifiableCredential[*]"}]}`,
		"unknown member":   `{"id":"s","definition_id":"d","descriptor_map":[{"id":"a","format":"ldp_vc","path":"$","x":1}]}`,
		"id named twice":   `{"id":"s","definition_id":"d","descriptor_map":[{"id":"a","format":"ldp_vc","path":"$","ID":"b"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := presexch.ParseSubmission([]byte(raw)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestMatch(t *testing.T) {
	single := mustParse(t, readFile(t, "single_group_example.json"))
	basic := mustParse(t, readFile(t, "basic_example.json"))
	limited := mustParse(t, []byte(def(`{"id":"age","constraints":{"limit_disclosure":"required","fields":[
	  {"path":["$.age"],"filter":{"type":"integer","minimum":18}},
	  {"path":["$.nickname"],"optional":true},
	  {"path":["$.email"],"optional":true}]}}`)))
	cand := func(id, format, claims string) presexch.Candidate {
		return presexch.Candidate{ID: id, Format: format, Claims: json.RawMessage(claims)}
	}
	tests := []struct {
		name   string
		def    *presexch.Definition
		cands  []presexch.Candidate
		submit []string
		picks  map[string][]string // descriptor → candidate ids
		err    error
	}{
		{"pick 1 of 2 available takes the first", single, []presexch.Candidate{cand("pass", "ldp_vc", usPass), cand("eu", "ldp_vc", euLicense)},
			[]string{"citizenship_input_1"}, map[string][]string{"citizenship_input_1": {"eu"}, "citizenship_input_2": {"pass"}}, nil},
		{"pick 1 with only a bad passport", single, []presexch.Candidate{cand("bad", "ldp_vc", badPass)}, nil, nil, presexch.ErrNoMatch},
		{"all descriptors without requirements", basic, []presexch.Candidate{cand("bank", "dc+sd-jwt", bankCred), cand("pass", "ldp_vc", usPass)},
			[]string{"bankaccount_input", "us_passport_input"}, map[string][]string{"bankaccount_input": {"bank"}, "us_passport_input": {"pass"}}, nil},
		{"limit_disclosure skips a format that cannot", basic, []presexch.Candidate{cand("bank", "ldp_vc", bankCred), cand("pass", "ldp_vc", usPass)}, nil, nil, presexch.ErrNoMatch},
		{"filter minimum", limited, []presexch.Candidate{cand("kid", "dc+sd-jwt", `{"age":12}`), cand("adult", "dc+sd-jwt", `{"age":40,"email":"a@b","name":"A"}`)},
			[]string{"age"}, map[string][]string{"age": {"adult"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := presexch.Match(tc.def, tc.cands)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Match = %+v, %v; want %v", sel, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sel.Submit, tc.submit) {
				t.Errorf("Submit = %q, want %q", sel.Submit, tc.submit)
			}
			for id, want := range tc.picks {
				var got []string
				for _, s := range sel.Candidates[id] {
					got = append(got, s.Candidate)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("candidates of %s = %q, want %q", id, got, want)
				}
			}
		})
	}
	// Only the fields asked for (and present) are to be disclosed: age and
	// email, not name.
	sel, err := presexch.Match(limited, []presexch.Candidate{cand("adult", "dc+sd-jwt", `{"age":40,"email":"a@b","name":"A"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range sel.Candidates["age"][0].Disclose {
		paths = append(paths, p.String())
	}
	if want := []string{"$['age']", "$['email']"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("Disclose = %q, want %q", paths, want)
	}
}

func TestUnparsedDefinition(t *testing.T) {
	var d presexch.Definition
	if err := json.Unmarshal([]byte(def(passport)), &d); err != nil {
		t.Fatal(err)
	}
	if _, err := presexch.Match(&d, nil); err == nil {
		t.Fatal("Match accepted a definition that did not come from Parse")
	}
}
