package verifier_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/verifier"
)

var update = flag.Bool("update", false, "rewrite golden files")

var policy = verifier.Policy{TrustedIssuers: []string{issuerDID, p256DID}}

// ldpMutate applies a JSON change to a signed Data Integrity document.
func ldpMutate(raw json.RawMessage, f func(m map[string]any)) json.RawMessage {
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	f(m)
	out, _ := json.Marshal(m)
	return out
}

func tamperProof(m map[string]any) {
	p := m["proof"].(map[string]any)
	p["created"] = "2020-01-01T00:00:00Z"
}

// dupDisclosure repeats the first disclosure of an SD-JWT.
func dupDisclosure(tok string) string {
	parts := strings.Split(tok, "~")
	return strings.Join(parts[:len(parts)-1], "~") + "~" + parts[1] + "~"
}

func tamperSD(tok string) string {
	first, rest, _ := strings.Cut(tok, "~")
	return tamper(first) + "~" + rest
}

const algNone = "eyJhbGciOiJub25lIiwidHlwIjoidmMrand0In0.eyJpc3MiOiJkaWQ6dGVzdDppc3N1ZXIifQ."

// credMutations are the credential-level failures, as options.
var credMutations = map[string]opts{
	verifier.CheckIssuerKey:     {kid: issuerDID + "#auth"},
	verifier.CheckTrustedIssuer: {issuer: rogueDID},
	verifier.CheckValidity:      {expired: true},
	verifier.CheckStatus:        {index: 7},
	verifier.CheckSchema:        {badSubject: true},
}

// format builds the input of one format for a mutation ("" for the good
// case); ok is false when the check does not apply to the format.
type format struct {
	name   string
	checks []string
	build  func(k *kit, m string) verifier.Input
}

func jwtFormat(name string, f jwtvc.Format) format {
	return format{name: name, checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status", "schema"},
		build: func(k *kit, m string) verifier.Input {
			switch m {
			case verifier.CheckSyntax:
				return verifier.Input{Credential: str(algNone)}
			case verifier.CheckSignature:
				return verifier.Input{Credential: str(tamper(k.jwt(opts{}, f)))}
			}
			return verifier.Input{Credential: str(k.jwt(credMutations[m], f))}
		}}
}

func ldpFormat(name string, suite dataintegrity.Cryptosuite, iss string) format {
	return format{name: name, checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status", "schema"},
		build: func(k *kit, m string) verifier.Input {
			o := credMutations[m]
			if o.issuer == "" || (iss == p256DID && o.issuer == rogueDID) {
				o.issuer = iss
			}
			switch m {
			case verifier.CheckSyntax:
				return verifier.Input{Credential: ldpMutate(k.ldp(o, suite), func(m map[string]any) { delete(m, "proof") })}
			case verifier.CheckSignature:
				return verifier.Input{Credential: ldpMutate(k.ldp(o, suite), tamperProof)}
			case verifier.CheckTrustedIssuer:
				if iss == p256DID {
					o.issuer = rogueP
				}
			case verifier.CheckIssuerKey:
				if iss == p256DID {
					o = opts{issuer: p256DID, kid: p256DID + "#unpublished"}
				}
			}
			return verifier.Input{Credential: k.ldp(o, suite)}
		}}
}

func formats() []format {
	return []format{
		jwtFormat("jwt_vc_json", jwtvc.FormatJWTVCJSON),
		jwtFormat("vc+jwt", jwtvc.FormatVCJWT),
		ldpFormat("ldp_vc eddsa-rdfc-2022", dataintegrity.EdDSARDFC2022, issuerDID),
		ldpFormat("ldp_vc eddsa-jcs-2022", dataintegrity.EdDSAJCS2022, issuerDID),
		ldpFormat("ldp_vc ecdsa-rdfc-2019", dataintegrity.ECDSARDFC2019, p256DID),
		{name: "dc+sd-jwt", checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status"},
			build: func(k *kit, m string) verifier.Input {
				switch m {
				case verifier.CheckSyntax:
					return verifier.Input{Credential: str(dupDisclosure(k.sd(opts{})))}
				case verifier.CheckSignature:
					return verifier.Input{Credential: str(tamperSD(k.sd(opts{})))}
				}
				return verifier.Input{Credential: str(k.sd(credMutations[m]))}
			}},
		{name: "dc+sd-jwt+kb", checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status", "holder_binding"},
			build: func(k *kit, m string) verifier.Input {
				in := verifier.Input{Nonce: nonce, Audience: audience}
				switch m {
				case verifier.CheckSyntax:
					in.Presentation = str(k.sdPresent(k.sd(opts{}), nonce) + "~")
				case verifier.CheckSignature:
					in.Presentation = str(k.sdPresent(tamperSD(k.sd(opts{})), nonce))
				case verifier.CheckHolderBinding:
					in.Presentation = str(k.sdPresent(k.sd(opts{}), "another-nonce"))
				default:
					in.Presentation = str(k.sdPresent(k.sd(credMutations[m]), nonce))
				}
				return in
			}},
		vpJWTFormat("vp+jwt", jwtvc.FormatVCJWT),
		vpJWTFormat("jwt_vp_json", jwtvc.FormatJWTVCJSON),
		{name: "ldp_vp", checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status", "schema", "holder_binding"},
			build: func(k *kit, m string) verifier.Input {
				in := verifier.Input{Nonce: nonce, Audience: audience}
				vc := k.ldp(credMutations[m], dataintegrity.EdDSARDFC2022)
				switch m {
				case verifier.CheckSyntax:
					in.Presentation = ldpMutate(k.ldpVP(nonce, holderDID+"#h", vc), func(m map[string]any) { delete(m, "proof") })
				case verifier.CheckIssuerKey:
					in.Presentation = k.ldpVP(nonce, holderDID+"#ha", k.ldp(opts{}, dataintegrity.EdDSARDFC2022))
				case verifier.CheckSignature:
					in.Presentation = ldpMutate(k.ldpVP(nonce, holderDID+"#h", vc), tamperProof)
				case verifier.CheckHolderBinding:
					in.Presentation = k.ldpVP("another-challenge", holderDID+"#h", vc)
				default:
					in.Presentation = k.ldpVP(nonce, holderDID+"#h", vc)
				}
				return in
			}},
		{name: "zk", checks: []string{"syntax", "issuer_key", "trusted_issuer", "holder_binding", "zk_proof"},
			build: func(k *kit, m string) verifier.Input {
				in := verifier.Input{Presentation: k.zkSub, Nonce: zkNonce, Audience: audience}
				switch m {
				case verifier.CheckSyntax:
					in.Presentation = zkMutate(k.zkSub, func(m map[string]any) { m["proof"] = "" })
				case verifier.CheckIssuerKey: // trusted, but not an issuer the request accepts
					in.Presentation = zkMutate(k.zkSub, func(m map[string]any) { m["issuer"] = p256DID })
				case verifier.CheckTrustedIssuer: // anchors the same key, accepted by the request, not trusted
					in.Presentation = zkMutate(k.zkSub, func(m map[string]any) { m["issuer"] = rogueDID })
				case verifier.CheckHolderBinding:
					in.Nonce = "another-nonce-of-16+"
				case verifier.CheckZKProof: // well-formed points, but A and C swapped
					in.Presentation = zkMutate(k.zkSub, func(m map[string]any) {
						p := m["proof"].(map[string]any)
						p["a"], p["c"] = p["c"], p["a"]
					})
				}
				return in
			}},
	}
}

func vpJWTFormat(name string, f jwtvc.Format) format {
	return format{name: name, checks: []string{"syntax", "issuer_key", "signature", "trusted_issuer", "validity", "status", "schema", "holder_binding"},
		build: func(k *kit, m string) verifier.Input {
			in := verifier.Input{Nonce: nonce, Audience: audience}
			entry := func(o opts) any {
				if f == jwtvc.FormatVCJWT {
					env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, k.jwt(o, jwtvc.FormatVCJWT))
					return env
				}
				return k.jwt(o, jwtvc.FormatJWTVCJSON)
			}
			switch m {
			case verifier.CheckSyntax:
				in.Presentation = str(algNone)
			case verifier.CheckIssuerKey:
				in.Presentation = str(k.vpJWT(f, nonce, holderDID+"#ha", entry(opts{})))
			case verifier.CheckSignature:
				in.Presentation = str(tamper(k.vpJWT(f, nonce, holderDID+"#h", entry(opts{}))))
			case verifier.CheckHolderBinding:
				in.Presentation = str(k.vpJWT(f, "another-nonce", holderDID+"#h", entry(opts{})))
			default:
				in.Presentation = str(k.vpJWT(f, nonce, holderDID+"#h", entry(credMutations[m])))
			}
			return in
		}}
}

// TestMatrix runs every format × check: the good input passes every check,
// and for each check a mutated input fails it (and does not verify).
func TestMatrix(t *testing.T) {
	k := newKit(t)
	ctx := context.Background()
	golden := map[string][]verifier.Check{}
	for _, f := range formats() {
		t.Run(f.name+"/valid", func(t *testing.T) {
			res, err := k.v.Verify(ctx, f.build(k, ""), policy)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Verified {
				t.Fatalf("not verified: %+v", res.Failed())
			}
			for _, c := range f.checks {
				if !has(res, c, true) {
					t.Errorf("check %s did not pass: %+v", c, res.Checks)
				}
			}
			golden[f.name+"/valid"] = res.Checks
		})
		for _, c := range f.checks {
			t.Run(f.name+"/"+c, func(t *testing.T) {
				res, err := k.v.Verify(ctx, f.build(k, c), policy)
				if err != nil {
					t.Fatal(err)
				}
				if res.Verified {
					t.Fatalf("verified: %+v", res.Checks)
				}
				if !has(res, c, false) {
					t.Fatalf("check %s did not fail: %+v", c, res.Checks)
				}
				golden[f.name+"/"+c] = res.Checks
			})
		}
	}
	checkGolden(t, "matrix.json", golden)
}

func has(res *verifier.Result, check string, passed bool) bool {
	for _, c := range res.Checks {
		if c.Check == check && c.Passed == passed {
			return true
		}
	}
	return false
}

func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, _ := json.MarshalIndent(v, "", "  ")
	path := filepath.Join("testdata", name)
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff)", path)
	}
}
