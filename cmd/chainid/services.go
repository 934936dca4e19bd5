package main

import (
	"context"
	"crypto"
	"fmt"
	"log/slog"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/did/pkh"
	"github.com/chainid/chainid/did/web"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// services is the wired domain: store, keystore and resolver. It serves both
// `chainid serve` and CLI commands run while no server holds the data dir.
type services struct {
	store    *store.Store
	keys     *keystore.Keystore
	resolver *resolver.Resolver
}

func openServices(ctx context.Context, cfg *Config, logger *slog.Logger, openTimeout time.Duration) (*services, error) {
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
	res, err := resolver.New(resolver.Config{
		Methods: map[string]resolver.Method{
			"key": didkey.NewResolver(didkey.Config{}),
			"jwk": didjwk.NewResolver(didjwk.Config{}),
			"web": web,
			"pkh": pkh.NewResolver(),
		},
		Cache:    st.ResolverCache(),
		Uncached: []string{"key", "jwk", "pkh"},
		Logger:   logger,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &services{store: st, keys: ks, resolver: res}, nil
}

func (s *services) Close() error { return s.store.Close() }

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
