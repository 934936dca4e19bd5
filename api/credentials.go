package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Credentials issues credentials and changes their status. Implementations
// must be safe for concurrent use. Requests reaching them have passed
// validation. Errors wrap the sentinels of credentials/issuer (and
// credentials/status); see credentialsError for the mapping.
type Credentials interface {
	// IssueCredential issues one credential in every requested format
	// (POST /v1/credentials).
	IssueCredential(ctx context.Context, req IssueRequest) (IssueResult, error)
	// IssueVCAPI signs a complete credential in one format (POST
	// /credentials/issue) and returns the verifiableCredential member of
	// the answer: a Data Integrity credential object, or an
	// EnvelopedVerifiableCredential for the JWT formats.
	IssueVCAPI(ctx context.Context, req VCAPIIssueRequest) (json.RawMessage, error)
	// SetCredentialStatus sets the revocation or suspension bit of an
	// issued credential and returns its state afterwards.
	SetCredentialStatus(ctx context.Context, id, purpose string, value bool) (CredentialState, error)
}

// Schemas registers and lists credential schemas.
type Schemas interface {
	AddSchema(ctx context.Context, req AddSchemaRequest) (SchemaInfo, error)
	// ListSchemas lists one issuer's schemas, every issuer's when empty.
	ListSchemas(ctx context.Context, issuer string) ([]SchemaInfo, error)
}

// Issuers lists and creates issuers and rotates their keys.
type Issuers interface {
	ListIssuers(ctx context.Context) ([]IssuerInfo, error)
	AddIssuer(ctx context.Context, req AddIssuerRequest) (IssuerInfo, error)
	// RotateIssuerKey publishes a new assertion key in the issuer's DID
	// document and makes it the signing key of its type; the key it
	// replaces stays published. A did:key issuer cannot rotate
	// (issuer.ErrInvalidRequest).
	RotateIssuerKey(ctx context.Context, did string, req RotateKeyRequest) (IssuerInfo, error)
}

// APIKeys creates and checks issuer-admin API keys.
type APIKeys interface {
	// CreateAPIKey makes a key; the answer carries the key itself, once.
	CreateAPIKey(ctx context.Context, req CreateAPIKeyRequest) (APIKeyInfo, error)
	// CheckAPIKey reports whether key is a valid API key.
	CheckAPIKey(ctx context.Context, key string) (bool, error)
}

// Verifier verifies credentials and presentations (the VC-API verifier
// endpoints). Inputs that are not a credential (presentation) in any known
// form fail with an error wrapping issuer.ErrInvalidCredential (400);
// verification failures are reported in the result.
type Verifier interface {
	// VerifyCredential verifies a credential object, an
	// EnvelopedVerifiableCredential, or a JWT or SD-JWT string.
	VerifyCredential(ctx context.Context, vc json.RawMessage) (VerifyResult, error)
	// VerifyPresentation verifies a presentation and its credentials
	// against the verifier's challenge and domain.
	VerifyPresentation(ctx context.Context, vp json.RawMessage, opts PresentationOptions) (VerifyResult, error)
}

// Publisher serves the documents verifiers fetch: signed status list
// credentials and schema JSON-LD contexts. Unknown lists and contexts wrap
// status.ErrUnknownEntry, issuer.ErrUnknownIssuer or
// issuer.ErrUnknownSchema (404).
type Publisher interface {
	StatusList(ctx context.Context, issuer, purpose string, seq uint32) (StatusListDocument, error)
	SchemaContext(ctx context.Context, name string) ([]byte, error)
}

// IssueRequest is the body of POST /v1/credentials.
type IssueRequest struct {
	// Issuer is the issuer's DID; empty means the default issuer.
	Issuer string `json:"issuer,omitempty" validate:"max=2048"`
	// Schema is the $id of a schema the issuer registered.
	Schema string `json:"schema" validate:"required,max=2048"`
	// Subject is the credentialSubject object.
	Subject json.RawMessage `json:"subject" validate:"required"`
	// Type is an extra credential type after VerifiableCredential.
	Type string `json:"type,omitempty" validate:"max=200,printascii"`
	// Formats are the securing formats to return (default
	// eddsa-rdfc-2022).
	Formats []string `json:"formats,omitempty" validate:"max=7,dive,oneof=vc+jwt jwt_vc_json dc+sd-jwt eddsa-rdfc-2022 eddsa-jcs-2022 ecdsa-rdfc-2019 zk"`
	// ValidFrom defaults to now; ValidUntil is optional.
	ValidFrom  *time.Time `json:"validFrom,omitempty"`
	ValidUntil *time.Time `json:"validUntil,omitempty"`
	// Disclosable are JSON Pointers into the subject made selectively
	// disclosable in the dc+sd-jwt form.
	Disclosable []string `json:"disclosable,omitempty" validate:"max=64,dive,max=512"`
	// HolderKey is a public JWK bound as cnf in the dc+sd-jwt form.
	HolderKey json.RawMessage `json:"holderKey,omitempty"`
	// Suspendable adds a suspension status entry.
	Suspendable bool `json:"suspendable,omitempty"`
	// HolderCommitment is the holder's ZK commitment (canonical decimal),
	// required by the zk format.
	HolderCommitment string `json:"holderCommitment,omitempty" validate:"max=78"`
}

// IssueResult is the answer of POST /v1/credentials.
type IssueResult struct {
	ID     string `json:"id"`
	Issuer string `json:"issuer"`
	// Credentials maps each format to the secured credential: a string
	// (JWT, SD-JWT) or an object (Data Integrity).
	Credentials map[string]json.RawMessage `json:"credentials"`
}

// VCAPIIssueRequest is the body of POST /credentials/issue.
type VCAPIIssueRequest struct {
	Credential json.RawMessage    `json:"credential" validate:"required"`
	Options    *VCAPIIssueOptions `json:"options,omitempty"`
}

// VCAPIIssueOptions are the options of POST /credentials/issue.
type VCAPIIssueOptions struct {
	// Format is the securing format; empty means eddsa-rdfc-2022.
	Format string `json:"format,omitempty" validate:"omitempty,oneof=vc+jwt jwt_vc_json dc+sd-jwt eddsa-rdfc-2022 eddsa-jcs-2022 ecdsa-rdfc-2019"`
	// CredentialID names the credential when it has no id.
	CredentialID string `json:"credentialId,omitempty" validate:"max=2048"`
}

// vcapiIssueResponse is the answer of POST /credentials/issue.
type vcapiIssueResponse struct {
	VerifiableCredential json.RawMessage `json:"verifiableCredential"`
}

// CredentialState is the status of an issued credential.
type CredentialState struct {
	ID          string `json:"id"`
	Issuer      string `json:"issuer"`
	Revoked     bool   `json:"revoked"`
	Suspended   bool   `json:"suspended"`
	Suspendable bool   `json:"suspendable"`
}

// vcapiStatusRequest is the body of POST /credentials/status. The current
// VC-API shape names one entry by purpose with a boolean status; the older
// one lists entries with a status word.
type vcapiStatusRequest struct {
	CredentialID     string          `json:"credentialId" validate:"required,max=2048"`
	CredentialStatus json.RawMessage `json:"credentialStatus" validate:"required"`
	Status           *bool           `json:"status,omitempty"`
	IndexAllocator   string          `json:"indexAllocator,omitempty"`
}

// AddSchemaRequest is the body of POST /v1/schemas.
type AddSchemaRequest struct {
	// Issuer is the issuer's DID; empty means the default issuer.
	Issuer string `json:"issuer,omitempty" validate:"max=2048"`
	// Schema is the JSON Schema (2020-12) document.
	Schema json.RawMessage `json:"schema" validate:"required"`
}

// SchemaInfo describes a registered schema.
type SchemaInfo struct {
	ID     string `json:"id"`
	Issuer string `json:"issuer"`
	// Context is the URL of the schema's JSON-LD context, which Data
	// Integrity credentials of this schema list in @context.
	Context string          `json:"context"`
	Created time.Time       `json:"created"`
	Schema  json.RawMessage `json:"schema,omitempty"`
}

// IssuerKeyInfo is one assertion key of an issuer.
type IssuerKeyInfo struct {
	KeyID              string `json:"keyId"`
	KeyType            string `json:"keyType"`
	VerificationMethod string `json:"verificationMethod"`
	// Retired is when a rotation replaced the key: it signs nothing since
	// but stays published.
	Retired *time.Time `json:"retired,omitempty"`
	// RetireAfter is when the last credential issued before the rotation
	// expires; absent on a retired key when one of them never expires.
	RetireAfter *time.Time `json:"retireAfter,omitempty"`
}

// RotateKeyRequest is the body of POST /v1/issuers/{did}/rotate-key.
type RotateKeyRequest struct {
	// KeyType is the new key's type; empty means the type of the issuer's
	// preferred key.
	KeyType string `json:"keyType,omitempty" validate:"omitempty,oneof=Ed25519 P-256"`
}

// IssuerInfo describes an issuer.
type IssuerInfo struct {
	DID        string          `json:"did"`
	Method     string          `json:"method"`
	Label      string          `json:"label,omitempty"`
	Default    bool            `json:"default"`
	StatusBase string          `json:"statusBase"`
	Keys       []IssuerKeyInfo `json:"keys"`
	Created    time.Time       `json:"created"`
}

// AddIssuerRequest is the body of POST /v1/issuers.
type AddIssuerRequest struct {
	// Method is "key" (one key, KeyType) or "ethr" (a did:ethr on the
	// default chain with an Ed25519 and a P-256 key published on chain).
	Method string `json:"method" validate:"required,oneof=key ethr"`
	// KeyType is the did:key's key type: Ed25519 (default) or P-256.
	KeyType string `json:"keyType,omitempty" validate:"excluded_unless=Method key,omitempty,oneof=Ed25519 P-256"`
	Label   string `json:"label,omitempty" validate:"max=100,nocontrol"`
	// Default makes it the default issuer when there is none.
	Default bool `json:"default,omitempty"`
}

// CreateAPIKeyRequest is the body of POST /v1/admin/apikeys.
type CreateAPIKeyRequest struct {
	Name string `json:"name,omitempty" validate:"max=100,nocontrol"`
}

// APIKeyInfo is a created API key. Key is shown once; only its hash is
// stored.
type APIKeyInfo struct {
	Key     string    `json:"key"`
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
}

// VerifyCredentialRequest is the body of POST /credentials/verify.
type VerifyCredentialRequest struct {
	// VerifiableCredential is a credential object, an
	// EnvelopedVerifiableCredential, or a JWT/SD-JWT string.
	VerifiableCredential json.RawMessage `json:"verifiableCredential" validate:"required"`
	// Options are accepted and ignored (no option changes what is
	// checked).
	Options json.RawMessage `json:"options,omitempty"`
}

// VerifyPresentationRequest is the body of POST /presentations/verify.
type VerifyPresentationRequest struct {
	VerifiablePresentation json.RawMessage `json:"verifiablePresentation" validate:"required"`
	// Options carries challenge and domain; other members are ignored.
	Options json.RawMessage `json:"options,omitempty"`
}

// PresentationOptions are the verifier's expectations (the challenge and
// domain members of the request's options).
type PresentationOptions struct {
	Challenge string `json:"challenge,omitempty"`
	Domain    string `json:"domain,omitempty"`
}

// VerifyProblem is one entry of a verification result's errors or
// warnings.
type VerifyProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

// VerifyResult is the answer of the verify endpoints (VC-API: checks,
// warnings, errors; plus verified, the format and who signed).
type VerifyResult struct {
	Verified bool            `json:"verified"`
	Checks   []string        `json:"checks"`
	Warnings []VerifyProblem `json:"warnings"`
	Errors   []VerifyProblem `json:"errors"`
	Format   string          `json:"format,omitempty"`
	// Issuer is who signed: the credential's issuer or the
	// presentation's holder. Trusting it is the caller's decision.
	Issuer string `json:"issuer,omitempty"`
	// Credentials are the results of a presentation's credentials.
	Credentials []VerifyResult `json:"credentialResults,omitempty"`
}

// StatusListDocument is a signed status list credential to serve.
type StatusListDocument struct {
	Body      []byte
	MediaType string
	ETag      string
	MaxAge    time.Duration
}

// requireIssuerKey admits requests bearing the admin token or an
// issuer-admin API key (Authorization: Bearer KEY). Both are compared by
// hash: the admin token in constant time, API keys by a lookup of their
// SHA-256.
func (s *server) requireIssuerKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.adminDigest == nil && s.apiKeys == nil {
			s.writeProblem(w, r, &apiError{kind: kindForbidden, detail: "the issuer API is disabled: no admin token or API key store is configured"})
			return
		}
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			s.writeProblem(w, r, &apiError{kind: kindUnauthorized, detail: "a bearer token (an API key) is required"})
			return
		}
		if s.adminDigest != nil {
			got := sha256.Sum256([]byte(token))
			if subtle.ConstantTimeCompare(got[:], s.adminDigest[:]) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		if s.apiKeys != nil {
			ok, err := s.apiKeys.CheckAPIKey(r.Context(), token)
			if err != nil {
				s.writeProblem(w, r, keysError("check API key", err))
				return
			}
			if ok {
				next.ServeHTTP(w, r)
				return
			}
		}
		s.writeProblem(w, r, &apiError{kind: kindUnauthorized, detail: "the bearer token is not valid"})
	})
}

// cors makes a route readable from any origin: verification and the
// documents verifiers fetch carry no credentials and no secrets.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		next.ServeHTTP(w, r)
	})
}

// handlePreflight answers a CORS preflight of a POST route.
func (s *server) handlePreflight() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
		h.Set("Allow", "POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	}))
}

func errNotIssuer() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not issue credentials"}
}

func errNoVerifier() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not verify credentials"}
}

// handleIssue issues a credential (POST /v1/credentials).
func (s *server) handleIssue() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.credentials == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req IssueRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.credentials.IssueCredential(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("issue credential", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", res)
	})
}

// handleSetStatus changes a credential's status by id (POST
// /v1/credentials/{id}/revoke|suspend|reinstate).
func (s *server) handleSetStatus(purpose string, value bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.credentials == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		id := r.PathValue("id")
		st, err := s.credentials.SetCredentialStatus(r.Context(), id, purpose, value)
		if err != nil {
			s.writeProblem(w, r, credentialsError("set status of "+id, err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", st)
	})
}

// handleVCAPIIssue is VC-API's POST /credentials/issue.
func (s *server) handleVCAPIIssue() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.credentials == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req VCAPIIssueRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		vc, err := s.credentials.IssueVCAPI(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("issue credential", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", vcapiIssueResponse{VerifiableCredential: vc})
	})
}

// statusChange is one status change of POST /credentials/status.
type statusChange struct {
	purpose string
	value   bool
}

// parseStatusChanges reads the credentialStatus member: the current VC-API
// object {type, statusPurpose} with the boolean status, or the older list
// [{type, status: "revoked"|"suspended"|"active"}].
func parseStatusChanges(raw json.RawMessage, status *bool) ([]statusChange, error) {
	bad := func(msg string) error {
		return &apiError{kind: kindValidation, detail: "the request body is invalid", fields: []fieldError{{Field: "credentialStatus", Message: msg}}}
	}
	var one struct {
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
	}
	if err := json.Unmarshal(raw, &one); err == nil {
		if status == nil {
			return nil, &apiError{kind: kindValidation, detail: "the request body is invalid", fields: []fieldError{{Field: "status", Message: "is required"}}}
		}
		if one.StatusPurpose != "revocation" && one.StatusPurpose != "suspension" {
			return nil, bad("statusPurpose must be revocation or suspension")
		}
		return []statusChange{{one.StatusPurpose, *status}}, nil
	}
	var list []struct {
		Type   string `json:"type"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 || len(list) > 2 {
		return nil, bad("must be an object {type, statusPurpose} or a list of {type, status}")
	}
	var out []statusChange
	for _, e := range list {
		switch e.Status {
		case "revoked":
			out = append(out, statusChange{"revocation", true})
		case "suspended":
			out = append(out, statusChange{"suspension", true})
		case "active", "reinstated", "unsuspended":
			out = append(out, statusChange{"suspension", false})
		default:
			return nil, bad("status must be revoked, suspended or active")
		}
	}
	return out, nil
}

// handleVCAPIStatus is VC-API's POST /credentials/status.
func (s *server) handleVCAPIStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.credentials == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req vcapiStatusRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		changes, err := parseStatusChanges(req.CredentialStatus, req.Status)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		var st CredentialState
		for _, c := range changes {
			if st, err = s.credentials.SetCredentialStatus(r.Context(), req.CredentialID, c.purpose, c.value); err != nil {
				s.writeProblem(w, r, credentialsError("update status of "+req.CredentialID, err))
				return
			}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", st)
	})
}

// handleVerifyCredential is VC-API's POST /credentials/verify.
func (s *server) handleVerifyCredential() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.verifier == nil {
			s.writeProblem(w, r, errNoVerifier())
			return
		}
		var req VerifyCredentialRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.verifier.VerifyCredential(r.Context(), req.VerifiableCredential)
		if err != nil {
			s.writeProblem(w, r, vcapiVerifyError("verify credential", err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	}))
}

// handleVerifyPresentation is VC-API's POST /presentations/verify.
func (s *server) handleVerifyPresentation() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.verifier == nil {
			s.writeProblem(w, r, errNoVerifier())
			return
		}
		var req VerifyPresentationRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		var opts PresentationOptions
		if len(req.Options) > 0 {
			if err := json.Unmarshal(req.Options, &opts); err != nil {
				s.writeProblem(w, r, &apiError{kind: kindValidation, err: err, detail: "the request body is invalid",
					fields: []fieldError{{Field: "options", Message: "must be an object whose challenge and domain are strings"}}})
				return
			}
		}
		res, err := s.verifier.VerifyPresentation(r.Context(), req.VerifiablePresentation, opts)
		if err != nil {
			s.writeProblem(w, r, vcapiVerifyError("verify presentation", err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	}))
}

// handleStatusList serves a signed status list credential, cacheable for
// its max age and revalidated by ETag.
func (s *server) handleStatusList() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.publisher == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 32)
		if err != nil {
			s.writeProblem(w, r, &apiError{kind: kindNotFound, err: err, detail: "no status list " + r.URL.EscapedPath()})
			return
		}
		doc, err := s.publisher.StatusList(r.Context(), r.PathValue("issuer"), r.PathValue("purpose"), uint32(seq))
		if err != nil {
			s.writeProblem(w, r, publishError("status list", err))
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(doc.MaxAge/time.Second)))
		h.Set("ETag", doc.ETag)
		h.Set("Vary", "Accept-Encoding")
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, doc.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", doc.MediaType)
		h.Set("Content-Length", strconv.Itoa(len(doc.Body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc.Body)
	}))
}

// etagMatches evaluates an If-None-Match header against one strong tag.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// handleSchemaContext serves a schema's JSON-LD context.
func (s *server) handleSchemaContext() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.publisher == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		doc, err := s.publisher.SchemaContext(r.Context(), r.PathValue("name"))
		if err != nil {
			s.writeProblem(w, r, publishError("schema context", err))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Type", "application/ld+json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc)
	}))
}

// handleAddSchema registers a schema (POST /v1/schemas).
func (s *server) handleAddSchema() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.schemas == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req AddSchemaRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		info, err := s.schemas.AddSchema(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("add schema", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}

// schemaList is the body of GET /v1/schemas.
type schemaList struct {
	Schemas []SchemaInfo `json:"schemas"`
}

// handleListSchemas lists schemas (GET /v1/schemas[?issuer=DID]).
func (s *server) handleListSchemas() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.schemas == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		list, err := s.schemas.ListSchemas(r.Context(), r.URL.Query().Get("issuer"))
		if err != nil {
			s.writeProblem(w, r, credentialsError("list schemas", err))
			return
		}
		if list == nil {
			list = []SchemaInfo{}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", schemaList{Schemas: list})
	})
}

// issuerList is the body of GET /v1/issuers.
type issuerList struct {
	Issuers []IssuerInfo `json:"issuers"`
}

// handleListIssuers lists issuers (GET /v1/issuers).
func (s *server) handleListIssuers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.issuers == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		list, err := s.issuers.ListIssuers(r.Context())
		if err != nil {
			s.writeProblem(w, r, credentialsError("list issuers", err))
			return
		}
		if list == nil {
			list = []IssuerInfo{}
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", issuerList{Issuers: list})
	})
}

// handleAddIssuer creates an issuer (POST /v1/issuers).
func (s *server) handleAddIssuer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.issuers == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req AddIssuerRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		info, err := s.issuers.AddIssuer(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("add issuer", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}

// handleRotateIssuerKey rotates an issuer's key (POST
// /v1/issuers/{did}/rotate-key).
func (s *server) handleRotateIssuerKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.issuers == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req RotateKeyRequest
		if r.ContentLength != 0 {
			if err := s.decodeJSON(r, &req); err != nil {
				s.writeProblem(w, r, err)
				return
			}
		}
		id := r.PathValue("did")
		info, err := s.issuers.RotateIssuerKey(r.Context(), id, req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("rotate key of "+id, err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", info)
	})
}

// handleCreateAPIKey creates an API key (POST /v1/admin/apikeys, admin
// token only).
func (s *server) handleCreateAPIKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.apiKeys == nil {
			s.writeProblem(w, r, errNotIssuer())
			return
		}
		var req CreateAPIKeyRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		info, err := s.apiKeys.CreateAPIKey(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("create API key", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}
