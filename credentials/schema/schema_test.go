package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

const personSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://issuer.example/schemas/person/1",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "givenName": {"type": "string", "minLength": 1},
    "birthDate": {"type": "string", "format": "date"},
    "height": {"type": "integer", "minimum": 0},
    "member": {"type": "boolean"},
    "nationality": {"type": "string", "enum": ["DE", "FR", "NL"]},
    "address": {
      "type": "object",
      "properties": {"postalCode": {"type": "string", "pattern": "^[0-9]{5}$"}},
      "required": ["postalCode"]
    },
    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}
  },
  "required": ["givenName", "birthDate", "height", "member", "nationality"],
  "additionalProperties": false,
  "x-chainid-zk": {"attributes": [
    {"name": "birthDate", "type": "date"},
    {"name": "height", "type": "integer"},
    {"name": "member", "type": "boolean"},
    {"name": "nationality", "type": "enum", "values": ["DE", "FR", "NL"]},
    {"name": "givenName", "type": "string"}
  ]}
}`

func mustCompile(t *testing.T, raw string) *Schema {
	t.Helper()
	s, err := Compile([]byte(raw))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func TestValidate(t *testing.T) {
	s := mustCompile(t, personSchema)
	if s.ID() != "https://issuer.example/schemas/person/1" {
		t.Errorf("ID = %q", s.ID())
	}
	const good = `"givenName":"Ada","birthDate":"1990-12-10","height":170,"member":true,"nationality":"FR"`
	tests := []struct {
		name    string
		subject string
		want    []FieldError
	}{
		{"valid", `{` + good + `}`, nil},
		{"valid with id and nested", `{"id":"did:example:a",` + good + `,"address":{"postalCode":"10115"},"tags":["a"]}`, nil},
		{"missing required", `{"givenName":"Ada","birthDate":"1990-12-10","height":170,"member":true}`,
			[]FieldError{{"/nationality", "required property is missing"}}},
		{"unknown property", `{` + good + `,"nickname":"A"}`, []FieldError{{"/nickname", "property is not allowed"}}},
		{"wrong type", `{"givenName":"Ada","birthDate":"1990-12-10","height":"170","member":true,"nationality":"FR"}`,
			[]FieldError{{"/height", "got string, want integer"}}},
		{"bad date", `{"givenName":"Ada","birthDate":"1990-13-10","height":170,"member":true,"nationality":"FR"}`, nil},
		{"enum", `{"givenName":"Ada","birthDate":"1990-12-10","height":170,"member":true,"nationality":"US"}`, nil},
		{"nested field", `{` + good + `,"address":{"postalCode":"1"}}`, nil},
		{"nested missing", `{` + good + `,"address":{}}`, []FieldError{{"/address/postalCode", "required property is missing"}}},
		{"array element", `{` + good + `,"tags":["a",1]}`, []FieldError{{"/tags/1", "got number, want string"}}},
		{"several", `{"givenName":"","birthDate":"1990-12-10","height":-1,"member":true,"nationality":"FR"}`, nil},
		{"not an object", `["Ada"]`, []FieldError{{"", "got array, want object"}}},
		{"not JSON", `{"givenName":`, []FieldError{{"", "not valid JSON"}}},
		{"duplicate member", `{` + good + `,"givenName":"Eve"}`, []FieldError{{"", `duplicate member "givenName"`}}},
	}
	wantPaths := map[string][]string{
		"bad date":     {"/birthDate"},
		"enum":         {"/nationality"},
		"nested field": {"/address/postalCode"},
		"several":      {"/givenName", "/height"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Validate(json.RawMessage(tt.subject))
			if paths, ok := wantPaths[tt.name]; ok {
				var gotPaths []string
				for _, e := range got {
					gotPaths = append(gotPaths, e.Path)
					if e.Message == "" {
						t.Errorf("empty message at %s", e.Path)
					}
				}
				if !reflect.DeepEqual(gotPaths, paths) {
					t.Errorf("paths = %q (%v), want %q", gotPaths, got, paths)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestCompileRefusals(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/schema+json")
		fmt.Fprint(w, `{"type":"string"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	local := filepath.Join(dir, "local.json")
	if err := os.WriteFile(local, []byte(`{"type":"string"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	obj := func(members string) string {
		return `{"$id":"https://issuer.example/s"` + members + `}`
	}
	tests := []struct {
		name, schema, msg string
	}{
		{"not JSON", `{"$id":`, "not valid JSON"},
		{"array", `[]`, "must be a JSON object"},
		{"null", `null`, "must be a JSON object"},
		{"no $id", `{"type":"object"}`, "$id"},
		{"relative $id", `{"$id":"person.json"}`, "$id"},
		{"$id with fragment", `{"$id":"https://issuer.example/s#x"}`, "$id"},
		{"$id number", `{"$id":5}`, "$id"},
		{"draft-07", obj(`,"$schema":"http://json-schema.org/draft-07/schema#"`), "$schema"},
		{"duplicate member", obj(`,"type":"object","type":"string"`), "duplicate"},
		{"too large", obj(`,"description":"` + strings.Repeat("a", MaxSchemaSize) + `"`), "limit"},
		{"malformed type", obj(`,"type":5`), ""},
		{"malformed minimum", obj(`,"properties":{"a":{"minimum":"x"}}`), ""},
		{"bad pattern", obj(`,"properties":{"a":{"pattern":"(?<=a)b"}}`), ""},
		{"remote $ref", obj(`,"$ref":"` + srv.URL + `/s.json"`), "refused"},
		{"remote $ref nested", obj(`,"properties":{"a":{"$ref":"` + srv.URL + `/s.json#/x"}}`), "refused"},
		{"relative $ref", obj(`,"$ref":"other.json"`), "refused"},
		{"file $ref", obj(`,"$ref":"file://` + local + `"`), "refused"},
		{"remote $schema", `{"$id":"https://issuer.example/s","$schema":"` + srv.URL + `/meta"}`, "$schema"},
		{"remote $dynamicRef", obj(`,"$dynamicRef":"` + srv.URL + `/s.json#meta"`), "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile([]byte(tt.schema))
			if err == nil {
				t.Fatalf("Compile accepted it: %s", s.ID())
			}
			if !errors.Is(err, ErrInvalidSchema) {
				t.Errorf("err = %v, want ErrInvalidSchema", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want it to mention %q", err, tt.msg)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the schema server was contacted %d times", n)
	}
}

func TestCompileAllowsSelfAndMetaRefs(t *testing.T) {
	s := mustCompile(t, `{"$id":"https://issuer.example/s","$defs":{"name":{"type":"string"}},
	  "type":"object","properties":{"n":{"$ref":"#/$defs/name"},"m":{"$ref":"https://issuer.example/s#/$defs/name"},
	  "schema":{"$ref":"https://json-schema.org/draft/2020-12/schema"}}}`)
	if errs := s.Validate(json.RawMessage(`{"n":"a","m":"b","schema":{"type":"string"}}`)); errs != nil {
		t.Errorf("Validate = %v", errs)
	}
	if errs := s.Validate(json.RawMessage(`{"n":1,"schema":{"type":5}}`)); len(errs) < 2 {
		t.Errorf("Validate = %v, want errors at /n and /schema/type", errs)
	}
}

func TestZKAttributes(t *testing.T) {
	s := mustCompile(t, personSchema)
	want := []Attribute{
		{Name: "birthDate", Type: Date}, {Name: "height", Type: Integer}, {Name: "member", Type: Boolean},
		{Name: "nationality", Type: Enum, Values: []string{"DE", "FR", "NL"}}, {Name: "givenName", Type: String},
	}
	got := s.ZKAttributes()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ZKAttributes = %+v", got)
	}
	got[3].Values[0] = "XX"
	if s.ZKAttributes()[3].Values[0] != "DE" {
		t.Error("ZKAttributes shares its slices with the schema")
	}
	plain := mustCompile(t, `{"$id":"urn:example:plain","type":"object"}`)
	if plain.ZKAttributes() != nil {
		t.Error("a schema without the extension has ZK attributes")
	}
}

func TestZKExtensionErrors(t *testing.T) {
	props := `"properties":{"a":{"type":"integer"},"b":{"type":"string","format":"date"},"c":{"type":"boolean"},` +
		`"d":{"type":"string","enum":["x","y"]},"e":{"type":"string"},"f":{"type":"integer"}},"required":["a","b","c","d","e"]`
	zk := func(ext string) string {
		return `{"$id":"https://issuer.example/zk","type":"object",` + props + `,"x-chainid-zk":` + ext + `}`
	}
	mustCompile(t, zk(`{"attributes":[{"name":"a","type":"integer"},{"name":"b","type":"date"},{"name":"c","type":"boolean"},`+
		`{"name":"d","type":"enum","values":["x","y"]},{"name":"e","type":"string"}]}`))
	var many []string
	for i := range MaxZKAttributes + 1 {
		many = append(many, fmt.Sprintf(`{"name":"p%d","type":"integer"}`, i))
	}
	tests := []struct{ name, ext, msg string }{
		{"not an object", `[]`, "attributes"},
		{"unknown member", `{"attributes":[{"name":"a","type":"integer"}],"version":2}`, "version"},
		{"unknown attribute member", `{"attributes":[{"name":"a","type":"integer","min":0}]}`, "min"},
		{"empty", `{"attributes":[]}`, "at least one"},
		{"too many", `{"attributes":[` + strings.Join(many, ",") + `]}`, "at most 16"},
		{"no name", `{"attributes":[{"type":"integer"}]}`, "no name"},
		{"id", `{"attributes":[{"name":"id","type":"string"}]}`, "subject id"},
		{"duplicate", `{"attributes":[{"name":"a","type":"integer"},{"name":"a","type":"integer"}]}`, "twice"},
		{"unknown type", `{"attributes":[{"name":"a","type":"float"}]}`, "float"},
		{"values on integer", `{"attributes":[{"name":"a","type":"integer","values":["1"]}]}`, "only for enum"},
		{"enum without values", `{"attributes":[{"name":"d","type":"enum"}]}`, "1 to 256"},
		{"enum duplicate value", `{"attributes":[{"name":"d","type":"enum","values":["x","x"]}]}`, "twice"},
		{"enum other values", `{"attributes":[{"name":"d","type":"enum","values":["x","z"]}]}`, "exactly"},
		{"enum other order", `{"attributes":[{"name":"d","type":"enum","values":["y","x"]}]}`, "same order"},
		{"enum on non-enum property", `{"attributes":[{"name":"e","type":"enum","values":["x"]}]}`, "exactly"},
		{"undeclared", `{"attributes":[{"name":"zz","type":"integer"}]}`, "not declared"},
		{"not required", `{"attributes":[{"name":"f","type":"integer"}]}`, "required"},
		{"type mismatch", `{"attributes":[{"name":"a","type":"boolean"}]}`, `"boolean"`},
		{"date without format", `{"attributes":[{"name":"e","type":"date"}]}`, "format"},
		{"string on integer", `{"attributes":[{"name":"a","type":"string"}]}`, `"string"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(zk(tt.ext)))
			if err == nil {
				t.Fatal("Compile accepted it")
			}
			if !errors.Is(err, ErrInvalidSchema) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want ErrInvalidSchema mentioning %q", err, tt.msg)
			}
		})
	}
}

func TestRawIsACopy(t *testing.T) {
	s := mustCompile(t, personSchema)
	r := s.Raw()
	r[0] = 'X'
	if s.Raw()[0] != '{' {
		t.Error("Raw shares memory with the schema")
	}
}

func BenchmarkValidate(b *testing.B) {
	s, err := Compile([]byte(personSchema))
	if err != nil {
		b.Fatal(err)
	}
	subject := json.RawMessage(`{"id":"did:example:a","givenName":"Ada","birthDate":"1990-12-10","height":170,"member":true,"nationality":"FR","address":{"postalCode":"10115"}}`)
	for b.Loop() {
		if errs := s.Validate(subject); errs != nil {
			b.Fatal(errs)
		}
	}
}
