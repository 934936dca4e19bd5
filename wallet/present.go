package wallet

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/dcql"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// proverCandidate is the candidate id of a chainid_zk query answered by
// the Prover.
const proverCandidate = "zk-prover"

// Request is a fetched and verified presentation request, with the
// credentials the wallet would present.
type Request struct {
	// Verifier is the request's client_id.
	Verifier string                       `json:"verifier"`
	Request  *oid4vp.AuthorizationRequest `json:"request"`
	// Plan is what Present would send, per credential query.
	Plan []Planned `json:"plan"`
}

// Planned is one credential the wallet would present.
type Planned struct {
	QueryID      string   `json:"queryId"`
	Format       string   `json:"format"`
	CredentialID string   `json:"credentialId,omitempty"`
	Disclose     []string `json:"disclose,omitempty"`
}

// PresentResult is the outcome of Present.
type PresentResult struct {
	Verifier    string    `json:"verifier"`
	Presented   []Planned `json:"presented"`
	RedirectURI string    `json:"redirectUri,omitempty"`
}

// fetch fetches and verifies the request at uri with a new OpenID4VP
// client, which it returns to answer the request with.
func (w *Wallet) fetch(ctx context.Context, uri string) (*oid4vp.Client, *oid4vp.AuthorizationRequest, error) {
	c, err := oid4vp.NewClient(oid4vp.ClientConfig{Keys: w.dkeys, HTTPClient: w.http, Now: w.cfg.Now, InsecureAllowHTTP: w.cfg.InsecureAllowHTTP})
	if err != nil {
		return nil, nil, err
	}
	req, err := c.Fetch(ctx, uri)
	if err != nil {
		return nil, nil, err
	}
	return c, req, nil
}

// Inspect fetches and verifies the request at uri and plans the answer
// without sending anything.
func (w *Wallet) Inspect(ctx context.Context, uri string) (*Request, error) {
	_, req, err := w.fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	plan, _, _, err := w.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Request{Verifier: req.ClientID, Request: req, Plan: plan}, nil
}

// plan selects credentials for the request's DCQL query (dcql.Match): for
// each credential query to answer, the first matching credential (all of
// them when the query allows multiple) and the claims to disclose.
// chainid_zk queries are answered by the Prover; their claims are what
// the proof request reveals, so only the format is matched here.
func (w *Wallet) plan(ctx context.Context, req *oid4vp.AuthorizationRequest) ([]Planned, []store.WalletCredential, *dcql.Query, error) {
	q, err := dcql.Parse(req.DCQLQuery)
	if err != nil {
		return nil, nil, nil, err
	}
	creds, err := w.store.WalletCredentials(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	cands := make([]dcql.Candidate, 0, len(creds)+1)
	byID := map[string]store.WalletCredential{}
	for _, c := range creds {
		if c.Format == oid4vp.FormatZK {
			continue // used by the Prover
		}
		byID[c.ID] = c
		cands = append(cands, dcql.Candidate{ID: c.ID, Format: c.Format, Types: c.Types, Claims: c.Claims, HolderBinding: true})
	}
	if w.cfg.Prover != nil {
		cands = append(cands, dcql.Candidate{ID: proverCandidate, Format: oid4vp.FormatZK, HolderBinding: true, Claims: json.RawMessage(`{}`)})
	}
	match := *q
	match.Credentials = slices.Clone(q.Credentials)
	for i := range match.Credentials {
		if match.Credentials[i].Format == oid4vp.FormatZK {
			match.Credentials[i].Claims, match.Credentials[i].ClaimSets = nil, nil
		}
	}
	sel, err := dcql.Match(&match, cands)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("this wallet cannot answer the request: %w", err)
	}
	var plan []Planned
	var chosen []store.WalletCredential
	for _, cq := range q.Credentials { // in the verifier's order
		picks := sel[cq.ID]
		if len(picks) == 0 {
			continue
		}
		if !cq.Multiple {
			picks = picks[:1]
		}
		for _, s := range picks {
			p := Planned{QueryID: cq.ID, Format: cq.Format, Disclose: s.Disclose}
			c := store.WalletCredential{Format: cq.Format}
			if s.CandidateID != proverCandidate {
				c = byID[s.CandidateID]
				p.CredentialID = c.ID
			}
			plan = append(plan, p)
			chosen = append(chosen, c)
		}
	}
	return plan, chosen, q, nil
}

// Present fetches the request at uri, selects credentials that satisfy its
// DCQL query and answers it (direct_post or direct_post.jwt). Only the
// claims the query names are disclosed from SD-JWT credentials; every
// presentation is bound to the request's nonce and client_id.
func (w *Wallet) Present(ctx context.Context, uri string) (*PresentResult, error) {
	c, req, err := w.fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	plan, creds, q, err := w.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	signer, holder, err := w.signer(ctx)
	if err != nil {
		return nil, err
	}
	token := map[string][]json.RawMessage{}
	for i, p := range plan {
		var pres json.RawMessage
		switch p.Format {
		case oid4vp.FormatZK:
			if w.cfg.Prover == nil {
				return nil, errors.New("this wallet cannot answer zero-knowledge requests")
			}
			cq := q.Credentials[slices.IndexFunc(q.Credentials, func(c dcql.CredentialQuery) bool { return c.ID == p.QueryID })]
			pres, err = w.cfg.Prover.ProveZK(ctx, w, cq.Meta.ZKRequest, req.Nonce, req.ClientID)
		default:
			pres, err = w.presentOne(ctx, creds[i], p.Disclose, signer, holder, req)
		}
		if err != nil {
			return nil, fmt.Errorf("present %s: %w", p.QueryID, err)
		}
		token[p.QueryID] = append(token[p.QueryID], pres)
	}
	ack, err := c.Respond(ctx, req, token)
	if err != nil {
		return nil, err
	}
	return &PresentResult{Verifier: req.ClientID, Presented: plan, RedirectURI: ack.RedirectURI}, nil
}

// presentOne makes the presentation of one stored credential for req.
func (w *Wallet) presentOne(ctx context.Context, cred store.WalletCredential, disclose []string, signer crypto.Signer, holder *Holder, req *oid4vp.AuthorizationRequest) (json.RawMessage, error) {
	now := w.cfg.Now()
	switch cred.Format {
	case oid4vp.FormatSDJWT:
		s, err := sdjwt.Present(cred.Credential, disclose, signer, sdjwt.PresentOptions{Nonce: req.Nonce, Audience: req.ClientID, IssuedAt: now})
		if err != nil {
			return nil, err
		}
		return json.Marshal(s)
	case oid4vp.FormatJWTVC:
		vp, err := json.Marshal(map[string]any{
			"@context":             []string{"https://www.w3.org/2018/credentials/v1"},
			"type":                 []string{"VerifiablePresentation"},
			"holder":               holder.DID,
			"verifiableCredential": []string{cred.Credential},
		})
		if err != nil {
			return nil, err
		}
		s, err := jwtvc.SignPresentation(ctx, vp, signer, holder.KeyID, jwtvc.PresentOptions{
			Format: jwtvc.FormatJWTVCJSON, Nonce: req.Nonce, Audience: req.ClientID,
			Now: func() time.Time { return now }, Lifetime: 5 * time.Minute})
		if err != nil {
			return nil, err
		}
		return json.Marshal(s)
	case oid4vp.FormatLDPVC:
		return w.presentLDP(ctx, cred, signer, holder, req)
	}
	return nil, fmt.Errorf("cannot present %s credentials", cred.Format)
}

// presentLDP wraps a Data Integrity credential in a verifiable
// presentation of the holder, secured with an authentication proof whose
// challenge is the request's nonce and domain its client_id:
// eddsa-jcs-2022 for an Ed25519 holder key (no JSON-LD processing of the
// credential's contexts), ecdsa-rdfc-2019 for P-256.
func (w *Wallet) presentLDP(ctx context.Context, cred store.WalletCredential, signer crypto.Signer, holder *Holder, req *oid4vp.AuthorizationRequest) (json.RawMessage, error) {
	var vc struct {
		Context json.RawMessage `json:"@context"`
	}
	if err := json.Unmarshal([]byte(cred.Credential), &vc); err != nil {
		return nil, fmt.Errorf("stored ldp_vc credential: %w", err)
	}
	vpContext := []string{"https://www.w3.org/2018/credentials/v1"}
	var ctxs []any
	if json.Unmarshal(vc.Context, &ctxs) == nil && len(ctxs) > 0 && ctxs[0] == "https://www.w3.org/ns/credentials/v2" {
		vpContext = []string{"https://www.w3.org/ns/credentials/v2"}
	}
	vp, err := json.Marshal(map[string]any{
		"@context":             vpContext,
		"type":                 []string{"VerifiablePresentation"},
		"holder":               holder.DID,
		"verifiableCredential": []json.RawMessage{json.RawMessage(cred.Credential)},
	})
	if err != nil {
		return nil, err
	}
	suite := dataintegrity.ECDSARDFC2019
	if _, ok := signer.Public().(ed25519.PublicKey); ok {
		suite = dataintegrity.EdDSAJCS2022
	}
	set, err := w.ldContexts(ctx, cred, vc.Context)
	if err != nil {
		return nil, err
	}
	proc, err := dataintegrity.New(dataintegrity.Config{Now: w.cfg.Now, Contexts: set})
	if err != nil {
		return nil, err
	}
	return proc.AddProof(ctx, vp, signer, holder.KeyID, suite, dataintegrity.ProofOptions{
		Purpose: "authentication", Challenge: req.Nonce, Domain: req.ClientID, Created: w.cfg.Now()})
}

// contextPath is where a chainid issuer serves its schemas' JSON-LD
// contexts (credentials/issuer.ContextPath).
const contextPath = "/contexts/"

// ldContexts returns the built-in JSON-LD contexts plus those of a
// chainid issuer's schemas that the credential names, fetched from the
// issuer service it came from (its Source: the OpenID4VCI issuer, or the
// URL given to Import). The wallet never interprets them beyond making
// its proof; the verifier checks the credential with its own copies.
func (w *Wallet) ldContexts(ctx context.Context, cred store.WalletCredential, raw json.RawMessage) (*ldcontext.Set, error) {
	var urls []string
	var one string
	var many []any
	switch {
	case json.Unmarshal(raw, &one) == nil:
		urls = []string{one}
	case json.Unmarshal(raw, &many) == nil:
		for _, c := range many {
			if s, ok := c.(string); ok {
				urls = append(urls, s)
			}
		}
	}
	builtin := map[string]bool{}
	for _, c := range ldcontext.Builtin() {
		builtin[c.URL] = true
	}
	var extra []ldcontext.Context
	for _, u := range urls {
		if builtin[u] {
			continue
		}
		pu, err := url.Parse(u)
		name, ok := "", false
		if err == nil {
			name, ok = strings.CutPrefix(pu.Path, contextPath)
		}
		if !ok || name == "" || strings.Contains(name, "/") || w.checkURL(cred.Source) != nil {
			return nil, fmt.Errorf("the credential's JSON-LD context %s is not built in and no issuer service is known to serve it (import with the issuer's URL)", u)
		}
		src := strings.TrimSuffix(cred.Source, "/") + contextPath + url.PathEscape(name)
		if err := w.checkURL(src); err != nil {
			return nil, err
		}
		doc, err := w.get(ctx, src)
		if err != nil {
			return nil, fmt.Errorf("fetch context %s: %w", src, err)
		}
		extra = append(extra, ldcontext.Context{URL: u, Document: doc})
	}
	return ldcontext.New(extra...)
}
