package main

import "github.com/chainid/chainid/api"

// zkState is the wired state of ZK proof requests and verification.
type zkState struct{}

// newZKServices wires ZK proof requests and verification into s.
func newZKServices(s *services) error { return nil }

// zkAPI is what the HTTP API serves for ZK proof requests and verification; nil answers 501.
func (s *services) zkAPI() api.ZK { return nil }
