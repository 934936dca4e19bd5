package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/chainid/chainid/verifier"
)

// AnyVerifier is what the routes of format-detecting verification need
// (*verifier.Verifier plus the server's default policy).
type AnyVerifier interface {
	// Verify verifies a credential or presentation of any format under a
	// policy; errors wrapping verifier.ErrMalformed or verifier.ErrPolicy
	// are the caller's (400).
	Verify(ctx context.Context, in verifier.Input, pol verifier.Policy) (*verifier.Result, error)
	// DefaultPolicy is the policy of requests that carry none.
	DefaultPolicy(ctx context.Context) (verifier.Policy, error)
}

// VerifyRequest is the body of POST /v1/verify: exactly one of credential
// and presentation (a JSON object, or a compact JWT / SD-JWT string), the
// nonce (challenge) and audience (domain) a presentation must be bound to,
// and an optional policy (the server's default policy when absent).
type VerifyRequest struct {
	Credential   json.RawMessage  `json:"credential,omitempty"`
	Presentation json.RawMessage  `json:"presentation,omitempty"`
	Nonce        string           `json:"nonce,omitempty" validate:"max=512"`
	Audience     string           `json:"audience,omitempty" validate:"max=2048"`
	Policy       *verifier.Policy `json:"policy,omitempty"`
}

// verifyRoutes are the routes of format-detecting verification.
func (s *server) verifyRoutes() []route {
	return []route{
		{http.MethodPost, "/v1/verify", s.handleVerify()},
		{http.MethodOptions, "/v1/verify", s.handlePreflight()},
	}
}

func errNoAnyVerifier() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not verify credentials"}
}

// handleVerify is POST /v1/verify: 200 with the result whether or not it
// verified; 400 for input that is not a credential or presentation, or a
// policy that cannot be applied.
func (s *server) handleVerify() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.verify == nil {
			s.writeProblem(w, r, errNoAnyVerifier())
			return
		}
		var req VerifyRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		if (len(req.Credential) == 0) == (len(req.Presentation) == 0) {
			s.writeProblem(w, r, &apiError{kind: kindValidation, detail: "the request body is invalid",
				fields: []fieldError{{Field: "credential", Message: "exactly one of credential and presentation is required"}}})
			return
		}
		var pol verifier.Policy
		if req.Policy != nil {
			pol = *req.Policy
		} else {
			var err error
			if pol, err = s.verify.DefaultPolicy(r.Context()); err != nil {
				s.writeProblem(w, r, fmt.Errorf("default policy: %w", err))
				return
			}
		}
		res, err := s.verify.Verify(r.Context(), verifier.Input{Credential: req.Credential, Presentation: req.Presentation,
			Nonce: req.Nonce, Audience: req.Audience}, pol)
		if err != nil {
			s.writeProblem(w, r, anyVerifyError(err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	}))
}

// anyVerifyError maps verifier refusals to 400.
func anyVerifyError(err error) error {
	if errors.Is(err, verifier.ErrMalformed) || errors.Is(err, verifier.ErrPolicy) {
		return &apiError{kind: kindInvalidRequest, err: fmt.Errorf("verify: %w", err), detail: err.Error()}
	}
	return fmt.Errorf("verify: %w", err)
}

// vcapiVerifyError maps errors of the VC-API verify endpoints: input the
// pipeline cannot read as a credential or presentation is a 400, as VC-API
// specifies; everything else goes through verifyError.
func vcapiVerifyError(op string, err error) error {
	if errors.Is(err, verifier.ErrMalformed) || errors.Is(err, verifier.ErrPolicy) {
		return &apiError{kind: kindInvalidRequest, err: fmt.Errorf("%s: %w", op, err), detail: err.Error()}
	}
	return verifyError(op, err)
}
