package main

import (
	"context"
	"encoding/json"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/resolver"
)

// cliJSON runs a command with --json and decodes its output into out.
func cliJSON(t *testing.T, env map[string]string, out any, args ...string) {
	t.Helper()
	stdout, _, err := cli(t, env, append(args, "--json")...)
	if err != nil {
		t.Fatalf("chainid %s: %v", strings.Join(args, " "), err)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("chainid %s: output %q: %v", strings.Join(args, " "), stdout, err)
	}
}

// resolveEthr resolves id through the CLI with the global flags and
// returns the result.
func resolveEthr(t *testing.T, flags []string, id string) resolver.Result {
	t.Helper()
	var res resolver.Result
	cliJSON(t, nil, &res, append(slices.Clone(flags), "did", "resolve", id)...)
	if res.Document == nil {
		t.Fatalf("resolve %s: no document", id)
	}
	return res
}

func refIDs(refs []did.VerificationRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.ID)
	}
	return out
}

// ethrLifecycle creates a did:ethr on the embedded dev chain of data and
// runs every update operation, checking the resolved document after each.
func ethrLifecycle(t *testing.T, data string) {
	base := []string{"--data", data}
	run := func(args ...string) string {
		t.Helper()
		out, _, err := cli(t, nil, append(base, args...)...)
		if err != nil {
			t.Fatalf("chainid %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	resolve := func(id string) resolver.Result {
		t.Helper()
		var res resolver.Result
		cliJSON(t, nil, &res, append(base, "did", "resolve", id)...)
		if res.Document == nil {
			t.Fatalf("resolve %s: no document", id)
		}
		return res
	}

	var info api.DIDInfo
	cliJSON(t, nil, &info, append(base, "did", "create", "ethr", "--label", "issuer")...)
	if !strings.HasPrefix(info.DID, "did:ethr:0x539:0x") || info.ChainID != devChainID || info.KeyID == "" ||
		!strings.HasSuffix(info.DID, info.Address) {
		t.Fatalf("created %+v", info)
	}
	id := info.DID
	res := resolve(id)
	if len(res.Document.VerificationMethod) != 1 || res.Document.VerificationMethod[0].BlockchainAccountID != "eip155:1337:"+info.Address {
		t.Fatalf("fresh DID document: %+v", res.Document)
	}

	// add-key publishes a new keystore key under sigAuth.
	var op api.OperationResult
	cliJSON(t, nil, &op, append(base, "did", "update", id, "add-key", "--type", "Ed25519", "--purpose", "sigAuth", "--label", "signing")...)
	if op.DID != id || op.Op != "add-key" || op.KeyID == "" || !strings.HasPrefix(op.TxHash, "0x") || op.Block == 0 {
		t.Fatalf("add-key result %+v", op)
	}
	var keys []api.KeyInfo
	cliJSON(t, nil, &keys, append(base, "did", "list")...)
	i := slices.IndexFunc(keys, func(k api.KeyInfo) bool { return k.ID == op.KeyID })
	if i < 0 || keys[i].DID != id || keys[i].KeyType != "Ed25519" {
		t.Fatalf("added key not listed as bound to %s: %+v", id, keys)
	}
	res = resolve(id)
	if len(res.Document.VerificationMethod) != 2 {
		t.Fatalf("after add-key: %+v", res.Document.VerificationMethod)
	}
	added := res.Document.VerificationMethod[1]
	if added.Type != "Ed25519VerificationKey2018" || len(added.PublicKeyHex) != 64 || !slices.Contains(refIDs(res.Document.Authentication), added.ID) {
		t.Fatalf("added key: %+v, authentication %v", added, refIDs(res.Document.Authentication))
	}
	if res.DocumentMetadata.VersionID != strconv.FormatUint(op.Block, 10) {
		t.Fatalf("versionId %q, want the add-key block %d", res.DocumentMetadata.VersionID, op.Block)
	}

	// add-service.
	out := run("did", "update", id, "add-service", "--type", "LinkedDomains", "--endpoint", "https://issuer.example/", "--validity", "1h")
	if !strings.Contains(out, "add-service in transaction 0x") || !strings.Contains(out, "block") {
		t.Fatalf("add-service output %q", out)
	}
	res = resolve(id)
	if len(res.Document.Service) != 1 || res.Document.Service[0].Type.Values[0] != "LinkedDomains" ||
		string(res.Document.Service[0].ServiceEndpoint) != `"https://issuer.example/"` {
		t.Fatalf("after add-service: %+v", res.Document.Service)
	}

	// revoke-key removes the key (found under the purpose it was published with).
	run("did", "update", id, "revoke-key", "--key", op.KeyID)
	res = resolve(id)
	if len(res.Document.VerificationMethod) != 1 || len(res.Document.Authentication) != 1 {
		t.Fatalf("after revoke-key: %+v", res.Document)
	}
	if _, _, err := cli(t, nil, append(base, "did", "update", id, "revoke-key", "--key", op.KeyID)...); err == nil ||
		!strings.Contains(err.Error(), "not a current key") {
		t.Fatalf("revoking twice: %v", err)
	}

	// set-owner hands the DID to another keystore key, which then signs.
	var other api.DIDInfo
	cliJSON(t, nil, &other, append(base, "did", "create", "ethr", "--chain-name", "dev")...)
	if !strings.HasPrefix(other.DID, "did:ethr:dev:0x") {
		t.Fatalf("--chain-name dev created %s", other.DID)
	}
	run("did", "update", id, "set-owner", "--owner", other.Address)
	res = resolve(id)
	if got := res.Document.VerificationMethod[0].BlockchainAccountID; got != "eip155:1337:"+other.Address {
		t.Fatalf("controller after set-owner: %s", got)
	}
	run("did", "update", id, "add-service", "--type", "Messaging", "--endpoint", "https://msg.example")
	if res = resolve(id); len(res.Document.Service) != 2 {
		t.Fatalf("the new owner's change is missing: %+v", res.Document.Service)
	}

	// deactivate.
	run("did", "update", id, "deactivate")
	res = resolve(id)
	if !res.DocumentMetadata.Deactivated || len(res.Document.VerificationMethod) != 0 {
		t.Fatalf("after deactivate: %+v %+v", res.DocumentMetadata, res.Document)
	}
	_, _, err := cli(t, nil, append(base, "did", "update", id, "add-service", "--type", "X", "--endpoint", "https://x.example")...)
	if err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Fatalf("update after deactivate: %v", err)
	}

	// A DID handed to an account whose key is not here cannot be changed.
	var third api.DIDInfo
	cliJSON(t, nil, &third, append(base, "did", "create", "ethr")...)
	stranger := "0x000000000000000000000000000000000000dEaD"
	run("did", "update", third.DID, "set-owner", "--owner", stranger)
	_, _, err = cli(t, nil, append(base, "did", "update", third.DID, "deactivate")...)
	if err == nil || !strings.Contains(err.Error(), "whose key is not in the keystore") {
		t.Fatalf("update by a former owner: %v", err)
	}
	if res := resolve(third.DID); res.DocumentMetadata.Deactivated {
		t.Fatal("a former owner deactivated the DID")
	}
}

func TestEthrLifecycleLocal(t *testing.T) {
	t.Parallel()
	ethrLifecycle(t, t.TempDir())
}

func TestEthrLifecycleThroughServer(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	base := startServer(t, data)
	ethrLifecycle(t, data)

	// chain status through the server's admin API.
	var st api.ChainStatus
	cliJSON(t, nil, &st, "--data", data, "chain", "status")
	if len(st.Networks) != 1 {
		t.Fatalf("status %+v", st)
	}
	n := st.Networks[0]
	if n.Name != "dev" || n.ChainID != 1337 || !n.Embedded || !n.Default || !n.RegistryDeployed ||
		n.Registry != common.HexToAddress(devRegistryAddress).Hex() || n.Head == nil || *n.Head != 7 ||
		n.IndexTip == nil || *n.IndexTip != *n.Head || n.Relayer == "" || n.RelayerBalance == "" || n.Error != "" {
		t.Fatalf("status %+v", n)
	}
	out, _, err := cli(t, nil, "--data", data, "chain", "status")
	if err != nil || !strings.Contains(out, "0x1056100000000000000000000000000000001056 (deployed)") || !strings.Contains(out, "ETH") {
		t.Fatalf("chain status: %q %v", out, err)
	}

	// The embedded chain serves JSON-RPC on loopback: a resolution through
	// the server and a second server on the same data dir.
	_, _, err = cli(t, nil, "--data", data, "serve", "--addr", "127.0.0.1:0", "--chain-listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second serve: %v", err)
	}
	out, _, err = cli(t, nil, "did", "resolve", "--remote", base, "did:ethr:dev:0x0000000000000000000000000000000000000001")
	if err != nil || !strings.Contains(out, "#controller") {
		t.Fatalf("resolve --remote: %q %v", out, err)
	}
}

// startDevNode runs a dev chain as an external node: its own data dir, its
// JSON-RPC on a free loopback port. It holds a registry at the dev address.
func startDevNode(t *testing.T) *devchain.Chain {
	t.Helper()
	reg := common.HexToAddress(devRegistryAddress)
	c, err := devchain.Start(context.Background(), devchain.Config{
		DataDir: t.TempDir(), ListenAddr: "127.0.0.1:0",
		Predeploy: map[common.Address][]byte{reg: registry.DeployedBytecode()},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// TestEthrRealNetwork uses a dev chain as an external network: --chain-rpc,
// direct transactions paid by the owner, a keystore relayer, and
// `chain deploy`.
func TestEthrRealNetwork(t *testing.T) {
	t.Parallel()
	node := startDevNode(t)
	data := t.TempDir()
	chain := []string{"--data", data, "--chain-rpc", node.RPCURL(), "--chain-id", "1337", "--registry", devRegistryAddress, "--chain-name", "local"}

	var owner api.DIDInfo
	cliJSON(t, nil, &owner, append(chain, "did", "create", "ethr")...)
	if !strings.HasPrefix(owner.DID, "did:ethr:local:0x") {
		t.Fatalf("created %s", owner.DID)
	}
	// Without a relayer the owner pays, and it has nothing yet.
	_, _, err := cli(t, nil, append(chain, "did", "update", owner.DID, "add-service", "--type", "LinkedDomains", "--endpoint", "https://a.example")...)
	if err == nil || !strings.Contains(err.Error(), "insufficient funds") || !strings.Contains(err.Error(), owner.Address) {
		t.Fatalf("unfunded owner: %v", err)
	}
	ctx := context.Background()
	if _, err := node.Fund(ctx, common.HexToAddress(owner.Address), big.NewInt(params.Ether)); err != nil {
		t.Fatal(err)
	}
	var op api.OperationResult
	cliJSON(t, nil, &op, append(chain, "did", "update", owner.DID, "add-service", "--type", "LinkedDomains", "--endpoint", "https://a.example")...)
	bal, err := node.Client().BalanceAt(ctx, common.HexToAddress(owner.Address), nil)
	if err != nil || bal.Cmp(big.NewInt(params.Ether)) >= 0 {
		t.Fatalf("the owner did not pay for its direct transaction: balance %v %v", bal, err)
	}

	// A funded keystore key relays: the owner signs, the relayer pays.
	var relayer api.DIDInfo
	cliJSON(t, nil, &relayer, append(chain, "did", "create", "ethr", "--label", "relayer")...)
	if _, err := node.Fund(ctx, common.HexToAddress(relayer.Address), big.NewInt(params.Ether)); err != nil {
		t.Fatal(err)
	}
	before, _ := node.Client().BalanceAt(ctx, common.HexToAddress(owner.Address), nil)
	withRelayer := append(slices.Clone(chain), "--relayer", relayer.KeyID)
	cliJSON(t, nil, &op, append(withRelayer, "did", "update", owner.DID, "add-key", "--type", "secp256k1")...)
	after, _ := node.Client().BalanceAt(ctx, common.HexToAddress(owner.Address), nil)
	if before.Cmp(after) != 0 {
		t.Fatalf("relayed change charged the owner: %s → %s", before, after)
	}
	res := resolveEthr(t, chain, owner.DID)
	if len(res.Document.Service) != 1 || len(res.Document.VerificationMethod) != 2 ||
		res.Document.VerificationMethod[1].Type != "EcdsaSecp256k1VerificationKey2019" {
		t.Fatalf("document on the external chain: %+v", res.Document)
	}
	// The same DID by chain ID resolves too.
	hexForm := strings.Replace(owner.DID, ":local:", ":0x539:", 1)
	if res := resolveEthr(t, chain, hexForm); len(res.Document.Service) != 1 {
		t.Fatalf("chain-ID form: %+v", res.Document)
	}

	// chain deploy: a second registry from the funded relayer key.
	var dep api.DeployResult
	cliJSON(t, nil, &dep, "--data", data, "chain", "deploy", "--rpc", node.RPCURL(), "--chain-id", "1337", "--key", relayer.KeyID)
	if !common.IsHexAddress(dep.Registry) || dep.Registry == common.HexToAddress(devRegistryAddress).Hex() || dep.Block == 0 || dep.ChainID != 1337 {
		t.Fatalf("deploy %+v", dep)
	}
	code, err := node.Client().CodeAt(ctx, common.HexToAddress(dep.Registry), nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("no code at the deployed registry: %v", err)
	}
	// The new registry is usable at once; the old DID has no history there.
	second := []string{"--data", data, "--chain-rpc", node.RPCURL(), "--chain-id", "1337", "--registry", dep.Registry,
		"--chain-from-block", "1"}
	if res := resolveEthr(t, second, hexForm); len(res.Document.Service) != 0 {
		t.Fatalf("the new registry shows the old registry's service: %+v", res.Document)
	}
	_, _, err = cli(t, nil, "--data", data, "chain", "deploy", "--rpc", node.RPCURL(), "--chain-id", "1", "--key", relayer.KeyID)
	if err == nil || !strings.Contains(err.Error(), "wrong chain: node reports chain id 1337, configured 1") {
		t.Fatalf("deploy with a wrong chain ID: %v", err)
	}
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestChainConfigErrors(t *testing.T) {
	t.Parallel()
	node := startDevNode(t)
	data := t.TempDir()
	chainsFile := func(content string) string {
		p := filepath.Join(t.TempDir(), "chains.json")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	reg := devRegistryAddress
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"node down", []string{"--chain-rpc", "http://" + closedPort(t), "--chain-id", "1337", "--registry", reg, "chain", "status"}, nil, "does not answer"},
		{"node down serve", []string{"--chain-rpc", "http://" + closedPort(t), "--chain-id", "1337", "--registry", reg, "serve", "--addr", "127.0.0.1:0"}, nil, "does not answer"},
		{"wrong chain id", []string{"--chain-rpc", node.RPCURL(), "--chain-id", "5", "--registry", reg, "did", "resolve", "did:ethr:0x5:0x0000000000000000000000000000000000000001"}, nil, "serves chain 1337, not the configured chain 5"},
		{"wrong chain id serve", []string{"--chain-rpc", node.RPCURL(), "--chain-id", "5", "--registry", reg, "serve", "--addr", "127.0.0.1:0"}, nil, "wrong chain"},
		{"no registry code", []string{"--chain-rpc", node.RPCURL(), "--chain-id", "1337", "--registry", "0x0000000000000000000000000000000000001234", "chain", "status"}, nil, "no registry contract"},
		{"rpc without chain id", []string{"--chain-rpc", node.RPCURL(), "--registry", reg, "chain", "status"}, nil, "--chain-id"},
		{"rpc without registry", []string{"--chain-rpc", node.RPCURL(), "--chain-id", "1337", "chain", "status"}, nil, "--registry"},
		{"bad registry", []string{"--chain-rpc", node.RPCURL(), "--chain-id", "1337", "--registry", "0x12", "chain", "status"}, nil, "registry"},
		{"bad rpc scheme", []string{"--chain-rpc", "ftp://x", "--chain-id", "1337", "--registry", reg, "chain", "status"}, nil, "RPC URL"},
		{"chain id without rpc", []string{"--chain-id", "5", "chain", "status"}, nil, "go with --chain-rpc"},
		{"bad env chain id", []string{"chain", "status"}, map[string]string{"CHAINID_CHAIN_ID": "five"}, "CHAINID_CHAIN_ID"},
		{"dev chain name", []string{"--chain-name", "mainnet", "chain", "status"}, nil, `named "dev"`},
		{"bad chain name", []string{"--chain-name", "a b", "chain", "status"}, nil, "network name"},
		{"rpc and chains", []string{"--chain-rpc", node.RPCURL(), "--chains", "x.json", "chain", "status"}, nil, "exclusive"},
		{"chains missing file", []string{"--chains", filepath.Join(t.TempDir(), "none.json"), "chain", "status"}, nil, "--chains"},
		{"chains bad json", []string{"--chains", chainsFile(`{"name":"x"}`), "chain", "status"}, nil, "JSON list"},
		{"chains unknown field", []string{"--chains", chainsFile(`[{"name":"x","chainId":1,"rpcUrl":"http://a","registry":"` + reg + `","extra":1}]`), "chain", "status"}, nil, "extra"},
		{"chains duplicate id", []string{"--chains", chainsFile(`[{"name":"a","chainId":1,"rpcUrl":"http://a","registry":"` + reg + `"},{"name":"b","chainId":1,"rpcUrl":"http://b","registry":"` + reg + `"}]`), "chain", "status"}, nil, "twice"},
		{"chains unknown name", []string{"--chains", chainsFile(`[{"name":"a","chainId":1,"rpcUrl":"http://a","registry":"` + reg + `"}]`), "--chain-name", "b", "chain", "status"}, nil, "names no chain"},
		{"bad chain listen", []string{"serve", "--chain-listen", "nope"}, nil, "--chain-listen"},
		{"update unknown op", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "rename"}, nil, "unknown operation"},
		{"update wrong flag", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "deactivate", "--owner", "0x01"}, nil, "does not take --owner"},
		{"update bad validity", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "add-service", "--type", "A", "--endpoint", "https://a", "--validity", "1500ms"}, nil, "whole seconds"},
		{"update not ethr", []string{"did", "update", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "deactivate"}, nil, "only did:ethr"},
		{"update unknown network", []string{"did", "update", "did:ethr:sepolia:0x0000000000000000000000000000000000000001", "deactivate"}, nil, "sepolia"},
		{"update no key", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "deactivate"}, nil, "no key in the keystore controls"},
		{"update bad owner", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "set-owner", "--owner", "0x0000000000000000000000000000000000000000"}, nil, "use deactivate"},
		{"update x25519", []string{"did", "update", "did:ethr:0x539:0x0000000000000000000000000000000000000001", "add-key", "--type", "X25519"}, nil, "X25519"},
		{"deploy missing flags", []string{"chain", "deploy", "--rpc", node.RPCURL()}, nil, "needs --rpc, --chain-id and --key"},
		{"deploy unknown key", []string{"chain", "deploy", "--rpc", node.RPCURL(), "--chain-id", "1337", "--key", "abc"}, nil, "no key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := cli(t, tc.env, append([]string{"--data", data}, tc.args...)...)
			if err == nil {
				t.Fatal("want an error")
			}
			msg := oneLine(err.Error())
			if !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q does not mention %q", msg, tc.want)
			}
			if time.Since(start) > 20*time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}

	// serve checks the relayer key at start.
	var ed api.KeyInfo
	cliJSON(t, nil, &ed, "--data", data, "did", "create", "key")
	for _, id := range []string{ed.ID, "0123456789abcdef0123456789abcdef"} {
		_, _, err := cli(t, nil, "--data", data, "--relayer", id, "serve", "--addr", "127.0.0.1:0", "--chain-listen", "127.0.0.1:0")
		if err == nil || !strings.Contains(err.Error(), "--relayer") {
			t.Fatalf("serve with relayer %s: %v", id, err)
		}
	}
}
