package verifier

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
)

// credentialTail lists the checks that follow signature for a credential.
var credentialTail = []string{CheckTrustedIssuer, CheckValidity, CheckStatus, CheckSchema}

// credential verifies one credential (the input, or an entry of a
// presentation).
func (r *run) credential(ctx context.Context, it item) Credential {
	if !r.pol.acceptsFormat(it.format) {
		r.fail(CheckSyntax, fmt.Sprintf("format %s is not accepted by the policy", it.format))
		return Credential{Format: it.format}
	}
	switch {
	case it.format == FormatZK:
		r.fail(CheckSyntax, "a ZK proof is not a credential a presentation can carry")
		return Credential{Format: it.format}
	case it.object != nil:
		return r.diCredential(ctx, it.object)
	case it.sd:
		return r.sdjwt(ctx, it.token, false)
	}
	return r.jwtCredential(ctx, it)
}

// front reports syntax, issuer_key and signature from the error of a format
// package; it returns whether verification may go on, and whether only the
// validity check failed (the caller re-verifies with a huge leeway to see
// the authentic content).
func (r *run) front(err error, rec *recorder, who string, syntax func(error) bool, timeErr func(error) bool, algs ...string) (ok, expired bool) {
	switch {
	case err == nil:
	case syntax(err):
		r.failErr(CheckSyntax, err)
		r.skip("syntax", CheckIssuerKey, CheckSignature)
		return false, false
	case timeErr(err):
	default:
		r.pass(CheckSyntax, "well formed")
		if !r.keyCheck(rec, who) {
			if rec.id == "" {
				r.failErr(CheckIssuerKey, err)
			}
			r.skip("no usable "+who+" key", CheckSignature)
			return false, false
		}
		r.failErr(CheckSignature, err)
		return false, false
	}
	r.pass(CheckSyntax, "well formed")
	if !r.keyCheck(rec, who) {
		r.fail(CheckIssuerKey, "no key was resolved")
		r.skip("no usable "+who+" key", CheckSignature)
		return false, false
	}
	if !r.algCheck(algs...) {
		return false, false
	}
	r.pass(CheckSignature, strings.Join(algs, ", ")+" signature verified")
	return true, err != nil
}

func (r *run) jwtCredential(ctx context.Context, it item) Credential {
	out := Credential{Format: it.format}
	h := jwtHeader(it.token)
	opts := jwtvc.VerifyOptions{Now: r.v.cfg.Now, Leeway: r.leeway()}
	rec := &recorder{keys: r.v.cfg.Keys}
	got, err := jwtvc.Verify(ctx, it.token, rec, opts)
	ok, expired := r.front(err, rec, "issuer", func(err error) bool {
		return errors.Is(err, jwtvc.ErrMalformed) || errors.Is(err, jwtvc.ErrWrongType)
	}, jwtTimeErr, h.Alg)
	if !ok {
		r.skip("signature not verified", credentialTail...)
		return out
	}
	terr := err
	if expired {
		opts.Leeway = huge
		if got, err = jwtvc.Verify(ctx, it.token, r.v.cfg.Keys, opts); err != nil {
			r.failErr(CheckValidity, err)
			return out
		}
	}
	out.Format, out.Issuer, out.KeyID, out.Claims = string(got.Format), got.Issuer, got.KeyID, got.Credential
	c, perr := credentials.ParseCredential(got.Credential)
	r.trusted(got.Issuer)
	if expired {
		r.failErr(CheckValidity, terr)
	} else {
		r.pass(CheckValidity, "within its validity period")
	}
	if perr != nil {
		r.skip("credential breaks the data model: "+perr.Error(), CheckStatus, CheckSchema)
		return out
	}
	r.describe(&out, c)
	r.statusAndSchema(ctx, c, c.IssuerID())
	return out
}

func jwtTimeErr(err error) bool {
	return errors.Is(err, jwtvc.ErrExpired) || errors.Is(err, jwtvc.ErrNotYetValid)
}

// describe fills subject and types from a parsed credential.
func (r *run) describe(out *Credential, c *credentials.Credential) {
	out.Types = c.Type.Values
	for _, s := range c.Subjects() {
		if s.ID != "" {
			out.Subject = s.ID
			break
		}
	}
}

// diSuiteAlg maps a cryptosuite to its signature algorithm.
func diSuiteAlg(s dataintegrity.Cryptosuite) string {
	if strings.HasPrefix(string(s), "ecdsa-") {
		return AlgES256
	}
	return AlgEdDSA
}

// diAlgs names the algorithms of every proof of a proof set or chain, each
// once, in proof order ("" when there is no proof to name), so that the
// policy's algorithms are checked against all of them.
func diAlgs(res *dataintegrity.Result) []string {
	if res == nil || len(res.Proofs) == 0 {
		return []string{""}
	}
	var algs []string
	for _, p := range res.Proofs {
		if a := diSuiteAlg(p.Cryptosuite); !slices.Contains(algs, a) {
			algs = append(algs, a)
		}
	}
	return algs
}

func diSyntax(err error) bool {
	return errors.Is(err, dataintegrity.ErrMalformed) || errors.Is(err, dataintegrity.ErrNoProof) ||
		errors.Is(err, dataintegrity.ErrContext) || errors.Is(err, dataintegrity.ErrUndefinedTerm) ||
		errors.Is(err, dataintegrity.ErrJSONLD) || errors.Is(err, dataintegrity.ErrTooComplex) ||
		errors.Is(err, dataintegrity.ErrUnsupported)
}

func (r *run) diCredential(ctx context.Context, obj json.RawMessage) Credential {
	out := Credential{Format: FormatLDPVC}
	c, err := credentials.ParseCredential(obj)
	if err == nil && c.Proof.IsZero() {
		err = errors.New("the credential has no proof")
	}
	if err != nil {
		r.fail(CheckSyntax, "not a secured credential: "+err.Error())
		r.skip("syntax", CheckIssuerKey, CheckSignature)
		r.skip("syntax", credentialTail...)
		return out
	}
	if c.Type.Contains("VerifiablePresentation") {
		r.fail(CheckSyntax, "a presentation given as a credential")
		return out
	}
	di, err := r.v.cfg.Processor(ctx)
	if err != nil {
		r.failErr(CheckSyntax, fmt.Errorf("load JSON-LD contexts: %w", err))
		return out
	}
	rec := &recorder{keys: r.v.cfg.Keys}
	res, err := di.Verify(ctx, obj, rec, dataintegrity.VerifyOptions{Leeway: r.leeway()})
	if err != nil && (errors.Is(err, dataintegrity.ErrIssuer) || errors.Is(err, dataintegrity.ErrPurpose)) {
		r.pass(CheckSyntax, "well formed")
		r.failErr(CheckIssuerKey, err)
		r.skip("no usable issuer key", CheckSignature)
		r.skip("signature not verified", credentialTail...)
		return out
	}
	ok, proofExpired := r.front(err, rec, "issuer", diSyntax, func(err error) bool { return errors.Is(err, dataintegrity.ErrExpired) }, diAlgs(res)...)
	if !ok {
		r.skip("signature not verified", credentialTail...)
		return out
	}
	out.Issuer, out.Claims = c.IssuerID(), json.RawMessage(res.Document)
	if len(res.Proofs) > 0 {
		out.KeyID = res.Proofs[0].VerificationMethod
	}
	r.describe(&out, c)
	r.trusted(out.Issuer)
	switch verr := c.ValidAt(r.now, r.leeway()); {
	case proofExpired:
		r.fail(CheckValidity, "the proof has expired")
	case verr != nil:
		r.failErr(CheckValidity, verr)
	default:
		r.pass(CheckValidity, "within its validity period")
	}
	r.statusAndSchema(ctx, c, out.Issuer)
	return out
}

// sdjwt verifies an SD-JWT VC; as a presentation it needs a Key Binding JWT
// bound to Input's nonce and audience.
func (r *run) sdjwt(ctx context.Context, tok string, presentation bool) Credential {
	out := Credential{Format: FormatSDJWT}
	first, _, _ := strings.Cut(tok, "~")
	h := jwtHeader(first)
	opts := sdjwt.VerifyOptions{Now: r.v.cfg.Now, Leeway: r.leeway(), MaxKeyBindingAge: time.Duration(r.pol.MaxPresentationAge)}
	bindReason := ""
	if presentation {
		opts.RequireKeyBinding, opts.ExpectedNonce, opts.ExpectedAudience = true, r.in.Nonce, r.in.Audience
		if r.in.Nonce == "" || r.in.Audience == "" {
			bindReason = "no expected nonce and audience were given to check the key binding against"
		}
	}
	rec := &recorder{keys: r.v.cfg.Keys}
	var got *sdjwt.Result
	var err error
	if bindReason == "" {
		got, err = sdjwt.Verify(ctx, tok, rec, opts)
	}
	if bindReason != "" || errors.Is(err, sdjwt.ErrKeyBinding) {
		// Classify the issuer-signed part on its own.
		if bindReason == "" {
			bindReason = err.Error()
		}
		opts.RequireKeyBinding, opts.ExpectedNonce, opts.ExpectedAudience = false, "", ""
		rec = &recorder{keys: r.v.cfg.Keys}
		got, err = sdjwt.Verify(ctx, tok[:strings.LastIndex(tok, "~")+1], rec, opts)
	}
	ok, expired := r.front(err, rec, "issuer", func(err error) bool {
		return errors.Is(err, sdjwt.ErrMalformed) || errors.Is(err, sdjwt.ErrTooLarge) || errors.Is(err, sdjwt.ErrDisclosure) ||
			(errors.Is(err, sdjwt.ErrAlgorithm) && !rec.ok)
	}, func(err error) bool { return errors.Is(err, sdjwt.ErrExpired) || errors.Is(err, sdjwt.ErrNotYetValid) }, h.Alg)
	if !ok {
		r.skip("signature not verified", credentialTail...)
		if presentation {
			r.bindingResult(bindReason, "signature not verified")
		}
		return out
	}
	if expired {
		terr := err
		opts.Leeway = huge
		if got, err = sdjwt.Verify(ctx, tok, r.v.cfg.Keys, opts); err != nil && !errors.Is(err, sdjwt.ErrKeyBinding) {
			r.failErr(CheckValidity, err)
			return out
		} else if err != nil && bindReason == "" {
			bindReason = err.Error()
			opts.RequireKeyBinding, opts.ExpectedNonce, opts.ExpectedAudience = false, "", ""
			if got, err = sdjwt.Verify(ctx, tok[:strings.LastIndex(tok, "~")+1], r.v.cfg.Keys, opts); err != nil {
				r.failErr(CheckValidity, err)
				return out
			}
		}
		err = terr
	}
	out.Issuer, out.KeyID, out.Claims = got.Issuer, got.KeyID, got.Claims
	if got.VCT != "" {
		out.Types = []string{got.VCT}
	}
	var claims struct {
		Sub    string                                     `json:"sub"`
		Status *credentials.OneOrMany[credentials.Status] `json:"credentialStatus"`
		IETF   json.RawMessage                            `json:"status"`
		Cnf    struct {
			JWK json.RawMessage `json:"jwk"`
		} `json:"cnf"`
	}
	perr := json.Unmarshal(got.Claims, &claims)
	out.Subject = claims.Sub
	r.trusted(got.Issuer)
	if expired {
		r.failErr(CheckValidity, err)
	} else {
		r.pass(CheckValidity, "within its validity period")
	}
	switch {
	case perr != nil:
		r.fail(CheckStatus, "credentialStatus claim is malformed: "+perr.Error())
	case len(claims.IETF) > 0:
		r.fail(CheckStatus, "the status claim (IETF Token Status List) is not supported")
	case claims.Status != nil:
		c := &credentials.Credential{Issuer: credentials.Entity{ID: got.Issuer}}
		r.status(ctx, c, got.Issuer, claims.Status.Items)
	default:
		r.pass(CheckStatus, "the credential has no status entry")
	}
	r.pass(CheckSchema, "not applicable: claims of an SD-JWT VC are selectively disclosed")
	if presentation {
		kbAlg := jwtHeader(tok[strings.LastIndex(tok, "~")+1:]).Alg
		if len(claims.Cnf.JWK) > 0 {
			r.res.Holder = "did:jwk:" + base64.RawURLEncoding.EncodeToString(claims.Cnf.JWK)
		}
		switch {
		case bindReason != "":
			r.fail(CheckHolderBinding, bindReason)
		case !got.KeyBound:
			r.fail(CheckHolderBinding, "no key binding JWT")
		case !r.pol.acceptsAlg(kbAlg):
			r.fail(CheckHolderBinding, fmt.Sprintf("key binding JWT algorithm %q is not accepted by the policy", kbAlg))
		default:
			r.pass(CheckHolderBinding, "key binding JWT by the cnf key over this presentation with the expected nonce and audience")
		}
	}
	return out
}

// bindingResult reports holder_binding when verification stopped early.
func (r *run) bindingResult(reason, fallback string) {
	if reason != "" {
		r.fail(CheckHolderBinding, reason)
		return
	}
	r.skip(fallback, CheckHolderBinding)
}

// subjectBinding checks that the holder of a presentation is the subject of
// a credential that names one.
func (r *run) subjectBinding(holder string, c Credential) {
	switch {
	case c.Claims == nil:
		r.skip("credential not verified", CheckHolderBinding)
	case c.Subject == "":
		r.pass(CheckHolderBinding, "the credential names no subject; not bound to a holder")
	case c.Subject == holder:
		r.pass(CheckHolderBinding, "the presentation's holder is the credential's subject")
	default:
		r.fail(CheckHolderBinding, fmt.Sprintf("the presentation's holder %q is not the credential's subject %q", holder, c.Subject))
	}
}
