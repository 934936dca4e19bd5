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
	"github.com/chainid/chainid/resolver"
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
	failRead   bool
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

// Resolve renders the attributes as the chain's document (the Anchorer's
// resolver).
func (w *memWriter) Resolve(context.Context, string, resolver.Options) (*resolver.Result, error) {
	if w.failRead {
		return nil, errors.New("chain unavailable")
	}
	return &resolver.Result{Document: w.doc()}, nil
}

// anchorerFixture is an Anchorer over a memWriter and a real store holding
// a ZK record for testIssuer.
type anchorerFixture struct {
	st *store.Store
	w  *memWriter
	a  *zkcred.Anchorer
	k1 zkp.IssuerPublicKey
}

func newAnchorerFixture(t *testing.T) *anchorerFixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutZKIssuer(ctx, store.ZKIssuerRecord{Issuer: testIssuer, KeyID: "k"}); err != nil {
		t.Fatal(err)
	}
	f := &anchorerFixture{st: st, w: &memWriter{}}
	if f.a, err = zkcred.NewAnchorer(f.w, f.w, st, zkcred.AnchorerConfig{}); err != nil {
		t.Fatal(err)
	}
	f.k1, _ = testKeys(t)
	return f
}

func rootOf(v int64) func(context.Context) (fr.Element, error) {
	return func(context.Context) (fr.Element, error) { return zkp.EncodeInteger(v), nil }
}

// start anchors the issuer key and root 1.
func (f *anchorerFixture) start(t *testing.T) {
	t.Helper()
	if err := f.a.AnchorIssuerKey(t.Context(), testIssuer, f.k1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.AnchorStatus(t.Context(), testIssuer, rootOf(1)); err != nil {
		t.Fatal(err)
	}
}

// anchoredRoot reads the root the fixture's chain anchors now.
func (f *anchorerFixture) anchoredRoot(t *testing.T) zkcred.Anchors {
	t.Helper()
	got, err := zkcred.ReadAnchors(f.w.doc())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAnchorer(t *testing.T) {
	ctx := t.Context()
	f := newAnchorerFixture(t)
	st, w, a, k1 := f.st, f.w, f.a, f.k1
	f.start(t)
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
	got := f.anchoredRoot(t)
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
	got = f.anchoredRoot(t)
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
	ctx := t.Context()
	f := newAnchorerFixture(t)
	st, w, a := f.st, f.w, f.a
	f.start(t)
	w.failSet = true
	if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(2)); err == nil {
		t.Fatal("a failed chain write was reported as anchored")
	}
	got := f.anchoredRoot(t)
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
	got = f.anchoredRoot(t)
	if want := zkp.EncodeInteger(2); !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 3 || len(w.attrs) != 2 {
		t.Fatalf("anchors after the retry %+v, attributes %v", got, w.attrs)
	}
}

// TestAnchorerStoreBehindChain: when the issuer's store is reset or
// restored from a backup, its sequence numbers are below what the chain
// holds. The Anchorer reads the chain before allocating one, so the new
// root is published above the highest on chain and wins, and the older
// values the store forgot are revoked.
func TestAnchorerStoreBehindChain(t *testing.T) {
	for name, rewind := range map[string]func(t *testing.T, f *anchorerFixture) *zkcred.Anchorer{
		"store reset": func(t *testing.T, f *anchorerFixture) *zkcred.Anchorer {
			st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "fresh.db"), store.Config{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if err := st.PutZKIssuer(t.Context(), store.ZKIssuerRecord{Issuer: testIssuer, KeyID: "k"}); err != nil {
				t.Fatal(err)
			}
			f.st = st
			a, err := zkcred.NewAnchorer(f.w, f.w, st, zkcred.AnchorerConfig{})
			if err != nil {
				t.Fatal(err)
			}
			return a
		},
		"backup restored": func(t *testing.T, f *anchorerFixture) *zkcred.Anchorer {
			if _, err := f.st.UpdateZKIssuer(t.Context(), testIssuer, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
				r.Anchors[zkcred.AttrStatusRoot] = store.ZKAnchorState{Seq: 1, Current: zkcred.StatusRootValue(1, zkp.EncodeInteger(1))}
				return r, nil
			}); err != nil {
				t.Fatal(err)
			}
			return f.a
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			f := newAnchorerFixture(t)
			if err := f.a.AnchorIssuerKey(ctx, testIssuer, f.k1); err != nil {
				t.Fatal(err)
			}
			for v := range int64(3) {
				if _, err := f.a.AnchorStatus(ctx, testIssuer, rootOf(v+1)); err != nil {
					t.Fatal(err)
				}
			}
			f.w.failRevoke = true // leave an old root behind that the store will forget
			if _, err := f.a.AnchorStatus(ctx, testIssuer, rootOf(4)); err != nil {
				t.Fatal(err)
			}
			f.w.failRevoke = false
			a := rewind(t, f)
			// The rewound store's list root (1) differs from the chain's (4):
			// it is anchored anew, above the chain's sequence number.
			if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(1)); err != nil {
				t.Fatal(err)
			}
			got := f.anchoredRoot(t)
			if want := zkp.EncodeInteger(1); !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 5 {
				t.Fatalf("anchored root %s at sequence %d, want 1 at 5", got.StatusRoot.String(), got.StatusRootSeq)
			}
			// A revocation after the rewind: its root wins too.
			if _, err := a.AnchorStatus(ctx, testIssuer, rootOf(9)); err != nil {
				t.Fatal(err)
			}
			got = f.anchoredRoot(t)
			if want := zkp.EncodeInteger(9); !got.StatusRoot.Equal(&want) || got.StatusRootSeq != 6 {
				t.Fatalf("anchored root %s at sequence %d, want 9 at 6", got.StatusRoot.String(), got.StatusRootSeq)
			}
			roots := 0
			for _, at := range f.w.attrs {
				if at[0] == zkcred.AttrStatusRoot {
					roots++
				}
			}
			if roots != 1 {
				t.Fatalf("%d root attributes on chain, want the current one only: %v", roots, f.w.attrs)
			}
			// The issuer key on chain is current: re-anchoring it sends nothing.
			sets := f.w.sets
			if err := a.AnchorIssuerKey(ctx, testIssuer, f.k1); err != nil {
				t.Fatal(err)
			}
			if f.w.sets != sets {
				t.Fatal("an issuer key already current on chain was anchored again")
			}
		})
	}
}

// TestAnchorerChainUnreadable: without the chain's current values the
// Anchorer cannot allocate a safe sequence number, so it sends nothing.
func TestAnchorerChainUnreadable(t *testing.T) {
	f := newAnchorerFixture(t)
	f.w.failRead = true
	if _, err := f.a.AnchorStatus(t.Context(), testIssuer, rootOf(1)); err == nil || f.w.sets != 0 {
		t.Fatalf("err = %v after %d writes, want an error and none", err, f.w.sets)
	}
	if _, err := zkcred.NewAnchorer(f.w, nil, f.st, zkcred.AnchorerConfig{}); err == nil {
		t.Fatal("an Anchorer without a resolver was built")
	}
}
