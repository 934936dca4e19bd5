package ethr

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr/registry"
)

// TestReferenceResolver runs ethr-did-resolver itself against the same
// chain and compares every document and metadata with ours, for four DIDs
// at every block. It needs Node.js and a directory whose node_modules holds
// ethr-did-resolver 11.1.3 and did-resolver (CHAINID_ETHR_REFERENCE=DIR);
// it is skipped otherwise. Both resolvers use the wall clock: with
// future=true the chain's timestamps lie ahead of it, so every validTo
// (revocations included) counts as valid in both.
func TestReferenceResolver(t *testing.T) {
	dir := os.Getenv("CHAINID_ETHR_REFERENCE")
	if dir == "" {
		t.Skip("set CHAINID_ETHR_REFERENCE to a directory with node_modules/ethr-did-resolver")
	}
	for _, future := range []bool{false, true} {
		t.Run(fmt.Sprintf("future=%v", future), func(t *testing.T) { compareWithReference(t, dir, future) })
	}
}

func compareWithReference(t *testing.T, dir string, future bool) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	owner, newOwner, pk := testKey(t, "owner"), testKey(t, "new owner"), testKey(t, "pubkey")
	deployer := testKey(t, "deployer")
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{owner, newOwner, pk, deployer} {
		alloc[addr(k)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))}
	}
	sim := simulated.NewBackend(alloc, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost = "127.0.0.1"
		nc.HTTPPort = port
		nc.HTTPModules = []string{"eth", "net", "web3"}
		if future {
			ec.Genesis.Timestamp = genesisTime
		}
	})
	defer sim.Close()
	c := &testChain{t: t, sim: sim, client: sim.Client(), contract: registry.NewEthereumDIDRegistry(), nonces: map[common.Address]uint64{}}
	c.headTime.Store(genesisTime)
	c.registry = crypto.CreateAddress(addr(deployer), 0)
	c.send(deployer, nil, registry.Bytecode(), 3_000_000)
	c.commit()
	id := addr(owner)
	d1, d2, d3 := addr(testKey(t, "d1")), addr(testKey(t, "d2")), addr(testKey(t, "d3"))
	secpPub := crypto.CompressPubkey(&testKey(t, "attr key").PublicKey)
	ed := bytes.Repeat([]byte{0x11}, 32)
	x := append([]byte{0}, bytes.Repeat([]byte{0x22}, 31)...)
	const day = 86400
	c.addDelegate(owner, id, "veriKey", d1, day)
	c.addDelegate(owner, id, "sigAuth", d2, day)
	c.setAttribute(owner, id, "did/pub/Secp256k1/veriKey/hex", secpPub, day)
	c.setAttribute(owner, id, "did/pub/Secp256k1/veriKey", secpPub, day)
	c.setAttribute(owner, id, "did/pub/RSA/veriKey/pem", []byte("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"), day)
	c.setAttribute(owner, id, "did/pub/Ed25519/sigAuth/base64", ed, day)
	c.setAttribute(owner, id, "did/pub/Ed25519/veriKey/jwk", ed, day)
	c.setAttribute(owner, id, "did/pub/X25519/enc/base58", []byte{}, day)
	c.setAttribute(owner, id, "did/pub/Foo", ed, day)
	c.setAttribute(owner, id, "did/pub/Ed25519/veriKey/hex/x", ed, day)
	c.setAttribute(owner, id, "other/thing", ed, day)
	c.commit()
	c.setAttribute(owner, id, "did/pub/Ed25519/veriKey/base58", ed, day)
	c.setAttribute(owner, id, "did/pub/X25519/enc/base64", x, day)
	c.setAttribute(owner, id, "did/svc/HubService", []byte("https://hubs.example.com"), day)
	c.setAttribute(owner, id, "did/svc/Messaging", []byte(`{"uri":"https://m.example.com","b":1,"2":3,"1":[1.50,-0.0000001,123456789012345678901234],"accept":["didcomm/v2"],"n":1e21, "b":2}`), day)
	c.setAttribute(owner, id, "did/svc/Num", []byte(`42`), day)
	c.setAttribute(owner, id, "did/svc/Null", []byte(`null`), day)
	c.setAttribute(owner, id, "did/svc/Bad", []byte{0xff, 0xfe}, day)
	c.setAttribute(owner, id, "did/svc/Str", []byte(`"quoted"`), day)
	c.commit()
	c.addDelegate(owner, id, "veriKey", d3, 10)
	c.addDelegate(owner, id, "veriKey", d2, day)
	c.addDelegate(owner, id, "veriKey", d2, day*2)
	c.addDelegate(owner, id, "other", d2, day*2)
	c.revokeDelegate(owner, id, "veriKey", d1)
	c.revokeAttribute(owner, id, "did/svc/HubService", []byte("https://hubs.example.com"))
	c.commit()
	c.changeOwner(owner, id, addr(newOwner))
	c.setAttribute(newOwner, id, "did/pub/Secp256k1/sigAuth/hex", secpPub, day)
	c.commit()
	c.setAttribute(newOwner, id, "did/svc/HubService", []byte("https://hubs.example.com"), day)
	c.commit()
	// pubkey did, deactivated
	c.setAttribute(pk, addr(pk), "did/svc/X", []byte("https://x"), day)
	c.commit()
	c.changeOwner(pk, addr(pk), common.Address{})
	c.commit()
	c.setAttribute(pk, addr(pk), "did/svc/Y", []byte("https://y"), day)
	c.commit()

	r, err := NewResolver(openStore(t), []Network{{Name: "dev", ChainID: simChainID, Registry: c.registry, Client: c.client}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	pub := "0x" + common.Bytes2Hex(crypto.CompressPubkey(&pk.PublicKey))
	type q struct{ DID, V string }
	var qs []q
	for _, d := range []string{"did:ethr:dev:" + id.Hex(), "did:ethr:0x539:" + id.Hex(), "did:ethr:dev:" + pub, "did:ethr:dev:" + addr(newOwner).Hex()} {
		for _, v := range []string{"", "1", "2", "3", "4", "5", "6", "7", "8", "9"} {
			qs = append(qs, q{d, v})
		}
	}
	var ours []any
	for _, x := range qs {
		doc, meta, err := r.Resolve(context.Background(), did.MustParse(x.DID), did.ResolveOptions{VersionID: x.V})
		if err != nil {
			ours = append(ours, map[string]any{"error": err.Error()})
			continue
		}
		ours = append(ours, result{doc, meta})
	}
	ob, _ := json.Marshal(ours)
	qb, _ := json.Marshal(qs)
	tmp := t.TempDir()
	oursPath, queriesPath := filepath.Join(tmp, "ours.json"), filepath.Join(tmp, "queries.json")
	if err := os.WriteFile(oursPath, ob, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(queriesPath, qb, 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`
const {Resolver} = require('did-resolver'); const {getResolver} = require('ethr-did-resolver');
const fs = require('fs'); const assert = require('assert');
const r = new Resolver(getResolver({networks:[{name:'dev', chainId: 1337, rpcUrl:'http://127.0.0.1:%d', registry:'%s'}]}));
(async () => {
  const qs = JSON.parse(fs.readFileSync(%q)); const ours = JSON.parse(fs.readFileSync(%q));
  let bad = 0;
  for (let i = 0; i < qs.length; i++) {
    const u = qs[i].DID + (qs[i].V ? '?versionId=' + qs[i].V : '');
    const res = await r.resolve(u);
    if (res.didResolutionMetadata.error) { if (!ours[i].error) { bad++; console.log('MISMATCH(err)', u, res.didResolutionMetadata, JSON.stringify(ours[i]).slice(0,200)); } continue; }
    const theirs = {didDocument: res.didDocument, didDocumentMetadata: res.didDocumentMetadata};
    try { assert.deepStrictEqual(ours[i], JSON.parse(JSON.stringify(theirs))); } catch (e) { bad++; console.log('MISMATCH', u, '\nTHEIRS', JSON.stringify(theirs), '\nOURS  ', JSON.stringify(ours[i])); }
  }
  console.log('compared', qs.length, 'mismatches', bad);
})();`, port, c.registry.Hex(), queriesPath, oursPath)
	cmd := exec.Command("node", "-e", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), fmt.Sprintf("compared %d mismatches 0", len(qs))) {
		t.Fatalf("documents differ from ethr-did-resolver:\n%s", out)
	}
}
