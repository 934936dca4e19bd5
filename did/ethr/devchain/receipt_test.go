package devchain

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// scriptedReader answers TransactionReceipt from a list of errors, then with a
// receipt. It stands in for a node state (indexing in progress) that a real
// node shows only for a moment after start.
type scriptedReader struct {
	errs  []error
	calls int
}

func (s *scriptedReader) TransactionReceipt(ctx context.Context, tx common.Hash) (*types.Receipt, error) {
	s.calls++
	if s.calls <= len(s.errs) {
		return nil, s.errs[s.calls-1]
	}
	return &types.Receipt{TxHash: tx, Status: types.ReceiptStatusSuccessful}, nil
}

// indexingError mimics geth's error as it arrives through the RPC client.
type indexingError struct{}

func (indexingError) Error() string          { return "transaction indexing is in progress" }
func (indexingError) ErrorCode() int         { return -32000 }
func (indexingError) ErrorData() interface{} { return "transaction indexing is in progress" }

func TestWaitReceipt(t *testing.T) {
	boom := errors.New("connection refused")
	tests := []struct {
		name      string
		errs      []error
		wantErr   error
		wantCalls int
	}{
		{name: "immediate", wantCalls: 1},
		{name: "not found then mined", errs: []error{ethereum.NotFound, ethereum.NotFound}, wantCalls: 3},
		{name: "indexing in progress", errs: []error{indexingError{}, indexingError{}, ethereum.NotFound}, wantCalls: 4},
		{name: "indexing as plain message", errs: []error{errors.New("transaction indexing is in progress")}, wantCalls: 2},
		{name: "other error stops", errs: []error{ethereum.NotFound, boom}, wantErr: boom, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &scriptedReader{errs: tt.errs}
			hash := common.HexToHash("0x01")
			receipt, err := WaitReceipt(t.Context(), r, hash)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("WaitReceipt error %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (receipt == nil || receipt.TxHash != hash) {
				t.Fatalf("receipt %+v, want one for %s", receipt, hash)
			}
			if r.calls != tt.wantCalls {
				t.Fatalf("%d calls, want %d", r.calls, tt.wantCalls)
			}
		})
	}
	t.Run("context ends", func(t *testing.T) {
		errs := make([]error, 1000)
		for i := range errs {
			errs[i] = ethereum.NotFound
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := WaitReceipt(ctx, &scriptedReader{errs: errs}, common.Hash{})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "wait for receipt") {
			t.Fatalf("WaitReceipt: %v, want a wrapped deadline error", err)
		}
	})
}
