package conformance

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/did/ethr/registry"
)

// TestDevchainMatchesReference writes a scripted history with registry.Writer to the embedded
// dev chain and checks that our resolver and ethr-did-resolver, reading the same node, produce
// equal documents and metadata for every DID at its latest and at historical versions.
//
// Both resolvers check validity against the same instant, a little after the head block's time:
// the dev chain's block times run ahead of the wall clock in a burst of blocks, and a revoked
// delegate (whose validTo is its revocation block's time) counts as valid until that time has
// passed, in the reference and so in ours.
func TestDevchainMatchesReference(t *testing.T) {
	t.Parallel()
	p := needPeer(t)
	h := startDevchain(t)
	ctx := context.Background()
	w := h.writer
	reg := registry.NewEthereumDIDRegistry()

	alice, bob, carol, dave := testKey(t, "alice"), testKey(t, "bob"), testKey(t, "carol"), testKey(t, "dave")
	erin, frank, grace := testKey(t, "erin"), testKey(t, "frank"), testKey(t, "grace")
	d1, d2, d3 := addrOf(testKey(t, "delegate 1")), addrOf(testKey(t, "delegate 2")), addrOf(testKey(t, "delegate 3"))
	A, B, C, D := addrOf(alice), addrOf(bob), addrOf(carol), addrOf(dave)
	F := addrOf(frank)
	as, bs, cs, ds := registry.NewKeySigner(alice), registry.NewKeySigner(bob), registry.NewKeySigner(carol), registry.NewKeySigner(dave)
	es, fs := registry.NewKeySigner(erin), registry.NewKeySigner(frank)

	secp := crypto.CompressPubkey(&testKey(t, "attribute secp256k1").PublicKey)
	secp2 := crypto.CompressPubkey(&testKey(t, "attribute secp256k1 2").PublicKey)
	ed, ed2 := fixedBytes("ed25519 key", 32), fixedBytes("ed25519 key 2", 32)
	x25519 := fixedBytes("x25519 key", 32)
	messaging := []byte(`{"uri":"https://messaging.example.com/didcomm","accept":["didcomm/v2"],"routingKeys":[]}`)
	hub := []byte("https://hub.example.com/")

	h.fund(alice, bob, carol, dave, erin, frank)

	// D: a delegate and a service valid for one second (expired by the end) and one valid for
	// a day. Written first, so that everything after is later in chain time.
	dBlocks := []uint64{h.block("D short delegate")(w.AddDelegate(ctx, ds, D, "veriKey", d1, time.Second))}
	dBlocks = append(dBlocks, h.block("D short service")(w.SetAttribute(ctx, ds, D, "did/svc/Ephemeral", []byte("https://ephemeral.example.com"), time.Second)))
	dBlocks = append(dBlocks, h.block("D sigAuth")(w.AddDelegate(ctx, ds, D, "sigAuth", d2, day)))

	// A: delegates and every key encoding, a service.
	var aBlocks []uint64
	for _, op := range []struct {
		what string
		f    func() (*types.Receipt, error)
	}{
		{"A veriKey d1", func() (*types.Receipt, error) { return w.AddDelegate(ctx, as, A, "veriKey", d1, day) }},
		{"A sigAuth d2", func() (*types.Receipt, error) { return w.AddDelegate(ctx, as, A, "sigAuth", d2, day) }},
		{"A secp hex", func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, as, A, "did/pub/Secp256k1/veriKey/hex", secp, day)
		}},
		{"A ed base58", func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, as, A, "did/pub/Ed25519/veriKey/base58", ed, day)
		}},
		{"A x25519 base64", func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, as, A, "did/pub/X25519/enc/base64", x25519, day)
		}},
		{"A messaging", func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, as, A, "did/svc/MessagingService", messaging, day)
		}},
	} {
		aBlocks = append(aBlocks, h.block(op.what)(op.f()))
	}

	// B: owner change to alice, who then writes B's attributes.
	bBlocks := []uint64{h.block("B owner")(w.ChangeOwner(ctx, bs, B, A))}
	bBlocks = append(bBlocks, h.block("B hub")(w.SetAttribute(ctx, as, B, "did/svc/HubService", hub, day)))
	bBlocks = append(bBlocks, h.block("B ed")(w.SetAttribute(ctx, as, B, "did/pub/Ed25519/veriKey/base58", ed2, day)))

	// A: revocations.
	aBlocks = append(aBlocks, h.block("A revoke d1")(w.RevokeDelegate(ctx, as, A, "veriKey", d1)))
	aBlocks = append(aBlocks, h.block("A revoke ed")(w.RevokeAttribute(ctx, as, A, "did/pub/Ed25519/veriKey/base58", ed)))

	// Five events of A and B (both owned by alice) in one block.
	pack := func(f func() ([]byte, error)) []byte {
		t.Helper()
		b, err := f()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	name := func(s string) [32]byte {
		t.Helper()
		n, err := registry.EncodeName(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	validity := big.NewInt(int64(day / time.Second))
	burst := h.sameBlock(alice,
		pack(func() ([]byte, error) { return reg.TryPackAddDelegate(A, name("veriKey"), d3, validity) }),
		pack(func() ([]byte, error) { return reg.TryPackSetAttribute(A, name("did/svc/HubService"), hub, validity) }),
		pack(func() ([]byte, error) {
			return reg.TryPackSetAttribute(A, name("did/pub/Secp256k1/sigAuth/hex"), secp2, validity)
		}),
		pack(func() ([]byte, error) { return reg.TryPackRevokeAttribute(B, name("did/svc/HubService"), hub) }),
		pack(func() ([]byte, error) { return reg.TryPackRevokeDelegate(A, name("sigAuth"), d2) }),
	)
	burstBlock := blockOf(burst[0])
	for i, r := range burst {
		if blockOf(r) != burstBlock {
			t.Fatalf("same-block transaction %d landed in block %d, the first in %d", i, blockOf(r), burstBlock)
		}
		if len(r.Logs) != 1 {
			t.Fatalf("same-block transaction %d emitted %d logs, want 1", i, len(r.Logs))
		}
	}
	aBlocks = append(aBlocks, burstBlock)
	bBlocks = append(bBlocks, burstBlock)

	// C: a delegate and a service, deactivation, then a change that resolvers must ignore (on
	// chain the identity owns itself again after its owner is set to 0x0).
	cBlocks := []uint64{
		h.block("C sigAuth")(w.AddDelegate(ctx, cs, C, "sigAuth", d1, day)),
		h.block("C service")(w.SetAttribute(ctx, cs, C, "did/svc/LinkedDomains", []byte("https://carol.example.com"), day)),
		h.block("C deactivate")(w.Deactivate(ctx, cs, C)),
		h.block("C after deactivation")(w.SetAttribute(ctx, cs, C, "did/svc/After", []byte("https://after.example.com"), day)),
	}

	// E: a public-key DID whose identity adds a delegate; F: a public-key DID whose owner changes.
	eBlocks := []uint64{h.block("E veriKey")(w.AddDelegate(ctx, es, addrOf(erin), "veriKey", d1, day))}
	fBlocks := []uint64{h.block("F owner")(w.ChangeOwner(ctx, fs, F, A))}

	// D: one more change, after the short validity has passed in chain time.
	dBlocks = append(dBlocks, h.block("D ed hex")(w.SetAttribute(ctx, ds, D, "did/pub/Ed25519/veriKey/hex", ed, day)))

	// A: owner change to bob, who adds a key.
	aBlocks = append(aBlocks, h.block("A owner")(w.ChangeOwner(ctx, as, A, B)))
	aBlocks = append(aBlocks, h.block("A secp by bob")(w.SetAttribute(ctx, bs, A, "did/pub/Secp256k1/veriKey", secp2, day)))

	head, headTime := headOf(t, h.client)
	now := int64(headTime) + 5
	var clock atomic.Int64
	clock.Store(now)
	r := newOurResolver(t, h.client, h.info, 0, func() time.Time { return time.Unix(clock.Load(), 0) })

	dA, dB, dC, dD := addrDID(networkName, A), addrDID(networkName, B), addrDID(networkName, C), addrDID(networkName, D)
	dE, dF := keyDID(networkName, erin), keyDID(networkName, frank)
	queries := []query{
		{DID: dA}, {DID: dB}, {DID: dC}, {DID: dD}, {DID: dE}, {DID: dF},
		{DID: "did:ethr:0x539:" + strings.ToLower(A.Hex())},
		{DID: "did:ethr:dev:" + A.Hex()}, // EIP-55 checksummed
		{DID: addrDID(networkName, addrOf(grace))},
		{DID: keyDID(networkName, grace)},
		{DID: dA, Version: "0"},
		{DID: dA, Version: "latest"},
		{DID: dA, Version: strconv.FormatUint(head, 10)},
		{DID: dA, Version: strconv.FormatUint(head+100, 10), WantErr: true},
		{DID: "did:ethr:" + strings.ToLower(A.Hex()), WantErr: true},         // mainnet: not configured
		{DID: "did:ethr:sepolia:" + strings.ToLower(A.Hex()), WantErr: true}, // unknown network
		{DID: "did:ethr:dev:" + flipCase(A.Hex()), WantErr: true},            // bad checksum
	}
	queries = append(queries, versionQueries(dA, aBlocks...)...)
	queries = append(queries, versionQueries(dB, bBlocks...)...)
	queries = append(queries, versionQueries(dC, cBlocks...)...)
	queries = append(queries, versionQueries(dD, dBlocks...)...)
	queries = append(queries, versionQueries(dE, eBlocks...)...)
	queries = append(queries, versionQueries(dF, fBlocks...)...)

	ours := compareWithReference(t, p, r, h.info, queries, now)

	// Checks that hold whatever the reference says, so that agreement is not vacuous.
	get := func(q query) ourResolution {
		t.Helper()
		i := slices.Index(queries, q)
		if i < 0 {
			t.Fatalf("no query %s", q)
		}
		if ours[i].err != nil {
			t.Fatalf("%s: %v", q, ours[i].err)
		}
		return ours[i]
	}
	latestA := get(query{DID: dA})
	if got := latestA.doc.VerificationMethod[0].BlockchainAccountID; !strings.HasSuffix(got, B.Hex()) {
		t.Errorf("A's controller is %s, want bob %s", got, B.Hex())
	}
	if len(latestA.doc.KeyAgreement) != 1 || len(latestA.doc.Service) != 2 {
		t.Errorf("A has %d key agreement keys and %d services, want 1 and 2", len(latestA.doc.KeyAgreement), len(latestA.doc.Service))
	}
	if latestA.meta.VersionID != strconv.FormatUint(aBlocks[len(aBlocks)-1], 10) {
		t.Errorf("A's versionId is %q, want its last change %d", latestA.meta.VersionID, aBlocks[len(aBlocks)-1])
	}
	if m := get(query{DID: dC}).meta; !m.Deactivated || m.VersionID != strconv.FormatUint(cBlocks[2], 10) {
		t.Errorf("C's metadata is %+v, want deactivated at block %d", m, cBlocks[2])
	}
	shortID := dD + "#delegate-1"
	if ids := methodIDs(get(query{DID: dD, Version: strconv.FormatUint(dBlocks[0], 10)}).doc); !slices.Contains(ids, shortID) {
		t.Errorf("D at block %d lacks the short-lived delegate %s: %v", dBlocks[0], shortID, ids)
	}
	if ids := methodIDs(get(query{DID: dD}).doc); slices.Contains(ids, shortID) {
		t.Errorf("D's latest document still lists the expired delegate %s", shortID)
	}
	if ids := methodIDs(get(query{DID: dE}).doc); !slices.Contains(ids, dE+"#controllerKey") {
		t.Errorf("E (a public-key DID owning itself) lacks #controllerKey: %v", ids)
	}
	if ids := methodIDs(get(query{DID: dF}).doc); slices.Contains(ids, dF+"#controllerKey") {
		t.Errorf("F (a public-key DID with another owner) lists #controllerKey: %v", ids)
	}
}

// flipCase swaps the case of the first letter of a checksummed address, breaking the checksum.
func flipCase(addr string) string {
	b := []byte(addr)
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
	panic(fmt.Sprintf("address %s has no letter", addr))
}
