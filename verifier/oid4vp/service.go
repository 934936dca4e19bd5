package oid4vp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/strictjson"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/dcql"
)

// Config configures a Service. BaseURL, Verifier and Policy are required;
// Signer and KeyID are required for the decentralized_identifier prefix,
// ZK for chainid_zk queries. Every other zero value is a secure default.
type Config struct {
	// BaseURL is the absolute URL under which each request has its
	// request_uri (BaseURL/{id}/request) and response_uri
	// (BaseURL/{id}/response). https, or http with InsecureAllowHTTP.
	BaseURL string
	// Signer signs request objects; KeyID is its verification method, a
	// DID URL whose DID is the verifier's decentralized identifier. The
	// method must be listed under authentication. Ed25519 (EdDSA) and
	// P-256 (ES256) keys are supported.
	Signer crypto.Signer
	KeyID  string
	// Verifier is the verification pipeline (*verifier.Verifier): every
	// presentation of a vp_token is verified with it against the
	// request's nonce and client_id, and checked against the DCQL query
	// (verifier/dcql.Check).
	Verifier dcql.Verifier
	// Policy returns the verification policy of a response (trusted
	// issuers, leeway, …), read per response so that it may change.
	Policy func(ctx context.Context) (verifier.Policy, error)
	// ZK makes the zero-knowledge proof requests of chainid_zk credential
	// queries; nil refuses such queries.
	ZK ZKRequester
	// ResponseKeySecret (at least 32 bytes) derives the encryption key of
	// each direct_post.jwt request from its id, so no private key is
	// stored. Nil means a random secret drawn at New: encrypted responses
	// then reach only this Service value (not another process or a
	// restarted one).
	ResponseKeySecret []byte
	// RequestTTL is the default lifetime of a request; zero means
	// DefaultRequestTTL. At most MaxRequestTTL.
	RequestTTL time.Duration
	// Retention is how long a request and its result stay readable after
	// expiry; zero means DefaultRetention.
	Retention time.Duration
	// Now is the clock; nil means time.Now. Rand is the source of ids,
	// nonces, codes and keys; nil means crypto/rand.Reader.
	Now  func() time.Time
	Rand io.Reader
	// Logger receives refusals at debug level; nil discards them.
	Logger *slog.Logger
	// InsecureAllowHTTP accepts an http BaseURL and RedirectURIs (local
	// development on loopback only).
	InsecureAllowHTTP bool
}

// Service is the verifier side of OpenID4VP. It is safe for concurrent
// use.
type Service struct {
	cfg      Config
	store    Store
	clientID string // decentralized_identifier:<DID>, "" without a signer
	alg      string
	secret   []byte // derives request encryption keys
}

// New returns a Service over st.
func New(st Store, cfg Config) (*Service, error) {
	if st == nil {
		return nil, errors.New("oid4vp: a Store is required")
	}
	if cfg.Verifier == nil || cfg.Policy == nil {
		return nil, errors.New("oid4vp: Config.Verifier and Config.Policy are required")
	}
	if n := len(cfg.ResponseKeySecret); n > 0 && n < 32 {
		return nil, fmt.Errorf("oid4vp: Config.ResponseKeySecret has %d bytes, want at least 32", n)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil ||
		!(u.Scheme == "https" || u.Scheme == "http" && cfg.InsecureAllowHTTP) {
		return nil, fmt.Errorf("oid4vp: Config.BaseURL %q is not an absolute https URL without query or fragment", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.RequestTTL == 0 {
		cfg.RequestTTL = DefaultRequestTTL
	}
	if cfg.RequestTTL < 0 || cfg.RequestTTL > MaxRequestTTL {
		return nil, fmt.Errorf("oid4vp: Config.RequestTTL %s is outside (0, %s]", cfg.RequestTTL, MaxRequestTTL)
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, store: st, secret: bytes.Clone(cfg.ResponseKeySecret)}
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		if _, err := io.ReadFull(cfg.Rand, s.secret); err != nil {
			return nil, fmt.Errorf("oid4vp: draw the response key secret: %w", err)
		}
	}
	if cfg.Signer != nil {
		vm, err := did.ParseURL(cfg.KeyID)
		if err != nil || vm.Fragment == "" {
			return nil, fmt.Errorf("oid4vp: Config.KeyID %q is not a DID URL with a fragment", cfg.KeyID)
		}
		if s.alg, err = algFor(cfg.Signer.Public()); err != nil {
			return nil, fmt.Errorf("oid4vp: Config.Signer: %w", err)
		}
		s.clientID = PrefixDecentralizedIdentifier + vm.DID.String()
	}
	return s, nil
}

// algFor names the JWS algorithm of a public key.
func algFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "EdDSA", nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return "ES256", nil
		}
	}
	return "", fmt.Errorf("unsupported key type %T", pub)
}

// ClientID is the verifier's decentralized_identifier client_id ("" when
// the Service has no signer).
func (s *Service) ClientID() string { return s.clientID }

// CreateRequest asks for a new authorization request.
type CreateRequest struct {
	// DCQLQuery is the DCQL query (required).
	DCQLQuery json.RawMessage
	// ClientIDPrefix is PrefixDecentralizedIdentifier (the default when
	// the Service has a signer) or PrefixRedirectURI.
	ClientIDPrefix string
	// ResponseMode is ResponseModeDirectPost (default) or
	// ResponseModeDirectPostJWT.
	ResponseMode string
	// ByValue puts every parameter in the URI instead of a request_uri.
	ByValue bool
	// RedirectURI, for a same-device flow, is where the wallet sends the
	// user after responding, with a response_code in the fragment; the
	// result is then released only against that code. Empty means a
	// cross-device flow. Absolute https (or http with InsecureAllowHTTP)
	// without fragment.
	RedirectURI string
	// TTL is the request's lifetime; zero means Config.RequestTTL.
	TTL time.Duration
}

// Created is a new request.
type Created struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	// RequestURI is the request_uri ("" when passed by value).
	RequestURI string `json:"request_uri,omitempty"`
	// URI is the openid4vp:// authorization request for a link or QR code.
	URI       string               `json:"uri"`
	ExpiresAt time.Time            `json:"expires_at"`
	Request   AuthorizationRequest `json:"request"`
}

// record is what the Store keeps per request (JSON, version 1).
type record struct {
	V           int                  `json:"v"`
	ID          string               `json:"id"`
	Request     AuthorizationRequest `json:"request"`
	ByValue     bool                 `json:"byValue,omitempty"`
	RedirectURI string               `json:"redirectUri,omitempty"`
	Created     time.Time            `json:"created"`
	Expires     time.Time            `json:"expires"`
	State       string               `json:"state"`
	Received    time.Time            `json:"received,omitzero"`
	Result      *Result              `json:"result,omitempty"`
	CodeHash    string               `json:"codeHash,omitempty"`
	CodeUsed    bool                 `json:"codeUsed,omitempty"`
}

// Result is the outcome of a response.
type Result struct {
	// Verified is true when every presentation verified and the response
	// satisfies the DCQL query.
	Verified bool `json:"verified"`
	// Reason says why it did not verify.
	Reason string `json:"reason,omitempty"`
	// Presentations are the verified presentations by credential query id.
	Presentations map[string][]Presented `json:"presentations,omitempty"`
	// WalletError is the error the wallet answered instead of a vp_token.
	WalletError *ErrorResponse `json:"wallet_error,omitempty"`
}

// Status is what Service.Status reports.
type Status struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	ExpiresAt time.Time `json:"expires_at"`
	// SameDevice is set for requests whose result needs the response code.
	SameDevice bool       `json:"same_device,omitempty"`
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	// Result is present once answered, and for same-device requests only
	// against the response code.
	Result *Result `json:"result,omitempty"`
}

func (s *Service) random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Service) checkURL(raw, what string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Fragment != "" || u.User != nil ||
		!(u.Scheme == "https" || u.Scheme == "http" && s.cfg.InsecureAllowHTTP) {
		return fmt.Errorf("%w: %s must be an absolute https URL without fragment", ErrInvalidRequest, what)
	}
	return nil
}

// vpFormats is the client_metadata vp_formats_supported of every request.
func vpFormats() map[string]json.RawMessage {
	return map[string]json.RawMessage{
		FormatSDJWT: json.RawMessage(`{"sd-jwt_alg_values":["EdDSA","ES256","ES256K"],"kb-jwt_alg_values":["EdDSA","ES256","ES256K"]}`),
		FormatJWTVC: json.RawMessage(`{"alg_values":["EdDSA","ES256","ES256K"]}`),
		FormatLDPVC: json.RawMessage(`{"proof_type_values":["DataIntegrityProof"],"cryptosuite_values":["eddsa-rdfc-2022","eddsa-jcs-2022","ecdsa-rdfc-2019"]}`),
		FormatZK:    json.RawMessage(`{}`),
	}
}

// Create makes, stores and returns a new authorization request. Refusals
// wrap ErrInvalidRequest.
func (s *Service) Create(ctx context.Context, req CreateRequest) (*Created, error) {
	if len(req.DCQLQuery) == 0 || len(req.DCQLQuery) > MaxQueryBytes {
		return nil, fmt.Errorf("%w: a DCQL query of 1 to %d bytes is required", ErrInvalidRequest, MaxQueryBytes)
	}
	if err := strictjson.Check(req.DCQLQuery, maxJSONDepth); err != nil {
		return nil, fmt.Errorf("%w: dcql_query: %w", ErrInvalidRequest, err)
	}
	query, err := dcql.Parse(req.DCQLQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: dcql_query: %w", ErrInvalidRequest, err)
	}
	hasZK := slices.ContainsFunc(query.Credentials, func(c dcql.CredentialQuery) bool { return c.Format == FormatZK })
	if hasZK && s.cfg.ZK == nil {
		return nil, fmt.Errorf("%w: this verifier makes no zero-knowledge proof requests (%s)", ErrInvalidRequest, FormatZK)
	}
	mode := req.ResponseMode
	switch mode {
	case "":
		mode = ResponseModeDirectPost
	case ResponseModeDirectPost, ResponseModeDirectPostJWT:
	default:
		return nil, fmt.Errorf("%w: response mode %q: want %s or %s", ErrInvalidRequest, mode, ResponseModeDirectPost, ResponseModeDirectPostJWT)
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = s.cfg.RequestTTL
	}
	if ttl < 0 || ttl > MaxRequestTTL {
		return nil, fmt.Errorf("%w: lifetime %s is outside (0, %s]", ErrInvalidRequest, ttl, MaxRequestTTL)
	}
	if req.RedirectURI != "" {
		if err := s.checkURL(req.RedirectURI, "the redirect URI"); err != nil {
			return nil, err
		}
	}
	id, err := s.random(16)
	if err != nil {
		return nil, err
	}
	nonce, err := s.random(16)
	if err != nil {
		return nil, err
	}
	state, err := s.random(16)
	if err != nil {
		return nil, err
	}
	responseURI := s.cfg.BaseURL + "/" + id + "/response"
	var clientID string
	switch req.ClientIDPrefix {
	case "", PrefixDecentralizedIdentifier, strings.TrimSuffix(PrefixDecentralizedIdentifier, ":"):
		if req.ByValue && req.ClientIDPrefix != "" {
			return nil, fmt.Errorf("%w: a decentralized_identifier request must be signed, so it is passed by reference", ErrInvalidRequest)
		}
		if s.clientID == "" || req.ByValue {
			if req.ClientIDPrefix != "" {
				return nil, fmt.Errorf("%w: this verifier has no decentralized identifier", ErrInvalidRequest)
			}
			clientID = PrefixRedirectURI + responseURI
		} else {
			clientID = s.clientID
		}
	case PrefixRedirectURI, strings.TrimSuffix(PrefixRedirectURI, ":"):
		clientID = PrefixRedirectURI + responseURI
	default:
		return nil, fmt.Errorf("%w: client_id prefix %q: want %s or %s", ErrInvalidRequest, req.ClientIDPrefix, PrefixDecentralizedIdentifier, PrefixRedirectURI)
	}
	now := s.cfg.Now()
	dcqlQuery := req.DCQLQuery
	if hasZK {
		if dcqlQuery, err = s.zkRequests(ctx, query, nonce, clientID, now.Add(ttl)); err != nil {
			return nil, err
		}
	}
	rec := record{
		V: 1, ID: id, ByValue: req.ByValue, RedirectURI: req.RedirectURI,
		Created: now.UTC(), Expires: now.Add(ttl).UTC(), State: StatePending,
		Request: AuthorizationRequest{
			ResponseType: ResponseTypeVPToken, ClientID: clientID, ResponseMode: mode, ResponseURI: responseURI,
			Nonce: nonce, State: state, DCQLQuery: dcqlQuery,
			ClientMetadata: &ClientMetadata{VPFormatsSupported: vpFormats()},
		},
	}
	if mode == ResponseModeDirectPostJWT {
		pub, _, err := encryptionKey(s.secret, id)
		if err != nil {
			return nil, err
		}
		rec.Request.ClientMetadata.JWKS = &JWKS{Keys: []json.RawMessage{pub}}
		rec.Request.ClientMetadata.EncryptedResponseEncValuesSupported = []string{EncA128GCM, EncA256GCM}
	}
	value, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode presentation request: %w", err)
	}
	if err := s.store.Create(ctx, id, value, rec.Expires.Add(s.cfg.Retention)); err != nil {
		return nil, fmt.Errorf("store presentation request: %w", err)
	}
	out := &Created{ID: id, ClientID: clientID, ExpiresAt: rec.Expires, Request: rec.Request}
	q := url.Values{}
	q.Set("client_id", clientID)
	if req.ByValue {
		params, err := rec.Request.values()
		if err != nil {
			return nil, err
		}
		q = params
	} else {
		out.RequestURI = s.cfg.BaseURL + "/" + id + "/request"
		q.Set("request_uri", out.RequestURI)
	}
	out.URI = Scheme + "?" + q.Encode()
	return out, nil
}

// zkRequests asks Config.ZK for the proof request of every chainid_zk
// credential query, bound to the OpenID4VP request's nonce and client_id
// and expiring with it, and returns the query with each meta.zk_request
// replaced by the request document.
func (s *Service) zkRequests(ctx context.Context, q *dcql.Query, nonce, clientID string, expires time.Time) (json.RawMessage, error) {
	for i := range q.Credentials {
		cq := &q.Credentials[i]
		if cq.Format != FormatZK {
			continue
		}
		doc, err := s.cfg.ZK.CreateZKRequest(ctx, cq.Meta.ZKRequest, nonce, clientID, expires)
		if err != nil {
			return nil, fmt.Errorf("credential query %s: zk_request: %w", cq.ID, err)
		}
		cq.Meta.ZKRequest = doc
	}
	out, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode dcql_query: %w", err)
	}
	if _, err := dcql.Parse(out); err != nil {
		return nil, fmt.Errorf("%w: dcql_query with its proof requests: %w", ErrInvalidRequest, err)
	}
	return out, nil
}

// values encodes the request as URI query parameters (by value).
func (r AuthorizationRequest) values() (url.Values, error) {
	q := url.Values{}
	q.Set("response_type", r.ResponseType)
	q.Set("client_id", r.ClientID)
	q.Set("response_mode", r.ResponseMode)
	q.Set("response_uri", r.ResponseURI)
	q.Set("nonce", r.Nonce)
	if r.State != "" {
		q.Set("state", r.State)
	}
	q.Set("dcql_query", string(r.DCQLQuery))
	if r.ClientMetadata != nil {
		b, err := json.Marshal(r.ClientMetadata)
		if err != nil {
			return nil, fmt.Errorf("encode client_metadata: %w", err)
		}
		q.Set("client_metadata", string(b))
	}
	return q, nil
}

func (s *Service) load(ctx context.Context, id string) (*record, error) {
	raw, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return decodeRecord(raw)
}

func decodeRecord(raw []byte) (*record, error) {
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("decode presentation request: %w", err)
	}
	if rec.V != 1 {
		return nil, fmt.Errorf("presentation request record version %d", rec.V)
	}
	return &rec, nil
}

// validID keeps ids from the URL to what Create makes.
func validID(id string) bool {
	if len(id) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}

// RequestObject returns the request object of a by-reference request: a
// JWT signed with the verifier's key (decentralized_identifier), or an
// unsecured JWT (redirect_uri). Unknown ids wrap ErrNotFound, expired
// requests ErrExpired.
func (s *Service) RequestObject(ctx context.Context, id string) (string, error) {
	if !validID(id) {
		return "", ErrNotFound
	}
	rec, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	now := s.cfg.Now()
	if !now.Before(rec.Expires) {
		return "", ErrExpired
	}
	if rec.ByValue {
		return "", fmt.Errorf("%w: request %s is passed by value", ErrNotFound, id)
	}
	claims := rec.Request
	claims.Audience = SelfIssuedAudience
	claims.IssuedAt = now.Unix()
	claims.ExpiresAt = rec.Expires.Unix()
	if strings.HasPrefix(claims.ClientID, PrefixRedirectURI) {
		return unsecuredJWT(claims)
	}
	claims.Issuer = claims.ClientID
	return signJWT(claims, s.cfg.Signer, s.alg, s.cfg.KeyID)
}

// Ack is the response endpoint's answer to the wallet.
type Ack struct {
	// RedirectURI is where the wallet sends the user (same-device flow).
	RedirectURI string `json:"redirect_uri,omitempty"`
}

func refuse(code ErrorCode, desc string, err error) error {
	return &ProtocolError{Code: code, Description: desc, Err: err}
}

// HandleResponse processes the wallet's authorization response for
// request id: the form posted to the response_uri. Refusals that leave the
// request open (unknown, expired or answered requests, malformed bodies, a
// wrong state) are *ProtocolError; a response that reaches verification
// closes the request whatever its outcome, and a failed verification is
// reported as a *ProtocolError too.
func (s *Service) HandleResponse(ctx context.Context, id string, form url.Values) (*Ack, error) {
	if !validID(id) {
		return nil, refuse(CodeInvalidRequest, "unknown request", ErrNotFound)
	}
	rec, err := s.load(ctx, id)
	if err != nil {
		return nil, refuse(CodeInvalidRequest, "unknown request", err)
	}
	if !s.cfg.Now().Before(rec.Expires) {
		return nil, refuse(CodeInvalidRequest, "the request has expired", ErrExpired)
	}
	if rec.State != StatePending {
		return nil, refuse(CodeInvalidRequest, "the request has already been answered", nil)
	}
	for k, v := range form {
		if len(v) != 1 {
			return nil, refuse(CodeInvalidRequest, "parameter "+k+" is repeated", nil)
		}
	}
	params, err := s.responseParams(rec, form)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(params.State), []byte(rec.Request.State)) != 1 {
		return nil, refuse(CodeInvalidRequest, "state does not match the request", nil)
	}
	res := s.evaluate(ctx, rec, params)
	var code string
	if rec.RedirectURI != "" && res.Verified {
		if code, err = s.random(32); err != nil {
			return nil, err
		}
	}
	_, err = s.store.Update(ctx, id, func(raw []byte) ([]byte, error) {
		cur, err := decodeRecord(raw)
		if err != nil {
			return nil, err
		}
		if cur.State != StatePending {
			return nil, refuse(CodeInvalidRequest, "the request has already been answered", nil)
		}
		cur.Received = s.cfg.Now().UTC()
		cur.Result = res
		cur.State = StateRejected
		if res.Verified {
			cur.State = StateVerified
		}
		if code != "" {
			cur.CodeHash = hashCode(code)
		}
		return json.Marshal(cur)
	})
	if err != nil {
		var pe *ProtocolError
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("store presentation response: %w", err)
	}
	if res.WalletError != nil {
		return &Ack{}, nil
	}
	if !res.Verified {
		s.cfg.Logger.DebugContext(ctx, "presentation refused", "request", id, "reason", res.Reason)
		return nil, refuse(CodeInvalidRequest, "the presentation did not verify: "+sanitize(res.Reason), nil)
	}
	ack := &Ack{}
	if code != "" {
		ack.RedirectURI = rec.RedirectURI + "#response_code=" + code
	}
	return ack, nil
}

// sanitize keeps an error_description to its allowed characters.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b[i] = ' '
		}
	}
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// responseParams are the members of an authorization response.
type responseParams struct {
	VPToken          json.RawMessage `json:"vp_token"`
	State            string          `json:"state"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

func (s *Service) responseParams(rec *record, form url.Values) (*responseParams, error) {
	var p responseParams
	switch rec.Request.ResponseMode {
	case ResponseModeDirectPostJWT:
		jwe := form.Get("response")
		if jwe == "" || len(form) != 1 {
			return nil, refuse(CodeInvalidRequest, "an encrypted response carries exactly the response parameter", nil)
		}
		_, priv, err := encryptionKey(s.secret, rec.ID)
		if err != nil {
			return nil, err
		}
		plain, err := decryptResponse(jwe, priv, rec.Request.ClientMetadata.EncryptedResponseEncValuesSupported)
		if err != nil {
			return nil, refuse(CodeInvalidRequest, "the encrypted response could not be decrypted", err)
		}
		if err := strictjson.Check(plain, maxJSONDepth); err != nil {
			return nil, refuse(CodeInvalidRequest, "the decrypted response is not a JSON object", err)
		}
		if err := json.Unmarshal(plain, &p); err != nil {
			return nil, refuse(CodeInvalidRequest, "the decrypted response is not a JSON object", err)
		}
	default:
		if form.Has("response") {
			return nil, refuse(CodeInvalidRequest, "this request expects an unencrypted response", nil)
		}
		p.State, p.Error, p.ErrorDescription = form.Get("state"), form.Get("error"), form.Get("error_description")
		if v := form.Get("vp_token"); v != "" {
			p.VPToken = json.RawMessage(v)
		}
	}
	if (len(p.VPToken) == 0) == (p.Error == "") {
		return nil, refuse(CodeInvalidRequest, "a response carries either vp_token or error", nil)
	}
	return &p, nil
}

// evaluate verifies a response's presentations and checks the query
// (verifier/dcql.Check through the verification pipeline, bound to the
// request's nonce and client_id).
func (s *Service) evaluate(ctx context.Context, rec *record, p *responseParams) *Result {
	if p.Error != "" {
		return &Result{Reason: "the wallet answered " + sanitize(p.Error),
			WalletError: &ErrorResponse{Error: ErrorCode(sanitize(p.Error)), ErrorDescription: sanitize(p.ErrorDescription)}}
	}
	if err := strictjson.Check(p.VPToken, maxJSONDepth); err != nil {
		return &Result{Reason: "vp_token is not valid JSON: " + err.Error()}
	}
	token, err := dcql.ParseVPToken(p.VPToken)
	if err != nil || len(token) == 0 {
		return &Result{Reason: "vp_token must be a non-empty object of arrays of presentations"}
	}
	total := 0
	for _, ps := range token {
		total += len(ps)
	}
	if total > MaxPresentations {
		return &Result{Reason: fmt.Sprintf("vp_token carries %d presentations, at most %d are accepted", total, MaxPresentations)}
	}
	q, err := dcql.Parse(rec.Request.DCQLQuery)
	if err != nil {
		return &Result{Reason: "the stored query does not parse"}
	}
	// A ZK proof must answer its own query's proof request (two chainid_zk
	// queries of one request share the nonce).
	for _, cq := range q.Credentials {
		if cq.Format != FormatZK {
			continue
		}
		want := zkRequestID(cq.Meta.ZKRequest)
		for i, raw := range token[cq.ID] {
			if got := zkRequestID(raw); want == "" || got != want {
				return &Result{Reason: fmt.Sprintf("presentation %d of %q does not answer the query's proof request", i, cq.ID)}
			}
		}
	}
	pol, err := s.cfg.Policy(ctx)
	if err != nil {
		return &Result{Reason: "the verification policy is unavailable"}
	}
	checked, err := dcql.Check(ctx, s.cfg.Verifier, q, token, rec.Request.Nonce, rec.Request.ClientID, pol)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "presentation verification failed to run", "request", rec.ID, "error", err)
		return &Result{Reason: "verification failed to run"}
	}
	presented := make(map[string][]Presented, len(checked.Results))
	for id, results := range checked.Results {
		i := slices.IndexFunc(q.Credentials, func(c dcql.CredentialQuery) bool { return c.ID == id })
		for _, r := range results {
			presented[id] = append(presented[id], Presented{Format: q.Credentials[i].Format, Result: r})
		}
	}
	if !checked.OK() {
		return &Result{Reason: "the presentation did not verify or does not satisfy the query: " + strings.Join(checked.Problems, "; "),
			Presentations: presented}
	}
	return &Result{Verified: true, Presentations: presented}
}

// zkRequestID reads the id of a proof request document, or the request a
// ZK submission answers (both carry it in a top-level string member).
func zkRequestID(doc json.RawMessage) string {
	var v struct {
		ID      string `json:"id"`
		Request string `json:"request"`
	}
	if json.Unmarshal(doc, &v) != nil {
		return ""
	}
	if v.Request != "" {
		return v.Request
	}
	return v.ID
}

// Status reports request id. For a same-device request the result is
// released only with its response code, once; a wrong or reused code wraps
// ErrResponseCode. Cross-device requests refuse a response code.
func (s *Service) Status(ctx context.Context, id, responseCode string) (*Status, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	if responseCode == "" {
		rec, err := s.load(ctx, id)
		if err != nil {
			return nil, err
		}
		st := s.status(rec)
		if rec.RedirectURI == "" {
			st.Result = rec.Result
		}
		return st, nil
	}
	var st *Status
	_, err := s.store.Update(ctx, id, func(raw []byte) ([]byte, error) {
		rec, err := decodeRecord(raw)
		if err != nil {
			return nil, err
		}
		if rec.RedirectURI == "" || rec.CodeHash == "" ||
			subtle.ConstantTimeCompare([]byte(hashCode(responseCode)), []byte(rec.CodeHash)) != 1 {
			return nil, ErrResponseCode
		}
		if rec.CodeUsed {
			return nil, fmt.Errorf("%w: the response code was already used", ErrResponseCode)
		}
		rec.CodeUsed = true
		st = s.status(rec)
		st.Result = rec.Result
		return json.Marshal(rec)
	})
	if errors.Is(err, ErrResponseCode) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return st, nil
}

func (s *Service) status(rec *record) *Status {
	st := &Status{ID: rec.ID, State: rec.State, ExpiresAt: rec.Expires, SameDevice: rec.RedirectURI != ""}
	if rec.State == StatePending && !s.cfg.Now().Before(rec.Expires) {
		st.State = StateExpired
	}
	if !rec.Received.IsZero() {
		t := rec.Received
		st.ReceivedAt = &t
	}
	return st
}
