package zk

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// One key set per test binary: setup takes seconds.
var keysOnce = sync.OnceValues(func() (*zkp.Keys, error) {
	sys, err := zkp.Compile()
	if err != nil {
		return nil, err
	}
	return zkp.Setup(context.Background(), sys)
})

func testKeys(t testing.TB) *zkp.Keys {
	t.Helper()
	k, err := keysOnce()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const (
	testIssuer = "did:example:issuer"
	testSchema = "https://issuer.example/schemas/person.json"
	testIndex  = 4711
)

var testSpecs = []zkp.AttributeSpec{
	{Name: "age", Type: zkp.TypeInteger},
	{Name: "birthDate", Type: zkp.TypeDate},
	{Name: "nationality", Type: zkp.TypeEnum, Enum: []string{"DE", "FR", "NL"}},
	{Name: "member", Type: zkp.TypeBoolean},
	{Name: "familyName", Type: zkp.TypeString},
}

// memAnchors stands in for the chain in unit tests (the end-to-end test in
// cmd/chainid reads a real dev chain).
type memAnchors struct {
	mu sync.Mutex
	m  map[string]Anchors
}

func (a *memAnchors) ReadAnchors(_ context.Context, issuer string) (Anchors, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.m[issuer]
	if !ok {
		return Anchors{}, fmt.Errorf("%s: %w", issuer, ErrNoAnchors)
	}
	return v, nil
}

func (a *memAnchors) set(issuer string, v Anchors) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.m[issuer] = v
}

type memSchemas map[string][]zkp.AttributeSpec

func (m memSchemas) ZKAttributes(_ context.Context, issuer, id string) ([]zkp.AttributeSpec, error) {
	s, ok := m[issuer+" "+id]
	if !ok {
		return nil, fmt.Errorf("%w: no schema %s for %s", ErrInvalidRequest, id, issuer)
	}
	return s, nil
}

type fixture struct {
	svc     *Service
	anchors *memAnchors
	keys    *zkp.Keys
	issuer  *zkp.IssuerKey
	secret  fr.Element
	tree    *zkp.StatusTree
	cred    zkp.Credential
	sig     zkp.Signature
	now     time.Time
	clock   func() time.Time
	mu      sync.Mutex
}

func (f *fixture) setNow(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := testKeys(t)
	f := &fixture{keys: keys, now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	f.clock = func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"), store.Config{Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if f.issuer, err = zkp.GenerateIssuerKey(nil); err != nil {
		t.Fatal(err)
	}
	if f.secret, err = zkp.NewHolderSecret(nil); err != nil {
		t.Fatal(err)
	}
	if f.tree, err = zkp.NewStatusTree(make([]byte, zkp.MaxStatusBits/8)); err != nil {
		t.Fatal(err)
	}
	schema, _ := zkp.SchemaElement(testSchema)
	f.cred = zkp.Credential{SchemaID: schema, HolderCommitment: zkp.HolderCommitment(f.secret), StatusIndex: testIndex,
		IssuedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i, v := range []any{int64(30), "1994-05-17", "NL", true, "Dupont"} {
		if f.cred.Attributes[i], err = testSpecs[i].Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	if f.sig, err = f.issuer.Sign(&f.cred); err != nil {
		t.Fatal(err)
	}
	f.anchors = &memAnchors{m: map[string]Anchors{}}
	f.anchor(t)
	f.svc, err = New(st.ZKRequests(), keys.Verifying, f.anchors, memSchemas{testIssuer + " " + testSchema: testSpecs},
		Config{Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// anchor publishes the issuer key, verifying key and current root.
func (f *fixture) anchor(t *testing.T) {
	t.Helper()
	f.anchors.set(testIssuer, Anchors{IssuerKey: f.issuer.Public(), HasVerifyingKeyDigest: true,
		VerifyingKeyDigest: f.keys.Verifying.Digest(), StatusRoot: f.tree.Root()})
}

func baseSpec() Spec {
	return Spec{
		Issuers: []string{testIssuer}, Schema: testSchema,
		Reveal: []string{"nationality", "familyName"},
		Predicates: []PredicateSpec{
			{Attribute: "age", Op: ">=", Value: json.RawMessage(`18`)},
			{Attribute: "birthDate", Op: "≤", Value: json.RawMessage(`"2007-06-01"`)},
			{Attribute: "nationality", Op: "in", Value: json.RawMessage(`["DE","NL"]`)},
		},
		Audience: "https://shop.example", Scope: "https://shop.example",
	}
}

// prove answers req with the fixture credential (as a wallet would).
func (f *fixture) prove(t *testing.T, req *Request) *Submission {
	t.Helper()
	stmt, err := req.Statement(testIssuer)
	if err != nil {
		t.Fatal(err)
	}
	path, err := f.tree.Path(testIndex)
	if err != nil {
		t.Fatal(err)
	}
	w := &zkp.Witness{Request: *stmt, Credential: f.cred, Signature: f.sig, HolderSecret: f.secret, StatusPath: path}
	proof, pub, err := zkp.Prove(t.Context(), f.keys.Proving, w)
	if err != nil {
		t.Fatal(err)
	}
	pj, _ := proof.MarshalJSON()
	ij, _ := pub.MarshalJSON()
	return &Submission{Type: TypeSubmission, Request: req.ID, Issuer: testIssuer, Proof: pj, PublicInputs: ij,
		Disclosed: map[string]json.RawMessage{"familyName": json.RawMessage(`"Dupont"`)}}
}

func checkMap(res *Result) map[string]Check {
	m := map[string]Check{}
	for _, c := range res.Checks {
		m[c.Check] = c
	}
	return m
}
