package verifier_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/zkp"
)

// The ZK cells of TestMatrix run the real verifier/zk service over a real
// Groth16 proof. Making keys and a proof takes tens of seconds, so they are
// made once with -update-zk and kept in testdata/zk: the verifying key and
// a submission proving, for the request the test service makes from zkSpec
// at the kit's clock, that the holder's credential from issuerDID is valid
// and unrevoked, that age ≥ 18, and revealing familyName. The proving key
// is not kept.
var updateZK = flag.Bool("update-zk", false, "remake the ZK keys and proof in testdata/zk (slow)")

const (
	zkDir    = "testdata/zk"
	zkSchema = "https://schemas.example/person-zk"
	// zkNonce is the request nonce (verifier/zk wants 16 or more
	// characters).
	zkNonce = "n-0S6_WzA2Mj-zk-cell"
)

var zkAttributes = []zkp.AttributeSpec{
	{Name: "age", Type: zkp.TypeInteger},
	{Name: "familyName", Type: zkp.TypeString},
}

// zkSpec is the proof request of the ZK cells. rogueDID anchors the same
// key as issuerDID, so that a proof naming it verifies cryptographically
// and only the policy's trust in the issuer fails.
func zkSpec() zk.Spec {
	return zk.Spec{Issuers: []string{issuerDID, rogueDID}, Schema: zkSchema, Reveal: []string{"familyName"},
		Predicates: []zk.PredicateSpec{{Attribute: "age", Op: ">=", Value: json.RawMessage(`18`)}},
		Audience:   audience, Scope: audience, Nonce: zkNonce}
}

// zkFixture is testdata/zk/fixture.json.
type zkFixture struct {
	IssuerKey  string          `json:"issuerKey"`  // hex of the issuer's ZK public key
	StatusRoot string          `json:"statusRoot"` // decimal
	Submission json.RawMessage `json:"submission"`
}

type zkAnchors struct{ a zk.Anchors }

func (z zkAnchors) ReadAnchors(_ context.Context, issuer string) (zk.Anchors, error) {
	if issuer != issuerDID && issuer != rogueDID {
		return zk.Anchors{}, fmt.Errorf("%s: %w", issuer, zk.ErrNoAnchors)
	}
	return z.a, nil
}

type zkSchemas struct{}

func (zkSchemas) ZKAttributes(_ context.Context, _, id string) ([]zkp.AttributeSpec, error) {
	if id != zkSchema {
		return nil, fmt.Errorf("%w: unknown schema %s", zk.ErrInvalidRequest, id)
	}
	return zkAttributes, nil
}

// zkService returns a verifier/zk service over a new store in which the
// request of zkSpec is made, at the kit's clock, with a fixed random
// source, so that its id is the one the stored proof answers.
func zkService(t testing.TB, vk *zkp.VerifyingKey, anchors zk.AnchorReader) (*zk.Service, *zk.Request) {
	t.Helper()
	clock := func() time.Time { return now }
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "zk.db"), store.Config{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := zk.New(st.ZKRequests(), vk, anchors, zkSchemas{}, zk.Config{Now: clock, Rand: bytes.NewReader(make([]byte, 256))})
	if err != nil {
		t.Fatal(err)
	}
	req, err := svc.CreateRequest(context.Background(), zkSpec())
	if err != nil {
		t.Fatal(err)
	}
	return svc, req
}

// realZK is the kit's verifier.ZKVerifier: the real verifier/zk service,
// made afresh (with the request in a new store) for every proof, so that
// the cells of the matrix do not redeem each other's single-use request.
type realZK struct {
	t       testing.TB
	vk      *zkp.VerifyingKey
	anchors zk.AnchorReader
}

func (z *realZK) VerifyZK(ctx context.Context, proof json.RawMessage, exp verifier.ZKExpect) (*verifier.ZKResult, error) {
	svc, _ := zkService(z.t, z.vk, z.anchors)
	return svc.VerifyZK(ctx, proof, exp)
}

// loadZK reads testdata/zk (making it first with -update-zk) and returns
// the ZK verifier and the stored submission.
func loadZK(t testing.TB) (*realZK, json.RawMessage) {
	t.Helper()
	if *updateZK {
		makeZKFixture(t)
	}
	vkb, err := os.ReadFile(filepath.Join(zkDir, "vk.bin"))
	if err != nil {
		t.Fatalf("%v (run with -update-zk)", err)
	}
	vk, err := zkp.ParseVerifyingKey(vkb)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(zkDir, "fixture.json"))
	if err != nil {
		t.Fatalf("%v (run with -update-zk)", err)
	}
	var fx zkFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	kb, err := hex.DecodeString(fx.IssuerKey)
	if err != nil {
		t.Fatal(err)
	}
	a := zk.Anchors{HasVerifyingKeyDigest: true, VerifyingKeyDigest: vk.Digest()}
	if a.IssuerKey, err = zkp.ParseIssuerPublicKey(kb); err != nil {
		t.Fatal(err)
	}
	if a.StatusRoot, err = zkp.ParseElement(fx.StatusRoot); err != nil {
		t.Fatal(err)
	}
	return &realZK{t: t, vk: vk, anchors: zkAnchors{a: a}}, fx.Submission
}

// makeZKFixture runs a development setup, issues a ZK credential to a
// holder and proves zkSpec's request with it.
func makeZKFixture(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	sys, err := zkp.Compile()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := zkp.Setup(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := zkp.GenerateIssuerKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := zkp.NewHolderSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := zkp.NewStatusTree(make([]byte, zkp.MaxStatusBits/8))
	if err != nil {
		t.Fatal(err)
	}
	const index = 42
	if err := tree.Set(7, true); err != nil { // someone else is revoked
		t.Fatal(err)
	}
	schema, err := zkp.SchemaElement(zkSchema)
	if err != nil {
		t.Fatal(err)
	}
	cred := zkp.Credential{SchemaID: schema, HolderCommitment: zkp.HolderCommitment(secret), StatusIndex: index,
		IssuedAt: now.Add(-30 * 24 * time.Hour), ExpiresAt: now.Add(365 * 24 * time.Hour)}
	for i, v := range []any{int64(35), "Mustermann"} {
		if cred.Attributes[i], err = zkAttributes[i].Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	sig, err := issuer.Sign(&cred)
	if err != nil {
		t.Fatal(err)
	}
	anchors := zkAnchors{a: zk.Anchors{IssuerKey: issuer.Public(), HasVerifyingKeyDigest: true,
		VerifyingKeyDigest: keys.Verifying.Digest(), StatusRoot: tree.Root()}}
	_, req := zkService(t, keys.Verifying, anchors)
	stmt, err := req.Statement(issuerDID)
	if err != nil {
		t.Fatal(err)
	}
	path, err := tree.Path(index)
	if err != nil {
		t.Fatal(err)
	}
	proof, pub, err := zkp.Prove(ctx, keys.Proving, &zkp.Witness{Request: *stmt, Credential: cred, Signature: sig,
		HolderSecret: secret, StatusPath: path})
	if err != nil {
		t.Fatal(err)
	}
	pj, err := proof.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	ij, err := pub.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	sub, err := json.Marshal(zk.Submission{Type: zk.TypeSubmission, Request: req.ID, Issuer: issuerDID, Proof: pj, PublicInputs: ij,
		Disclosed: map[string]json.RawMessage{"familyName": json.RawMessage(`"Mustermann"`)}})
	if err != nil {
		t.Fatal(err)
	}
	vkb, err := keys.Verifying.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	fx, err := json.MarshalIndent(zkFixture{IssuerKey: hex.EncodeToString(issuer.Public().Bytes()),
		StatusRoot: zkp.FormatElement(tree.Root()), Submission: sub}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(zkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(zkDir, "vk.bin"), vkb, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(zkDir, "fixture.json"), append(fx, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zkMutate changes the stored submission.
func zkMutate(sub json.RawMessage, f func(m map[string]any)) json.RawMessage {
	var m map[string]any
	_ = json.Unmarshal(sub, &m)
	f(m)
	out, _ := json.Marshal(m)
	return out
}

// TestZKNeedsNonce: like every presentation, a ZK proof verifies only
// against an expected nonce; without one it is not handed to verifier/zk
// (which would redeem its request).
func TestZKNeedsNonce(t *testing.T) {
	k := newKit(t)
	for name, in := range map[string]verifier.Input{
		"no nonce":              {Presentation: k.zkSub},
		"no nonce, an audience": {Presentation: k.zkSub, Audience: audience},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := k.v.Verify(context.Background(), in, policy)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified || !has(res, verifier.CheckHolderBinding, false) {
				t.Fatalf("a ZK proof verified without an expected nonce: %+v", res.Checks)
			}
		})
	}
	res, err := k.v.Verify(context.Background(), verifier.Input{Presentation: k.zkSub, Nonce: zkNonce, Audience: audience}, policy)
	if err != nil || !res.Verified {
		t.Fatalf("with its nonce: %v %+v", err, res)
	}
}

// countingZK counts the proofs handed to the ZK verifier.
type countingZK struct {
	next  verifier.ZKVerifier
	calls int
}

func (c *countingZK) VerifyZK(ctx context.Context, proof json.RawMessage, exp verifier.ZKExpect) (*verifier.ZKResult, error) {
	c.calls++
	return c.next.VerifyZK(ctx, proof, exp)
}

// TestZKUntrustedIssuerNotRedeemed: a proof whose issuer the policy does not
// trust never reaches the ZK service (which would redeem its single-use
// request and record its nullifier); with trust optional it does.
func TestZKUntrustedIssuerNotRedeemed(t *testing.T) {
	k := newKit(t)
	zkv, _ := loadZK(t)
	counter := &countingZK{next: zkv}
	v, err := verifier.New(verifier.Config{Keys: k.keys, Now: func() time.Time { return now }, ZK: counter, Contexts: contexts(t)})
	if err != nil {
		t.Fatal(err)
	}
	in := verifier.Input{Presentation: k.zkSub, Nonce: zkNonce, Audience: audience}
	res, err := v.Verify(context.Background(), in, verifier.Policy{TrustedIssuers: []string{p256DID}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified || !has(res, verifier.CheckTrustedIssuer, false) || counter.calls != 0 {
		t.Fatalf("untrusted issuer: verified %v, %d calls to the ZK service, checks %+v", res.Verified, counter.calls, res.Checks)
	}
	optional := verifier.Policy{TrustedIssuers: []string{p256DID}, Optional: []string{verifier.CheckTrustedIssuer}}
	if res, err = v.Verify(context.Background(), in, optional); err != nil {
		t.Fatal(err)
	}
	if !res.Verified || counter.calls != 1 {
		t.Fatalf("trust optional: verified %v, %d calls, checks %+v", res.Verified, counter.calls, res.Checks)
	}
}
