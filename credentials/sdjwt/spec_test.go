package sdjwt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

// Spec examples (testdata/rfc9901/README.md) as vectors.

func readSpec(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/rfc9901/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestSpecDigests(t *testing.T) {
	h, _ := newHasher(SHA256)
	sc := bufio.NewScanner(strings.NewReader(readSpec(t, "digests.txt")))
	sc.Buffer(nil, 1<<16)
	n := 0
	for sc.Scan() {
		want, d, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		n++
		if got := h.digest(d); got != want {
			t.Errorf("digest(%s…) = %s, want %s", d[:20], got, want)
		}
		dd, err := parseDisclosure(d, h)
		if err != nil {
			t.Errorf("parse %s…: %v", d[:20], err)
		} else if dd.digest != want {
			t.Errorf("parsed digest %s", dd.digest)
		}
	}
	if n < 18 {
		t.Fatalf("only %d vectors", n)
	}
}

func specIssuerKey(t *testing.T) any {
	t.Helper()
	k, err := did.ParseJWK([]byte(readSpec(t, "issuer-key.jwk")))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// verifyWithKey is Verify for the spec's examples, which have no kid and
// an https iss: the issuer key is given directly.
func verifyWithKey(t *testing.T, s string, pub any, opts VerifyOptions) (*Result, error) {
	t.Helper()
	p, err := split(s)
	if err != nil {
		return nil, err
	}
	tok, err := parseJWT(p.jwt)
	if err != nil {
		return nil, err
	}
	if err := tok.verifySignature(pub); err != nil {
		return nil, err
	}
	iss, _, _ := tok.payloadJSON.stringMember("iss")
	return finish(tok, p, "", iss, tok.typ, opts)
}

func TestSpecIssuance(t *testing.T) {
	pub := specIssuerKey(t)
	sd := readSpec(t, "5.1-sd-jwt.txt")
	at := func() time.Time { return time.Unix(1736767091, 0) }
	res, err := verifyWithKey(t, sd, pub, VerifyOptions{Now: at})
	if err != nil {
		t.Fatal(err)
	}
	// Section 5.1's input claims come back, with the registered claims.
	want := map[string]any{
		"sub": "user_42", "given_name": "John", "family_name": "Doe", "email": "johndoe@example.com",
		"phone_number": "+1-202-555-0101", "phone_number_verified": true,
		"address":   map[string]any{"street_address": "123 Main St", "locality": "Anytown", "region": "Anystate", "country": "US"},
		"birthdate": "1940-01-01", "updated_at": 1570000000.0, "nationalities": []any{"US", "DE"},
		"iss": "https://issuer.example.com", "iat": 1683000000.0, "exp": 1883000000.0,
	}
	var got map[string]any
	if err := json.Unmarshal(res.Claims, &got); err != nil {
		t.Fatal(err)
	}
	delete(got, "cnf")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("processed\n%v\nwant\n%v", got, want)
	}

	// A tampered signature fails, so the vector is really verified.
	bad := []byte(sd)
	i := strings.IndexByte(sd, '~') - 3
	bad[i] ^= 'A' ^ 'B'
	if _, err := verifyWithKey(t, string(bad), pub, VerifyOptions{Now: at}); err == nil {
		t.Fatal("tampered spec SD-JWT verified")
	}

	// Holder processing: a presentation of the spec SD-JWT built by us.
	out, err := Present(sd, []string{"/family_name", "/nationalities/0"}, nil, PresentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "~"); n != 3 {
		t.Errorf("presentation with %d parts", n)
	}
}

func TestSpecPresentation(t *testing.T) {
	pub := specIssuerKey(t)
	pres := readSpec(t, "5.2-presentation.txt")
	opts := VerifyOptions{
		RequireKeyBinding: true, ExpectedNonce: "1234567890", ExpectedAudience: "https://verifier.example.org",
		Now: func() time.Time { return time.Unix(1736767091+30, 0) },
	}
	res, err := verifyWithKey(t, pres, pub, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.KeyBound {
		t.Error("KB not verified")
	}
	var got, want any
	if err := json.Unmarshal(res.Claims, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(readSpec(t, "5.2-processed.json")), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("processed %s", res.Claims)
	}
	// Member order follows the issued payload, then disclosures in _sd order.
	if !bytes.HasPrefix(res.Claims, []byte(`{"iss":"https://issuer.example.com","iat":1683000000,`)) {
		t.Errorf("order: %s", res.Claims)
	}

	wrong := opts
	wrong.ExpectedNonce = "1234567891"
	if _, err := verifyWithKey(t, pres, pub, wrong); !errors.Is(err, ErrKeyBinding) {
		t.Errorf("wrong nonce: %v", err)
	}
	late := opts
	late.Now = func() time.Time { return time.Unix(1736767091+3600, 0) }
	if _, err := verifyWithKey(t, pres, pub, late); !errors.Is(err, ErrKeyBinding) {
		t.Errorf("stale KB: %v", err)
	}
}
