package main

import (
	"context"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/oidc"
)

// oidcState is the wired state of the OpenID provider: built on first use,
// once the public URL is known (serve sets it before building the API).
type oidcState struct {
	once     sync.Once
	provider *oidc.Provider
	err      error
}

// newOIDCServices wires the OpenID provider into s.
func newOIDCServices(s *services) error {
	s.oidc = &oidcState{}
	return nil
}

// oidcProvider builds the provider on first use. Its issuer is the running
// server's public URL; CLI commands (client management) use --public-url
// or the default address, which only matters for the pages' links.
func (s *services) oidcProvider(ctx context.Context) (*oidc.Provider, error) {
	st := s.oidc
	st.once.Do(func() {
		issuer := s.publicURL
		if issuer == "" {
			issuer = s.statusPublicURL()
		}
		st.provider, st.err = oidc.New(ctx, s.store, s.keys, oidc.Config{
			Issuer:            issuer,
			AllowRegistration: s.cfg.OIDCRegistration,
			Logger:            s.log.With("area", "oidc"),
		})
	})
	return st.provider, st.err
}

// oidcAPI is what the HTTP API serves for the OpenID provider; nil answers
// 501 (a provider that cannot start is logged, e.g. a plain-http public URL
// on a non-loopback host).
func (s *services) oidcAPI() api.OIDC {
	p, err := s.oidcProvider(context.Background())
	if err != nil {
		s.log.Error("the OpenID provider is disabled", "error", err.Error())
		return nil
	}
	return p
}

// AddClient, Clients and RemoveClient let the CLI manage clients through
// the local store (see clients.go; remoteBackend does it over HTTP).
func (s *services) AddClient(ctx context.Context, spec oidc.ClientSpec) (oidc.Client, string, error) {
	p, err := s.oidcProvider(ctx)
	if err != nil {
		return oidc.Client{}, "", err
	}
	return p.AddClient(ctx, spec)
}

func (s *services) Clients(ctx context.Context) ([]oidc.Client, error) {
	p, err := s.oidcProvider(ctx)
	if err != nil {
		return nil, err
	}
	return p.Clients(ctx)
}

func (s *services) RemoveClient(ctx context.Context, id string) error {
	p, err := s.oidcProvider(ctx)
	if err != nil {
		return err
	}
	return p.RemoveClient(ctx, id)
}
