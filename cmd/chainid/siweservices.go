package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/verifier/siwe"
)

// siweMethodName is the login method's name: the amr claim of SIWE logins.
const siweMethodName = "siwe"

// siweClaimNames are the claims a SIWE login issues (SIWELogin), listed
// in discovery's claims_supported.
func siweClaimNames() []string {
	return []string{"eth_address", "chain_id", "account_did", "eth_contract_wallet"}
}

// siweProvider is what SIWE logins need from the OpenID provider;
// *oidc.Provider satisfies it.
type siweProvider interface {
	LoginRequest(ctx context.Context, r *http.Request, id string) (oidc.LoginRequest, error)
	CompleteLogin(ctx context.Context, authRequestID string, id oidc.Identity) (string, error)
	RegisterMethod(m oidc.LoginMethod) error
}

// siweState is the wired state of Sign-In with Ethereum: built on first
// use by siweAPI, once the public URL, the chains and the provider exist.
type siweState struct {
	once sync.Once
	api  api.SIWE
}

// newSIWEServices wires Sign-In with Ethereum into s.
func newSIWEServices(s *services) error {
	s.siwe = &siweState{}
	return nil
}

// siweAPI is what the HTTP API serves for Sign-In with Ethereum; nil
// answers 501. It needs the OpenID provider (oidcservices.go) and the
// chains, and is built once, on the first call (by serve, after the
// public URL is known).
func (s *services) siweAPI() api.SIWE {
	st := s.siwe
	st.once.Do(func() {
		p := s.siweLoginProvider()
		if p == nil {
			return
		}
		a, err := newSIWEAPI(context.Background(), s, p)
		if err != nil {
			s.log.Error("sign-in with ethereum is disabled", "error", err.Error())
			return
		}
		st.api = a
	})
	return st.api
}

// siweAPIImpl implements api.SIWE over siwe.Logins and the provider.
type siweAPIImpl struct {
	logins   *siwe.Logins
	provider siweProvider
}

// newSIWEAPI builds the verifier over every open chain (ERC-1271 through
// each chain's client, did:ethr through the resolver), the nonce store and
// the login method, and registers the method with the provider.
func newSIWEAPI(ctx context.Context, s *services, p siweProvider) (*siweAPIImpl, error) {
	if s.publicURL == "" {
		return nil, errors.New("no public URL")
	}
	cs, err := s.chainSet(ctx)
	if err != nil {
		return nil, err
	}
	chains := make([]siwe.Chain, 0, len(cs.networks))
	var def uint64
	for _, n := range cs.networks {
		id := n.ChainID.Uint64()
		chains = append(chains, siwe.Chain{ID: id, Client: n.client})
		if n == cs.def {
			def = id
		}
	}
	v, err := siwe.New(siwe.Config{Chains: chains, Resolver: s.resolver, Logger: s.log})
	if err != nil {
		return nil, err
	}
	logins, err := siwe.NewLogins(v, s.store.SIWENonces(), siwe.LoginConfig{BaseURL: s.publicURL, ChainID: def})
	if err != nil {
		return nil, err
	}
	if err := p.RegisterMethod(siweMethod{}); err != nil {
		return nil, fmt.Errorf("register the siwe login method: %w", err)
	}
	return &siweAPIImpl{logins: logins, provider: p}, nil
}

// siweMethod is the login page's "Sign in with Ethereum" entry.
type siweMethod struct{}

func (siweMethod) Name() string  { return siweMethodName }
func (siweMethod) Label() string { return "Sign in with Ethereum" }
func (siweMethod) URL(authRequestID string) string {
	return "/siwe/login?id=" + url.QueryEscape(authRequestID)
}

// providerError maps the provider's login-request errors to the API's.
func providerError(err error) error {
	switch {
	case errors.Is(err, oidc.ErrWrongBrowser):
		return fmt.Errorf("%w: %w", api.ErrSIWEWrongBrowser, err)
	case errors.Is(err, oidc.ErrUnknownRequest), errors.Is(err, oidc.ErrRequestDone):
		return fmt.Errorf("%w: %w", api.ErrSIWEUnknownRequest, err)
	}
	return err
}

func (a *siweAPIImpl) SIWELoginRequest(ctx context.Context, r *http.Request, id string) (api.SIWERequest, error) {
	lr, err := a.provider.LoginRequest(ctx, r, id)
	if err != nil {
		return api.SIWERequest{}, providerError(err)
	}
	name := lr.ClientName
	if name == "" {
		name = lr.ClientID
	}
	return api.SIWERequest{ClientName: name}, nil
}

func (a *siweAPIImpl) SIWEChallenge(ctx context.Context, r *http.Request, session, id string) (siwe.Challenge, error) {
	if _, err := a.provider.LoginRequest(ctx, r, id); err != nil {
		return siwe.Challenge{}, providerError(err)
	}
	return a.logins.Challenge(ctx, session, id)
}

func (a *siweAPIImpl) SIWELogin(ctx context.Context, r *http.Request, session string, in api.SIWELoginInput) (api.SIWELoginResult, error) {
	if _, err := a.provider.LoginRequest(ctx, r, in.ID); err != nil {
		return api.SIWELoginResult{}, providerError(err)
	}
	sig, err := siwe.ParseSignature(in.Signature)
	if err != nil {
		return api.SIWELoginResult{}, err
	}
	res, err := a.logins.Login(ctx, session, in.ID, in.Message, sig, in.DID)
	if err != nil {
		return api.SIWELoginResult{}, err
	}
	claims := map[string]any{"eth_address": res.Address.Hex(), "chain_id": res.Message.ChainID, "account_did": res.Account}
	if res.Contract {
		claims["eth_contract_wallet"] = true
	}
	next, err := a.provider.CompleteLogin(ctx, in.ID, oidc.Identity{DID: res.Subject, Method: siweMethodName, Claims: claims})
	if err != nil {
		return api.SIWELoginResult{}, providerError(err)
	}
	return api.SIWELoginResult{Redirect: next, Subject: res.Subject}, nil
}

// siweLoginProvider is the OpenID provider that SIWE logins complete
// through (oidcservices.go); nil leaves SIWE off.
func (s *services) siweLoginProvider() siweProvider {
	p, err := s.oidcProvider(context.Background())
	if err != nil || p == nil {
		return nil // oidcAPI logs why
	}
	return p
}
