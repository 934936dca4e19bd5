package main

import "github.com/chainid/chainid/api"

// siweState is the wired state of Sign-In with Ethereum.
type siweState struct{}

// newSIWEServices wires Sign-In with Ethereum into s.
func newSIWEServices(s *services) error { return nil }

// siweAPI is what the HTTP API serves for Sign-In with Ethereum; nil answers 501.
func (s *services) siweAPI() api.SIWE { return nil }
