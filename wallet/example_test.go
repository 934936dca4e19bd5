package wallet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/wallet"
)

// A wallet lives in its own directory; Init makes the holder's did:key.
func ExampleWallet_Init() {
	dir, err := os.MkdirTemp("", "wallet")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	w, err := wallet.Open(ctx, dir, wallet.Config{Secret: []byte("correct horse battery staple")})
	if err != nil {
		panic(err)
	}
	defer w.Close()
	h, err := w.Init(ctx, "key", "Ed25519")
	if err != nil {
		panic(err)
	}
	again, _ := w.Init(ctx, "key", "Ed25519") // idempotent
	fmt.Println(strings.HasPrefix(h.DID, "did:key:z6Mk"), h.Created, again.DID == h.DID, again.Created)
	// Output: true true true false
}

// A wallet answers an OpenID4VP request: it fetches and verifies the
// verifier's signed request object, picks the credential its DCQL query
// asks for and discloses only the requested claim, bound to the request's
// nonce and client_id.
func ExampleWallet_Present() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "wallet")
	defer os.RemoveAll(dir)
	f, closeFn, err := newFixture(ctx, dir) // a verifier on loopback and an initialized wallet
	if err != nil {
		panic(err)
	}
	defer closeFn()
	pid, _ := f.sdJWT(ctx, `{"given_name":"Erika","family_name":"Mustermann","age_over_18":true}`)
	if _, err := f.w.Import(ctx, []byte(pid), "https://issuer.example"); err != nil {
		panic(err)
	}
	req, err := f.svc.Create(ctx, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(`{"credentials":[{"id":"pid","format":"dc+sd-jwt",
	  "meta":{"vct_values":["urn:example:pid"]},"claims":[{"path":["age_over_18"]}]}]}`)})
	if err != nil {
		panic(err)
	}
	plan, err := f.w.Inspect(ctx, req.URI) // what would be sent
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.Plan[0].QueryID, plan.Plan[0].Disclose)
	res, err := f.w.Present(ctx, req.URI)
	if err != nil {
		panic(err)
	}
	st, _ := f.svc.Status(ctx, req.ID, "")
	fmt.Println(res.Verifier == req.ClientID, st.State)
	// Output:
	// pid [/age_over_18]
	// true verified
}

// Import stores a credential issued out of band; its format is detected.
func ExampleWallet_Import() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "wallet")
	defer os.RemoveAll(dir)
	w, err := wallet.Open(ctx, dir, wallet.Config{Secret: []byte("correct horse battery staple")})
	if err != nil {
		panic(err)
	}
	defer w.Close()
	if _, err := w.Init(ctx, "key", "Ed25519"); err != nil {
		panic(err)
	}
	wc, err := w.Import(ctx, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","Member"],
	  "issuer":"did:example:club","credentialSubject":{"member":true},"proof":{"type":"DataIntegrityProof"}}`), "https://club.example")
	if err != nil {
		panic(err)
	}
	fmt.Println(wc.Format, wc.Issuer, wc.Types)
	// Output: ldp_vc did:example:club [VerifiableCredential Member]
}
