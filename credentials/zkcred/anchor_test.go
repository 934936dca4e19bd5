package zkcred_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// docWith returns a DID document whose services carry the given
// (type, endpoint) pairs, in order, as the did:ethr resolvers render them.
func docWith(pairs ...string) *did.Document {
	d := &did.Document{ID: testIssuer}
	for i := 0; i+1 < len(pairs); i += 2 {
		ep, _ := json.Marshal(pairs[i+1])
		d.Service = append(d.Service, did.Service{ID: fmt.Sprintf("%s#service-%d", testIssuer, i/2+1),
			Type: did.Strings(pairs[i]), ServiceEndpoint: ep})
	}
	return d
}

func testKeys(t *testing.T) (zkp.IssuerPublicKey, zkp.IssuerPublicKey) {
	t.Helper()
	a, err := zkp.GenerateIssuerKey(bytes.NewReader(bytes.Repeat([]byte{1}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := zkp.GenerateIssuerKey(bytes.NewReader(bytes.Repeat([]byte{2}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return a.Public(), b.Public()
}

func TestReadAnchors(t *testing.T) {
	k1, k2 := testKeys(t)
	r1, r2 := zkp.EncodeInteger(1), zkp.EncodeInteger(2)
	digest := [32]byte{1, 2, 3}
	key := func(seq uint64, k zkp.IssuerPublicKey) []string {
		return []string{zkcred.ServiceIssuerKey, zkcred.IssuerKeyValue(seq, k)}
	}
	root := func(seq uint64, r fr.Element) []string {
		return []string{zkcred.ServiceStatusRoot, zkcred.StatusRootValue(seq, r)}
	}
	vk := []string{zkcred.ServiceVerifyingKey, zkcred.VerifyingKeyValue(1, digest)}
	cat := func(xs ...[]string) []string { return slices.Concat(xs...) }

	t.Run("all three", func(t *testing.T) {
		a, err := zkcred.ReadAnchors(docWith(cat(key(1, k1), vk, root(1, r1), []string{"LinkedDomains", "https://x.example"})...))
		if err != nil {
			t.Fatal(err)
		}
		if !a.IssuerKey.Equal(k1) || !a.HasVerifyingKeyDigest || a.VerifyingKeyDigest != digest || !a.StatusRoot.Equal(&r1) {
			t.Fatalf("anchors %+v", a)
		}
	})
	t.Run("no verifying key", func(t *testing.T) {
		a, err := zkcred.ReadAnchors(docWith(cat(key(1, k1), root(1, r1))...))
		if err != nil || a.HasVerifyingKeyDigest {
			t.Fatalf("%+v %v", a, err)
		}
	})
	t.Run("highest sequence wins in any order", func(t *testing.T) {
		for _, pairs := range [][]string{
			cat(key(1, k1), key(2, k2), root(2, r2), root(1, r1)),
			cat(root(1, r1), key(2, k2), root(2, r2), key(1, k1)),
		} {
			a, err := zkcred.ReadAnchors(docWith(pairs...))
			if err != nil {
				t.Fatal(err)
			}
			if !a.IssuerKey.Equal(k2) || !a.StatusRoot.Equal(&r2) || a.StatusRootSeq != 2 || a.IssuerKeySeq != 2 {
				t.Fatalf("took an older value: %+v", a)
			}
		}
	})
	t.Run("same value twice is fine", func(t *testing.T) {
		if _, err := zkcred.ReadAnchors(docWith(cat(key(3, k1), key(3, k1), root(1, r1))...)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ambiguity below the highest is ignored", func(t *testing.T) {
		if _, err := zkcred.ReadAnchors(docWith(cat(key(1, k1), root(1, r1), root(1, r2), root(2, r2))...)); err != nil {
			t.Fatal(err)
		}
	})
	for name, tc := range map[string]struct {
		pairs []string
		want  error
	}{
		"empty document":            {nil, zkcred.ErrNoAnchor},
		"no key":                    {root(1, r1), zkcred.ErrNoAnchor},
		"no root":                   {cat(key(1, k1), vk), zkcred.ErrNoAnchor},
		"ambiguous root":            {cat(key(1, k1), root(2, r1), root(2, r2)), zkcred.ErrAmbiguousAnchor},
		"ambiguous key":             {cat(key(5, k1), key(5, k2), key(4, k1), root(1, r1)), zkcred.ErrAmbiguousAnchor},
		"malformed old value":       {cat(key(2, k1), root(2, r1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:status-root:1:abc"}), zkcred.ErrInvalidAnchor},
		"wrong prefix":              {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:issuer-key:1:5"}), zkcred.ErrInvalidAnchor},
		"sequence zero":             {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:status-root:0:5"}), zkcred.ErrInvalidAnchor},
		"sequence leading zero":     {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:status-root:01:5"}), zkcred.ErrInvalidAnchor},
		"root ≥ r":                  {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:status-root:1:21888242871839275222246405745257275088548364400416034343698204186575808495617"}), zkcred.ErrInvalidAnchor},
		"root leading zero":         {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, "urn:chainid:zk:v1:status-root:1:05"}), zkcred.ErrInvalidAnchor},
		"key not on curve":          {cat([]string{zkcred.ServiceIssuerKey, "urn:chainid:zk:v1:issuer-key:1:" + strings.Repeat("A", 42) + "E"}, root(1, r1)), zkcred.ErrInvalidAnchor},
		"key wrong length":          {cat([]string{zkcred.ServiceIssuerKey, "urn:chainid:zk:v1:issuer-key:1:AAAA"}, root(1, r1)), zkcred.ErrInvalidAnchor},
		"digest upper case":         {cat(key(1, k1), root(1, r1), []string{zkcred.ServiceVerifyingKey, "urn:chainid:zk:v1:vk-sha256:1:" + strings.Repeat("AB", 32)}), zkcred.ErrInvalidAnchor},
		"digest short":              {cat(key(1, k1), root(1, r1), []string{zkcred.ServiceVerifyingKey, "urn:chainid:zk:v1:vk-sha256:1:abcd"}), zkcred.ErrInvalidAnchor},
		"endpoint object":           {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, ""}), zkcred.ErrInvalidAnchor},
		"trailing data after value": {cat(key(1, k1), []string{zkcred.ServiceStatusRoot, zkcred.StatusRootValue(1, r1) + ":x"}), zkcred.ErrInvalidAnchor},
	} {
		t.Run(name, func(t *testing.T) {
			doc := docWith(tc.pairs...)
			if name == "endpoint object" {
				doc.Service[1].ServiceEndpoint = json.RawMessage(`{"uri":"x"}`)
			}
			if _, err := zkcred.ReadAnchors(doc); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("service with several types", func(t *testing.T) {
		doc := docWith(cat(key(1, k1), root(1, r1))...)
		doc.Service[0].Type = did.Strings(zkcred.ServiceIssuerKey, "Other")
		if _, err := zkcred.ReadAnchors(doc); !errors.Is(err, zkcred.ErrInvalidAnchor) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("nil document", func(t *testing.T) {
		if _, err := zkcred.ReadAnchors(nil); !errors.Is(err, zkcred.ErrNoAnchor) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestAnchorNamesFit(t *testing.T) {
	for _, n := range []string{zkcred.AttrIssuerKey, zkcred.AttrVerifyingKey, zkcred.AttrStatusRoot} {
		if len(n) > 32 {
			t.Errorf("%s is %d bytes; ERC-1056 names are bytes32", n, len(n))
		}
	}
}

// memWriter keeps attributes in memory the way the did:ethr resolvers
// render them (insertion order, revocation removes), and can fail
// revocations on demand.
type memWriter struct {
	attrs      [][2]string
	sets       int
	failRevoke bool
	failSet    bool
}

func (w *memWriter) SetAttribute(_ context.Context, _, name string, value []byte, _ time.Duration) error {
	if w.failSet {
		return errors.New("chain unavailable")
	}
	w.sets++
	w.attrs = append(w.attrs, [2]string{name, string(value)})
	return nil
}

func (w *memWriter) RevokeAttribute(_ context.Context, _, name string, value []byte) error {
	if w.failRevoke {
		return errors.New("chain unavailable")
	}
	w.attrs = slices.DeleteFunc(w.attrs, func(a [2]string) bool { return a == [2]string{name, string(value)} })
	return nil
}

func (w *memWriter) doc() *did.Document {
	var pairs []string
	for _, a := range w.attrs {
		pairs = append(pairs, strings.TrimPrefix(a[0], "did/svc/"), a[1])
	}
	return docWith(pairs...)
}

func TestAnchorer(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutZKIssuer(ctx, store.ZKIssuerRecord{Issuer: testIssuer, KeyID: "k"}); err != nil {
		t.Fatal(err)
	}
	w := &memWriter{}
	a, err := zkcred.NewAnchorer(w, st, zkcred.AnchorerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	k1, _ := testKeys(t)
	rootOf := func(v int64) func(context.Context) (fr.Element, error) {
		return func(context.Context) (fr.Element, error) { return zkp.EncodeInteger(v), nil }
	}
	if err := a.AnchorIssuerKey(ctx, testIssuer, k1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(1)); err != nil {
		t.Fatal(err)
	}
	if err := a.AnchorVerifyingKey(ctx, testIssuer, [32]byte{9}); err != nil {
		t.Fatal(err)
	}
	if got, err := zkcred.ReadAnchors(w.doc()); err != nil || !got.HasVerifyingKeyDigest || got.VerifyingKeyDigest != [32]byte{9} || !got.IssuerKey.Equal(k1) {
		t.Fatalf("anchors %+v, %v", got, err)
	}
	w.attrs, w.sets = slices.DeleteFunc(w.attrs, func(a [2]string) bool { return a[0] == zkcred.AttrVerifyingKey }), 2
	// Same values again: no transaction.
	if err := a.AnchorIssuerKey(ctx, testIssuer, k1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(1)); err != nil {
		t.Fatal(err)
	}
	if w.sets != 2 {
		t.Fatalf("%d attribute writes, want 2", w.sets)
	}
	// A new root replaces the old one.
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(2)); err != nil {
		t.Fatal(err)
	}
	got, err := zkcred.ReadAnchors(w.doc())
	if err != nil {
		t.Fatal(err)
	}
	want := zkp.EncodeInteger(2)
	if !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 2 || len(w.attrs) != 2 {
		t.Fatalf("anchors %+v, attributes %v", got, w.attrs)
	}
	// Revocation of the old value fails: both coexist, the newer wins, and
	// the next anchoring revokes the leftover.
	w.failRevoke = true
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(3)); err != nil {
		t.Fatal(err)
	}
	if len(w.attrs) != 3 {
		t.Fatalf("attributes %v, want the old and the new root", w.attrs)
	}
	got, err = zkcred.ReadAnchors(w.doc())
	if err != nil {
		t.Fatal(err)
	}
	want = zkp.EncodeInteger(3)
	if !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 3 {
		t.Fatalf("anchors %+v", got)
	}
	w.failRevoke = false
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(3)); err != nil {
		t.Fatal(err)
	}
	if len(w.attrs) != 2 {
		t.Fatalf("leftover not revoked: %v", w.attrs)
	}
	rec, err := st.ZKIssuer(ctx, testIssuer)
	if err != nil {
		t.Fatal(err)
	}
	if s := rec.Anchors[zkcred.AttrStatusRoot]; s.Seq != 3 || len(s.Stale) != 0 {
		t.Fatalf("state %+v", s)
	}
	// An issuer without a ZK record is refused with store.ErrNotFound.
	if _, err := a.AnchorStatus(ctx, "did:ethr:0x539:0x2222222222222222222222222222222222222222", rootOf(1)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown issuer: %v", err)
	}
}

// TestAnchorerSetFails: when the chain write of a new value fails, the
// error is returned, the chain keeps the old value (verifiers go on using
// it: a revocation is not in effect until a retry succeeds), the sequence
// number stays used, and the next anchoring publishes under a higher one
// and revokes the old value.
func TestAnchorerSetFails(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutZKIssuer(ctx, store.ZKIssuerRecord{Issuer: testIssuer, KeyID: "k"}); err != nil {
		t.Fatal(err)
	}
	w := &memWriter{}
	a, err := zkcred.NewAnchorer(w, st, zkcred.AnchorerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	k1, _ := testKeys(t)
	rootOf := func(v int64) func(context.Context) (fr.Element, error) {
		return func(context.Context) (fr.Element, error) { return zkp.EncodeInteger(v), nil }
	}
	if err := a.AnchorIssuerKey(ctx, testIssuer, k1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(1)); err != nil {
		t.Fatal(err)
	}
	w.failSet = true
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(2)); err == nil {
		t.Fatal("a failed chain write was reported as anchored")
	}
	got, err := zkcred.ReadAnchors(w.doc())
	if err != nil {
		t.Fatal(err)
	}
	if want := zkp.EncodeInteger(1); !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 1 {
		t.Fatalf("anchors after a failed write %+v", got)
	}
	rec, err := st.ZKIssuer(ctx, testIssuer)
	if err != nil {
		t.Fatal(err)
	}
	if s := rec.Anchors[zkcred.AttrStatusRoot]; s.Seq != 2 || s.Current != zkcred.StatusRootValue(1, zkp.EncodeInteger(1)) {
		t.Fatalf("state after a failed write %+v", s)
	}
	w.failSet = false
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(2)); err != nil {
		t.Fatal(err)
	}
	if got, err = zkcred.ReadAnchors(w.doc()); err != nil {
		t.Fatal(err)
	}
	if want := zkp.EncodeInteger(2); !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 3 || len(w.attrs) != 2 {
		t.Fatalf("anchors after the retry %+v, attributes %v", got, w.attrs)
	}
}
