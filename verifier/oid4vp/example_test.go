package oid4vp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/sdjwt"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// A verifier (Service) asks for an SD-JWT VC's age_over_18 claim with a
// signed request object; a wallet (Client) fetches the request, verifies
// it and answers with a key-bound presentation that the verification
// pipeline checks against the request's nonce and client_id.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "oid4vp")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "verifier.db"), store.Config{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	res, _ := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	keys, _ := didkeys.New(res, didkeys.Config{})
	pipeline, _ := verifier.New(verifier.Config{Keys: keys})

	// The issuer's credential, bound to the holder's key.
	ipub, ipriv, _ := ed25519.GenerateKey(rand.Reader)
	_, hpriv, _ := ed25519.GenerateKey(rand.Reader)
	issuer, _ := didkey.New(ipub)
	cred, _ := sdjwt.Issue([]byte(`{"given_name":"Erika","age_over_18":true}`), sdjwt.Frame{"/given_name", "/age_over_18"}, ipriv,
		sdjwt.IssueOptions{KeyID: issuer.String() + "#" + issuer.ID, VCT: "urn:example:pid", HolderKey: hpriv.Public(), Expires: time.Now().Add(time.Hour)})

	// The verifier, serving request objects and responses.
	_, vpriv, _ := ed25519.GenerateKey(rand.Reader)
	vdid, _ := didkey.New(vpriv.Public())
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	svc, err := oid4vp.New(st.Presentations(), oid4vp.Config{
		BaseURL: srv.URL + "/requests", Signer: vpriv, KeyID: vdid.String() + "#" + vdid.ID,
		Verifier: pipeline, InsecureAllowHTTP: true, // loopback only
		Policy: func(context.Context) (verifier.Policy, error) {
			return verifier.Policy{TrustedIssuers: []string{issuer.String()}}, nil
		},
	})
	if err != nil {
		panic(err)
	}
	mux.HandleFunc("GET /requests/{id}/request", func(w http.ResponseWriter, r *http.Request) {
		jwt, _ := svc.RequestObject(r.Context(), r.PathValue("id"))
		w.Header().Set("Content-Type", oid4vp.MediaTypeRequestObject)
		fmt.Fprint(w, jwt)
	})
	mux.HandleFunc("POST /requests/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ack, err := svc.HandleResponse(r.Context(), r.PathValue("id"), r.PostForm)
		if pe, ok := err.(*oid4vp.ProtocolError); ok {
			w.WriteHeader(pe.Status())
			_ = json.NewEncoder(w).Encode(pe.Response())
			return
		}
		_ = json.NewEncoder(w).Encode(ack)
	})
	created, err := svc.Create(ctx, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(`{"credentials":[{"id":"pid","format":"dc+sd-jwt",
	  "meta":{"vct_values":["urn:example:pid"]},"claims":[{"path":["age_over_18"]}]}]}`)})
	if err != nil {
		panic(err)
	}

	// The wallet.
	client, _ := oid4vp.NewClient(oid4vp.ClientConfig{Keys: keys, InsecureAllowHTTP: true})
	req, err := client.Fetch(ctx, created.URI)
	if err != nil {
		panic(err)
	}
	pres, _ := sdjwt.Present(cred, []string{"/age_over_18"}, hpriv, sdjwt.PresentOptions{Nonce: req.Nonce, Audience: req.ClientID, IssuedAt: time.Now()})
	tok, _ := json.Marshal(pres)
	if _, err := client.Respond(ctx, req, map[string][]json.RawMessage{"pid": {tok}}); err != nil {
		panic(err)
	}

	status, _ := svc.Status(ctx, created.ID, "")
	fmt.Println(status.State, string(status.Result.Presentations["pid"][0].Result.Credentials[0].Claims) != "")
	// Output: verified true
}

// EncryptResponse is what a wallet sends for direct_post.jwt: a JWE to the
// request's key (Client.Respond calls it).
func ExampleEncryptResponse() {
	md := &oid4vp.ClientMetadata{
		JWKS: &oid4vp.JWKS{Keys: []json.RawMessage{json.RawMessage(`{"kty":"EC","crv":"P-256","kid":"k1","use":"enc","alg":"ECDH-ES",
		  "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}`)}},
		EncryptedResponseEncValuesSupported: []string{oid4vp.EncA128GCM},
	}
	jwe, err := oid4vp.EncryptResponse([]byte(`{"vp_token":{"pid":["…"]},"state":"s"}`), md)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(jwe) > 0, jwe[0] == 'e')
	// Output: true true
}
