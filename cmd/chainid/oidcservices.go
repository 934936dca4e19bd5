package main

import "github.com/chainid/chainid/api"

// oidcState is the wired state of the OpenID provider.
type oidcState struct{}

// newOIDCServices wires the OpenID provider into s.
func newOIDCServices(s *services) error { return nil }

// oidcAPI is what the HTTP API serves for the OpenID provider; nil answers 501.
func (s *services) oidcAPI() api.OIDC { return nil }
