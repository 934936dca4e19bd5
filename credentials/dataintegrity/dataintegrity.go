package dataintegrity

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/chainid/chainid/credentials/dataintegrity/internal/jcs"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/did"
)

// Cryptosuite names a Data Integrity cryptosuite.
type Cryptosuite string

// Supported cryptosuites.
const (
	EdDSARDFC2022 Cryptosuite = "eddsa-rdfc-2022" // Ed25519 over RDFC-1.0 canonical N-Quads
	EdDSAJCS2022  Cryptosuite = "eddsa-jcs-2022"  // Ed25519 over JCS (RFC 8785) canonical JSON
	ECDSARDFC2019 Cryptosuite = "ecdsa-rdfc-2019" // ECDSA P-256 over RDFC-1.0 canonical N-Quads
)

// ProofType is the proof type of every proof this package makes or accepts.
const ProofType = "DataIntegrityProof"

// Proof purposes (verification relationships of a DID document).
const (
	AssertionMethod = "assertionMethod"
	Authentication  = "authentication"
)

// Defaults of Config.
const (
	DefaultMaxDocumentBytes = 1 << 20
	DefaultMaxBlankNodes    = 256
	DefaultMaxAmbiguous     = 5
	DefaultMaxProofs        = 8
)

// Errors callers may branch on. Every refusal wraps one of them.
var (
	// ErrMalformed: the secured document or a proof does not have the
	// required shape (not strict JSON, missing or mistyped members, bad
	// multibase proofValue).
	ErrMalformed = errors.New("malformed data integrity document")
	// ErrContext: a context outside the built-in set, an inline or embedded
	// context definition.
	ErrContext = errors.New("refused JSON-LD context")
	// ErrUndefinedTerm: a term, type or id that does not expand to an
	// absolute IRI (JSON-LD safe mode).
	ErrUndefinedTerm = errors.New("undefined JSON-LD term")
	// ErrJSONLD: any other JSON-LD processing failure.
	ErrJSONLD = errors.New("JSON-LD processing failed")
	// ErrTooComplex: canonicalization would exceed the configured work
	// bounds (blank-node poison graphs, oversize documents).
	ErrTooComplex = errors.New("document too complex to canonicalize")
	// ErrUnsupported: unknown proof type or cryptosuite, or a key type the
	// cryptosuite does not use.
	ErrUnsupported = errors.New("unsupported proof")
	// ErrPurpose: the proof was made for another purpose, challenge or
	// domain than the verifier expects.
	ErrPurpose = errors.New("proof purpose mismatch")
	// ErrExpired: the proof's expires time has passed.
	ErrExpired = errors.New("proof expired")
	// ErrIssuer: the verification method's DID is not the issuer (or holder)
	// of the document.
	ErrIssuer = errors.New("verification method does not belong to the issuer")
	// ErrNoProof: the document carries no proof.
	ErrNoProof = errors.New("no proof")
	// ErrInvalidSignature: the signature does not verify.
	ErrInvalidSignature = errors.New("invalid proof signature")
)

// KeyResolver finds verification keys. It is declared here, where it is
// consumed; implementations typically resolve the DID and look the method
// up under the relationship.
type KeyResolver interface {
	// VerificationKey returns the public key of the verification method id
	// (a DID URL) when that method is listed under the given relationship
	// (e.g. "assertionMethod", "authentication") of its DID's document.
	// It is called concurrently only if the caller calls Verify
	// concurrently; an error means the key is not usable for that purpose.
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// Config configures a Processor. The zero value is the secure default.
type Config struct {
	// Contexts are the JSON-LD contexts documents may use; nil means the
	// built-in set (ldcontext.New()). Contexts are never fetched.
	Contexts *ldcontext.Set
	// Suites limits the cryptosuites accepted on Verify; nil means all
	// supported ones.
	Suites []Cryptosuite
	// MaxDocumentBytes bounds an input document (default 1 MiB).
	MaxDocumentBytes int
	// MaxBlankNodes bounds the blank nodes of a document's RDF dataset
	// (default 256).
	MaxBlankNodes int
	// MaxAmbiguousBlankNodes bounds a connected group of blank nodes that
	// share a first-degree hash, the nodes whose canonical labelling is
	// factorial work (default 5; a group of 7 costs seconds).
	MaxAmbiguousBlankNodes int
	// MaxProofs bounds the proofs of one document (default 8).
	MaxProofs int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the randomness for ECDSA signing (default crypto/rand).
	Rand io.Reader
	// SkipIssuerMatch turns off the check that an assertionMethod proof's
	// verification method belongs to the document's issuer (and an
	// authentication proof's to its holder). Leave it off unless proofs by
	// third parties (witnesses, notaries) are expected; the per-proof
	// controller is reported either way.
	SkipIssuerMatch bool
}

// Processor adds and verifies Data Integrity proofs. It is safe for
// concurrent use.
type Processor struct {
	cfg   Config
	canon canonicalizer
}

// New returns a Processor.
func New(cfg Config) (*Processor, error) {
	if cfg.Contexts == nil {
		set, err := ldcontext.New()
		if err != nil {
			return nil, fmt.Errorf("built-in contexts: %w", err)
		}
		cfg.Contexts = set
	}
	if cfg.Suites == nil {
		cfg.Suites = []Cryptosuite{EdDSARDFC2022, EdDSAJCS2022, ECDSARDFC2019}
	}
	for _, s := range cfg.Suites {
		if !s.known() {
			return nil, fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, s)
		}
	}
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if cfg.MaxBlankNodes <= 0 {
		cfg.MaxBlankNodes = DefaultMaxBlankNodes
	}
	if cfg.MaxAmbiguousBlankNodes <= 0 {
		cfg.MaxAmbiguousBlankNodes = DefaultMaxAmbiguous
	}
	if cfg.MaxProofs <= 0 {
		cfg.MaxProofs = DefaultMaxProofs
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Processor{cfg: cfg, canon: newJSONGold(cfg.Contexts, cfg.MaxBlankNodes, cfg.MaxAmbiguousBlankNodes)}, nil
}

func (s Cryptosuite) known() bool {
	return s == EdDSARDFC2022 || s == EdDSAJCS2022 || s == ECDSARDFC2019
}

func (s Cryptosuite) rdfc() bool { return s == EdDSARDFC2022 || s == ECDSARDFC2019 }

// ProofOptions are the options of AddProof.
type ProofOptions struct {
	// Purpose is the proofPurpose; default assertionMethod (use
	// authentication for presentations).
	Purpose string
	// Created is the proof's creation time; zero means now. It is written
	// in UTC with second precision.
	Created time.Time
	// Expires, when set, is written as the proof's expires time.
	Expires time.Time
	// Challenge and Domain bind an authentication proof to a verifier's
	// request.
	Challenge string
	Domain    string
	// ID is the proof's id (a URL, e.g. "urn:uuid:…"); needed when a later
	// proof chains to this one.
	ID string
	// PreviousProof lists ids of proofs already on the document that this
	// proof signs over (a proof chain).
	PreviousProof []string
}

// AddProof secures a JSON document (a credential or presentation) with a
// new Data Integrity proof made by signer, whose public key is the
// verification method verificationMethod (a DID URL). Proofs already on the
// document are kept: without PreviousProof the new proof joins them as a
// proof set; with it, the named proofs are signed over (a proof chain).
//
// Ed25519 signers (ed25519.PrivateKey or any crypto.Signer with an
// ed25519.PublicKey) go with the eddsa suites, P-256 signers
// (*ecdsa.PrivateKey or any crypto.Signer whose Sign returns ASN.1) with
// ecdsa-rdfc-2019. For the RDFC suites a document whose @context defines no
// Data Integrity terms (a VC 1.1 credential) gets the Data Integrity v2
// context appended, as jsonld-signatures does.
func (p *Processor) AddProof(ctx context.Context, document []byte, signer crypto.Signer, verificationMethod string, suite Cryptosuite, opts ProofOptions) ([]byte, error) {
	if !suite.known() {
		return nil, fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, suite)
	}
	if signer == nil {
		return nil, errors.New("add proof: nil signer")
	}
	if err := checkKeyForSuite(signer.Public(), suite); err != nil {
		return nil, fmt.Errorf("add proof: %w", err)
	}
	if verificationMethod == "" || !absoluteOrBlank(verificationMethod) || strings.HasPrefix(verificationMethod, "_:") {
		return nil, fmt.Errorf("add proof: %w: verification method %q is not an absolute URL", ErrMalformed, truncate(verificationMethod))
	}
	doc, err := p.parse(document)
	if err != nil {
		return nil, fmt.Errorf("add proof: %w", err)
	}
	existing, err := p.proofsOf(doc)
	if err != nil && !errors.Is(err, ErrNoProof) {
		return nil, fmt.Errorf("add proof: %w", err)
	}
	delete(doc, "proof")
	if suite.rdfc() {
		if err := ensureDataIntegrityContext(doc); err != nil {
			return nil, fmt.Errorf("add proof: %w", err)
		}
	}

	proof := map[string]any{
		"type":               ProofType,
		"cryptosuite":        string(suite),
		"verificationMethod": verificationMethod,
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = AssertionMethod
	}
	proof["proofPurpose"] = purpose
	created := opts.Created
	if created.IsZero() {
		created = p.cfg.Now()
	}
	proof["created"] = created.UTC().Truncate(time.Second).Format(time.RFC3339)
	if !opts.Expires.IsZero() {
		proof["expires"] = opts.Expires.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	if opts.Challenge != "" {
		proof["challenge"] = opts.Challenge
	}
	if opts.Domain != "" {
		proof["domain"] = opts.Domain
	}
	if opts.ID != "" {
		for _, e := range existing {
			if id, _ := e["id"].(string); id == opts.ID {
				return nil, fmt.Errorf("add proof: %w: a proof with id %q is already present", ErrMalformed, truncate(opts.ID))
			}
		}
		proof["id"] = opts.ID
	}
	input := doc
	if len(opts.PreviousProof) > 0 {
		matching, err := matchPrevious(existing, opts.PreviousProof)
		if err != nil {
			return nil, fmt.Errorf("add proof: %w", err)
		}
		input = shallowWith(doc, "proof", matching)
		if len(opts.PreviousProof) == 1 {
			proof["previousProof"] = opts.PreviousProof[0]
		} else {
			prev := make([]any, len(opts.PreviousProof))
			for i, id := range opts.PreviousProof {
				prev[i] = id
			}
			proof["previousProof"] = prev
		}
	}
	if suite == EdDSAJCS2022 {
		if c, ok := doc["@context"]; ok {
			proof["@context"] = c
		}
	}

	hashData, err := p.hashData(ctx, suite, input, proof)
	if err != nil {
		return nil, fmt.Errorf("add proof: %w", err)
	}
	sig, err := p.sign(signer, suite, hashData)
	if err != nil {
		return nil, fmt.Errorf("add proof: sign: %w", err)
	}
	proof["proofValue"] = "z" + did.EncodeBase58(sig)

	all := make([]any, 0, len(existing)+1)
	for _, e := range existing {
		all = append(all, e)
	}
	all = append(all, proof)
	if len(all) == 1 {
		doc["proof"] = proof
	} else {
		doc["proof"] = all
	}
	return marshal(doc)
}

// VerifyOptions are the expectations of Verify.
type VerifyOptions struct {
	// Purpose is the proof purpose the verifier accepts; default
	// assertionMethod. Every proof must have it.
	Purpose string
	// Challenge must equal each proof's challenge when set; it is required
	// for the authentication purpose.
	Challenge string
	// Domain must be (one of) each proof's domain when set.
	Domain string
	// Leeway is the clock skew tolerated on each proof's expires: a proof
	// is expired only once the clock is past expires + Leeway. Negative
	// means zero.
	Leeway time.Duration
}

// ProofResult reports one proof of a secured document.
type ProofResult struct {
	Index              int
	ID                 string
	Cryptosuite        Cryptosuite
	VerificationMethod string
	// Controller is the DID of the verification method (before '#').
	Controller string
	Purpose    string
	Created    time.Time
	// PreviousProof lists the ids this proof chains to.
	PreviousProof []string
	// Err is nil when the proof verified.
	Err error
}

// Result is the outcome of Verify.
type Result struct {
	// Document is the document without its proofs, as JSON.
	Document []byte
	// Issuer is the document's issuer id (or holder id for a presentation),
	// "" when it has neither.
	Issuer string
	// Proofs reports each proof in document order.
	Proofs []ProofResult
}

// Verified reports whether every proof verified.
func (r *Result) Verified() bool {
	if r == nil || len(r.Proofs) == 0 {
		return false
	}
	for _, pr := range r.Proofs {
		if pr.Err != nil {
			return false
		}
	}
	return true
}

// Verify checks every proof of a secured document. Each proof of a set is
// verified independently; a proof naming previousProof is verified over the
// document carrying the proofs it names (a chain), and every named proof
// must be present. The document verifies only when all proofs do. The
// returned error joins the failures; the Result is returned whenever the
// document could be parsed, so callers can report each proof.
func (p *Processor) Verify(ctx context.Context, secured []byte, keys KeyResolver, opts VerifyOptions) (*Result, error) {
	if keys == nil {
		return nil, errors.New("verify: nil key resolver")
	}
	doc, err := p.parse(secured)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	proofs, err := p.proofsOf(doc)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	delete(doc, "proof")
	plain, err := marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = AssertionMethod
	}
	res := &Result{Document: plain, Issuer: partyOf(doc, purpose)}
	var errs []error
	for i, proof := range proofs {
		pr := ProofResult{Index: i}
		pr.Err = p.verifyOne(ctx, doc, proofs, proof, keys, purpose, opts, res.Issuer, &pr)
		if pr.Err != nil {
			errs = append(errs, fmt.Errorf("proof %d: %w", i, pr.Err))
		}
		res.Proofs = append(res.Proofs, pr)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("verify: %w", errors.Join(errs...))
	}
	return res, nil
}

func (p *Processor) verifyOne(ctx context.Context, doc map[string]any, all []map[string]any, proof map[string]any, keys KeyResolver, purpose string, opts VerifyOptions, party string, pr *ProofResult) error {
	if typ, _ := proof["type"].(string); typ != ProofType {
		return fmt.Errorf("%w: proof type %q", ErrUnsupported, truncate(fmt.Sprint(proof["type"])))
	}
	cs, _ := proof["cryptosuite"].(string)
	suite := Cryptosuite(cs)
	pr.Cryptosuite = suite
	if !slices.Contains(p.cfg.Suites, suite) {
		return fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, truncate(cs))
	}
	vm, _ := proof["verificationMethod"].(string)
	if vm == "" || !absoluteOrBlank(vm) || strings.HasPrefix(vm, "_:") {
		return fmt.Errorf("%w: verificationMethod must be an absolute URL", ErrMalformed)
	}
	pr.VerificationMethod = vm
	pr.Controller, _, _ = strings.Cut(vm, "#")
	pr.ID, _ = proof["id"].(string)
	if _, ok := proof["id"]; ok && pr.ID == "" {
		return fmt.Errorf("%w: proof id must be a string", ErrMalformed)
	}
	pp, _ := proof["proofPurpose"].(string)
	pr.Purpose = pp
	if pp == "" {
		return fmt.Errorf("%w: proofPurpose missing", ErrMalformed)
	}
	if c, ok := proof["created"]; ok {
		s, _ := c.(string)
		t, err := parseDateTime(s)
		if err != nil {
			return fmt.Errorf("%w: created: %w", ErrMalformed, err)
		}
		pr.Created = t
	}
	var expires time.Time
	if e, ok := proof["expires"]; ok {
		s, _ := e.(string)
		t, err := parseDateTime(s)
		if err != nil {
			return fmt.Errorf("%w: expires: %w", ErrMalformed, err)
		}
		expires = t
	}
	prev, err := stringList(proof["previousProof"])
	if err != nil {
		return fmt.Errorf("%w: previousProof: %w", ErrMalformed, err)
	}
	pr.PreviousProof = prev
	pv, _ := proof["proofValue"].(string)
	sig, err := decodeProofValue(pv)
	if err != nil {
		return err
	}

	// Purpose, challenge, domain, time: the verifier's expectations.
	if pp != purpose {
		return fmt.Errorf("%w: proof made for %q, verifier expects %q", ErrPurpose, truncate(pp), purpose)
	}
	challenge, hasChallenge := proof["challenge"]
	if opts.Challenge != "" {
		if s, _ := challenge.(string); s != opts.Challenge {
			return fmt.Errorf("%w: challenge does not match", ErrPurpose)
		}
	} else if purpose == Authentication {
		return fmt.Errorf("%w: an authentication proof is verified only against a challenge", ErrPurpose)
	} else if hasChallenge {
		if _, ok := challenge.(string); !ok {
			return fmt.Errorf("%w: challenge must be a string", ErrMalformed)
		}
	}
	domains, err := stringList(proof["domain"])
	if err != nil {
		return fmt.Errorf("%w: domain: %w", ErrMalformed, err)
	}
	if opts.Domain != "" && !slices.Contains(domains, opts.Domain) {
		return fmt.Errorf("%w: domain does not match", ErrPurpose)
	}
	if !expires.IsZero() && p.cfg.Now().After(expires.Add(max(opts.Leeway, 0))) {
		return fmt.Errorf("%w at %s", ErrExpired, expires.Format(time.RFC3339))
	}
	if !p.cfg.SkipIssuerMatch && party != "" && (purpose == AssertionMethod || purpose == Authentication) && pr.Controller != party {
		return fmt.Errorf("%w: %s is not controlled by %s", ErrIssuer, truncate(vm), truncate(party))
	}

	// The document this proof signed: without proofs, or with the proofs it
	// chains to.
	input := doc
	if len(prev) > 0 {
		matching, err := matchPrevious(all, prev)
		if err != nil {
			return err
		}
		input = shallowWith(doc, "proof", matching)
	}
	options := make(map[string]any, len(proof))
	for k, v := range proof {
		if k != "proofValue" {
			options[k] = v
		}
	}
	if suite == EdDSAJCS2022 {
		if pc, ok := options["@context"]; ok {
			dc, ok := input["@context"]
			if !ok || !contextPrefix(pc, dc) {
				return fmt.Errorf("%w: the proof's @context is not a prefix of the document's", ErrContext)
			}
			input = shallowWith(input, "@context", pc)
		}
	} else if _, ok := options["@context"]; ok {
		return fmt.Errorf("%w: @context in a %s proof", ErrMalformed, suite)
	}
	hashData, err := p.hashData(ctx, suite, input, options)
	if err != nil {
		return err
	}
	pub, err := keys.VerificationKey(ctx, vm, pp)
	if err != nil {
		return fmt.Errorf("verification method %s for %s: %w", truncate(vm), pp, err)
	}
	if err := checkKeyForSuite(pub, suite); err != nil {
		return err
	}
	return verifySignature(pub, suite, hashData, sig)
}

// hashData computes SHA-256(canonical proof configuration) ||
// SHA-256(canonical document), the bytes every supported suite signs.
func (p *Processor) hashData(ctx context.Context, suite Cryptosuite, doc, proofOptions map[string]any) ([]byte, error) {
	config := make(map[string]any, len(proofOptions)+1)
	for k, v := range proofOptions {
		config[k] = v
	}
	if c, ok := doc["@context"]; ok {
		config["@context"] = c
	} else if suite.rdfc() {
		return nil, fmt.Errorf("%w: no @context", ErrContext)
	}
	if err := checkContextsOnly(doc, p.cfg.Contexts, suite); err != nil {
		return nil, err
	}
	var canonConfig, canonDoc []byte
	var err error
	if suite.rdfc() {
		if canonConfig, err = p.canon.canonicalize(ctx, config); err != nil {
			return nil, fmt.Errorf("proof configuration: %w", err)
		}
		if canonDoc, err = p.canon.canonicalize(ctx, doc); err != nil {
			return nil, fmt.Errorf("document: %w", err)
		}
	} else {
		if canonConfig, err = jcs.Canonicalize(config); err != nil {
			return nil, fmt.Errorf("%w: proof configuration: %w", ErrMalformed, err)
		}
		if canonDoc, err = jcs.Canonicalize(doc); err != nil {
			return nil, fmt.Errorf("%w: document: %w", ErrMalformed, err)
		}
	}
	h1 := sha256.Sum256(canonConfig)
	h2 := sha256.Sum256(canonDoc)
	return append(h1[:], h2[:]...), nil
}

// checkContextsOnly applies context validation to JCS documents too: a JCS
// proof does not need JSON-LD processing, but a document naming contexts
// outside the set is refused all the same.
func checkContextsOnly(doc map[string]any, set *ldcontext.Set, suite Cryptosuite) error {
	if suite.rdfc() {
		return nil // the canonicalizer checks
	}
	if _, ok := doc["@context"]; !ok {
		return nil
	}
	return checkContexts(doc, set)
}

func (p *Processor) sign(signer crypto.Signer, suite Cryptosuite, hashData []byte) ([]byte, error) {
	switch suite {
	case EdDSARDFC2022, EdDSAJCS2022:
		return signer.Sign(p.cfg.Rand, hashData, crypto.Hash(0))
	case ECDSARDFC2019:
		digest := sha256.Sum256(hashData)
		der, err := signer.Sign(p.cfg.Rand, digest[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return derToP1363(der, 32)
	}
	return nil, fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, suite)
}

func verifySignature(pub crypto.PublicKey, suite Cryptosuite, hashData, sig []byte) error {
	switch suite {
	case EdDSARDFC2022, EdDSAJCS2022:
		k := pub.(ed25519.PublicKey)
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(k, hashData, sig) {
			return ErrInvalidSignature
		}
		return nil
	case ECDSARDFC2019:
		k := pub.(*ecdsa.PublicKey)
		if len(sig) != 64 {
			return fmt.Errorf("%w: P-256 signature of %d bytes", ErrInvalidSignature, len(sig))
		}
		digest := sha256.Sum256(hashData)
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, digest[:], r, s) {
			return ErrInvalidSignature
		}
		return nil
	}
	return fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, suite)
}

func checkKeyForSuite(pub crypto.PublicKey, suite Cryptosuite) error {
	switch suite {
	case EdDSARDFC2022, EdDSAJCS2022:
		if k, ok := pub.(ed25519.PublicKey); ok && len(k) == ed25519.PublicKeySize {
			return nil
		}
		return fmt.Errorf("%w: %s needs an Ed25519 key, got %T", ErrUnsupported, suite, pub)
	case ECDSARDFC2019:
		if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve == elliptic.P256() {
			return nil
		}
		return fmt.Errorf("%w: %s needs a P-256 key, got %T", ErrUnsupported, suite, pub)
	}
	return fmt.Errorf("%w: cryptosuite %q", ErrUnsupported, suite)
}

// derToP1363 converts an ASN.1 ECDSA signature to fixed-size r||s.
func derToP1363(der []byte, size int) ([]byte, error) {
	var r, s []byte
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() ||
		!readInt(&seq, &r) || !readInt(&seq, &s) || !seq.Empty() {
		return nil, errors.New("signer returned a malformed ASN.1 ECDSA signature")
	}
	if len(r) > size || len(s) > size {
		return nil, errors.New("signer returned an oversize ECDSA signature")
	}
	out := make([]byte, 2*size)
	copy(out[size-len(r):size], r)
	copy(out[2*size-len(s):], s)
	return out, nil
}

func readInt(s *cryptobyte.String, out *[]byte) bool {
	v := new(big.Int)
	if !s.ReadASN1Integer(v) || v.Sign() <= 0 {
		return false
	}
	*out = v.Bytes()
	return true
}

// decodeProofValue decodes a base58btc multibase proofValue.
func decodeProofValue(pv string) ([]byte, error) {
	if pv == "" {
		return nil, fmt.Errorf("%w: proofValue missing", ErrMalformed)
	}
	if pv[0] != 'z' {
		return nil, fmt.Errorf("%w: proofValue must be base58btc multibase (\"z…\"), got prefix %q", ErrMalformed, pv[:1])
	}
	if len(pv) > 256 {
		return nil, fmt.Errorf("%w: proofValue of %d characters", ErrMalformed, len(pv))
	}
	sig, err := did.DecodeBase58(pv[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: proofValue: %w", ErrMalformed, err)
	}
	if len(sig) != 64 {
		return nil, fmt.Errorf("%w: proofValue decodes to %d bytes, want 64", ErrMalformed, len(sig))
	}
	return sig, nil
}

func (p *Processor) parse(data []byte) (map[string]any, error) {
	if len(data) > p.cfg.MaxDocumentBytes {
		return nil, fmt.Errorf("%w: document of %d bytes exceeds %d", ErrTooComplex, len(data), p.cfg.MaxDocumentBytes)
	}
	v, err := jcs.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: document is not a JSON object", ErrMalformed)
	}
	return doc, nil
}

func (p *Processor) proofsOf(doc map[string]any) ([]map[string]any, error) {
	raw, ok := doc["proof"]
	if !ok {
		return nil, ErrNoProof
	}
	var list []any
	switch t := raw.(type) {
	case map[string]any:
		list = []any{t}
	case []any:
		list = t
	default:
		return nil, fmt.Errorf("%w: proof must be an object or a list of objects", ErrMalformed)
	}
	if len(list) == 0 {
		return nil, ErrNoProof
	}
	if len(list) > p.cfg.MaxProofs {
		return nil, fmt.Errorf("%w: %d proofs (limit %d)", ErrTooComplex, len(list), p.cfg.MaxProofs)
	}
	out := make([]map[string]any, 0, len(list))
	ids := map[string]bool{}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: proof must be an object", ErrMalformed)
		}
		if id, ok := m["id"].(string); ok {
			if ids[id] {
				return nil, fmt.Errorf("%w: two proofs with id %q", ErrMalformed, truncate(id))
			}
			ids[id] = true
		}
		out = append(out, m)
	}
	return out, nil
}

// matchPrevious returns the proofs whose ids are listed, in list order.
func matchPrevious(all []map[string]any, ids []string) ([]any, error) {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		found := false
		for _, p := range all {
			if pid, _ := p["id"].(string); pid == id {
				out = append(out, p)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: previous proof %q is not on the document", ErrMalformed, truncate(id))
		}
	}
	return out, nil
}

func shallowWith(doc map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(doc)+1)
	for k, e := range doc {
		out[k] = e
	}
	out[key] = v
	return out
}

// ensureDataIntegrityContext appends the Data Integrity v2 context when the
// document's contexts do not define DataIntegrityProof.
func ensureDataIntegrityContext(doc map[string]any) error {
	c, ok := doc["@context"]
	if !ok {
		return fmt.Errorf("%w: no @context", ErrContext)
	}
	var list []any
	switch t := c.(type) {
	case string:
		list = []any{t}
	case []any:
		list = t
	default:
		return fmt.Errorf("%w: @context must be a URL or a list of URLs", ErrContext)
	}
	for _, u := range list {
		if u == ldcontext.CredentialsV2 || u == ldcontext.DataIntegrityV2 {
			return nil
		}
	}
	doc["@context"] = append(slices.Clone(list), ldcontext.DataIntegrityV2)
	return nil
}

// contextPrefix reports whether the proof's @context is a prefix (in order)
// of the document's.
func contextPrefix(proofCtx, docCtx any) bool {
	pl, dl := asList(proofCtx), asList(docCtx)
	if len(pl) == 0 || len(pl) > len(dl) {
		return false
	}
	for i := range pl {
		a, err1 := jcs.Canonicalize(pl[i])
		b, err2 := jcs.Canonicalize(dl[i])
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{t}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New("must be a string or a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("must be a string or a list of strings")
}

// partyOf returns the id of the party that must control an assertion
// (issuer) or authentication (holder) proof.
func partyOf(doc map[string]any, purpose string) string {
	key := "issuer"
	if purpose == Authentication {
		key = "holder"
	}
	switch t := doc[key].(type) {
	case string:
		return t
	case map[string]any:
		id, _ := t["id"].(string)
		return id
	}
	return ""
}

// parseDateTime parses an XML Schema dateTime with a time zone, as the
// proof's created and expires are written.
func parseDateTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time with time zone", truncate(s))
	}
	return t, nil
}

func marshal(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode document: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
