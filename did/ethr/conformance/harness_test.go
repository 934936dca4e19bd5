package conformance

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
)

// registryAddr is where the dev chain tests predeploy the registry.
var registryAddr = common.HexToAddress("0x1056000000000000000000000000000000001056")

// networkName is the network part of the DIDs the tests resolve.
const networkName = "dev"

const day = 24 * time.Hour

// strict reports whether a missing peer (node, npm packages, geth) fails the test.
func strict() bool { return os.Getenv("CHAINID_INTEROP") == "1" }

// testKey derives a fixed secp256k1 key from name.
func testKey(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("chainid conformance " + name)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addrOf(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// bytes32 derives n fixed bytes from name.
func fixedBytes(name string, n int) []byte { return crypto.Keccak256([]byte(name))[:n] }

// addrDID and keyDID are the did:ethr DIDs of an address and of a compressed public key.
func addrDID(network string, a common.Address) string {
	return "did:ethr:" + network + ":" + strings.ToLower(a.Hex())
}

func keyDID(network string, k *ecdsa.PrivateKey) string {
	return "did:ethr:" + network + ":0x" + common.Bytes2Hex(crypto.CompressPubkey(&k.PublicKey))
}

// peer runs the npm reference scripts in interop/.
type peer struct {
	node string
	dir  string
}

// needPeer returns the reference peer, or skips the test when Node.js or the npm packages are
// missing (fails instead when CHAINID_INTEROP=1).
func needPeer(t testing.TB) peer {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "interop"))
	if err != nil {
		t.Fatal(err)
	}
	var missing string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "ethr-did-resolver", "package.json")); err != nil {
		missing = "interop/node_modules has no ethr-did-resolver (run npm ci in interop)"
	}
	if missing != "" {
		if strict() {
			t.Fatalf("CHAINID_INTEROP=1 but %s", missing)
		}
		t.Skipf("%s; set CHAINID_INTEROP=1 to make this a failure", missing)
	}
	return peer{node: node, dir: dir}
}

// run runs interop/script with input as JSON on stdin and decodes its stdout into out.
func (p peer) run(t testing.TB, script string, input, out any) {
	t.Helper()
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.node, script)
	cmd.Dir = p.dir
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		text := stdout.String()
		if len(text) > 2000 {
			text = text[:1000] + " … " + text[len(text)-1000:]
		}
		t.Fatalf("node %s: decode output (%d bytes): %v\n%s", script, stdout.Len(), err, text)
	}
}

// chainInfo is what both resolvers need to reach a registry.
type chainInfo struct {
	rpcURL   string
	chainID  *big.Int
	registry common.Address
}

// query is one resolution: a DID at its latest version (Version "") or at a block.
type query struct {
	DID     string
	Version string
	// WantErr says that both resolvers must fail (unknown network, bad checksum, a version
	// beyond the head). Otherwise both must succeed.
	WantErr bool
}

func (q query) String() string {
	if q.Version == "" {
		return q.DID
	}
	return q.DID + "?versionId=" + q.Version
}

// refResolution is ethr-did-resolver's DIDResolutionResult.
type refResolution struct {
	DIDResolutionMetadata struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	} `json:"didResolutionMetadata"`
	DIDDocument         json.RawMessage `json:"didDocument"`
	DIDDocumentMetadata json.RawMessage `json:"didDocumentMetadata"`
}

// resolveReference resolves queries with ethr-did-resolver. now (Unix seconds), when non-zero,
// is the reference's clock for validity at the latest version.
func resolveReference(t testing.TB, p peer, c chainInfo, queries []query, now int64) []refResolution {
	t.Helper()
	dids := make([]string, len(queries))
	for i, q := range queries {
		dids[i] = q.String()
	}
	input := map[string]any{
		"rpcUrl": c.rpcURL, "chainId": c.chainID.Uint64(), "registry": c.registry.Hex(), "name": networkName,
		"dids": dids,
	}
	if now != 0 {
		input["now"] = now
	}
	var out struct {
		Results []struct {
			DID    string         `json:"did"`
			Result *refResolution `json:"result"`
			Error  string         `json:"error"`
		} `json:"results"`
	}
	p.run(t, "ethr.mjs", input, &out)
	if len(out.Results) != len(queries) {
		t.Fatalf("ethr.mjs returned %d results for %d queries", len(out.Results), len(queries))
	}
	res := make([]refResolution, len(queries))
	for i, r := range out.Results {
		if r.DID != dids[i] {
			t.Fatalf("ethr.mjs result %d is for %s, want %s", i, r.DID, dids[i])
		}
		if r.Result == nil {
			t.Fatalf("ethr.mjs threw for %s: %s", dids[i], r.Error)
		}
		res[i] = *r.Result
	}
	return res
}

// ourResolution is our resolver's answer for one query.
type ourResolution struct {
	doc  *did.Document
	meta did.DocumentMetadata
	err  error
}

func resolveOurs(t testing.TB, r *ethr.Resolver, queries []query) []ourResolution {
	t.Helper()
	out := make([]ourResolution, len(queries))
	for i, q := range queries {
		id, err := did.Parse(q.DID)
		if err != nil {
			out[i].err = err
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out[i].doc, out[i].meta, out[i].err = r.Resolve(ctx, id, did.ResolveOptions{VersionID: q.Version})
		cancel()
	}
	return out
}

// newOurResolver returns a did:ethr resolver for one network named networkName, indexing into
// a bbolt store in a temporary directory. now == nil uses the wall clock.
func newOurResolver(t testing.TB, client ethr.Client, c chainInfo, fromBlock uint64, now func() time.Time) *ethr.Resolver {
	t.Helper()
	return newOurResolverConfig(t, client, c, fromBlock, ethr.Config{Now: now, RPCTimeout: 5 * time.Second})
}

func newOurResolverConfig(t testing.TB, client ethr.Client, c chainInfo, fromBlock uint64, cfg ethr.Config) *ethr.Resolver {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	r, err := ethr.NewResolver(s, []ethr.Network{{
		Name: networkName, ChainID: c.chainID, Registry: c.registry, Client: client, FromBlock: fromBlock,
	}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// compareWithReference resolves queries with both resolvers and fails the test on any
// difference in outcome, document or metadata. It returns our documents and metadata by query.
func compareWithReference(t *testing.T, p peer, r *ethr.Resolver, c chainInfo, queries []query, now int64) []ourResolution {
	t.Helper()
	started := time.Now()
	ours := resolveOurs(t, r, queries)
	oursTook := time.Since(started)
	started = time.Now()
	refs := resolveReference(t, p, c, queries, now)
	t.Logf("%d resolutions: ours %v (index built on the first), ethr-did-resolver %v (including Node.js start)",
		len(queries), oursTook.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
	compared := 0
	for i, q := range queries {
		o, ref := ours[i], refs[i]
		refErr := ref.DIDResolutionMetadata.Error
		switch {
		case q.WantErr && o.err != nil && refErr != "":
			t.Logf("%s: both fail: ours %q; reference %s: %s", q, o.err, refErr, ref.DIDResolutionMetadata.Message)
			continue
		case q.WantErr:
			t.Errorf("%s: want both resolvers to fail; ours: %v; reference: %q", q, o.err, refErr)
			continue
		case o.err != nil || refErr != "":
			t.Errorf("%s: ours: %v; reference: %s %s", q, o.err, refErr, ref.DIDResolutionMetadata.Message)
			continue
		}
		ourDoc, err := json.Marshal(o.doc)
		if err != nil {
			t.Fatalf("%s: marshal our document: %v", q, err)
		}
		ourMeta, err := json.Marshal(o.meta)
		if err != nil {
			t.Fatalf("%s: marshal our metadata: %v", q, err)
		}
		diffs := diffJSONText("didDocument", ourDoc, ref.DIDDocument)
		diffs = append(diffs, diffJSONText("didDocumentMetadata", ourMeta, ref.DIDDocumentMetadata)...)
		if len(diffs) > 0 {
			t.Errorf("%s: our resolution differs from ethr-did-resolver's:\n  %s\nreference document: %s\nreference metadata: %s",
				q, strings.Join(diffs, "\n  "), ref.DIDDocument, ref.DIDDocumentMetadata)
			continue
		}
		compared++
	}
	t.Logf("%d of %d resolutions equal the reference's (the rest fail in both, as wanted)", compared, len(queries))
	return ours
}

// diffJSONText compares two JSON texts as JSON values (object member order ignored, array
// order kept) and lists the differences by path.
func diffJSONText(root string, ours, ref []byte) []string {
	var a, b any
	if err := decodeJSON(ours, &a); err != nil {
		return []string{fmt.Sprintf("%s: our JSON does not parse: %v", root, err)}
	}
	if err := decodeJSON(ref, &b); err != nil {
		return []string{fmt.Sprintf("%s: reference JSON does not parse: %v", root, err)}
	}
	var out []string
	diffJSON(root, a, b, &out)
	return out
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

func diffJSON(path string, a, b any, out *[]string) {
	if len(*out) >= 40 {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, dup := av[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			x, inA := av[k]
			y, inB := bv[k]
			p := path + "." + k
			switch {
			case !inA:
				*out = append(*out, fmt.Sprintf("%s: only in reference: %s", p, compactJSON(y)))
			case !inB:
				*out = append(*out, fmt.Sprintf("%s: only in ours: %s", p, compactJSON(x)))
			default:
				diffJSON(p, x, y, out)
			}
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok {
			break
		}
		for i := 0; i < max(len(av), len(bv)); i++ {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(av):
				*out = append(*out, fmt.Sprintf("%s: only in reference: %s", p, compactJSON(bv[i])))
			case i >= len(bv):
				*out = append(*out, fmt.Sprintf("%s: only in ours: %s", p, compactJSON(av[i])))
			default:
				diffJSON(p, av[i], bv[i], out)
			}
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, fmt.Sprintf("%s: ours %s, reference %s", path, compactJSON(a), compactJSON(b)))
	}
}

// devHarness is an embedded dev chain with the registry predeployed and a Writer for it.
type devHarness struct {
	t      testing.TB
	chain  *devchain.Chain
	client *ethclient.Client
	writer *registry.Writer
	info   chainInfo
}

func startDevchain(t testing.TB) *devHarness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chain, err := devchain.Start(ctx, devchain.Config{
		DataDir:    t.TempDir(),
		ListenAddr: "127.0.0.1:0",
		Predeploy:  map[common.Address][]byte{registryAddr: registry.DeployedBytecode()},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := chain.Close(); err != nil {
			t.Errorf("close dev chain: %v", err)
		}
	})
	w, err := registry.NewWriter(chain.Client(), registryAddr, registry.WriterConfig{
		ChainID: chain.ChainID(), ReceiptTimeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &devHarness{
		t: t, chain: chain, client: chain.Client(), writer: w,
		info: chainInfo{rpcURL: chain.RPCURL(), chainID: chain.ChainID(), registry: registryAddr},
	}
}

// fund gives each key's account 10 ether, concurrently (the transfers share blocks).
func (h *devHarness) fund(keys ...*ecdsa.PrivateKey) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(keys))
	for i, k := range keys {
		wg.Go(func() {
			_, errs[i] = h.chain.Fund(ctx, addrOf(k), new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		h.t.Fatal(err)
	}
}

// block returns a function that fails the test when a write failed and otherwise returns the
// block number of its receipt: h.block("what")(w.SetAttribute(…)).
func (h *devHarness) block(what string) func(*types.Receipt, error) uint64 {
	return func(r *types.Receipt, err error) uint64 {
		h.t.Helper()
		if err != nil {
			h.t.Fatalf("%s: %v", what, err)
		}
		return r.BlockNumber.Uint64()
	}
}

// sameBlock sends calls to the registry from key as direct transactions that land in one block:
// it sends every transaction but the first (their nonces leave a gap, so the pool holds them
// back and the dev chain seals nothing) and then the first, which makes all of them executable
// at once. It returns the receipts in call order.
func (h *devHarness) sameBlock(key *ecdsa.PrivateKey, calls ...[]byte) []*types.Receipt {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	from := addrOf(key)
	nonce, err := h.client.PendingNonceAt(ctx, from)
	if err != nil {
		h.t.Fatal(err)
	}
	head, err := h.client.HeaderByNumber(ctx, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	tip := big.NewInt(1e9)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	signer := types.LatestSignerForChainID(h.info.chainID)
	txs := make([]*types.Transaction, len(calls))
	for i, data := range calls {
		txs[i], err = types.SignNewTx(key, signer, &types.DynamicFeeTx{
			ChainID: h.info.chainID, Nonce: nonce + uint64(i), GasTipCap: tip, GasFeeCap: feeCap,
			Gas: 400_000, To: &h.info.registry, Data: data,
		})
		if err != nil {
			h.t.Fatal(err)
		}
	}
	for _, tx := range append(txs[1:], txs[0]) {
		if err := h.client.SendTransaction(ctx, tx); err != nil {
			h.t.Fatalf("send transaction %d: %v", tx.Nonce()-nonce, err)
		}
	}
	receipts := make([]*types.Receipt, len(txs))
	for i, tx := range txs {
		receipts[i], err = devchain.WaitReceipt(ctx, h.client, tx.Hash())
		if err != nil {
			h.t.Fatal(err)
		}
		if receipts[i].Status != types.ReceiptStatusSuccessful {
			h.t.Fatalf("same-block transaction %d reverted", i)
		}
	}
	return receipts
}

// headTime returns the head block's number and timestamp.
func headOf(t testing.TB, c ethr.Client) (uint64, uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h.Number.Uint64(), h.Time
}

// versionQueries returns, for each DID, queries at each block in blocks and at the block before
// it, deduplicated and in ascending order.
func versionQueries(didStr string, blocks ...uint64) []query {
	set := map[uint64]bool{}
	for _, b := range blocks {
		set[b] = true
		if b > 0 {
			set[b-1] = true
		}
	}
	nums := make([]uint64, 0, len(set))
	for b := range set {
		nums = append(nums, b)
	}
	slices.Sort(nums)
	qs := make([]query, len(nums))
	for i, b := range nums {
		qs[i] = query{DID: didStr, Version: strconv.FormatUint(b, 10)}
	}
	return qs
}

// blockOf returns a receipt's block number.
func blockOf(r *types.Receipt) uint64 { return r.BlockNumber.Uint64() }

// methodIDs lists the ids of a document's verification methods.
func methodIDs(doc *did.Document) []string {
	if doc == nil {
		return nil
	}
	ids := make([]string, len(doc.VerificationMethod))
	for i, vm := range doc.VerificationMethod {
		ids[i] = vm.ID
	}
	return ids
}
