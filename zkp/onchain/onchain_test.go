package onchain

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/internal/solc/solctest"
	"github.com/chainid/chainid/zkp"
)

// compileVerifier exports the verifier for vk and compiles it with the
// repository's pinned solc-js.
func compileVerifier(t *testing.T, vk *zkp.VerifyingKey) *Artifact {
	t.Helper()
	src, err := Solidity(vk)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Verifier.sol"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	solctest.Compile(t, filepath.Join(dir, "Verifier.sol"), dir, "--allow-warnings")
	b, err := os.ReadFile(filepath.Join(dir, "Verifier.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseArtifact(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Compiler.Version, "0.8.37+") || a.Settings.EVMVersion != "cancun" {
		t.Fatalf("compiled with %s for %s, want solc 0.8.37 for cancun", a.Compiler.Version, a.Settings.EVMVersion)
	}
	return a
}

// witness builds a valid witness with fresh issuer and holder keys and a
// request with one predicate and one disclosed attribute.
func witness(t *testing.T, nonce string) *zkp.Witness {
	t.Helper()
	must := func(e fr.Element, err error) fr.Element {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	issuer, err := zkp.GenerateIssuerKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	secret := must(zkp.NewHolderSecret(nil))
	schema := must(zkp.SchemaElement("https://example.org/schemas/member/v1"))
	var c zkp.Credential
	c.SchemaID = schema
	c.Attributes[0] = zkp.EncodeInteger(30)
	c.Attributes[1] = must(zkp.EncodeString("NL"))
	c.HolderCommitment = zkp.HolderCommitment(secret)
	c.StatusIndex = 77
	c.IssuedAt = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c.ExpiresAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	sig, err := issuer.Sign(&c)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := zkp.NewStatusTree(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Set(76, true); err != nil {
		t.Fatal(err)
	}
	path, err := tree.Path(77)
	if err != nil {
		t.Fatal(err)
	}
	req := zkp.Request{
		IssuerKey:  issuer.Public(),
		SchemaID:   schema,
		Now:        time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		StatusRoot: tree.Root(),
		Scope:      must(zkp.ScopeElement("https://shop.example")),
		Nonce:      must(zkp.NonceElement([]byte(nonce))),
		Audience:   must(zkp.AudienceElement("https://shop.example")),
	}
	req.Disclose[1] = true
	req.Predicates[0] = zkp.Predicate{Attr: 0, Op: zkp.OpGe, Operands: []fr.Element{zkp.EncodeInteger(18)}}
	return &zkp.Witness{Request: req, Credential: c, Signature: sig, HolderSecret: secret, StatusPath: path}
}

// TestOnChainVerify exports the verifier for freshly generated development
// keys, compiles it with solc-js, deploys it on the embedded dev chain and
// checks that a proof from zkp.Prove verifies there (and off chain) while a
// changed public input, a proof of another statement and a non-reduced
// input are refused.
func TestOnChainVerify(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	sys, err := zkp.Compile()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := zkp.Setup(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	artifact := compileVerifier(t, keys.Verifying)
	t.Logf("verifier: %d bytes of runtime code, %s", len(artifact.DeployedBytecode), artifact.Compiler.Version)

	proof, pub, err := zkp.Prove(ctx, keys.Proving, witness(t, "nonce-1"))
	if err != nil {
		t.Fatal(err)
	}
	other, otherPub, err := zkp.Prove(ctx, keys.Proving, witness(t, "nonce-2"))
	if err != nil {
		t.Fatal(err)
	}

	// Calldata is what the compiled ABI encodes for verifyProof.
	contractABI, err := abi.JSON(bytes.NewReader(artifact.ABI))
	if err != nil {
		t.Fatal(err)
	}
	var words [8]*big.Int
	for i := range words {
		words[i] = new(big.Int).SetBytes(proof.MarshalSolidity()[32*i : 32*i+32])
	}
	var inputs [zkp.NbPublicInputs]*big.Int
	copy(inputs[:], pub.Values())
	packed, err := contractABI.Pack("verifyProof", words, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(packed, Calldata(proof, pub)) {
		t.Fatal("Calldata differs from the ABI encoding of verifyProof")
	}

	chain, err := devchain.Start(ctx, devchain.Config{DataDir: t.TempDir(), ListenAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	client := chain.Client()
	addr, receipt, err := Deploy(ctx, client, chain.DevKey(), artifact)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deployed at %s, %d gas", addr, receipt.GasUsed)

	// The valid proof verifies on chain and off chain.
	if err := VerifyProof(ctx, client, addr, proof, pub); err != nil {
		t.Fatalf("valid proof: %v", err)
	}
	if err := zkp.Verify(keys.Verifying, proof, pub); err != nil {
		t.Fatalf("valid proof off chain: %v", err)
	}
	gas, err := client.EstimateGas(ctx, ethereum.CallMsg{To: &addr, Data: Calldata(proof, pub)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verifyProof: %d gas (including the 21,000 base and calldata)", gas)

	// Refusals, each also refused off chain.
	tampered := *pub
	tampered.Nonce, _ = zkp.NonceElement([]byte("nonce-3"))
	cases := []struct {
		name  string
		proof *zkp.Proof
		pub   *zkp.PublicInputs
	}{
		{"changed nonce", proof, &tampered},
		{"proof of another statement", other, pub},
		{"public inputs of another proof", proof, otherPub},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyProof(ctx, client, addr, c.proof, c.pub)
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "ProofInvalid()") {
				t.Fatalf("on chain: %v, want ProofInvalid()", err)
			}
			if err := zkp.Verify(keys.Verifying, c.proof, c.pub); !errors.Is(err, zkp.ErrInvalidProof) {
				t.Fatalf("off chain: %v", err)
			}
		})
	}

	// An input given as its alias x + r is refused, not reduced.
	t.Run("input not reduced", func(t *testing.T) {
		data := Calldata(proof, pub)
		word := data[4+32*8 : 4+32*9] // input[0], the issuer key's x
		alias := new(big.Int).Add(new(big.Int).SetBytes(word), fr.Modulus())
		copy(word, common.BigToHash(alias).Bytes())
		_, err := client.CallContract(ctx, ethereum.CallMsg{To: &addr, Data: data}, nil)
		reason, ok := revertReason(err)
		if !ok || reason != "PublicInputNotInField()" {
			t.Fatalf("aliased input: %v (%q)", err, reason)
		}
	})

	// A contract that is not the verifier answers differently.
	t.Run("not a contract", func(t *testing.T) {
		empty := common.HexToAddress("0x00000000000000000000000000000000000e4e11")
		if err := VerifyProof(ctx, client, empty, proof, pub); err == nil || errors.Is(err, ErrRejected) {
			t.Fatalf("call to an empty account: %v", err)
		}
	})
}
