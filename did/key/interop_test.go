package key_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"slices"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/nodetest"
)

// nodePeers returns the npm peers, skipping the test when node or the
// installed peers are missing, unless CHAINID_INTEROP=1 demands them.
func nodePeers(t *testing.T) *nodetest.Peers {
	t.Helper()
	return nodetest.Require(t, "key-did-resolver")
}

type peerMethod struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Controller string `json:"controller"`
	Multikey   string `json:"multikey"`
}

type peerDoc struct {
	Error         string              `json:"error"`
	ID            string              `json:"id"`
	Context       json.RawMessage     `json:"context"`
	Methods       []peerMethod        `json:"methods"`
	Relationships map[string][]string `json:"relationships"`
	Notes         []string            `json:"notes"`
}

// peerSpec says which key types a peer resolves, which of our
// configurations produces the same verification-method types (nil: the peer
// uses legacy types we do not produce, so types and contexts are not
// compared), and which relationships the peer is known to leave out where
// the did:key specification lists them.
type peerSpec struct {
	supports map[did.KeyType]bool
	config   func(did.KeyType) *key.Config
	omits    map[did.KeyType][]string
}

var peerSpecs = map[string]peerSpec{
	"key-did-resolver": {
		supports: map[did.KeyType]bool{did.Ed25519: true, did.P256: true, did.Secp256k1: true},
		config: func(kt did.KeyType) *key.Config {
			if kt == did.P256 {
				return &key.Config{VerificationMethodType: did.TypeJSONWebKey2020}
			}
			return nil // Ed25519VerificationKey2018, Secp256k1VerificationKey2018
		},
		// key-did-resolver 4.0.0 lists no keyAgreement for EC keys; the
		// specification's test vectors list the key itself.
		omits: map[did.KeyType][]string{did.P256: {did.KeyAgreement}, did.Secp256k1: {did.KeyAgreement}},
	},
	"did-method-key/Multikey": {
		supports: map[did.KeyType]bool{did.Ed25519: true, did.P256: true, did.X25519: true},
		config: func(kt did.KeyType) *key.Config {
			if kt == did.X25519 {
				return &key.Config{VerificationMethodType: did.TypeEd25519VK2020} // X25519KeyAgreementKey2020
			}
			return &key.Config{}
		},
		// @digitalbazaar/did-method-key 5.3.0 derives no key-agreement key
		// from a Multikey ("FIXME" in its helpers.js) and lists none for
		// ECDSA keys.
		omits: map[did.KeyType][]string{did.Ed25519: {did.KeyAgreement}, did.P256: {did.KeyAgreement}},
	},
	"did-method-key/Ed25519-2020": {
		supports: map[did.KeyType]bool{did.Ed25519: true},
		config: func(did.KeyType) *key.Config {
			return &key.Config{VerificationMethodType: did.TypeEd25519VK2020}
		},
	},
}

// interopKeys returns keys of every type, including the spec vectors and a
// P-256 key whose x coordinate starts with a zero byte (an encoding edge
// for JWK producers).
func interopKeys(t *testing.T) []crypto.PublicKey {
	t.Helper()
	var keys []crypto.PublicKey
	for range 6 {
		for _, name := range []string{"Ed25519", "P-256", "secp256k1", "X25519"} {
			keys = append(keys, randomKeys(t)[name])
		}
	}
	for {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := k.PublicKey.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if raw[1] == 0 { // x starts with a zero byte
			keys = append(keys, &k.PublicKey)
			break
		}
	}
	v := loadVectors(t)
	for _, s := range append(append(append([]string{}, v.Ed25519[0].DID, v.P256[0].DID, v.Secp256k1[0].DID), v.X25519[0].DID), v.Ed25519[4].DID) {
		pub, err := key.Decode(did.MustParse(s))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, pub)
	}
	return keys
}

func TestInteropNPM(t *testing.T) {
	node := nodePeers(t)
	var dids []string
	for _, pub := range interopKeys(t) {
		id, err := key.New(pub)
		if err != nil {
			t.Fatal(err)
		}
		dids = append(dids, id.String())
	}
	var res struct {
		Results []struct {
			DID   string             `json:"did"`
			Peers map[string]peerDoc `json:"peers"`
		} `json:"results"`
	}
	node.Run(t, "didkey.mjs", dids, &res)
	if len(res.Results) != len(dids) {
		t.Fatalf("peers answered %d DIDs, want %d", len(res.Results), len(dids))
	}
	compared := map[string]int{}
	for i, r := range res.Results {
		if r.DID != dids[i] {
			t.Fatalf("result %d is for %s, want %s", i, r.DID, dids[i])
		}
		id := did.MustParse(r.DID)
		pub, err := key.Decode(id)
		if err != nil {
			t.Fatal(err)
		}
		kt, _ := did.KeyTypeOf(pub)
		for name, spec := range peerSpecs {
			p, ok := r.Peers[name]
			if !ok {
				t.Fatalf("%s: no answer from %s", r.DID, name)
			}
			t.Run(name+"/"+string(kt)+"/"+r.DID[len(r.DID)-8:], func(t *testing.T) {
				if !spec.supports[kt] {
					if p.Error == "" {
						t.Logf("%s now resolves %s keys; consider comparing them", name, kt)
					}
					return
				}
				if p.Error != "" {
					t.Fatalf("%s failed on %s: %s", name, r.DID, p.Error)
				}
				comparePeer(t, name, spec, kt, id, p)
				compared[name]++
			})
		}
	}
	for name := range peerSpecs {
		if compared[name] == 0 {
			t.Errorf("no DID was compared with %s", name)
		}
	}
}

func comparePeer(t *testing.T, name string, spec peerSpec, kt did.KeyType, id did.DID, p peerDoc) {
	t.Helper()
	cfg := spec.config(kt)
	ours := key.Config{}
	if cfg != nil {
		ours = *cfg
	}
	doc, _, err := key.NewResolver(ours).Resolve(context.Background(), id, did.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range p.Notes {
		t.Logf("%s: %s", name, n)
	}
	if p.ID != doc.ID {
		t.Errorf("id = %q, ours %q", p.ID, doc.ID)
	}
	// Every method the peer lists is one of ours: same id, same key, same
	// controller (and the same type where the peer uses a type we produce).
	seen := map[string]bool{}
	for _, m := range p.Methods {
		vm, ok := doc.FindVerificationMethod(m.ID)
		if !ok {
			t.Errorf("peer method %s is not in our document", m.ID)
			continue
		}
		seen[m.ID] = true
		pub, err := vm.PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		mk, err := did.EncodeMultikey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if m.Multikey != mk {
			t.Errorf("%s: peer key %s, ours %s", m.ID, m.Multikey, mk)
		}
		if m.Controller != doc.ID {
			t.Errorf("%s: peer controller %q", m.ID, m.Controller)
		}
		if cfg != nil && m.Type != vm.Type {
			t.Errorf("%s: peer type %s, ours %s", m.ID, m.Type, vm.Type)
		}
	}
	// Relationships: where the peer lists one it must equal ours; where it
	// leaves one out that we list, that must be a known difference.
	for _, rel := range did.Relationships() {
		mine := refs(doc, rel)
		theirs, listed := p.Relationships[rel]
		switch {
		case listed && !slices.Equal(theirs, mine):
			t.Errorf("%s: peer %q, ours %q", rel, theirs, mine)
		case !listed && len(mine) > 0 && !slices.Contains(spec.omits[kt], rel):
			t.Errorf("%s: peer lists none, ours %q", rel, mine)
		case listed && slices.Contains(spec.omits[kt], rel):
			t.Logf("%s now lists %s for %s keys: drop it from the known differences", name, rel, kt)
		}
	}
	// Every method of ours that a listed relationship uses is in the peer's
	// document.
	for _, rel := range did.Relationships() {
		if _, listed := p.Relationships[rel]; !listed {
			continue
		}
		for _, ref := range refs(doc, rel) {
			if !seen[ref] {
				t.Errorf("our method %s (%s) is missing from the peer's document", ref, rel)
			}
		}
	}
	// Contexts, where the peer writes them and uses our types.
	if cfg != nil && len(p.Context) > 0 {
		var theirs []string
		if err := json.Unmarshal(p.Context, &theirs); err != nil {
			t.Fatalf("peer @context: %v", err)
		}
		mine := doc.Context.URIs()
		if _, derived := p.Relationships[did.KeyAgreement]; !derived && kt == did.Ed25519 {
			// The peer has no derived key, so no context for it either.
			mine = slices.DeleteFunc(mine, func(s string) bool { return s == did.ContextX25519 })
		}
		if !slices.Equal(theirs, mine) {
			t.Errorf("@context: peer %q, ours %q", theirs, mine)
		}
	}
}
