package issuer

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/credentials/sdjwt"
)

// KeyResolver is the key source of the Verifier (credentials/didkeys
// implements it): the public key of a verification method listed under a
// relationship of its DID document, or an error.
type KeyResolver interface {
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// StatusChecker evaluates status entries; *Service implements it for the
// lists it hosts. An error means the status is unknown.
type StatusChecker interface {
	CheckStatus(ctx context.Context, issuer string, entry credentials.Status) (bool, error)
}

// Problem types of verification results: the VC Data Model 2.0 (§7.1) and
// Bitstring Status List types, and chainid's own for a set status bit.
const (
	ProblemParsing       = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"
	ProblemCryptographic = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR"
	ProblemMalformed     = "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR"
	ProblemRange         = "https://www.w3.org/TR/vc-data-model#RANGE_ERROR"
	ProblemStatus        = "https://www.w3.org/TR/vc-bitstring-status-list#STATUS_RETRIEVAL_ERROR"
	ProblemRevoked       = "urn:chainid:verification:revoked"
	ProblemSuspended     = "urn:chainid:verification:suspended"
)

// Checks a Result may list.
const (
	CheckProof    = "proof"
	CheckValidity = "validity"
	CheckStatus   = "credentialStatus"
)

// Problem is one verification failure or warning.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

// Result is the outcome of verifying one credential or presentation.
type Result struct {
	// Verified is true when Errors is empty (and, for a presentation,
	// every credential in it verified).
	Verified bool
	// Format is the securing format found ("vc+jwt", "jwt_vc_json",
	// "dc+sd-jwt", a Data Integrity cryptosuite, "vp+jwt", …).
	Format string
	// Issuer is the issuer (holder, for a presentation) whose key signed.
	Issuer string
	// Document is the verified credential or presentation JSON (the
	// processed claims for dc+sd-jwt); nil when the proof failed.
	Document json.RawMessage
	// Checks are the checks that passed.
	Checks   []string
	Warnings []Problem
	Errors   []Problem
	// Credentials are the results of a presentation's credentials.
	Credentials []*Result
}

func (r *Result) fail(typ, title string, err error) {
	p := Problem{Type: typ, Title: title}
	if err != nil {
		p.Detail = err.Error()
	}
	r.Errors = append(r.Errors, p)
}

func (r *Result) pass(check string) { r.Checks = append(r.Checks, check) }

func (r *Result) done() *Result {
	r.Verified = len(r.Errors) == 0
	for _, c := range r.Credentials {
		r.Verified = r.Verified && c.Verified
	}
	if r.Checks == nil {
		r.Checks = []string{}
	}
	return r
}

// VerifierConfig configures a Verifier. The zero value is the secure
// default.
type VerifierConfig struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the clock skew tolerated on validity times.
	Leeway time.Duration
	// Contexts are the JSON-LD contexts accepted when Processor is nil;
	// nil means the built-in set.
	Contexts *ldcontext.Set
	// Processor, when set, supplies the Data Integrity processor for each
	// verification (Service.Processor: the built-in contexts plus the
	// registered schemas' contexts).
	Processor func(ctx context.Context) (*dataintegrity.Processor, error)
}

// Verifier verifies credentials and presentations in every format the
// service issues: the signature with a key from the KeyResolver (under
// assertionMethod for credentials, authentication for presentations), the
// validity period, and each Bitstring status entry through the
// StatusChecker. It does not decide which issuers to trust: Result.Issuer
// says who signed. It is safe for concurrent use.
type Verifier struct {
	keys   KeyResolver
	status StatusChecker
	cfg    VerifierConfig
}

// NewVerifier returns a Verifier.
func NewVerifier(keys KeyResolver, st StatusChecker, cfg VerifierConfig) (*Verifier, error) {
	if keys == nil || st == nil {
		return nil, errors.New("new verifier: nil key resolver or status checker")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v := &Verifier{keys: keys, status: st, cfg: cfg}
	if cfg.Processor == nil {
		di, err := dataintegrity.New(dataintegrity.Config{Contexts: cfg.Contexts, Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("new verifier: %w", err)
		}
		v.cfg.Processor = func(context.Context) (*dataintegrity.Processor, error) { return di, nil }
	}
	return v, nil
}

// Media types of enveloped credentials and presentations.
var envelopedCredentialTypes = []string{"application/vc+jwt", "application/dc+sd-jwt", "application/vc+sd-jwt", "application/jwt"}

// VerifyCredential verifies a credential given as JSON: a string (a JWT or
// an SD-JWT), an EnvelopedVerifiableCredential (a data: URL of
// application/vc+jwt, application/dc+sd-jwt or application/jwt), or a
// credential object with Data Integrity proofs. An input that is none of
// these fails with ErrInvalidCredential; every other failure is reported in
// the Result.
func (v *Verifier) VerifyCredential(ctx context.Context, input json.RawMessage) (*Result, error) {
	token, obj, err := v.unwrap(input, envelopedCredentialTypes, "EnvelopedVerifiableCredential")
	if err != nil {
		return nil, err
	}
	if obj != nil {
		return v.verifyDI(ctx, obj), nil
	}
	if strings.Contains(token, "~") {
		return v.verifySDJWT(ctx, token, sdjwt.VerifyOptions{}), nil
	}
	return v.verifyJWT(ctx, token), nil
}

// unwrap returns the token of a string or enveloped input, or the object.
func (v *Verifier) unwrap(input json.RawMessage, media []string, envelope string) (string, json.RawMessage, error) {
	in := bytes.TrimSpace(input)
	if len(in) == 0 {
		return "", nil, fmt.Errorf("%w: empty input", ErrInvalidCredential)
	}
	switch in[0] {
	case '"':
		var tok string
		if err := json.Unmarshal(in, &tok); err != nil || tok == "" {
			return "", nil, fmt.Errorf("%w: not a token string", ErrInvalidCredential)
		}
		return tok, nil, nil
	case '{':
	default:
		return "", nil, fmt.Errorf("%w: want a JSON object or a token string", ErrInvalidCredential)
	}
	var head struct {
		Type json.RawMessage `json:"type"`
		ID   string          `json:"id"`
	}
	if err := json.Unmarshal(in, &head); err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrInvalidCredential, err)
	}
	var types []string
	if err := json.Unmarshal(head.Type, &types); err != nil {
		var one string
		if json.Unmarshal(head.Type, &one) == nil {
			types = []string{one}
		}
	}
	for _, t := range types {
		if t != envelope {
			continue
		}
		rest, ok := strings.CutPrefix(head.ID, "data:")
		mt, tok, found := strings.Cut(rest, ",")
		if !ok || !found || tok == "" {
			return "", nil, fmt.Errorf("%w: an %s needs a data: URL id", ErrInvalidCredential, envelope)
		}
		for _, m := range media {
			if mt == m {
				return tok, nil, nil
			}
		}
		return "", nil, fmt.Errorf("%w: enveloped media type %q", ErrInvalidCredential, mt)
	}
	return "", in, nil
}

func (v *Verifier) verifyJWT(ctx context.Context, token string) *Result {
	r := &Result{Format: FormatVCJWT}
	got, err := jwtvc.Verify(ctx, token, v.keys, jwtvc.VerifyOptions{Now: v.cfg.Now, Leeway: v.cfg.Leeway})
	if got != nil {
		r.Format = string(got.Format)
	}
	switch {
	case errors.Is(err, jwtvc.ErrExpired), errors.Is(err, jwtvc.ErrNotYetValid):
		r.pass(CheckProof)
		r.fail(ProblemRange, "The credential is outside its validity period", err)
		return r.done()
	case errors.Is(err, jwtvc.ErrMalformed):
		r.fail(ProblemParsing, "The credential could not be parsed", err)
		return r.done()
	case err != nil:
		r.fail(ProblemCryptographic, "The proof did not verify", err)
		return r.done()
	}
	r.pass(CheckProof)
	r.pass(CheckValidity)
	r.Format, r.Issuer, r.Document = string(got.Format), got.Issuer, got.Credential
	c, err := credentials.ParseCredential(got.Credential)
	if err != nil {
		r.fail(ProblemMalformed, "The credential breaks the data model", err)
		return r.done()
	}
	v.checkStatus(ctx, r, c.IssuerID(), c.Statuses())
	return r.done()
}

func (v *Verifier) verifySDJWT(ctx context.Context, token string, opts sdjwt.VerifyOptions) *Result {
	r := &Result{Format: FormatSDJWT}
	opts.Now, opts.Leeway = v.cfg.Now, v.cfg.Leeway
	got, err := sdjwt.Verify(ctx, token, v.keys, opts)
	switch {
	case errors.Is(err, sdjwt.ErrExpired), errors.Is(err, sdjwt.ErrNotYetValid):
		r.pass(CheckProof)
		r.fail(ProblemRange, "The credential is outside its validity period", err)
		return r.done()
	case errors.Is(err, sdjwt.ErrMalformed), errors.Is(err, sdjwt.ErrTooLarge):
		r.fail(ProblemParsing, "The credential could not be parsed", err)
		return r.done()
	case err != nil:
		r.fail(ProblemCryptographic, "The proof did not verify", err)
		return r.done()
	}
	r.pass(CheckProof)
	r.pass(CheckValidity)
	r.Issuer, r.Document = got.Issuer, got.Claims
	var claims struct {
		Status *credentials.OneOrMany[credentials.Status] `json:"credentialStatus"`
	}
	if err := json.Unmarshal(got.Claims, &claims); err != nil {
		r.fail(ProblemMalformed, "The credentialStatus claim is malformed", err)
		return r.done()
	}
	if claims.Status != nil {
		v.checkStatus(ctx, r, got.Issuer, claims.Status.Items)
	}
	return r.done()
}

func (v *Verifier) verifyDI(ctx context.Context, doc json.RawMessage) *Result {
	r := &Result{Format: "DataIntegrityProof"}
	di, err := v.cfg.Processor(ctx)
	if err != nil {
		r.fail(ProblemMalformed, "The JSON-LD contexts could not be loaded", err)
		return r.done()
	}
	res, err := di.Verify(ctx, doc, v.keys, dataintegrity.VerifyOptions{})
	if res != nil && len(res.Proofs) > 0 {
		r.Format = string(res.Proofs[0].Cryptosuite)
	}
	if err != nil {
		switch {
		case errors.Is(err, dataintegrity.ErrMalformed), errors.Is(err, dataintegrity.ErrNoProof):
			r.fail(ProblemParsing, "The credential or its proof could not be parsed", err)
		case errors.Is(err, dataintegrity.ErrContext), errors.Is(err, dataintegrity.ErrUndefinedTerm), errors.Is(err, dataintegrity.ErrJSONLD), errors.Is(err, dataintegrity.ErrTooComplex):
			r.fail(ProblemMalformed, "The credential's JSON-LD is refused", err)
		default:
			r.fail(ProblemCryptographic, "The proof did not verify", err)
		}
		return r.done()
	}
	r.pass(CheckProof)
	r.Issuer, r.Document = res.Issuer, res.Document
	c, err := credentials.ParseCredential(res.Document)
	if err != nil {
		r.fail(ProblemMalformed, "The credential breaks the data model", err)
		return r.done()
	}
	if err := c.ValidAt(v.cfg.Now(), v.cfg.Leeway); err != nil {
		r.fail(ProblemRange, "The credential is outside its validity period", err)
	} else {
		r.pass(CheckValidity)
	}
	v.checkStatus(ctx, r, c.IssuerID(), c.Statuses())
	return r.done()
}

// checkStatus evaluates each status entry; an entry that cannot be
// evaluated fails the credential (fail closed).
func (v *Verifier) checkStatus(ctx context.Context, r *Result, issuer string, entries []credentials.Status) {
	if len(entries) == 0 {
		return
	}
	ok := true
	for _, e := range entries {
		if e.Type != credentials.TypeBitstringStatusListEntry {
			r.fail(ProblemStatus, "The status entry type is not supported", fmt.Errorf("type %q", e.Type))
			ok = false
			continue
		}
		set, err := v.status.CheckStatus(ctx, issuer, e)
		switch {
		case err != nil:
			r.fail(ProblemStatus, "The credential's status could not be checked", err)
			ok = false
		case set && e.StatusPurpose == "suspension":
			r.fail(ProblemSuspended, "The credential is suspended", nil)
			ok = false
		case set:
			r.fail(ProblemRevoked, "The credential is revoked", nil)
			ok = false
		}
	}
	if ok {
		r.pass(CheckStatus)
	}
}

// PresentationOptions are a verifier's expectations of a presentation.
type PresentationOptions struct {
	// Challenge and Domain are the nonce and audience the verifier asked
	// the holder to sign; JWT and Data Integrity presentations need the
	// challenge (JWT ones the domain too).
	Challenge string
	Domain    string
}

// VerifyPresentation verifies a presentation: a vp+jwt or jwt_vp_json
// string or EnvelopedVerifiablePresentation, an SD-JWT with a Key Binding
// JWT, or a presentation object with a Data Integrity authentication
// proof; then every credential it carries. Inputs of none of these forms
// fail with ErrInvalidCredential.
func (v *Verifier) VerifyPresentation(ctx context.Context, input json.RawMessage, opts PresentationOptions) (*Result, error) {
	token, obj, err := v.unwrap(input, []string{"application/vp+jwt", "application/jwt", "application/dc+sd-jwt"}, "EnvelopedVerifiablePresentation")
	if err != nil {
		return nil, err
	}
	switch {
	case obj != nil:
		return v.verifyDIPresentation(ctx, obj, opts), nil
	case strings.Contains(token, "~"):
		if opts.Challenge == "" || opts.Domain == "" {
			return nil, fmt.Errorf("%w: an SD-JWT presentation is verified against a challenge (nonce) and a domain (audience)", ErrInvalidCredential)
		}
		return v.verifySDJWT(ctx, token, sdjwt.VerifyOptions{RequireKeyBinding: true, ExpectedNonce: opts.Challenge, ExpectedAudience: opts.Domain}), nil
	}
	if opts.Challenge == "" || opts.Domain == "" {
		return nil, fmt.Errorf("%w: a JWT presentation is verified against a challenge (nonce) and a domain (audience)", ErrInvalidCredential)
	}
	r := &Result{Format: "vp+jwt"}
	got, err := jwtvc.VerifyPresentation(ctx, token, v.keys, jwtvc.PresentationVerifyOptions{
		VerifyOptions: jwtvc.VerifyOptions{Now: v.cfg.Now, Leeway: v.cfg.Leeway}, Nonce: opts.Challenge, Audience: opts.Domain})
	switch {
	case errors.Is(err, jwtvc.ErrMalformed):
		r.fail(ProblemParsing, "The presentation could not be parsed", err)
		return r.done(), nil
	case err != nil:
		r.fail(ProblemCryptographic, "The presentation's proof did not verify", err)
		return r.done(), nil
	}
	r.pass(CheckProof)
	r.Format, r.Issuer, r.Document = string(got.Format), got.Holder, got.Presentation
	for _, ec := range got.Credentials {
		in := ec.JSON
		if ec.Token != "" {
			in, _ = json.Marshal(ec.Token)
		}
		r.Credentials = append(r.Credentials, v.embedded(ctx, in))
	}
	return r.done(), nil
}

func (v *Verifier) verifyDIPresentation(ctx context.Context, doc json.RawMessage, opts PresentationOptions) *Result {
	r := &Result{Format: "DataIntegrityProof"}
	if opts.Challenge == "" {
		r.fail(ProblemCryptographic, "A Data Integrity presentation is verified only against a challenge", nil)
		return r.done()
	}
	di, err := v.cfg.Processor(ctx)
	if err != nil {
		r.fail(ProblemMalformed, "The JSON-LD contexts could not be loaded", err)
		return r.done()
	}
	res, err := di.Verify(ctx, doc, v.keys, dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: opts.Challenge, Domain: opts.Domain})
	if res != nil && len(res.Proofs) > 0 {
		r.Format = string(res.Proofs[0].Cryptosuite)
	}
	if err != nil {
		r.fail(ProblemCryptographic, "The presentation's proof did not verify", err)
		return r.done()
	}
	r.pass(CheckProof)
	r.Issuer, r.Document = res.Issuer, res.Document
	p, err := credentials.ParsePresentation(res.Document)
	if err != nil {
		r.fail(ProblemMalformed, "The presentation breaks the data model", err)
		return r.done()
	}
	for _, raw := range p.VerifiableCredential.Items {
		r.Credentials = append(r.Credentials, v.embedded(ctx, raw))
	}
	return r.done()
}

func (v *Verifier) embedded(ctx context.Context, raw json.RawMessage) *Result {
	res, err := v.VerifyCredential(ctx, raw)
	if err != nil {
		r := &Result{}
		r.fail(ProblemParsing, "An embedded credential could not be parsed", err)
		return r.done()
	}
	return res
}
