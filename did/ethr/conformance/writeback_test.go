package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// writeOp is one operation for interop/ethr-write.mjs.
type writeOp struct {
	Op       string `json:"op"`
	Signed   bool   `json:"signed,omitempty"`
	Key      string `json:"key,omitempty"`
	Name     string `json:"name,omitempty"`
	Value    string `json:"value,omitempty"`
	Type     string `json:"type,omitempty"`
	Delegate string `json:"delegate,omitempty"`
	NewOwner string `json:"newOwner,omitempty"`
	Validity int64  `json:"validity,omitempty"`
}

type writeReceipt struct {
	Op          string `json:"op"`
	Signed      bool   `json:"signed"`
	BlockNumber uint64 `json:"blockNumber"`
	TxHash      string `json:"txHash"`
	Status      int    `json:"status"`
	GasUsed     uint64 `json:"gasUsed"`
}

// referenceWrite runs ops for identity (a DID) through ethr-did-resolver's EthrDidController
// and returns the block of each.
func referenceWrite(t testing.TB, p peer, c chainInfo, identity string, ownerKey, relayerKey string, ops []writeOp) []uint64 {
	t.Helper()
	var out struct {
		Receipts     []writeReceipt `json:"receipts"`
		Rebroadcasts int            `json:"rebroadcasts"`
	}
	p.run(t, "ethr-write.mjs", map[string]any{
		"rpcUrl": c.rpcURL, "chainId": c.chainID.Uint64(), "registry": c.registry.Hex(), "name": networkName,
		"identity": identity, "ownerKey": ownerKey, "relayerKey": relayerKey, "ops": ops,
	}, &out)
	if len(out.Receipts) != len(ops) {
		t.Fatalf("ethr-write.mjs returned %d receipts for %d operations", len(out.Receipts), len(ops))
	}
	if out.Rebroadcasts > 0 {
		t.Logf("ethr-write.mjs sent a transaction again %d times (no receipt within 3 s)", out.Rebroadcasts)
	}
	blocks := make([]uint64, len(ops))
	for i, r := range out.Receipts {
		if r.Status != 1 || r.Op != ops[i].Op {
			t.Fatalf("ethr-write.mjs operation %d: %+v", i, r)
		}
		blocks[i] = r.BlockNumber
		t.Logf("reference %s (signed %t): block %d, gas %d", r.Op, r.Signed, r.BlockNumber, r.GasUsed)
	}
	return blocks
}

func hexKey(t testing.TB, name string) string {
	return "0x" + common.Bytes2Hex(crypto.FromECDSA(testKey(t, name)))
}

// TestReferenceWritesReadByUs lets the reference's EthrDidController write, directly and as
// owner-signed meta-transactions relayed by another account, and checks that our resolver reads
// those changes as ethr-did-resolver does.
func TestReferenceWritesReadByUs(t *testing.T) {
	t.Parallel()
	p := needPeer(t)
	h := startDevchain(t)
	henry, ivan, jane, relayer := testKey(t, "henry"), testKey(t, "ivan"), testKey(t, "jane"), testKey(t, "relayer")
	h.fund(henry, ivan, jane, relayer)
	d1, d2 := strings.ToLower(addrOf(testKey(t, "delegate 1")).Hex()), strings.ToLower(addrOf(testKey(t, "delegate 2")).Hex())
	secp := "0x" + common.Bytes2Hex(crypto.CompressPubkey(&testKey(t, "attribute secp256k1").PublicKey))
	ed := "0x" + common.Bytes2Hex(fixedBytes("ed25519 key", 32))
	const dayS = int64(day / time.Second)

	dH := addrDID(networkName, addrOf(henry))
	hBlocks := referenceWrite(t, p, h.info, dH, hexKey(t, "henry"), hexKey(t, "relayer"), []writeOp{
		{Op: "setAttribute", Name: "did/pub/Secp256k1/veriKey/hex", Value: secp, Validity: dayS},
		{Op: "setAttribute", Name: "did/svc/LinkedDomains", Value: "https://henry.example.com", Validity: dayS},
		{Op: "addDelegate", Type: "sigAuth", Delegate: d1, Validity: dayS},
		{Op: "setAttribute", Signed: true, Name: "did/pub/Ed25519/veriKey/base64", Value: ed, Validity: dayS},
		{Op: "addDelegate", Signed: true, Type: "veriKey", Delegate: d2, Validity: dayS},
		{Op: "revokeAttribute", Signed: true, Name: "did/svc/LinkedDomains", Value: "https://henry.example.com"},
		{Op: "setAttribute", Signed: true, Name: "did/svc/MessagingService", Value: `{"uri":"https://henry.example.com/didcomm","accept":["didcomm/v2"]}`, Validity: dayS},
		{Op: "changeOwner", Signed: true, NewOwner: addrOf(ivan).Hex()},
		// After the owner change, ivan signs (legacyNonce false: the registry hashes the
		// current owner's nonce for every signed variant).
		{Op: "setAttribute", Signed: true, Key: hexKey(t, "ivan"), Name: "did/pub/X25519/enc/base58", Value: ed, Validity: dayS},
		{Op: "revokeAttribute", Key: hexKey(t, "ivan"), Name: "did/pub/Secp256k1/veriKey/hex", Value: secp},
	})

	dJ := keyDID(networkName, jane)
	jBlocks := referenceWrite(t, p, h.info, dJ, hexKey(t, "jane"), hexKey(t, "relayer"), []writeOp{
		{Op: "addDelegate", Type: "veriKey", Delegate: d1, Validity: dayS},
		{Op: "setAttribute", Signed: true, Name: "did/svc/HubService", Value: "https://jane.example.com/hub", Validity: dayS},
	})

	_, headTime := headOf(t, h.client)
	now := int64(headTime) + 5
	r := newOurResolver(t, h.client, h.info, 0, func() time.Time { return time.Unix(now, 0) })
	queries := []query{{DID: dH}, {DID: dJ}}
	queries = append(queries, versionQueries(dH, hBlocks...)...)
	queries = append(queries, versionQueries(dJ, jBlocks...)...)
	ours := compareWithReference(t, p, r, h.info, queries, now)

	// Whatever the reference says: henry's latest document is controlled by ivan, keeps the
	// Ed25519 key and the service added by signed calls, and lost the revoked ones.
	if ours[0].err != nil {
		t.Fatal(ours[0].err)
	}
	doc := ours[0].doc
	if got := doc.VerificationMethod[0].BlockchainAccountID; !strings.HasSuffix(got, addrOf(ivan).Hex()) {
		t.Errorf("henry's controller is %s, want ivan %s", got, addrOf(ivan).Hex())
	}
	var types []string
	for _, vm := range doc.VerificationMethod {
		types = append(types, vm.Type)
	}
	for _, want := range []string{"Ed25519VerificationKey2018", "X25519KeyAgreementKey2019"} {
		if !slices.Contains(types, want) {
			t.Errorf("henry's document lacks a %s: %v", want, types)
		}
	}
	if slices.Contains(types, "EcdsaSecp256k1VerificationKey2019") {
		t.Errorf("henry's document still has the revoked secp256k1 key: %v", types)
	}
	if len(doc.Service) != 1 || len(doc.Authentication) != 2 {
		t.Errorf("henry has %d services and %d authentication methods, want 1 and 2 (controller, sigAuth)", len(doc.Service), len(doc.Authentication))
	}
	if ours[0].meta.VersionID != strconv.FormatUint(hBlocks[len(hBlocks)-1], 10) {
		t.Errorf("henry's versionId is %q, want %d", ours[0].meta.VersionID, hBlocks[len(hBlocks)-1])
	}
	if ids := methodIDs(ours[1].doc); !slices.Contains(ids, dJ+"#controllerKey") || len(ours[1].doc.Service) != 1 {
		t.Errorf("jane's public-key DID: methods %v, %d services; want #controllerKey and 1 service", ids, len(ours[1].doc.Service))
	}
}
