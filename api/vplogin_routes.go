package api

import (
	"net/http"

	"github.com/chainid/chainid/api/vplogin"
)

// VPLogin is the credential and ZK login method of the OpenID provider
// (package api/vplogin); *vplogin.Bridge satisfies it. Its Handler serves
// the vplogin.Path… pages, which render their own HTML error pages.
type VPLogin interface {
	Handler() http.Handler
}

// vpLoginRoutes are the routes of the credential and ZK login. They are
// always in the table; without a bridge they answer 501.
func (s *server) vpLoginRoutes() []route {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.vplogin == nil {
			s.writeProblem(w, r, &apiError{kind: kindNotImplemented, detail: "credential login is not configured on this server"})
			return
		}
		s.vplogin.Handler().ServeHTTP(w, r)
	})
	return []route{
		{http.MethodGet, vplogin.PathLogin, h},
		{http.MethodGet, vplogin.PathState, h},
		{http.MethodGet, vplogin.PathQR, h},
		{http.MethodGet, vplogin.PathReturn, h},
		{http.MethodPost, vplogin.PathFinish, h},
		{http.MethodGet, vplogin.PathScript, h},
	}
}
