package api

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// route is one entry of the route table: a method and a ServeMux path
// pattern (Go 1.22 syntax) with its handler.
type route struct {
	method  string
	path    string
	handler http.Handler
}

// pattern is the ServeMux pattern, e.g. "GET /healthz".
func (rt route) pattern() string { return rt.method + " " + rt.path }

// openAPIPath is the path as the OpenAPI document writes it: "{$}" dropped,
// "{name...}" written "{name}".
func (rt route) openAPIPath() string {
	p := strings.TrimSuffix(rt.path, "{$}")
	return strings.ReplaceAll(p, "...}", "}")
}

// routes is every route the service serves. The mux and the OpenAPI test
// both read this table; a route missing here does not exist.
func (s *server) routes() []route {
	core := []route{
		{http.MethodGet, "/{$}", s.handleHome()},
		{http.MethodGet, "/healthz", s.handleHealth()},
		{http.MethodGet, "/readyz", s.handleReady()},
		{http.MethodGet, "/metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})},
		{http.MethodGet, "/openapi.json", s.handleOpenAPI()},
		{http.MethodGet, "/1.0/identifiers/{did...}", s.handleIdentifiers()},
		{http.MethodPost, "/v1/admin/keys", s.requireAdmin(s.handleCreateKey())},
		{http.MethodGet, "/v1/admin/keys", s.requireAdmin(s.handleListKeys())},
		{http.MethodPost, "/v1/dids", s.requireAdmin(s.handleCreateDID())},
		{http.MethodPost, "/v1/dids/{did}/operations", s.requireAdmin(s.handleDIDOperation())},
		{http.MethodGet, "/v1/chain/status", s.requireAdmin(s.handleChainStatus())},
		{http.MethodPost, "/v1/chain/deploy", s.requireAdmin(s.handleDeployRegistry())},
		{http.MethodPost, "/v1/admin/apikeys", s.requireAdmin(s.handleCreateAPIKey())},
		{http.MethodPost, "/v1/credentials", s.requireIssuerKey(s.handleIssue())},
		{http.MethodPost, "/v1/credentials/{id}/revoke", s.requireIssuerKey(s.handleSetStatus("revocation", true))},
		{http.MethodPost, "/v1/credentials/{id}/suspend", s.requireIssuerKey(s.handleSetStatus("suspension", true))},
		{http.MethodPost, "/v1/credentials/{id}/reinstate", s.requireIssuerKey(s.handleSetStatus("suspension", false))},
		{http.MethodPost, "/v1/schemas", s.requireIssuerKey(s.handleAddSchema())},
		{http.MethodGet, "/v1/schemas", s.requireIssuerKey(s.handleListSchemas())},
		{http.MethodPost, "/v1/issuers", s.requireIssuerKey(s.handleAddIssuer())},
		{http.MethodGet, "/v1/issuers", s.requireIssuerKey(s.handleListIssuers())},
		{http.MethodPost, "/v1/issuers/{did}/rotate-key", s.requireIssuerKey(s.handleRotateIssuerKey())},
		{http.MethodPost, "/v1/credential-offers", s.requireIssuerKey(s.handleCreateOffer())},
		{http.MethodPost, "/credentials/issue", s.requireIssuerKey(s.handleVCAPIIssue())},
		{http.MethodPost, "/credentials/status", s.requireIssuerKey(s.handleVCAPIStatus())},
		{http.MethodPost, "/credentials/verify", s.handleVerifyCredential()},
		{http.MethodOptions, "/credentials/verify", s.handlePreflight()},
		{http.MethodPost, "/presentations/verify", s.handleVerifyPresentation()},
		{http.MethodOptions, "/presentations/verify", s.handlePreflight()},
		{http.MethodGet, "/status/{issuer}/{purpose}/{seq}", s.handleStatusList()},
		{http.MethodGet, "/contexts/{name}", s.handleSchemaContext()},
		{http.MethodGet, "/.well-known/openid-credential-issuer", s.handleIssuerMetadata()},
		{http.MethodGet, "/.well-known/oauth-authorization-server", s.handleAuthorizationServerMetadata()},
		{http.MethodPost, "/token", s.handleToken()},
		{http.MethodPost, "/nonce", s.handleNonce()},
		{http.MethodPost, "/credential", s.handleCredential()},
	}
	// Each area keeps its routes next to its handlers.
	for _, area := range [][]route{
		s.zkRoutes(),           // zk.go
		s.verifyRoutes(),       // verify.go
		s.presentationRoutes(), // presentations.go
		s.oidcRoutes(),         // oidc_routes.go
		s.siweRoutes(),         // siwe.go
		s.vpLoginRoutes(),      // vplogin_routes.go
	} {
		core = append(core, area...)
	}
	return core
}

// handler builds the mux from the route table and wraps it in the
// middleware chain, outermost first.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	limited := make(map[string]bool)
	for _, p := range limitedRoutes() {
		limited[p] = true
	}
	for _, rt := range s.routes() {
		h := rt.handler
		if limited[rt.pattern()] {
			h = s.rateLimited(h)
		}
		mux.Handle(rt.pattern(), routed(h))
	}
	var h http.Handler = problemFallback(mux)
	h = s.withTimeout(h)
	h = s.limitBody(h)
	h = s.recoverPanic(h)
	h = securityHeaders(h)
	h = s.observe(h)
	h = withRequestID(h)
	return h
}
