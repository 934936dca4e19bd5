package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/verifier"
)

// defaultVerifyLeeway is the clock skew of the server's default policy.
const defaultVerifyLeeway = time.Minute

// verifyState is the wired state of format-detecting verification.
type verifyState struct {
	v       *verifier.Verifier
	schemas sync.Map // issuer + "\x00" + $id → *schema.Schema
}

// newVerifyServices wires format-detecting verification into s: keys through
// the resolver (so did:ethr rotations count), status lists hosted here read
// from the issuer service and others fetched over HTTPS from public
// addresses, schemas registered here, ZK proofs through the ZK service.
func newVerifyServices(s *services) error {
	keys, err := didkeys.New(s.resolver, didkeys.Config{})
	if err != nil {
		return err
	}
	st := &verifyState{}
	v, err := verifier.New(verifier.Config{
		Keys:    keys,
		Fetcher: localFirstFetcher{s: s, remote: verifier.NewHTTPFetcher(verifier.FetchConfig{})},
		Schemas: verifier.SchemaFunc(func(ctx context.Context, issuer, id string) (*schema.Schema, error) {
			return s.verifySchema(ctx, issuer, id)
		}),
		ZK:        zkLazy{s},
		Processor: s.issuer.Processor,
	})
	if err != nil {
		return fmt.Errorf("verifier: %w", err)
	}
	st.v = v
	s.verify = st
	return nil
}

// verifySchema returns a schema registered here, compiled once.
func (s *services) verifySchema(ctx context.Context, issuer, id string) (*schema.Schema, error) {
	key := issuer + "\x00" + id
	if c, ok := s.verify.schemas.Load(key); ok {
		return c.(*schema.Schema), nil
	}
	rec, err := s.store.Schema(ctx, issuer, id)
	if err != nil {
		return nil, err
	}
	c, err := schema.Compile(rec.Raw)
	if err != nil {
		return nil, err
	}
	s.verify.schemas.Store(key, c) // a registered $id never changes content
	return c, nil
}

// zkLazy hands ZK proofs to the ZK service, built on first use.
type zkLazy struct{ s *services }

func (z zkLazy) VerifyZK(ctx context.Context, proof json.RawMessage, expect verifier.ZKExpect) (*verifier.ZKResult, error) {
	svc, err := z.s.zkService(ctx)
	if err != nil {
		return nil, err
	}
	return svc.VerifyZK(ctx, proof, expect)
}

// localFirstFetcher answers for status lists this service hosts from the
// issuer service (no network, no loopback request) and fetches the others.
type localFirstFetcher struct {
	s      *services
	remote verifier.Fetcher
}

func (f localFirstFetcher) Fetch(ctx context.Context, rawURL string) ([]byte, string, error) {
	l, ok, err := f.local(ctx, rawURL)
	if err != nil {
		return nil, "", err
	}
	if ok {
		return l.Body, l.MediaType, nil
	}
	return f.remote.Fetch(ctx, rawURL)
}

// Version is the ETag of a list hosted here, so that the verifier's cache
// sees a revocation or suspension here at once (verifier.VersionedFetcher).
func (f localFirstFetcher) Version(ctx context.Context, rawURL string) (string, bool, error) {
	l, ok, err := f.local(ctx, rawURL)
	if err != nil || !ok {
		return "", false, err
	}
	return l.ETag, true, nil
}

// local returns the signed list when rawURL names one hosted here.
func (f localFirstFetcher) local(ctx context.Context, rawURL string) (*issuer.SignedList, bool, error) {
	issuers, err := f.s.issuer.Issuers(ctx)
	if err != nil {
		return nil, false, err
	}
	for _, iss := range issuers {
		rest, ok := strings.CutPrefix(rawURL, iss.StatusBase)
		if !ok || iss.StatusBase == "" {
			continue
		}
		parts := strings.Split(rest, "/")
		if len(parts) != 3 {
			continue
		}
		id, err := url.PathUnescape(parts[0])
		if err != nil || id != iss.DID {
			continue
		}
		seq, err := strconv.ParseUint(parts[2], 10, 32)
		if err != nil {
			return nil, false, fmt.Errorf("status list %s: bad sequence", rawURL)
		}
		l, err := f.s.issuer.StatusList(ctx, iss.DID, parts[1], uint32(seq))
		if err != nil {
			return nil, false, err
		}
		return l, true, nil
	}
	return nil, false, nil
}

// anyVerifier is the api.AnyVerifier of the server.
type anyVerifier struct{ s *services }

func (a anyVerifier) Verify(ctx context.Context, in verifier.Input, pol verifier.Policy) (*verifier.Result, error) {
	return a.s.verify.v.Verify(ctx, in, pol)
}

// DefaultPolicy trusts the issuers registered here, with a minute of clock
// skew; callers that trust others send a policy.
func (a anyVerifier) DefaultPolicy(ctx context.Context) (verifier.Policy, error) {
	issuers, err := a.s.issuer.Issuers(ctx)
	if err != nil {
		return verifier.Policy{}, err
	}
	pol := verifier.Policy{Leeway: verifier.Duration(defaultVerifyLeeway)}
	for _, iss := range issuers {
		pol.TrustedIssuers = append(pol.TrustedIssuers, iss.DID)
	}
	return pol, nil
}

// verifyAPI is what the HTTP API serves for format-detecting verification; nil answers 501.
func (s *services) verifyAPI() api.AnyVerifier {
	if s.verify == nil || s.verify.v == nil {
		return nil
	}
	return anyVerifier{s}
}

// vcapiPolicy is the policy of the VC-API verify endpoints: the default
// policy, except that an issuer not registered here is a warning, not an
// error (VC-API verifies signatures; trusting the issuer is the caller's
// decision, as before).
func (s *services) vcapiPolicy(ctx context.Context) (verifier.Policy, error) {
	pol, err := anyVerifier{s}.DefaultPolicy(ctx)
	if err != nil {
		return verifier.Policy{}, err
	}
	pol.Optional = []string{verifier.CheckTrustedIssuer}
	return pol, nil
}

// vcapiVerify runs the verifier pipeline for the VC-API endpoints.
func (s *services) vcapiVerify(ctx context.Context, in verifier.Input) (api.VerifyResult, error) {
	pol, err := s.vcapiPolicy(ctx)
	if err != nil {
		return api.VerifyResult{}, err
	}
	res, err := s.verify.v.Verify(ctx, in, pol)
	if err != nil {
		return api.VerifyResult{}, err
	}
	return vcapiResult(res, len(in.Presentation) > 0, pol), nil
}

// VC-API check names of the pipeline's checks: the three the VC-API
// endpoints always reported keep their names.
var vcapiCheckNames = map[string]string{
	verifier.CheckSignature: issuer.CheckProof,
	verifier.CheckValidity:  issuer.CheckValidity,
	verifier.CheckStatus:    issuer.CheckStatus,
}

// ProblemUntrustedIssuer is the warning of a credential whose issuer the
// server's policy does not name.
const ProblemUntrustedIssuer = "urn:chainid:verification:untrusted-issuer"

// vcapiProblem is the VC-API problem of a failed check.
func vcapiProblem(c verifier.Check) api.VerifyProblem {
	p := api.VerifyProblem{Detail: c.Reason}
	switch c.Check {
	case verifier.CheckSyntax:
		p.Type, p.Title = issuer.ProblemParsing, "The input could not be parsed"
	case verifier.CheckIssuerKey:
		p.Type, p.Title = issuer.ProblemCryptographic, "The signing key is not the issuer's"
	case verifier.CheckSignature:
		p.Type, p.Title = issuer.ProblemCryptographic, "The proof did not verify"
	case verifier.CheckTrustedIssuer:
		p.Type, p.Title = ProblemUntrustedIssuer, "The issuer is not a trusted issuer of this server"
	case verifier.CheckValidity:
		p.Type, p.Title = issuer.ProblemRange, "The credential is outside its validity period"
	case verifier.CheckStatus:
		switch {
		case strings.Contains(c.Reason, "suspended"):
			p.Type, p.Title = issuer.ProblemSuspended, "The credential is suspended"
		case strings.Contains(c.Reason, "bit is set"):
			p.Type, p.Title = issuer.ProblemRevoked, "The credential is revoked"
		default:
			p.Type, p.Title = issuer.ProblemStatus, "The credential's status could not be checked"
		}
	case verifier.CheckSchema:
		p.Type, p.Title = issuer.ProblemMalformed, "The credential does not match its schema"
	case verifier.CheckHolderBinding:
		p.Type, p.Title = issuer.ProblemCryptographic, "The presentation is not bound to the expected challenge and domain"
	default:
		p.Type, p.Title = issuer.ProblemCryptographic, "The "+c.Check+" check failed"
	}
	return p
}

// vcapiResult turns a pipeline result into the VC-API shape: passed check
// names, errors (failed required checks) and warnings (failed optional
// ones); a presentation's credentials become credentialResults.
func vcapiResult(res *verifier.Result, presentation bool, pol verifier.Policy) api.VerifyResult {
	build := func(target string) api.VerifyResult {
		out := api.VerifyResult{Verified: true, Checks: []string{}, Warnings: []api.VerifyProblem{}, Errors: []api.VerifyProblem{}}
		for _, c := range res.Checks {
			if c.Target != target {
				continue
			}
			switch {
			case c.Passed:
				name := c.Check
				if n, ok := vcapiCheckNames[name]; ok {
					name = n
				}
				out.Checks = append(out.Checks, name)
			case slices.Contains(pol.Optional, c.Check):
				out.Warnings = append(out.Warnings, vcapiProblem(c))
			default:
				out.Verified = false
				out.Errors = append(out.Errors, vcapiProblem(c))
			}
		}
		return out
	}
	out := build("")
	out.Verified, out.Format = res.Verified, res.Format
	if !presentation {
		if len(res.Credentials) > 0 {
			out.Issuer = res.Credentials[0].Issuer
		}
		return out
	}
	out.Issuer = res.Holder
	for i, c := range res.Credentials {
		cr := build("credentials/" + strconv.Itoa(i))
		cr.Format, cr.Issuer = c.Format, c.Issuer
		out.Credentials = append(out.Credentials, cr)
	}
	return out
}
