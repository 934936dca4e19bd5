package verifier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/credentials/schema"
)

// Defaults of Config.
const (
	DefaultMaxInputBytes   = 512 << 10
	DefaultStatusCacheTTL  = 5 * time.Minute
	DefaultStatusCacheSize = 1024
	DefaultMaxCredentials  = 32
)

// SchemaSource returns the compiled credential schema with a given id for an
// issuer, or an error (the schema check then fails). The issuer service's
// registered schemas are one source; NewFetchedSchemas fetches through a
// Fetcher.
type SchemaSource interface {
	Schema(ctx context.Context, issuer, id string) (*schema.Schema, error)
}

// Config configures a Verifier. Keys is required; the zero value of every
// other field is the secure default.
type Config struct {
	// Keys resolves verification methods (credentials/didkeys over the
	// resolver).
	Keys KeyResolver
	// Fetcher fetches status list credentials; nil means status entries
	// cannot be evaluated and fail the status check.
	Fetcher Fetcher
	// Schemas supplies credential schemas; nil means a credential that
	// names a credentialSchema fails the schema check.
	Schemas SchemaSource
	// ZK verifies zero-knowledge proofs; nil means they fail the zk_proof
	// check ("not supported").
	ZK ZKVerifier
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Contexts are the JSON-LD contexts accepted when Processor is nil; nil
	// means the built-in set.
	Contexts *ldcontext.Set
	// Processor, when set, supplies the Data Integrity processor per
	// verification (the issuer service's, which knows registered schema
	// contexts).
	Processor func(ctx context.Context) (*dataintegrity.Processor, error)
	// MaxInputBytes bounds the input; zero means DefaultMaxInputBytes.
	MaxInputBytes int
	// MaxCredentials bounds the credentials of one presentation; zero means
	// DefaultMaxCredentials.
	MaxCredentials int
	// StatusCacheTTL is how long a verified status list is reused; zero
	// means DefaultStatusCacheTTL, negative disables caching.
	StatusCacheTTL time.Duration
	// StatusCacheSize bounds the cached lists; zero means
	// DefaultStatusCacheSize.
	StatusCacheSize int
}

// Verifier runs the verification pipeline. It is safe for concurrent use.
type Verifier struct {
	cfg    Config
	status *statusCache
}

// New returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	if cfg.Keys == nil {
		return nil, errors.New("new verifier: nil key resolver")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxInputBytes <= 0 {
		cfg.MaxInputBytes = DefaultMaxInputBytes
	}
	if cfg.MaxCredentials <= 0 {
		cfg.MaxCredentials = DefaultMaxCredentials
	}
	if cfg.StatusCacheTTL == 0 {
		cfg.StatusCacheTTL = DefaultStatusCacheTTL
	}
	if cfg.StatusCacheSize <= 0 {
		cfg.StatusCacheSize = DefaultStatusCacheSize
	}
	if cfg.Processor == nil {
		di, err := dataintegrity.New(dataintegrity.Config{Contexts: cfg.Contexts, Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("new verifier: %w", err)
		}
		cfg.Processor = func(context.Context) (*dataintegrity.Processor, error) { return di, nil }
	}
	return &Verifier{cfg: cfg, status: newStatusCache(cfg.StatusCacheSize, cfg.StatusCacheTTL)}, nil
}
