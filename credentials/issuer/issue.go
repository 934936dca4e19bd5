package issuer

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// Securing formats the service issues.
const (
	FormatVCJWT     = "vc+jwt"          // VC-JOSE-COSE, VC 2.0
	FormatJWTVCJSON = "jwt_vc_json"     // VC 1.1 JWT (OpenID4VCI)
	FormatSDJWT     = "dc+sd-jwt"       // SD-JWT VC
	FormatEdDSARDFC = "eddsa-rdfc-2022" // Data Integrity, Ed25519
	FormatEdDSAJCS  = "eddsa-jcs-2022"  // Data Integrity, Ed25519
	FormatECDSARDFC = "ecdsa-rdfc-2019" // Data Integrity, P-256
)

// Formats returns the formats the service issues.
func Formats() []string {
	return []string{FormatVCJWT, FormatJWTVCJSON, FormatSDJWT, FormatEdDSARDFC, FormatEdDSAJCS, FormatECDSARDFC, FormatZK}
}

// DefaultFormat is the format of a request that names none (VC-API's
// default: a Data Integrity credential).
const DefaultFormat = FormatEdDSARDFC

// SchemaType is the credentialSchema type of issued credentials (VC JSON
// Schema).
const SchemaType = "JsonSchema"

// Request is what Issue issues.
type Request struct {
	// Issuer is the issuer's DID; empty means the default issuer.
	Issuer string
	// Schema is the $id of a schema the issuer registered; the subject is
	// validated against it.
	Schema string
	// Subject is the credentialSubject, a JSON object (its "id", if any,
	// names the holder).
	Subject json.RawMessage
	// Type is an extra credential type after VerifiableCredential
	// (optional).
	Type string
	// Formats are the securing formats to return; empty means
	// DefaultFormat.
	Formats []string
	// ValidFrom defaults to now; ValidUntil is optional.
	ValidFrom, ValidUntil time.Time
	// Disclosable are JSON Pointers into the subject that the dc+sd-jwt
	// form makes selectively disclosable.
	Disclosable []string
	// HolderKey is a public JWK bound as cnf in the dc+sd-jwt form.
	HolderKey json.RawMessage
	// Suspendable adds a suspension status entry besides the revocation
	// one.
	Suspendable bool
	// HolderCommitment is the holder's zkp.HolderCommitment in canonical
	// decimal; required by, and only allowed with, FormatZK.
	HolderCommitment string
}

// Issued is an issued credential in every requested format.
type Issued struct {
	// ID is the credential's id (urn:uuid:…), the handle for Revoke,
	// Suspend and Reinstate.
	ID     string
	Issuer string
	// Credentials maps each format to the secured credential: a JSON
	// string (the JWT or SD-JWT) or a JSON object (Data Integrity).
	Credentials map[string]json.RawMessage
	// Status are the status entries the credential carries.
	Status []credentials.Status
}

// Issue validates req.Subject against the issuer's schema, allocates the
// credential's status entries, builds the VC 2.0 credential, secures it in
// each requested format, records it (id, issuer, schema, status entries,
// formats; never the claims) and returns every form.
//
// Status indexes are committed before signing: a crash or a failure after
// allocation wastes indexes but never hands one out twice.
func (s *Service) Issue(ctx context.Context, req Request) (*Issued, error) {
	formats, err := checkFormats(req.Formats)
	if err != nil {
		return nil, err
	}
	iss, err := s.issuer(ctx, req.Issuer)
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}
	sch, err := s.compiledSchema(ctx, iss.DID, req.Schema)
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}
	if fields := sch.Validate(req.Subject); fields != nil {
		return nil, &SubjectError{Schema: sch.ID(), Fields: fields}
	}
	var subject credentials.Subject
	if err := json.Unmarshal(req.Subject, &subject); err != nil {
		return nil, fmt.Errorf("issue: %w: subject: %w", ErrInvalidRequest, err)
	}
	validFrom := req.ValidFrom
	if validFrom.IsZero() {
		validFrom = s.cfg.Now()
	}
	validFrom = validFrom.UTC().Truncate(time.Second)
	var validUntil time.Time
	if !req.ValidUntil.IsZero() {
		validUntil = req.ValidUntil.UTC().Truncate(time.Second)
		if !validUntil.After(validFrom) {
			return nil, fmt.Errorf("issue: %w: validUntil %s is not after validFrom %s", ErrInvalidRequest,
				validUntil.Format(time.RFC3339), validFrom.Format(time.RFC3339))
		}
	}
	sd, err := s.sdOptions(req, subject)
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}
	id, err := s.newID()
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}

	c := &credentials.Credential{
		Context:           did.Contexts(credentials.ContextV2, ContextURL(iss, sch.ID())),
		ID:                id,
		Type:              did.StringOrSet{Values: []string{credentials.TypeCredential}, Array: true},
		Issuer:            credentials.Entity{ID: iss.DID},
		ValidFrom:         validFrom.Format(time.RFC3339),
		CredentialSubject: credentials.One(subject),
		CredentialSchema:  credentials.One(credentials.SchemaRef{ID: sch.ID(), Type: SchemaType}),
	}
	if req.Type != "" && req.Type != credentials.TypeCredential {
		c.Type.Values = append(c.Type.Values, req.Type)
	}
	if !validUntil.IsZero() {
		c.ValidUntil = validUntil.Format(time.RFC3339)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("issue: %w: %w", ErrInvalidRequest, err)
	}
	// Checking the formats' keys before allocating keeps requests that
	// cannot be served from using up status indexes.
	var zk *zkPrepared
	if slices.Contains(formats, FormatZK) {
		if zk, err = s.prepareZK(ctx, req, iss.DID, func() ([]zkp.AttributeSpec, error) { return zkcred.Layout(sch) }); err != nil {
			return nil, fmt.Errorf("issue: %w", err)
		}
	} else if req.HolderCommitment != "" {
		return nil, fmt.Errorf("issue: %w: holderCommitment applies to the %s format only", ErrInvalidRequest, FormatZK)
	}
	for _, f := range formats {
		if f == FormatZK {
			continue
		}
		if _, err := keyTypesFor(f); err != nil {
			return nil, fmt.Errorf("issue: %w", err)
		}
		if !hasKey(iss, f) {
			return nil, fmt.Errorf("issue: %w: issuer %s has no key for %s", ErrUnsupportedFormat, iss.DID, f)
		}
	}

	purposes := []status.Purpose{status.Revocation}
	if req.Suspendable {
		purposes = append(purposes, status.Suspension)
	}
	entries, refs, err := s.allocate(ctx, iss, purposes)
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}
	c.CredentialStatus = credentials.OneOrMany[credentials.Status]{Items: entries, Array: true}

	out, err := s.secure(ctx, iss, c, formats, sd, true)
	if err != nil {
		return nil, fmt.Errorf("issue %s: %w", id, err)
	}
	if zk != nil {
		reg, err := s.registry(iss)
		if err != nil {
			return nil, fmt.Errorf("issue %s: %w", id, err)
		}
		claims := zkcred.Claims{ID: id, Issuer: iss.DID, SchemaID: sch.ID(), IssuedAt: validFrom, ExpiresAt: validUntil}
		if out[FormatZK], err = s.issueZK(zk, reg, claims, refs[0]); err != nil {
			return nil, fmt.Errorf("issue %s: %w", id, err)
		}
	}
	rec := store.CredentialRecord{ID: id, Issuer: iss.DID, Schema: sch.ID(), Status: refs, Formats: formats,
		Created: s.cfg.Now(), ValidUntil: validUntil}
	if err := s.st.PutIssuedCredential(ctx, rec); err != nil {
		return nil, fmt.Errorf("issue %s: record: %w", id, err)
	}
	return &Issued{ID: id, Issuer: iss.DID, Credentials: out, Status: entries}, nil
}

// IssueCredential secures a complete, unsecured credential (the VC-API
// issue endpoint) in one format (DefaultFormat when empty). Its issuer must
// be registered here. A credential without an id gets credentialID (or a
// new urn:uuid); one without a validity start gets now; one without
// credentialStatus gets a revocation entry. When credentialSchema names a
// schema the issuer registered, every subject is validated against it and
// the schema's JSON-LD context is appended to @context if missing.
func (s *Service) IssueCredential(ctx context.Context, raw json.RawMessage, format, credentialID string) (*Issued, error) {
	if format == "" {
		format = DefaultFormat
	}
	formats, err := checkFormats([]string{format})
	if err != nil {
		return nil, err
	}
	c, err := credentials.ParseCredential(raw)
	if err != nil {
		return nil, fmt.Errorf("issue: %w: %w", ErrInvalidCredential, err)
	}
	if len(c.Proof.Items) > 0 {
		return nil, fmt.Errorf("issue: %w: the credential already has a proof", ErrInvalidCredential)
	}
	iss, err := s.issuer(ctx, c.IssuerID())
	if err != nil {
		return nil, fmt.Errorf("issue: %w", err)
	}
	if !hasKey(iss, format) {
		return nil, fmt.Errorf("issue: %w: issuer %s has no key for %s", ErrUnsupportedFormat, iss.DID, format)
	}
	var schemaID string
	for _, ref := range c.CredentialSchema.Items {
		sch, err := s.compiledSchema(ctx, iss.DID, ref.ID)
		if errors.Is(err, ErrUnknownSchema) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("issue: %w", err)
		}
		for _, subj := range c.Subjects() {
			js, err := subj.JSON()
			if err != nil {
				return nil, fmt.Errorf("issue: %w: %w", ErrInvalidCredential, err)
			}
			if fields := sch.Validate(js); fields != nil {
				return nil, &SubjectError{Schema: sch.ID(), Fields: fields}
			}
		}
		schemaID = sch.ID()
		if u := ContextURL(iss, schemaID); !slices.ContainsFunc(c.Context.Entries, func(e did.ContextEntry) bool { return e.URI == u }) {
			c.Context.Entries = append(c.Context.Entries, did.ContextEntry{URI: u})
		}
	}
	switch {
	case c.ID != "":
	case credentialID != "":
		c.ID = credentialID
	default:
		if c.ID, err = s.newID(); err != nil {
			return nil, fmt.Errorf("issue: %w", err)
		}
	}
	now := s.cfg.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	if c.Version() == credentials.V2 && c.ValidFrom == "" {
		c.ValidFrom = now
	}
	if c.Version() == credentials.V1 && c.IssuanceDate == "" {
		c.IssuanceDate = now
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("issue: %w: %w", ErrInvalidCredential, err)
	}
	if _, err := s.st.IssuedCredential(ctx, c.ID); err == nil {
		return nil, fmt.Errorf("issue: %w: a credential with id %s was already issued", ErrConflict, c.ID)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("issue: %w", err)
	}
	var refs []store.CredentialStatusRef
	if len(c.CredentialStatus.Items) == 0 {
		var entries []credentials.Status
		entries, refs, err = s.allocate(ctx, iss, []status.Purpose{status.Revocation})
		if err != nil {
			return nil, fmt.Errorf("issue: %w", err)
		}
		c.CredentialStatus = credentials.OneOrMany[credentials.Status]{Items: entries, Array: true}
	}
	var sd sdOptions
	if format == FormatSDJWT {
		if len(c.Subjects()) != 1 {
			return nil, fmt.Errorf("issue: %w: dc+sd-jwt carries exactly one subject", ErrInvalidCredential)
		}
		sd.vct = schemaID
		if sd.vct == "" {
			sd.vct = c.Type.Values[len(c.Type.Values)-1]
		}
	}
	out, err := s.secure(ctx, iss, c, formats, sd, false)
	if err != nil {
		return nil, fmt.Errorf("issue %s: %w", c.ID, err)
	}
	_, until, _ := c.ValidityPeriod()
	rec := store.CredentialRecord{ID: c.ID, Issuer: iss.DID, Schema: schemaID, Status: refs, Formats: formats,
		Created: s.cfg.Now(), ValidUntil: until}
	if err := s.st.PutIssuedCredential(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("issue: %w: a credential with id %s was already issued", ErrConflict, c.ID)
		}
		return nil, fmt.Errorf("issue %s: record: %w", c.ID, err)
	}
	return &Issued{ID: c.ID, Issuer: iss.DID, Credentials: out, Status: c.Statuses()}, nil
}

func checkFormats(in []string) ([]string, error) {
	if len(in) == 0 {
		return []string{DefaultFormat}, nil
	}
	var out []string
	for _, f := range in {
		if !slices.Contains(Formats(), f) {
			return nil, fmt.Errorf("%w: %q (want one of %v)", ErrUnsupportedFormat, f, Formats())
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// keyTypesFor lists the key types that can secure a format, preferred
// first.
func keyTypesFor(format string) ([]did.KeyType, error) {
	switch format {
	case FormatEdDSARDFC, FormatEdDSAJCS:
		return []did.KeyType{did.Ed25519}, nil
	case FormatECDSARDFC:
		return []did.KeyType{did.P256}, nil
	case FormatVCJWT, FormatJWTVCJSON, FormatSDJWT:
		return []did.KeyType{did.Ed25519, did.P256, did.Secp256k1}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedFormat, format)
}

func hasKey(iss store.IssuerRecord, format string) bool {
	types, err := keyTypesFor(format)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(iss.Keys, func(k store.IssuerKey) bool {
		return k.Retired.IsZero() && slices.Contains(types, did.KeyType(k.KeyType))
	})
}

// allocate reserves one status entry per purpose.
func (s *Service) allocate(ctx context.Context, iss store.IssuerRecord, purposes []status.Purpose) ([]credentials.Status, []store.CredentialStatusRef, error) {
	reg, err := s.registry(iss)
	if err != nil {
		return nil, nil, err
	}
	var entries []credentials.Status
	var refs []store.CredentialStatusRef
	for _, p := range purposes {
		e, err := reg.Allocate(ctx, iss.DID, p)
		if err != nil {
			return nil, nil, err
		}
		idx, err := e.Index()
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
		refs = append(refs, store.CredentialStatusRef{Purpose: string(p), ListURL: e.StatusListCredential, Index: int(idx)})
	}
	return entries, refs, nil
}

// newID returns a random urn:uuid (version 4).
func (s *Service) newID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.cfg.Rand, b[:]); err != nil {
		return "", fmt.Errorf("credential id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// sdOptions are the dc+sd-jwt specifics of a request.
type sdOptions struct {
	vct       string
	frame     sdjwt.Frame
	holderKey crypto.PublicKey
}

// sdReserved are the SD-JWT VC claims a subject must not carry, since the
// dc+sd-jwt form sets them.
var sdReserved = []string{"iss", "sub", "iat", "nbf", "exp", "vct", "vct#integrity", "cnf", "jti", "status", "credentialStatus", "_sd", "_sd_alg", "..."}

func (s *Service) sdOptions(req Request, subject credentials.Subject) (sdOptions, error) {
	sd := sdOptions{vct: req.Schema}
	needed := slices.Contains(req.Formats, FormatSDJWT)
	if !needed {
		if len(req.Disclosable) > 0 || len(req.HolderKey) > 0 {
			return sd, fmt.Errorf("%w: disclosable and holderKey apply to the dc+sd-jwt format only", ErrInvalidRequest)
		}
		return sd, nil
	}
	for _, m := range subject.Claims {
		if slices.Contains(sdReserved, m.Name) {
			return sd, &SubjectError{Schema: req.Schema, Fields: []schemaField{{Path: "/" + m.Name, Message: "the name is reserved in dc+sd-jwt credentials"}}}
		}
	}
	var doc any
	if err := json.Unmarshal(req.Subject, &doc); err != nil {
		return sd, fmt.Errorf("%w: subject: %w", ErrInvalidRequest, err)
	}
	for _, p := range req.Disclosable {
		if p == "/id" || !pointerExists(doc, p) {
			return sd, fmt.Errorf("%w: disclosable %q is not a JSON Pointer to a subject claim", ErrInvalidRequest, p)
		}
	}
	sd.frame = sdjwt.Frame(req.Disclosable)
	if len(req.HolderKey) > 0 {
		var jwk did.JWK
		if err := json.Unmarshal(req.HolderKey, &jwk); err != nil {
			return sd, fmt.Errorf("%w: holderKey: %w", ErrInvalidRequest, err)
		}
		pub, err := jwk.PublicKey()
		if err != nil {
			return sd, fmt.Errorf("%w: holderKey: %w", ErrInvalidRequest, err)
		}
		sd.holderKey = pub
	}
	return sd, nil
}

// secure returns c secured in each format. For jwt_vc_json, a VC 2.0
// credential is written in its VC 1.1 form when toV1 is set.
func (s *Service) secure(ctx context.Context, iss store.IssuerRecord, c *credentials.Credential, formats []string, sd sdOptions, toV1 bool) (map[string]json.RawMessage, error) {
	v2, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("marshal credential: %w", err)
	}
	out := make(map[string]json.RawMessage, len(formats))
	for _, f := range formats {
		if f == FormatZK {
			continue // issueZK, after the status entries are allocated
		}
		types, err := keyTypesFor(f)
		if err != nil {
			return nil, err
		}
		signer, key, err := s.signer(ctx, iss, types...)
		if err != nil {
			return nil, err
		}
		var secured json.RawMessage
		switch f {
		case FormatVCJWT:
			tok, err := jwtvc.Sign(ctx, v2, signer, key.VerificationMethod, jwtvc.SignOptions{Format: jwtvc.FormatVCJWT})
			if err != nil {
				return nil, fmt.Errorf("%s: %w: %w", f, ErrInvalidCredential, err)
			}
			secured, _ = json.Marshal(tok)
		case FormatJWTVCJSON:
			doc := v2
			if toV1 && c.Version() == credentials.V2 {
				if doc, err = json.Marshal(asV1(c)); err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
			}
			tok, err := jwtvc.Sign(ctx, doc, signer, key.VerificationMethod, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})
			if err != nil {
				return nil, fmt.Errorf("%s: %w: %w", f, ErrInvalidCredential, err)
			}
			secured, _ = json.Marshal(tok)
		case FormatSDJWT:
			tok, err := s.sdJWT(c, signer, key, sd)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			secured, _ = json.Marshal(tok)
		default:
			di, err := s.Processor(ctx)
			if err != nil {
				return nil, err
			}
			doc, err := di.AddProof(ctx, v2, signer, key.VerificationMethod, dataintegrity.Cryptosuite(f), dataintegrity.ProofOptions{})
			if err != nil {
				return nil, fmt.Errorf("%s: %w: %w", f, ErrInvalidCredential, err)
			}
			secured = doc
		}
		out[f] = secured
	}
	return out, nil
}

// asV1 is c in VC 1.1 form: the 1.1 base context, issuanceDate and
// expirationDate for validFrom and validUntil.
func asV1(c *credentials.Credential) *credentials.Credential {
	v1 := *c
	v1.Context = did.Contexts(credentials.ContextV1)
	v1.Context.Entries = append(v1.Context.Entries, c.Context.Entries[1:]...)
	v1.IssuanceDate, v1.ExpirationDate = c.ValidFrom, c.ValidUntil
	v1.ValidFrom, v1.ValidUntil = "", ""
	return &v1
}

// sdJWT writes c as an SD-JWT VC: the subject's claims at the top level
// (its id as sub), jti, the credentialStatus entries in the clear, vct,
// iat/nbf/exp from the validity period, cnf from the holder key.
func (s *Service) sdJWT(c *credentials.Credential, signer crypto.Signer, key store.IssuerKey, sd sdOptions) (string, error) {
	subj := c.Subjects()[0]
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	add := func(name string, raw []byte) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		n, _ := json.Marshal(name)
		buf.Write(n)
		buf.WriteByte(':')
		buf.Write(raw)
	}
	for _, m := range subj.Claims {
		if slices.Contains(sdReserved, m.Name) {
			return "", &SubjectError{Schema: sd.vct, Fields: []schemaField{{Path: "/" + m.Name, Message: "the name is reserved in dc+sd-jwt credentials"}}}
		}
		add(m.Name, m.Value)
	}
	str := func(v string) []byte { b, _ := json.Marshal(v); return b }
	if subj.ID != "" {
		add("sub", str(subj.ID))
	}
	if c.ID != "" {
		add("jti", str(c.ID))
	}
	if len(c.Statuses()) > 0 {
		st, err := json.Marshal(c.CredentialStatus)
		if err != nil {
			return "", err
		}
		add("credentialStatus", st)
	}
	buf.WriteByte('}')
	from, until, err := c.ValidityPeriod()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidCredential, err)
	}
	tok, err := sdjwt.Issue(buf.Bytes(), sd.frame, signer, sdjwt.IssueOptions{
		KeyID: key.VerificationMethod, VCT: sd.vct, HolderKey: sd.holderKey,
		IssuedAt: s.cfg.Now(), NotBefore: from, Expires: until, Decoys: s.cfg.SDJWTDecoys, Rand: s.cfg.Rand,
	})
	if err != nil {
		if errors.Is(err, sdjwt.ErrDisclosure) || errors.Is(err, sdjwt.ErrMalformed) {
			return "", fmt.Errorf("%w: %w", ErrInvalidRequest, err)
		}
		return "", err
	}
	return tok, nil
}

// pointerExists reports whether the JSON Pointer p (RFC 6901, not the
// whole document) names a value in doc.
func pointerExists(doc any, p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for _, tok := range strings.Split(p[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := doc.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return false
			}
			doc = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) || (len(tok) > 1 && tok[0] == '0') {
				return false
			}
			doc = v[i]
		default:
			return false
		}
	}
	return true
}
