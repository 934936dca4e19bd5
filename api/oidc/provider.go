package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// Paths of the provider below the issuer URL.
const (
	PathDiscovery  = "/.well-known/openid-configuration"
	PathAuthorize  = "/authorize"
	PathToken      = "/oauth/token"
	PathUserinfo   = "/userinfo"
	PathKeys       = "/keys"
	PathEndSession = "/end_session"
	PathRevoke     = "/revoke"
	PathIntrospect = "/oauth/introspect"
	PathRegister   = "/register"
	PathLogin      = "/oidc/login"
	PathConsent    = "/oidc/consent"
	PathLoggedOut  = "/oidc/logged-out"
	PathStatic     = "/oidc/static/"
)

// ZKSubjectPrefix starts the DID-free subject of a zero-knowledge login
// (Identity.DID): urn:chainid:zk:<nullifier>.
const ZKSubjectPrefix = "urn:chainid:zk:"

// reservedClaim reports whether a login method may not set claim name k:
// the provider sets these itself.
func reservedClaim(k string) bool {
	switch k {
	case "iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "azp", "amr", "acr",
		"auth_time", "at_hash", "c_hash", "sid", "jti", "did", "scope", "client_id", "cnf", "act":
		return true
	}
	return false
}

// ProviderClaims are the claims the provider itself issues, the start of
// claims_supported in discovery (Config.Supported adds the login methods').
func ProviderClaims() []string {
	return []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp", "at_hash", "c_hash", "did"}
}

// Provider is the OpenID Provider. It is safe for concurrent use.
type Provider struct {
	cfg     Config
	issuer  *url.URL
	log     *slog.Logger
	rec     *store.OIDCRecords
	sec     *secrets
	keys    *keyRing
	op      *op.Provider
	handler http.Handler
	pages   *pages
	secure  bool // cookies get Secure (https issuer)

	mu      sync.RWMutex
	methods []LoginMethod
}

// New returns a Provider over st whose secrets derive from a key it keeps in
// ks (created on first use), with a signing key created or rotated as due.
func New(ctx context.Context, st *store.Store, ks *keystore.Keystore, cfg Config) (*Provider, error) {
	if st == nil || ks == nil {
		return nil, errors.New("oidc: store and keystore are required")
	}
	iss, err := checkIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	cfg.Issuer = iss.String()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.AuthRequestTTL, DefaultAuthRequestTTL)
	def(&cfg.CodeTTL, DefaultCodeTTL)
	def(&cfg.AccessTokenTTL, DefaultAccessTokenTTL)
	def(&cfg.IDTokenTTL, DefaultIDTokenTTL)
	def(&cfg.RefreshTokenTTL, DefaultRefreshTokenTTL)
	def(&cfg.ConsentTTL, DefaultConsentTTL)
	def(&cfg.KeyRotation, DefaultKeyRotation)
	sec, err := deriveSecrets(ctx, ks)
	if err != nil {
		return nil, err
	}
	p := &Provider{cfg: cfg, issuer: iss, log: cfg.Logger, rec: st.OIDC(), sec: sec, secure: iss.Scheme == "https"}
	p.keys = &keyRing{st: p.rec, seal: sec.seal, now: cfg.Now}
	if err := p.RotateKeysIfDue(ctx); err != nil {
		return nil, err
	}
	if p.pages, err = newPages(); err != nil {
		return nil, err
	}
	tc, err := newTokenCrypto(sec.code)
	if err != nil {
		return nil, err
	}
	opts := []op.Option{op.WithLogger(cfg.Logger), op.WithCrypto(tc)}
	if iss.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure())
	}
	p.op, err = op.NewProvider(&op.Config{
		CryptoKey:                cfg.codeKey(sec),
		DefaultLogoutRedirectURI: cfg.Issuer + PathLoggedOut,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedClaims:          ProviderClaims(),
	}, storage{p}, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("oidc: build provider: %w", err)
	}
	p.handler = p.routes()
	return p, nil
}

func (c Config) codeKey(s *secrets) [32]byte { return s.code }

// checkIssuer accepts an absolute https URL, or http on a loopback host,
// without query, fragment or user info; a trailing slash is dropped.
func checkIssuer(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("oidc: issuer %q must be an absolute URL without query, fragment or user info", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("oidc: issuer %q: http only on a loopback host", raw)
		}
	default:
		return nil, fmt.Errorf("oidc: issuer %q must be https", raw)
	}
	return u, nil
}

// isLoopback reports whether host (as url.URL.Hostname returns it) is
// "localhost" or a loopback IP literal. A name that merely starts with
// "127." (127.attacker.example) is not.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Zone() == "" && a.Unmap().IsLoopback()
}

func (p *Provider) now() time.Time { return p.cfg.Now() }

// Issuer is the issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// Handler serves every path of the provider (the Path… constants).
func (p *Provider) Handler() http.Handler { return p.handler }

// RegistrationEnabled reports whether POST /register accepts clients.
func (p *Provider) RegistrationEnabled() bool { return p.cfg.AllowRegistration }

// validMethodName reports whether s matches [a-z0-9_-]{1,32}, the form of
// a login method's name (and of the amr claim it becomes).
func validMethodName(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// RegisterMethod adds a login method to the login page, in registration
// order. A second method with the same name is refused.
func (p *Provider) RegisterMethod(m LoginMethod) error {
	if m == nil || !validMethodName(m.Name()) || m.Label() == "" {
		return errors.New("oidc: login method needs a name [a-z0-9_-]{1,32} and a label")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.methods {
		if o.Name() == m.Name() {
			return fmt.Errorf("oidc: login method %q registered twice", m.Name())
		}
	}
	p.methods = append(p.methods, m)
	return nil
}

func (p *Provider) loginMethods() []LoginMethod {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.Clone(p.methods)
}

func (p *Provider) loginURL(id string) string {
	return p.cfg.Issuer + PathLogin + "?id=" + url.QueryEscape(id)
}

func newID() string { return rand.Text() } // 26 base32 characters, 130 bits

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RotateKeys makes a new signing key current. The previous key stays in the
// JWKS for the ID-token lifetime plus a margin, so tokens it signed still
// verify; older keys are removed.
func (p *Provider) RotateKeys(ctx context.Context) error {
	return p.keys.rotate(ctx, p.cfg.IDTokenTTL+p.cfg.AccessTokenTTL+5*time.Minute)
}

// RotateKeysIfDue rotates when the current key is older than
// Config.KeyRotation (or creates the first key).
func (p *Provider) RotateKeysIfDue(ctx context.Context) error {
	k, err := p.keys.current(ctx)
	if err != nil {
		return err
	}
	if p.now().Sub(k.created) >= p.cfg.KeyRotation {
		return p.RotateKeys(ctx)
	}
	return nil
}

// --- authorization requests ---

func (p *Provider) putAuthRequest(ctx context.Context, ar *authRequest) error {
	v, err := json.Marshal(ar)
	if err != nil {
		return err
	}
	return p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		return tx.Put(store.OIDCAuthRequests, ar.ID, v, ar.Expires)
	})
}

func (p *Provider) authRequest(ctx context.Context, id string) (*authRequest, error) {
	if id == "" || len(id) > 64 {
		return nil, ErrUnknownRequest
	}
	var ar *authRequest
	err := p.rec.View(ctx, func(tx *store.OIDCTx) error {
		v, _, found, err := tx.Get(store.OIDCAuthRequests, id)
		if err != nil || !found {
			return err
		}
		ar = new(authRequest)
		return json.Unmarshal(v, ar)
	})
	if err != nil {
		return nil, fmt.Errorf("read authorization request: %w", err)
	}
	if ar == nil || !p.now().Before(ar.Expires) {
		return nil, notFound{ErrUnknownRequest}
	}
	return ar, nil
}

// updateAuthRequest applies fn to the stored request atomically.
func (p *Provider) updateAuthRequest(ctx context.Context, id string, fn func(ar *authRequest) error) (*authRequest, error) {
	var ar authRequest
	err := p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		v, exp, found, err := tx.Get(store.OIDCAuthRequests, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrUnknownRequest
		}
		if err := json.Unmarshal(v, &ar); err != nil {
			return err
		}
		if err := fn(&ar); err != nil {
			return err
		}
		nv, err := json.Marshal(&ar)
		if err != nil {
			return err
		}
		return tx.Put(store.OIDCAuthRequests, id, nv, exp)
	})
	if err != nil {
		return nil, err
	}
	return &ar, nil
}

// LoginRequest returns the pending authorization request id, checking that
// r comes from the browser that started it (ErrWrongBrowser otherwise), that
// it is unexpired (ErrUnknownRequest) and that nobody logged in yet
// (ErrRequestDone).
func (p *Provider) LoginRequest(ctx context.Context, r *http.Request, id string) (LoginRequest, error) {
	ar, err := p.authRequest(ctx, id)
	if err != nil {
		return LoginRequest{}, err
	}
	if !p.sameBrowser(r, ar) {
		return LoginRequest{}, ErrWrongBrowser
	}
	if ar.Subject != "" {
		return LoginRequest{}, ErrRequestDone
	}
	name := ar.ClientID
	if c, err := p.client(ctx, ar.ClientID); err == nil && c.Name != "" {
		name = c.Name
	}
	return LoginRequest{ID: ar.ID, ClientID: ar.ClientID, ClientName: name, Scopes: slices.Clone(ar.Scopes),
		Claims: slices.Clone(ar.Claims), Expires: ar.Expires}, nil
}

// CompleteLogin records that id logged in the pending authorization request
// authRequestID and returns the URL to send the browser to next (the
// consent page, absolute). The caller must have authenticated id; the
// request may be completed once (ErrRequestDone after that).
func (p *Provider) CompleteLogin(ctx context.Context, authRequestID string, id Identity) (string, error) {
	if zk, ok := strings.CutPrefix(id.DID, ZKSubjectPrefix); ok {
		if !validToken(zk, 128) || strings.Contains(zk, ":") {
			return "", fmt.Errorf("%w: zk subject %q", ErrInvalidIdentity, id.DID)
		}
	} else if _, err := did.Parse(id.DID); err != nil {
		return "", fmt.Errorf("%w: did: %w", ErrInvalidIdentity, err)
	}
	if !validMethodName(id.Method) {
		return "", fmt.Errorf("%w: method %q", ErrInvalidIdentity, id.Method)
	}
	for k := range id.Claims {
		if reservedClaim(k) || k == "" || len(k) > 64 {
			return "", fmt.Errorf("%w: claim %q is reserved", ErrInvalidIdentity, k)
		}
	}
	enc, err := json.Marshal(id.Claims)
	if err != nil {
		return "", fmt.Errorf("%w: claims: %w", ErrInvalidIdentity, err)
	}
	if len(enc) > MaxClaimsBytes {
		return "", fmt.Errorf("%w: claims of %d bytes, limit %d", ErrInvalidIdentity, len(enc), MaxClaimsBytes)
	}
	var claims map[string]any // a JSON copy: no caller aliasing
	_ = json.Unmarshal(enc, &claims)
	ar, err := p.authRequest(ctx, authRequestID)
	if err != nil {
		return "", err
	}
	c, err := p.client(ctx, ar.ClientID)
	if err != nil {
		return "", err
	}
	sub := p.subject(c, id.DID)
	_, err = p.updateAuthRequest(ctx, authRequestID, func(a *authRequest) error {
		if a.Subject != "" {
			return ErrRequestDone
		}
		a.DID, a.Subject, a.Method, a.Identity, a.AuthTime = id.DID, sub, id.Method, claims, p.now().UTC()
		return nil
	})
	if err != nil {
		return "", err
	}
	return p.cfg.Issuer + PathConsent + "?id=" + url.QueryEscape(authRequestID), nil
}

// subject is the sub of did for client c.
func (p *Provider) subject(c *clientRecord, d string) string {
	if c.SubjectType == SubjectPublic {
		return d
	}
	return pairwise(p.sec.pairwise, sector(c), d)
}

// sector is the host of the client's first redirect URI (OIDC Core 8.1).
func sector(c *clientRecord) string {
	if len(c.RedirectURIs) > 0 {
		if u, err := url.Parse(c.RedirectURIs[0]); err == nil {
			return u.Host
		}
	}
	return c.ID
}

func pairwise(key []byte, sector, d string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(sector))
	m.Write([]byte{0})
	m.Write([]byte(d))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// fillClaims adds the identity claims (and did for public-subject clients).
func (p *Provider) fillClaims(ctx context.Context, ui *zoidc.UserInfo, t *tokenRecord) error {
	for k, v := range t.Identity {
		ui.AppendClaims(k, v)
	}
	c, err := p.client(ctx, t.ClientID)
	if err != nil {
		return err
	}
	if c.SubjectType == SubjectPublic && strings.HasPrefix(t.DID, "did:") {
		ui.AppendClaims("did", t.DID)
	}
	return nil
}

// requestedClaims are the claim names asked for: non-standard scopes and the
// names in the claims parameter.
func requestedClaims(scopes []string, claims []string) []string {
	set := map[string]bool{}
	for _, s := range scopes {
		switch s {
		case zoidc.ScopeOpenID, zoidc.ScopeOfflineAccess, zoidc.ScopeProfile, zoidc.ScopeEmail, zoidc.ScopePhone, zoidc.ScopeAddress:
		default:
			set[s] = true
		}
	}
	for _, c := range claims {
		if !reservedClaim(c) {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// parseClaimsParam returns the claim names of an OIDC claims parameter.
func parseClaimsParam(raw string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	if len(raw) > 4096 {
		return nil, errors.New("claims parameter too long")
	}
	var c map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, err
	}
	var out []string
	for part, m := range c {
		if part != "id_token" && part != "userinfo" {
			continue
		}
		for k := range m {
			if !validToken(k, 64) {
				return nil, fmt.Errorf("claim name %q", k)
			}
			out = append(out, k)
		}
	}
	return out, nil
}

func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}
