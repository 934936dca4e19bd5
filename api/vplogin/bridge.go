package vplogin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// Paths the bridge serves (Handler), below the server's root.
const (
	PathLogin   = "/vplogin/login"      // GET ?id=: the "Present a credential" page
	PathState   = "/vplogin/state"      // GET ?id=: {"state": …} for the page's polling
	PathQR      = "/vplogin/qr.png"     // GET ?id=: the cross-device request as a QR code
	PathReturn  = "/vplogin/return"     // GET ?id=: where the wallet sends the browser (same device)
	PathFinish  = "/vplogin/finish"     // POST id[, response_code]: redeem the result, log in
	PathScript  = "/vplogin/vplogin.js" // the page's script
	MethodName  = "openid4vp"           // the login method's name (the amr claim)
	sessionKind = "vplogin"             // kind of the bridge's store records
)

// DefaultRequestTTL is the lifetime of a login's presentation requests
// when neither the Table nor Config sets one; it never exceeds the
// authorization request's remaining life.
const DefaultRequestTTL = 5 * time.Minute

// Provider is what the bridge needs from the OpenID provider;
// *oidc.Provider satisfies it.
type Provider interface {
	LoginRequest(ctx context.Context, r *http.Request, id string) (oidc.LoginRequest, error)
	CompleteLogin(ctx context.Context, authRequestID string, id oidc.Identity) (string, error)
}

// Presentations is the OpenID4VP verifier; *oid4vp.Service satisfies it.
type Presentations interface {
	Create(ctx context.Context, req oid4vp.CreateRequest) (*oid4vp.Created, error)
	Status(ctx context.Context, id, responseCode string) (*oid4vp.Status, error)
}

// Store keeps the bridge's per-login records (kind "vplogin", keyed by
// the authorization request id) with an expiry; internal/store's
// OID4VCIRecords satisfies it.
type Store interface {
	Get(ctx context.Context, kind, key string) ([]byte, time.Time, bool, error)
	Update(ctx context.Context, kind, key string, fn func(value []byte, expires time.Time, found bool) ([]byte, time.Time, error)) error
}

// Config configures New. BaseURL and Table are required.
type Config struct {
	// BaseURL is the server's public URL (no trailing slash): the wallet
	// sends the browser back to BaseURL+PathReturn on the same device.
	BaseURL string
	// Table returns the claim mapping in force (read per login, so that
	// a changed configuration applies to the next login).
	Table func(ctx context.Context) (*Table, error)
	// RequestTTL is the presentation requests' lifetime when the Table
	// sets none; zero means DefaultRequestTTL.
	RequestTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger; nil discards.
	Logger *slog.Logger
}

// Bridge is the OpenID4VP login method: it turns an authorization
// request's claims into a presentation request, shows it, and logs the
// holder in with what was proven. It is safe for concurrent use.
type Bridge struct {
	provider Provider
	pres     Presentations
	store    Store
	cfg      Config
	pages    *template.Template
	script   []byte
}

// New returns a Bridge.
func New(p Provider, pres Presentations, st Store, cfg Config) (*Bridge, error) {
	if p == nil || pres == nil || st == nil {
		return nil, errors.New("vplogin: provider, presentations and store are required")
	}
	if cfg.Table == nil {
		return nil, errors.New("vplogin: a mapping table is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || strings.HasSuffix(cfg.BaseURL, "/") {
		return nil, fmt.Errorf("vplogin: base URL %q: want an absolute http(s) URL without trailing slash", cfg.BaseURL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RequestTTL == 0 {
		cfg.RequestTTL = DefaultRequestTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	pages, script, err := loadAssets()
	if err != nil {
		return nil, err
	}
	return &Bridge{provider: p, pres: pres, store: st, cfg: cfg, pages: pages, script: script}, nil
}

// Name, Label and URL make the Bridge an oidc.LoginMethod.
func (b *Bridge) Name() string  { return MethodName }
func (b *Bridge) Label() string { return "Present a credential" }
func (b *Bridge) URL(authRequestID string) string {
	return PathLogin + "?id=" + url.QueryEscape(authRequestID)
}

var _ oidc.LoginMethod = (*Bridge)(nil)

// session is the bridge's record of one login: the plan and its two
// presentation requests (cross-device for the QR code, same-device for
// the wallet link).
type session struct {
	V        int       `json:"v"`
	ClientID string    `json:"clientId"`
	Plan     *Plan     `json:"plan"`
	Cross    string    `json:"cross"`
	CrossURI string    `json:"crossUri"`
	Same     string    `json:"same"`
	SameURI  string    `json:"sameUri"`
	Expires  time.Time `json:"expires"`
}

// Errors of a login, rendered on the error page.
var (
	// ErrNotAnswered: the wallet has not answered yet.
	ErrNotAnswered = errors.New("the wallet has not answered yet")
	// ErrRefused: the presentation did not verify or proves the wrong thing.
	ErrRefused = errors.New("the presentation was refused")
	// ErrNoSession: no presentation request was made for this login.
	ErrNoSession = errors.New("no presentation request for this login: open the login page again")
)

// start returns the login's session, making its presentation requests
// when there are none or the previous ones are closed without success.
func (b *Bridge) start(ctx context.Context, lr oidc.LoginRequest) (*session, error) {
	if s, ok, err := b.load(ctx, lr.ID); err != nil {
		return nil, err
	} else if ok && b.usable(ctx, s) {
		return s, nil
	}
	t, err := b.cfg.Table(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the claim mapping: %w", err)
	}
	now := b.cfg.Now()
	plan, err := t.Plan(lr.ClientID, t.Requested(lr.Scopes, lr.Claims), now)
	if err != nil {
		return nil, err
	}
	ttl, err := t.ttl()
	if err != nil {
		return nil, err
	}
	if ttl == 0 {
		ttl = b.cfg.RequestTTL
	}
	if left := lr.Expires.Sub(now); left < ttl {
		ttl = left
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("%w: the authorization request has expired", oidc.ErrUnknownRequest)
	}
	cross, err := b.pres.Create(ctx, oid4vp.CreateRequest{DCQLQuery: plan.Query, TTL: ttl})
	if err != nil {
		return nil, fmt.Errorf("create the presentation request: %w", err)
	}
	same, err := b.pres.Create(ctx, oid4vp.CreateRequest{DCQLQuery: plan.Query, TTL: ttl,
		RedirectURI: b.cfg.BaseURL + PathReturn + "?id=" + url.QueryEscape(lr.ID)})
	if err != nil {
		return nil, fmt.Errorf("create the presentation request: %w", err)
	}
	s := &session{V: 1, ClientID: lr.ClientID, Plan: plan, Cross: cross.ID, CrossURI: cross.URI,
		Same: same.ID, SameURI: same.URI, Expires: cross.ExpiresAt}
	enc, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode login session: %w", err)
	}
	// Keep the record at least as long as the authorization request.
	keep := lr.Expires
	if s.Expires.After(keep) {
		keep = s.Expires
	}
	err = b.store.Update(ctx, sessionKind, lr.ID, func(_ []byte, _ time.Time, _ bool) ([]byte, time.Time, error) {
		return enc, keep, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store login session: %w", err)
	}
	return s, nil
}

func (b *Bridge) load(ctx context.Context, id string) (*session, bool, error) {
	raw, _, ok, err := b.store.Get(ctx, sessionKind, id)
	if err != nil || !ok {
		return nil, false, err
	}
	var s session
	if err := json.Unmarshal(raw, &s); err != nil || s.V != 1 || s.Plan == nil {
		return nil, false, fmt.Errorf("decode login session: bad record")
	}
	return &s, true, nil
}

// usable reports whether a session's requests may still succeed: one of
// them is pending or verified.
func (b *Bridge) usable(ctx context.Context, s *session) bool {
	for _, id := range []string{s.Cross, s.Same} {
		st, err := b.pres.Status(ctx, id, "")
		if err == nil && (st.State == oid4vp.StatePending || st.State == oid4vp.StateVerified) {
			return true
		}
	}
	return false
}

// state is the login's state for polling: the cross-device request's,
// except that it stays pending while the same-device request may still be
// answered (the page finishes only on a verified cross-device request).
func (b *Bridge) state(ctx context.Context, s *session) (string, error) {
	cross, err := b.pres.Status(ctx, s.Cross, "")
	if err != nil {
		return "", err
	}
	if cross.State == oid4vp.StatePending || cross.State == oid4vp.StateVerified {
		return cross.State, nil
	}
	if same, err := b.pres.Status(ctx, s.Same, ""); err == nil && same.State == oid4vp.StatePending {
		return oid4vp.StatePending, nil
	}
	return cross.State, nil
}

// finish redeems the result of the login's cross-device request (code
// empty) or same-device request (with its response code, once) and
// completes the login; it returns where to send the browser.
func (b *Bridge) finish(ctx context.Context, lr oidc.LoginRequest, code string) (string, error) {
	s, ok, err := b.load(ctx, lr.ID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrNoSession
	}
	if s.ClientID != lr.ClientID {
		return "", fmt.Errorf("%w: the session belongs to another client", ErrRefused)
	}
	reqID := s.Cross
	if code != "" {
		reqID = s.Same
	}
	st, err := b.pres.Status(ctx, reqID, code)
	if err != nil {
		return "", err
	}
	switch {
	case st.State == oid4vp.StatePending:
		return "", ErrNotAnswered
	case st.State == oid4vp.StateExpired:
		return "", fmt.Errorf("%w: %w", ErrRefused, oid4vp.ErrExpired)
	case st.Result == nil:
		return "", fmt.Errorf("%w: no result was released", ErrRefused)
	case !st.Result.Verified:
		reason := st.Result.Reason
		if st.Result.WalletError != nil {
			reason = "the wallet answered " + string(st.Result.WalletError.Error)
		}
		return "", fmt.Errorf("%w: %s", ErrRefused, reason)
	}
	id, err := s.Plan.Identity(st.Result)
	if err != nil {
		return "", err
	}
	return b.provider.CompleteLogin(ctx, lr.ID, id)
}
