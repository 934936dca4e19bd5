package siwe

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// testRegistry is where the dev chain of these tests has its ERC-1056 registry.
var testRegistry = common.HexToAddress("0x1056100000000000000000000000000000001056")

// testChain is a running dev chain with the registry, a did:ethr resolver
// over it and a writer.
type testChain struct {
	chain    *devchain.Chain
	resolver *resolver.Resolver
	writer   *registry.Writer
}

func startChain(t *testing.T) *testChain {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	chain, err := devchain.Start(ctx, devchain.Config{
		DataDir:    filepath.Join(dir, "chain"),
		ListenAddr: "127.0.0.1:0",
		Predeploy:  map[common.Address][]byte{testRegistry: registry.DeployedBytecode()},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	er, err := ethr.NewResolver(st, []ethr.Network{{Name: "dev", ChainID: chain.ChainID(), Registry: testRegistry, Client: chain.Client()}}, ethr.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"ethr": er}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := registry.NewWriter(chain.Client(), testRegistry, registry.WriterConfig{ChainID: chain.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	return &testChain{chain: chain, resolver: res, writer: w}
}

// deploy creates contract name of testdata/wallets.json with the ABI-encoded
// constructor arguments args.
func (c *testChain) deploy(t *testing.T, name string, args ...[]byte) common.Address {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "wallets.json"))
	if err != nil {
		t.Fatal(err)
	}
	var art struct {
		Contracts map[string]struct {
			Bytecode hexutil.Bytes `json:"bytecode"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(raw, &art); err != nil {
		t.Fatal(err)
	}
	code := art.Contracts[name].Bytecode
	if len(code) == 0 {
		t.Fatalf("no contract %s in wallets.json", name)
	}
	data := append([]byte(nil), code...)
	for _, a := range args {
		data = append(data, a...)
	}
	ctx := context.Background()
	client := c.chain.Client()
	key := c.chain.DevKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	gas, err := client.EstimateGas(ctx, ethereum.CallMsg{From: from, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	tip, err := client.SuggestGasTipCap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(c.chain.ChainID()), &types.DynamicFeeTx{
		ChainID: c.chain.ChainID(), Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas * 2, Data: data,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rcpt, err := devchain.WaitReceipt(rctx, client, tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("deploy %s reverted", name)
	}
	return rcpt.ContractAddress
}

func (c *testChain) verifier(t *testing.T, gas uint64) *Verifier {
	t.Helper()
	v, err := New(Config{Chains: []Chain{{ID: c.chain.ChainID().Uint64(), Client: c.chain.Client()}},
		Resolver: c.resolver, CallGas: gas, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// signedFor builds the test message for address on the dev chain and has
// key sign it.
func signedFor(t *testing.T, address common.Address, key *ecdsa.PrivateKey, resources ...string) (string, []byte) {
	t.Helper()
	m := testMessage(key)
	m.Address = address
	m.ChainID = devchain.DefaultChainID
	if len(resources) > 0 {
		m.Resources, m.HasResources = resources, true
	}
	text := m.String()
	return text, personalSign(t, key, text)
}

// TestERC1271 deploys contract wallets on the dev chain: one that accepts
// its owner's signatures, one that reverts and one that burns all gas.
func TestERC1271(t *testing.T) {
	c := startChain(t)
	alice, mallory := testKey(t, "alice"), testKey(t, "mallory")
	aliceAddr := crypto.PubkeyToAddress(alice.PublicKey)
	owned := c.deploy(t, "OwnerWallet", common.LeftPadBytes(aliceAddr.Bytes(), 32))
	reverting := c.deploy(t, "RevertingWallet")
	burner := c.deploy(t, "GasBurnerWallet")
	v := c.verifier(t, 200_000)
	ctx := context.Background()

	t.Run("owner signs for the wallet", func(t *testing.T) {
		text, sig := signedFor(t, owned, alice)
		res, err := v.Verify(ctx, text, sig, testExpect)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Contract || res.Subject != "did:pkh:eip155:1337:"+owned.Hex() {
			t.Fatalf("result %+v", res)
		}
	})
	refusals := []struct {
		name   string
		wallet common.Address
		key    *ecdsa.PrivateKey
	}{
		{"another key signs for the wallet", owned, mallory},
		{"wallet that reverts", reverting, alice},
		{"wallet that burns all gas", burner, alice},
		{"account without code, wrong key", aliceAddr, mallory},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			text, sig := signedFor(t, r.wallet, r.key)
			res, err := v.Verify(ctx, text, sig, testExpect)
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("result %+v, error %v: want ErrRefused", res, err)
			}
			t.Log(err)
		})
	}
	t.Run("chain down", func(t *testing.T) {
		dead, err := ethclient.Dial("http://127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		defer dead.Close()
		v, err := New(Config{Chains: []Chain{{ID: 1337, Client: dead}}, Now: func() time.Time { return testNow }, CallTimeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		text, sig := signedFor(t, owned, alice)
		_, err = v.Verify(ctx, text, sig, testExpect)
		if !errors.Is(err, ErrChainUnavailable) || errors.Is(err, ErrRefused) {
			t.Fatalf("error %v, want ErrChainUnavailable", err)
		}
	})
}

// TestEthrLink logs in as a did:ethr DID through its owner and a sigAuth
// delegate, and follows on-chain changes.
func TestEthrLink(t *testing.T) {
	c := startChain(t)
	ctx := context.Background()
	alice, bob, carol, dave := testKey(t, "alice"), testKey(t, "bob"), testKey(t, "carol"), testKey(t, "dave")
	addr := func(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }
	if _, err := c.chain.Fund(ctx, addr(alice), big.NewInt(1e18)); err != nil {
		t.Fatal(err)
	}
	identity := "did:ethr:dev:" + addr(alice).Hex()
	aliceSigner := registry.NewKeySigner(alice)
	if _, err := c.writer.AddDelegate(ctx, aliceSigner, addr(alice), "sigAuth", addr(bob), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := c.writer.AddDelegate(ctx, aliceSigner, addr(alice), "veriKey", addr(carol), time.Hour); err != nil {
		t.Fatal(err)
	}
	// The resolver checks delegate validity against the wall clock, the
	// message against testNow: use a verifier on the wall clock here.
	v, err := New(Config{Chains: []Chain{{ID: devchain.DefaultChainID, Client: c.chain.Client()}}, Resolver: c.resolver})
	if err != nil {
		t.Fatal(err)
	}
	login := func(t *testing.T, key *ecdsa.PrivateKey, viaResource bool) (*Result, error) {
		t.Helper()
		m := testMessage(key)
		m.ChainID = devchain.DefaultChainID
		now := time.Now().UTC()
		m.IssuedAt, m.ExpirationTime = now.Format(time.RFC3339), now.Add(5*time.Minute).Format(time.RFC3339)
		e := testExpect
		if viaResource {
			m.Resources, m.HasResources = []string{identity}, true
		} else {
			e.Ethr = identity
		}
		text := m.String()
		return v.Verify(ctx, text, personalSign(t, key, text), e)
	}
	accept := func(t *testing.T, key *ecdsa.PrivateKey, viaResource bool) {
		t.Helper()
		res, err := login(t, key, viaResource)
		if err != nil {
			t.Fatal(err)
		}
		if res.Subject != identity || res.Ethr != identity || res.Account != "did:pkh:eip155:1337:"+addr(key).Hex() {
			t.Fatalf("result %+v", res)
		}
	}
	refuse := func(t *testing.T, key *ecdsa.PrivateKey) {
		t.Helper()
		res, err := login(t, key, true)
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("result %+v, error %v: want ErrRefused", res, err)
		}
		t.Log(err)
	}
	t.Run("owner via resource", func(t *testing.T) { accept(t, alice, true) })
	t.Run("owner via request field", func(t *testing.T) { accept(t, alice, false) })
	t.Run("sigAuth delegate", func(t *testing.T) { accept(t, bob, true) })
	t.Run("veriKey delegate", func(t *testing.T) { refuse(t, carol) })
	t.Run("stranger", func(t *testing.T) { refuse(t, dave) })
	t.Run("owner changed on chain", func(t *testing.T) {
		if _, err := c.writer.ChangeOwner(ctx, aliceSigner, addr(alice), addr(dave)); err != nil {
			t.Fatal(err)
		}
		refuse(t, alice)
		accept(t, dave, true)
		accept(t, bob, true) // delegates stay with the identity
	})
	t.Run("resource and request disagree", func(t *testing.T) {
		m := testMessage(dave)
		m.ChainID = devchain.DefaultChainID
		now := time.Now().UTC()
		m.IssuedAt = now.Format(time.RFC3339)
		m.ExpirationTime = now.Add(time.Minute).Format(time.RFC3339)
		m.Resources, m.HasResources = []string{identity}, true
		e := testExpect
		e.Ethr = "did:ethr:dev:" + addr(dave).Hex()
		text := m.String()
		if _, err := v.Verify(ctx, text, personalSign(t, dave, text), e); !errors.Is(err, ErrRefused) {
			t.Fatalf("error %v, want ErrRefused", err)
		}
	})
	t.Run("DID on another network", func(t *testing.T) {
		m := testMessage(dave)
		m.ChainID = devchain.DefaultChainID
		now := time.Now().UTC()
		m.IssuedAt = now.Format(time.RFC3339)
		m.ExpirationTime = now.Add(time.Minute).Format(time.RFC3339)
		m.Resources, m.HasResources = []string{"did:ethr:0x1:" + addr(dave).Hex()}, true
		text := m.String()
		if _, err := v.Verify(ctx, text, personalSign(t, dave, text), testExpect); !errors.Is(err, ErrRefused) {
			t.Fatalf("error %v, want ErrRefused", err)
		}
	})
}
