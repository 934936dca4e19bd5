package did

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current marshalling")

// normalize decodes a JSON value and re-encodes it compactly with sorted
// object keys (encoding/json sorts map keys), so two documents compare as
// JSON values rather than as byte strings.
func normalize(t testing.TB, data []byte) []byte {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as written
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("normalize: %v\n%s", err, data)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("normalize: %v", err)
	}
	return out
}

func exampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	return files
}

// TestDocumentRoundTrip parses every example and checks that marshalling
// gives back the same JSON value, and that a second round is byte-stable.
func TestDocumentRoundTrip(t *testing.T) {
	for _, f := range exampleFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ParseDocument(in)
			if err != nil {
				t.Fatalf("ParseDocument: %v", err)
			}
			out, err := json.Marshal(doc)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if a, b := normalize(t, in), normalize(t, out); !bytes.Equal(a, b) {
				t.Fatalf("round trip changed the document\n in: %s\nout: %s", a, b)
			}
			doc2, err := ParseDocument(out)
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			out2, err := json.Marshal(doc2)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, out2) {
				t.Fatalf("re-marshalling is not stable\n1: %s\n2: %s", out, out2)
			}
			if !reflect.DeepEqual(doc, doc2) {
				t.Fatalf("re-parsed document differs:\n%+v\n%+v", doc, doc2)
			}
		})
	}
}

// TestDocumentGolden pins our canonical member order and formatting.
func TestDocumentGolden(t *testing.T) {
	for _, f := range exampleFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ParseDocument(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, '\n')
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(out, want) {
				t.Fatalf("marshalling differs from %s (run with -update if intended)\ngot:\n%s", golden, out)
			}
		})
	}
}

func TestDocumentModel(t *testing.T) {
	read := func(t *testing.T, name string) *Document {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseDocument(b)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Run("controller string", func(t *testing.T) {
		d := read(t, "core-controller.json")
		if d.Controller.Array || !reflect.DeepEqual(d.Controller.Values, []string{"did:example:bcehfew7h32f32h7af3"}) {
			t.Fatalf("controller = %+v", d.Controller)
		}
		if d.Context.Array || len(d.Context.URIs()) != 1 || d.Context.URIs()[0] != ContextDIDv1 {
			t.Fatalf("context = %+v", d.Context)
		}
	})
	t.Run("controller array", func(t *testing.T) {
		d := read(t, "core-controllers-array.json")
		if !d.Controller.Array || len(d.Controller.Values) != 2 || !d.Controller.Contains("did:example:ghijk987654321") {
			t.Fatalf("controller = %+v", d.Controller)
		}
	})
	t.Run("alsoKnownAs", func(t *testing.T) {
		d := read(t, "core-also-known-as.json")
		if !reflect.DeepEqual(d.AlsoKnownAs, []string{"https://example.com/alice", "did:example:456"}) {
			t.Fatalf("alsoKnownAs = %v", d.AlsoKnownAs)
		}
		s, ok := d.FindService("#linked-domain")
		if !ok || !reflect.DeepEqual(s.EndpointURIs(), []string{"https://bar.example.com"}) {
			t.Fatalf("FindService: %v %+v", ok, s)
		}
	})
	t.Run("services", func(t *testing.T) {
		d := read(t, "registry-services.json")
		if len(d.Context.Entries) != 2 || d.Context.Entries[1].Object == nil || len(d.Context.URIs()) != 1 {
			t.Fatalf("context = %+v", d.Context)
		}
		m, ok := d.FindService("did:example:123#linked-domain")
		if !ok || m.EndpointURIs() != nil {
			t.Fatalf("map endpoint: %v %v", ok, m)
		}
		dc, ok := d.FindService("did:example:123#DIDCommMessaging") // listed relative
		if !ok || dc.EndpointURIs() != nil || !dc.Type.Contains("DIDCommMessaging") {
			t.Fatalf("DIDComm service: %v %+v", ok, dc)
		}
		h, ok := d.FindService("#hubs")
		if !ok || !h.Type.Array || !reflect.DeepEqual(h.EndpointURIs(), []string{"https://hub1.example.com", "https://hub2.example.com"}) {
			t.Fatalf("hubs: %v %+v", ok, h)
		}
		if string(h.Extra["priority"]) != "1.50" {
			t.Fatalf("extra member not kept verbatim: %s", h.Extra["priority"])
		}
		if _, ok := d.FindService("#nope"); ok {
			t.Fatal("FindService found a missing service")
		}
	})
	t.Run("embedded and referenced", func(t *testing.T) {
		d := read(t, "core-authentication.json")
		if len(d.Authentication) != 2 || d.Authentication[0].Method != nil || d.Authentication[1].Method == nil {
			t.Fatalf("authentication = %+v", d.Authentication)
		}
	})
	t.Run("Relationships copy", func(t *testing.T) {
		r := Relationships()
		r[0] = "mutated"
		if Relationships()[0] != Authentication {
			t.Fatal("Relationships exposes package state")
		}
		if d := read(t, "core-authentication.json"); d.Relationship("nonsense") != nil {
			t.Fatal("unknown relationship returned entries")
		}
	})
}

// badDocuments must all be refused with ErrInvalidDocument.
var badDocuments = []struct {
	name, doc string
}{
	{"not an object", `["did:x:y"]`},
	{"string", `"did:x:y"`},
	{"null", `null`},
	{"empty", ``},
	{"trailing data", `{"id":"did:x:y"} {}`},
	{"truncated", `{"id":"did:x:y"`},
	{"missing id", `{"@context":"https://www.w3.org/ns/did/v1"}`},
	{"id not a DID", `{"id":"https://example.com"}`},
	{"id is a DID URL", `{"id":"did:x:y#frag"}`},
	{"id number", `{"id":5}`},
	{"id null", `{"id":null}`},
	{"duplicate id", `{"id":"did:x:y","id":"did:x:z"}`},
	{"duplicate nested in method", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","type":"JsonWebKey","controller":"did:x:y","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}`},
	{"duplicate nested in jwk", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"a","x":"b"}}]}`},
	{"duplicate deep in extra", `{"id":"did:x:y","extra":{"a":[{"b":1,"b":2}]}}`},
	{"duplicate in endpoint map", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":{"uri":"a","uri":"b"}}]}`},
	{"duplicate spelled with an escape", `{"id":"did:x:y","a":1,"\u0061":2}`},
	{"duplicate after many members", `{"id":"did:x:y","k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,"k11":1,"k12":1,"k13":1,"k14":1,"k15":1,"k16":1,"k17":1,"k18":1,"k3":2}`},
	{"duplicate in context object", `{"@context":["https://www.w3.org/ns/did/v1",{"a":"x","a":"y"}],"id":"did:x:y"}`},
	{"context number", `{"@context":1,"id":"did:x:y"}`},
	{"context null", `{"@context":null,"id":"did:x:y"}`},
	{"context null entry", `{"@context":["https://www.w3.org/ns/did/v1",null],"id":"did:x:y"}`},
	{"context empty string", `{"@context":"","id":"did:x:y"}`},
	{"context array entry", `{"@context":[["x"]],"id":"did:x:y"}`},
	{"controller not a DID", `{"id":"did:x:y","controller":"https://example.com"}`},
	{"controller number", `{"id":"did:x:y","controller":1}`},
	{"controller null element", `{"id":"did:x:y","controller":["did:x:z",null]}`},
	{"controller null", `{"id":"did:x:y","controller":null}`},
	{"alsoKnownAs string", `{"id":"did:x:y","alsoKnownAs":"https://example.com"}`},
	{"alsoKnownAs null", `{"id":"did:x:y","alsoKnownAs":null}`},
	{"alsoKnownAs null element", `{"id":"did:x:y","alsoKnownAs":[null]}`},
	{"verificationMethod object", `{"id":"did:x:y","verificationMethod":{"id":"#k"}}`},
	{"verificationMethod null", `{"id":"did:x:y","verificationMethod":null}`},
	{"verificationMethod null element", `{"id":"did:x:y","verificationMethod":[null]}`},
	{"verificationMethod string element", `{"id":"did:x:y","verificationMethod":["#k"]}`},
	{"method missing type", `{"id":"did:x:y","verificationMethod":[{"id":"#k","controller":"did:x:y"}]}`},
	{"method type number", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":1,"controller":"did:x:y"}]}`},
	{"method missing controller", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey"}]}`},
	{"method controller not DID", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","controller":"x"}]}`},
	{"method id not DID URL", `{"id":"did:x:y","verificationMethod":[{"id":"key-1","type":"Multikey","controller":"did:x:y"}]}`},
	{"method id bad fragment", `{"id":"did:x:y","verificationMethod":[{"id":"#a b","type":"Multikey","controller":"did:x:y"}]}`},
	{"method duplicate id", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:x:y"},{"id":"did:x:y#k","type":"Multikey","controller":"did:x:y"}]}`},
	{"embedded duplicates listed", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:x:y"}],"authentication":[{"id":"#k","type":"Multikey","controller":"did:x:y"}]}`},
	{"method two key members", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}}]}`},
	{"method private jwk", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik","d":"AAAA"}}]}`},
	{"jwk without kty", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyJwk":{"crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"}}]}`},
	{"jwk string", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyJwk":"eyJ9"}]}`},
	{"jwk null", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"JsonWebKey2020","controller":"did:x:y","publicKeyJwk":null}]}`},
	{"publicKeyMultibase null", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:x:y","publicKeyMultibase":null}]}`},
	{"publicKeyMultibase number", `{"id":"did:x:y","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:x:y","publicKeyMultibase":12}]}`},
	{"relationship entry number", `{"id":"did:x:y","authentication":[1]}`},
	{"relationship entry null", `{"id":"did:x:y","authentication":[null]}`},
	{"relationship entry bool", `{"id":"did:x:y","assertionMethod":[true]}`},
	{"relationship not array", `{"id":"did:x:y","keyAgreement":"#k"}`},
	{"relationship null", `{"id":"did:x:y","capabilityInvocation":null}`},
	{"relationship bad reference", `{"id":"did:x:y","capabilityDelegation":["k"]}`},
	{"relationship embedded missing type", `{"id":"did:x:y","authentication":[{"id":"#k","controller":"did:x:y"}]}`},
	{"service not array", `{"id":"did:x:y","service":{"id":"#s","type":"T","serviceEndpoint":"https://e"}}`},
	{"service null", `{"id":"did:x:y","service":null}`},
	{"service missing type", `{"id":"did:x:y","service":[{"id":"#s","serviceEndpoint":"https://e"}]}`},
	{"service null type", `{"id":"did:x:y","service":[{"id":"#s","type":null,"serviceEndpoint":"https://e"}]}`},
	{"service empty type set", `{"id":"did:x:y","service":[{"id":"#s","type":[],"serviceEndpoint":"https://e"}]}`},
	{"service empty type string", `{"id":"did:x:y","service":[{"id":"#s","type":"","serviceEndpoint":"https://e"}]}`},
	{"service missing id", `{"id":"did:x:y","service":[{"type":"T","serviceEndpoint":"https://e"}]}`},
	{"service id not URI", `{"id":"did:x:y","service":[{"id":"s","type":"T","serviceEndpoint":"https://e"}]}`},
	{"service duplicate id", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":"https://e"},{"id":"did:x:y#s","type":"U","serviceEndpoint":"https://f"}]}`},
	{"service missing endpoint", `{"id":"did:x:y","service":[{"id":"#s","type":"T"}]}`},
	{"service endpoint number", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":42}]}`},
	{"service endpoint null", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":null}]}`},
	{"service endpoint bool", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":true}]}`},
	{"service endpoint empty array", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":[]}]}`},
	{"service endpoint array of numbers", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":["https://e",1]}]}`},
	{"service endpoint nested array", `{"id":"did:x:y","service":[{"id":"#s","type":"T","serviceEndpoint":[["https://e"]]}]}`},
}

func TestParseDocumentRefuses(t *testing.T) {
	for _, tc := range badDocuments {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDocument([]byte(tc.doc))
			if err == nil {
				out, _ := json.Marshal(d)
				t.Fatalf("ParseDocument accepted %s\nas %s", tc.doc, out)
			}
			if !errors.Is(err, ErrInvalidDocument) {
				t.Fatalf("error %v does not wrap ErrInvalidDocument", err)
			}
		})
	}
}

func TestDocumentBuiltInCode(t *testing.T) {
	pub := mustKey(t, "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	vm, err := NewVerificationMethod("#key-1", "did:example:123", TypeMultikey, pub)
	if err != nil {
		t.Fatal(err)
	}
	d := Document{
		Context:            Contexts(ContextDIDv1, ContextMultikeyV1),
		ID:                 "did:example:123",
		Controller:         Strings("did:example:123"),
		VerificationMethod: []VerificationMethod{vm},
		Authentication:     []VerificationRef{Ref("#key-1")},
		Service: []Service{{
			ID: "#files", Type: Strings("FileService"), ServiceEndpoint: json.RawMessage(`"https://files.example.com"`),
		}},
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],"id":"did:example:123","controller":"did:example:123","verificationMethod":[{"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],"authentication":["#key-1"],"service":[{"id":"#files","type":"FileService","serviceEndpoint":"https://files.example.com"}]}`
	if string(out) != want {
		t.Fatalf("Marshal =\n%s\nwant\n%s", out, want)
	}
	// An Extra member that shadows a modelled one must not produce a
	// document with the name twice.
	d.Extra = map[string]json.RawMessage{"id": json.RawMessage(`"did:example:evil"`)}
	if _, err := json.Marshal(d); err == nil {
		t.Fatal("Marshal accepted Extra shadowing id")
	}
	// Empty sets built in code marshal as arrays.
	if b, _ := json.Marshal(StringOrSet{Array: true}); string(b) != "[]" {
		t.Fatalf("empty StringOrSet = %s", b)
	}
	if b, _ := json.Marshal(Context{Array: true}); string(b) != "[]" {
		t.Fatalf("empty Context = %s", b)
	}
	if b, _ := json.Marshal(Strings("a", "b")); string(b) != `["a","b"]` {
		t.Fatalf("Strings(a, b) = %s", b)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	base := func() Document {
		return Document{ID: "did:x:y"}
	}
	tests := []struct {
		name string
		mod  func(*Document)
	}{
		{"empty id", func(d *Document) { d.ID = "" }},
		{"service without endpoint", func(d *Document) {
			d.Service = []Service{{ID: "#s", Type: Strings("T")}}
		}},
		{"service with number endpoint", func(d *Document) {
			d.Service = []Service{{ID: "#s", Type: Strings("T"), ServiceEndpoint: json.RawMessage(`1`)}}
		}},
		{"embedded two key members", func(d *Document) {
			d.Authentication = []VerificationRef{Embed(VerificationMethod{ID: "#k", Type: "X", Controller: "did:x:y", PublicKeyHex: "00", PublicKeyBase58: "1"})}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			if err := d.Validate(); err != nil {
				t.Fatalf("base document invalid: %v", err)
			}
			tc.mod(&d)
			if err := d.Validate(); !errors.Is(err, ErrInvalidDocument) {
				t.Fatalf("Validate() = %v, want ErrInvalidDocument", err)
			}
		})
	}
}

const authzDoc = `{
  "id": "did:example:123",
  "verificationMethod": [
    {"id": "#listed", "type": "Multikey", "controller": "did:example:123",
     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
    {"id": "did:example:123#absolute", "type": "Multikey", "controller": "did:example:123",
     "publicKeyMultibase": "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"},
    {"id": "did:example:123#unused", "type": "Multikey", "controller": "did:example:123",
     "publicKeyMultibase": "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"}
  ],
  "authentication": [
    "#listed",
    {"id": "#embedded", "type": "Multikey", "controller": "did:example:123",
     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}
  ],
  "assertionMethod": ["did:example:123#absolute", "#embedded", "did:other:456#key-1"],
  "keyAgreement": ["#missing"]
}`

func TestAuthorized(t *testing.T) {
	d, err := ParseDocument([]byte(authzDoc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rel, id string
		want    string // wanted method id; "" means not authorized
	}{
		{Authentication, "#listed", "#listed"},
		{Authentication, "did:example:123#listed", "#listed"},
		{Authentication, "#embedded", "#embedded"},
		{Authentication, "did:example:123#embedded", "#embedded"},
		{AssertionMethod, "#absolute", "did:example:123#absolute"},
		{AssertionMethod, "did:example:123#absolute", "did:example:123#absolute"},
		// Not under the relationship asked for.
		{AssertionMethod, "#listed", ""},
		{Authentication, "#absolute", ""},
		{CapabilityInvocation, "#listed", ""},
		{Authentication, "#unused", ""},
		{AssertionMethod, "#unused", ""},
		// An embedded method is only authorized where it is embedded.
		{AssertionMethod, "#embedded", ""},
		// A reference to another DID's key is not resolved here.
		{AssertionMethod, "did:other:456#key-1", ""},
		// A reference to a method the document does not define.
		{KeyAgreement, "#missing", ""},
		// Same fragment under another DID is a different key.
		{Authentication, "did:evil:123#listed", ""},
		{"nonsense", "#listed", ""},
		{Authentication, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.rel+" "+tc.id, func(t *testing.T) {
			vm, ok := d.Authorized(tc.rel, tc.id)
			if tc.want == "" {
				if ok || vm != nil {
					t.Fatalf("Authorized(%s, %s) = %+v, want not authorized", tc.rel, tc.id, vm)
				}
				return
			}
			if !ok || vm == nil || vm.ID != tc.want {
				t.Fatalf("Authorized(%s, %s) = %+v, %v; want %s", tc.rel, tc.id, vm, ok, tc.want)
			}
		})
	}
}

func TestFindVerificationMethod(t *testing.T) {
	d, err := ParseDocument([]byte(authzDoc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ id, want string }{
		{"#listed", "#listed"},
		{"did:example:123#listed", "#listed"},
		{"#absolute", "did:example:123#absolute"},
		{"#unused", "did:example:123#unused"},
		{"#embedded", "#embedded"},
		{"did:example:123#embedded", "#embedded"},
		{"#missing", ""},
		{"did:other:456#key-1", ""},
		{"did:evil:123#listed", ""},
		{"listed", ""},
	} {
		t.Run(tc.id, func(t *testing.T) {
			vm, ok := d.FindVerificationMethod(tc.id)
			if tc.want == "" {
				if ok {
					t.Fatalf("found %+v", vm)
				}
				return
			}
			if !ok || vm.ID != tc.want {
				t.Fatalf("FindVerificationMethod(%q) = %+v, %v; want %s", tc.id, vm, ok, tc.want)
			}
		})
	}
}

func TestDocumentMetadataJSON(t *testing.T) {
	m := DocumentMetadata{Created: "2021-05-10T17:00:00Z", Deactivated: true, EquivalentID: []string{"did:x:z"}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"created":"2021-05-10T17:00:00Z","deactivated":true,"equivalentId":["did:x:z"]}`
	if string(b) != want {
		t.Fatalf("metadata = %s, want %s", b, want)
	}
	if b, _ := json.Marshal(DocumentMetadata{}); string(b) != "{}" {
		t.Fatalf("zero metadata = %s", b)
	}
}

func readDoc(t testing.TB, name string) *Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDocument(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func TestCheckNoDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		in  string
		dup bool
	}{
		{`{}`, false},
		{`{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}`, false},
		{`{"a":"\"a\":","b":["a","a"]}`, false},
		{`{"a\"":1,"a":2}`, false},
		{`[{"x":1},{"x":1}]`, false},
		{`{"é":1,"\u00e9":2}`, true},
		{`{"a":1,"b":{"c":[{"d":1,"d":2}]}}`, true},
		{`{"a":[1,{"b":2}],"a":3}`, true},
	} {
		err := checkNoDuplicateKeys([]byte(tc.in))
		if (err != nil) != tc.dup {
			t.Errorf("checkNoDuplicateKeys(%s) = %v, want duplicate=%v", tc.in, err, tc.dup)
		}
	}
	for _, bad := range []string{`{"a":"`, `}`, `{"\x":1,"\x":1}`} {
		if checkNoDuplicateKeys([]byte(bad)) == nil {
			t.Errorf("checkNoDuplicateKeys(%s) accepted malformed JSON", bad)
		}
	}
}
