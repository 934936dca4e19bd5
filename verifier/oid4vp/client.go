package oid4vp

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/strictjson"
)

// DefaultClockSkew is the tolerance on request object times.
const DefaultClockSkew = time.Minute

// ClientConfig configures a Client. Keys is required.
type ClientConfig struct {
	// Keys resolves the verifier's DID URL kid (under authentication).
	Keys KeyResolver
	// HTTPClient fetches request_uris and posts responses; nil means a
	// client with a 30-second timeout. Redirects are never followed.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now. ClockSkew bounds iat/exp
	// tolerance; zero means DefaultClockSkew.
	Now       func() time.Time
	ClockSkew time.Duration
	// InsecureAllowHTTP accepts http request_uris and response_uris
	// (local development only).
	InsecureAllowHTTP bool
}

// Client is the wallet side of OpenID4VP: it fetches and checks
// authorization requests and delivers responses. It is safe for
// concurrent use.
type Client struct {
	cfg  ClientConfig
	http *http.Client
}

// NewClient returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Keys == nil {
		return nil, errors.New("oid4vp: ClientConfig.Keys is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{cfg: cfg, http: hc}, nil
}

func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRequestObject, fmt.Sprintf(format, args...))
}

func (c *Client) checkURL(raw, what string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" ||
		!(u.Scheme == "https" || u.Scheme == "http" && c.cfg.InsecureAllowHTTP) {
		return badRequest("%s %q is not an absolute https URL", what, raw)
	}
	return nil
}

// Fetch reads an authorization request URI (openid4vp://?… or an https URL
// with the same query), fetches its request_uri if it has one, verifies
// the request object and checks the request. Every refusal wraps
// ErrRequestObject.
func (c *Client) Fetch(ctx context.Context, uri string) (*AuthorizationRequest, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return nil, badRequest("the request URI does not parse")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, badRequest("the request URI's query does not parse")
	}
	for k, v := range q {
		if len(v) != 1 {
			return nil, badRequest("parameter %s is repeated", k)
		}
	}
	clientID := q.Get("client_id")
	if clientID == "" {
		return nil, badRequest("client_id is missing")
	}
	if ru := q.Get("request_uri"); ru != "" {
		if m := q.Get("request_uri_method"); m != "" && m != "get" {
			return nil, badRequest("request_uri_method %q is not supported", m)
		}
		if err := c.checkURL(ru, "request_uri"); err != nil {
			return nil, err
		}
		// An unsigned (redirect_uri) request is fetched only from the
		// origin of the client_id, where the response goes too; the
		// wallet makes no request elsewhere on a link's say-so.
		if suffix, ok := strings.CutPrefix(clientID, PrefixRedirectURI); ok && !sameOrigin(ru, suffix) {
			return nil, badRequest("request_uri %q is not on the origin of the redirect_uri client_id %q", ru, suffix)
		}
		obj, err := c.fetchObject(ctx, ru)
		if err != nil {
			return nil, err
		}
		return c.VerifyRequestObject(ctx, obj, clientID)
	}
	req := &AuthorizationRequest{
		ResponseType: q.Get("response_type"), ClientID: clientID, ResponseMode: q.Get("response_mode"),
		ResponseURI: q.Get("response_uri"), Nonce: q.Get("nonce"), State: q.Get("state"),
		DCQLQuery: json.RawMessage(q.Get("dcql_query")),
	}
	if q.Has("request") {
		return nil, badRequest("the request parameter is not supported; use request_uri")
	}
	if md := q.Get("client_metadata"); md != "" {
		if err := strictjson.Check([]byte(md), maxJSONDepth); err != nil {
			return nil, badRequest("client_metadata: %s", err.Error())
		}
		req.ClientMetadata = &ClientMetadata{}
		if err := json.Unmarshal([]byte(md), req.ClientMetadata); err != nil {
			return nil, badRequest("client_metadata is not an object")
		}
	}
	if !strings.HasPrefix(clientID, PrefixRedirectURI) {
		return nil, badRequest("a request by value is accepted only with the redirect_uri client_id prefix (others must be signed)")
	}
	if err := c.check(req, clientID); err != nil {
		return nil, err
	}
	return req, nil
}

// sameOrigin reports whether two absolute URLs have the same scheme, host
// and port.
func sameOrigin(a, b string) bool {
	ua, err := url.Parse(a)
	if err != nil {
		return false
	}
	ub, err := url.Parse(b)
	if err != nil {
		return false
	}
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		return map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	}
	return ua.Host != "" && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Hostname(), ub.Hostname()) && port(ua) == port(ub)
}

func (c *Client) fetchObject(ctx context.Context, uri string) (string, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return "", badRequest("request_uri: %s", err.Error())
	}
	hreq.Header.Set("Accept", MediaTypeRequestObject)
	resp, err := c.http.Do(hreq)
	if err != nil {
		return "", fmt.Errorf("%w: fetch request_uri: %w", ErrRequestObject, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxRequestObjectBytes+1))
	if err != nil {
		return "", fmt.Errorf("%w: read request_uri: %w", ErrRequestObject, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", badRequest("request_uri answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body[:min(len(body), 200)])))
	}
	if len(body) > MaxRequestObjectBytes {
		return "", badRequest("request object over %d bytes", MaxRequestObjectBytes)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != MediaTypeRequestObject {
		return "", badRequest("request_uri answered %q, want %s", resp.Header.Get("Content-Type"), MediaTypeRequestObject)
	}
	return strings.TrimSpace(string(body)), nil
}

// VerifyRequestObject verifies a request object for clientID (the
// client_id of the URI that pointed to it) and checks the request: a JWS
// signed with the key of the client_id's DID for the
// decentralized_identifier prefix, an unsecured JWT (alg none) for the
// redirect_uri prefix. Refusals wrap ErrRequestObject.
func (c *Client) VerifyRequestObject(ctx context.Context, compact, clientID string) (*AuthorizationRequest, error) {
	if len(compact) > MaxRequestObjectBytes {
		return nil, badRequest("request object too large")
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, badRequest("the request object is not a compact JWS")
	}
	h, err := readHeader(parts[0], "alg", "typ", "kid")
	if err != nil {
		return nil, badRequest("request object %s", err.Error())
	}
	if h.Typ != RequestObjectType {
		return nil, badRequest("request object typ %q, want %s", h.Typ, RequestObjectType)
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(parts[1])
	if err != nil {
		return nil, badRequest("request object payload is not base64url")
	}
	switch {
	case strings.HasPrefix(clientID, PrefixRedirectURI):
		if h.Alg != "none" || parts[2] != "" || h.Kid != "" {
			return nil, badRequest("a redirect_uri client_id request must not be signed")
		}
	case strings.HasPrefix(clientID, PrefixDecentralizedIdentifier):
		if err := c.verifySignature(ctx, compact, h, strings.TrimPrefix(clientID, PrefixDecentralizedIdentifier)); err != nil {
			return nil, err
		}
	default:
		return nil, badRequest("client_id %q has no supported prefix (redirect_uri:, decentralized_identifier:)", clientID)
	}
	// Names are compared as encoding/json matches them to fields, so
	// "client_id" and "Client_ID" cannot both appear (the last would win).
	if err := strictjson.CheckFold(payload, maxJSONDepth); err != nil {
		return nil, badRequest("request object payload: %s", err.Error())
	}
	var req AuthorizationRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		return nil, badRequest("request object payload: %s", err.Error())
	}
	now := c.cfg.Now()
	if req.ExpiresAt == 0 || !now.Before(time.Unix(req.ExpiresAt, 0).Add(c.cfg.ClockSkew)) {
		return nil, badRequest("the request object has expired (or carries no exp)")
	}
	if req.IssuedAt != 0 && time.Unix(req.IssuedAt, 0).After(now.Add(c.cfg.ClockSkew)) {
		return nil, badRequest("the request object is issued in the future")
	}
	if req.Audience != "" && req.Audience != SelfIssuedAudience {
		return nil, badRequest("the request object is for audience %q", req.Audience)
	}
	if req.Issuer != "" && req.Issuer != clientID {
		return nil, badRequest("the request object's iss is not its client_id")
	}
	if err := c.check(&req, clientID); err != nil {
		return nil, err
	}
	return &req, nil
}

func (c *Client) verifySignature(ctx context.Context, compact string, h *joseHeader, clientDID string) error {
	if h.Alg != "EdDSA" && h.Alg != "ES256" {
		return badRequest("request object alg %q: want EdDSA or ES256", h.Alg)
	}
	vm, err := did.ParseURL(h.Kid)
	if err != nil || vm.Fragment == "" {
		return badRequest("request object kid %q is not a DID URL", h.Kid)
	}
	if vm.DID.String() != clientDID {
		return badRequest("request object kid %q is not a key of the client_id's DID %s", h.Kid, clientDID)
	}
	var pub crypto.PublicKey
	if pub, err = c.cfg.Keys.VerificationKey(ctx, h.Kid, "authentication"); err != nil {
		return fmt.Errorf("%w: request object key %s: %w", ErrRequestObject, h.Kid, err)
	}
	if alg, err := algFor(pub); err != nil || alg != h.Alg {
		return badRequest("request object alg %s does not match the key of %s", h.Alg, h.Kid)
	}
	if _, err := jws.Verify([]byte(compact), jws.WithKey(jwa.SignatureAlgorithm(h.Alg), pub)); err != nil {
		return fmt.Errorf("%w: request object signature: %w", ErrRequestObject, err)
	}
	return nil
}

// check validates the parameters of a request for clientID.
func (c *Client) check(req *AuthorizationRequest, clientID string) error {
	if req.ClientID != clientID {
		return badRequest("the request's client_id %q is not the URI's %q", req.ClientID, clientID)
	}
	if req.ResponseType != ResponseTypeVPToken {
		return badRequest("response_type %q, want vp_token", req.ResponseType)
	}
	if req.ResponseMode != ResponseModeDirectPost && req.ResponseMode != ResponseModeDirectPostJWT {
		return badRequest("response_mode %q is not supported", req.ResponseMode)
	}
	if err := c.checkURL(req.ResponseURI, "response_uri"); err != nil {
		return err
	}
	if suffix, ok := strings.CutPrefix(clientID, PrefixRedirectURI); ok && suffix != req.ResponseURI {
		return badRequest("response_uri %q is not the redirect_uri client_id %q", req.ResponseURI, suffix)
	}
	if req.Nonce == "" {
		return badRequest("nonce is missing")
	}
	if len(req.DCQLQuery) == 0 {
		return badRequest("dcql_query is missing")
	}
	if err := strictjson.Check(req.DCQLQuery, maxJSONDepth); err != nil {
		return badRequest("dcql_query: %s", err.Error())
	}
	if req.ResponseMode == ResponseModeDirectPostJWT && (req.ClientMetadata == nil || req.ClientMetadata.JWKS == nil) {
		return badRequest("direct_post.jwt without client_metadata.jwks")
	}
	return nil
}

// Respond posts a vp_token (presentations by credential query id, each a
// JSON string or object) to the request's response_uri, encrypted for
// direct_post.jwt. A refusal by the verifier is a *ProtocolError.
func (c *Client) Respond(ctx context.Context, req *AuthorizationRequest, vpToken map[string][]json.RawMessage) (*Ack, error) {
	tok, err := json.Marshal(vpToken)
	if err != nil {
		return nil, fmt.Errorf("encode vp_token: %w", err)
	}
	return c.post(ctx, req, map[string]any{"vp_token": json.RawMessage(tok)})
}

// RespondError tells the verifier the wallet will not answer (e.g.
// access_denied).
func (c *Client) RespondError(ctx context.Context, req *AuthorizationRequest, code ErrorCode, description string) (*Ack, error) {
	m := map[string]any{"error": string(code)}
	if description != "" {
		m["error_description"] = description
	}
	return c.post(ctx, req, m)
}

func (c *Client) post(ctx context.Context, req *AuthorizationRequest, params map[string]any) (*Ack, error) {
	if req.State != "" {
		params["state"] = req.State
	}
	form := url.Values{}
	if req.ResponseMode == ResponseModeDirectPostJWT {
		plain, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("encode response: %w", err)
		}
		jwe, err := EncryptResponse(plain, req.ClientMetadata)
		if err != nil {
			return nil, err
		}
		form.Set("response", jwe)
	} else {
		for k, v := range params {
			switch v := v.(type) {
			case string:
				form.Set(k, v)
			case json.RawMessage:
				form.Set(k, string(v))
			}
		}
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, req.ResponseURI, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("post response: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("post response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read response answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e ErrorResponse
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, &ProtocolError{Code: e.Error, Description: e.ErrorDescription}
		}
		return nil, fmt.Errorf("post response: the verifier answered %d: %s", resp.StatusCode, bytes.TrimSpace(body[:min(len(body), 200)]))
	}
	var ack Ack
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &ack); err != nil {
			return nil, fmt.Errorf("post response: the verifier's answer is not JSON: %w", err)
		}
	}
	return &ack, nil
}
