package verifier

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrPolicy is wrapped by the error of Verify for a Policy that cannot be
// applied (an unknown format, algorithm or check, a leeway over MaxLeeway).
var ErrPolicy = errors.New("invalid verification policy")

// relaxable are the checks a Policy may make optional.
var relaxable = []string{CheckTrustedIssuer, CheckStatus, CheckSchema}

// huge is the leeway of diagnostic re-verifications: long enough that no
// validity time fails, so the remaining checks see the authentic content of
// a credential whose validity check already failed.
const huge = 200 * 365 * 24 * time.Hour

// validate checks a policy and returns it with defaults applied.
func (p Policy) validate() (Policy, error) {
	for _, f := range p.Formats {
		if !slices.Contains(Formats(), f) {
			return p, fmt.Errorf("%w: unknown format %q", ErrPolicy, f)
		}
	}
	for _, a := range p.Algorithms {
		if a != AlgEdDSA && a != AlgES256 && a != AlgES256K {
			return p, fmt.Errorf("%w: unknown algorithm %q", ErrPolicy, a)
		}
	}
	for _, c := range p.Optional {
		if !slices.Contains(relaxable, c) {
			return p, fmt.Errorf("%w: check %q cannot be optional (only %s)", ErrPolicy, c, strings.Join(relaxable, ", "))
		}
	}
	if p.Leeway < 0 || time.Duration(p.Leeway) > MaxLeeway {
		return p, fmt.Errorf("%w: leeway %s outside [0, %s]", ErrPolicy, time.Duration(p.Leeway), MaxLeeway)
	}
	if p.MaxPresentationAge < 0 {
		return p, fmt.Errorf("%w: negative maxPresentationAge", ErrPolicy)
	}
	if p.MaxPresentationAge == 0 {
		p.MaxPresentationAge = Duration(DefaultMaxPresentationAge)
	}
	return p, nil
}

func (p Policy) acceptsFormat(f string) bool {
	return len(p.Formats) == 0 || slices.Contains(p.Formats, f)
}
func (p Policy) acceptsAlg(a string) bool {
	return len(p.Algorithms) == 0 || slices.Contains(p.Algorithms, a)
}

// run is one verification in progress.
type run struct {
	v      *Verifier
	pol    Policy
	in     Input
	now    time.Time
	res    *Result
	target string
}

func (r *run) leeway() time.Duration { return time.Duration(r.pol.Leeway) }

// add records a check of the current target.
func (r *run) add(check string, passed bool, reason string) {
	r.res.Checks = append(r.res.Checks, Check{Check: check, Passed: passed, Reason: reason, Target: r.target})
}

func (r *run) pass(check, reason string)       { r.add(check, true, reason) }
func (r *run) fail(check, reason string)       { r.add(check, false, reason) }
func (r *run) failErr(check string, err error) { r.add(check, false, err.Error()) }

// skip records checks that could not run because an earlier one failed.
func (r *run) skip(because string, checks ...string) {
	for _, c := range checks {
		r.fail(c, "not checked: "+because)
	}
}

// Verify detects the format of the input, runs every applicable check and
// decides Verified by policy. It returns an error (wrapping ErrMalformed or
// ErrPolicy) only when the input is not a credential or presentation of any
// form or the policy is invalid; every other failure is a failed check.
func (v *Verifier) Verify(ctx context.Context, in Input, pol Policy) (*Result, error) {
	pol, err := pol.validate()
	if err != nil {
		return nil, err
	}
	raw, presentation := in.Credential, false
	switch {
	case len(in.Credential) > 0 && len(in.Presentation) > 0:
		return nil, fmt.Errorf("%w: both a credential and a presentation", ErrMalformed)
	case len(in.Presentation) > 0:
		raw, presentation = in.Presentation, true
	case len(in.Credential) == 0:
		return nil, fmt.Errorf("%w: neither a credential nor a presentation", ErrMalformed)
	}
	if len(raw) > v.cfg.MaxInputBytes {
		return nil, fmt.Errorf("%w: input of %d bytes exceeds the %d-byte limit", ErrMalformed, len(raw), v.cfg.MaxInputBytes)
	}
	item, err := detect(raw, presentation)
	if err != nil {
		return nil, err
	}
	r := &run{v: v, pol: pol, in: in, now: v.cfg.Now(), res: &Result{Format: item.format, Checks: []Check{}}}
	if !pol.acceptsFormat(item.format) {
		r.fail(CheckSyntax, fmt.Sprintf("format %s is not accepted by the policy", item.format))
		return r.finish(), nil
	}
	switch {
	case item.format == FormatZK:
		r.zk(ctx, item.object)
	case presentation && item.object != nil:
		r.diPresentation(ctx, item.object)
	case presentation && item.sd:
		r.res.Credentials = append(r.res.Credentials, r.sdjwt(ctx, item.token, true))
	case presentation:
		r.jwtPresentation(ctx, item.token)
	default:
		r.res.Credentials = append(r.res.Credentials, r.credential(ctx, item))
	}
	return r.finish(), nil
}

// finish decides Verified.
func (r *run) finish() *Result {
	r.res.Verified = len(r.res.Checks) > 0
	for _, c := range r.res.Checks {
		if !c.Passed && !slices.Contains(r.pol.Optional, c.Check) {
			r.res.Verified = false
		}
	}
	return r.res
}

// item is a detected input.
type item struct {
	format string
	token  string          // JWT or SD-JWT
	sd     bool            // token is an SD-JWT
	object json.RawMessage // JSON object (Data Integrity or ZK)
}

// detect finds the form of a credential or presentation.
func detect(raw json.RawMessage, presentation bool) (item, error) {
	in := bytes.TrimSpace(raw)
	if len(in) == 0 {
		return item{}, fmt.Errorf("%w: empty input", ErrMalformed)
	}
	var tok string
	switch in[0] {
	case '"':
		if err := json.Unmarshal(in, &tok); err != nil || tok == "" {
			return item{}, fmt.Errorf("%w: not a token string", ErrMalformed)
		}
	case '{':
		var head struct {
			Type json.RawMessage `json:"type"`
			ID   json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(in, &head); err != nil {
			return item{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		types := stringOrList(head.Type)
		switch {
		case slices.Contains(types, TypeZKProof):
			return item{format: FormatZK, object: in}, nil
		case slices.Contains(types, "EnvelopedVerifiableCredential"), slices.Contains(types, "EnvelopedVerifiablePresentation"):
			var id string
			_ = json.Unmarshal(head.ID, &id)
			rest, ok := strings.CutPrefix(id, "data:")
			mt, t, found := strings.Cut(rest, ",")
			if !ok || !found || t == "" {
				return item{}, fmt.Errorf("%w: an enveloped credential or presentation needs a data: URL id", ErrMalformed)
			}
			switch mt {
			case "application/vc+jwt", "application/vp+jwt", "application/jwt", "application/dc+sd-jwt", "application/vc+sd-jwt":
			default:
				return item{}, fmt.Errorf("%w: enveloped media type %q", ErrMalformed, mt)
			}
			tok = t
		default:
			f := FormatLDPVC
			if presentation {
				f = FormatLDPVP
			}
			return item{format: f, object: in}, nil
		}
	default:
		tok = string(in)
	}
	for _, c := range []byte(tok) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return item{}, fmt.Errorf("%w: want a JSON object or a compact JWT / SD-JWT", ErrMalformed)
		}
	}
	if strings.Contains(tok, "~") {
		return item{format: FormatSDJWT, token: tok, sd: true}, nil
	}
	if strings.Count(tok, ".") != 2 {
		return item{}, fmt.Errorf("%w: a compact JWT has three parts", ErrMalformed)
	}
	typ := jwtHeader(tok).Typ
	switch {
	case presentation && typ == "vp+jwt":
		return item{format: FormatVPJWT, token: tok}, nil
	case presentation:
		return item{format: FormatJWTVPJSON, token: tok}, nil
	case typ == "vc+jwt":
		return item{format: FormatVCJWT, token: tok}, nil
	}
	return item{format: FormatJWTVCJSON, token: tok}, nil
}

// header is what the pipeline reads of a JWS header before verification
// (for reporting only; the format packages parse it strictly).
type header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

func jwtHeader(tok string) header {
	var h header
	seg, _, _ := strings.Cut(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err == nil {
		_ = json.Unmarshal(b, &h)
	}
	return h
}

// jwtPayload decodes the payload of a compact JWS without verifying it
// (diagnostics only).
func jwtPayload(tok string, v any) error {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("not a compact JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func stringOrList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}

// recorder wraps the KeyResolver to learn whether the issuer's key was
// found, so that the issuer_key and signature checks can be told apart.
type recorder struct {
	keys KeyResolver
	mu   sync.Mutex
	id   string
	rel  string
	err  error
	ok   bool
	key  crypto.PublicKey
}

func (k *recorder) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	pub, err := k.keys.VerificationKey(ctx, id, rel)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.id == "" || (k.err == nil && err != nil) {
		k.id, k.rel, k.err, k.key = id, rel, err, pub
	}
	k.ok = k.ok || err == nil
	return pub, err
}

// keyCheck reports the issuer_key check from what the recorder saw; it
// returns false when the key was not usable.
func (r *run) keyCheck(k *recorder, who string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.id == "":
		return false
	case k.err != nil:
		r.fail(CheckIssuerKey, fmt.Sprintf("%s key %s is not usable under %s: %s", who, k.id, k.rel, k.err))
		return false
	}
	r.pass(CheckIssuerKey, fmt.Sprintf("%s key %s is listed under %s", who, k.id, k.rel))
	return true
}

// trusted reports the trusted_issuer check.
func (r *run) trusted(issuer string) {
	switch {
	case issuer == "":
		r.fail(CheckTrustedIssuer, "no issuer")
	case slices.Contains(r.pol.TrustedIssuers, issuer):
		r.pass(CheckTrustedIssuer, issuer+" is trusted by the policy")
	case r.pol.AnyIssuer:
		r.pass(CheckTrustedIssuer, "the policy accepts any issuer ("+issuer+")")
	default:
		r.fail(CheckTrustedIssuer, issuer+" is not a trusted issuer")
	}
}

// algCheck refuses an algorithm outside the policy (any of several, for a
// Data Integrity proof set or chain); it reports false (and the failed
// signature check) when refused.
func (r *run) algCheck(algs ...string) bool {
	for _, alg := range algs {
		if !r.pol.acceptsAlg(alg) {
			r.fail(CheckSignature, fmt.Sprintf("algorithm %q is not accepted by the policy", alg))
			return false
		}
	}
	return true
}
