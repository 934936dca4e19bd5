package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	bolt "go.etcd.io/bbolt"
)

// Status lists persist, per group (the credentials/status package uses one
// group per issuer and status purpose), a sequence of bitstring status lists.
// Each list records which indexes have been handed out (allocated) and the
// status bit of each index. An allocation commits before its index is
// returned, so an index is never handed out twice, even across a crash.
//
// Bucket status_lists (created by migration 3): key = group length (2 bytes
// big-endian) ‖ group ‖ sequence (4 bytes big-endian), so a prefix scan over
// length ‖ group yields one group's lists in sequence order.
//
// Value, version 1: valueV1 ‖ size in bits (4) ‖ allocated count (4) ‖
// allocation bitmap (size/8) ‖ status bitmap (size/8). Bit i of a bitmap is
// the most significant bit of byte i/8 shifted right by i%8 (the Bitstring
// Status List order).
const bucketStatusLists = "status_lists"

// Status list limits.
const (
	// MaxStatusGroup bounds the length of a status list group name.
	MaxStatusGroup = 1024
	// MinStatusListBits and MaxStatusListBits bound the size of one list.
	MinStatusListBits = 8
	MaxStatusListBits = 1 << 26
)

// migrateStatusLists creates the status list bucket (schema version 3).
func migrateStatusLists(tx *bolt.Tx) error {
	return createBuckets(tx, bucketStatusLists)
}

func statusGroupPrefix(group string) ([]byte, error) {
	if group == "" || len(group) > MaxStatusGroup {
		return nil, fmt.Errorf("status list group of %d bytes: want 1 to %d", len(group), MaxStatusGroup)
	}
	k := binary.BigEndian.AppendUint16(nil, uint16(len(group)))
	return append(k, group...), nil
}

func statusListKey(group string, seq uint32) ([]byte, error) {
	k, err := statusGroupPrefix(group)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(k, seq), nil
}

// statusList is a decoded list value. Its bitmaps alias a fresh copy, never
// bbolt memory.
type statusList struct {
	size      int
	allocated int
	alloc     []byte
	status    []byte
}

func newStatusList(size int) *statusList {
	return &statusList{size: size, alloc: make([]byte, size/8), status: make([]byte, size/8)}
}

func (l *statusList) encode() []byte {
	v := make([]byte, 0, 9+2*len(l.alloc))
	v = append(v, valueV1)
	v = binary.BigEndian.AppendUint32(v, uint32(l.size))
	v = binary.BigEndian.AppendUint32(v, uint32(l.allocated))
	v = append(v, l.alloc...)
	return append(v, l.status...)
}

func decodeStatusList(v []byte) (*statusList, error) {
	if len(v) == 0 || v[0] != valueV1 {
		return nil, fmt.Errorf("%w: status list", errValueVersion)
	}
	if len(v) < 9 {
		return nil, errors.New("status list record is truncated")
	}
	size := int(binary.BigEndian.Uint32(v[1:5]))
	n := size / 8
	if size < MinStatusListBits || size > MaxStatusListBits || size%8 != 0 || len(v) != 9+2*n {
		return nil, fmt.Errorf("status list record of %d bytes does not hold %d bits", len(v), size)
	}
	l := &statusList{size: size, allocated: int(binary.BigEndian.Uint32(v[5:9]))}
	buf := make([]byte, 2*n)
	copy(buf, v[9:])
	l.alloc, l.status = buf[:n:n], buf[n:]
	if l.allocated > size {
		return nil, errors.New("status list record counts more allocations than bits")
	}
	return l, nil
}

func getBit(b []byte, i int) bool { return b[i/8]&(0x80>>(i%8)) != 0 }

func setBit(b []byte, i int, v bool) {
	if v {
		b[i/8] |= 0x80 >> (i % 8)
	} else {
		b[i/8] &^= 0x80 >> (i % 8)
	}
}

// nthFree returns the index of the n-th (0-based) unallocated bit.
func (l *statusList) nthFree(n int) int {
	for i, b := range l.alloc {
		free := 8 - bits.OnesCount8(b)
		if n >= free {
			n -= free
			continue
		}
		for j := range 8 {
			if b&(0x80>>j) == 0 {
				if n == 0 {
					return i*8 + j
				}
				n--
			}
		}
	}
	return -1 // not reached when n < size-allocated
}

// AllocateStatusIndex hands out an unused index of the newest list in
// group and records it as allocated before returning. The index is the
// (r mod free)-th free index of that list, so a uniformly random r gives a
// uniformly random free index. When the group has no list yet, or its
// newest list is full, a new list of size bits (a multiple of 8) is created
// in the same transaction with the next sequence number (0 for the first).
// It returns the list's sequence number and the index.
func (s *Store) AllocateStatusIndex(ctx context.Context, group string, size int, r uint64) (seq uint32, index int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("allocate status index: %w", err)
	}
	if size < MinStatusListBits || size > MaxStatusListBits || size%8 != 0 {
		return 0, 0, fmt.Errorf("allocate status index: list size %d is not a multiple of 8 in [%d, %d]", size, MinStatusListBits, MaxStatusListBits)
	}
	prefix, err := statusGroupPrefix(group)
	if err != nil {
		return 0, 0, fmt.Errorf("allocate status index: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketStatusLists))
		var l *statusList
		key, v := lastWithPrefix(b.Cursor(), prefix)
		switch {
		case key == nil:
			seq, l = 0, newStatusList(size)
		default:
			seq = binary.BigEndian.Uint32(key[len(prefix):])
			if l, err = decodeStatusList(v); err != nil {
				return fmt.Errorf("list %d: %w", seq, err)
			}
			if l.allocated >= l.size {
				if seq == ^uint32(0) {
					return errors.New("the group has no sequence number left")
				}
				seq, l = seq+1, newStatusList(size)
			}
		}
		index = l.nthFree(int(r % uint64(l.size-l.allocated)))
		setBit(l.alloc, index, true)
		l.allocated++
		return b.Put(binary.BigEndian.AppendUint32(prefix, seq), l.encode())
	})
	if err != nil {
		return 0, 0, fmt.Errorf("allocate status index in %q: %w", group, err)
	}
	return seq, index, nil
}

// lastWithPrefix returns the last key/value whose key is prefix ‖ 4 bytes.
func lastWithPrefix(c *bolt.Cursor, prefix []byte) ([]byte, []byte) {
	end := binary.BigEndian.AppendUint32(append([]byte(nil), prefix...), ^uint32(0))
	k, v := c.Seek(end)
	switch {
	case k == nil:
		k, v = c.Last()
	case string(k) != string(end):
		k, v = c.Prev()
	}
	if k == nil || len(k) != len(prefix)+4 || string(k[:len(prefix)]) != string(prefix) {
		return nil, nil
	}
	return k, v
}

// SetStatusBits sets the status bit of every index in indexes to value, in
// one transaction: all change or none. ok is false, and nothing changes,
// when the list does not exist or an index is out of range or was never
// allocated.
func (s *Store) SetStatusBits(ctx context.Context, group string, seq uint32, indexes []int, value bool) (ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("set status bits: %w", err)
	}
	key, err := statusListKey(group, seq)
	if err != nil {
		return false, fmt.Errorf("set status bits: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketStatusLists))
		v := b.Get(key)
		if v == nil {
			return nil
		}
		l, err := decodeStatusList(v)
		if err != nil {
			return err
		}
		for _, i := range indexes {
			if i < 0 || i >= l.size || !getBit(l.alloc, i) {
				return nil
			}
		}
		for _, i := range indexes {
			setBit(l.status, i, value)
		}
		ok = true
		return b.Put(key, l.encode())
	})
	if err != nil {
		return false, fmt.Errorf("set status bits in %q list %d: %w", group, seq, err)
	}
	return ok, nil
}

// StatusBits returns a copy of the status bitmap of list seq in group, or
// nil when that list does not exist.
func (s *Store) StatusBits(ctx context.Context, group string, seq uint32) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("status bits: %w", err)
	}
	key, err := statusListKey(group, seq)
	if err != nil {
		return nil, fmt.Errorf("status bits: %w", err)
	}
	var out []byte
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketStatusLists)).Get(key)
		if v == nil {
			return nil
		}
		l, err := decodeStatusList(v)
		if err != nil {
			return err
		}
		out = l.status
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("status bits of %q list %d: %w", group, seq, err)
	}
	return out, nil
}

// StatusListUsage reports, for list seq in group, its size in bits and how
// many indexes are allocated; exists is false when there is no such list.
func (s *Store) StatusListUsage(ctx context.Context, group string, seq uint32) (size, allocated int, exists bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, false, fmt.Errorf("status list usage: %w", err)
	}
	key, err := statusListKey(group, seq)
	if err != nil {
		return 0, 0, false, fmt.Errorf("status list usage: %w", err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketStatusLists)).Get(key)
		if v == nil {
			return nil
		}
		l, err := decodeStatusList(v)
		if err != nil {
			return err
		}
		size, allocated, exists = l.size, l.allocated, true
		return nil
	})
	if err != nil {
		return 0, 0, false, fmt.Errorf("status list usage of %q list %d: %w", group, seq, err)
	}
	return size, allocated, exists, nil
}

// StatusAllocated reports whether index was handed out in list seq of group.
func (s *Store) StatusAllocated(ctx context.Context, group string, seq uint32, index int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("status allocated: %w", err)
	}
	key, err := statusListKey(group, seq)
	if err != nil {
		return false, fmt.Errorf("status allocated: %w", err)
	}
	var out bool
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketStatusLists)).Get(key)
		if v == nil {
			return nil
		}
		l, err := decodeStatusList(v)
		if err != nil {
			return err
		}
		out = index >= 0 && index < l.size && getBit(l.alloc, index)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("status allocated in %q list %d: %w", group, seq, err)
	}
	return out, nil
}
