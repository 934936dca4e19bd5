package zk

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/chainid/chainid/verifier"
)

var _ verifier.ZKVerifier = (*Service)(nil)

// pipelineChecks maps each check of a Result to the verification
// pipeline's check it belongs to.
var pipelineChecks = []struct {
	name  string
	parts []string
}{
	{verifier.CheckSyntax, []string{CheckSyntax}},
	{verifier.CheckIssuerKey, []string{CheckIssuerKey}},
	{verifier.CheckValidity, []string{CheckTime}},
	{verifier.CheckStatus, []string{CheckStatusRoot}},
	{verifier.CheckHolderBinding, []string{CheckRequest, CheckNonce}},
	{verifier.CheckZKProof, []string{CheckVerifyingKey, CheckProof, CheckDisclosed, CheckNullifier}},
}

// VerifyZK verifies a submission for the verification pipeline (package
// verifier): the checks of Verify, plus the expected nonce and audience
// (when set, they must be the request's) and the trusted issuers, mapped
// to the pipeline's check names. It returns an error only for a submission
// that does not parse (wrapping ErrMalformed) or a server failure.
func (s *Service) VerifyZK(ctx context.Context, proof json.RawMessage, expect verifier.ZKExpect) (*verifier.ZKResult, error) {
	sub, p, pub, err := ParseSubmission(proof)
	if err != nil {
		return nil, err
	}
	var binding []string
	if st, _, err := s.load(ctx, sub.Request); err == nil {
		if expect.Nonce != "" && expect.Nonce != st.Request.Nonce {
			binding = append(binding, "the proof answers a request with another nonce")
		}
		if expect.Audience != "" && expect.Audience != st.Request.Audience {
			binding = append(binding, "the proof is for another audience")
		}
	}
	var res *Result
	if len(binding) > 0 {
		// Do not redeem a request for a presentation bound elsewhere.
		res = &Result{Format: "zk", Request: sub.Request, Issuer: sub.Issuer}
		res.add(CheckSyntax, true, "the proof and its public inputs parse")
		res.add(CheckNonce, false, strings.Join(binding, "; "))
	} else if res, err = s.verify(ctx, sub, p, pub); err != nil {
		return nil, err
	}
	out := &verifier.ZKResult{Issuer: sub.Issuer}
	for _, pc := range pipelineChecks {
		c := verifier.Check{Check: pc.name, Passed: true}
		var reasons []string
		found := false
		for _, rc := range res.Checks {
			if !slices.Contains(pc.parts, rc.Check) {
				continue
			}
			found = true
			if !rc.Passed {
				if c.Passed {
					reasons = nil
				}
				c.Passed = false
				reasons = append(reasons, rc.Reason)
			} else if c.Passed {
				reasons = append(reasons, rc.Reason)
			}
		}
		if !found {
			c.Passed, reasons = false, []string{"not checked"}
		}
		c.Reason = strings.Join(reasons, "; ")
		out.Checks = append(out.Checks, c)
		if pc.name == verifier.CheckIssuerKey {
			out.Checks = append(out.Checks, trusted(sub.Issuer, expect))
		}
	}
	if res.Verified {
		claims, err := json.Marshal(map[string]any{
			"schema": res.Schema, "disclosed": res.Disclosed, "hashed": res.Hashed,
			"predicates": res.Predicates, "scope": res.Scope, "nullifier": res.Nullifier,
		})
		if err != nil {
			return nil, fmt.Errorf("encode zk claims: %w", err)
		}
		out.Claims = claims
		out.Holder = "nullifier:" + res.Nullifier
	}
	return out, nil
}

func trusted(issuer string, expect verifier.ZKExpect) verifier.Check {
	switch {
	case slices.Contains(expect.TrustedIssuers, issuer):
		return verifier.Check{Check: verifier.CheckTrustedIssuer, Passed: true, Reason: issuer + " is trusted"}
	case expect.AnyIssuer:
		return verifier.Check{Check: verifier.CheckTrustedIssuer, Passed: true, Reason: "any issuer is accepted by the policy"}
	}
	return verifier.Check{Check: verifier.CheckTrustedIssuer, Passed: false, Reason: issuer + " is not a trusted issuer"}
}
