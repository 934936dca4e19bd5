package wallet_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/wallet"
)

// fixture is a verifier (the real pipeline behind an OpenID4VP Service on
// loopback), an issuer key and an initialized wallet.
type fixture struct {
	svc    *oid4vp.Service
	srv    *httptest.Server
	keys   *didkeys.Keys
	issuer string // did:key
	ipriv  ed25519.PrivateKey
	w      *wallet.Wallet
	holder *wallet.Holder
}

// newFixture builds a fixture in dir; close releases it.
func newFixture(ctx context.Context, dir string) (f *fixture, closeFn func(), err error) {
	st, err := store.Open(ctx, filepath.Join(dir, "verifier.db"), store.Config{})
	if err != nil {
		return nil, nil, err
	}
	f = &fixture{}
	res, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	if err != nil {
		return nil, nil, err
	}
	if f.keys, err = didkeys.New(res, didkeys.Config{}); err != nil {
		return nil, nil, err
	}
	pipeline, err := verifier.New(verifier.Config{Keys: f.keys})
	if err != nil {
		return nil, nil, err
	}
	ipub, ipriv, _ := ed25519.GenerateKey(rand.Reader)
	iss, _ := didkey.New(ipub)
	f.issuer, f.ipriv = iss.String(), ipriv
	_, vpriv, _ := ed25519.GenerateKey(rand.Reader)
	vdid, _ := didkey.New(vpriv.Public())
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	f.svc, err = oid4vp.New(st.Presentations(), oid4vp.Config{
		BaseURL: f.srv.URL + "/requests", Signer: vpriv, KeyID: vdid.String() + "#" + vdid.ID, Verifier: pipeline, InsecureAllowHTTP: true,
		Policy: func(context.Context) (verifier.Policy, error) {
			return verifier.Policy{TrustedIssuers: []string{f.issuer}}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	mux.HandleFunc("GET /requests/{id}/request", func(w http.ResponseWriter, r *http.Request) {
		jwt, err := f.svc.RequestObject(r.Context(), r.PathValue("id"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", oid4vp.MediaTypeRequestObject)
		_, _ = w.Write([]byte(jwt))
	})
	mux.HandleFunc("POST /requests/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ack, err := f.svc.HandleResponse(r.Context(), r.PathValue("id"), r.PostForm)
		var pe *oid4vp.ProtocolError
		if errors.As(err, &pe) {
			w.WriteHeader(pe.Status())
			_ = json.NewEncoder(w).Encode(pe.Response())
			return
		}
		_ = json.NewEncoder(w).Encode(ack)
	})
	if f.w, err = wallet.Open(ctx, filepath.Join(dir, "wallet"), wallet.Config{Secret: []byte("test wallet secret"), InsecureAllowHTTP: true}); err != nil {
		return nil, nil, err
	}
	if f.holder, err = f.w.Init(ctx, "key", "Ed25519"); err != nil {
		return nil, nil, err
	}
	return f, func() { f.w.Close(); f.srv.Close(); st.Close() }, nil
}

// sdJWT issues an SD-JWT VC bound to the wallet's holder key.
func (f *fixture) sdJWT(ctx context.Context, claims string) (string, error) {
	hpub, err := f.keys.VerificationKey(ctx, f.holder.KeyID, "authentication")
	if err != nil {
		return "", err
	}
	iss, _ := didkey.New(f.ipriv.Public())
	return sdjwt.Issue([]byte(claims), sdjwt.Frame{"/given_name", "/family_name", "/age_over_18"}, f.ipriv,
		sdjwt.IssueOptions{KeyID: iss.String() + "#" + iss.ID, VCT: "urn:example:pid", HolderKey: hpub, Expires: time.Now().Add(time.Hour)})
}

func TestPresent(t *testing.T) {
	ctx := t.Context()
	f, closeFn, err := newFixture(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	pid, err := f.sdJWT(ctx, `{"given_name":"Erika","family_name":"Mustermann","age_over_18":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.w.Import(ctx, []byte(pid), "https://issuer.example"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query string
		disclose    string // "" when the wallet must refuse
	}{
		{"one claim", `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:example:pid"]},"claims":[{"path":["age_over_18"],"values":[true]}]}]}`, "/age_over_18"},
		{"claim set", `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:example:pid"]},
		  "claims":[{"id":"a","path":["birthdate"]},{"id":"b","path":["family_name"]}],"claim_sets":[["a"],["b"]]}]}`, "/family_name"},
		{"wrong value", `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:example:pid"]},"claims":[{"path":["age_over_18"],"values":[false]}]}]}`, ""},
		{"other type", `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["urn:example:other"]}}]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.svc.Create(ctx, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(tc.query)})
			if err != nil {
				t.Fatal(err)
			}
			res, err := f.w.Present(ctx, c.URI)
			if tc.disclose == "" {
				if err == nil || !strings.Contains(err.Error(), "cannot answer") {
					t.Fatalf("want a refusal, got %+v %v", res, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Presented) != 1 || strings.Join(res.Presented[0].Disclose, ",") != tc.disclose {
				t.Fatalf("presented %+v", res.Presented)
			}
			st, err := f.svc.Status(ctx, c.ID, "")
			if err != nil || st.State != oid4vp.StateVerified {
				t.Fatalf("status %+v %v", st, err)
			}
			claims := string(st.Result.Presentations["pid"][0].Result.Credentials[0].Claims)
			if strings.Contains(claims, "Erika") {
				t.Fatalf("undisclosed claim reached the verifier: %s", claims)
			}
		})
	}
}

func TestImport(t *testing.T) {
	ctx := t.Context()
	f, closeFn, err := newFixture(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	pid, err := f.sdJWT(ctx, `{"given_name":"Erika","family_name":"M","age_over_18":true}`)
	if err != nil {
		t.Fatal(err)
	}
	iss, _ := didkey.New(f.ipriv.Public())
	jwt, err := jwtvc.Sign(ctx, []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential","Employee"],
	  "issuer":"`+iss.String()+`","issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":"`+f.holder.DID+`","employer":"ACME"}}`),
		f.ipriv, iss.String()+"#"+iss.ID, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})
	if err != nil {
		t.Fatal(err)
	}
	ldp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","Member"],
	  "issuer":{"id":"did:example:club"},"credentialSubject":{"member":true},"proof":{"type":"DataIntegrityProof"}}`
	for _, tc := range []struct {
		name, cred, format, issuer, typ string
	}{
		{"sd-jwt", pid, "dc+sd-jwt", iss.String(), "urn:example:pid"},
		{"jwt_vc_json", jwt, "jwt_vc_json", iss.String(), "Employee"},
		{"ldp_vc", ldp, "ldp_vc", "did:example:club", "Member"},
		{"ldp_vc without proof", strings.Replace(ldp, `,"proof":{"type":"DataIntegrityProof"}`, "", 1), "", "", ""},
		{"not a credential", "hello", "", "", ""},
		{"empty", " ", "", "", ""},
		{"JSON array", `[1]`, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wc, err := f.w.Import(ctx, []byte(tc.cred), "https://issuer.example")
			if tc.format == "" {
				if err == nil {
					t.Fatalf("imported %+v", wc)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if wc.Format != tc.format || wc.Issuer != tc.issuer || !strings.Contains(strings.Join(wc.Types, " "), tc.typ) || wc.HolderKey != f.holder.KeyID {
				t.Fatalf("imported %+v", wc)
			}
		})
	}
	all, err := f.w.Credentials(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("credentials %d %v", len(all), err)
	}
}
