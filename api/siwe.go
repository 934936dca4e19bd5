package api

// SIWE is what the routes of Sign-In with Ethereum login need.
type SIWE interface{}

// siweRoutes are the routes of Sign-In with Ethereum login.
func (s *server) siweRoutes() []route { return nil }
