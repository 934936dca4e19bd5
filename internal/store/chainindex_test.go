package store

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func change(id byte, block uint64, tx, log uint32, ev string) ChainChange {
	var c ChainChange
	c.Identity[0] = id
	c.Block = ChainBlock{Number: block, Hash: [32]byte{byte(block)}, Time: 1000 + block}
	c.TxIndex, c.LogIndex, c.Event = tx, log, []byte(ev)
	return c
}

func tipAt(n uint64) ChainBlock {
	return ChainBlock{Number: n, Hash: [32]byte{byte(n)}, Time: 1000 + n}
}

func events(cs []ChainChange) string {
	var b bytes.Buffer
	for _, c := range cs {
		b.Write(c.Event)
		b.WriteByte(' ')
	}
	return b.String()
}

func TestChainIndexAppendRewind(t *testing.T) {
	s, _ := openTemp(t, Config{})
	ctx := t.Context()
	chain, other := big.NewInt(1337), big.NewInt(1)
	reg := [20]byte{9}
	var a, b [20]byte
	a[0], b[0] = 'a', 'b'

	if _, ok, err := s.ChainIndexTip(ctx, chain, reg); ok || err != nil {
		t.Fatalf("empty index: ok %v err %v", ok, err)
	}
	// Out of order within the batch: the keys sort them.
	if err := s.ChainIndexAppend(ctx, chain, reg, []ChainChange{
		change('a', 5, 1, 3, "a5.1"), change('a', 5, 0, 0, "a5.0"), change('b', 5, 0, 1, "b5"), change('a', 3, 0, 0, "a3"),
	}, tipAt(6)); err != nil {
		t.Fatal(err)
	}
	if err := s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 9, 0, 0, "a9")}, tipAt(10)); err != nil {
		t.Fatal(err)
	}
	// Another chain with the same identity does not mix in.
	if err := s.ChainIndexAppend(ctx, other, reg, []ChainChange{change('a', 4, 0, 0, "other")}, tipAt(4)); err != nil {
		t.Fatal(err)
	}

	got, err := s.ChainIndexChanges(ctx, chain, reg, a)
	if err != nil || events(got) != "a3 a5.0 a5.1 a9 " {
		t.Fatalf("changes of a: %q %v", events(got), err)
	}
	if got[1].Block.Time != 1005 || got[1].Block.Hash[0] != 5 || got[2].TxIndex != 1 || got[2].LogIndex != 3 {
		t.Errorf("change fields lost: %+v", got[2])
	}
	blocks, err := s.ChainIndexBlocks(ctx, chain, reg, 100, 10)
	if err != nil || len(blocks) != 3 || blocks[0].Number != 9 || blocks[1].Number != 5 || blocks[2].Number != 3 {
		t.Fatalf("blocks %+v %v", blocks, err)
	}
	if blocks, _ := s.ChainIndexBlocks(ctx, chain, reg, 8, 1); len(blocks) != 1 || blocks[0].Number != 5 {
		t.Errorf("blocks ≤ 8, limit 1: %+v", blocks)
	}
	if blocks, _ := s.ChainIndexBlocks(ctx, chain, reg, ^uint64(0), 10); len(blocks) != 3 {
		t.Errorf("blocks ≤ max: %+v", blocks)
	}

	// Appends must stay above the tip and below the new tip.
	for name, bad := range map[string]func() error{
		"at the tip": func() error {
			return s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 10, 0, 0, "x")}, tipAt(11))
		},
		"above new tip": func() error {
			return s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 12, 0, 0, "x")}, tipAt(11))
		},
		"tip backwards": func() error { return s.ChainIndexAppend(ctx, chain, reg, nil, tipAt(9)) },
		"zero chain ID": func() error { return s.ChainIndexAppend(ctx, big.NewInt(0), reg, nil, tipAt(9)) },
		"oversized event": func() error {
			return s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 11, 0, 0, string(make([]byte, MaxChainEvent+1)))}, tipAt(11))
		},
		"chain ID too big": func() error { return s.ChainIndexRewind(ctx, new(big.Int).Lsh(big.NewInt(1), 256), reg, tipAt(1)) },
	} {
		if err := bad(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if got, _ := s.ChainIndexChanges(ctx, chain, reg, a); len(got) != 4 {
		t.Errorf("a refused append changed the index: %q", events(got))
	}

	// Rewind to block 4 drops blocks 5 and 9 for every identity.
	if err := s.ChainIndexRewind(ctx, chain, reg, tipAt(4)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ChainIndexChanges(ctx, chain, reg, a); events(got) != "a3 " {
		t.Errorf("a after rewind: %q", events(got))
	}
	if got, _ := s.ChainIndexChanges(ctx, chain, reg, b); len(got) != 0 {
		t.Errorf("b after rewind: %q", events(got))
	}
	if blocks, _ := s.ChainIndexBlocks(ctx, chain, reg, 100, 10); len(blocks) != 1 || blocks[0].Number != 3 {
		t.Errorf("blocks after rewind: %+v", blocks)
	}
	if tip, ok, _ := s.ChainIndexTip(ctx, chain, reg); !ok || tip != tipAt(4) {
		t.Errorf("tip after rewind: %+v", tip)
	}
	if got, _ := s.ChainIndexChanges(ctx, other, reg, a); events(got) != "other " {
		t.Errorf("the other chain changed: %q", events(got))
	}
	// Indexing resumes above the rewound tip.
	if err := s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 5, 0, 0, "a5'")}, tipAt(7)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ChainIndexChanges(ctx, chain, reg, a); events(got) != "a3 a5' " {
		t.Errorf("a after re-index: %q", events(got))
	}
}

func TestChainIndexSurvivesReopenAndRefusesUnknownVersion(t *testing.T) {
	s, path := openTemp(t, Config{})
	ctx := t.Context()
	chain, reg := big.NewInt(5), [20]byte{1}
	if err := s.ChainIndexAppend(ctx, chain, reg, []ChainChange{change('a', 2, 0, 0, "e")}, tipAt(3)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if tip, ok, err := s.ChainIndexTip(ctx, chain, reg); !ok || err != nil || tip.Number != 3 {
		t.Fatalf("tip after reopen: %+v %v %v", tip, ok, err)
	}
	// Corrupt the version byte of the tip.
	ck, _ := chainKey(chain, reg)
	if err := s.db.Update(func(tx *bolt.Tx) error {
		v := bytes.Clone(tx.Bucket([]byte(bucketChainTips)).Get(ck))
		v[0] = 9
		return tx.Bucket([]byte(bucketChainTips)).Put(ck, v)
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ChainIndexTip(ctx, chain, reg); !errors.Is(err, errValueVersion) {
		t.Errorf("unknown version: %v", err)
	}
}

func TestChainIndexMigration(t *testing.T) {
	s, _ := openTemp(t, Config{})
	if SchemaVersion() < 2 {
		t.Fatalf("schema version %d has no chain index", SchemaVersion())
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, b := range []string{bucketChainTips, bucketChainChanges, bucketChainBlocks} {
			if tx.Bucket([]byte(b)) == nil {
				return errors.New("missing bucket " + b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
