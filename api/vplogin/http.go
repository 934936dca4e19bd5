package vplogin

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/verifier/oid4vp"
)

//go:embed templates/*.html static/vplogin.js
var assets embed.FS

// loadAssets parses the page templates and reads the script.
func loadAssets() (*template.Template, []byte, error) {
	pages, err := template.ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, nil, fmt.Errorf("vplogin: parse pages: %w", err)
	}
	script, err := assets.ReadFile("static/vplogin.js")
	if err != nil {
		return nil, nil, fmt.Errorf("vplogin: read script: %w", err)
	}
	return pages, script, nil
}

// CSP is the pages' Content-Security-Policy: the bridge's script and the
// provider's stylesheet from this origin, the QR code image from this
// origin, polling to this origin; nothing inline, no framing.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// maxIDLength bounds the id parameter.
const maxIDLength = 256

// Handler serves the bridge's paths (the Path… constants).
func (b *Bridge) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathLogin, b.handleLogin)
	mux.HandleFunc("GET "+PathState, b.handleState)
	mux.HandleFunc("GET "+PathQR, b.handleQR)
	mux.HandleFunc("GET "+PathReturn, b.handleReturn)
	mux.HandleFunc("POST "+PathFinish, b.handleFinish)
	mux.HandleFunc("GET "+PathScript, func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(b.script)
	})
	return mux
}

// request checks the id parameter against the provider: the pending
// authorization request, from the browser that started it.
func (b *Bridge) request(w http.ResponseWriter, r *http.Request, id string) (oidc.LoginRequest, bool) {
	if id == "" || len(id) > maxIDLength {
		b.fail(w, r, http.StatusBadRequest, "The login link is incomplete: it has no valid login request id.", nil)
		return oidc.LoginRequest{}, false
	}
	lr, err := b.provider.LoginRequest(r.Context(), r, id)
	if err != nil {
		b.failErr(w, r, err)
		return oidc.LoginRequest{}, false
	}
	return lr, true
}

type loginPage struct {
	ID, ClientName string
	Claims         []string
	ZK             bool
	CrossURI       string
	// SameURI is the wallet link: an openid4vp:// URI made by the verifier,
	// marked safe for href (html/template refuses unknown schemes).
	SameURI template.URL
}

func (b *Bridge) handleLogin(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	lr, ok := b.request(w, r, id)
	if !ok {
		return
	}
	s, err := b.start(r.Context(), lr)
	if err != nil {
		b.failErr(w, r, err)
		return
	}
	var claims []string
	for _, o := range s.Plan.Outputs {
		claims = append(claims, o.Claim)
	}
	b.render(w, http.StatusOK, "login.html", loginPage{ID: id, ClientName: lr.ClientName, Claims: claims, ZK: s.Plan.ZK,
		CrossURI: s.CrossURI, SameURI: walletLink(s.SameURI)})
}

// walletLink marks an authorization request URI safe for href when it
// uses the openid4vp scheme (or https); anything else becomes "#".
func walletLink(uri string) template.URL {
	if strings.HasPrefix(uri, oid4vp.Scheme) || strings.HasPrefix(uri, "https://") {
		return template.URL(uri) //nolint:gosec // made by our verifier, scheme checked
	}
	return "#"
}

// StateResponse is the body of GET PathState.
type StateResponse struct {
	// State is oid4vp's: pending, verified, rejected or expired.
	State string `json:"state"`
}

func (b *Bridge) handleState(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if _, err := b.provider.LoginRequest(r.Context(), r, id); err != nil {
		b.jsonError(w, err)
		return
	}
	s, ok, err := b.load(r.Context(), id)
	if err == nil && !ok {
		err = ErrNoSession
	}
	if err != nil {
		b.jsonError(w, err)
		return
	}
	st, err := b.state(r.Context(), s)
	if err != nil {
		b.jsonError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, StateResponse{State: st})
}

func (b *Bridge) handleQR(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if _, ok := b.request(w, r, id); !ok {
		return
	}
	s, ok, err := b.load(r.Context(), id)
	if err == nil && !ok {
		err = ErrNoSession
	}
	if err != nil {
		b.failErr(w, r, err)
		return
	}
	png, err := qrcode.Encode(s.CrossURI, qrcode.Medium, 320)
	if err != nil {
		b.fail(w, r, http.StatusInternalServerError, "The QR code could not be drawn.", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
}

// handleReturn is the same-device landing page: the wallet sends the
// browser here with #response_code=…, which only the page's script can
// read (fragments never reach the server); it posts it to PathFinish.
func (b *Bridge) handleReturn(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	lr, ok := b.request(w, r, id)
	if !ok {
		return
	}
	b.render(w, http.StatusOK, "return.html", loginPage{ID: id, ClientName: lr.ClientName})
}

// handleFinish redeems the wallet's answer: with response_code for the
// same-device request (once), without for the cross-device one; it logs
// the holder in and answers 303 to the consent page.
func (b *Bridge) handleFinish(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		b.fail(w, r, http.StatusBadRequest, "The form could not be read.", err)
		return
	}
	if len(r.PostForm["response_code"]) > 1 || len(r.PostForm["id"]) > 1 {
		b.fail(w, r, http.StatusBadRequest, "A form field is repeated.", nil)
		return
	}
	lr, ok := b.request(w, r, r.PostForm.Get("id"))
	if !ok {
		return
	}
	code := r.PostForm.Get("response_code")
	if len(code) > 512 {
		b.fail(w, r, http.StatusBadRequest, "The response code is too long.", nil)
		return
	}
	next, err := b.finish(r.Context(), lr, code)
	if err != nil {
		b.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type errorPage struct {
	Title, Message string
}

// failErr renders the error page for err with a status and a message the
// user can act on.
func (b *Bridge) failErr(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := classify(err)
	b.fail(w, r, status, msg, err)
}

func classify(err error) (int, string) {
	switch {
	case errors.Is(err, ErrUnmapped):
		return http.StatusBadRequest, "This site asks for something that cannot be proven with a credential here: " +
			strings.TrimPrefix(err.Error(), ErrUnmapped.Error()+": ") + "."
	case errors.Is(err, oidc.ErrWrongBrowser):
		return http.StatusForbidden, "This login was started in another browser. Start again from the site you were signing in to."
	case errors.Is(err, oidc.ErrRequestDone):
		return http.StatusConflict, "This login is already complete."
	case errors.Is(err, oidc.ErrUnknownRequest):
		return http.StatusNotFound, "This login request is unknown or has expired. Start again from the site you were signing in to."
	case errors.Is(err, oid4vp.ErrResponseCode):
		return http.StatusBadRequest, "The wallet's response code is wrong or was already used."
	case errors.Is(err, oid4vp.ErrExpired):
		return http.StatusGone, "The presentation request expired. Open the login page again for a new one."
	case errors.Is(err, oid4vp.ErrNotFound), errors.Is(err, ErrNoSession):
		return http.StatusNotFound, ErrNoSession.Error() + "."
	case errors.Is(err, ErrNotAnswered):
		return http.StatusConflict, "The wallet has not answered yet. Present the credential, then continue."
	case errors.Is(err, ErrRefused):
		return http.StatusForbidden, "The presentation was refused: " + strings.TrimPrefix(err.Error(), ErrRefused.Error()+": ") + "."
	case errors.Is(err, oidc.ErrInvalidIdentity):
		return http.StatusForbidden, "What the wallet proved cannot be used to sign in."
	}
	return http.StatusInternalServerError, "The login failed on the server. Try again later."
}

func (b *Bridge) fail(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if err != nil {
		if status >= 500 {
			b.cfg.Logger.ErrorContext(r.Context(), "vplogin failed", "path", r.URL.Path, "error", err.Error())
		} else {
			b.cfg.Logger.DebugContext(r.Context(), "vplogin refused", "path", r.URL.Path, "error", err.Error())
		}
	}
	b.render(w, status, "error.html", errorPage{Title: http.StatusText(status), Message: msg})
}

func (b *Bridge) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := b.pages.ExecuteTemplate(&buf, name, data); err != nil {
		b.cfg.Logger.Error("render vplogin page", "page", name, "error", err.Error())
		http.Error(w, "page rendering failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ErrorResponse is the JSON error body of PathState.
type ErrorResponse struct {
	Error string `json:"error"`
}

func (b *Bridge) jsonError(w http.ResponseWriter, err error) {
	status, msg := classify(err)
	writeJSON(w, status, ErrorResponse{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
