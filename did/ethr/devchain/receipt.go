package devchain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// ReceiptReader is the one chain call WaitReceipt needs; *ethclient.Client
// satisfies it. TransactionReceipt must return ethereum.NotFound (or the node's
// "transaction indexing is in progress" error) while the transaction is not
// yet in a block, and be safe for concurrent use.
type ReceiptReader interface {
	TransactionReceipt(ctx context.Context, tx common.Hash) (*types.Receipt, error)
}

const (
	firstPoll = 2 * time.Millisecond
	maxPoll   = 500 * time.Millisecond
)

// txIndexingMessage is what geth answers for a receipt while its transaction
// index is still being built (a freshly started node does this for a moment).
const txIndexingMessage = "transaction indexing is in progress"

// WaitReceipt polls r until the receipt of tx is available or ctx ends. It
// treats "not found" and geth's "transaction indexing is in progress" as not
// yet mined and keeps polling; any other error ends the wait. The poll interval
// starts at 2 ms and grows by half each time up to 500 ms, so a local chain
// answers within milliseconds while a remote one is not flooded. It does not
// look at the receipt's status: callers decide what a revert means.
func WaitReceipt(ctx context.Context, r ReceiptReader, tx common.Hash) (*types.Receipt, error) {
	wait := firstPoll
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for receipt of %s: %w", tx, context.Cause(ctx))
		case <-timer.C:
		}
		receipt, err := r.TransactionReceipt(ctx, tx)
		switch {
		case err == nil:
			return receipt, nil
		case errors.Is(err, ethereum.NotFound), isTxIndexing(err):
		case ctx.Err() != nil:
			return nil, fmt.Errorf("wait for receipt of %s: %w", tx, context.Cause(ctx))
		default:
			return nil, fmt.Errorf("wait for receipt of %s: %w", tx, err)
		}
		timer.Reset(wait)
		wait = min(wait+wait/2, maxPoll)
	}
}

// isTxIndexing reports whether err is geth's "transaction indexing is in
// progress" answer, which means "ask again later", not "failed".
func isTxIndexing(err error) bool {
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok && s == txIndexingMessage {
			return true
		}
	}
	return strings.Contains(err.Error(), txIndexingMessage)
}
