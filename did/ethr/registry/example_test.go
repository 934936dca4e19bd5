package registry_test

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/did/ethr/registry"
)

// mine seals a block every few milliseconds until the returned stop function is called: the
// simulated chain only mines on Commit, unlike a dev node or a live network. stop waits for the
// miner to finish, so the backend can be closed after it.
func mine(sim *simulated.Backend) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case <-time.After(5 * time.Millisecond):
				sim.Commit()
			}
		}
	}()
	return func() { close(quit); <-done }
}

func ExampleDeploy() {
	key, _ := crypto.GenerateKey()
	deployer := registry.NewKeySigner(key)
	sim := simulated.NewBackend(types.GenesisAlloc{deployer.Address(): {Balance: big.NewInt(params.Ether)}})
	defer sim.Close()
	defer mine(sim)()

	ctx := context.Background()
	cfg := registry.WriterConfig{ChainID: big.NewInt(1337)} // the simulated backend's chain
	addr, receipt, err := registry.Deploy(ctx, sim.Client(), deployer, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deployed:", addr == receipt.ContractAddress, receipt.Status == types.ReceiptStatusSuccessful)
	// Output: deployed: true true
}

func ExampleNewWriter() {
	ownerKey, _ := crypto.GenerateKey()
	relayerKey, _ := crypto.GenerateKey()
	owner, relayer := registry.NewKeySigner(ownerKey), registry.NewKeySigner(relayerKey)
	// Only the relayer holds ether: the owner signs, the relayer pays.
	sim := simulated.NewBackend(types.GenesisAlloc{relayer.Address(): {Balance: big.NewInt(params.Ether)}})
	defer sim.Close()
	defer mine(sim)()

	ctx := context.Background()
	cfg := registry.WriterConfig{ChainID: big.NewInt(1337)}
	addr, _, err := registry.Deploy(ctx, sim.Client(), relayer, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := registry.NewWriter(sim.Client(), addr, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	identity := owner.Address() // did:ethr:0x539:<identity>; creating it cost nothing
	digest, err := w.SetAttributeDigest(ctx, identity, "did/svc/LinkedDomains", []byte("https://example.com"), 24*time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	sig, err := owner.SignDigest(digest) // done by the owner's wallet in practice
	if err != nil {
		fmt.Println(err)
		return
	}
	receipt, err := w.SetAttributeSigned(ctx, relayer, identity, sig, "did/svc/LinkedDomains", []byte("https://example.com"), 24*time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := registry.NewEthereumDIDRegistry().UnpackDIDAttributeChangedEvent(receipt.Logs[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(registry.DecodeName(ev.Name), string(ev.Value))
	// Output: did/svc/LinkedDomains https://example.com
}
