package ethr_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
)

func ExampleNewResolver() {
	ctx := context.Background()
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example owner")))
	owner := registry.NewKeySigner(key)
	sim := simulated.NewBackend(types.GenesisAlloc{owner.Address(): {Balance: big.NewInt(params.Ether)}})
	defer sim.Close()
	stop, mined := make(chan struct{}), make(chan struct{})
	defer func() { close(stop); <-mined }() // the miner ends before sim.Close runs
	go func() {                             // the simulated chain mines only on Commit
		defer close(mined)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				sim.Commit()
			}
		}
	}()

	// A registry with one service for the owner's identity.
	wcfg := registry.WriterConfig{ChainID: big.NewInt(1337)}
	regAddr, _, err := registry.Deploy(ctx, sim.Client(), owner, wcfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, _ := registry.NewWriter(sim.Client(), regAddr, wcfg)
	if _, err := w.SetAttribute(ctx, owner, owner.Address(), "did/svc/LinkedDomains", []byte("https://example.com"), 24*time.Hour); err != nil {
		fmt.Println(err)
		return
	}

	// The index lives in the data dir's store.
	dir, _ := os.MkdirTemp("", "ethr-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	r, err := ethr.NewResolver(st, []ethr.Network{
		{Name: "dev", ChainID: big.NewInt(1337), Registry: regAddr, Client: sim.Client()},
	}, ethr.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _, err := r.Resolve(ctx, did.MustParse("did:ethr:dev:"+owner.Address().Hex()), did.ResolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, vm := range doc.VerificationMethod {
		_, frag, _ := strings.Cut(vm.ID, "#")
		fmt.Println(frag, vm.Type, vm.BlockchainAccountID == "eip155:1337:"+owner.Address().Hex())
	}
	for _, s := range doc.Service {
		_, frag, _ := strings.Cut(s.ID, "#")
		fmt.Println(frag, s.Type.Values[0], string(s.ServiceEndpoint))
	}
	// Output:
	// controller EcdsaSecp256k1RecoveryMethod2020 true
	// service-1 LinkedDomains "https://example.com"
}

func ExampleParseDID() {
	network, address, pub, err := ethr.ParseDID(did.MustParse("did:ethr:0x539:0x03fdd57adec3d438ea237fe46b33ee1e016eda6b585c3e27ea66686c2ea5358479"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(network, address.Hex(), len(pub))

	network, address, _, _ = ethr.ParseDID(did.MustParse("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a"))
	fmt.Println(network, address.Hex())

	nets := []ethr.Network{{Name: "dev", ChainID: big.NewInt(1337)}}
	n, ok := ethr.LookupNetwork(nets, "0x539")
	fmt.Println(n.Name, ok)
	// Output:
	// 0x539 0xF3beAC30C498D9E26865F34fCAa57dBB935b0D74 33
	// mainnet 0xB9C5714089478a327F09197987f16f9E5d936E8a
	// dev true
}
