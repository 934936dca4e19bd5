package zkcred_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/zkp"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.example/zk-person",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "birthDate": {"type": "string", "format": "date"},
    "age": {"type": "integer"},
    "member": {"type": "boolean"},
    "nationality": {"enum": ["DE", "FR", "NL"]},
    "familyName": {"type": "string"},
    "note": {"type": "string"}
  },
  "required": ["birthDate", "age", "member", "nationality", "familyName"],
  "x-chainid-zk": {"attributes": [
    {"name": "birthDate", "type": "date"},
    {"name": "age", "type": "integer"},
    {"name": "member", "type": "boolean"},
    {"name": "nationality", "type": "enum", "values": ["DE", "FR", "NL"]},
    {"name": "familyName", "type": "string"}
  ]}
}`

const testSubject = `{"id":"did:example:holder","birthDate":"1990-04-01","age":35,"member":true,"nationality":"FR","familyName":"Dupont <&>","note":"not signed"}`

const (
	testIssuer = "did:ethr:0x539:0x1111111111111111111111111111111111111111"
	testList   = "https://issuer.example/status/did%3Aethr%3A0x539%3A0x1111111111111111111111111111111111111111/revocation/0"
)

// fixture returns a deterministic issuer key, holder secret and the specs
// of testSchema.
func fixture(t testing.TB) (*zkp.IssuerKey, []zkp.AttributeSpec, zkcred.Claims) {
	t.Helper()
	key, err := zkp.GenerateIssuerKey(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := schema.Compile([]byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := zkcred.Layout(sch)
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := zkcred.EncodeSubject(specs, json.RawMessage(testSubject))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := zkp.NewHolderSecret(bytes.NewReader(bytes.Repeat([]byte{9}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return key, specs, zkcred.Claims{
		ID: "urn:uuid:0b8f1c3e-5d1a-4f7e-9a55-1c2d3e4f5a6b", Issuer: testIssuer, SchemaID: sch.ID(),
		Attributes: attrs, HolderCommitment: zkp.HolderCommitment(secret),
		StatusListURL: testList, StatusIndex: 4711,
		IssuedAt:  time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		ExpiresAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

func issueFixture(t testing.TB) (*zkp.IssuerKey, []byte) {
	t.Helper()
	key, _, claims := fixture(t)
	c, err := zkcred.Issue(key, claims)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return key, b
}

func TestGolden(t *testing.T) {
	key, got := issueFixture(t)
	var indented bytes.Buffer
	if err := json.Indent(&indented, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	path := filepath.Join("testdata", "credential.golden.json")
	if *update {
		if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(indented.Bytes(), want) {
		t.Fatalf("credential differs from %s (run with -update if the change is intended):\n%s", path, indented.Bytes())
	}
	// The golden file parses and verifies under the fixture key.
	c, err := zkcred.Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(key.Public()); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	key, b := issueFixture(t)
	c, err := zkcred.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("round trip changed the document:\n%s\n%s", b, again)
	}
	if err := c.Verify(key.Public()); err != nil {
		t.Fatalf("verify: %v", err)
	}
	zk := c.ZK()
	if err := key.Public().Verify(&zk, c.Signature()); err != nil {
		t.Fatalf("zkp verify: %v", err)
	}
	other, err := zkp.GenerateIssuerKey(bytes.NewReader(bytes.Repeat([]byte{8}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(other.Public()); !errors.Is(err, zkp.ErrBadSignature) {
		t.Fatalf("verify under another key: %v, want ErrBadSignature", err)
	}
	if got, want := strings.Join(c.AttributeNames(), ","), "birthDate,age,member,nationality,familyName"; got != want {
		t.Errorf("names %s, want %s", got, want)
	}
	if c.Issuer() != testIssuer || c.SchemaID() != "https://schemas.example/zk-person" || c.StatusListURL() != testList || c.StatusIndex() != 4711 {
		t.Errorf("accessors: %s %s %s %d", c.Issuer(), c.SchemaID(), c.StatusListURL(), c.StatusIndex())
	}
	if c.AttributeIndex("nationality") != 3 || c.AttributeIndex("note") != -1 {
		t.Error("AttributeIndex")
	}
	specs := c.Specs()
	if specs[3].Type != zkp.TypeEnum || strings.Join(specs[3].Enum, ",") != "DE,FR,NL" {
		t.Errorf("enum spec %+v", specs[3])
	}
	nat, _ := zkp.EncodeEnum("FR", []string{"DE", "FR", "NL"})
	if !zk.Attributes[3].Equal(&nat) || !zk.Attributes[5].IsZero() {
		t.Error("attribute slots do not hold the encodings in schema order")
	}
	sid, _ := zkp.SchemaElement(c.SchemaID())
	if !zk.SchemaID.Equal(&sid) || zk.StatusIndex != 4711 {
		t.Error("schema id or status index not signed")
	}
}

func TestNeverExpires(t *testing.T) {
	key, _, claims := fixture(t)
	claims.ExpiresAt = time.Time{}
	c, err := zkcred.Issue(key, claims)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.MarshalJSON()
	if bytes.Contains(b, []byte("expiresAt")) {
		t.Fatal("expiresAt written for a credential that never expires")
	}
	p, err := zkcred.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !p.ExpiresAt().IsZero() || p.Verify(key.Public()) != nil {
		t.Fatal("never-expiring credential does not round-trip")
	}
}

// mutate applies fn to the fixture document decoded as a map.
func mutate(t *testing.T, b []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func attr(m map[string]any, i int) map[string]any {
	return m["attributes"].([]any)[i].(map[string]any)
}

func TestParseRejects(t *testing.T) {
	_, good := issueFixture(t)
	if _, err := zkcred.Parse(good); err != nil {
		t.Fatal(err)
	}
	str := string(good)
	cases := []struct {
		name string
		doc  []byte
	}{
		{"empty", nil},
		{"not an object", []byte(`[]`)},
		{"unknown member", mutate(t, good, func(m map[string]any) { m["issuerKey"] = "x" })},
		{"unknown attribute member", mutate(t, good, func(m map[string]any) { attr(m, 0)["encoded"] = "1" })},
		{"unknown status member", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusPurpose"] = "revocation" })},
		{"duplicate member", []byte(strings.Replace(str, `"version":1`, `"version":1,"version":1`, 1))},
		{"duplicate nested member", []byte(strings.Replace(str, `"statusListIndex":4711`, `"statusListIndex":4711,"statusListIndex":1`, 1))},
		{"member named twice in another case", []byte(strings.Replace(str, `"version":1`, `"version":1,"ID":"urn:uuid:other"`, 1))},
		{"nested member named twice in another case", []byte(strings.Replace(str, `"statusListIndex":4711`, `"statusListIndex":4711,"StatusListIndex":1`, 1))},
		{"trailing data", append(append([]byte{}, good...), []byte(` {}`)...)},
		{"not UTF-8", []byte(strings.Replace(str, "Dupont", "Dup\xffnt", 1))},
		{"wrong type", mutate(t, good, func(m map[string]any) { m["type"] = "VerifiableCredential" })},
		{"version 2", mutate(t, good, func(m map[string]any) { m["version"] = 2 })},
		{"missing version", mutate(t, good, func(m map[string]any) { delete(m, "version") })},
		{"missing signature", mutate(t, good, func(m map[string]any) { delete(m, "signature") })},
		{"missing holder commitment", mutate(t, good, func(m map[string]any) { delete(m, "holderCommitment") })},
		{"missing status", mutate(t, good, func(m map[string]any) { delete(m, "status") })},
		{"missing attributes", mutate(t, good, func(m map[string]any) { delete(m, "attributes") })},
		{"no attributes", mutate(t, good, func(m map[string]any) { m["attributes"] = []any{} })},
		{"17 attributes", mutate(t, good, func(m map[string]any) {
			var as []any
			for i := range 17 {
				as = append(as, map[string]any{"name": "a" + string(rune('a'+i)), "type": "integer", "value": 1})
			}
			m["attributes"] = as
		})},
		{"duplicate attribute name", mutate(t, good, func(m map[string]any) { attr(m, 1)["name"] = "birthDate" })},
		{"empty attribute name", mutate(t, good, func(m map[string]any) { attr(m, 1)["name"] = "" })},
		{"unknown attribute type", mutate(t, good, func(m map[string]any) { attr(m, 1)["type"] = "float" })},
		{"integer with fraction", mutate(t, good, func(m map[string]any) { attr(m, 1)["value"] = json.Number("35.0") })},
		{"integer with exponent", mutate(t, good, func(m map[string]any) { attr(m, 1)["value"] = json.Number("3e1") })},
		{"integer as string", mutate(t, good, func(m map[string]any) { attr(m, 1)["value"] = "35" })},
		{"integer above int64", mutate(t, good, func(m map[string]any) { attr(m, 1)["value"] = json.Number("9223372036854775808") })},
		{"integer below int64", mutate(t, good, func(m map[string]any) { attr(m, 1)["value"] = json.Number("-9223372036854775809") })},
		{"integer leading zero", []byte(strings.Replace(str, `"value":35`, `"value":035`, 1))},
		{"bad date", mutate(t, good, func(m map[string]any) { attr(m, 0)["value"] = "1990-13-01" })},
		{"date with time", mutate(t, good, func(m map[string]any) { attr(m, 0)["value"] = "1990-04-01T00:00:00Z" })},
		{"boolean as number", mutate(t, good, func(m map[string]any) { attr(m, 2)["value"] = 1 })},
		{"enum value not listed", mutate(t, good, func(m map[string]any) { attr(m, 3)["value"] = "IT" })},
		{"enum without values", mutate(t, good, func(m map[string]any) { delete(attr(m, 3), "values") })},
		{"enum with empty values", mutate(t, good, func(m map[string]any) { attr(m, 3)["values"] = []any{} })},
		{"enum with duplicate values", mutate(t, good, func(m map[string]any) { attr(m, 3)["values"] = []any{"FR", "FR"} })},
		{"values on a string", mutate(t, good, func(m map[string]any) { attr(m, 4)["values"] = []any{"a"} })},
		{"string too long", mutate(t, good, func(m map[string]any) { attr(m, 4)["value"] = strings.Repeat("x", zkp.MaxStringBytes+1) })},
		{"null value", mutate(t, good, func(m map[string]any) { attr(m, 4)["value"] = nil })},
		{"commitment zero", mutate(t, good, func(m map[string]any) { m["holderCommitment"] = "0" })},
		{"commitment leading zero", mutate(t, good, func(m map[string]any) { m["holderCommitment"] = "0" + m["holderCommitment"].(string) })},
		{"commitment hex", mutate(t, good, func(m map[string]any) { m["holderCommitment"] = "0x1234" })},
		{"commitment negative", mutate(t, good, func(m map[string]any) { m["holderCommitment"] = "-5" })},
		{"commitment = r", mutate(t, good, func(m map[string]any) {
			m["holderCommitment"] = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
		})},
		{"commitment as number", mutate(t, good, func(m map[string]any) { m["holderCommitment"] = 5 })},
		{"status index 131072", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListIndex"] = zkp.MaxStatusBits })},
		{"status index negative", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListIndex"] = -1 })},
		{"status index string", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListIndex"] = "4711" })},
		{"status index fraction", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListIndex"] = json.Number("4711.0") })},
		{"status URL relative", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListCredential"] = "/status/1" })},
		{"status URL not http", mutate(t, good, func(m map[string]any) { m["status"].(map[string]any)["statusListCredential"] = "urn:x:y" })},
		{"issuer not a DID", mutate(t, good, func(m map[string]any) { m["issuer"] = "https://issuer.example" })},
		{"id not a URI", mutate(t, good, func(m map[string]any) { m["id"] = "1234" })},
		{"schema not a URI", mutate(t, good, func(m map[string]any) { m["schema"] = "person" })},
		{"issuedAt with offset", mutate(t, good, func(m map[string]any) { m["issuedAt"] = "2025-03-01T13:00:00+01:00" })},
		{"issuedAt with fraction", mutate(t, good, func(m map[string]any) { m["issuedAt"] = "2025-03-01T12:00:00.5Z" })},
		{"issuedAt date only", mutate(t, good, func(m map[string]any) { m["issuedAt"] = "2025-03-01" })},
		{"expiresAt before issuedAt", mutate(t, good, func(m map[string]any) { m["expiresAt"] = "2025-03-01T11:59:59Z" })},
		{"expiresAt equals issuedAt", mutate(t, good, func(m map[string]any) { m["expiresAt"] = "2025-03-01T12:00:00Z" })},
		{"signature padded", mutate(t, good, func(m map[string]any) { m["signature"] = m["signature"].(string) + "==" })},
		{"signature short", mutate(t, good, func(m map[string]any) { m["signature"] = m["signature"].(string)[:40] })},
		{"signature std base64", mutate(t, good, func(m map[string]any) {
			m["signature"] = strings.NewReplacer("-", "+", "_", "/").Replace(m["signature"].(string)) + "+"
		})},
		{"signature S ≥ ℓ", mutate(t, good, func(m map[string]any) {
			// R from the real signature, S = 2^256-1 ≥ ℓ.
			raw, err := base64.RawURLEncoding.DecodeString(m["signature"].(string))
			if err != nil {
				t.Fatal(err)
			}
			copy(raw[32:], bytes.Repeat([]byte{0xff}, 32))
			m["signature"] = base64.RawURLEncoding.EncodeToString(raw)
		})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := zkcred.Parse(tc.doc)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !errors.Is(err, zkcred.ErrMalformed) && !errors.Is(err, zkcred.ErrEncoding) {
				t.Fatalf("error %v wraps neither ErrMalformed nor ErrEncoding", err)
			}
		})
	}
}

// TestTamperBreaksSignature: a document that still parses but whose signed
// content changed no longer verifies.
func TestTamperBreaksSignature(t *testing.T) {
	key, good := issueFixture(t)
	for name, fn := range map[string]func(m map[string]any){
		"age":          func(m map[string]any) { attr(m, 1)["value"] = 36 },
		"nationality":  func(m map[string]any) { attr(m, 3)["value"] = "DE" },
		"enum order":   func(m map[string]any) { attr(m, 3)["values"] = []any{"FR", "DE", "NL"} },
		"status index": func(m map[string]any) { m["status"].(map[string]any)["statusListIndex"] = 4712 },
		"expiry":       func(m map[string]any) { m["expiresAt"] = "2027-03-01T12:00:00Z" },
		"no expiry":    func(m map[string]any) { delete(m, "expiresAt") },
		"schema":       func(m map[string]any) { m["schema"] = "https://schemas.example/other" },
		"commitment":   func(m map[string]any) { m["holderCommitment"] = "12345" },
		"attr order": func(m map[string]any) {
			as := m["attributes"].([]any)
			as[0], as[4] = as[4], as[0]
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := zkcred.Parse(mutate(t, good, fn))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := c.Verify(key.Public()); !errors.Is(err, zkp.ErrBadSignature) {
				t.Fatalf("verify: %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestEncodeSubjectRejects(t *testing.T) {
	_, specs, _ := fixture(t)
	for name, subject := range map[string]string{
		"missing attribute":    `{"birthDate":"1990-04-01","age":35,"member":true,"nationality":"FR"}`,
		"integer overflow":     `{"birthDate":"1990-04-01","age":9223372036854775808,"member":true,"nationality":"FR","familyName":"x"}`,
		"integer fraction":     `{"birthDate":"1990-04-01","age":35.5,"member":true,"nationality":"FR","familyName":"x"}`,
		"integer as string":    `{"birthDate":"1990-04-01","age":"35","member":true,"nationality":"FR","familyName":"x"}`,
		"date not a date":      `{"birthDate":"April 1st","age":35,"member":true,"nationality":"FR","familyName":"x"}`,
		"boolean as string":    `{"birthDate":"1990-04-01","age":35,"member":"true","nationality":"FR","familyName":"x"}`,
		"enum value not known": `{"birthDate":"1990-04-01","age":35,"member":true,"nationality":"IT","familyName":"x"}`,
		"string as number":     `{"birthDate":"1990-04-01","age":35,"member":true,"nationality":"FR","familyName":7}`,
		"string too long":      `{"birthDate":"1990-04-01","age":35,"member":true,"nationality":"FR","familyName":"` + strings.Repeat("x", zkp.MaxStringBytes+1) + `"}`,
		"duplicate member":     `{"birthDate":"1990-04-01","age":35,"age":36,"member":true,"nationality":"FR","familyName":"x"}`,
		"not an object":        `[1,2]`,
		"null":                 `null`,
		"not JSON":             `{"age":`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := zkcred.EncodeSubject(specs, json.RawMessage(subject)); !errors.Is(err, zkcred.ErrEncoding) {
				t.Fatalf("err = %v, want ErrEncoding", err)
			}
		})
	}
	t.Run("boundaries accepted", func(t *testing.T) {
		subject := `{"birthDate":"0001-01-01","age":-9223372036854775808,"member":false,"nationality":"NL","familyName":""}`
		attrs, err := zkcred.EncodeSubject(specs, json.RawMessage(subject))
		if err != nil {
			t.Fatal(err)
		}
		if !attrs[1].Encoded.IsZero() {
			t.Errorf("min int64 encodes to %s, want 0", zkp.FormatElement(attrs[1].Encoded))
		}
	})
	t.Run("schema without extension", func(t *testing.T) {
		sch, err := schema.Compile([]byte(`{"$id":"https://schemas.example/plain","type":"object"}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zkcred.Layout(sch); !errors.Is(err, zkcred.ErrEncoding) {
			t.Fatalf("Layout: %v, want ErrEncoding", err)
		}
	})
}

func TestParseHolderCommitment(t *testing.T) {
	c := zkp.HolderCommitment(zkp.EncodeInteger(42))
	s := zkp.FormatElement(c)
	got, err := zkcred.ParseHolderCommitment(s)
	if err != nil || !got.Equal(&c) {
		t.Fatalf("canonical commitment refused: %v", err)
	}
	for _, bad := range []string{"", "0", "00", "01", "+1", "-1", " 1", "1 ", "0x01", "1e3", "1.0",
		"21888242871839275222246405745257275088548364400416034343698204186575808495617",
		"21888242871839275222246405745257275088548364400416034343698204186575808495618",
		strings.Repeat("9", 79)} {
		if _, err := zkcred.ParseHolderCommitment(bad); !errors.Is(err, zkcred.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", bad, err)
		}
	}
	if _, err := zkcred.ParseHolderCommitment("21888242871839275222246405745257275088548364400416034343698204186575808495616"); err != nil {
		t.Errorf("r-1 refused: %v", err)
	}
}

func TestIssueRejects(t *testing.T) {
	key, _, claims := fixture(t)
	for name, fn := range map[string]func(c *zkcred.Claims){
		"status index":    func(c *zkcred.Claims) { c.StatusIndex = zkp.MaxStatusBits },
		"zero commitment": func(c *zkcred.Claims) { c.HolderCommitment = zkp.EncodeInteger(0); c.HolderCommitment.SetZero() },
		"no issuedAt":     func(c *zkcred.Claims) { c.IssuedAt = time.Time{} },
		"expiry first":    func(c *zkcred.Claims) { c.ExpiresAt = c.IssuedAt.Add(-time.Second) },
		"no attributes":   func(c *zkcred.Claims) { c.Attributes = nil },
		"bad issuer":      func(c *zkcred.Claims) { c.Issuer = "issuer" },
		"bad value": func(c *zkcred.Claims) {
			c.Attributes = append([]zkcred.Attribute(nil), c.Attributes...)
			c.Attributes[3].Value = "IT"
		},
	} {
		t.Run(name, func(t *testing.T) {
			cl := claims
			fn(&cl)
			if _, err := zkcred.Issue(key, cl); err == nil {
				t.Fatal("issued")
			}
		})
	}
}

// TestEncodeValueCanonical: EncodeValue is zkp.AttributeSpec.EncodeJSON
// (whose table test covers the canonical forms) with its refusals wrapped
// in ErrEncoding.
func TestEncodeValueCanonical(t *testing.T) {
	for _, tc := range []struct {
		spec  zkp.AttributeSpec
		value string
		ok    bool
	}{
		{zkp.AttributeSpec{Name: "n", Type: zkp.TypeInteger}, `-1`, true},
		{zkp.AttributeSpec{Name: "n", Type: zkp.TypeInteger}, `-0`, false},
		{zkp.AttributeSpec{Name: "n", Type: zkp.TypeInteger}, `"18"`, false},
		{zkp.AttributeSpec{Name: "t", Type: zkp.TypeDateTime}, `"2025-03-01T12:00:00.5Z"`, false},
		{zkp.AttributeSpec{Name: "s", Type: zkp.TypeString}, `"\ud83d\ude00"`, true},
		{zkp.AttributeSpec{Name: "s", Type: zkp.TypeString}, `"\ud800"`, false},
	} {
		t.Run(tc.spec.Type.String()+" "+tc.value, func(t *testing.T) {
			a, err := zkcred.EncodeValue(tc.spec, json.RawMessage(tc.value))
			if !tc.ok {
				if !errors.Is(err, zkcred.ErrEncoding) {
					t.Fatalf("err = %v, want ErrEncoding", err)
				}
				return
			}
			v, e, jerr := tc.spec.EncodeJSON(json.RawMessage(tc.value))
			if err != nil || jerr != nil || a.Value != v || !a.Encoded.Equal(&e) {
				t.Fatalf("EncodeValue = %+v, %v; EncodeJSON = %v, %v", a, err, v, jerr)
			}
		})
	}
}
