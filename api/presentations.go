package api

// Presentations is what the routes of OpenID4VP presentation requests need.
type Presentations interface{}

// presentationRoutes are the routes of OpenID4VP presentation requests.
func (s *server) presentationRoutes() []route { return nil }
