package sdjwt_test

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/sdjwt"
)

const testClaims = `{
  "vct": "https://credentials.example.com/identity_credential",
  "sub": "user_42",
  "given_name": "John",
  "family_name": "Doe",
  "email": "johndoe@example.com",
  "address": {"street_address": "123 Main St", "locality": "Anytown", "country": "US"},
  "nationalities": ["US", "DE", {"code": "FR", "since": 2001}],
  "age": {"over_18": true, "over_65": false},
  "score": 1.5e3,
  "nothing": null
}`

var testFrame = sdjwt.Frame{
	"/given_name", "/family_name", "/email",
	"/address", "/address/street_address", "/address/locality",
	"/nationalities/0", "/nationalities/1", "/nationalities/2", "/nationalities/2/since",
	"/age/over_18",
}

var (
	t0    = time.Unix(1_800_000_000, 0)
	nonce = "n-0S6_WzA2Mj"
	aud   = "https://verifier.example.org"
)

func issueOpts(iss issuer, holder any) sdjwt.IssueOptions {
	o := sdjwt.IssueOptions{KeyID: iss.kid, IssuedAt: t0, Expires: t0.Add(365 * 24 * time.Hour), Decoys: 2}
	if holder != nil {
		o.HolderKey = holder
	}
	return o
}

func vopts() sdjwt.VerifyOptions {
	return sdjwt.VerifyOptions{Now: func() time.Time { return t0.Add(time.Minute) }}
}

func kbOpts() sdjwt.VerifyOptions {
	o := vopts()
	o.RequireKeyBinding, o.ExpectedNonce, o.ExpectedAudience = true, nonce, aud
	return o
}

func presentOpts() sdjwt.PresentOptions {
	return sdjwt.PresentOptions{Nonce: nonce, Audience: aud, IssuedAt: t0.Add(50 * time.Second)}
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("claims %s: %v", raw, err)
	}
	return m
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, alg := range append(algs, "ES256K-DER") {
		t.Run(alg, func(t *testing.T) {
			iss := newIssuer(t, alg)
			holder := newKey(t, alg)
			sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(sd, "~"); n != len(testFrame)+1 {
				t.Fatalf("%d parts, want %d disclosures", n-1, len(testFrame))
			}
			// All disclosures: the original claims come back.
			res, err := sdjwt.Verify(ctx, sd, newDIDKeys(), vopts())
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, res.Claims)
			want := decode(t, []byte(testClaims))
			for k, v := range want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if got["iss"] != iss.did || res.Issuer != iss.did || res.KeyID != iss.kid || res.KeyBound {
				t.Errorf("issuer %v / %+v", got["iss"], res)
			}
			if _, ok := got["cnf"]; !ok {
				t.Error("no cnf")
			}
			for _, k := range []string{"_sd", "_sd_alg"} {
				if _, ok := got[k]; ok {
					t.Errorf("%s left in processed claims", k)
				}
			}

			cases := []struct {
				name   string
				reveal []string
				check  func(t *testing.T, c map[string]any)
			}{
				{"none", nil, func(t *testing.T, c map[string]any) {
					for _, k := range []string{"given_name", "family_name", "email", "address"} {
						if _, ok := c[k]; ok {
							t.Errorf("%s disclosed", k)
						}
					}
					if n := c["nationalities"].([]any); len(n) != 0 {
						t.Errorf("nationalities %v", n)
					}
					if c["sub"] != "user_42" || c["age"].(map[string]any)["over_65"] != false {
						t.Errorf("plain claims %v", c)
					}
					if _, ok := c["age"].(map[string]any)["over_18"]; ok {
						t.Error("over_18 disclosed")
					}
				}},
				{"nested member reveals its parent only", []string{"/address/locality"}, func(t *testing.T, c map[string]any) {
					want := map[string]any{"locality": "Anytown", "country": "US"}
					if !reflect.DeepEqual(c["address"], want) {
						t.Errorf("address %v", c["address"])
					}
				}},
				{"array element", []string{"/nationalities/1"}, func(t *testing.T, c map[string]any) {
					if !reflect.DeepEqual(c["nationalities"], []any{"DE"}) {
						t.Errorf("nationalities %v", c["nationalities"])
					}
				}},
				{"recursive array element", []string{"/nationalities/2/since", "/given_name"}, func(t *testing.T, c map[string]any) {
					want := []any{map[string]any{"code": "FR", "since": 2001.0}}
					if !reflect.DeepEqual(c["nationalities"], want) || c["given_name"] != "John" {
						t.Errorf("claims %v", c)
					}
				}},
				{"plain claim below a disclosure", []string{"/address/country", "/age/over_65"}, func(t *testing.T, c map[string]any) {
					if !reflect.DeepEqual(c["address"], map[string]any{"country": "US"}) {
						t.Errorf("address %v", c["address"])
					}
				}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					for _, withKB := range []bool{false, true} {
						h := holder
						opts := vopts()
						if !withKB {
							h = nil
						} else {
							opts = kbOpts()
						}
						pres, err := sdjwt.Present(sd, tc.reveal, h, presentOpts())
						if err != nil {
							t.Fatal(err)
						}
						res, err := sdjwt.Verify(ctx, pres, newDIDKeys(), opts)
						if err != nil {
							t.Fatalf("kb=%v: %v", withKB, err)
						}
						if res.KeyBound != withKB {
							t.Errorf("KeyBound %v", res.KeyBound)
						}
						tc.check(t, decode(t, res.Claims))
					}
				})
			}
		})
	}
}

func TestIssueDecoysAndSalts(t *testing.T) {
	iss := newIssuer(t, "EdDSA")
	opts := issueOpts(iss, nil)
	opts.Decoys = 3
	opts.Rand = seeded("decoys")
	sd, err := sdjwt.Issue([]byte(testClaims), sdjwt.Frame{"/given_name", "/address/locality"}, iss.signer, opts)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(sd, "~")
	payload := decode(t, mustB64(t, strings.Split(parts[0], ".")[1]))
	if n := len(payload["_sd"].([]any)); n != 1+3 {
		t.Errorf("top-level _sd has %d digests, want 1 + 3 decoys", n)
	}
	if n := len(payload["address"].(map[string]any)["_sd"].([]any)); n != 1+3 {
		t.Errorf("address _sd has %d digests, want 1 + 3 decoys", n)
	}
	if _, ok := payload["age"].(map[string]any)["_sd"]; ok {
		t.Error("decoys added to an object without disclosures")
	}
	if payload["_sd_alg"] != "sha-256" {
		t.Errorf("_sd_alg %v", payload["_sd_alg"])
	}
	for _, d := range parts[1 : len(parts)-1] {
		var arr []any
		if err := json.Unmarshal(mustB64(t, d), &arr); err != nil {
			t.Fatal(err)
		}
		if salt := mustB64(t, arr[0].(string)); len(salt) < 16 {
			t.Errorf("salt of %d bytes", len(salt))
		}
	}
	// Same Rand, same output (salts come only from opts.Rand).
	opts.Rand = seeded("decoys")
	again, err := sdjwt.Issue([]byte(testClaims), sdjwt.Frame{"/given_name", "/address/locality"}, iss.signer, opts)
	if err != nil || again != sd {
		t.Errorf("issuance not reproducible from Rand: %v", err)
	}
	if _, err := sdjwt.Verify(context.Background(), sd, newDIDKeys(), vopts()); err != nil {
		t.Fatal(err)
	}
}

func TestIssueHashAlgs(t *testing.T) {
	iss := newIssuer(t, "ES256")
	holder := newKey(t, "ES256")
	for _, h := range []string{sdjwt.SHA256, sdjwt.SHA384, sdjwt.SHA512} {
		t.Run(h, func(t *testing.T) {
			opts := issueOpts(iss, holder.Public())
			opts.HashAlg = h
			sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, opts)
			if err != nil {
				t.Fatal(err)
			}
			pres, err := sdjwt.Present(sd, []string{"/email"}, holder, presentOpts())
			if err != nil {
				t.Fatal(err)
			}
			res, err := sdjwt.Verify(context.Background(), pres, newDIDKeys(), kbOpts())
			if err != nil {
				t.Fatal(err)
			}
			if decode(t, res.Claims)["email"] != "johndoe@example.com" {
				t.Error("email not disclosed")
			}
		})
	}
}

func TestIssueRefusals(t *testing.T) {
	iss := newIssuer(t, "EdDSA")
	cases := []struct {
		name   string
		claims string
		frame  sdjwt.Frame
		mod    func(*sdjwt.IssueOptions)
	}{
		{"not an object", `[1]`, nil, nil},
		{"duplicate keys", `{"vct":"x","a":1,"a":2}`, nil, nil},
		{"reserved _sd", `{"vct":"x","_sd":[]}`, nil, nil},
		{"reserved ... nested", `{"vct":"x","a":{"...":"y"}}`, nil, nil},
		{"no vct", `{"a":1}`, nil, nil},
		{"vct disclosable", `{"vct":"x"}`, sdjwt.Frame{"/vct"}, nil},
		{"cnf disclosable", `{"vct":"x","a":1}`, sdjwt.Frame{"/cnf"}, func(o *sdjwt.IssueOptions) { o.HolderKey = newKey(t, "EdDSA").Public() }},
		{"exp disclosable", `{"vct":"x"}`, sdjwt.Frame{"/exp"}, func(o *sdjwt.IssueOptions) { o.Expires = t0 }},
		{"iss differs", `{"vct":"x","iss":"did:example:other"}`, nil, nil},
		{"unknown pointer", `{"vct":"x"}`, sdjwt.Frame{"/nope"}, nil},
		{"index out of range", `{"vct":"x","a":[1]}`, sdjwt.Frame{"/a/1"}, nil},
		{"bad pointer", `{"vct":"x","a":1}`, sdjwt.Frame{"a"}, nil},
		{"listed twice", `{"vct":"x","a":1}`, sdjwt.Frame{"/a", "/a"}, nil},
		{"kid not a DID URL", `{"vct":"x"}`, nil, func(o *sdjwt.IssueOptions) { o.KeyID = "key-1" }},
		{"kid without fragment", `{"vct":"x"}`, nil, func(o *sdjwt.IssueOptions) { o.KeyID = iss.did }},
		{"unknown hash", `{"vct":"x"}`, nil, func(o *sdjwt.IssueOptions) { o.HashAlg = "md5" }},
		{"rand repeats", `{"vct":"x","a":1,"b":2}`, sdjwt.Frame{"/a", "/b"}, func(o *sdjwt.IssueOptions) { o.Rand = zeros{} }},
		{"rand fails", `{"vct":"x","a":1}`, sdjwt.Frame{"/a"}, func(o *sdjwt.IssueOptions) { o.Rand = strings.NewReader("short") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := sdjwt.IssueOptions{KeyID: iss.kid}
			if tc.mod != nil {
				tc.mod(&opts)
			}
			if _, err := sdjwt.Issue([]byte(tc.claims), tc.frame, iss.signer, opts); err == nil {
				t.Fatal("issued")
			}
		})
	}
}

func TestPresentRefusals(t *testing.T) {
	iss := newIssuer(t, "EdDSA")
	holder := newKey(t, "EdDSA")
	sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
	if err != nil {
		t.Fatal(err)
	}
	noCnf, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, nil))
	if err != nil {
		t.Fatal(err)
	}
	withKB, err := sdjwt.Present(sd, nil, holder, presentOpts())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		sd     string
		reveal []string
		holder bool
		opts   sdjwt.PresentOptions
	}{
		{"unknown claim", sd, []string{"/nope"}, false, presentOpts()},
		{"bad pointer", sd, []string{"given_name"}, false, presentOpts()},
		{"already has KB", withKB, nil, false, presentOpts()},
		{"other holder key", sd, nil, true, presentOpts()},
		{"no cnf", noCnf, nil, true, presentOpts()},
		{"no nonce", sd, nil, true, sdjwt.PresentOptions{Audience: aud, IssuedAt: t0}},
		{"no iat", sd, nil, true, sdjwt.PresentOptions{Audience: aud, Nonce: nonce}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := holder
			if tc.name == "other holder key" {
				h = newKey(t, "EdDSA")
			}
			if !tc.holder {
				h = nil
			}
			if _, err := sdjwt.Present(tc.sd, tc.reveal, h, tc.opts); err == nil {
				t.Fatal("presented")
			}
		})
	}
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func disc(t testing.TB, parts ...any) string {
	t.Helper()
	b, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return b64(b)
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return b64(h[:])
}

// forge signs header and payload JSON with the issuer's key (so only the
// property under test is wrong) and appends the parts.
func (iss issuer) forge(t testing.TB, alg, header, payload string, rest ...string) string {
	t.Helper()
	jwt, err := sdjwt.SignRaw(iss.signer, alg, []byte(header), []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return jwt + "~" + strings.Join(rest, "~")
}

func TestVerifyRefusals(t *testing.T) {
	ctx := context.Background()
	iss := newIssuer(t, "EdDSA")
	p256 := newIssuer(t, "ES256")
	holder := newKey(t, "EdDSA")
	hdr := `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"` + iss.kid + `"}`
	base := func(extra string) string {
		return `{"iss":"` + iss.did + `","vct":"v","iat":1800000000` + extra + `}`
	}
	dA := disc(t, "salt-a-0123456789abcd", "a", "A")
	dB := disc(t, "salt-b-0123456789abcd", "b", "B")
	dEl := disc(t, "salt-e-0123456789abcd", "E")
	dSD := disc(t, "salt-s-0123456789abcd", "_sd", []string{})
	dDots := disc(t, "salt-d-0123456789abcd", "...", "x")
	dPlain := disc(t, "salt-p-0123456789abcd", "vct", "other")
	dA2 := disc(t, "salt-a2-0123456789abc", "a", "A2")
	dInner := disc(t, "salt-i-0123456789abcd", "inner", 1)
	dOuter1 := disc(t, "salt-o1-0123456789abc", "o1", map[string]any{"_sd": []string{digest(dInner)}})
	dOuter2 := disc(t, "salt-o2-0123456789abc", "o2", map[string]any{"_sd": []string{digest(dInner)}})
	dNestedAlg := disc(t, "salt-n-0123456789abcd", "n", map[string]any{"_sd_alg": "sha-256"})
	dupInDisc := b64([]byte(`["salt-x-0123456789abcd","x",{"k":1,"k":2}]`))

	// A chain of 70 nested disclosures exceeds the depth bound.
	chain := []string{disc(t, "salt-chain-0000000000", "c", 0)}
	for i := 1; i < 70; i++ {
		chain = append(chain, disc(t, "salt-chain-"+strings.Repeat("x", 10)+string(rune('a'+i%26)), "c", map[string]any{"_sd": []string{digest(chain[i-1])}}))
	}

	sdOK, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
	if err != nil {
		t.Fatal(err)
	}
	presKB := func(reveal []string) string {
		t.Helper()
		p, err := sdjwt.Present(sdOK, reveal, holder, presentOpts())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	validKB := presKB([]string{"/email"})
	// Two disclosures with a KB-JWT, then one disclosure removed: the
	// KB-JWT's sd_hash no longer covers what is presented.
	two := strings.Split(presKB([]string{"/email", "/given_name"}), "~")
	fewer := strings.Join(append(two[:1:1], two[2:]...), "~")
	kbStart := strings.LastIndexByte(validKB, '~') + 1
	sdPart := validKB[:kbStart]

	// KB-JWTs with one property wrong, signed by the holder.
	kbWith := func(header, payload string, signer any) string {
		t.Helper()
		s := holder
		if signer != nil {
			s = newKey(t, "EdDSA")
		}
		j, err := sdjwt.SignRaw(s, "EdDSA", []byte(header), []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	kbHdr := `{"alg":"EdDSA","typ":"kb+jwt"}`
	kbPayload := func(iat int64, n, a, h string) string {
		return `{"iat":` + itoa(iat) + `,"aud":"` + a + `","nonce":"` + n + `","sd_hash":"` + h + `"}`
	}
	okHash := digest(sdPart)
	iatOK := t0.Add(50 * time.Second).Unix()

	hsSig := func() string {
		in := b64([]byte(`{"alg":"HS256","typ":"dc+sd-jwt","kid":"`+iss.kid+`"}`)) + "." + b64([]byte(base("")))
		m := hmac.New(sha256.New, []byte(iss.signer.Public().(ed25519.PublicKey)))
		m.Write([]byte(in))
		return in + "." + b64(m.Sum(nil)) + "~"
	}

	cases := []struct {
		name string
		pres string
		opts sdjwt.VerifyOptions
		want error
	}{
		{"alg none", b64([]byte(`{"alg":"none","typ":"dc+sd-jwt","kid":"`+iss.kid+`"}`)) + "." + b64([]byte(base(""))) + ".~", vopts(), sdjwt.ErrAlgorithm},
		{"HS256 with the public key", hsSig(), vopts(), sdjwt.ErrAlgorithm},
		{"RS256", b64([]byte(`{"alg":"RS256","typ":"dc+sd-jwt","kid":"`+iss.kid+`"}`)) + "." + b64([]byte(base(""))) + ".AAAA~", vopts(), sdjwt.ErrAlgorithm},
		{"alg does not match key", iss.forge(t, "EdDSA", `{"alg":"ES256","typ":"dc+sd-jwt","kid":"`+iss.kid+`"}`, base(""), ""), vopts(), sdjwt.ErrAlgorithm},
		{"signed by another key", newIssuer(t, "EdDSA").forge(t, "EdDSA", hdr, base(""), ""), vopts(), sdjwt.ErrSignature},
		{"kid DID differs from iss", p256.forge(t, "ES256", `{"alg":"ES256","typ":"dc+sd-jwt","kid":"`+p256.kid+`"}`, base(""), ""), vopts(), sdjwt.ErrIssuer},
		{"no kid", iss.forge(t, "EdDSA", `{"alg":"EdDSA","typ":"dc+sd-jwt"}`, base(""), ""), vopts(), sdjwt.ErrIssuer},
		{"kid not a DID URL", iss.forge(t, "EdDSA", `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"key-1"}`, base(""), ""), vopts(), sdjwt.ErrIssuer},
		{"no iss", iss.forge(t, "EdDSA", hdr, `{"vct":"v"}`, ""), vopts(), sdjwt.ErrIssuer},
		{"wrong typ", iss.forge(t, "EdDSA", `{"alg":"EdDSA","typ":"JWT","kid":"`+iss.kid+`"}`, base(""), ""), vopts(), sdjwt.ErrMalformed},
		{"crit header", iss.forge(t, "EdDSA", `{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"`+iss.kid+`","crit":["b64"],"b64":false}`, base(""), ""), vopts(), sdjwt.ErrMalformed},
		{"duplicate header key", iss.forge(t, "EdDSA", `{"alg":"EdDSA","alg":"none","typ":"dc+sd-jwt","kid":"`+iss.kid+`"}`, base(""), ""), vopts(), sdjwt.ErrMalformed},
		{"duplicate payload key", iss.forge(t, "EdDSA", hdr, `{"iss":"`+iss.did+`","vct":"v","vct":"w"}`, ""), vopts(), sdjwt.ErrMalformed},
		{"no vct", iss.forge(t, "EdDSA", hdr, `{"iss":"`+iss.did+`"}`, ""), vopts(), sdjwt.ErrMalformed},
		{"deep nesting", iss.forge(t, "EdDSA", hdr, base(`,"x":`+strings.Repeat("[", 70)+strings.Repeat("]", 70)), ""), vopts(), sdjwt.ErrMalformed},
		{"oversize", sdOK, sdjwt.VerifyOptions{MaxSize: 100}, sdjwt.ErrTooLarge},
		{"no tilde", strings.TrimSuffix(sdOK, "~")[:strings.IndexByte(sdOK, '~')], vopts(), sdjwt.ErrMalformed},
		{"empty disclosure", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dA)+`"]`), "", dA, ""), vopts(), sdjwt.ErrMalformed},

		{"duplicate digest in _sd", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dA)+`","`+digest(dA)+`"]`), dA, ""), vopts(), sdjwt.ErrDisclosure},
		{"duplicate decoy digest", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["AAAA","AAAA"]`), ""), vopts(), sdjwt.ErrDisclosure},
		{"digest in _sd and array", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dEl)+`"],"l":[{"...":"`+digest(dEl)+`"}]`), dEl, ""), vopts(), sdjwt.ErrDisclosure},
		{"digest twice via disclosures", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dOuter1)+`","`+digest(dOuter2)+`"]`), dOuter1, dOuter2, dInner, ""), vopts(), sdjwt.ErrDisclosure},
		{"unreferenced disclosure", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dA)+`"]`), dA, dB, ""), vopts(), sdjwt.ErrDisclosure},
		{"disclosure sent twice", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dA)+`"]`), dA, dA, ""), vopts(), sdjwt.ErrDisclosure},
		{"overrides plain claim", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dPlain)+`"]`), dPlain, ""), vopts(), sdjwt.ErrDisclosure},
		{"two disclosures same name", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dA)+`","`+digest(dA2)+`"]`), dA, dA2, ""), vopts(), sdjwt.ErrDisclosure},
		{"disclosure names _sd", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dSD)+`"]`), dSD, ""), vopts(), sdjwt.ErrDisclosure},
		{"disclosure names ...", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dDots)+`"]`), dDots, ""), vopts(), sdjwt.ErrDisclosure},
		{"unknown _sd_alg", iss.forge(t, "EdDSA", hdr, base(`,"_sd_alg":"md5"`), ""), vopts(), sdjwt.ErrAlgorithm},
		{"_sd_alg not a string", iss.forge(t, "EdDSA", hdr, base(`,"_sd_alg":256`), ""), vopts(), sdjwt.ErrAlgorithm},
		{"_sd_alg nested", iss.forge(t, "EdDSA", hdr, base(`,"o":{"_sd_alg":"sha-256"}`), ""), vopts(), sdjwt.ErrDisclosure},
		{"_sd_alg nested in disclosure", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dNestedAlg)+`"]`), dNestedAlg, ""), vopts(), sdjwt.ErrDisclosure},
		{"_sd not an array", iss.forge(t, "EdDSA", hdr, base(`,"_sd":"`+digest(dA)+`"`), dA, ""), vopts(), sdjwt.ErrDisclosure},
		{"_sd holds a number", iss.forge(t, "EdDSA", hdr, base(`,"_sd":[1]`), ""), vopts(), sdjwt.ErrDisclosure},
		{"... with other members", iss.forge(t, "EdDSA", hdr, base(`,"l":[{"...":"`+digest(dEl)+`","x":1}]`), dEl, ""), vopts(), sdjwt.ErrDisclosure},
		{"... not a string", iss.forge(t, "EdDSA", hdr, base(`,"l":[{"...":5}]`), ""), vopts(), sdjwt.ErrDisclosure},
		{"... as a plain member", iss.forge(t, "EdDSA", hdr, base(`,"o":{"...":"x","y":1}`), ""), vopts(), sdjwt.ErrDisclosure},
		{"element disclosure in _sd", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(dEl)+`"]`), dEl, ""), vopts(), sdjwt.ErrDisclosure},
		{"member disclosure in array", iss.forge(t, "EdDSA", hdr, base(`,"l":[{"...":"`+digest(dA)+`"}]`), dA, ""), vopts(), sdjwt.ErrDisclosure},
		{"disclosure nesting too deep", iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(chain[len(chain)-1])+`"]`), append(append([]string{}, chain...), "")...), vopts(), sdjwt.ErrDisclosure},

		{"disclosure of 4 elements", withDisc(t, iss, hdr, base, disc(t, "salt-0123456789abcdef", "a", 1, 2)), vopts(), sdjwt.ErrDisclosure},
		{"disclosure of 1 element", withDisc(t, iss, hdr, base, disc(t, "salt-0123456789abcdef")), vopts(), sdjwt.ErrDisclosure},
		{"disclosure object", withDisc(t, iss, hdr, base, b64([]byte(`{"salt":"x"}`))), vopts(), sdjwt.ErrDisclosure},
		{"salt not a string", withDisc(t, iss, hdr, base, disc(t, 12345, "a", 1)), vopts(), sdjwt.ErrDisclosure},
		{"name not a string", withDisc(t, iss, hdr, base, disc(t, "salt-0123456789abcdef", 7, 1)), vopts(), sdjwt.ErrDisclosure},
		{"disclosure padded base64", withDisc(t, iss, hdr, base, disc(t, "salt-0123456789abcdef", "a", 1)+"="), vopts(), sdjwt.ErrMalformed},
		{"disclosure std base64", withDisc(t, iss, hdr, base, "WyJ+/w"), vopts(), sdjwt.ErrMalformed},
		{"disclosure not JSON", withDisc(t, iss, hdr, base, b64([]byte(`["salt",`))), vopts(), sdjwt.ErrMalformed},
		{"disclosure duplicate keys", withDisc(t, iss, hdr, base, dupInDisc), vopts(), sdjwt.ErrMalformed},

		{"expired", iss.forge(t, "EdDSA", hdr, base(`,"exp":1700000000`), ""), vopts(), sdjwt.ErrExpired},
		{"not yet valid", iss.forge(t, "EdDSA", hdr, base(`,"nbf":1900000000`), ""), vopts(), sdjwt.ErrNotYetValid},
		{"issued in the future", iss.forge(t, "EdDSA", hdr, `{"iss":"`+iss.did+`","vct":"v","iat":1900000000}`, ""), vopts(), sdjwt.ErrNotYetValid},
		{"exp not a number", iss.forge(t, "EdDSA", hdr, base(`,"exp":"soon"`), ""), vopts(), sdjwt.ErrMalformed},

		{"KB required but missing", sdOK, kbOpts(), sdjwt.ErrKeyBinding},
		{"KB required without nonce policy", validKB, sdjwt.VerifyOptions{RequireKeyBinding: true, ExpectedAudience: aud}, sdjwt.ErrKeyBinding},
		{"KB wrong nonce", sdPart + kbWith(kbHdr, kbPayload(iatOK, "other", aud, okHash), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB wrong aud", sdPart + kbWith(kbHdr, kbPayload(iatOK, nonce, "https://evil.example", okHash), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB wrong sd_hash", sdPart + kbWith(kbHdr, kbPayload(iatOK, nonce, aud, digest(sdPart+"x")), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB sd_hash over other disclosures", fewer, kbOpts(), sdjwt.ErrKeyBinding},
		{"KB iat in the future", sdPart + kbWith(kbHdr, kbPayload(t0.Add(time.Hour).Unix(), nonce, aud, okHash), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB iat too old", sdPart + kbWith(kbHdr, kbPayload(t0.Add(-time.Hour).Unix(), nonce, aud, okHash), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB typ jwt", sdPart + kbWith(`{"alg":"EdDSA","typ":"JWT"}`, kbPayload(iatOK, nonce, aud, okHash), nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB no nonce", sdPart + kbWith(kbHdr, `{"iat":`+itoa(iatOK)+`,"aud":"`+aud+`","sd_hash":"`+okHash+`"}`, nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB no sd_hash", sdPart + kbWith(kbHdr, `{"iat":`+itoa(iatOK)+`,"aud":"`+aud+`","nonce":"`+nonce+`"}`, nil), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB signed by another key", sdPart + kbWith(kbHdr, kbPayload(iatOK, nonce, aud, okHash), "other"), kbOpts(), sdjwt.ErrKeyBinding},
		{"KB alg none", sdPart + b64([]byte(`{"alg":"none","typ":"kb+jwt"}`)) + "." + b64([]byte(kbPayload(iatOK, nonce, aud, okHash))) + ".", kbOpts(), sdjwt.ErrKeyBinding},
		{"KB garbage", sdPart + "not-a-jwt", kbOpts(), sdjwt.ErrKeyBinding},
		{"KB bad even when not required", sdPart + kbWith(kbHdr, kbPayload(iatOK, nonce, aud, digest("x")), nil), vopts(), sdjwt.ErrKeyBinding},
		{"KB without cnf", iss.forge(t, "EdDSA", hdr, base(""), "") + kbWith(kbHdr, kbPayload(iatOK, nonce, aud, digest(iss.forge(t, "EdDSA", hdr, base(""), ""))), nil), kbOpts(), sdjwt.ErrKeyBinding},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := sdjwt.Verify(ctx, tc.pres, newDIDKeys(), tc.opts)
			if err == nil {
				t.Fatalf("accepted: %s", res.Claims)
			}
			t.Log(err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}

	t.Run("key not under assertionMethod", func(t *testing.T) {
		opts := vopts()
		opts.Relationship = "keyAgreement"
		if _, err := sdjwt.Verify(ctx, sdOK, newDIDKeys(), opts); err == nil {
			t.Fatal("accepted a key outside the relationship")
		}
	})
	t.Run("KB allowed when not required", func(t *testing.T) {
		res, err := sdjwt.Verify(ctx, validKB, newDIDKeys(), vopts())
		if err != nil || !res.KeyBound {
			t.Fatalf("%v %+v", err, res)
		}
	})
	t.Run("leeway admits small skew", func(t *testing.T) {
		p := iss.forge(t, "EdDSA", hdr, `{"iss":"`+iss.did+`","vct":"v","nbf":1800000100}`, "")
		opts := vopts()
		if _, err := sdjwt.Verify(ctx, p, newDIDKeys(), opts); !errors.Is(err, sdjwt.ErrNotYetValid) {
			t.Fatalf("no leeway: %v", err)
		}
		opts.Leeway = 2 * time.Minute
		if _, err := sdjwt.Verify(ctx, p, newDIDKeys(), opts); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("attacker issuer is exposed", func(t *testing.T) {
		evil := newIssuer(t, "EdDSA")
		p, err := sdjwt.Issue([]byte(testClaims), nil, evil.signer, sdjwt.IssueOptions{KeyID: evil.kid})
		if err != nil {
			t.Fatal(err)
		}
		res, err := sdjwt.Verify(ctx, p, newDIDKeys(), vopts())
		if err != nil {
			t.Fatal(err)
		}
		if res.Issuer != evil.did || res.Issuer == iss.did {
			t.Fatalf("issuer %s", res.Issuer)
		}
	})
}

func withDisc(t testing.TB, iss issuer, hdr string, base func(string) string, d string) string {
	t.Helper()
	return iss.forge(t, "EdDSA", hdr, base(`,"_sd":["`+digest(d)+`"]`), d, "")
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
