// Package onchain verifies zkp proofs in an EVM contract: it exports the
// Groth16 verifier contract for a verifying key (gnark's Solidity
// template), deploys compiled bytecode and checks proofs with eth_call.
//
// It is a separate package so that package zkp does not depend on
// go-ethereum.
//
// # Contract
//
// Solidity(vk) returns the source of a contract named Verifier whose
// verifying key is fixed in its code. Its view function
//
//	verifyProof(uint256[8] proof, uint256[70] input)
//
// returns nothing when the proof is valid and reverts otherwise
// (ProofInvalid(), or PublicInputNotInField() for an input ≥ r). proof is
// zkp.Proof.MarshalSolidity as eight words, input is
// zkp.PublicInputs.Values. Compiling needs solc: the repository's one
// pinned solc-js 0.8.37 (npm ci in did/ethr/registry/solc), run as
// `node did/ethr/registry/solc/compile.mjs --allow-warnings Verifier.sol OUTDIR`
// with evmVersion cancun and the optimizer on, and ParseArtifact reads its
// Verifier.json.
//
// The contract depends on the verifying key, which comes from a setup or a
// ceremony, so no compiled contract is committed: a deployment exports and
// compiles the contract for the key it serves (TestOnChainVerify does so
// with freshly generated development keys).
//
// # Security considerations
//
// The contract checks the pairing equation and that each input is below r,
// nothing else: the canonical-input checks of zkp.Verify (valid issuer key,
// mask and revealed values consistent, well-formed predicate slots) and the
// meaning of the inputs (which issuer, which status root, nonce freshness,
// nullifier uniqueness) are the calling contract's or off-chain verifier's
// job, exactly as for zkp.Verify. A verifier contract is only as
// trustworthy as the key it was exported from: compare
// zkp.VerifyingKey.Digest with the anchored digest before exporting.
package onchain

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/chainid/chainid/internal/solc"
	"github.com/chainid/chainid/zkp"
)

// ErrRejected is returned (wrapped) when the contract refuses a proof (the
// call reverted).
var ErrRejected = errors.New("proof rejected on chain")

// Solidity returns the verifier contract's source for vk.
func Solidity(vk *zkp.VerifyingKey) ([]byte, error) {
	var b strings.Builder
	if err := vk.ExportSolidity(&b); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Artifact is a compiled contract as the repository's compile.mjs writes
// it.
type Artifact = solc.Artifact

// ParseArtifact decodes compile.mjs output and checks it is a Verifier
// with creation code.
func ParseArtifact(b []byte) (*Artifact, error) {
	a, err := solc.Parse(b, "Verifier")
	if err != nil {
		return nil, fmt.Errorf("parse verifier artifact: %w", err)
	}
	return a, nil
}

// Caller runs eth_call and eth_getCode (ethclient.Client satisfies it).
type Caller interface {
	CallContract(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// Backend is what Deploy needs (ethclient.Client satisfies it).
type Backend interface {
	Caller
	ChainID(ctx context.Context) (*big.Int, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
}

// Deploy sends a contract-creation transaction with the artifact's
// bytecode, signed by key, and waits for its receipt (polling until ctx is
// done). It returns the contract's address.
func Deploy(ctx context.Context, b Backend, key *ecdsa.PrivateKey, a *Artifact) (common.Address, *types.Receipt, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	chainID, err := b.ChainID(ctx)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	nonce, err := b.PendingNonceAt(ctx, from)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	head, err := b.HeaderByNumber(ctx, nil)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	gas, err := b.EstimateGas(ctx, ethereum.CallMsg{From: from, Data: a.Bytecode})
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: estimate gas: %w", err)
	}
	tip := big.NewInt(params.GWei)
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas + gas/4, Data: a.Bytecode,
	})
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	if err := b.SendTransaction(ctx, tx); err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	r, err := waitReceipt(ctx, b, tx.Hash())
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy verifier: %w", err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return common.Address{}, r, fmt.Errorf("deploy verifier: transaction %s reverted", tx.Hash())
	}
	return r.ContractAddress, r, nil
}

// waitReceipt polls for a receipt; a node still indexing transactions
// answers with an error, which counts as not yet found.
func waitReceipt(ctx context.Context, b Backend, h common.Hash) (*types.Receipt, error) {
	delay := 5 * time.Millisecond
	for {
		r, err := b.TransactionReceipt(ctx, h)
		if err == nil {
			// A node may serve the receipt before its block is the head
			// (geth's simulated beacon); a call at "latest" must see it.
			head, herr := b.HeaderByNumber(ctx, nil)
			if herr == nil && head.Number.Cmp(r.BlockNumber) >= 0 {
				return r, nil
			}
			if herr != nil {
				err = herr
			} else {
				err = fmt.Errorf("block %s is not the head yet", r.BlockNumber)
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for receipt of %s: %w (last: %w)", h, ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

// verifyProofSelector is the selector of verifyProof(uint256[8],uint256[70]).
var verifyProofSelector = crypto.Keccak256([]byte(fmt.Sprintf("verifyProof(uint256[8],uint256[%d])", zkp.NbPublicInputs)))[:4]

// Calldata returns the ABI-encoded call verifyProof(proof, input): the
// selector, then the eight proof words and the NbPublicInputs input words
// (static arrays, encoded in place).
func Calldata(proof *zkp.Proof, pub *zkp.PublicInputs) []byte {
	out := make([]byte, 0, 4+32*(8+zkp.NbPublicInputs))
	out = append(out, verifyProofSelector...)
	out = append(out, proof.MarshalSolidity()...)
	for _, v := range pub.Values() {
		out = append(out, common.BigToHash(v).Bytes()...)
	}
	return out
}

// VerifyProof calls verifyProof on the contract at addr with eth_call (no
// transaction, no gas paid). It returns nil when the contract accepts the
// proof, an error wrapping ErrRejected when the call reverts, and other
// errors for transport failures and for an address without code (a call
// to an empty account succeeds with no output, exactly like an accepted
// proof, so VerifyProof checks the code exists first).
func VerifyProof(ctx context.Context, c Caller, addr common.Address, proof *zkp.Proof, pub *zkp.PublicInputs) error {
	code, err := c.CodeAt(ctx, addr, nil)
	if err != nil {
		return fmt.Errorf("verify on chain at %s: %w", addr, err)
	}
	if len(code) == 0 {
		return fmt.Errorf("verify on chain at %s: no contract code there", addr)
	}
	// The latest block for both calls: a reorganization between them
	// could only remove the code, and then the call below returns no
	// output; dev chains and verifiers pinned to one address don't reorg
	// that code away.
	out, err := c.CallContract(ctx, ethereum.CallMsg{To: &addr, Data: Calldata(proof, pub)}, nil)
	if err != nil {
		if reason, ok := revertReason(err); ok {
			return fmt.Errorf("verify on chain at %s: %w: %s", addr, ErrRejected, reason)
		}
		return fmt.Errorf("verify on chain at %s: %w", addr, err)
	}
	if len(out) != 0 {
		return fmt.Errorf("verify on chain at %s: unexpected return data %x (not a Verifier contract?)", addr, out)
	}
	return nil
}

// Custom errors of gnark's template, by selector.
var revertNames = map[uint32]string{
	binary.BigEndian.Uint32(crypto.Keccak256([]byte("ProofInvalid()"))[:4]):          "ProofInvalid()",
	binary.BigEndian.Uint32(crypto.Keccak256([]byte("PublicInputNotInField()"))[:4]): "PublicInputNotInField()",
	binary.BigEndian.Uint32(crypto.Keccak256([]byte("CommitmentInvalid()"))[:4]):     "CommitmentInvalid()",
	binary.BigEndian.Uint32(crypto.Keccak256([]byte("Error(string)"))[:4]):           "Error(string)",
	binary.BigEndian.Uint32(crypto.Keccak256([]byte("Panic(uint256)"))[:4]):          "Panic(uint256)",
}

// revertReason recognizes an execution revert (go-ethereum's JSON-RPC error
// carrying the revert data) and names the contract's custom error.
func revertReason(err error) (string, bool) {
	var de interface {
		error
		ErrorData() any
	}
	if !errors.As(err, &de) || !strings.Contains(de.Error(), "execution reverted") {
		return "", false
	}
	s, _ := de.ErrorData().(string)
	data, derr := hexutil.Decode(s)
	if derr != nil || len(data) < 4 {
		return "execution reverted", true
	}
	if name, ok := revertNames[binary.BigEndian.Uint32(data[:4])]; ok {
		return name, true
	}
	return fmt.Sprintf("execution reverted with %x", data[:4]), true
}
