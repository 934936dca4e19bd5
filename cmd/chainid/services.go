package main

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/did/pkh"
	"github.com/chainid/chainid/did/web"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// services is the wired domain: store, keystore, resolver and the did:ethr
// chains. It serves both `chainid serve` and CLI commands run while no
// server holds the data dir.
type services struct {
	cfg      *Config
	log      *slog.Logger
	store    *store.Store
	keys     *keystore.Keystore
	resolver *resolver.Resolver
	issuer   *issuer.Service
	verifier *issuer.Verifier
	// publicURL is the running server's public URL ("" outside serve).
	publicURL string

	// oid is the OpenID4VCI service over the default issuer's schemas,
	// built on first use and dropped when they change; nonceKey
	// authenticates its c_nonces (derived from the keystore, see
	// oid4viciNonceKey).
	oidMu    sync.Mutex
	oid      *oidState
	nonceKey []byte

	// Per-area state, each declared in the area's file.
	zkcred  *zkcredState
	zk      *zkState
	verify  *verifyState
	present *presentState
	oidc    *oidcState
	siwe    *siweState
	vplogin *vpLoginState

	// chainListen is the dev chain's JSON-RPC address.
	chainListen string
	chainMu     sync.Mutex
	chains      *chainSet // opened on first use (see chainSet)
}

// openServices opens the store and wires the domain. The chains are opened
// on first use (chainSet), so CLI commands that do not touch did:ethr do
// not start the dev chain; serve opens them at once.
func openServices(ctx context.Context, cfg *Config, logger *slog.Logger, openTimeout time.Duration, chainListen string) (*services, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, storePath(cfg.Data), store.Config{OpenTimeout: openTimeout, Logger: logger})
	if err != nil {
		return nil, err
	}
	secret, err := cfg.keystoreSecret()
	if err != nil {
		st.Close()
		return nil, err
	}
	ks, err := keystore.New(st, keystore.Config{Secret: secret})
	if err != nil {
		st.Close()
		return nil, err
	}
	web, err := web.NewResolver(web.Config{})
	if err != nil {
		st.Close()
		return nil, err
	}
	svc := &services{cfg: cfg, log: logger, store: st, keys: ks, chainListen: chainListen}
	res, err := resolver.New(resolver.Config{
		Methods: map[string]resolver.Method{
			"key":  didkey.NewResolver(didkey.Config{}),
			"jwk":  didjwk.NewResolver(didjwk.Config{}),
			"web":  web,
			"pkh":  pkh.NewResolver(),
			"ethr": ethrMethod{svc},
		},
		Cache: st.ResolverCache(),
		// did:ethr has its own index and must never answer from a cache
		// (no stale positives after a change or a chain outage).
		Uncached: []string{"key", "jwk", "pkh", "ethr"},
		Logger:   logger,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	svc.resolver = res
	for _, wire := range []func(*services) error{
		newIssuerServices,
		newZKCredServices,  // zkcred.go
		newZKServices,      // zkservices.go
		newVerifyServices,  // verifyservices.go
		newPresentServices, // presentservices.go
		newOIDCServices,    // oidcservices.go
		newSIWEServices,    // siweservices.go
		newVPLoginServices, // vploginservices.go
	} {
		if err := wire(svc); err != nil {
			st.Close()
			return nil, err
		}
	}
	return svc, nil
}

// chainSet returns the open chains, opening them on first use. A failed
// open is not remembered: the next call tries again.
func (s *services) chainSet(ctx context.Context) (*chainSet, error) {
	s.chainMu.Lock()
	defer s.chainMu.Unlock()
	if s.chains != nil {
		return s.chains, nil
	}
	cs, err := openChains(ctx, s.cfg, s.store, s.log, s.chainListen)
	if err != nil {
		return nil, err
	}
	s.chains = cs
	return cs, nil
}

// Close stops the chains, then closes the store.
func (s *services) Close() error {
	s.chainMu.Lock()
	cs := s.chains
	s.chains = nil
	s.chainMu.Unlock()
	var errs []error
	if cs != nil {
		errs = append(errs, cs.Close())
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

// ethrMethod resolves did:ethr through the chains, opening them on first
// use.
type ethrMethod struct{ s *services }

func (m ethrMethod) Resolve(ctx context.Context, id did.DID, opts did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	cs, err := m.s.chainSet(ctx)
	if err != nil {
		return nil, did.DocumentMetadata{}, err
	}
	return cs.resolver.Resolve(ctx, id, opts)
}

func (s *services) Resolve(ctx context.Context, didOrURL string, opts resolver.Options) (*resolver.Result, error) {
	return s.resolver.Resolve(ctx, didOrURL, opts)
}

// CreateKey generates a key in the keystore and derives its DID.
func (s *services) CreateKey(ctx context.Context, req api.CreateKeyRequest) (api.KeyInfo, error) {
	var bind func(crypto.PublicKey) (did.DID, error)
	switch req.Method {
	case "key":
		bind = didkey.New
	case "jwk":
		bind = didjwk.New
	default:
		return api.KeyInfo{}, fmt.Errorf("%w: did:%s keys cannot be created here", did.ErrMethodNotSupported, req.Method)
	}
	rec, err := s.keys.Generate(ctx, did.KeyType(req.KeyType), req.Label, bind)
	if err != nil {
		return api.KeyInfo{}, err
	}
	return keyInfo(rec), nil
}

func (s *services) ListKeys(ctx context.Context) ([]api.KeyInfo, error) {
	recs, err := s.keys.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]api.KeyInfo, 0, len(recs))
	for _, r := range recs {
		out = append(out, keyInfo(r))
	}
	return out, nil
}

func keyInfo(r store.KeyRecord) api.KeyInfo {
	return api.KeyInfo{ID: r.ID, DID: r.DID, Method: r.Method, KeyType: r.KeyType, Label: r.Label, Created: r.Created}
}
