package zk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/chainid/chainid/zkp"
)

func TestCreateRequest(t *testing.T) {
	f := newFixture(t)
	pred := func(attr, op, value string) []PredicateSpec {
		p := PredicateSpec{Attribute: attr, Op: op}
		if value != "" {
			p.Value = json.RawMessage(value)
		}
		return []PredicateSpec{p}
	}
	tests := []struct {
		name    string
		mod     func(*Spec)
		invalid bool // ErrInvalidRequest
		tags    bool // validator errors
	}{
		{"valid", func(*Spec) {}, false, false},
		{"no predicates or reveal", func(s *Spec) { s.Reveal, s.Predicates = nil, nil }, false, false},
		{"eq integer", func(s *Spec) { s.Predicates = pred("age", "=", "30") }, false, false},
		{"ne string", func(s *Spec) { s.Predicates = pred("familyName", "≠", `"X"`) }, false, false},
		{"between", func(s *Spec) { s.Predicates = pred("age", "between", "[18, 65]") }, false, false},
		{"not-in enum", func(s *Spec) { s.Predicates = pred("nationality", "not-in", `["DE"]`) }, false, false},
		{"lt date", func(s *Spec) { s.Predicates = pred("birthDate", "<", `"2000-01-01"`) }, false, false},
		{"negative integer", func(s *Spec) { s.Predicates = pred("age", ">", "-5") }, false, false},
		{"in 8", func(s *Spec) { s.Predicates = pred("age", "in", "[1,2,3,4,5,6,7,8]") }, false, false},

		{"no issuers", func(s *Spec) { s.Issuers = nil }, false, true},
		{"duplicate issuers", func(s *Spec) { s.Issuers = []string{testIssuer, testIssuer} }, false, true},
		{"bad issuer DID", func(s *Spec) { s.Issuers = []string{"not-a-did"} }, true, false},
		{"issuer without anchors", func(s *Spec) { s.Issuers = []string{"did:example:other"} }, true, false},
		{"no schema", func(s *Spec) { s.Schema = "" }, false, true},
		{"unknown schema", func(s *Spec) { s.Schema = "https://x.example/s" }, true, false},
		{"no audience", func(s *Spec) { s.Audience = "" }, false, true},
		{"control char in scope", func(s *Spec) { s.Scope = "a\nb" }, false, true},
		{"unknown reveal", func(s *Spec) { s.Reveal = []string{"height"} }, true, false},
		{"duplicate reveal", func(s *Spec) { s.Reveal = []string{"age", "age"} }, false, true},
		{"five predicates", func(s *Spec) {
			s.Predicates = append(s.Predicates, s.Predicates[0], s.Predicates[0])
		}, false, true},
		{"unknown operator", func(s *Spec) { s.Predicates = pred("age", "~", "1") }, false, true},
		{"unknown attribute", func(s *Spec) { s.Predicates = pred("height", ">", "1") }, true, false},
		{"missing value", func(s *Spec) { s.Predicates = pred("age", ">", "") }, false, true},
		// Operands follow the credential encoding's strict rules: one JSON
		// value per field element, nothing normalized.
		{"string for integer", func(s *Spec) { s.Predicates = pred("age", ">", `"18"`) }, true, false},
		{"signed string for integer", func(s *Spec) { s.Predicates = pred("age", ">", `"+18"`) }, true, false},
		{"minus zero", func(s *Spec) { s.Predicates = pred("age", "=", "-0") }, true, false},
		{"lone surrogate", func(s *Spec) { s.Predicates = pred("familyName", "≠", `"\ud800"`) }, true, false},
		{"lone surrogate in set", func(s *Spec) { s.Predicates = pred("familyName", "in", `["a","\udc00"]`) }, true, false},
		{"fraction", func(s *Spec) { s.Predicates = pred("age", ">", "18.5") }, true, false},
		{"exponent", func(s *Spec) { s.Predicates = pred("age", ">", "1e3") }, true, false},
		{"integer overflow", func(s *Spec) { s.Predicates = pred("age", ">", "9223372036854775808") }, true, false},
		{"bool for integer", func(s *Spec) { s.Predicates = pred("age", "=", "true") }, true, false},
		{"array for eq", func(s *Spec) { s.Predicates = pred("age", "=", "[1]") }, true, false},
		{"ordered on string", func(s *Spec) { s.Predicates = pred("familyName", "<", `"M"`) }, true, false},
		{"ordered on enum is allowed", func(s *Spec) { s.Predicates = pred("nationality", "<", `"NL"`) }, false, false},
		{"unknown enum value", func(s *Spec) { s.Predicates = pred("nationality", "=", `"US"`) }, true, false},
		{"bad date", func(s *Spec) { s.Predicates = pred("birthDate", "<", `"2000-13-01"`) }, true, false},
		{"between one value", func(s *Spec) { s.Predicates = pred("age", "between", "[18]") }, true, false},
		{"between reversed", func(s *Spec) { s.Predicates = pred("age", "between", "[65, 18]") }, true, false},
		{"in empty", func(s *Spec) { s.Predicates = pred("age", "in", "[]") }, true, false},
		{"in nine", func(s *Spec) { s.Predicates = pred("age", "in", "[1,2,3,4,5,6,7,8,9]") }, true, false},
		{"in duplicate", func(s *Spec) { s.Predicates = pred("age", "in", "[1,1]") }, true, false},
		{"in scalar", func(s *Spec) { s.Predicates = pred("age", "in", "1") }, true, false},
		{"trailing data", func(s *Spec) { s.Predicates = pred("age", ">", "1 2") }, true, false},
		{"ttl too short", func(s *Spec) { s.TTLSeconds = 5 }, false, true},
		{"ttl at most MaxTTL", func(s *Spec) { s.TTLSeconds = int(MaxTTL / time.Second) }, false, false},
		{"ttl too long", func(s *Spec) { s.TTLSeconds = int(MaxTTL/time.Second) + 1 }, false, true},
		{"ttl of an hour", func(s *Spec) { s.TTLSeconds = 3600 }, false, true},
		{"short caller nonce", func(s *Spec) { s.Nonce = "short" }, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := baseSpec()
			tt.mod(&spec)
			req, err := f.svc.CreateRequest(t.Context(), spec)
			var verrs validator.ValidationErrors
			switch {
			case tt.invalid && !errors.Is(err, ErrInvalidRequest):
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			case tt.tags && !errors.As(err, &verrs):
				t.Fatalf("err = %v, want validation errors", err)
			case !tt.invalid && !tt.tags && err != nil:
				t.Fatalf("err = %v", err)
			case err != nil:
				return
			}
			// The document parses back and is consistent.
			b, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseRequest(b)
			if err != nil {
				t.Fatalf("ParseRequest: %v\n%s", err, b)
			}
			if _, err := back.Statement(testIssuer); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Request(t.Context(), req.ID)
			if err != nil || got.Nonce != req.Nonce {
				t.Fatalf("stored request: %v", err)
			}
		})
	}
}

func TestRequestEncoding(t *testing.T) {
	f := newFixture(t)
	req, err := f.svc.CreateRequest(t.Context(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Nonce) < 40 || len(req.ID) < 20 || !req.Expires.Equal(req.Now.Add(DefaultTTL)) || !req.Now.Equal(f.now) {
		t.Fatalf("nonce %q id %q now %s expires %s", req.Nonce, req.ID, req.Now, req.Expires)
	}
	want := []struct {
		index int
		op    string
		ops   []any
	}{
		{0, "ge", []any{int64(18)}},
		{1, "le", []any{"2007-06-01"}},
		{2, "in", []any{"DE", "NL"}},
	}
	for i, w := range want {
		p := req.Predicates[i]
		if p.Index != w.index || p.Op != w.op || len(p.Operands) != len(w.ops) {
			t.Fatalf("predicate %d = %+v", i, p)
		}
		for j, v := range w.ops {
			e, err := testSpecs[w.index].Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			if p.Operands[j] != zkp.FormatElement(e) {
				t.Errorf("predicate %d operand %d = %s, want %s", i, j, p.Operands[j], zkp.FormatElement(e))
			}
		}
	}
	if req.Reveal[0] != (Reveal{"nationality", 2}) || req.Reveal[1] != (Reveal{"familyName", 4}) {
		t.Errorf("reveal = %+v", req.Reveal)
	}
	// Two requests never share a nonce or id.
	other, err := f.svc.CreateRequest(t.Context(), baseSpec())
	if err != nil || other.Nonce == req.Nonce || other.ID == req.ID {
		t.Fatalf("second request: %v", err)
	}
}

func TestParseRequestRefuses(t *testing.T) {
	f := newFixture(t)
	req, err := f.svc.CreateRequest(t.Context(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(req)
	mutate := func(fn func(r *Request)) string {
		var r Request
		if err := json.Unmarshal(good, &r); err != nil {
			t.Fatal(err)
		}
		fn(&r)
		b, _ := json.Marshal(r)
		return string(b)
	}
	tests := map[string]string{
		"unknown member":     strings.Replace(string(good), `{"version"`, `{"extra":1,"version"`, 1),
		"duplicate member":   strings.Replace(string(good), `{"version":1`, `{"version":1,"VERSION":1`, 1),
		"trailing data":      string(good) + "{}",
		"version":            mutate(func(r *Request) { r.Version = 2 }),
		"operand not value":  mutate(func(r *Request) { r.Predicates[0].Operands[0] = "5" }),
		"operand too big":    mutate(func(r *Request) { r.Predicates[0].Operands[0] = fieldModulus }),
		"slot mismatch":      mutate(func(r *Request) { r.Predicates[0].Index = 1 }),
		"reveal mismatch":    mutate(func(r *Request) { r.Reveal[0].Index = 0 }),
		"bad issuer key":     mutate(func(r *Request) { r.Issuers[0].IssuerKey = strings.Repeat("00", 32) }),
		"bad root":           mutate(func(r *Request) { r.Issuers[0].StatusRoot = fieldModulus }),
		"no nonce":           mutate(func(r *Request) { r.Nonce = "" }),
		"expires before now": mutate(func(r *Request) { r.Expires = r.Now }),
		"open beyond MaxTTL": mutate(func(r *Request) { r.Expires = r.Now.Add(MaxTTL + time.Second) }),
		"enum values on int": mutate(func(r *Request) { r.Attributes[0].Values = []string{"a"} }),
		"unknown op":         mutate(func(r *Request) { r.Predicates[0].Op = "none" }),
		// encoding/json matches "ſcope" to Scope (Unicode folding), so it
		// names the member twice although no lower-casing shows it.
		"duplicate by folding": strings.Replace(string(good), `"scope":`, `"ſcope":"other","scope":`, 1),
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRequest([]byte(doc)); !errors.Is(err, ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
		})
	}
	if _, err := ParseRequest(good); err != nil {
		t.Fatal(err)
	}
}

// fieldModulus is r, the BN254 scalar-field modulus (not canonical).
const fieldModulus = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
