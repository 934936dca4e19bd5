package sdjwt

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseJSON checks the strict JSON reader against encoding/json: what
// it accepts, encoding/json accepts with the same value, and writing it back
// gives the same value again.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2.5e3,-0,true,false,null,"x\u00e9\ud83d\ude00"]}`,
		`{"a":1,"a":2}`, `"\ud800"`, `[1,]`, `{"a":{"b":{"c":[[[]]]}}}`, "\"\xff\"", `-01`, `1.`, `"\/\b\f\n\r\t"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseJSON(data)
		if err != nil {
			return
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		var want, got any
		if err := decodeNumbers(data, &want); err != nil {
			t.Fatal(err)
		}
		out := appendJSON(nil, &v)
		if err := decodeNumbers(out, &got); err != nil {
			t.Fatalf("rewrite %q of %q: %v", out, data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rewrite of %q is %q", data, out)
		}
	})
}

func decodeNumbers(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

type fixedKey struct{ pub crypto.PublicKey }

func (k fixedKey) VerificationKey(context.Context, string, string) (crypto.PublicKey, error) {
	return k.pub, nil
}

// FuzzVerify feeds arbitrary presentations to Verify: no panic, and what
// verifies yields valid JSON claims and verifies again the same way.
func FuzzVerify(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	kid := "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	at := time.Unix(1_800_000_000, 0)
	claims := `{"vct":"v","a":1,"o":{"b":[1,{"c":2}]},"l":["x","y"]}`
	sd, err := Issue([]byte(claims), Frame{"/a", "/o", "/o/b/1", "/o/b/1/c", "/l/0"}, priv,
		IssueOptions{KeyID: kid, IssuedAt: at, HolderKey: priv.Public(), Decoys: 1})
	if err != nil {
		f.Fatal(err)
	}
	pres, err := Present(sd, []string{"/o/b/1/c", "/l/0"}, priv, PresentOptions{Nonce: "n", Audience: "a", IssuedAt: at})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sd)
	f.Add(pres)
	f.Add(strings.ReplaceAll(pres, "~", "~~"))
	f.Add("e30.e30.~")
	keys := fixedKey{priv.Public()}
	opts := VerifyOptions{Now: func() time.Time { return at }, ExpectedNonce: "n", ExpectedAudience: "a"}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := Verify(context.Background(), s, keys, opts)
		if err != nil {
			return
		}
		if !json.Valid(res.Claims) {
			t.Fatalf("claims %q", res.Claims)
		}
		again, err := Verify(context.Background(), s, keys, opts)
		if err != nil || string(again.Claims) != string(res.Claims) {
			t.Fatal("not deterministic")
		}
		// The presentation must also survive the holder's parser.
		if res.KeyBound {
			return
		}
		if _, err := Present(s, nil, nil, PresentOptions{}); err != nil {
			t.Fatalf("verified but holder refuses: %v", err)
		}
	})
}
