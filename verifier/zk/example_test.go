package zk

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// Example creates a request, proves it as a holder would and verifies the
// proof twice: the replay fails. In production the anchors come from
// NewChainAnchors over the DID resolver and the schemas from
// NewSchemaLayouts.
func Example() {
	ctx := context.Background()
	keys, err := keysOnce() // zkp.Setup or zkp.LoadKeys
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "zk-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		panic(err)
	}
	defer st.Close()

	// The issuer's signed credential and its status tree.
	issuer, _ := zkp.GenerateIssuerKey(nil)
	secret, _ := zkp.NewHolderSecret(nil)
	tree, _ := zkp.NewStatusTree(nil)
	schemaID, _ := zkp.SchemaElement(testSchema)
	cred := zkp.Credential{SchemaID: schemaID, HolderCommitment: zkp.HolderCommitment(secret), StatusIndex: 7,
		IssuedAt: time.Now().Add(-time.Hour)}
	cred.Attributes[0] = zkp.EncodeInteger(30)
	sig, _ := issuer.Sign(&cred)

	anchors := &memAnchors{m: map[string]Anchors{testIssuer: {IssuerKey: issuer.Public(), HasVerifyingKeyDigest: true,
		VerifyingKeyDigest: keys.Verifying.Digest(), StatusRoot: tree.Root()}}}
	svc, err := New(st.ZKRequests(), keys.Verifying, anchors,
		memSchemas{testIssuer + " " + testSchema: {{Name: "age", Type: zkp.TypeInteger}}}, Config{})
	if err != nil {
		panic(err)
	}

	// Verifier: ask for age ≥ 18.
	req, err := svc.CreateRequest(ctx, Spec{Issuers: []string{testIssuer}, Schema: testSchema,
		Predicates: []PredicateSpec{{Attribute: "age", Op: "≥", Value: json.RawMessage(`18`)}},
		Audience:   "https://shop.example", Scope: "https://shop.example"})
	if err != nil {
		panic(err)
	}

	// Holder: prove the request's statement (wallet.ProveZK does this).
	stmt, _ := req.Statement(testIssuer)
	path, _ := tree.Path(cred.StatusIndex)
	proof, pub, err := zkp.Prove(ctx, keys.Proving, &zkp.Witness{Request: *stmt, Credential: cred, Signature: sig,
		HolderSecret: secret, StatusPath: path})
	if err != nil {
		panic(err)
	}
	pj, _ := proof.MarshalJSON()
	ij, _ := pub.MarshalJSON()
	sub := &Submission{Type: TypeSubmission, Request: req.ID, Issuer: testIssuer, Proof: pj, PublicInputs: ij}

	// Verifier: check it; a replay fails the nonce check.
	for range 2 {
		res, err := svc.Verify(ctx, sub)
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Verified, res.Failed())
	}
	// Output:
	// true []
	// false [nonce nullifier]
}
