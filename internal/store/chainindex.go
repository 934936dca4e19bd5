package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	bolt "go.etcd.io/bbolt"
)

// The chain index persists, per chain and registry, the registry events of
// every identity so that a did:ethr resolver reads history from disk instead
// of walking the chain. The did/ethr package declares the interface
// (ethr.IndexStore) and the value types; the types below are aliases of the
// same unnamed struct types, so this package implements the interface
// without importing did/ethr (and go-ethereum with it).

// ChainBlock is a block of an indexed chain: its number, hash and timestamp
// (Unix seconds). It is identical to ethr.IndexedBlock.
type ChainBlock = struct {
	Number uint64
	Hash   [32]byte
	Time   uint64
}

// ChainChange is one indexed registry event: the identity it concerns, the
// block that carried it, its position in the block, and the event payload
// (opaque to the store). It is identical to ethr.IndexedChange.
type ChainChange = struct {
	Identity [20]byte
	Block    ChainBlock
	TxIndex  uint32
	LogIndex uint32
	Event    []byte
}

// Chain index buckets (created by migration 2).
//
// A chain key is the chain ID as 32 bytes big-endian followed by the 20-byte
// registry address: many chains (and registries) share one file.
//
//   - chainindex_tips: chainKey → tip record (the last indexed block).
//   - chainindex_changes: chainKey ‖ identity(20) ‖ block(8) ‖ txIndex(4) ‖
//     logIndex(4) → change record. Big-endian integers, so a prefix scan
//     over chainKey ‖ identity yields one identity's history in chain order.
//   - chainindex_blocks: chainKey ‖ block(8) ‖ txIndex(4) ‖ logIndex(4) →
//     identity(20). The by-block view used to rewind after a reorg and to
//     list the blocks that carried events.
const (
	bucketChainTips    = "chainindex_tips"
	bucketChainChanges = "chainindex_changes"
	bucketChainBlocks  = "chainindex_blocks"

	chainKeyLen    = 32 + 20
	positionLen    = 8 + 4 + 4
	changeKeyLen   = chainKeyLen + 20 + positionLen
	blockKeyLen    = chainKeyLen + positionLen
	blockRecordLen = 8 + 32 + 8
)

// Chain index value encodings, version 1 (valueV1 first):
//
//   - tip: number(8) ‖ hash(32) ‖ time(8).
//   - change: hash(32) ‖ time(8) ‖ event payload.
//   - block: identity(20) ‖ hash(32) ‖ time(8).

// MaxChainEvent bounds the payload of one indexed change.
const MaxChainEvent = 1 << 20

// migrateChainIndex creates the chain index buckets (schema version 2).
func migrateChainIndex(tx *bolt.Tx) error {
	return createBuckets(tx, bucketChainTips, bucketChainChanges, bucketChainBlocks)
}

func chainKey(chainID *big.Int, registry [20]byte) ([]byte, error) {
	if chainID == nil || chainID.Sign() <= 0 || chainID.BitLen() > 256 {
		return nil, fmt.Errorf("chain ID %v is not a positive 256-bit integer", chainID)
	}
	k := make([]byte, chainKeyLen)
	chainID.FillBytes(k[:32])
	copy(k[32:], registry[:])
	return k, nil
}

func appendPosition(b []byte, block uint64, txIndex, logIndex uint32) []byte {
	b = binary.BigEndian.AppendUint64(b, block)
	b = binary.BigEndian.AppendUint32(b, txIndex)
	return binary.BigEndian.AppendUint32(b, logIndex)
}

func encodeChainBlock(b ChainBlock) []byte {
	v := make([]byte, 0, 1+blockRecordLen)
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint64(v, b.Number)
	v = append(v, b.Hash[:]...)
	return binary.BigEndian.AppendUint64(v, b.Time)
}

func decodeChainBlock(v []byte) (ChainBlock, error) {
	if len(v) == 0 || v[0] != valueV1 {
		return ChainBlock{}, fmt.Errorf("%w: chain tip", errValueVersion)
	}
	if len(v) != 1+blockRecordLen {
		return ChainBlock{}, fmt.Errorf("chain tip record is %d bytes, want %d", len(v), 1+blockRecordLen)
	}
	var b ChainBlock
	b.Number = binary.BigEndian.Uint64(v[1:9])
	copy(b.Hash[:], v[9:41])
	b.Time = binary.BigEndian.Uint64(v[41:49])
	return b, nil
}

// ChainIndexTip returns the last indexed block of the registry on the chain;
// ok is false when nothing has been indexed.
func (s *Store) ChainIndexTip(ctx context.Context, chainID *big.Int, registry [20]byte) (tip ChainBlock, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return ChainBlock{}, false, fmt.Errorf("chain index tip: %w", err)
	}
	ck, err := chainKey(chainID, registry)
	if err != nil {
		return ChainBlock{}, false, fmt.Errorf("chain index tip: %w", err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketChainTips)).Get(ck)
		if v == nil {
			return nil
		}
		tip, err = decodeChainBlock(v)
		ok = err == nil
		return err
	})
	if err != nil {
		return ChainBlock{}, false, fmt.Errorf("chain index tip of chain %s: %w", chainID, err)
	}
	return tip, ok, nil
}

// ChainIndexChanges returns the indexed changes of identity in chain order
// (block, transaction index, log index). The result does not alias the file.
func (s *Store) ChainIndexChanges(ctx context.Context, chainID *big.Int, registry [20]byte, identity [20]byte) ([]ChainChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chain index changes: %w", err)
	}
	ck, err := chainKey(chainID, registry)
	if err != nil {
		return nil, fmt.Errorf("chain index changes: %w", err)
	}
	prefix := append(ck, identity[:]...)
	var out []ChainChange
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketChainChanges)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != changeKeyLen {
				return fmt.Errorf("change key is %d bytes, want %d", len(k), changeKeyLen)
			}
			if len(v) < 1+40 || v[0] != valueV1 {
				return fmt.Errorf("%w: change record", errValueVersion)
			}
			var ch ChainChange
			ch.Identity = identity
			pos := k[chainKeyLen+20:]
			ch.Block.Number = binary.BigEndian.Uint64(pos[0:8])
			ch.TxIndex = binary.BigEndian.Uint32(pos[8:12])
			ch.LogIndex = binary.BigEndian.Uint32(pos[12:16])
			copy(ch.Block.Hash[:], v[1:33])
			ch.Block.Time = binary.BigEndian.Uint64(v[33:41])
			ch.Event = bytes.Clone(v[41:])
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chain index changes of %x on chain %s: %w", identity, chainID, err)
	}
	return out, nil
}

// ChainIndexBlocks returns the blocks at or below maxNumber that carried
// indexed events, newest first, at most limit of them. A resolver compares
// their hashes with the chain's to find where a reorg forked.
func (s *Store) ChainIndexBlocks(ctx context.Context, chainID *big.Int, registry [20]byte, maxNumber uint64, limit int) ([]ChainBlock, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chain index blocks: %w", err)
	}
	ck, err := chainKey(chainID, registry)
	if err != nil {
		return nil, fmt.Errorf("chain index blocks: %w", err)
	}
	var out []ChainBlock
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketChainBlocks)).Cursor()
		var k, v []byte
		if maxNumber == ^uint64(0) {
			// Position after the last key of this chain.
			k, _ = c.Seek(append(bytes.Clone(ck), bytes.Repeat([]byte{0xff}, positionLen)...))
		} else {
			k, _ = c.Seek(appendPosition(bytes.Clone(ck), maxNumber+1, 0, 0))
		}
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, ck) && len(out) < limit; k, v = c.Prev() {
			if len(k) != blockKeyLen || len(v) != 1+20+40 || v[0] != valueV1 {
				return fmt.Errorf("%w: block record", errValueVersion)
			}
			n := binary.BigEndian.Uint64(k[chainKeyLen:])
			if n > maxNumber {
				continue
			}
			if len(out) > 0 && out[len(out)-1].Number == n {
				continue
			}
			var b ChainBlock
			b.Number = n
			copy(b.Hash[:], v[21:53])
			b.Time = binary.BigEndian.Uint64(v[53:61])
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chain index blocks of chain %s: %w", chainID, err)
	}
	return out, nil
}

// ChainIndexAppend stores changes and moves the tip forward to tip, in one
// transaction. Every change must lie above the current tip and at or below
// the new one, and the tip must not move backwards (use ChainIndexRewind):
// the index of one chain has one writer at a time.
func (s *Store) ChainIndexAppend(ctx context.Context, chainID *big.Int, registry [20]byte, changes []ChainChange, tip ChainBlock) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("chain index append: %w", err)
	}
	ck, err := chainKey(chainID, registry)
	if err != nil {
		return fmt.Errorf("chain index append: %w", err)
	}
	for i := range changes {
		if len(changes[i].Event) > MaxChainEvent {
			return fmt.Errorf("chain index append: event of %d bytes: %w", len(changes[i].Event), ErrValueTooLarge)
		}
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		tips := tx.Bucket([]byte(bucketChainTips))
		var from uint64
		hasTip := false
		if v := tips.Get(ck); v != nil {
			cur, err := decodeChainBlock(v)
			if err != nil {
				return err
			}
			from, hasTip = cur.Number, true
		}
		if hasTip && tip.Number < from {
			return fmt.Errorf("new tip %d is below the indexed tip %d", tip.Number, from)
		}
		chg := tx.Bucket([]byte(bucketChainChanges))
		blk := tx.Bucket([]byte(bucketChainBlocks))
		for _, c := range changes {
			n := c.Block.Number
			if (hasTip && n <= from) || n > tip.Number {
				return fmt.Errorf("change in block %d is outside (%d, %d]", n, from, tip.Number)
			}
			ckey := appendPosition(append(append(make([]byte, 0, changeKeyLen), ck...), c.Identity[:]...), n, c.TxIndex, c.LogIndex)
			cval := make([]byte, 0, 1+40+len(c.Event))
			cval = append(cval, valueV1)
			cval = append(cval, c.Block.Hash[:]...)
			cval = binary.BigEndian.AppendUint64(cval, c.Block.Time)
			cval = append(cval, c.Event...)
			if err := chg.Put(ckey, cval); err != nil {
				return err
			}
			bkey := appendPosition(append(make([]byte, 0, blockKeyLen), ck...), n, c.TxIndex, c.LogIndex)
			bval := make([]byte, 0, 1+20+40)
			bval = append(bval, valueV1)
			bval = append(bval, c.Identity[:]...)
			bval = append(bval, c.Block.Hash[:]...)
			bval = binary.BigEndian.AppendUint64(bval, c.Block.Time)
			if err := blk.Put(bkey, bval); err != nil {
				return err
			}
		}
		return tips.Put(ck, encodeChainBlock(tip))
	})
	if err != nil {
		return fmt.Errorf("chain index append on chain %s: %w", chainID, err)
	}
	return nil
}

// ChainIndexRewind deletes every change above tip.Number and sets the tip to
// tip, in one transaction. It undoes a reorg: the caller found tip to be the
// newest block it indexed that the chain still has.
func (s *Store) ChainIndexRewind(ctx context.Context, chainID *big.Int, registry [20]byte, tip ChainBlock) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("chain index rewind: %w", err)
	}
	ck, err := chainKey(chainID, registry)
	if err != nil {
		return fmt.Errorf("chain index rewind: %w", err)
	}
	if tip.Number == ^uint64(0) {
		return errors.New("chain index rewind: tip number out of range")
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		chg := tx.Bucket([]byte(bucketChainChanges))
		blk := tx.Bucket([]byte(bucketChainBlocks))
		var doomed [][]byte
		c := blk.Cursor()
		for k, v := c.Seek(appendPosition(bytes.Clone(ck), tip.Number+1, 0, 0)); k != nil && bytes.HasPrefix(k, ck); k, v = c.Next() {
			if len(k) != blockKeyLen || len(v) < 21 || v[0] != valueV1 {
				return fmt.Errorf("%w: block record", errValueVersion)
			}
			doomed = append(doomed, bytes.Clone(k))
			ckey := append(append(append(make([]byte, 0, changeKeyLen), ck...), v[1:21]...), k[chainKeyLen:]...)
			if err := chg.Delete(ckey); err != nil {
				return err
			}
		}
		for _, k := range doomed {
			if err := blk.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte(bucketChainTips)).Put(ck, encodeChainBlock(tip))
	})
	if err != nil {
		return fmt.Errorf("chain index rewind of chain %s to block %d: %w", chainID, tip.Number, err)
	}
	return nil
}
