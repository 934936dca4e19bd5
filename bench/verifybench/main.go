// Command verifybench measures chainid's verification pipeline on the same
// credentials the peer libraries verify in bench/verify-peers.mjs.
//
// "verifybench issue DIR" issues one credential per format with chainid's
// own issuing code (credentials/jwtvc, credentials/sdjwt,
// credentials/dataintegrity) from fresh did:key issuer and holder keys, and
// writes them to DIR with the issuer DID, nonce and audience in
// DIR/meta.json. "verifybench verify [-seconds S] DIR" then verifies each of
// them with package verifier (format detection and every check: syntax,
// issuer key resolved through the DID resolver, signature, trusted issuer,
// validity, status, schema, holder binding for the KB variant), one
// verification at a time, and prints one JSON line per format:
//
//	{"format": "…", "verifications": N, "seconds": S, "per_second": N/S, "checks": ["syntax", …]}
//
// Run it with GOMAXPROCS=1 for a per-core figure.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
)

// Files written by issue, one credential per format.
const (
	fileJWTVC = "jwt_vc_json.jwt"
	fileSD    = "dc+sd-jwt.txt"
	fileSDKB  = "dc+sd-jwt+kb.txt"
	fileLDP   = "ldp_vc.json"
	fileMeta  = "meta.json"
)

// meta is what the verifiers need besides the credentials.
type meta struct {
	Issuer   string `json:"issuer"`
	Holder   string `json:"holder"`
	Nonce    string `json:"nonce"`
	Audience string `json:"audience"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "verifybench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: verifybench issue DIR | verifybench verify [-seconds S] [-format F] DIR")
	}
	switch args[0] {
	case "issue":
		if len(args) != 2 {
			return errors.New("usage: verifybench issue DIR")
		}
		return issue(context.Background(), args[1], time.Now())
	case "verify":
		fs := flag.NewFlagSet("verify", flag.ContinueOnError)
		seconds := fs.Float64("seconds", 2, "measuring time per format")
		only := fs.String("format", "", "measure only this format (default all)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("usage: verifybench verify [-seconds S] [-format F] DIR")
		}
		return verify(context.Background(), fs.Arg(0), *only, time.Duration(*seconds*float64(time.Second)))
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// issue writes one credential per format, issued by a fresh did:key.
func issue(ctx context.Context, dir string, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	_, issKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	_, holdKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	iss, err := didkey.New(issKey.Public())
	if err != nil {
		return err
	}
	holder, err := didkey.New(holdKey.Public())
	if err != nil {
		return err
	}
	kid := keyID(iss)
	m := meta{Issuer: iss.String(), Holder: holder.String(), Nonce: "n-0S6_WzA2Mj", Audience: "https://verifier.example"}
	files := map[string][]byte{}

	// jwt_vc_json: a VC 1.1 credential (did-jwt-vc requires the v1 context).
	v1, err := json.Marshal(map[string]any{
		"@context":       []string{"https://www.w3.org/2018/credentials/v1"},
		"id":             "urn:uuid:0b5e6f0a-5f2c-4c55-9a43-6d1a1c2e7f10",
		"type":           []string{"VerifiableCredential", "AlumniCredential"},
		"issuer":         m.Issuer,
		"issuanceDate":   now.Add(-time.Hour).Format(time.RFC3339),
		"expirationDate": now.AddDate(1, 0, 0).Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": m.Holder,
			"alumniOf": map[string]any{"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"}},
	})
	if err != nil {
		return err
	}
	if files[fileJWTVC], err = sign(jwtvc.Sign(ctx, v1, issKey, kid, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})); err != nil {
		return fmt.Errorf("issue jwt_vc_json: %w", err)
	}

	// dc+sd-jwt: nested and array disclosures, presented with three claims
	// revealed, once without and once with a Key Binding JWT.
	claims, err := json.Marshal(map[string]any{
		"sub": m.Holder, "given_name": "Erika", "family_name": "Mustermann", "email": "erika@example.com",
		"address":       map[string]any{"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
		"nationalities": []any{"DE", "AT"},
		"age":           map[string]any{"over_18": true, "over_65": false},
	})
	if err != nil {
		return err
	}
	frame := sdjwt.Frame{"/given_name", "/family_name", "/email", "/address", "/address/street_address",
		"/address/locality", "/nationalities/0", "/nationalities/1", "/age/over_18", "/age/over_65"}
	sd, err := sdjwt.Issue(claims, frame, issKey, sdjwt.IssueOptions{KeyID: kid, VCT: "https://credentials.example/identity",
		HolderKey: holdKey.Public(), IssuedAt: now.Add(-time.Hour), Expires: now.AddDate(1, 0, 0), Decoys: 2})
	if err != nil {
		return fmt.Errorf("issue dc+sd-jwt: %w", err)
	}
	reveal := []string{"/given_name", "/address/locality", "/nationalities/1"}
	if files[fileSD], err = sign(sdjwt.Present(sd, reveal, nil, sdjwt.PresentOptions{})); err != nil {
		return fmt.Errorf("present dc+sd-jwt: %w", err)
	}
	if files[fileSDKB], err = sign(sdjwt.Present(sd, reveal, holdKey,
		sdjwt.PresentOptions{Nonce: m.Nonce, Audience: m.Audience, IssuedAt: now})); err != nil {
		return fmt.Errorf("present dc+sd-jwt with key binding: %w", err)
	}

	// ldp_vc: a VC 2.0 credential secured with eddsa-rdfc-2022, using only
	// terms the VC 2.0 context defines (credentials/dataintegrity refuses
	// terms that would expand only through the context's @vocab).
	v2, err := json.Marshal(map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2"},
		"id":                "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
		"type":              []string{"VerifiableCredential"},
		"name":              "Example Credential",
		"issuer":            m.Issuer,
		"validFrom":         now.Add(-time.Hour).Format(time.RFC3339),
		"validUntil":        now.AddDate(1, 0, 0).Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": m.Holder, "name": "Erika Mustermann"},
	})
	if err != nil {
		return err
	}
	di, err := dataintegrity.New(dataintegrity.Config{})
	if err != nil {
		return err
	}
	if files[fileLDP], err = di.AddProof(ctx, v2, issKey, kid, dataintegrity.EdDSARDFC2022,
		dataintegrity.ProofOptions{Created: now.Add(-time.Hour)}); err != nil {
		return fmt.Errorf("issue ldp_vc: %w", err)
	}

	if files[fileMeta], err = json.Marshal(m); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sign(s string, err error) ([]byte, error) { return []byte(s), err }

// keyID is the verification method of a did:key (did:key:z…#z…).
func keyID(d did.DID) string {
	return d.String() + "#" + d.ID
}

// verify measures the pipeline on the credentials in dir.
func verify(ctx context.Context, dir, only string, d time.Duration) error {
	var m meta
	raw, err := os.ReadFile(filepath.Join(dir, fileMeta))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("read %s: %w", fileMeta, err)
	}
	read := func(name string) (json.RawMessage, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || name == fileLDP {
			return b, err
		}
		return json.Marshal(string(b))
	}
	// As the server does: did:key is resolved on every call (no cache),
	// status lists would come from the verifier's cache, no schema source
	// is needed because the credentials name no schema.
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{didkey.Method: didkey.NewResolver(didkey.Config{})},
		Uncached: []string{didkey.Method}})
	if err != nil {
		return err
	}
	keys, err := didkeys.New(r, didkeys.Config{})
	if err != nil {
		return err
	}
	v, err := verifier.New(verifier.Config{Keys: keys})
	if err != nil {
		return err
	}
	pol := verifier.Policy{TrustedIssuers: []string{m.Issuer}}
	cases := []struct {
		name, file string
		present    bool
	}{
		{"jwt_vc_json", fileJWTVC, false},
		{"dc+sd-jwt", fileSD, false},
		{"dc+sd-jwt+kb", fileSDKB, true},
		{"ldp_vc", fileLDP, false},
	}
	for _, c := range cases {
		if only != "" && c.name != only {
			continue
		}
		b, err := read(c.file)
		if err != nil {
			return err
		}
		in := verifier.Input{Credential: b}
		if c.present {
			in = verifier.Input{Presentation: b, Nonce: m.Nonce, Audience: m.Audience}
		}
		res, err := v.Verify(ctx, in, pol)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if !res.Verified {
			out, _ := json.Marshal(res.Failed())
			return fmt.Errorf("%s did not verify: %s", c.name, out)
		}
		checks := []string{}
		for _, ch := range res.Checks {
			checks = append(checks, ch.Check)
		}
		// Warm up, then count whole verifications until d has passed.
		for range 50 {
			if _, err := v.Verify(ctx, in, pol); err != nil {
				return err
			}
		}
		n, start := 0, time.Now()
		for time.Since(start) < d {
			for range 10 {
				res, err := v.Verify(ctx, in, pol)
				if err != nil || !res.Verified {
					return fmt.Errorf("%s: verification changed its answer: %v", c.name, err)
				}
			}
			n += 10
		}
		s := time.Since(start).Seconds()
		out, err := json.Marshal(map[string]any{"format": c.name, "verifications": n, "seconds": s,
			"per_second": float64(n) / s, "checks": checks})
		if err != nil {
			return err
		}
		fmt.Println(string(out))
	}
	return nil
}
