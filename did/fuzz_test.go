package did

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, d.String())
		}
		d2, err := Parse(d.String())
		if err != nil || d2 != d {
			t.Fatalf("re-parse of %q: %+v, %v", s, d2, err)
		}
		if u, err := ParseURL(s); err != nil || !u.IsDID() || u.DID != d {
			t.Fatalf("ParseURL(%q) disagrees with Parse: %+v, %v", s, u, err)
		}
	})
}

func FuzzParseURL(f *testing.F) {
	for _, tc := range parseURLCases {
		f.Add(tc.in)
	}
	for _, tc := range parseCases {
		f.Add(tc.in + "/p?q=1#f")
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		if u.String() != s {
			t.Fatalf("ParseURL(%q).String() = %q", s, u.String())
		}
		u2, err := ParseURL(u.String())
		if err != nil || u2 != u {
			t.Fatalf("re-parse of %q: %+v, %v", s, u2, err)
		}
		if _, err := Parse(u.DID.String()); err != nil {
			t.Fatalf("DID part of %q does not parse: %v", s, err)
		}
		_, _ = u.Params() // must not panic
	})
}

func FuzzParseDocument(f *testing.F) {
	for _, name := range exampleFiles(f) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range badDocuments {
		f.Add([]byte(tc.doc))
	}
	f.Add([]byte(authzDoc))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal of a parsed document: %v", err)
		}
		if a, b := normalize(t, data), normalize(t, out); !bytes.Equal(a, b) {
			t.Fatalf("round trip changed the value\n in: %s\nout: %s", a, b)
		}
		d2, err := ParseDocument(out)
		if err != nil {
			t.Fatalf("re-parse of our own output %s: %v", out, err)
		}
		out2, err := json.Marshal(d2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("marshalling not stable\n1: %s\n2: %s", out, out2)
		}
		// Lookups must not panic on anything that parsed.
		for _, rel := range Relationships() {
			for _, ref := range d.Relationship(rel) {
				id := ref.ID
				if ref.Method != nil {
					id = ref.Method.ID
				}
				if vm, ok := d.Authorized(rel, id); ok {
					_, _ = vm.PublicKey()
				}
			}
		}
		for i := range d.VerificationMethod {
			_, _ = d.VerificationMethod[i].PublicKey()
		}
	})
}

func FuzzDecodeMultikey(f *testing.F) {
	for _, v := range multikeyVectors {
		f.Add(v.mb)
	}
	f.Add("z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9")
	f.Add("zH3C2AVvLMv6gmMNam3uVAjZpfkcJCwDwnZn6z3wXmqPV")
	f.Add("z")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := DecodeMultikey(s)
		if err != nil {
			return
		}
		enc, err := EncodeMultikey(pub)
		if err != nil {
			t.Fatalf("EncodeMultikey of a decoded key (%s): %v", s, err)
		}
		if enc != s {
			t.Fatalf("DecodeMultikey(%s) re-encodes as %s", s, enc)
		}
		jwk, err := JWKFromPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		back, err := jwk.PublicKey()
		if err != nil {
			t.Fatalf("JWK of %s: %v", s, err)
		}
		if enc2, _ := EncodeMultikey(back); enc2 != s {
			t.Fatalf("JWK round trip of %s gave %s", s, enc2)
		}
	})
}
