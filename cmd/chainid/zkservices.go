package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/zkp"
)

// zkState is the wired state of ZK proof requests and verification. The
// service is built on first use: it needs the verifying key that
// `chainid zk setup` (or a ceremony) writes to the data dir, and the public
// URL that serve learns after wiring.
type zkState struct {
	mu  sync.Mutex
	svc *zk.Service
}

// newZKServices wires ZK proof requests and verification into s.
func newZKServices(s *services) error {
	s.zk = &zkState{}
	return nil
}

// errNoZKKeys reports a data dir without ZK keys.
var errNoZKKeys = errors.New("no zero-knowledge keys in the data dir (run `chainid zk setup`)")

// zkService returns the proof request service, building it on first use
// from the verifying key in the data dir. Development keys are accepted
// (with a warning): what makes a key trusted here is that the issuer
// anchors its digest on chain, which every request and proof checks.
func (s *services) zkService(ctx context.Context) (*zk.Service, error) {
	s.zk.mu.Lock()
	defer s.zk.mu.Unlock()
	if s.zk.svc != nil {
		return s.zk.svc, nil
	}
	dir := filepath.Join(s.cfg.Data, zkKeysDir)
	if _, err := os.Stat(filepath.Join(dir, zkp.KeyInfoFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, errNoZKKeys
	}
	keys, err := zkp.LoadKeys(dir, nil, zkp.LoadOptions{SkipProvingKey: true, AllowDevelopment: true})
	if err != nil {
		return nil, fmt.Errorf("zk keys in %s: %w", dir, err)
	}
	if keys.Info.DevelopmentOnly {
		s.log.WarnContext(ctx, "zk: verifying proofs with development-only keys", "dir", dir)
	}
	cfg := zk.Config{Logger: s.log}
	if s.publicURL != "" {
		cfg.ResponseURI = strings.TrimSuffix(s.publicURL, "/") + "/v1/zk/verify"
	}
	svc, err := zk.New(s.store.ZKRequests(), keys.Verifying, zk.NewChainAnchors(s.resolver),
		zk.NewSchemaLayouts(issuerSchemas{s}), cfg)
	if err != nil {
		return nil, err
	}
	s.zk.svc = svc
	return svc, nil
}

// zkAPI is what the HTTP API serves for ZK proof requests and verification; nil answers 501.
func (s *services) zkAPI() api.ZK {
	svc, err := s.zkService(context.Background())
	if err != nil {
		s.log.Info("zk: proof requests disabled", "error", err)
		return nil
	}
	return svc
}

// issuerSchemas reads the schemas registered with this server's issuer
// service.
type issuerSchemas struct{ s *services }

func (i issuerSchemas) Schema(ctx context.Context, issuerDID, id string) (*schema.Schema, error) {
	if i.s.issuer == nil {
		return nil, errors.New("no issuer service")
	}
	recs, err := i.s.issuer.Schemas(ctx, issuerDID)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.ID == id {
			return schema.Compile(r.Raw)
		}
	}
	return nil, fmt.Errorf("schema %s is not registered for %s", id, issuerDID)
}
