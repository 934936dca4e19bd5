package api

// ZK is what the routes of zero-knowledge proof requests and verification need.
type ZK interface{}

// zkRoutes are the routes of zero-knowledge proof requests and verification.
func (s *server) zkRoutes() []route { return nil }
