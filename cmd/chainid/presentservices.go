package main

import "github.com/chainid/chainid/api"

// presentState is the wired state of the OpenID4VP verifier.
type presentState struct{}

// newPresentServices wires the OpenID4VP verifier into s.
func newPresentServices(s *services) error { return nil }

// presentAPI is what the HTTP API serves for the OpenID4VP verifier; nil answers 501.
func (s *services) presentAPI() api.Presentations { return nil }
