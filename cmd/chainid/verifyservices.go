package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/didkeys"
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
	issuers, err := f.s.issuer.Issuers(ctx)
	if err != nil {
		return nil, "", err
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
			return nil, "", fmt.Errorf("status list %s: bad sequence", rawURL)
		}
		l, err := f.s.issuer.StatusList(ctx, iss.DID, parts[1], uint32(seq))
		if err != nil {
			return nil, "", err
		}
		return l.Body, l.MediaType, nil
	}
	return f.remote.Fetch(ctx, rawURL)
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
