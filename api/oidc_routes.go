package api

// OIDC is what the routes of the OpenID provider need.
type OIDC interface{}

// oidcRoutes are the routes of the OpenID provider.
func (s *server) oidcRoutes() []route { return nil }
