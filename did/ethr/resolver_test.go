package ethr

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var _ resolver.Method = (*Resolver)(nil)
var _ Client = (*ethclient.Client)(nil)

// result is the shape ethr-did-resolver returns, minus resolution metadata.
type result struct {
	Document *did.Document        `json:"didDocument"`
	Metadata did.DocumentMetadata `json:"didDocumentMetadata"`
}

func golden(t *testing.T, name string, doc *did.Document, meta did.DocumentMetadata) {
	t.Helper()
	got, err := json.MarshalIndent(result{doc, meta}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

func resolve(t *testing.T, r *Resolver, id string, version string) (*did.Document, did.DocumentMetadata) {
	t.Helper()
	doc, meta, err := r.Resolve(context.Background(), did.MustParse(id), did.ResolveOptions{VersionID: version})
	if err != nil {
		t.Fatalf("resolve %s: %v", id, err)
	}
	return doc, meta
}

// TestResolveScriptedHistory replays a history with every kind of change,
// several changes per block, an owner change, revocations and an expiry,
// and compares the latest and historical documents with golden files.
func TestResolveScriptedHistory(t *testing.T) {
	owner, newOwner := testKey(t, "owner"), testKey(t, "new owner")
	c := newTestChain(t, owner, newOwner)
	id := addr(owner)
	d1, d2, d3 := addr(testKey(t, "d1")), addr(testKey(t, "d2")), addr(testKey(t, "d3"))
	secpPub := crypto.CompressPubkey(&testKey(t, "attr key").PublicKey)
	ed := bytes.Repeat([]byte{0x11}, 32)
	x := append([]byte{0}, bytes.Repeat([]byte{0x22}, 31)...) // leading zero: base58 '1'
	const day = 86400

	// Block 2: three changes in one block.
	c.addDelegate(owner, id, "veriKey", d1, day)
	c.addDelegate(owner, id, "sigAuth", d2, day)
	c.setAttribute(owner, id, "did/pub/Secp256k1/veriKey/hex", secpPub, day)
	c.commit()
	// Block 3: keys in base58 and base64, two services.
	c.setAttribute(owner, id, "did/pub/Ed25519/veriKey/base58", ed, day)
	c.setAttribute(owner, id, "did/pub/X25519/enc/base64", x, day)
	c.setAttribute(owner, id, "did/svc/HubService", []byte("https://hubs.example.com"), day)
	c.setAttribute(owner, id, "did/svc/Messaging", []byte(`{"uri":"https://m.example.com","accept":["didcomm/v2"],"n":1e21}`), day)
	c.commit()
	// Block 4: a short-lived delegate, two revocations.
	c.addDelegate(owner, id, "veriKey", d3, 10)
	c.revokeDelegate(owner, id, "veriKey", d1)
	c.revokeAttribute(owner, id, "did/svc/HubService", []byte("https://hubs.example.com"))
	c.commit()
	// Block 5: the owner changes; the new owner adds a sigAuth key.
	c.changeOwner(owner, id, addr(newOwner))
	c.setAttribute(newOwner, id, "did/pub/Secp256k1/sigAuth/hex", secpPub, day)
	c.commit()

	r, _ := newTestResolver(t, c, openStore(t), Config{})
	didStr := "did:ethr:dev:" + id.Hex()

	doc, meta := resolve(t, r, didStr, "")
	golden(t, "scripted-latest", doc, meta)
	if meta.VersionID != "5" || meta.NextVersionID != "" {
		t.Errorf("latest metadata %+v, want versionId 5 and no next", meta)
	}
	// Numbering: d1 1, d2 2, secp 3, ed 4, x25519 5, services 1 and 2,
	// d3 6, the revocation of d1 7, the new owner's key 8.
	if _, ok := doc.FindVerificationMethod("#delegate-6"); !ok {
		t.Error("short-lived delegate d3 (#delegate-6) is missing before it expires")
	}
	if vm, _ := doc.FindVerificationMethod("#controller"); vm == nil || !strings.HasSuffix(vm.BlockchainAccountID, addr(newOwner).Hex()) {
		t.Errorf("controller %+v is not the new owner", vm)
	}
	for _, v := range []string{"2", "3", "4"} {
		doc, meta := resolve(t, r, didStr, v)
		golden(t, "scripted-version-"+v, doc, meta)
		if meta.VersionID != v {
			t.Errorf("versionId %s: metadata versionId %q", v, meta.VersionID)
		}
	}
	if _, meta := resolve(t, r, didStr, "1"); meta.VersionID != "" || meta.NextVersionID != "2" || meta.NextUpdate == "" {
		t.Errorf("before any change: metadata %+v, want only nextVersionId 2", meta)
	}

	c.advance(time.Minute)
	doc, meta = resolve(t, r, didStr, "")
	golden(t, "scripted-expired", doc, meta)
	if _, ok := doc.FindVerificationMethod("#delegate-6"); ok {
		t.Error("expired delegate d3 is still listed")
	}
	// The historical view does not move with the clock. At versionId 4 the
	// clock is block 4's timestamp, which equals the validTo the registry
	// wrote for d1's revocation in that block; the reference treats
	// validTo ≥ now as valid, so d1 is listed again (as #delegate-7).
	doc4, _ := resolve(t, r, didStr, "4")
	if _, ok := doc4.FindVerificationMethod("#delegate-6"); !ok {
		t.Error("versionId 4 lost delegate d3, which was valid at block 4")
	}
	if vm, ok := doc4.FindVerificationMethod("#delegate-7"); !ok || !strings.HasSuffix(vm.BlockchainAccountID, d1.Hex()) {
		t.Errorf("versionId 4: #delegate-7 = %+v, want d1 (the reference's validTo ≥ now rule)", vm)
	}
}

func TestResolveDeactivated(t *testing.T) {
	owner := testKey(t, "deactivated")
	c := newTestChain(t, owner)
	id := addr(owner)
	c.setAttribute(owner, id, "did/svc/Old", []byte("https://old.example"), 86400)
	c.commit()
	c.changeOwner(owner, id, common.Address{})
	c.commit()
	// identityOwner falls back to the identity itself after owner 0x0, so
	// the key can still write; resolvers ignore it.
	c.setAttribute(owner, id, "did/svc/After", []byte("https://after.example"), 86400)
	c.commit()

	r, _ := newTestResolver(t, c, openStore(t), Config{})
	didStr := "did:ethr:0x539:" + id.Hex()
	doc, meta := resolve(t, r, didStr, "")
	golden(t, "deactivated", doc, meta)
	if !meta.Deactivated || len(doc.VerificationMethod) != 0 || doc.Service != nil {
		t.Errorf("deactivated DID resolved to %+v %+v", doc, meta)
	}
	_, meta = resolve(t, r, didStr, "2")
	if meta.Deactivated || meta.NextVersionID != "3" {
		t.Errorf("before deactivation: metadata %+v", meta)
	}
}

func TestResolvePublicKeyDID(t *testing.T) {
	key, other := testKey(t, "pubkey"), testKey(t, "pubkey owner")
	c := newTestChain(t, key, other)
	pub := crypto.CompressPubkey(&key.PublicKey)
	didStr := "did:ethr:dev:0x" + common.Bytes2Hex(pub)
	r, _ := newTestResolver(t, c, openStore(t), Config{})

	doc, meta := resolve(t, r, didStr, "")
	golden(t, "pubkey-self", doc, meta)
	if vm, ok := doc.FindVerificationMethod("#controllerKey"); !ok || vm.PublicKeyHex != common.Bytes2Hex(pub) {
		t.Errorf("#controllerKey = %+v", vm)
	}

	c.changeOwner(key, addr(key), addr(other))
	c.commit()
	doc, meta = resolve(t, r, didStr, "")
	golden(t, "pubkey-owner-changed", doc, meta)
	if _, ok := doc.FindVerificationMethod("#controllerKey"); ok {
		t.Error("#controllerKey listed after the owner changed")
	}
}

func TestNetworkForms(t *testing.T) {
	owner := testKey(t, "forms")
	c := newTestChain(t, owner)
	id := addr(owner)
	s := openStore(t)
	cc := &countingClient{Client: c.client}
	r, err := NewResolver(s, []Network{{Name: "mainnet", ChainID: simChainID, Registry: c.registry, Client: cc}}, Config{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	lower := "0x" + strings.ToLower(id.Hex()[2:])
	for _, tc := range []struct {
		name, did string
		want      error
		account   string
	}{
		{"bare means mainnet", "did:ethr:" + id.Hex(), nil, "eip155:1337:" + id.Hex()},
		{"by name", "did:ethr:mainnet:" + id.Hex(), nil, "eip155:1337:" + id.Hex()},
		{"by hex chain id", "did:ethr:0x539:" + id.Hex(), nil, "eip155:1337:" + id.Hex()},
		{"lower-case address", "did:ethr:0x539:" + lower, nil, "eip155:1337:" + id.Hex()},
		{"zero-padded chain id", "did:ethr:0x0539:" + id.Hex(), ErrUnknownNetwork, ""},
		{"decimal chain id", "did:ethr:1337:" + id.Hex(), ErrUnknownNetwork, ""},
		{"unknown name", "did:ethr:sepolia:" + id.Hex(), did.ErrNotFound, ""},
		{"bad checksum", "did:ethr:" + flipFirstLetter(id.Hex()), did.ErrInvalidDID, ""},
		{"short address", "did:ethr:0x1234", did.ErrInvalidDID, ""},
		{"not on curve", "did:ethr:0x02" + strings.Repeat("ff", 32), did.ErrInvalidDID, ""},
		{"uncompressed prefix", "did:ethr:0x04" + strings.Repeat("11", 32), did.ErrInvalidDID, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, _, err := r.Resolve(context.Background(), did.MustParse(tc.did), did.ResolveOptions{})
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
				if doc != nil {
					t.Error("document returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.ID != tc.did || doc.VerificationMethod[0].BlockchainAccountID != tc.account {
				t.Errorf("id %s account %s", doc.ID, doc.VerificationMethod[0].BlockchainAccountID)
			}
		})
	}
	if _, err := NewResolver(s, []Network{
		{Name: "a", ChainID: simChainID, Client: cc}, {Name: "0x539", ChainID: big.NewInt(5), Client: cc},
	}, Config{}); err == nil {
		t.Error("two networks answering to 0x539 were accepted")
	}
}

func TestParseDID(t *testing.T) {
	key := testKey(t, "parse")
	pub := common.Bytes2Hex(crypto.CompressPubkey(&key.PublicKey))
	a := addr(key).Hex()
	for _, tc := range []struct {
		in, network string
		addr        common.Address
		pub         bool
		ok          bool
	}{
		{"did:ethr:" + a, "mainnet", addr(key), false, true},
		{"did:ethr:rsk:testnet:" + a, "rsk:testnet", addr(key), false, true},
		{"did:ethr:0x5:0x" + pub, "0x5", addr(key), true, true},
		{"did:ethr:0x" + strings.ToUpper(pub), "mainnet", addr(key), true, true},
		{"did:ethr:x" + a, "", common.Address{}, false, false},
		{"did:ethr:" + a + "00", "", common.Address{}, false, false},
		{"did:web:" + a, "", common.Address{}, false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			network, address, p, err := ParseDID(did.MustParse(tc.in))
			if !tc.ok {
				if !errors.Is(err, did.ErrInvalidDID) {
					t.Fatalf("error %v, want ErrInvalidDID", err)
				}
				return
			}
			if err != nil || network != tc.network || address != tc.addr || (p != nil) != tc.pub {
				t.Errorf("got %q %s %x %v", network, address.Hex(), p, err)
			}
		})
	}
}

func TestParseVersionID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    uint64
		ok   bool
		fail bool
	}{
		{"12", 12, true, false}, {" 12abc", 12, true, false}, {"0x10", 16, true, false}, {"+7", 7, true, false},
		{"", 0, false, false}, {"abc", 0, false, false}, {"-3", 0, false, true}, {"-0", 0, true, false},
		{"99999999999999999999999", ^uint64(0), true, false},
	} {
		n, ok, err := parseVersionID(tc.in)
		if n != tc.n || ok != tc.ok || (err != nil) != tc.fail {
			t.Errorf("parseVersionID(%q) = %d %v %v", tc.in, n, ok, err)
		}
	}
}

// TestWarmResolutionIsOneCall checks that the index, not a chain walk,
// serves history: with 50 changes a warm resolution makes one RPC call.
func TestWarmResolutionIsOneCall(t *testing.T) {
	owner := testKey(t, "fifty")
	c := newTestChain(t, owner)
	id := addr(owner)
	for i := range 50 {
		c.setAttribute(owner, id, "did/svc/S", []byte{byte('a' + i%26)}, 86400)
		if i%10 == 9 {
			c.commit()
		}
	}
	r, cc := newTestResolver(t, c, openStore(t), Config{})
	didStr := "did:ethr:dev:" + id.Hex()
	resolve(t, r, didStr, "") // cold: chain ID, head, logs
	for _, v := range []string{"", "", "3"} {
		before := cc.calls.Load()
		doc, _ := resolve(t, r, didStr, v)
		if got := cc.calls.Load() - before; got != 1 {
			t.Errorf("warm resolution (versionId %q) made %d calls, want 1", v, got)
		}
		if v == "" && len(doc.Service) != 26 {
			t.Errorf("%d services, want 26", len(doc.Service))
		}
	}
	// A historical version in a block without changes needs its timestamp.
	c.commit()
	c.commit()
	resolve(t, r, didStr, "")
	before := cc.calls.Load()
	resolve(t, r, didStr, "7")
	if got := cc.calls.Load() - before; got != 2 {
		t.Errorf("historical resolution at an empty block made %d calls, want 2", got)
	}
}

func TestSmallLogRangeSameDocument(t *testing.T) {
	owner := testKey(t, "range")
	c := newTestChain(t, owner)
	id := addr(owner)
	for i := range 6 {
		c.addDelegate(owner, id, "veriKey", addr(testKey(t, string(rune('a'+i)))), 86400)
		c.commit()
		c.commit()
	}
	didStr := "did:ethr:dev:" + id.Hex()
	r1, _ := newTestResolver(t, c, openStore(t), Config{})
	r2, cc := newTestResolver(t, c, openStore(t), Config{LogRange: 3})
	d1, m1 := resolve(t, r1, didStr, "")
	d2, m2 := resolve(t, r2, didStr, "")
	j1, _ := json.Marshal(result{d1, m1})
	j2, _ := json.Marshal(result{d2, m2})
	if !bytes.Equal(j1, j2) {
		t.Errorf("LogRange 3 gives\n%s\nwant\n%s", j2, j1)
	}
	if cc.calls.Load() < 8 {
		t.Errorf("LogRange 3 over 14 blocks made only %d calls", cc.calls.Load())
	}
}

func TestConfirmations(t *testing.T) {
	owner := testKey(t, "conf")
	c := newTestChain(t, owner)
	id := addr(owner)
	c.setAttribute(owner, id, "did/svc/S", []byte("https://s.example"), 86400)
	c.commit()
	cc := &countingClient{Client: c.client}
	r, err := NewResolver(openStore(t), []Network{{Name: "dev", ChainID: simChainID, Registry: c.registry, Client: cc, Confirmations: 2}}, Config{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	didStr := "did:ethr:dev:" + id.Hex()
	if doc, _ := resolve(t, r, didStr, ""); doc.Service != nil {
		t.Error("unconfirmed change is visible")
	}
	c.commit()
	c.commit()
	if doc, meta := resolve(t, r, didStr, ""); doc.Service == nil || meta.VersionID != "2" {
		t.Errorf("confirmed change is missing: %+v", meta)
	}
}

func TestRPCFailures(t *testing.T) {
	owner := testKey(t, "faults")
	c := newTestChain(t, owner)
	id := addr(owner)
	c.setAttribute(owner, id, "did/svc/S", []byte("https://s.example"), 86400)
	c.commit()
	didStr := did.MustParse("did:ethr:dev:" + id.Hex())
	ctx := context.Background()

	t.Run("down after warm-up: no stale answer, then recovery", func(t *testing.T) {
		r, cc := newTestResolver(t, c, openStore(t), Config{})
		resolve(t, r, didStr.String(), "")
		cc.down.Store(true)
		doc, _, err := r.Resolve(ctx, didStr, did.ResolveOptions{})
		if !errors.Is(err, ErrChainUnavailable) || doc != nil {
			t.Fatalf("node down: doc %v, error %v; want ErrChainUnavailable and no document", doc, err)
		}
		if errors.Is(err, did.ErrNotFound) {
			t.Error("an outage reads as not found")
		}
		cc.down.Store(false)
		resolve(t, r, didStr.String(), "")
	})
	t.Run("closed port", func(t *testing.T) {
		l := httptest.NewServer(http.NotFoundHandler())
		url := l.URL
		l.Close()
		client, err := ethclient.Dial(url)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		r, err := NewResolver(openStore(t), []Network{{Name: "dev", ChainID: simChainID, Registry: c.registry, Client: client}}, Config{RPCTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Resolve(ctx, didStr, did.ResolveOptions{}); !errors.Is(err, ErrChainUnavailable) {
			t.Fatalf("error %v, want ErrChainUnavailable", err)
		}
	})
	t.Run("slow node times out", func(t *testing.T) {
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}))
		defer slow.Close()
		client, err := ethclient.Dial(slow.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		r, err := NewResolver(openStore(t), []Network{{Name: "dev", ChainID: simChainID, Registry: c.registry, Client: client}}, Config{RPCTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, _, err = r.Resolve(ctx, didStr, did.ResolveOptions{})
		if !errors.Is(err, ErrChainUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want ErrChainUnavailable from a deadline", err)
		}
		if time.Since(start) > 3*time.Second {
			t.Error("the RPC deadline was not applied")
		}
	})
	t.Run("wrong chain", func(t *testing.T) {
		r, err := NewResolver(openStore(t), []Network{{Name: "dev", ChainID: big.NewInt(1), Registry: c.registry, Client: c.client}}, Config{})
		if err != nil {
			t.Fatal(err)
		}
		doc, _, err := r.Resolve(ctx, didStr, did.ResolveOptions{})
		if !errors.Is(err, ErrWrongChain) || doc != nil {
			t.Fatalf("error %v, want ErrWrongChain", err)
		}
	})
	t.Run("version beyond head", func(t *testing.T) {
		r, _ := newTestResolver(t, c, openStore(t), Config{})
		if _, _, err := r.Resolve(ctx, didStr, did.ResolveOptions{VersionID: "999"}); !errors.Is(err, did.ErrNotFound) {
			t.Fatalf("error %v, want ErrNotFound", err)
		}
	})
}

// TestReorg indexes a change in block N, replaces blocks from N on with a
// longer fork that lacks it, and checks that resolution follows the fork
// and the index was rewound.
func TestReorg(t *testing.T) {
	owner := testKey(t, "reorg")
	c := newTestChain(t, owner)
	id := addr(owner)
	c.setAttribute(owner, id, "did/svc/Kept", []byte("https://kept.example"), 86400)
	parent := c.commit() // block N-1
	c.setAttribute(owner, id, "did/svc/Dropped", []byte("https://dropped.example"), 86400)
	dropped := c.commit() // block N
	s := openStore(t)
	r, _ := newTestResolver(t, c, s, Config{})
	didStr := "did:ethr:dev:" + id.Hex()
	if doc, _ := resolve(t, r, didStr, ""); len(doc.Service) != 2 {
		t.Fatalf("before the reorg: %d services, want 2", len(doc.Service))
	}

	if err := c.sim.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	c.sim.Rollback() // drop the reorged-out transaction from the pool
	c.settle()
	c.nonces[id]-- // its nonce is free again
	c.commit()
	c.commit()
	newHead := c.commit()
	if newHead.Number.Uint64() <= dropped.Number.Uint64() {
		t.Fatalf("fork head %d is not past %d", newHead.Number, dropped.Number)
	}

	doc, meta := resolve(t, r, didStr, "")
	if len(doc.Service) != 1 || !strings.HasSuffix(doc.Service[0].ID, "#service-1") {
		t.Fatalf("after the reorg: services %+v, want only #service-1", doc.Service)
	}
	if meta.VersionID != parent.Number.String() {
		t.Errorf("versionId %s, want %s", meta.VersionID, parent.Number)
	}
	changes, err := s.ChainIndexChanges(context.Background(), simChainID, c.registry, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Block.Number != parent.Number.Uint64() {
		t.Errorf("index holds %d changes after the reorg, want the one in block %d", len(changes), parent.Number)
	}
	tip, ok, err := s.ChainIndexTip(context.Background(), simChainID, c.registry)
	if err != nil || !ok || tip.Hash != newHead.Hash() {
		t.Errorf("tip %d %x, want the fork head %d", tip.Number, tip.Hash, newHead.Number)
	}
	// A change on the new fork is picked up.
	c.setAttribute(owner, id, "did/svc/New", []byte("https://new.example"), 86400)
	c.commit()
	if doc, _ := resolve(t, r, didStr, ""); len(doc.Service) != 2 {
		t.Errorf("after a change on the fork: %d services, want 2", len(doc.Service))
	}
}

// flipFirstLetter breaks an EIP-55 checksum by changing the case of the
// first hex letter.
func flipFirstLetter(a string) string {
	b := []byte(a)
	for i := 2; i < len(b); i++ {
		switch {
		case b[i] >= 'a' && b[i] <= 'f':
			b[i] -= 'a' - 'A'
			return string(b)
		case b[i] >= 'A' && b[i] <= 'F':
			b[i] += 'a' - 'A'
			return string(b)
		}
	}
	return a
}

func FuzzParseDID(f *testing.F) {
	for _, s := range []string{
		"0xb9c5714089478a327f09197987f16f9e5d936e8a",
		"dev:0xB9C5714089478a327F09197987f16f9E5d936E8a",
		"0x539:0x03fdd57adec3d438ea237fe46b33ee1e016eda6b585c3e27ea66686c2ea5358479",
		"a:b:0x00", "0x02" + strings.Repeat("0", 64),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msid string) {
		id, err := did.Parse("did:ethr:" + msid)
		if err != nil {
			return
		}
		network, address, pub, err := ParseDID(id)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) {
				t.Fatalf("error %v does not wrap ErrInvalidDID", err)
			}
			return
		}
		if network == "" && !strings.HasPrefix(msid, ":") {
			t.Fatalf("%q: empty network", msid)
		}
		if pub != nil && crypto.PubkeyToAddress(*mustDecompress(t, pub)) != address {
			t.Fatalf("%q: address does not match the public key", msid)
		}
		if pub == nil && !strings.EqualFold(msid[len(msid)-40:], address.Hex()[2:]) {
			t.Fatalf("%q: address %s", msid, address.Hex())
		}
	})
}

func mustDecompress(t *testing.T, pub []byte) *ecdsa.PublicKey {
	k, err := crypto.DecompressPubkey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestConcurrentResolve resolves from several goroutines while blocks are
// mined; every answer must be complete and the index must end up current.
func TestConcurrentResolve(t *testing.T) {
	owner := testKey(t, "concurrent")
	c := newTestChain(t, owner)
	id := addr(owner)
	r, _ := newTestResolver(t, c, openStore(t), Config{})
	didStr := did.MustParse("did:ethr:dev:" + id.Hex())
	done := make(chan error, 4)
	stop := make(chan struct{})
	for range 4 {
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				doc, _, err := r.Resolve(context.Background(), didStr, did.ResolveOptions{})
				if err != nil || len(doc.VerificationMethod) == 0 {
					done <- fmt.Errorf("resolve: %v", err)
					return
				}
			}
		}()
	}
	for i := range 5 {
		c.setAttribute(owner, id, "did/svc/S", []byte{byte('a' + i)}, 86400)
		c.commit()
	}
	close(stop)
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if doc, meta := resolve(t, r, didStr.String(), ""); len(doc.Service) != 5 || meta.VersionID != "6" {
		t.Errorf("final: %d services, version %s", len(doc.Service), meta.VersionID)
	}
}

// TestNodeSwitchesChains points a warm resolver at another chain: first one
// that reports another chain ID (refused, index kept), then a different
// chain with the same ID (no common block: the index is rebuilt).
func TestNodeSwitchesChains(t *testing.T) {
	owner := testKey(t, "switch")
	a := newTestChain(t, owner)
	id := addr(owner)
	a.setAttribute(owner, id, "did/svc/OnA", []byte("https://a.example"), 86400)
	a.commit()
	s := openStore(t)
	r, cc := newTestResolver(t, a, s, Config{})
	didStr := "did:ethr:dev:" + id.Hex()
	resolve(t, r, didStr, "")

	b := newTestChain(t, owner)
	b.commit()
	b.setAttribute(owner, id, "did/svc/OnB", []byte("https://b.example"), 86400)
	b.commit()
	b.commit()
	cc.Client = b.client
	cc.chainID.Store(5)
	if _, _, err := r.Resolve(context.Background(), did.MustParse(didStr), did.ResolveOptions{}); !errors.Is(err, ErrWrongChain) {
		t.Fatalf("error %v, want ErrWrongChain", err)
	}
	if changes, _ := s.ChainIndexChanges(context.Background(), simChainID, a.registry, id); len(changes) != 1 {
		t.Errorf("a refused node changed the index: %d changes", len(changes))
	}
	cc.chainID.Store(0)
	doc, _ := resolve(t, r, didStr, "")
	if len(doc.Service) != 1 || doc.Service[0].Type.Values[0] != "OnB" {
		t.Errorf("after switching to chain b: services %+v", doc.Service)
	}
}
