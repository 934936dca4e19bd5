package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// verifierKeyLabel labels the keystore key that signs OpenID4VP request
// objects; its did:key is the verifier's decentralized_identifier.
const verifierKeyLabel = "oid4vp-verifier"

// presentState is the wired state of the OpenID4VP verifier: the service
// is built on first use, once the public URL is known.
type presentState struct {
	mu  sync.Mutex
	svc *oid4vp.Service
}

// newPresentServices wires the OpenID4VP verifier into s.
func newPresentServices(s *services) error {
	s.present = &presentState{}
	return nil
}

// presentAPI is what the HTTP API serves for the OpenID4VP verifier; nil answers 501.
func (s *services) presentAPI() api.Presentations { return presentations{s} }

// presentations implements api.Presentations over the services.
type presentations struct{ s *services }

var _ api.Presentations = presentations{}

// oid4vp returns the OpenID4VP service, building it on first use.
func (s *services) oid4vp(ctx context.Context) (*oid4vp.Service, error) {
	st := s.present
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.svc != nil {
		return st.svc, nil
	}
	keys, err := s.keys.List(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(keys, func(k store.KeyRecord) bool { return k.Label == verifierKeyLabel && k.Method == "key" })
	var id, kid string
	if i >= 0 {
		id, kid = keys[i].ID, keys[i].DID
	} else {
		rec, err := s.keys.Generate(ctx, did.Ed25519, verifierKeyLabel, didkey.New)
		if err != nil {
			return nil, fmt.Errorf("create the OpenID4VP verifier key: %w", err)
		}
		id, kid = rec.ID, rec.DID
	}
	signer, err := s.keys.Signer(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := did.Parse(kid)
	if err != nil {
		return nil, err
	}
	base, allowHTTP := credentialIssuerURL(s.statusPublicURL())
	svc, err := oid4vp.New(s.store.Presentations(), oid4vp.Config{
		BaseURL:           base + "/v1/presentation-requests",
		Signer:            signer,
		KeyID:             kid + "#" + d.ID,
		Verifier:          presentationVerifier{s},
		Queries:           oid4vp.Queries{},
		Logger:            s.log,
		InsecureAllowHTTP: allowHTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("OpenID4VP verifier (needs an https public URL, or http on loopback): %w", err)
	}
	st.svc = svc
	return svc, nil
}

func (p presentations) CreatePresentationRequest(ctx context.Context, req oid4vp.CreateRequest) (*oid4vp.Created, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Create(ctx, req)
}

func (p presentations) PresentationRequestObject(ctx context.Context, id string) (string, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return "", err
	}
	return svc.RequestObject(ctx, id)
}

func (p presentations) PresentationResponse(ctx context.Context, id string, form url.Values) (*oid4vp.Ack, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.HandleResponse(ctx, id, form)
}

func (p presentations) PresentationStatus(ctx context.Context, id, code string) (*oid4vp.Status, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Status(ctx, id, code)
}

// presentationVerifier verifies OpenID4VP presentations with the issuer
// service's verifier (signatures, validity, status) and trusts the issuers
// registered in this service. It is the stand-in until the format-detecting
// verifier (verifyservices.go) is wired here.
type presentationVerifier struct{ s *services }

func (v presentationVerifier) VerifyPresentation(ctx context.Context, raw json.RawMessage, nonce, audience string) (*verifier.Result, error) {
	res, err := v.s.verifier.VerifyPresentation(ctx, raw, issuer.PresentationOptions{Challenge: nonce, Domain: audience})
	if err != nil {
		return nil, err
	}
	trusted, err := v.s.issuer.Issuers(ctx)
	if err != nil {
		return nil, err
	}
	isTrusted := func(d string) bool {
		return slices.ContainsFunc(trusted, func(r store.IssuerRecord) bool { return r.DID == d })
	}
	out := &verifier.Result{Verified: res.Verified, Format: vpFormat(res.Format), Holder: res.Issuer}
	out.Checks = append(out.Checks, verifier.Check{Check: verifier.CheckSignature, Passed: res.Verified, Reason: problems(res)})
	subs := res.Credentials
	if len(subs) == 0 && res.Format == issuer.FormatSDJWT {
		subs = []*issuer.Result{res}
		out.Holder = ""
	}
	if len(subs) == 0 {
		out.Verified = false
		out.Checks = append(out.Checks, verifier.Check{Check: verifier.CheckSyntax, Reason: "the presentation carries no credential"})
	}
	for i, c := range subs {
		target := fmt.Sprintf("credentials/%d", i)
		vc := verifier.Credential{Format: vcFormat(c.Format), Issuer: c.Issuer, Claims: c.Document, Types: credentialTypes(c)}
		out.Credentials = append(out.Credentials, vc)
		out.Checks = append(out.Checks, verifier.Check{Check: verifier.CheckSignature, Passed: c.Verified, Reason: problems(c), Target: target})
		ok := isTrusted(c.Issuer)
		reason := "issuer registered here"
		if !ok {
			reason = "issuer " + c.Issuer + " is not trusted"
		}
		out.Checks = append(out.Checks, verifier.Check{Check: verifier.CheckTrustedIssuer, Passed: ok, Reason: reason, Target: target})
		out.Verified = out.Verified && c.Verified && ok
	}
	return out, nil
}

func problems(r *issuer.Result) string {
	var parts []string
	for _, p := range r.Errors {
		parts = append(parts, p.Title+": "+p.Detail)
	}
	return strings.Join(parts, "; ")
}

// vpFormat and vcFormat map the issuer verifier's format names to the
// verifier package's.
func vpFormat(f string) string {
	switch {
	case f == issuer.FormatSDJWT:
		return verifier.FormatSDJWT
	case f == "jwt_vc_json", f == "jwt_vp_json":
		return verifier.FormatJWTVPJSON
	case f == "vp+jwt":
		return verifier.FormatVPJWT
	case strings.Contains(f, "-20"), f == "DataIntegrityProof":
		return verifier.FormatLDPVP
	}
	return f
}

func vcFormat(f string) string {
	switch {
	case f == issuer.FormatSDJWT:
		return verifier.FormatSDJWT
	case f == "jwt_vc_json":
		return verifier.FormatJWTVCJSON
	case f == "vc+jwt":
		return verifier.FormatVCJWT
	case strings.Contains(f, "-20"), f == "DataIntegrityProof":
		return verifier.FormatLDPVC
	}
	return f
}

// credentialTypes reads the VC types (or the SD-JWT vct) of a verified
// credential.
func credentialTypes(r *issuer.Result) []string {
	var doc struct {
		Type any    `json:"type"`
		VCT  string `json:"vct"`
		VC   *struct {
			Type any `json:"type"`
		} `json:"vc"`
	}
	if json.Unmarshal(r.Document, &doc) != nil {
		return nil
	}
	if doc.VCT != "" {
		return []string{doc.VCT}
	}
	t := doc.Type
	if t == nil && doc.VC != nil {
		t = doc.VC.Type
	}
	switch t := t.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
