package main

import (
	"context"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/api/vplogin"
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
			Supported:         s.oidcSupported,
		})
	})
	return st.provider, st.err
}

// oidcSupported is what the login methods can issue, for discovery: the
// SIWE claims, the claims and scopes of the default credential mapping
// (vplogin.DefaultClaimNames: every claim it maps once the schemas exist)
// and those of DATA/vplogin.json when there is one (read per request, as
// logins read it).
func (s *services) oidcSupported(ctx context.Context) (claims, scopes []string) {
	claims = append(siweClaimNames(), vplogin.DefaultClaimNames()...)
	scopes = vplogin.DefaultScopeNames()
	if t, err := s.vpLoginTable(ctx); err == nil {
		claims = append(claims, t.ClaimNames()...)
		scopes = append(scopes, t.ScopeNames()...)
	} else {
		s.log.DebugContext(ctx, "discovery without the claim mapping", "error", err.Error())
	}
	return claims, scopes
}

// siweCookieKeyLabel names the SIWE session cookie key among the
// provider's derived keys.
const siweCookieKeyLabel = "chainid siwe session cookie v1"

// siweCookieKey is the HMAC key of the SIWE session cookie
// (api.Config.CookieKey), derived from the OpenID provider's root key in
// the keystore, so that restarts and replicas over the same data agree on
// it. nil (the API then draws a random key) when the provider cannot start.
func (s *services) siweCookieKey(ctx context.Context) []byte {
	p, err := s.oidcProvider(ctx)
	if err != nil || p == nil {
		return nil // oidcAPI logs why
	}
	k, err := p.DeriveKey(siweCookieKeyLabel)
	if err != nil {
		s.log.Error("derive the siwe cookie key", "error", err.Error())
		return nil
	}
	return k
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
