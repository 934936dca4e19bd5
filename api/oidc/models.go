package oidc

import (
	"slices"
	"time"

	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// clientRecord is a stored client (bucket oidc_clients, JSON).
type clientRecord struct {
	ID                     string    `json:"id"`
	Name                   string    `json:"name,omitempty"`
	SecretHash             []byte    `json:"secretHash,omitempty"` // SHA-256 of the secret; nil for public clients
	RedirectURIs           []string  `json:"redirectURIs"`
	PostLogoutRedirectURIs []string  `json:"postLogoutRedirectURIs,omitempty"`
	Public                 bool      `json:"public,omitempty"`
	SubjectType            string    `json:"subjectType"`
	Dynamic                bool      `json:"dynamic,omitempty"`
	Created                time.Time `json:"created"`
}

func (c *clientRecord) view() Client {
	return Client{ID: c.ID, Name: c.Name, RedirectURIs: slices.Clone(c.RedirectURIs),
		PostLogoutRedirectURIs: slices.Clone(c.PostLogoutRedirectURIs), Public: c.Public,
		SubjectType: c.SubjectType, Dynamic: c.Dynamic, Created: c.Created}
}

// opClient adapts a clientRecord to op.Client.
type opClient struct {
	rec      *clientRecord
	loginURL func(id string) string
	idTTL    time.Duration
}

var _ op.Client = (*opClient)(nil)

func (c *opClient) GetID() string                    { return c.rec.ID }
func (c *opClient) RedirectURIs() []string           { return c.rec.RedirectURIs }
func (c *opClient) PostLogoutRedirectURIs() []string { return c.rec.PostLogoutRedirectURIs }

// ApplicationType is always web, for public clients too: op lets a native
// client's loopback redirect take any port, while chainid matches redirect
// URIs exactly, and op refuses http redirects of user-agent clients, while
// registration (CheckRedirectURI) already limits http to loopback hosts.
// Whether a client needs a secret is AuthMethod's business.
func (c *opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }

func (c *opClient) AuthMethod() zoidc.AuthMethod {
	if c.rec.Public {
		return zoidc.AuthMethodNone
	}
	return zoidc.AuthMethodBasic
}

func (c *opClient) ResponseTypes() []zoidc.ResponseType {
	return []zoidc.ResponseType{zoidc.ResponseTypeCode}
}

func (c *opClient) GrantTypes() []zoidc.GrantType {
	return []zoidc.GrantType{zoidc.GrantTypeCode, zoidc.GrantTypeRefreshToken}
}

func (c *opClient) LoginURL(id string) string            { return c.loginURL(id) }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *opClient) IDTokenLifetime() time.Duration       { return c.idTTL }
func (c *opClient) DevMode() bool                        { return false }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed admits claim-like scopes (age_over_18, email_verified …)
// that login methods may turn into proof requests.
func (c *opClient) IsScopeAllowed(scope string) bool { return validToken(scope, 64) }

// authRequest is a stored authorization request (bucket
// oidc_auth_requests, JSON). It satisfies op.AuthRequest, op.TokenRequest,
// op.IDTokenRequest and op.RefreshTokenRequest.
type authRequest struct {
	ID           string                    `json:"id"`
	ClientID     string                    `json:"clientID"`
	RedirectURI  string                    `json:"redirectURI"`
	State        string                    `json:"state,omitempty"`
	Nonce        string                    `json:"nonce,omitempty"`
	Scopes       []string                  `json:"scopes"`
	Claims       []string                  `json:"claims,omitempty"` // requested claim names
	Challenge    string                    `json:"challenge"`
	ChallengeAlg zoidc.CodeChallengeMethod `json:"challengeAlg"`
	ResponseType zoidc.ResponseType        `json:"responseType"`
	BrowserHash  []byte                    `json:"browserHash"`
	Created      time.Time                 `json:"created"`
	Expires      time.Time                 `json:"expires"`
	// Set by CompleteLogin.
	DID      string         `json:"did,omitempty"`
	Subject  string         `json:"subject,omitempty"`
	Method   string         `json:"method,omitempty"`
	Identity map[string]any `json:"identity,omitempty"`
	AuthTime time.Time      `json:"authTime,omitzero"`
	// Set by consent, then when the code is issued.
	Consented  bool `json:"consented,omitempty"`
	CodeIssued bool `json:"codeIssued,omitempty"`
	// GrantID links the tokens issued from this request (code replay
	// revokes them). It is the request ID.
	currentScopes []string
	// Tokens issued in the code-redemption transaction (one write per
	// redemption); CreateAccessToken hands them out.
	preAccess, preRefresh string
	preExp                time.Time
}

var (
	_ op.AuthRequest         = (*authRequest)(nil)
	_ op.RefreshTokenRequest = (*authRequest)(nil)
)

func (a *authRequest) GetID() string          { return a.ID }
func (a *authRequest) GetACR() string         { return "" }
func (a *authRequest) GetAMR() []string       { return amr(a.Method) }
func (a *authRequest) GetAudience() []string  { return []string{a.ClientID} }
func (a *authRequest) GetAuthTime() time.Time { return a.AuthTime }
func (a *authRequest) GetClientID() string    { return a.ClientID }
func (a *authRequest) GetCodeChallenge() *zoidc.CodeChallenge {
	return &zoidc.CodeChallenge{Challenge: a.Challenge, Method: a.ChallengeAlg}
}
func (a *authRequest) GetNonce() string                    { return a.Nonce }
func (a *authRequest) GetRedirectURI() string              { return a.RedirectURI }
func (a *authRequest) GetResponseType() zoidc.ResponseType { return a.ResponseType }
func (a *authRequest) GetResponseMode() zoidc.ResponseMode { return zoidc.ResponseModeQuery }
func (a *authRequest) GetScopes() []string {
	if a.currentScopes != nil {
		return a.currentScopes
	}
	return a.Scopes
}
func (a *authRequest) SetCurrentScopes(s []string) { a.currentScopes = s }
func (a *authRequest) GetState() string            { return a.State }
func (a *authRequest) GetSubject() string          { return a.Subject }

// Done reports a logged-in request whose user consented: only then may a
// code be issued.
func (a *authRequest) Done() bool { return a.Subject != "" && a.Consented }

func amr(method string) []string {
	if method == "" {
		return nil
	}
	return []string{method}
}

// tokenRecord is a stored access or refresh token (bucket oidc_tokens,
// JSON). Access tokens are keyed "a:"+ID; refresh tokens "r:"+SHA-256 of
// the token, base64url.
type tokenRecord struct {
	ID      string `json:"id"`
	Refresh bool   `json:"refresh,omitempty"`
	// Rotated marks a refresh token already exchanged: kept until it
	// expires so that its reuse is caught and revokes the grant.
	Rotated  bool           `json:"rotated,omitempty"`
	GrantID  string         `json:"grant"` // the authorization request ID
	ClientID string         `json:"clientID"`
	Subject  string         `json:"subject"`
	DID      string         `json:"did"`
	Method   string         `json:"method,omitempty"`
	Scopes   []string       `json:"scopes"`
	Claims   []string       `json:"claims,omitempty"`
	Identity map[string]any `json:"identity,omitempty"`
	AuthTime time.Time      `json:"authTime"`
	Expires  time.Time      `json:"expires"`
}

// refreshRequest adapts a refresh tokenRecord to op.RefreshTokenRequest.
type refreshRequest struct {
	rec    *tokenRecord
	scopes []string
}

func (r *refreshRequest) GetAMR() []string       { return amr(r.rec.Method) }
func (r *refreshRequest) GetAudience() []string  { return []string{r.rec.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time { return r.rec.AuthTime }
func (r *refreshRequest) GetClientID() string    { return r.rec.ClientID }
func (r *refreshRequest) GetScopes() []string {
	if r.scopes != nil {
		return r.scopes
	}
	return r.rec.Scopes
}
func (r *refreshRequest) GetSubject() string          { return r.rec.Subject }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// grantRecord lists the tokens issued from one authorization request
// (bucket oidc_grants, JSON), so a replayed code can revoke them.
type grantRecord struct {
	Tokens []string `json:"tokens"` // keys in oidc_tokens
}

// codeRecord maps an authorization code (by SHA-256) to its request
// (bucket oidc_codes, JSON). Used codes stay as tombstones until expiry.
type codeRecord struct {
	RequestID string `json:"request"`
	Used      bool   `json:"used,omitempty"`
}

// consentRecord remembers which claims a user let a client receive
// (bucket oidc_consents, key clientID ‖ 0x00 ‖ DID).
type consentRecord struct {
	Claims []string `json:"claims"`
}
