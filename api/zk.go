package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/chainid/chainid/verifier/zk"
)

// ZK is what the routes of zero-knowledge proof requests and verification
// need (*zk.Service implements it). Implementations must be safe for
// concurrent use and honour ctx. CreateRequest reports a spec it cannot
// accept with validator.ValidationErrors or an error wrapping
// zk.ErrInvalidRequest; Request an unknown id with zk.ErrNotFound; Verify a
// submission that does not parse with zk.ErrMalformed. A proof that does
// not verify is a result, not an error.
type ZK interface {
	CreateRequest(ctx context.Context, spec zk.Spec) (*zk.Request, error)
	Request(ctx context.Context, id string) (*zk.Request, error)
	Verify(ctx context.Context, sub *zk.Submission) (*zk.Result, error)
}

// zkRoutes are the routes of zero-knowledge proof requests and
// verification. Creating a request needs the admin token or an issuer API
// key (the verifier's backend: a request fixes the scope, audience and
// account a proof is recorded under, and fills the store); reading a
// request and posting a proof are open, because holders do both.
func (s *server) zkRoutes() []route {
	return []route{
		{http.MethodPost, "/v1/zk/requests", s.requireIssuerKey(s.handleCreateZKRequest())},
		{http.MethodGet, "/v1/zk/requests/{id}", s.handleZKRequest()},
		{http.MethodPost, "/v1/zk/verify", s.handleZKVerify()},
	}
}

func errNoZK() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not verify zero-knowledge proofs"}
}

// zkError classifies a ZK service failure: the caller's mistakes are 400 or
// 404 with the cause's text, everything else goes to the common mapper.
func zkError(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	switch {
	case errors.Is(err, zk.ErrInvalidRequest), errors.Is(err, zk.ErrMalformed):
		return &apiError{kind: kindInvalidRequest, err: wrapped, detail: err.Error()}
	case errors.Is(err, zk.ErrNotFound):
		return &apiError{kind: kindNotFound, err: wrapped, detail: "no such proof request"}
	}
	return wrapped
}

// handleCreateZKRequest is POST /v1/zk/requests: 201 with the request
// document and its URL in Location.
func (s *server) handleCreateZKRequest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.zk == nil {
			s.writeProblem(w, r, errNoZK())
			return
		}
		var spec zk.Spec
		if err := s.decodeJSON(r, &spec); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		req, err := s.zk.CreateRequest(r.Context(), spec)
		if err != nil {
			s.writeProblem(w, r, zkError("create proof request", err))
			return
		}
		w.Header().Set("Location", "/v1/zk/requests/"+url.PathEscape(req.ID))
		s.writeJSON(w, r, http.StatusCreated, "application/json", req)
	})
}

// handleZKRequest is GET /v1/zk/requests/{id}: the request document a
// holder proves.
func (s *server) handleZKRequest() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.zk == nil {
			s.writeProblem(w, r, errNoZK())
			return
		}
		req, err := s.zk.Request(r.Context(), r.PathValue("id"))
		if err != nil {
			s.writeProblem(w, r, zkError("get proof request", err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", req)
	}))
}

// handleZKVerify is POST /v1/zk/verify: 200 with the result whether or not
// the proof verified; a malformed submission is a 400.
func (s *server) handleZKVerify() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.zk == nil {
			s.writeProblem(w, r, errNoZK())
			return
		}
		var sub zk.Submission
		if err := s.decodeJSON(r, &sub); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.zk.Verify(r.Context(), &sub)
		if err != nil {
			s.writeProblem(w, r, zkError("verify proof", err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	}))
}
