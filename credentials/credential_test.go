package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

var update = flag.Bool("update", false, "rewrite golden files")

// normalise re-encodes a JSON value with sorted object members, no
// insignificant white space and no HTML escaping, so two encodings of the
// same value compare equal byte for byte.
func normalise(t testing.TB, data []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("normalise: %v", err)
	}
	out, err := marshalNoEscape(v)
	if err != nil {
		t.Fatalf("normalise: %v", err)
	}
	return out
}

func TestSpecExamplesRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/*.json")
	if err != nil || len(files) < 10 {
		t.Fatalf("spec examples: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var out []byte
			if strings.HasPrefix(name, "vp-") {
				p, err := ParsePresentation(in)
				if err != nil {
					t.Fatalf("ParsePresentation: %v", err)
				}
				out, err = json.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				c, err := ParseCredential(in)
				if err != nil {
					t.Fatalf("ParseCredential: %v", err)
				}
				want := V2
				if strings.HasPrefix(name, "v1-") {
					want = V1
				}
				if c.Version() != want {
					t.Errorf("Version = %v, want %v", c.Version(), want)
				}
				out, err = json.Marshal(c)
				if err != nil {
					t.Fatal(err)
				}
			}
			if got, want := normalise(t, out), normalise(t, in); !bytes.Equal(got, want) {
				t.Errorf("round trip changed the value:\n got %s\nwant %s", got, want)
			}
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(append(out, '\n'), want) {
				t.Errorf("marshal output differs from %s:\n got %s\nwant %s", golden, out, want)
			}
		})
	}
}

const validV2 = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],
"issuer":"did:example:issuer","validFrom":"2024-01-01T00:00:00Z","credentialSubject":{"id":"did:example:s","age":42}}`

// mutate returns validV2 with member name replaced by raw (or removed when
// raw is empty).
func mutate(t *testing.T, name, raw string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(validV2), &m); err != nil {
		t.Fatal(err)
	}
	if raw == "" {
		delete(m, name)
	} else {
		m[name] = json.RawMessage(raw)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseCredentialRefusals(t *testing.T) {
	if _, err := ParseCredential([]byte(validV2)); err != nil {
		t.Fatalf("the valid base credential is refused: %v", err)
	}
	deep := strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth)
	tests := []struct {
		name string
		doc  []byte
	}{
		{"not JSON", []byte(`{"@context":`)},
		{"not an object", []byte(`["VerifiableCredential"]`)},
		{"trailing data", []byte(validV2 + `{}`)},
		{"too large", append([]byte(validV2[:len(validV2)-1]+`,"x":"`), append(bytes.Repeat([]byte("a"), MaxSize), '"', '}')...)},
		{"too deep", mutate(t, "x", deep)},
		{"duplicate top-level member", []byte(strings.Replace(validV2, `"issuer":`, `"issuer":"did:example:other","issuer":`, 1))},
		{"duplicate nested member", []byte(strings.Replace(validV2, `"age":42`, `"age":42,"age":17`, 1))},
		{"duplicate escaped member", []byte(strings.Replace(validV2, `"age":42`, `"age":42,"\u0061ge":17`, 1))},
		{"duplicate member in extra", mutate(t, "x", `{"k":1,"k":2}`)},
		{"no context", mutate(t, "@context", "")},
		{"context null", mutate(t, "@context", `null`)},
		{"wrong first context", mutate(t, "@context", `["https://example.org/ctx","https://www.w3.org/ns/credentials/v2"]`)},
		{"base context repeated", mutate(t, "@context", `["https://www.w3.org/ns/credentials/v2","https://www.w3.org/2018/credentials/v1"]`)},
		{"context number", mutate(t, "@context", `[1]`)},
		{"no type", mutate(t, "type", "")},
		{"type without VerifiableCredential", mutate(t, "type", `["ExampleCredential"]`)},
		{"type empty string", mutate(t, "type", `["VerifiableCredential",""]`)},
		{"type number", mutate(t, "type", `7`)},
		{"id not a URI", mutate(t, "id", `"not a uri"`)},
		{"id number", mutate(t, "id", `5`)},
		{"no issuer", mutate(t, "issuer", "")},
		{"issuer not a URI", mutate(t, "issuer", `"issuer"`)},
		{"issuer null", mutate(t, "issuer", `null`)},
		{"issuer object without id", mutate(t, "issuer", `{"name":"x"}`)},
		{"issuer object with bad id", mutate(t, "issuer", `{"id":"x y:z"}`)},
		{"issuer array", mutate(t, "issuer", `["did:example:a"]`)},
		{"validFrom without zone", mutate(t, "validFrom", `"2024-01-01T00:00:00"`)},
		{"validFrom bad date", mutate(t, "validFrom", `"2024-02-30T00:00:00Z"`)},
		{"validFrom 24:00", mutate(t, "validFrom", `"2024-01-01T24:00:00Z"`)},
		{"validFrom date only", mutate(t, "validFrom", `"2024-01-01"`)},
		{"validFrom lower-case t", mutate(t, "validFrom", `"2024-01-01t00:00:00Z"`)},
		{"validFrom number", mutate(t, "validFrom", `1704067200`)},
		{"validUntil before validFrom", mutate(t, "validUntil", `"2023-12-31T23:59:59Z"`)},
		{"issuanceDate in 2.0", mutate(t, "issuanceDate", `"2024-01-01T00:00:00Z"`)},
		{"no subject", mutate(t, "credentialSubject", "")},
		{"empty subject", mutate(t, "credentialSubject", `{}`)},
		{"empty subject array", mutate(t, "credentialSubject", `[]`)},
		{"subject null element", mutate(t, "credentialSubject", `[null]`)},
		{"subject string", mutate(t, "credentialSubject", `"did:example:s"`)},
		{"subject empty id", mutate(t, "credentialSubject", `{"id":"","a":1}`)},
		{"subject id not URI", mutate(t, "credentialSubject", `{"id":"nope","a":1}`)},
		{"subject id number", mutate(t, "credentialSubject", `{"id":1}`)},
		{"status without type", mutate(t, "credentialStatus", `{"id":"https://example.com/s#1"}`)},
		{"status empty array", mutate(t, "credentialStatus", `[]`)},
		{"status index leading zero", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"01","statusListCredential":"https://example.com/s"}`)},
		{"status index negative", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"-1","statusListCredential":"https://example.com/s"}`)},
		{"status index number", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":5,"statusListCredential":"https://example.com/s"}`)},
		{"status index huge", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1234567890123456789","statusListCredential":"https://example.com/s"}`)},
		{"status without purpose", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusListIndex":"5","statusListCredential":"https://example.com/s"}`)},
		{"status list not URI", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"5","statusListCredential":"list"}`)},
		{"status empty purpose", mutate(t, "credentialStatus", `{"type":"BitstringStatusListEntry","statusPurpose":"","statusListIndex":"5","statusListCredential":"https://example.com/s"}`)},
		{"schema without type", mutate(t, "credentialSchema", `{"id":"https://example.com/schema"}`)},
		{"schema id not URI", mutate(t, "credentialSchema", `{"id":"schema","type":"JsonSchema"}`)},
		{"evidence string", mutate(t, "evidence", `"evidence"`)},
		{"termsOfUse null", mutate(t, "termsOfUse", `null`)},
		{"proof string", mutate(t, "proof", `"proof"`)},
		{"proof empty array", mutate(t, "proof", `[]`)},
		{"proof array of strings", mutate(t, "proof", `["a"]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCredential(tt.doc)
			if err == nil {
				t.Fatalf("ParseCredential accepted it: %+v", c)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestParseCredentialV1(t *testing.T) {
	base := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":"VerifiableCredential","issuer":"did:example:i","credentialSubject":{"id":"did:example:s"}%s}`
	tests := []struct {
		name, extra string
		ok          bool
	}{
		{"issuanceDate", `,"issuanceDate":"2020-01-01T00:00:00Z"`, true},
		{"issuanceDate without zone", `,"issuanceDate":"2020-01-01T00:00:00"`, true},
		{"issuanceDate with offset", `,"issuanceDate":"2020-01-01T00:00:00.123+02:00","expirationDate":"2021-01-01T00:00:00Z"`, true},
		{"no issuanceDate", ``, false},
		{"validFrom in 1.1", `,"issuanceDate":"2020-01-01T00:00:00Z","validFrom":"2020-01-01T00:00:00Z"`, false},
		{"expiration before issuance", `,"issuanceDate":"2020-01-01T00:00:00Z","expirationDate":"2019-01-01T00:00:00Z"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCredential([]byte(strings.Replace(base, "%s", tt.extra, 1)))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err == nil && c.Version() != V1 {
				t.Errorf("Version = %v", c.Version())
			}
		})
	}
}

func TestValidAt(t *testing.T) {
	c, err := ParseCredential([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential",
	"issuer":"did:example:i","validFrom":"2024-01-01T00:00:00Z","validUntil":"2024-12-31T00:00:00+01:00","credentialSubject":{"a":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2024, 12, 30, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		at     time.Time
		leeway time.Duration
		want   error
	}{
		{"inside", from.Add(time.Hour), 0, nil},
		{"at validFrom", from, 0, nil},
		{"at validUntil", until, 0, nil},
		{"before", from.Add(-time.Second), 0, ErrNotYetValid},
		{"before within leeway", from.Add(-time.Second), time.Minute, nil},
		{"before beyond leeway", from.Add(-2 * time.Minute), time.Minute, ErrNotYetValid},
		{"after", until.Add(time.Second), 0, ErrExpired},
		{"after within leeway", until.Add(time.Second), time.Minute, nil},
		{"after beyond leeway", until.Add(2 * time.Minute), time.Minute, ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.ValidAt(tt.at, tt.leeway)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("ValidAt = %v, want %v", err, tt.want)
			}
		})
	}
	open := &Credential{Context: did.Contexts(ContextV2)}
	if err := open.ValidAt(time.Unix(0, 0), 0); err != nil {
		t.Errorf("no dates: ValidAt = %v", err)
	}
}

func TestSubjectClaimsKeepOrder(t *testing.T) {
	in := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:i",` +
		`"credentialSubject":{"zeta":1,"alpha":{"b":2,"a":1},"id":"did:example:s","mid":[3,2,1]}}`
	c, err := ParseCredential([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Subjects()[0]
	var names []string
	for _, m := range s.Claims {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, ","); got != "zeta,alpha,mid" {
		t.Errorf("claim order = %s", got)
	}
	if v, ok := s.Claim("alpha"); !ok || string(v) != `{"b":2,"a":1}` {
		t.Errorf("Claim(alpha) = %s, %v", v, ok)
	}
	if _, ok := s.Claim("missing"); ok {
		t.Error("Claim(missing) found")
	}
	j, err := s.JSON()
	if err != nil || string(j) != `{"id":"did:example:s","zeta":1,"alpha":{"b":2,"a":1},"mid":[3,2,1]}` {
		t.Errorf("JSON = %s, %v", j, err)
	}
}

func TestMarshalBuilt(t *testing.T) {
	c := Credential{
		Context: did.Contexts(ContextV2),
		ID:      "urn:uuid:1",
		Type:    did.StringOrSet{Values: []string{TypeCredential, "AgeCredential"}, Array: true},
		Issuer:  Entity{ID: "did:example:issuer"},
		CredentialSubject: One(Subject{ID: "did:example:alice", Claims: []Member{
			{Name: "birthDate", Value: json.RawMessage(`"2000-01-01"`)},
			{Name: "note", Value: json.RawMessage(`"<b>&</b>"`)},
		}}),
		CredentialStatus: One(Status{Type: TypeBitstringStatusListEntry, StatusPurpose: "revocation",
			StatusListIndex: "7", StatusListCredential: "https://issuer.example/status/1"}),
		Extra: map[string]json.RawMessage{"name": json.RawMessage(`"Age"`)},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// MarshalJSON itself does not HTML-escape; json.Marshal would
	// (it re-compacts every Marshaler's output with escaping on).
	out, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","type":["VerifiableCredential","AgeCredential"],` +
		`"issuer":"did:example:issuer","credentialSubject":{"id":"did:example:alice","birthDate":"2000-01-01","note":"<b>&</b>"},` +
		`"credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"7",` +
		`"statusListCredential":"https://issuer.example/status/1"},"name":"Age"}`
	if string(out) != want {
		t.Errorf("Marshal:\n got %s\nwant %s", out, want)
	}
	again, err := ParseCredential(out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := again.MarshalJSON()
	if !bytes.Equal(out, out2) {
		t.Errorf("second round trip differs:\n%s\n%s", out, out2)
	}

	for name, bad := range map[string]func(c *Credential){
		"extra duplicates modelled": func(c *Credential) { c.Extra = map[string]json.RawMessage{"issuer": json.RawMessage(`"x"`)} },
		"extra invalid JSON":        func(c *Credential) { c.Extra = map[string]json.RawMessage{"x": json.RawMessage(`{`)} },
		"claim duplicates id": func(c *Credential) {
			c.CredentialSubject = One(Subject{ID: "did:example:a", Claims: []Member{{Name: "id", Value: json.RawMessage(`"x"`)}}})
		},
		"issuer extra duplicates id": func(c *Credential) {
			c.Issuer = Entity{ID: "did:example:i", Extra: map[string]json.RawMessage{"id": json.RawMessage(`"x"`)}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			cc := c
			bad(&cc)
			if out, err := json.Marshal(cc); err == nil {
				t.Errorf("Marshal succeeded: %s", out)
			}
		})
	}
}

func TestStatusIndex(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"94567", 94567, true}, {"999999999999999999", 999999999999999999, true},
		{"", 0, false}, {"00", 0, false}, {"+1", 0, false}, {"1e3", 0, false}, {"１", 0, false},
		{"1000000000000000000", 0, false},
	} {
		got, err := Status{StatusListIndex: tt.in}.Index()
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Index(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestEntityForms(t *testing.T) {
	for _, in := range []string{`"did:example:a"`, `{"id":"did:example:a"}`, `{"id":"did:example:a","name":"A"}`} {
		var e Entity
		if err := json.Unmarshal([]byte(in), &e); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, err := json.Marshal(e)
		if err != nil || string(out) != in {
			t.Errorf("round trip %s -> %s, %v", in, out, err)
		}
	}
}

func TestParsePresentationRefusals(t *testing.T) {
	base := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"]%s}`
	tests := []struct {
		name, extra string
		ok          bool
	}{
		{"minimal", ``, true},
		{"holder", `,"holder":"did:example:h"`, true},
		{"holder object", `,"holder":{"id":"did:example:h","name":"H"}`, true},
		{"jwt entry", `,"verifiableCredential":"eyJ.eyJ.sig"`, true},
		{"holder not URI", `,"holder":"h"`, false},
		{"holder null", `,"holder":null`, false},
		{"entry number", `,"verifiableCredential":[1]`, false},
		{"entry empty string", `,"verifiableCredential":[""]`, false},
		{"entries empty array", `,"verifiableCredential":[]`, false},
		{"entry null", `,"verifiableCredential":[null]`, false},
		{"proof string", `,"proof":"x"`, false},
		{"duplicate", `,"holder":"did:example:a","holder":"did:example:b"`, false},
		{"credential type", `,"type":"VerifiableCredential"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(base, "%s", tt.extra, 1)
			if tt.name == "credential type" {
				doc = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`
			}
			p, err := ParsePresentation([]byte(doc))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			if err == nil {
				out, err := json.Marshal(p)
				if err != nil || !bytes.Equal(normalise(t, out), normalise(t, []byte(doc))) {
					t.Errorf("round trip: %s, %v", out, err)
				}
			}
		})
	}
}

func TestParseDateTime(t *testing.T) {
	for _, tt := range []struct {
		in       string
		needZone bool
		want     time.Time
		ok       bool
	}{
		{"2024-01-01T00:00:00Z", true, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-01-01T01:00:00+01:00", true, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-01-01T00:00:00.5Z", true, time.Date(2024, 1, 1, 0, 0, 0, 5e8, time.UTC), true},
		{"2024-01-01T00:00:00", false, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-01-01T00:00:00", true, time.Time{}, false},
		{"2024-01-01T00:00:60Z", true, time.Time{}, false},
		{"2024-01-01T00:00:00.1234567890Z", true, time.Time{}, false},
		{"2023-02-29T00:00:00Z", true, time.Time{}, false},
		{"2024-01-01T00:00:00+15:00", true, time.Time{}, false},
		{"2024-01-01 00:00:00Z", true, time.Time{}, false},
		{"-2024-01-01T00:00:00Z", true, time.Time{}, false},
	} {
		got, err := ParseDateTime(tt.in, tt.needZone)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseDateTime(%q, %v) = %v, %v; want %v ok=%v", tt.in, tt.needZone, got, err, tt.want, tt.ok)
		}
	}
}
