package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config configures the example app.
type Config struct {
	// Issuer is chainid's public URL (its discovery document is at
	// Issuer+"/.well-known/openid-configuration").
	Issuer string
	// ClientID and ClientSecret are what `chainid clients add` printed;
	// the secret is empty for a public (PKCE-only) client.
	ClientID     string
	ClientSecret string
	// BaseURL is this app's public URL; the redirect URI registered with
	// chainid is BaseURL+"/callback".
	BaseURL string
	// Scopes beyond "openid"; nil means profile, empty asks for openid
	// alone.
	Scopes []string
}

// App is a relying party: a "Sign in with chain identity" button, the
// authorization code flow with PKCE S256, state and nonce, and a page that
// shows the signed-in user's claims.
type App struct {
	cfg      Config
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	secure   bool
	// issParam: the provider promises iss in every authorization response.
	issParam bool

	mu       sync.Mutex
	pending  map[string]pendingLogin // by state
	sessions map[string]session      // by session cookie
}

type pendingLogin struct {
	nonce, verifier string
	expires         time.Time
}

type session struct {
	Subject string
	Claims  map[string]any
}

const (
	sessionCookie = "webapp_session"
	stateCookie   = "webapp_state"
	loginTTL      = 10 * time.Minute
)

// NewApp discovers the provider and returns the app.
func NewApp(ctx context.Context, cfg Config) (*App, error) {
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", cfg.Issuer, err)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not absolute", cfg.BaseURL)
	}
	var meta struct {
		ISSParameter bool `json:"authorization_response_iss_parameter_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("discovery of %s: %w", cfg.Issuer, err)
	}
	scopes := cfg.Scopes
	if scopes == nil {
		scopes = []string{"profile"}
	}
	a := &App{
		cfg: cfg,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  cfg.BaseURL + "/callback",
			Scopes:       append([]string{oidc.ScopeOpenID}, scopes...),
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		secure:   u.Scheme == "https",
		issParam: meta.ISSParameter,
		pending:  map[string]pendingLogin{},
		sessions: map[string]session{},
	}
	return a, nil
}

// Handler serves the app.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("GET /callback", a.callback)
	mux.HandleFunc("POST /logout", a.logout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self' "+a.cfg.Issuer+"; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, r)
	})
}

var homeTmpl = template.Must(template.New("home").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example web app</title></head>
<body><main>
<h1>Example web app</h1>
{{if .}}<p id="signed-in">Signed in as <code id="subject">{{.Subject}}</code></p>
<h2>Claims</h2>
<pre id="claims">{{.ClaimsJSON}}</pre>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
{{else}}<p>You are not signed in.</p>
<form method="post" action="/login"><button id="sign-in" type="submit">Sign in with chain identity</button></form>
{{end}}
</main></body></html>
`))

func (a *App) current(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[c.Value]
	return s, ok
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	var data any
	if s, ok := a.current(r); ok {
		b, _ := json.MarshalIndent(s.Claims, "", "  ")
		data = struct {
			Subject    string
			ClaimsJSON string
		}{s.Subject, string(b)}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := homeTmpl.Execute(w, data); err != nil {
		http.Error(w, "render failed", http.StatusInternalServerError)
	}
}

// login starts the code flow: state (also in a cookie, so the callback
// runs in the browser that started), nonce and a PKCE S256 verifier.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	a.mu.Lock()
	now := time.Now()
	for k, p := range a.pending {
		if now.After(p.expires) {
			delete(a.pending, k)
		}
	}
	a.pending[state] = pendingLogin{nonce: nonce, verifier: verifier, expires: now.Add(loginTTL)}
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/callback", MaxAge: int(loginTTL.Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, a.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

func (a *App) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		http.Error(w, "sign-in failed: "+e+": "+q.Get("error_description"), http.StatusForbidden)
		return
	}
	state := q.Get("state")
	c, err := r.Cookie(stateCookie)
	if err != nil || state == "" || c.Value != state {
		http.Error(w, "sign-in failed: state does not match this browser", http.StatusBadRequest)
		return
	}
	// RFC 9207: a provider that advertises the iss parameter sends it on
	// every response; a missing or different one is a mix-up attack.
	if iss := q.Get("iss"); iss != a.cfg.Issuer && (iss != "" || a.issParam) {
		http.Error(w, "sign-in failed: response from another issuer", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	p, ok := a.pending[state]
	delete(a.pending, state)
	a.mu.Unlock()
	if !ok || time.Now().After(p.expires) {
		http.Error(w, "sign-in failed: unknown or expired state", http.StatusBadRequest)
		return
	}
	tok, err := a.oauth.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		http.Error(w, "sign-in failed: token exchange", http.StatusBadGateway)
		return
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		http.Error(w, "sign-in failed: no ID token", http.StatusBadGateway)
		return
	}
	idt, err := a.verifier.Verify(r.Context(), raw)
	if err != nil {
		http.Error(w, "sign-in failed: invalid ID token", http.StatusForbidden)
		return
	}
	if idt.Nonce != p.nonce {
		http.Error(w, "sign-in failed: nonce mismatch", http.StatusForbidden)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		http.Error(w, "sign-in failed: claims", http.StatusBadGateway)
		return
	}
	// go-oidc checks that aud holds this client; azp, when present, must
	// name it too (OIDC Core 3.1.3.7).
	if azp, ok := claims["azp"]; ok && azp != a.cfg.ClientID {
		http.Error(w, "sign-in failed: ID token for another party", http.StatusForbidden)
		return
	}
	id := rand.Text()
	a.mu.Lock()
	a.sessions[id] = session{Subject: idt.Subject, Claims: claims}
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/callback", MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: a.secure,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

var errUsage = errors.New("usage")
