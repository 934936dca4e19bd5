package api

import (
	"fmt"
	"net/http"
)

// healthStatus is the body of /healthz and /readyz.
type healthStatus struct {
	Status string `json:"status"`
}

// handleHealth answers liveness: the process serves HTTP.
func (s *server) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s.writeJSON(w, r, http.StatusOK, "application/json", healthStatus{Status: "ok"})
	})
}

// handleReady answers readiness through Config.Ready. The failure cause is
// logged, never shown.
func (s *server) handleReady() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.ready != nil {
			if err := s.ready(r.Context()); err != nil {
				s.writeProblem(w, r, &apiError{kind: kindUnavailable, detail: "the service is not ready",
					err: fmt.Errorf("readiness check: %w", err)})
				return
			}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", healthStatus{Status: "ok"})
	})
}
