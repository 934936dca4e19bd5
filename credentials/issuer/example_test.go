package issuer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

func ExampleService_Issue() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "issuer-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	defer st.Close()
	ks, _ := keystore.New(st, keystore.Config{Secret: []byte("example"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	svc, _ := issuer.New(st, ks, issuer.Config{})

	// An issuer: a did:key with an Ed25519 assertion key.
	key, _ := ks.Generate(ctx, did.Ed25519, "issuer", didkey.New)
	id, _ := did.Parse(key.DID)
	_ = svc.AddIssuer(ctx, store.IssuerRecord{DID: key.DID, Default: true, StatusBase: issuer.StatusBase("https://issuer.example"),
		Keys: []store.IssuerKey{{KeyID: key.ID, KeyType: "Ed25519", VerificationMethod: key.DID + "#" + id.ID}}})
	_, _ = svc.AddSchema(ctx, "", []byte(`{"$id":"https://schemas.example/member","type":"object",
		"properties":{"name":{"type":"string"}},"required":["name"]}`))

	got, err := svc.Issue(ctx, issuer.Request{
		Schema:  "https://schemas.example/member",
		Subject: json.RawMessage(`{"name":"Alice"}`),
		Formats: []string{issuer.FormatVCJWT, issuer.FormatEdDSARDFC},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	r, _ := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	keys, _ := didkeys.New(r, didkeys.Config{})
	v, _ := issuer.NewVerifier(keys, svc, issuer.VerifierConfig{Processor: svc.Processor})
	for _, f := range []string{issuer.FormatVCJWT, issuer.FormatEdDSARDFC} {
		res, _ := v.VerifyCredential(ctx, got.Credentials[f])
		fmt.Println(f, res.Verified, res.Checks)
	}
	_, _ = svc.Revoke(ctx, got.ID)
	res, _ := v.VerifyCredential(ctx, got.Credentials[issuer.FormatVCJWT])
	fmt.Println("after revocation:", res.Verified, res.Errors[0].Title)
	// Output:
	// vc+jwt true [proof validity credentialStatus]
	// eddsa-rdfc-2022 true [proof validity credentialStatus]
	// after revocation: false The credential is revoked
}
