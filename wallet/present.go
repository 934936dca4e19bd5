package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/oid4vp"
)

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

func (w *Wallet) client() (*oid4vp.Client, error) {
	return oid4vp.NewClient(oid4vp.ClientConfig{Keys: w.dkeys, HTTPClient: w.http, Now: w.cfg.Now, InsecureAllowHTTP: w.cfg.InsecureAllowHTTP})
}

// Inspect fetches and verifies the request at uri and plans the answer
// without sending anything.
func (w *Wallet) Inspect(ctx context.Context, uri string) (*Request, error) {
	c, err := w.client()
	if err != nil {
		return nil, err
	}
	req, err := c.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	plan, _, err := w.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Request{Verifier: req.ClientID, Request: req, Plan: plan}, nil
}

// plan selects credentials for the request's DCQL query.
func (w *Wallet) plan(ctx context.Context, req *oid4vp.AuthorizationRequest) ([]Planned, []store.WalletCredential, error) {
	q, err := oid4vp.ParseQuery(req.DCQLQuery)
	if err != nil {
		return nil, nil, err
	}
	creds, err := w.store.WalletCredentials(ctx)
	if err != nil {
		return nil, nil, err
	}
	cands := make([]oid4vp.Candidate, 0, len(creds)+1)
	for _, c := range creds {
		cands = append(cands, oid4vp.Candidate{Format: c.Format, Types: c.Types, Claims: c.Claims})
	}
	if w.cfg.Prover != nil {
		// A ZK query is answered by the prover, not by a stored credential.
		cands = append(cands, oid4vp.Candidate{Format: oid4vp.FormatZK})
	}
	sels, err := q.Select(cands)
	if err != nil {
		return nil, nil, err
	}
	var plan []Planned
	var chosen []store.WalletCredential
	for _, s := range sels {
		p := Planned{QueryID: s.QueryID}
		if s.Index < len(creds) {
			c := creds[s.Index]
			p.Format, p.CredentialID = c.Format, c.ID
			for _, cl := range s.Claims {
				if ptr, ok := oid4vp.Pointer(cl.Path); ok {
					p.Disclose = append(p.Disclose, ptr)
				}
			}
			chosen = append(chosen, c)
		} else {
			p.Format = oid4vp.FormatZK
			chosen = append(chosen, store.WalletCredential{Format: oid4vp.FormatZK})
		}
		plan = append(plan, p)
	}
	return plan, chosen, nil
}

// Present fetches the request at uri, selects credentials that satisfy its
// DCQL query and answers it (direct_post or direct_post.jwt). Only the
// claims the query names are disclosed from SD-JWT credentials.
func (w *Wallet) Present(ctx context.Context, uri string) (*PresentResult, error) {
	c, err := w.client()
	if err != nil {
		return nil, err
	}
	req, err := c.Fetch(ctx, uri)
	if err != nil {
		return nil, err
	}
	plan, creds, err := w.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	q, err := oid4vp.ParseQuery(req.DCQLQuery)
	if err != nil {
		return nil, err
	}
	signer, holder, err := w.signer(ctx)
	if err != nil {
		return nil, err
	}
	now := w.cfg.Now()
	token := map[string][]json.RawMessage{}
	for i, p := range plan {
		var pres json.RawMessage
		switch p.Format {
		case oid4vp.FormatSDJWT:
			s, err := sdjwt.Present(creds[i].Credential, p.Disclose, signer, sdjwt.PresentOptions{Nonce: req.Nonce, Audience: req.ClientID, IssuedAt: now})
			if err != nil {
				return nil, fmt.Errorf("present %s: %w", p.QueryID, err)
			}
			pres, _ = json.Marshal(s)
		case oid4vp.FormatJWTVC:
			vp, _ := json.Marshal(map[string]any{
				"@context":             []string{"https://www.w3.org/2018/credentials/v1"},
				"type":                 []string{"VerifiablePresentation"},
				"holder":               holder.DID,
				"verifiableCredential": []string{creds[i].Credential},
			})
			s, err := jwtvc.SignPresentation(ctx, vp, signer, holder.KeyID, jwtvc.PresentOptions{
				Format: jwtvc.FormatJWTVCJSON, Nonce: req.Nonce, Audience: req.ClientID,
				Now: func() time.Time { return now }, Lifetime: 5 * time.Minute})
			if err != nil {
				return nil, fmt.Errorf("present %s: %w", p.QueryID, err)
			}
			pres, _ = json.Marshal(s)
		case oid4vp.FormatZK:
			if w.cfg.Prover == nil {
				return nil, errors.New("this wallet cannot answer zero-knowledge requests")
			}
			cq := q.Credentials[indexOf(q, p.QueryID)]
			if pres, err = w.cfg.Prover.ProveZK(ctx, w, cq.ZKRequest(), req.Nonce, req.ClientID); err != nil {
				return nil, fmt.Errorf("prove %s: %w", p.QueryID, err)
			}
		default:
			return nil, fmt.Errorf("cannot present %s credentials", p.Format)
		}
		token[p.QueryID] = append(token[p.QueryID], pres)
	}
	ack, err := c.Respond(ctx, req, token)
	if err != nil {
		return nil, err
	}
	return &PresentResult{Verifier: req.ClientID, Presented: plan, RedirectURI: ack.RedirectURI}, nil
}

func indexOf(q *oid4vp.Query, id string) int {
	for i, c := range q.Credentials {
		if c.ID == id {
			return i
		}
	}
	return 0
}
