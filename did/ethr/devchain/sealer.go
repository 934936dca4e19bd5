package devchain

import (
	"log/slog"
	"sync"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
)

// maxEmptySeals bounds the blocks sealed in a row without a transaction while
// the pool still reports executable transactions (for example one whose fee
// cap is below the base fee, which only drops block by block); the sealer then
// waits for the next arriving transaction instead of spinning.
const maxEmptySeals = 8

// sealer seals a block through the simulated beacon whenever the transaction
// pool holds executable transactions, and never otherwise. It replaces the
// beacon API's own period-0 loop, which seals an extra empty block whenever a
// transaction arrives while the previous block is being sealed (every
// transaction of a sequential client, since each waits for the previous
// receipt), and so doubles the chain and pushes block timestamps ahead of the
// clock (each block is at least one second after its parent).
//
// It is a node.Lifecycle: the node starts it after the Ethereum service and
// stops it before.
type sealer struct {
	beacon *catalyst.SimulatedBeacon
	eth    *eth.Ethereum
	log    *slog.Logger

	quit chan struct{}
	wg   sync.WaitGroup
}

func newSealer(beacon *catalyst.SimulatedBeacon, backend *eth.Ethereum, log *slog.Logger) *sealer {
	return &sealer{beacon: beacon, eth: backend, log: log, quit: make(chan struct{})}
}

// Start subscribes to new pool transactions and starts sealing.
func (s *sealer) Start() error {
	newTxs := make(chan core.NewTxsEvent)
	sub := s.eth.TxPool().SubscribeTransactions(newTxs, true)
	wake := make(chan struct{}, 1)
	s.wg.Add(2)
	// The receiver never blocks, so the pool's event feed never waits on us.
	go func() {
		defer s.wg.Done()
		defer sub.Unsubscribe()
		defer close(wake)
		for {
			select {
			case <-s.quit:
				return
			case <-sub.Err():
				return
			case <-newTxs:
				select {
				case wake <- struct{}{}:
				default: // a seal is already due
				}
			}
		}
	}()
	go func() {
		defer s.wg.Done()
		for range wake {
			s.sealPending()
		}
	}()
	// Transactions may have entered the pool before the subscription.
	select {
	case wake <- struct{}{}:
	default:
	}
	return nil
}

// sealPending seals blocks until the pool has no executable transaction.
func (s *sealer) sealPending() {
	pool, chain := s.eth.TxPool(), s.eth.BlockChain()
	for empty := 0; empty < maxEmptySeals; {
		select {
		case <-s.quit:
			return
		default:
		}
		// Sync waits for the pool to catch up with the last sealed block,
		// so Stats does not count transactions that are already mined.
		if err := pool.Sync(); err != nil {
			return // pool terminated: the node is stopping
		}
		if executable, _ := pool.Stats(); executable == 0 {
			return
		}
		s.beacon.Commit()
		if chain.CurrentBlock().GasUsed == 0 {
			empty++
		} else {
			empty = 0
		}
	}
	s.log.Warn("dev chain: executable transactions were not included in a block; waiting for the next transaction")
}

// Stop stops sealing and waits for an ongoing seal to finish.
func (s *sealer) Stop() error {
	close(s.quit)
	s.wg.Wait()
	return nil
}
