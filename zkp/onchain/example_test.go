package onchain_test

import (
	"context"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/zkp"
	"github.com/chainid/chainid/zkp/onchain"
)

// Export the verifier for a verifying key, compile it with the pinned
// solc-js, deploy it and verify a proof with eth_call. (Not run: it needs
// node, keys and a chain; TestOnChainVerify runs the same steps.)
func Example() {
	ctx := context.Background()
	keys, err := zkp.LoadKeys("keys", nil, zkp.LoadOptions{SkipProvingKey: true})
	if err != nil {
		log.Fatal(err)
	}
	src, err := onchain.Solidity(keys.Verifying)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "verifier")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "Verifier.sol"), src, 0o644); err != nil {
		log.Fatal(err)
	}
	if out, err := exec.Command("node", "did/ethr/registry/solc/compile.mjs", "--allow-warnings", filepath.Join(dir, "Verifier.sol"), dir).CombinedOutput(); err != nil {
		log.Fatalf("%v: %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "Verifier.json"))
	if err != nil {
		log.Fatal(err)
	}
	artifact, err := onchain.ParseArtifact(b)
	if err != nil {
		log.Fatal(err)
	}
	client, err := ethclient.DialContext(ctx, "http://127.0.0.1:8545")
	if err != nil {
		log.Fatal(err)
	}
	deployer, err := crypto.HexToECDSA(os.Getenv("DEPLOYER_KEY")) // a funded account
	if err != nil {
		log.Fatal(err)
	}
	addr, _, err := onchain.Deploy(ctx, client, deployer, artifact)
	if err != nil {
		log.Fatal(err)
	}

	var proof *zkp.Proof      // from the holder
	var pub *zkp.PublicInputs // rebuilt by the verifier from its request
	if err := onchain.VerifyProof(ctx, client, addr, proof, pub); err != nil {
		log.Fatal(err) // wraps onchain.ErrRejected when the contract refused the proof
	}
}
