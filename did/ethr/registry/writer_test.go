package registry

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

var bindings = NewEthereumDIDRegistry()

// events decodes every registry log of a receipt with the generated bindings.
func events(t testing.TB, w *Writer, r *types.Receipt) []any {
	t.Helper()
	abi := bindings.GetABI()
	var out []any
	for _, l := range r.Logs {
		if l.Address != w.Registry() {
			t.Fatalf("log from %s, want registry %s", l.Address.Hex(), w.Registry().Hex())
		}
		var (
			ev  any
			err error
		)
		switch l.Topics[0] {
		case abi.Events["DIDOwnerChanged"].ID:
			ev, err = bindings.UnpackDIDOwnerChangedEvent(l)
		case abi.Events["DIDDelegateChanged"].ID:
			ev, err = bindings.UnpackDIDDelegateChangedEvent(l)
		case abi.Events["DIDAttributeChanged"].ID:
			ev, err = bindings.UnpackDIDAttributeChangedEvent(l)
		default:
			t.Fatalf("unknown event topic %s", l.Topics[0].Hex())
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func oneEvent[T any](t testing.TB, w *Writer, r *types.Receipt) *T {
	t.Helper()
	evs := events(t, w, r)
	if len(evs) != 1 {
		t.Fatalf("receipt has %d events, want 1", len(evs))
	}
	ev, ok := evs[0].(*T)
	if !ok {
		t.Fatalf("event is %T, want %T", evs[0], new(T))
	}
	return ev
}

func name32(t testing.TB, s string) [32]byte {
	t.Helper()
	b, err := EncodeName(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func callBool(t testing.TB, c *testChain, w *Writer, data []byte) bool {
	t.Helper()
	reg := w.Registry()
	out, err := c.CallContract(context.Background(), ethereum.CallMsg{To: &reg, Data: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := bindings.UnpackValidDelegate(out)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func changedAt(t testing.TB, c *testChain, w *Writer, identity common.Address) uint64 {
	t.Helper()
	reg := w.Registry()
	out, err := c.CallContract(context.Background(), ethereum.CallMsg{To: &reg, Data: bindings.PackChanged(identity)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := bindings.UnpackChanged(out)
	if err != nil {
		t.Fatal(err)
	}
	return v.Uint64()
}

func TestDeploy(t *testing.T) {
	c, w := deployed(t)
	code, err := c.CodeAt(context.Background(), w.Registry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(code, DeployedBytecode()) {
		t.Fatalf("code at %s (%d bytes) differs from DeployedBytecode (%d bytes)", w.Registry().Hex(), len(code), len(DeployedBytecode()))
	}
}

// TestDirectOperations walks one identity through every direct operation and checks each event's
// fields, the contract state and the previousChange chain.
func TestDirectOperations(t *testing.T) {
	owner, newOwner, stranger := newAccount(t), newAccount(t), newAccount(t)
	c, w := deployed(t, owner, newOwner, stranger)
	ctx := context.Background()
	id := owner.addr
	delegate := newAccount(t).addr
	value := []byte("https://example.com/hub")

	var lastChange uint64 // block of the identity's previous change
	step := func(t *testing.T, r *types.Receipt, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("status %d", r.Status)
		}
		if got := changedAt(t, c, w, id); got != r.BlockNumber.Uint64() {
			t.Fatalf("changed[identity] = %d, want block %d", got, r.BlockNumber)
		}
	}

	t.Run("AddDelegate", func(t *testing.T) {
		r, err := w.AddDelegate(ctx, owner.signer, id, "veriKey", delegate, time.Hour)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDDelegateChanged](t, w, r)
		want := blockTime(t, c, r.BlockNumber) + 3600
		if ev.Identity != id || ev.DelegateType != name32(t, "veriKey") || ev.Delegate != delegate ||
			ev.ValidTo.Uint64() != want || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v, want validTo %d previousChange %d", ev, want, lastChange)
		}
		if !callBool(t, c, w, bindings.PackValidDelegate(id, name32(t, "veriKey"), delegate)) {
			t.Fatal("validDelegate = false after addDelegate")
		}
		if callBool(t, c, w, bindings.PackValidDelegate(id, name32(t, "sigAuth"), delegate)) {
			t.Fatal("validDelegate(sigAuth) = true, only veriKey was added")
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("RevokeDelegate", func(t *testing.T) {
		r, err := w.RevokeDelegate(ctx, owner.signer, id, "veriKey", delegate)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDDelegateChanged](t, w, r)
		if ev.Delegate != delegate || ev.ValidTo.Uint64() != blockTime(t, c, r.BlockNumber) || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v, want validTo = block time, previousChange %d", ev, lastChange)
		}
		if callBool(t, c, w, bindings.PackValidDelegate(id, name32(t, "veriKey"), delegate)) {
			t.Fatal("validDelegate = true after revokeDelegate")
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("SetAttribute", func(t *testing.T) {
		r, err := w.SetAttribute(ctx, owner.signer, id, "did/svc/HubService", value, 2*time.Hour)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDAttributeChanged](t, w, r)
		if ev.Identity != id || DecodeName(ev.Name) != "did/svc/HubService" || !bytes.Equal(ev.Value, value) ||
			ev.ValidTo.Uint64() != blockTime(t, c, r.BlockNumber)+7200 || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("RevokeAttribute", func(t *testing.T) {
		r, err := w.RevokeAttribute(ctx, owner.signer, id, "did/svc/HubService", value)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDAttributeChanged](t, w, r)
		if !bytes.Equal(ev.Value, value) || ev.ValidTo.Sign() != 0 || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v, want validTo 0", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("ChangeOwner", func(t *testing.T) {
		r, err := w.ChangeOwner(ctx, owner.signer, id, newOwner.addr)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDOwnerChanged](t, w, r)
		if ev.Identity != id || ev.Owner != newOwner.addr || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		got, err := w.IdentityOwner(ctx, id)
		if err != nil || got != newOwner.addr {
			t.Fatalf("IdentityOwner = %s, %v; want %s", got.Hex(), err, newOwner.addr.Hex())
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("FormerOwnerRefused", func(t *testing.T) {
		_, err := w.SetAttribute(ctx, owner.signer, id, "did/svc/HubService", value, time.Hour)
		if !errors.Is(err, ErrNotOwner) {
			t.Fatalf("err = %v, want ErrNotOwner", err)
		}
	})
	t.Run("Deactivate", func(t *testing.T) {
		r, err := w.Deactivate(ctx, newOwner.signer, id)
		step(t, r, err)
		ev := oneEvent[EthereumDIDRegistryDIDOwnerChanged](t, w, r)
		if ev.Owner != (common.Address{}) || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v, want owner 0x0", ev)
		}
		// Documented ERC-1056 behaviour: with no explicit owner stored, the identity owns itself
		// again on chain; resolvers are the ones that treat owner 0x0 as final.
		got, err := w.IdentityOwner(ctx, id)
		if err != nil || got != id {
			t.Fatalf("IdentityOwner after deactivation = %s, %v; want the identity itself", got.Hex(), err)
		}
	})
}

func TestNonOwnerRefused(t *testing.T) {
	owner, stranger := newAccount(t), newAccount(t)
	c, w := deployed(t, owner, stranger)
	ctx := context.Background()
	before, _ := c.PendingNonceAt(ctx, stranger.addr)

	tests := []struct {
		name string
		op   func() (*types.Receipt, error)
	}{
		{"ChangeOwner", func() (*types.Receipt, error) {
			return w.ChangeOwner(ctx, stranger.signer, owner.addr, stranger.addr)
		}},
		{"AddDelegate", func() (*types.Receipt, error) {
			return w.AddDelegate(ctx, stranger.signer, owner.addr, "veriKey", stranger.addr, time.Hour)
		}},
		{"Deactivate", func() (*types.Receipt, error) { return w.Deactivate(ctx, stranger.signer, owner.addr) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.op()
			if r != nil {
				t.Fatalf("got receipt %s, want refusal before sending", r.TxHash.Hex())
			}
			var re *RevertError
			if !errors.As(err, &re) || re.Reason != "bad_actor" || !errors.Is(err, ErrNotOwner) {
				t.Fatalf("err = %v, want RevertError bad_actor", err)
			}
			if re.TxHash != (common.Hash{}) {
				t.Fatalf("TxHash %s, want zero (refused during estimation)", re.TxHash.Hex())
			}
			if !strings.Contains(err.Error(), "not the identity's owner") {
				t.Fatalf("message %q does not explain the revert", err)
			}
		})
	}
	if after, _ := c.PendingNonceAt(ctx, stranger.addr); after != before {
		t.Fatalf("stranger's nonce moved from %d to %d: a refused call was sent", before, after)
	}
}

// TestSignedOperations has an unfunded owner sign every operation and a relayer send them.
func TestSignedOperations(t *testing.T) {
	relayer := newAccount(t)
	owner, owner2 := newAccount(t), newAccount(t) // unfunded: gasless for the owners
	c, w := deployed(t, relayer)
	ctx := context.Background()
	id := owner.addr
	delegate := newAccount(t).addr
	value := []byte{0x02, 0xaa, 0xbb}
	var lastChange uint64

	nonceOf := func(t *testing.T, a common.Address) uint64 {
		t.Helper()
		n, err := w.Nonce(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return n.Uint64()
	}
	relay := func(t *testing.T, signer testAccount, digest common.Hash, digestErr error, send func(Signature) (*types.Receipt, error)) *types.Receipt {
		t.Helper()
		if digestErr != nil {
			t.Fatal(digestErr)
		}
		before := nonceOf(t, signer.addr)
		sig, err := signer.signer.SignDigest(digest)
		if err != nil {
			t.Fatal(err)
		}
		r, err := send(sig)
		if err != nil {
			t.Fatal(err)
		}
		tx, _, err := c.TransactionByHash(ctx, r.TxHash)
		if err != nil {
			t.Fatal(err)
		}
		if from, err := types.Sender(types.LatestSignerForChainID(c.chainID), tx); err != nil || from != relayer.addr {
			t.Fatalf("transaction sent by %s, want relayer %s", from.Hex(), relayer.addr.Hex())
		}
		if got := nonceOf(t, signer.addr); got != before+1 {
			t.Fatalf("owner nonce %d after signed call, want %d", got, before+1)
		}
		return r
	}

	t.Run("AddDelegateSigned", func(t *testing.T) {
		d, err := w.AddDelegateDigest(ctx, id, "sigAuth", delegate, 24*time.Hour)
		r := relay(t, owner, d, err, func(s Signature) (*types.Receipt, error) {
			return w.AddDelegateSigned(ctx, relayer.signer, id, s, "sigAuth", delegate, 24*time.Hour)
		})
		ev := oneEvent[EthereumDIDRegistryDIDDelegateChanged](t, w, r)
		if ev.Identity != id || DecodeName(ev.DelegateType) != "sigAuth" || ev.Delegate != delegate ||
			ev.ValidTo.Uint64() != blockTime(t, c, r.BlockNumber)+86400 || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("RevokeDelegateSigned", func(t *testing.T) {
		d, err := w.RevokeDelegateDigest(ctx, id, "sigAuth", delegate)
		r := relay(t, owner, d, err, func(s Signature) (*types.Receipt, error) {
			return w.RevokeDelegateSigned(ctx, relayer.signer, id, s, "sigAuth", delegate)
		})
		ev := oneEvent[EthereumDIDRegistryDIDDelegateChanged](t, w, r)
		if ev.ValidTo.Uint64() != blockTime(t, c, r.BlockNumber) || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("SetAttributeSigned", func(t *testing.T) {
		d, err := w.SetAttributeDigest(ctx, id, "did/pub/Secp256k1/veriKey/hex", value, time.Hour)
		r := relay(t, owner, d, err, func(s Signature) (*types.Receipt, error) {
			return w.SetAttributeSigned(ctx, relayer.signer, id, s, "did/pub/Secp256k1/veriKey/hex", value, time.Hour)
		})
		ev := oneEvent[EthereumDIDRegistryDIDAttributeChanged](t, w, r)
		if DecodeName(ev.Name) != "did/pub/Secp256k1/veriKey/hex" || !bytes.Equal(ev.Value, value) ||
			ev.ValidTo.Uint64() != blockTime(t, c, r.BlockNumber)+3600 || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("RevokeAttributeSigned", func(t *testing.T) {
		d, err := w.RevokeAttributeDigest(ctx, id, "did/pub/Secp256k1/veriKey/hex", value)
		r := relay(t, owner, d, err, func(s Signature) (*types.Receipt, error) {
			return w.RevokeAttributeSigned(ctx, relayer.signer, id, s, "did/pub/Secp256k1/veriKey/hex", value)
		})
		ev := oneEvent[EthereumDIDRegistryDIDAttributeChanged](t, w, r)
		if ev.ValidTo.Sign() != 0 || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("ChangeOwnerSigned", func(t *testing.T) {
		d, err := w.ChangeOwnerDigest(ctx, id, owner2.addr)
		r := relay(t, owner, d, err, func(s Signature) (*types.Receipt, error) {
			return w.ChangeOwnerSigned(ctx, relayer.signer, id, s, owner2.addr)
		})
		ev := oneEvent[EthereumDIDRegistryDIDOwnerChanged](t, w, r)
		if ev.Owner != owner2.addr || ev.PreviousChange.Uint64() != lastChange {
			t.Fatalf("event %+v", ev)
		}
		lastChange = r.BlockNumber.Uint64()
	})
	t.Run("NewOwnerSignsWithItsOwnNonce", func(t *testing.T) {
		// The digest now hashes nonce[owner2] (0), not the identity's former owner's nonce (5).
		d, err := w.SetAttributeDigest(ctx, id, "did/svc/X", []byte("x"), time.Hour)
		relay(t, owner2, d, err, func(s Signature) (*types.Receipt, error) {
			return w.SetAttributeSigned(ctx, relayer.signer, id, s, "did/svc/X", []byte("x"), time.Hour)
		})
	})
	t.Run("DeactivateSigned", func(t *testing.T) {
		d, err := w.ChangeOwnerDigest(ctx, id, common.Address{})
		r := relay(t, owner2, d, err, func(s Signature) (*types.Receipt, error) {
			return w.ChangeOwnerSigned(ctx, relayer.signer, id, s, common.Address{})
		})
		if ev := oneEvent[EthereumDIDRegistryDIDOwnerChanged](t, w, r); ev.Owner != (common.Address{}) {
			t.Fatalf("owner %s, want 0x0", ev.Owner.Hex())
		}
	})
}

// TestSignedRefused covers signatures that must not be accepted: another key's, a replayed one,
// one over different arguments, and a former owner's.
func TestSignedRefused(t *testing.T) {
	relayer := newAccount(t)
	owner, stranger, newOwner := newAccount(t), newAccount(t), newAccount(t)
	_, w := deployed(t, relayer)
	ctx := context.Background()
	id := owner.addr

	digest, err := w.SetAttributeDigest(ctx, id, "did/svc/A", []byte("a"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ownerSig, err := owner.signer.SignDigest(digest)
	if err != nil {
		t.Fatal(err)
	}
	strangerSig, err := stranger.signer.SignDigest(digest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.SetAttributeSigned(ctx, relayer.signer, id, ownerSig, "did/svc/A", []byte("a"), time.Hour); err != nil {
		t.Fatalf("first use of the owner's signature: %v", err)
	}
	changeDigest, err := w.ChangeOwnerDigest(ctx, id, newOwner.addr)
	if err != nil {
		t.Fatal(err)
	}
	changeSig, err := owner.signer.SignDigest(changeDigest)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := changeSig
	corrupt.V = 29

	tests := []struct {
		name string
		op   func() (*types.Receipt, error)
	}{
		{"WrongSigner", func() (*types.Receipt, error) {
			return w.SetAttributeSigned(ctx, relayer.signer, id, strangerSig, "did/svc/A", []byte("a"), time.Hour)
		}},
		{"Replay", func() (*types.Receipt, error) {
			return w.SetAttributeSigned(ctx, relayer.signer, id, ownerSig, "did/svc/A", []byte("a"), time.Hour)
		}},
		{"OtherArguments", func() (*types.Receipt, error) {
			return w.ChangeOwnerSigned(ctx, relayer.signer, id, changeSig, stranger.addr)
		}},
		{"OtherFunction", func() (*types.Receipt, error) {
			return w.RevokeDelegateSigned(ctx, relayer.signer, id, changeSig, "veriKey", newOwner.addr)
		}},
		{"InvalidV", func() (*types.Receipt, error) {
			return w.ChangeOwnerSigned(ctx, relayer.signer, id, corrupt, newOwner.addr)
		}},
		{"ZeroSignatureForIdentityZero", func() (*types.Receipt, error) {
			return w.ChangeOwnerSigned(ctx, relayer.signer, common.Address{}, Signature{V: 27}, stranger.addr)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.op()
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("err = %v, want ErrBadSignature", err)
			}
			if !strings.Contains(err.Error(), "bad_signature") {
				t.Fatalf("message %q lacks the revert reason", err)
			}
		})
	}
	// The owner's change signature is still good: none of the refusals consumed its nonce.
	if _, err := w.ChangeOwnerSigned(ctx, relayer.signer, id, changeSig, newOwner.addr); err != nil {
		t.Fatalf("valid signature after refusals: %v", err)
	}
	t.Run("FormerOwner", func(t *testing.T) {
		// Correct digest for the current owner's nonce, but signed by the former owner.
		d := DigestChangeOwner(w.Registry(), big.NewInt(0), id, owner.addr)
		sig, err := owner.signer.SignDigest(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ChangeOwnerSigned(ctx, relayer.signer, id, sig, owner.addr); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("err = %v, want ErrBadSignature", err)
		}
	})
}

func TestInsufficientFunds(t *testing.T) {
	poor, rich := newAccount(t), newAccount(t)
	c, w := deployed(t, rich)
	ctx := context.Background()
	// Give poor a single wei.
	if _, err := sendValue(ctx, c, rich, poor.addr, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	broke := newAccount(t)
	tests := []struct {
		name    string
		acct    testAccount
		balance int64
	}{
		{"Empty", broke, 0},
		{"OneWei", poor, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.SetAttribute(ctx, tt.acct.signer, tt.acct.addr, "did/svc/A", []byte("a"), time.Hour)
			var fe *InsufficientFundsError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want InsufficientFundsError", err)
			}
			if fe.Account != tt.acct.addr || fe.Balance.Int64() != tt.balance || fe.Need.Cmp(fe.Balance) <= 0 {
				t.Fatalf("error fields %+v", fe)
			}
			want := "insufficient funds: account " + tt.acct.addr.Hex() + " has " + big.NewInt(tt.balance).String() + " wei, needs "
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("message %q, want it to contain %q", err, want)
			}
		})
	}
}

func sendValue(ctx context.Context, c *testChain, from testAccount, to common.Address, value *big.Int) (*types.Receipt, error) {
	nonce, err := c.PendingNonceAt(ctx, from.addr)
	if err != nil {
		return nil, err
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	tx, err := from.signer.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: c.chainID, Nonce: nonce, GasTipCap: big.NewInt(1e9),
		GasFeeCap: new(big.Int).Add(big.NewInt(1e9), new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas:       21000, To: &to, Value: value,
	}), c.chainID)
	if err != nil {
		return nil, err
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		return nil, err
	}
	return c.TransactionReceipt(ctx, tx.Hash())
}

// TestConsecutiveBlocks updates one identity in two consecutive blocks, the case where a gas
// estimate taken against the latest block is too low (see DefaultGasMargin). Re-adding the same
// delegate is the worst case: both of its storage writes are no-ops in the estimate's block.
func TestConsecutiveBlocks(t *testing.T) {
	plain := func(e uint64) uint64 { return e }
	notesMargin := func(e uint64) uint64 { return e + e/4 + 5000 }
	tests := []struct {
		name       string
		latestOnly bool
		margin     func(uint64) uint64
		attribute  bool // setAttribute instead of re-adding a delegate
		wantOOG    bool
	}{
		{name: "PendingEstimate/DefaultMargin"},
		{name: "LatestEstimate/DefaultMargin", latestOnly: true},
		{name: "LatestEstimate/DefaultMargin/Attribute", latestOnly: true, attribute: true},
		{name: "LatestEstimate/NoMargin/Attribute", latestOnly: true, margin: plain, attribute: true, wantOOG: true},
		{name: "LatestEstimate/Margin1.25+5000", latestOnly: true, margin: notesMargin, wantOOG: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := newAccount(t)
			c, w0 := deployed(t, owner)
			var backend Backend = c
			if tt.latestOnly {
				backend = latestOnly{c}
			}
			w, err := NewWriter(backend, w0.Registry(), WriterConfig{ChainID: c.chainID, GasMargin: tt.margin})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			delegate := newAccount(t).addr
			op := func() (*types.Receipt, error) {
				if tt.attribute {
					return w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/A", []byte("a"), time.Hour)
				}
				return w.AddDelegate(ctx, owner.signer, owner.addr, "veriKey", delegate, time.Hour)
			}
			r1, err := op()
			if err != nil {
				t.Fatal(err)
			}
			r2, err := op()
			if tt.wantOOG {
				var re *RevertError
				if !errors.As(err, &re) || !strings.Contains(re.Reason, "out of gas") || re.TxHash == (common.Hash{}) {
					t.Fatalf("err = %v, want an on-chain out-of-gas revert", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r2.BlockNumber.Uint64() != r1.BlockNumber.Uint64()+1 {
				t.Fatalf("blocks %d and %d are not consecutive", r1.BlockNumber, r2.BlockNumber)
			}
			if prev := previousChange(t, r2.Logs[0]); prev != r1.BlockNumber.Uint64() {
				t.Fatalf("previousChange %d, want %d", prev, r1.BlockNumber)
			}
		})
	}
}

// TestSeveralEventsInOneBlock sends three updates of one identity from one sender concurrently,
// then mines them in a single block: the Writer must hand out consecutive nonces, and the events
// must chain previousChange the way resolvers expect (the 2nd and 3rd point at their own block).
func TestSeveralEventsInOneBlock(t *testing.T) {
	owner := newAccount(t)
	c, w := deployed(t, owner)
	ctx := context.Background()
	c.auto.Store(false)
	base, err := c.PendingNonceAt(ctx, owner.addr)
	if err != nil {
		t.Fatal(err)
	}
	ops := []func() (*types.Receipt, error){
		func() (*types.Receipt, error) {
			return w.AddDelegate(ctx, owner.signer, owner.addr, "veriKey", newAccount(t).addr, time.Hour)
		},
		func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/A", []byte("a"), time.Hour)
		},
		func() (*types.Receipt, error) {
			return w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/B", []byte("b"), time.Hour)
		},
	}
	receipts := make([]*types.Receipt, len(ops))
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			receipts[i], errs[i] = op()
		}()
	}
	waitPending(t, c, owner.addr, base+uint64(len(ops)))
	c.Commit()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	block := receipts[0].BlockNumber
	var all []*types.Log
	for _, r := range receipts {
		if r.BlockNumber.Cmp(block) != 0 {
			t.Fatalf("receipts in blocks %s and %s, want one block", block, r.BlockNumber)
		}
		all = append(all, r.Logs...)
	}
	logs, err := c.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: block, ToBlock: block, Addresses: []common.Address{w.Registry()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != len(ops) || len(all) != len(ops) {
		t.Fatalf("%d logs in the block, want %d", len(logs), len(ops))
	}
	for i, l := range logs {
		prev := previousChange(t, &l)
		want := block.Uint64()
		if i == 0 {
			want = 0 // the identity's first change ever
		}
		if prev != want {
			t.Fatalf("log %d previousChange %d, want %d", i, prev, want)
		}
	}
	if got := changedAt(t, c, w, owner.addr); got != block.Uint64() {
		t.Fatalf("changed = %d, want %d", got, block)
	}
}

func previousChange(t testing.TB, l *types.Log) uint64 {
	t.Helper()
	if ev, err := bindings.UnpackDIDAttributeChangedEvent(l); err == nil {
		return ev.PreviousChange.Uint64()
	}
	if ev, err := bindings.UnpackDIDDelegateChangedEvent(l); err == nil {
		return ev.PreviousChange.Uint64()
	}
	if ev, err := bindings.UnpackDIDOwnerChangedEvent(l); err == nil {
		return ev.PreviousChange.Uint64()
	}
	t.Fatalf("log with topic %s is no registry event", l.Topics[0].Hex())
	return 0
}

// TestConcurrentSenders runs several operations of one relayer at once on an auto-mining chain.
func TestConcurrentSenders(t *testing.T) {
	relayer := newAccount(t)
	_, w := deployed(t, relayer)
	ctx := context.Background()
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		owner := newAccount(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := w.SetAttributeDigest(ctx, owner.addr, "did/svc/A", []byte{byte(i)}, time.Hour)
			if err != nil {
				errs[i] = err
				return
			}
			sig, err := owner.signer.SignDigest(d)
			if err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = w.SetAttributeSigned(ctx, relayer.signer, owner.addr, sig, "did/svc/A", []byte{byte(i)}, time.Hour)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestWrongChain(t *testing.T) {
	owner := newAccount(t)
	c, good := deployed(t, owner)
	w, err := NewWriter(c, good.Registry(), WriterConfig{ChainID: big.NewInt(1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = w.ChangeOwner(ctx, owner.signer, owner.addr, owner.addr)
	if !errors.Is(err, ErrWrongChain) || !strings.Contains(err.Error(), "chain id 1337, configured 1") {
		t.Fatalf("ChangeOwner err = %v, want ErrWrongChain naming both chain IDs", err)
	}
	if _, err := w.ChangeOwnerDigest(ctx, owner.addr, owner.addr); !errors.Is(err, ErrWrongChain) {
		t.Fatalf("ChangeOwnerDigest err = %v, want ErrWrongChain", err)
	}
	if _, _, err := Deploy(ctx, c, owner.signer, WriterConfig{ChainID: big.NewInt(1)}); !errors.Is(err, ErrWrongChain) {
		t.Fatalf("Deploy err = %v, want ErrWrongChain", err)
	}
}

func TestNoRegistry(t *testing.T) {
	owner := newAccount(t)
	c := newTestChain(t, owner)
	w, err := NewWriter(c, common.HexToAddress("0x00000000000000000000000000000000000000aa"), WriterConfig{ChainID: c.chainID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ChangeOwner(context.Background(), owner.signer, owner.addr, owner.addr); !errors.Is(err, ErrNoRegistry) {
		t.Fatalf("err = %v, want ErrNoRegistry", err)
	}
}

func TestNewWriterConfig(t *testing.T) {
	c := newTestChain(t)
	tests := []struct {
		name    string
		backend Backend
		cfg     WriterConfig
	}{
		{"NoChainID", c, WriterConfig{}},
		{"ZeroChainID", c, WriterConfig{ChainID: big.NewInt(0)}},
		{"NilBackend", nil, WriterConfig{ChainID: big.NewInt(1337)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewWriter(tt.backend, common.Address{1}, tt.cfg); err == nil {
				t.Fatal("NewWriter accepted an invalid configuration")
			}
		})
	}
}

func TestInvalidArguments(t *testing.T) {
	owner := newAccount(t)
	_, w := deployed(t, owner)
	ctx := context.Background()
	long := strings.Repeat("x", 33)
	tests := []struct {
		name string
		op   func() error
	}{
		{"LongDelegateType", func() error {
			_, err := w.AddDelegate(ctx, owner.signer, owner.addr, long, owner.addr, time.Hour)
			return err
		}},
		{"EmptyName", func() error {
			_, err := w.SetAttribute(ctx, owner.signer, owner.addr, "", []byte("a"), time.Hour)
			return err
		}},
		{"LongAttributeName", func() error {
			_, err := w.RevokeAttribute(ctx, owner.signer, owner.addr, long, nil)
			return err
		}},
		{"ZeroValidity", func() error {
			_, err := w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/A", []byte("a"), 0)
			return err
		}},
		{"SubSecondValidity", func() error {
			_, err := w.AddDelegateDigest(ctx, owner.addr, "veriKey", owner.addr, time.Millisecond)
			return err
		}},
		{"NilSigner", func() error {
			_, err := w.ChangeOwner(ctx, nil, owner.addr, owner.addr)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestReceiptTimeout(t *testing.T) {
	owner := newAccount(t)
	c, w0 := deployed(t, owner)
	w, err := NewWriter(c, w0.Registry(), WriterConfig{ChainID: c.chainID, ReceiptTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.auto.Store(false)
	ctx := context.Background()
	_, err = w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/A", []byte("a"), time.Hour)
	var te *ReceiptTimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ReceiptTimeoutError", err)
	}
	c.Commit()
	r, err := c.TransactionReceipt(ctx, te.TxHash)
	if err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction %s after mining: %v", te.TxHash.Hex(), err)
	}
	// The Writer recovers: the next operation gets the next nonce.
	c.auto.Store(true)
	if _, err := w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/B", []byte("b"), time.Hour); err != nil {
		t.Fatal(err)
	}
}

func TestConfirmations(t *testing.T) {
	owner := newAccount(t)
	c, w0 := deployed(t, owner)
	w, err := NewWriter(c, w0.Registry(), WriterConfig{ChainID: c.chainID, Confirmations: 2})
	if err != nil {
		t.Fatal(err)
	}
	c.auto.Store(false)
	done := make(chan struct{})
	mined := make(chan struct{})
	go func() { // a miner producing a block every few milliseconds
		defer close(mined)
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				c.Commit()
			}
		}
	}()
	r, err := w.SetAttribute(context.Background(), owner.signer, owner.addr, "did/svc/A", []byte("a"), time.Hour)
	close(done)
	<-mined
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if head.Number.Uint64() < r.BlockNumber.Uint64()+2 {
		t.Fatalf("returned at head %d for a receipt in block %d with 2 confirmations", head.Number, r.BlockNumber)
	}
}

// TestRevertedOnChain mines an owner change and a later update by the former owner in one block:
// the update passed estimation but reverts on chain, and the error says why.
func TestRevertedOnChain(t *testing.T) {
	owner, newOwner := newAccount(t), newAccount(t)
	c, w := deployed(t, owner)
	ctx := context.Background()
	c.auto.Store(false)
	base, err := c.PendingNonceAt(ctx, owner.addr)
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg            sync.WaitGroup
		changeErr     error
		updateReceipt *types.Receipt
		updateErr     error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, changeErr = w.ChangeOwner(ctx, owner.signer, owner.addr, newOwner.addr)
	}()
	waitPending(t, c, owner.addr, base+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		updateReceipt, updateErr = w.SetAttribute(ctx, owner.signer, owner.addr, "did/svc/A", []byte("a"), time.Hour)
	}()
	waitPending(t, c, owner.addr, base+2)
	c.Commit()
	wg.Wait()
	if changeErr != nil {
		t.Fatal(changeErr)
	}
	var re *RevertError
	if !errors.As(updateErr, &re) || !errors.Is(updateErr, ErrNotOwner) || re.TxHash == (common.Hash{}) {
		t.Fatalf("err = %v, want an on-chain bad_actor revert", updateErr)
	}
	if updateReceipt == nil || updateReceipt.Status != types.ReceiptStatusFailed || updateReceipt.TxHash != re.TxHash {
		t.Fatalf("want the failed receipt returned with the error, got %+v", updateReceipt)
	}
}
