package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

const zkSchema = `{
  "$id": "https://schemas.example/zk-person",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "birthDate": {"type": "string", "format": "date"},
    "age": {"type": "integer"},
    "nationality": {"enum": ["DE", "FR", "NL"]}
  },
  "required": ["birthDate", "age", "nationality"],
  "x-chainid-zk": {"attributes": [
    {"name": "birthDate", "type": "date"},
    {"name": "age", "type": "integer"},
    {"name": "nationality", "type": "enum", "values": ["DE", "FR", "NL"]}
  ]}
}`

const zkSubject = `{"id":"did:example:holder","birthDate":"1990-05-01","age":35,"nationality":"FR"}`

// zkSupport opens ZK keys from the real keystore and records anchored
// roots (the chain side is tested in cmd/chainid).
type zkSupport struct {
	keys  *keystore.Keystore
	ids   map[string]string // issuer → key id
	mu    sync.Mutex
	roots []fr.Element
	fail  error // when set, AnchorStatus fails as a chain write would
}

func (z *zkSupport) ZKIssuerKey(ctx context.Context, iss string) (*zkp.IssuerKey, error) {
	id, ok := z.ids[iss]
	if !ok {
		return nil, store.ErrNotFound
	}
	return z.keys.ZKIssuerKey(ctx, id)
}

func (z *zkSupport) AnchorStatus(ctx context.Context, iss string, root func(context.Context) (fr.Element, error)) (fr.Element, error) {
	if _, ok := z.ids[iss]; !ok {
		return fr.Element{}, store.ErrNotFound
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.fail != nil {
		return fr.Element{}, z.fail
	}
	r, err := root(ctx)
	if err != nil {
		return r, err
	}
	z.roots = append(z.roots, r)
	return r, nil
}

// zkKit is a kit whose default did:key issuer has a ZK key.
func zkKit(t *testing.T) (*kit, *zkSupport, *zkp.IssuerKey) {
	t.Helper()
	zs := &zkSupport{ids: map[string]string{}}
	k := openKit(t, filepath.Join(t.TempDir(), "chainid.db"), issuer.Config{ZK: zs})
	zs.keys = k.keys
	k.ed = k.addKeyIssuer(t, did.Ed25519, true)
	ctx := context.Background()
	rec, err := k.keys.GenerateZKIssuer(ctx, "zk", k.ed)
	if err != nil {
		t.Fatal(err)
	}
	zs.ids[k.ed] = rec.ID
	key, err := k.keys.ZKIssuerKey(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{zkSchema, personSchema} {
		if _, err := k.svc.AddSchema(ctx, k.ed, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	return k, zs, key
}

func TestIssueZK(t *testing.T) {
	ctx := context.Background()
	k, zs, key := zkKit(t)
	secret, err := zkp.NewHolderSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	commitment := zkp.HolderCommitment(secret)
	got, err := k.svc.Issue(ctx, issuer.Request{Schema: "https://schemas.example/zk-person", Subject: json.RawMessage(zkSubject),
		Formats: []string{issuer.FormatVCJWT, issuer.FormatZK}, HolderCommitment: zkp.FormatElement(commitment)})
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := got.Credentials[issuer.FormatZK]
	if !ok || len(got.Credentials) != 2 {
		t.Fatalf("formats %v", got.Credentials)
	}
	c, err := zkcred.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	// The native signature check a ZK proof's circuit repeats.
	zc := c.ZK()
	if err := key.Public().Verify(&zc, c.Signature()); err != nil {
		t.Fatalf("signature: %v", err)
	}
	hc := c.HolderCommitment()
	if c.ID() != got.ID || c.Issuer() != k.ed || !hc.Equal(&commitment) {
		t.Fatalf("credential %s by %s, want %s by %s", c.ID(), c.Issuer(), got.ID, k.ed)
	}
	if len(got.Status) != 1 || got.Status[0].StatusListCredential != c.StatusListURL() || got.Status[0].StatusListIndex != strconv.FormatUint(c.StatusIndex(), 10) {
		t.Fatalf("zk status %s#%d, entries %+v", c.StatusListURL(), c.StatusIndex(), got.Status)
	}
	if c.StatusIndex() >= zkp.MaxStatusBits {
		t.Fatalf("status index %d", c.StatusIndex())
	}

	// Revocation re-anchors a root in which the credential's bit is set.
	before, err := k.svc.ZKStatusRoot(ctx, k.ed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.Revoke(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if len(zs.roots) != 1 {
		t.Fatalf("%d anchorings after one revocation", len(zs.roots))
	}
	if zs.roots[0].Equal(&before) {
		t.Fatal("the anchored root did not change")
	}
	tree, err := k.svc.ZKStatusTree(ctx, k.ed)
	if err != nil {
		t.Fatal(err)
	}
	treeRoot := tree.Root()
	if bit, _ := tree.Bit(c.StatusIndex()); !bit || !treeRoot.Equal(&zs.roots[0]) {
		t.Fatal("anchored root is not the tree with the credential's bit set")
	}
	path, _ := tree.Path(c.StatusIndex())
	if r, err := zkp.StatusRoot(c.StatusIndex(), true, path); err != nil || !r.Equal(&zs.roots[0]) {
		t.Fatal("path does not lead to the anchored root")
	}
	// A credential without zk in another list position: revoking it also
	// re-anchors (the tree covers the whole list).
	plain, err := k.svc.Issue(ctx, issuer.Request{Schema: "https://schemas.example/person", Subject: json.RawMessage(subjectJSON)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.Revoke(ctx, plain.ID); err != nil {
		t.Fatal(err)
	}
	if len(zs.roots) != 2 || zs.roots[1].Equal(&zs.roots[0]) {
		t.Fatalf("roots %d", len(zs.roots))
	}
}

func TestIssueZKRejects(t *testing.T) {
	ctx := context.Background()
	k, _, _ := zkKit(t)
	good := zkp.FormatElement(zkp.HolderCommitment(zkp.EncodeInteger(5)))
	base := issuer.Request{Schema: "https://schemas.example/zk-person", Subject: json.RawMessage(zkSubject), Formats: []string{issuer.FormatZK}, HolderCommitment: good}
	for name, tc := range map[string]struct {
		mod  func(r *issuer.Request)
		want error
	}{
		"no commitment":         {func(r *issuer.Request) { r.HolderCommitment = "" }, issuer.ErrInvalidRequest},
		"hex commitment":        {func(r *issuer.Request) { r.HolderCommitment = "0x05" }, issuer.ErrInvalidRequest},
		"zero commitment":       {func(r *issuer.Request) { r.HolderCommitment = "0" }, issuer.ErrInvalidRequest},
		"suspendable":           {func(r *issuer.Request) { r.Suspendable = true }, issuer.ErrInvalidRequest},
		"commitment without zk": {func(r *issuer.Request) { r.Formats = []string{issuer.FormatVCJWT} }, issuer.ErrInvalidRequest},
		"schema without zk list": {func(r *issuer.Request) {
			r.Schema = "https://schemas.example/person"
			r.Subject = json.RawMessage(subjectJSON)
		}, issuer.ErrInvalidRequest},
		"age does not fit": {func(r *issuer.Request) {
			r.Subject = json.RawMessage(`{"birthDate":"1990-05-01","age":99999999999999999999,"nationality":"FR"}`)
		}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			r := base
			tc.mod(&r)
			_, err := k.svc.Issue(ctx, r)
			if err == nil {
				t.Fatal("issued")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("issuer without a ZK key", func(t *testing.T) {
		p := k.addKeyIssuer(t, did.P256, false)
		if _, err := k.svc.AddSchema(ctx, p, []byte(zkSchema)); err != nil {
			t.Fatal(err)
		}
		r := base
		r.Issuer = p
		if _, err := k.svc.Issue(ctx, r); !errors.Is(err, issuer.ErrUnsupportedFormat) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("service without ZK support", func(t *testing.T) {
		k2 := newKit(t)
		if _, err := k2.svc.Issue(ctx, issuer.Request{Schema: "https://schemas.example/person", Subject: json.RawMessage(subjectJSON),
			Formats: []string{issuer.FormatZK}, HolderCommitment: good}); !errors.Is(err, issuer.ErrUnsupportedFormat) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("VC-API cannot issue zk", func(t *testing.T) {
		vc := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + k.ed + `","credentialSubject":{"id":"did:example:x"}}`
		if _, err := k.svc.IssueCredential(ctx, json.RawMessage(vc), issuer.FormatZK, ""); !errors.Is(err, issuer.ErrUnsupportedFormat) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestRevokeZKAnchorFails: when the chain write of the new root fails, the
// revocation is recorded (the status list has the bit) but reported as an
// error naming the missing anchor, and retrying the revocation anchors the
// root with the bit set.
func TestRevokeZKAnchorFails(t *testing.T) {
	ctx := context.Background()
	k, zs, _ := zkKit(t)
	commitment := zkp.HolderCommitment(zkp.EncodeInteger(5))
	got, err := k.svc.Issue(ctx, issuer.Request{Schema: "https://schemas.example/zk-person", Subject: json.RawMessage(zkSubject),
		Formats: []string{issuer.FormatZK}, HolderCommitment: zkp.FormatElement(commitment)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := zkcred.Parse(got.Credentials[issuer.FormatZK])
	if err != nil {
		t.Fatal(err)
	}
	chainDown := errors.New("chain unavailable")
	zs.fail = chainDown
	if _, err := k.svc.Revoke(ctx, got.ID); !errors.Is(err, chainDown) || !strings.Contains(err.Error(), "not anchored") {
		t.Fatalf("revoke with the chain down: %v", err)
	}
	if st, err := k.svc.CredentialState(ctx, got.ID); err != nil || !st.Revoked {
		t.Fatalf("state %+v, %v: the revocation was lost", st, err)
	}
	if len(zs.roots) != 0 {
		t.Fatalf("%d roots anchored with the chain down", len(zs.roots))
	}
	zs.fail = nil
	if _, err := k.svc.Revoke(ctx, got.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	tree, err := k.svc.ZKStatusTree(ctx, k.ed)
	if err != nil {
		t.Fatal(err)
	}
	root := tree.Root()
	if bit, _ := tree.Bit(c.StatusIndex()); !bit || len(zs.roots) != 1 || !zs.roots[0].Equal(&root) {
		t.Fatalf("after the retry: bit %v, %d roots", bit, len(zs.roots))
	}
}
