package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
)

// gethNode is a `geth --dev` process on loopback.
type gethNode struct {
	cmd    *exec.Cmd
	url    string
	rpc    *rpc.Client
	client *ethclient.Client
	log    *bytes.Buffer

	stopFn   func() error // SIGINT, wait for exit; idempotent
	stopOnce sync.Once
	stopErr  error
}

// startGeth starts the geth binary named by CHAINID_GETH with a temporary data dir, or skips the
// test when CHAINID_GETH is unset (fails instead when CHAINID_INTEROP=1).
func startGeth(t testing.TB) *gethNode {
	t.Helper()
	bin := os.Getenv("CHAINID_GETH")
	if bin == "" {
		if strict() {
			t.Fatal("CHAINID_INTEROP=1 but CHAINID_GETH is not set (export CHAINID_GETH=$(.ci/geth.sh))")
		}
		t.Skip("CHAINID_GETH is not set (export CHAINID_GETH=$(.ci/geth.sh)); set CHAINID_INTEROP=1 to make this a failure")
	}
	httpPort, authPort := freePort(t), freePort(t)
	g := &gethNode{log: new(bytes.Buffer)}
	g.cmd = exec.Command(bin,
		"--dev", "--dev.period", "0",
		"--datadir", t.TempDir(),
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(httpPort), "--http.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", strconv.Itoa(authPort),
		"--ipcdisable", "--cache", "64", "--nodiscover", "--maxpeers", "0", "--port", "0",
		"--verbosity", "2",
	)
	g.cmd.Stdout, g.cmd.Stderr = g.log, g.log
	if err := g.cmd.Start(); err != nil {
		t.Fatalf("start geth: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = g.cmd.Wait(); close(exited) }()
	g.stopFn = func() error { return g.stop(exited) }
	t.Cleanup(func() {
		if err := g.stopFn(); err != nil {
			t.Errorf("stop geth: %v\n%s", err, g.log)
		}
	})
	g.url = fmt.Sprintf("http://127.0.0.1:%d", httpPort)

	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("geth exited during start:\n%s", g.log)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := rpc.DialContext(ctx, g.url)
		if err == nil {
			var id hexutil.Big
			if err = c.CallContext(ctx, &id, "eth_chainId"); err == nil {
				cancel()
				g.rpc, g.client = c, ethclient.NewClient(c)
				break
			}
			c.Close()
		}
		cancel()
		if time.Now().After(deadline) {
			t.Fatalf("geth RPC not up after 60 s: %v\n%s", err, g.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return g
}

// stop sends SIGINT and waits for geth to exit (SIGKILL after 20 s).
func (g *gethNode) stop(exited <-chan struct{}) error {
	g.stopOnce.Do(func() {
		if g.rpc != nil {
			g.rpc.Close()
		}
		if err := g.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
			g.stopErr = err
			return
		}
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = g.cmd.Process.Kill()
			<-exited
			g.stopErr = errors.New("geth did not exit within 20 s of SIGINT; killed")
		}
	})
	return g.stopErr
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// fund sends 10 ether from geth's dev account to each address with eth_sendTransaction.
func (g *gethNode) fund(t testing.TB, addrs ...common.Address) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var accounts []common.Address
	if err := g.rpc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("eth_accounts: %v (%d accounts)", err, len(accounts))
	}
	for _, a := range addrs {
		var hash common.Hash
		err := g.rpc.CallContext(ctx, &hash, "eth_sendTransaction", map[string]any{
			"from": accounts[0], "to": a, "value": (*hexutil.Big)(new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))),
		})
		if err != nil {
			t.Fatalf("fund %s: %v", a.Hex(), err)
		}
		r, err := devchain.WaitReceipt(ctx, g.client, hash)
		if err != nil || r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("fund %s: receipt %v, %v", a.Hex(), r, err)
		}
	}
}

// TestGethDev runs the comparison against a real `geth --dev` node: registry deployed with
// registry.Deploy, a short history written with registry.Writer, resolution by ours and by
// ethr-did-resolver. Then the faults: a resolver configured with the wrong chain ID fails with
// ErrWrongChain, and once geth is stopped resolution fails with ErrChainUnavailable instead of
// answering from the index.
//
// This test uses the wall clock in both resolvers, so its history has no revokeDelegate (whose
// validity ends at its block time, which a dev node can place ahead of the wall clock).
func TestGethDev(t *testing.T) {
	t.Parallel()
	g := startGeth(t)
	p := needPeer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	chainID, err := g.client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deployer, kim, leo, mia, nora := testKey(t, "deployer"), testKey(t, "kim"), testKey(t, "leo"), testKey(t, "mia"), testKey(t, "nora")
	g.fund(t, addrOf(deployer), addrOf(kim), addrOf(leo), addrOf(mia))
	cfg := registry.WriterConfig{ChainID: chainID, ReceiptTimeout: 30 * time.Second}
	regAddr, deployReceipt, err := registry.Deploy(ctx, g.client, registry.NewKeySigner(deployer), cfg)
	if err != nil {
		t.Fatalf("deploy registry: %v", err)
	}
	w, err := registry.NewWriter(g.client, regAddr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	K, L, M := addrOf(kim), addrOf(leo), addrOf(mia)
	ks, ls, ms := registry.NewKeySigner(kim), registry.NewKeySigner(leo), registry.NewKeySigner(mia)
	d1 := addrOf(testKey(t, "delegate 1"))
	secp := crypto.CompressPubkey(&testKey(t, "attribute secp256k1").PublicKey)
	ed := fixedBytes("ed25519 key", 32)

	var kBlocks, lBlocks []uint64
	step := func(blocks *[]uint64, what string) func(*types.Receipt, error) {
		return func(r *types.Receipt, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			*blocks = append(*blocks, r.BlockNumber.Uint64())
		}
	}
	step(&kBlocks, "K veriKey")(w.AddDelegate(ctx, ks, K, "veriKey", d1, day))
	step(&kBlocks, "K sigAuth")(w.AddDelegate(ctx, ks, K, "sigAuth", L, day))
	step(&kBlocks, "K secp")(w.SetAttribute(ctx, ks, K, "did/pub/Secp256k1/veriKey/hex", secp, day))
	step(&kBlocks, "K service")(w.SetAttribute(ctx, ks, K, "did/svc/MessagingService", []byte(`{"uri":"https://kim.example.com"}`), day))
	step(&kBlocks, "K revoke secp")(w.RevokeAttribute(ctx, ks, K, "did/pub/Secp256k1/veriKey/hex", secp))
	step(&kBlocks, "K owner")(w.ChangeOwner(ctx, ks, K, L))
	step(&kBlocks, "K ed by leo")(w.SetAttribute(ctx, ls, K, "did/pub/Ed25519/veriKey/base58", ed, day))
	// A relayed, owner-signed change: leo signs for his identity, mia sends and pays.
	digest, err := w.SetAttributeDigest(ctx, L, "did/svc/HubService", []byte("https://leo.example.com/hub"), day)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := registry.NewKeySigner(leo).SignDigest(digest)
	if err != nil {
		t.Fatal(err)
	}
	step(&lBlocks, "L hub (signed)")(w.SetAttributeSigned(ctx, ms, L, sig, "did/svc/HubService", []byte("https://leo.example.com/hub"), day))
	var mBlocks []uint64
	step(&mBlocks, "M deactivate")(w.Deactivate(ctx, ms, M))

	info := chainInfo{rpcURL: g.url, chainID: chainID, registry: regAddr}
	r := newOurResolver(t, g.client, info, deployReceipt.BlockNumber.Uint64(), nil)
	dK, dL, dM := addrDID(networkName, K), addrDID(networkName, L), addrDID(networkName, M)
	dN := keyDID(networkName, nora)
	queries := []query{{DID: dK}, {DID: dL}, {DID: dM}, {DID: dN}}
	queries = append(queries, versionQueries(dK, kBlocks...)...)
	queries = append(queries, versionQueries(dL, lBlocks...)...)
	queries = append(queries, versionQueries(dM, mBlocks...)...)
	ours := compareWithReference(t, p, r, info, queries, 0)
	if ours[0].err != nil || len(ours[0].doc.Service) != 1 || !strings.HasSuffix(ours[0].doc.VerificationMethod[0].BlockchainAccountID, L.Hex()) {
		t.Errorf("kim's document: %v, %v; want one service and controller leo", ours[0].err, ours[0].doc)
	}
	if ours[2].err != nil || !ours[2].meta.Deactivated {
		t.Errorf("mia's metadata: %+v, %v; want deactivated", ours[2].meta, ours[2].err)
	}

	t.Run("wrong chain ID", func(t *testing.T) {
		wrong := info
		wrong.chainID = new(big.Int).Add(chainID, big.NewInt(1))
		rw := newOurResolver(t, g.client, wrong, 0, nil)
		doc, _, err := rw.Resolve(ctx, did.MustParse(dK), did.ResolveOptions{})
		if !errors.Is(err, ethr.ErrWrongChain) || doc != nil {
			t.Fatalf("Resolve on a node of chain %s configured as %s = %v, %v; want ErrWrongChain", chainID, wrong.chainID, doc, err)
		}
	})

	t.Run("node down", func(t *testing.T) {
		if err := g.stopFn(); err != nil {
			t.Fatalf("stop geth: %v", err)
		}
		for _, q := range []query{{DID: dK}, {DID: dL, Version: strconv.FormatUint(lBlocks[0], 10)}, {DID: dN}} {
			id := did.MustParse(q.DID)
			doc, _, err := r.Resolve(ctx, id, did.ResolveOptions{VersionID: q.Version})
			if !errors.Is(err, ethr.ErrChainUnavailable) || doc != nil {
				t.Errorf("%s with geth stopped = %v, %v; want ErrChainUnavailable and no document", q, doc, err)
			} else {
				t.Logf("%s with geth stopped: %v", q, err)
			}
		}
	})
}
