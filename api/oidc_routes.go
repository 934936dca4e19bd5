package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/chainid/chainid/api/oidc"
)

// OIDC is what the routes of the OpenID provider need; *oidc.Provider
// satisfies it. Handler serves every provider path (discovery, authorize,
// token, userinfo, keys, end_session, revoke, introspect, register and the
// login/consent pages); the client methods back the admin client routes.
type OIDC interface {
	Handler() http.Handler
	AddClient(ctx context.Context, spec oidc.ClientSpec) (oidc.Client, string, error)
	Clients(ctx context.Context) ([]oidc.Client, error)
	RemoveClient(ctx context.Context, id string) error
}

// OIDCClientCreated is the body of POST /v1/admin/oidc/clients: the client
// and, for a confidential client, its secret (shown once).
type OIDCClientCreated struct {
	oidc.Client
	Secret string `json:"client_secret,omitempty"`
}

// oidcRoutes are the routes of the OpenID provider. They are always in the
// table; without a provider they answer 501.
func (s *server) oidcRoutes() []route {
	h := s.handleOIDC()
	return []route{
		{http.MethodGet, oidc.PathDiscovery, h},
		{http.MethodGet, oidc.PathAuthorize, h},
		{http.MethodPost, oidc.PathAuthorize, h},
		{http.MethodPost, oidc.PathToken, h},
		{http.MethodGet, oidc.PathUserinfo, h},
		{http.MethodPost, oidc.PathUserinfo, h},
		{http.MethodGet, oidc.PathKeys, h},
		{http.MethodGet, oidc.PathEndSession, h},
		{http.MethodPost, oidc.PathEndSession, h},
		{http.MethodPost, oidc.PathRevoke, h},
		{http.MethodPost, oidc.PathIntrospect, h},
		{http.MethodPost, oidc.PathRegister, h},
		{http.MethodGet, oidc.PathLogin, h},
		{http.MethodGet, oidc.PathConsent, h},
		{http.MethodPost, oidc.PathConsent, h},
		{http.MethodGet, oidc.PathLoggedOut, h},
		{http.MethodGet, oidc.PathStatic + "{file}", h},
		{http.MethodPost, "/v1/admin/oidc/clients", s.requireAdmin(s.handleAddOIDCClient())},
		{http.MethodGet, "/v1/admin/oidc/clients", s.requireAdmin(s.handleListOIDCClients())},
		{http.MethodDelete, "/v1/admin/oidc/clients/{id}", s.requireAdmin(s.handleRemoveOIDCClient())},
	}
}

func errNoOIDC() error {
	return &apiError{kind: kindNotImplemented, detail: "this server runs no OpenID provider"}
}

// oidcError classifies a provider client-management failure.
func oidcError(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	switch {
	case errors.Is(err, oidc.ErrInvalidClient):
		return &apiError{kind: kindInvalidRequest, err: wrapped, detail: err.Error()}
	case errors.Is(err, oidc.ErrClientNotFound):
		return &apiError{kind: kindNotFound, err: wrapped, detail: "no such client"}
	}
	return wrapped
}

// handleOIDC hands the request to the provider's own handler.
func (s *server) handleOIDC() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeProblem(w, r, errNoOIDC())
			return
		}
		s.oidc.Handler().ServeHTTP(w, r)
	})
}

func (s *server) handleAddOIDCClient() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeProblem(w, r, errNoOIDC())
			return
		}
		var spec oidc.ClientSpec
		if err := s.decodeJSON(r, &spec); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		c, secret, err := s.oidc.AddClient(r.Context(), spec)
		if err != nil {
			s.writeProblem(w, r, oidcError("add client", err))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.writeJSON(w, r, http.StatusCreated, "application/json", OIDCClientCreated{Client: c, Secret: secret})
	})
}

func (s *server) handleListOIDCClients() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeProblem(w, r, errNoOIDC())
			return
		}
		cs, err := s.oidc.Clients(r.Context())
		if err != nil {
			s.writeProblem(w, r, oidcError("list clients", err))
			return
		}
		if cs == nil {
			cs = []oidc.Client{}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", cs)
	})
}

func (s *server) handleRemoveOIDCClient() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeProblem(w, r, errNoOIDC())
			return
		}
		if err := s.oidc.RemoveClient(r.Context(), r.PathValue("id")); err != nil {
			s.writeProblem(w, r, oidcError("remove client", err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
