package main

import "github.com/chainid/chainid/api"

// verifyState is the wired state of format-detecting verification.
type verifyState struct{}

// newVerifyServices wires format-detecting verification into s.
func newVerifyServices(s *services) error { return nil }

// verifyAPI is what the HTTP API serves for format-detecting verification; nil answers 501.
func (s *services) verifyAPI() api.AnyVerifier { return nil }
