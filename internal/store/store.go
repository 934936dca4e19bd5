// Package store persists chainid's service state in one bbolt file; nothing
// outside it imports bbolt.
//
// A Store holds versioned buckets: the meta bucket records the schema
// version, and an ordered list of migrations brings an older file up to date
// in one transaction when it is opened. A file written by a newer binary is
// refused with ErrSchemaTooNew rather than misread. Every stored value starts
// with a version byte so later migrations can re-encode it; a value with an
// unknown version is reported as an error, never guessed at.
//
// Each method runs exactly one bbolt transaction; no transaction escapes the
// package. All methods are safe for concurrent use.
//
// # Security considerations
//
// The file is created with mode 0600. bbolt admits one writing process per
// file: a second Open of the same path (from another process, or another
// Open in this one) waits at most Config.OpenTimeout and then fails with an
// error wrapping ErrLocked instead of hanging. bbolt commits are atomic and
// fsynced, so a process killed mid-write leaves either the old or the new
// state, never a torn record.
package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Sentinel errors callers branch on.
var (
	// ErrNotFound reports a record that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists reports a record that already exists.
	ErrExists = errors.New("already exists")
	// ErrLocked reports a data file held by another process.
	ErrLocked = errors.New("store is locked")
	// ErrSchemaTooNew reports a file written by a newer chainid.
	ErrSchemaTooNew = errors.New("store schema is newer than this binary supports")
	// ErrValueTooLarge reports a value above the size limit of its bucket.
	ErrValueTooLarge = errors.New("value too large")
)

// errValueVersion reports a stored value whose version byte this binary
// does not know. Callers have nothing to branch on, so it stays unexported.
var errValueVersion = errors.New("unknown stored value version")

// DefaultOpenTimeout is how long Open waits for the file lock when
// Config.OpenTimeout is zero.
const DefaultOpenTimeout = time.Second

// fileMode is the permission of a newly created data file.
const fileMode os.FileMode = 0o600

// Config configures Open. The zero Config is valid.
type Config struct {
	// OpenTimeout bounds the wait for the file lock; zero means
	// DefaultOpenTimeout. A context deadline that comes sooner wins.
	OpenTimeout time.Duration
	// Now is the clock used for cache expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives migration notices; nil discards them.
	Logger *slog.Logger
}

// Store is an open data file. Close it when done.
type Store struct {
	db  *bolt.DB
	now func() time.Time
	log *slog.Logger
}

// Open opens (creating if needed) the bbolt file at path, whose directory
// must exist, and migrates it to the current schema. A file held by another
// process yields an error wrapping ErrLocked; a file from a newer binary one
// wrapping ErrSchemaTooNew.
func Open(ctx context.Context, path string, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	timeout := cfg.OpenTimeout
	if timeout <= 0 {
		timeout = DefaultOpenTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < timeout {
			timeout = max(left, time.Millisecond)
		}
	}
	db, err := bolt.Open(path, fileMode, &bolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: the data dir is in use by another process (is `chainid serve` running on it?): %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, now: cfg.Now, log: cfg.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open store %s: %w", path, err), db.Close())
	}
	return s, nil
}

// Close releases the file and its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Ping checks that the store answers a read transaction; it backs /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bucketMeta)) == nil {
			return errors.New("meta bucket missing")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// Bucket names and meta keys. Renaming one is a schema change.
const (
	bucketMeta  = "meta"
	bucketCache = "resolver_cache"
	bucketKeys  = "keys"

	// metaSchemaVersion holds the schema version as an 8-byte big-endian
	// unsigned integer.
	metaSchemaVersion = "schema_version"
)

// migration brings the schema from version n-1 to n, where n is its
// 1-based position in migrations().
type migration struct {
	name string
	up   func(tx *bolt.Tx) error
}

// migrations lists every schema step in order. Append only: a released
// migration is never edited or removed.
func migrations() []migration {
	return []migration{
		{name: "create meta, resolver_cache and keys buckets", up: func(tx *bolt.Tx) error {
			return createBuckets(tx, bucketMeta, bucketCache, bucketKeys)
		}},
		{name: "create chain index buckets", up: migrateChainIndex},
		{name: "create status list bucket", up: migrateStatusLists},
		{name: "create issuer, schema, issued-credential and API key buckets", up: migrateIssuers},
		{name: "create oid4vci buckets", up: migrateOID4VCI},
		{name: "create zk credential buckets", up: migrateZKCred},
		{name: "create zk proof request buckets", up: migrateZKRequests},
		{name: "create presentation request buckets", up: migratePresentations},
		{name: "create openid provider buckets", up: migrateOIDC},
		{name: "create sign-in with ethereum buckets", up: migrateSIWE},
		{name: "create wallet buckets", up: migrateWallet},
	}
}

// createBuckets creates the named buckets that do not exist yet.
func createBuckets(tx *bolt.Tx, names ...string) error {
	for _, n := range names {
		if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
			return fmt.Errorf("create bucket %s: %w", n, err)
		}
	}
	return nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() uint64 { return uint64(len(migrations())) }

func (s *Store) migrate(ctx context.Context) error {
	return s.migrateWith(ctx, migrations())
}

// migrateWith runs the pending steps of ms in one write transaction.
func (s *Store) migrateWith(ctx context.Context, ms []migration) error {
	var from, to uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		from, err = schemaVersion(tx)
		if err != nil {
			return err
		}
		to = uint64(len(ms))
		if from > to {
			return fmt.Errorf("%w: file has schema %d, this binary knows up to %d; upgrade chainid", ErrSchemaTooNew, from, to)
		}
		for v := from; v < to; v++ {
			if err := ms[v].up(tx); err != nil {
				return fmt.Errorf("migration %d (%s): %w", v+1, ms[v].name, err)
			}
		}
		if from == to {
			return nil
		}
		meta := tx.Bucket([]byte(bucketMeta))
		if meta == nil {
			return errors.New("migrations did not create the meta bucket")
		}
		return meta.Put([]byte(metaSchemaVersion), binary.BigEndian.AppendUint64(nil, to))
	})
	if err != nil {
		return err
	}
	if from != to {
		s.log.InfoContext(ctx, "store schema migrated", "from_version", from, "to_version", to)
	}
	return nil
}

// schemaVersion reads the schema version; a file without a meta bucket is
// version 0.
func schemaVersion(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return 0, nil
	}
	v := meta.Get([]byte(metaSchemaVersion))
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("schema version is %d bytes, want 8", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}
