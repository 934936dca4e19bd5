package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
)

// jwtPresentation verifies a VP-JWT (vp+jwt or jwt_vp_json) and its
// credentials.
func (r *run) jwtPresentation(ctx context.Context, tok string) {
	h := jwtHeader(tok)
	var claims struct {
		Nonce string          `json:"nonce"`
		Aud   json.RawMessage `json:"aud"`
	}
	_ = jwtPayload(tok, &claims)
	auds := stringOrList(claims.Aud)
	opts := jwtvc.PresentationVerifyOptions{
		VerifyOptions: jwtvc.VerifyOptions{Now: r.v.cfg.Now, Leeway: r.leeway()},
		Nonce:         r.in.Nonce, Audience: r.in.Audience, MaxAge: time.Duration(r.pol.MaxPresentationAge),
	}
	bindReason := ""
	if r.in.Nonce == "" || r.in.Audience == "" {
		bindReason = "no expected nonce and audience were given to check the presentation against"
	}
	rec := &recorder{keys: r.v.cfg.Keys}
	var got *jwtvc.VerifiedPresentation
	var err error
	if bindReason == "" {
		got, err = jwtvc.VerifyPresentation(ctx, tok, rec, opts)
		if errors.Is(err, jwtvc.ErrBinding) {
			bindReason = err.Error()
		}
	}
	if bindReason != "" && (claims.Nonce == "" || len(auds) == 0) {
		reason := "the presentation carries no nonce or aud, so it cannot be bound to a request"
		if h.Typ == "vc+jwt" {
			reason = "a credential given as a presentation"
		}
		r.fail(CheckSyntax, reason)
		r.skip("syntax", CheckIssuerKey, CheckSignature, CheckValidity)
		r.fail(CheckHolderBinding, bindReason)
		return
	}
	if bindReason != "" {
		// Verify the rest against the token's own binding.
		opts.Nonce, opts.Audience, opts.MaxAge = claims.Nonce, "", 0
		if len(auds) > 0 {
			opts.Audience = auds[0]
		}
		rec = &recorder{keys: r.v.cfg.Keys}
		got, err = jwtvc.VerifyPresentation(ctx, tok, rec, opts)
	}
	ok, expired := r.front(err, rec, "holder", func(err error) bool {
		return errors.Is(err, jwtvc.ErrMalformed) || errors.Is(err, jwtvc.ErrWrongType)
	}, jwtTimeErr, h.Alg)
	if !ok {
		r.skip("signature not verified", CheckValidity)
		r.bindingResult(bindReason, "signature not verified")
		return
	}
	if expired {
		terr := err
		opts.Leeway = huge
		if got, err = jwtvc.VerifyPresentation(ctx, tok, r.v.cfg.Keys, opts); err != nil {
			r.failErr(CheckValidity, err)
			return
		}
		r.failErr(CheckValidity, terr)
	} else {
		r.pass(CheckValidity, "within its validity period")
	}
	if bindReason != "" {
		r.fail(CheckHolderBinding, bindReason)
	} else {
		r.pass(CheckHolderBinding, "nonce and audience are the expected ones")
	}
	r.res.Format, r.res.Holder = presentationFormat(got.Format), got.Holder
	var entries []json.RawMessage
	for _, ec := range got.Credentials {
		in := ec.JSON
		if ec.Token != "" {
			in, _ = json.Marshal(ec.Token)
		}
		entries = append(entries, in)
	}
	r.embedded(ctx, entries)
}

func presentationFormat(f jwtvc.Format) string {
	if f == jwtvc.FormatVCJWT {
		return FormatVPJWT
	}
	return FormatJWTVPJSON
}

// embedded verifies a presentation's credentials, each under its own target.
func (r *run) embedded(ctx context.Context, entries []json.RawMessage) {
	if len(entries) > r.v.cfg.MaxCredentials {
		r.fail(CheckSyntax, fmt.Sprintf("%d credentials exceed the limit of %d", len(entries), r.v.cfg.MaxCredentials))
		return
	}
	for i, raw := range entries {
		r.target = "credentials/" + strconv.Itoa(i)
		it, err := detect(raw, false)
		if err != nil {
			r.failErr(CheckSyntax, err)
			r.res.Credentials = append(r.res.Credentials, Credential{})
			continue
		}
		c := r.credential(ctx, it)
		r.subjectBinding(r.res.Holder, c)
		r.res.Credentials = append(r.res.Credentials, c)
	}
	r.target = ""
}

// diPresentation verifies a Data Integrity presentation and its
// credentials.
func (r *run) diPresentation(ctx context.Context, obj json.RawMessage) {
	p, err := credentials.ParsePresentation(obj)
	if err == nil && p.Proof.IsZero() {
		err = errors.New("the presentation has no proof")
	}
	if err != nil {
		r.fail(CheckSyntax, "not a secured presentation: "+err.Error())
		r.skip("syntax", CheckIssuerKey, CheckSignature, CheckValidity, CheckHolderBinding)
		return
	}
	// The challenge and domain are compared here, so that a presentation
	// made for another request is reported as such.
	var challenge string
	var domains []string
	for i, raw := range p.Proof.Items {
		var pr struct {
			Challenge string          `json:"challenge"`
			Domain    json.RawMessage `json:"domain"`
		}
		if json.Unmarshal(raw, &pr) != nil {
			continue
		}
		if i == 0 {
			challenge, domains = pr.Challenge, stringOrList(pr.Domain)
		}
	}
	bindReason := ""
	switch {
	case r.in.Nonce == "":
		bindReason = "no expected challenge was given to check the presentation against"
	case challenge != r.in.Nonce:
		bindReason = fmt.Sprintf("proof challenge %q is not the expected one", challenge)
	case r.in.Audience != "" && !slices.Contains(domains, r.in.Audience):
		bindReason = fmt.Sprintf("proof domain %q does not name %q", domains, r.in.Audience)
	}
	di, err := r.v.cfg.Processor(ctx)
	if err != nil {
		r.failErr(CheckSyntax, fmt.Errorf("load JSON-LD contexts: %w", err))
		return
	}
	opts := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: challenge, Leeway: r.leeway()}
	if len(domains) > 0 {
		opts.Domain = domains[0]
	}
	if challenge == "" {
		opts.Challenge = "\x00" // no challenge: the proof cannot verify as an authentication proof
	}
	rec := &recorder{keys: r.v.cfg.Keys}
	res, err := di.Verify(ctx, obj, rec, opts)
	if err != nil && (errors.Is(err, dataintegrity.ErrIssuer) || errors.Is(err, dataintegrity.ErrPurpose)) {
		r.pass(CheckSyntax, "well formed")
		r.failErr(CheckIssuerKey, err)
		r.skip("no usable holder key", CheckSignature, CheckValidity)
		r.bindingResult(bindReason, "signature not verified")
		return
	}
	ok, expired := r.front(err, rec, "holder", diSyntax, func(err error) bool { return errors.Is(err, dataintegrity.ErrExpired) }, diAlgs(res)...)
	if !ok {
		r.skip("signature not verified", CheckValidity)
		r.bindingResult(bindReason, "signature not verified")
		return
	}
	if expired {
		r.fail(CheckValidity, "the proof has expired")
	} else {
		r.pass(CheckValidity, "the proof has not expired")
	}
	if bindReason != "" {
		r.fail(CheckHolderBinding, bindReason)
	} else {
		r.pass(CheckHolderBinding, "proof challenge and domain are the expected ones")
	}
	r.res.Holder = p.HolderID()
	if r.res.Holder == "" && len(res.Proofs) > 0 {
		r.res.Holder = res.Proofs[0].Controller
	}
	r.embedded(ctx, p.VerifiableCredential.Items)
}

// zk delegates a zero-knowledge proof to Config.ZK.
func (r *run) zk(ctx context.Context, obj json.RawMessage) {
	if r.v.cfg.ZK == nil {
		r.pass(CheckSyntax, "a ZK proof object")
		r.fail(CheckZKProof, "ZK proofs are not supported by this verifier")
		return
	}
	if r.in.Nonce == "" {
		// Not handed to Config.ZK: verifying it there would redeem the
		// proof's single-use request for a caller that binds it to nothing.
		r.pass(CheckSyntax, "a ZK proof object")
		r.fail(CheckHolderBinding, "no expected nonce was given to check the proof against")
		r.skip("no expected nonce", CheckZKProof)
		return
	}
	var head struct {
		Issuer string `json:"issuer"`
	}
	if json.Unmarshal(obj, &head) == nil && head.Issuer != "" && !slices.Contains(r.pol.Optional, CheckTrustedIssuer) &&
		!r.pol.AnyIssuer && !slices.Contains(r.pol.TrustedIssuers, head.Issuer) {
		// Not handed to Config.ZK either: a proof the policy refuses
		// anyway must not redeem its single-use request or record its
		// nullifier.
		r.pass(CheckSyntax, "a ZK proof object")
		r.trusted(head.Issuer)
		r.skip("the issuer is not trusted", CheckZKProof, CheckHolderBinding)
		return
	}
	zr, err := r.v.cfg.ZK.VerifyZK(ctx, obj, ZKExpect{
		Nonce: r.in.Nonce, Audience: r.in.Audience, TrustedIssuers: r.pol.TrustedIssuers, AnyIssuer: r.pol.AnyIssuer,
		Now: r.now, Leeway: r.leeway(),
	})
	if err != nil {
		r.failErr(CheckSyntax, err)
		r.skip("syntax", CheckZKProof)
		return
	}
	seen := map[string]bool{}
	for _, c := range zr.Checks {
		c.Target = ""
		r.res.Checks = append(r.res.Checks, c)
		seen[c.Check] = true
	}
	if !seen[CheckTrustedIssuer] {
		r.trusted(zr.Issuer)
	}
	if !seen[CheckZKProof] {
		r.fail(CheckZKProof, "the ZK verifier reported no proof check")
	}
	if !seen[CheckHolderBinding] {
		r.fail(CheckHolderBinding, "the ZK verifier reported no nonce/audience check")
	}
	r.res.Holder = zr.Holder
	r.res.Credentials = append(r.res.Credentials, Credential{Format: FormatZK, Issuer: zr.Issuer, Claims: zr.Claims})
}
