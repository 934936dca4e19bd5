package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/chainid/chainid/did/pkh"
	"github.com/chainid/chainid/verifier/siwe"
)

// SIWE is what the routes of Sign-In with Ethereum login need: the login
// requests of the OpenID provider and the SIWE nonces and verifier.
// Errors wrapping siwe.ErrSyntax are bad requests (400), siwe.ErrRefused
// refusals (403), siwe.ErrChainUnavailable outages (503) and ErrSIWEUnknownRequest
// an unknown, expired or foreign login request (404/403 as wrapped).
type SIWE interface {
	// SIWELoginRequest checks that the pending authorization request id
	// exists and belongs to the browser making r, and says who asks.
	SIWELoginRequest(ctx context.Context, r *http.Request, id string) (SIWERequest, error)
	// SIWEChallenge issues a nonce for request id, bound to the browser
	// session session (the SIWE cookie), after the same check.
	SIWEChallenge(ctx context.Context, r *http.Request, session, id string) (siwe.Challenge, error)
	// SIWELogin verifies a signed message for request id in session and
	// completes the login; it returns where to send the browser.
	SIWELogin(ctx context.Context, r *http.Request, session string, in SIWELoginInput) (SIWELoginResult, error)
}

// Errors of the SIWE interface about the login request (the provider's
// errors are wrapped in these so that this package need not know it).
var (
	// ErrSIWEUnknownRequest: no pending authorization request with that id.
	ErrSIWEUnknownRequest = errors.New("unknown or expired login request")
	// ErrSIWEWrongBrowser: the request belongs to another browser.
	ErrSIWEWrongBrowser = errors.New("the login request belongs to another browser session")
)

// SIWERequest is what the login page shows about a pending request.
type SIWERequest struct {
	ClientName string
}

// SIWELoginInput is the body of POST /siwe/login, as a form or as JSON.
type SIWELoginInput struct {
	// ID is the authorization request id (the login page's id parameter).
	ID string `json:"id" validate:"required,max=256"`
	// Message is the EIP-4361 message exactly as signed.
	Message string `json:"message" validate:"required,max=16384"`
	// Signature is the personal_sign signature, 0x-prefixed hex.
	Signature string `json:"signature" validate:"required,max=8194"`
	// DID optionally names a did:ethr DID to log in as.
	DID string `json:"did,omitempty" validate:"max=256"`
}

// SIWELoginResult is a completed login.
type SIWELoginResult struct {
	// Redirect is where the browser goes next (the consent page).
	Redirect string `json:"redirect"`
	// Subject is the DID that logged in.
	Subject string `json:"subject"`
}

// The SIWE session cookie holds the browser's session id, to which nonces
// are bound, with an HMAC under the server's cookie key: the server only
// accepts ids it issued. Under https it is a __Host- cookie (Secure, path
// /, no Domain), so no sibling host can plant one.
const (
	siweCookie       = "chainid_siwe"
	siweCookieHost   = "__Host-chainid_siwe"
	siweCookieMaxAge = 3600
	siweSessionBytes = 20 // rand.Text's 26 characters ≥ siwe.MinSessionLength
)

//go:embed siwe/login.html
var siweLoginHTML string

//go:embed siwe/siwe.js
var siweJS []byte

// newSIWEPage parses the login page template.
func newSIWEPage() (*template.Template, error) {
	t, err := template.New("siwe").Parse(siweLoginHTML)
	if err != nil {
		return nil, fmt.Errorf("api: parse siwe page: %w", err)
	}
	return t, nil
}

// siweCSP is the login page's policy: its script and the provider's
// stylesheet from this origin, fetches to this origin, nothing inline.
const siweCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// siweRoutes are the routes of Sign-In with Ethereum login.
func (s *server) siweRoutes() []route {
	return []route{
		{http.MethodGet, "/siwe/login", s.handleSIWEPage()},
		{http.MethodPost, "/siwe/login", s.handleSIWELogin()},
		{http.MethodGet, "/siwe/nonce", s.handleSIWENonce()},
		{http.MethodGet, "/siwe/siwe.js", s.handleSIWEScript()},
	}
}

func (s *server) siweUnavailable(w http.ResponseWriter, r *http.Request) bool {
	if s.siwe != nil {
		return false
	}
	s.writeProblem(w, r, &apiError{kind: kindNotImplemented, detail: "Sign-In with Ethereum is not configured on this server"})
	return true
}

// siweSecure reports whether the service is reached over https, where the
// session cookie is Secure and __Host- prefixed.
func (s *server) siweSecure(r *http.Request) bool {
	if s.publicURL != "" {
		return strings.HasPrefix(s.publicURL, "https:")
	}
	return r.TLS != nil
}

func (s *server) siweCookieName(r *http.Request) string {
	if s.siweSecure(r) {
		return siweCookieHost
	}
	return siweCookie
}

// siweSessionMAC is the cookie's authenticator of session id.
func (s *server) siweSessionMAC(id string) string {
	m := hmac.New(sha256.New, s.cookieKey)
	m.Write([]byte("chainid siwe session\x00"))
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// siweSessionFrom returns the session id of r's cookie when this server
// issued it, else "".
func (s *server) siweSessionFrom(r *http.Request) string {
	c, err := r.Cookie(s.siweCookieName(r))
	if err != nil || len(c.Value) > 128 {
		return ""
	}
	id, mac, ok := strings.Cut(c.Value, ".")
	if !ok || len(id) < siwe.MinSessionLength || !hmac.Equal([]byte(mac), []byte(s.siweSessionMAC(id))) {
		return ""
	}
	return id
}

// siweSession returns the browser's SIWE session id, setting a new cookie
// when it has none, or one this server did not issue.
func (s *server) siweSession(w http.ResponseWriter, r *http.Request) string {
	if id := s.siweSessionFrom(r); id != "" {
		return id
	}
	b := make([]byte, siweSessionBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	id := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: s.siweCookieName(r), Value: id + "." + s.siweSessionMAC(id), Path: "/",
		MaxAge: siweCookieMaxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.siweSecure(r)})
	return id
}

// handleSIWEPage renders the Sign-In with Ethereum page for the pending
// authorization request ?id=.
func (s *server) handleSIWEPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.siweUnavailable(w, r) {
			return
		}
		id := r.URL.Query().Get("id")
		req, err := s.siwe.SIWELoginRequest(r.Context(), r, id)
		if err != nil {
			s.writeProblem(w, r, siweError("siwe login page", err))
			return
		}
		var buf bytes.Buffer
		if err := s.siwePage.Execute(&buf, struct{ ID, ClientName string }{id, req.ClientName}); err != nil {
			s.writeProblem(w, r, fmt.Errorf("render siwe page: %w", err))
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", siweCSP)
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	})
}

// handleSIWEScript serves the page's wallet script.
func (s *server) handleSIWEScript() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(siweJS)
	})
}

// handleSIWENonce issues a challenge for ?id=, bound to the browser's SIWE
// session. With ?address= it returns the address EIP-55 checksummed, and
// with ?chainId= it proposes that chain (when accepted).
func (s *server) handleSIWENonce() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.siweUnavailable(w, r) {
			return
		}
		q := r.URL.Query()
		var address string
		if a := q.Get("address"); a != "" {
			cs, err := pkh.ChecksumAddress(strings.ToLower(a))
			if err != nil {
				s.writeProblem(w, r, &apiError{kind: kindInvalidRequest, err: err, detail: "address is not 0x and 40 hex digits"})
				return
			}
			address = cs
		}
		var chainID uint64
		if c := q.Get("chainId"); c != "" {
			id, err := strconv.ParseUint(c, 10, 64)
			if err != nil {
				s.writeProblem(w, r, &apiError{kind: kindInvalidRequest, err: err, detail: "chainId is not a decimal chain ID"})
				return
			}
			chainID = id
		}
		session := s.siweSession(w, r)
		c, err := s.siwe.SIWEChallenge(r.Context(), r, session, q.Get("id"))
		if err != nil {
			s.writeProblem(w, r, siweError("siwe nonce", err))
			return
		}
		if chainID != 0 {
			ok := false
			for _, id := range c.ChainIDs {
				ok = ok || id == chainID
			}
			if !ok {
				s.writeProblem(w, r, &apiError{kind: kindForbidden,
					detail: fmt.Sprintf("chain %d is not accepted here; use one of %v", chainID, c.ChainIDs)})
				return
			}
			c.ChainID = chainID
		}
		body := struct {
			siwe.Challenge
			Address string `json:"address,omitempty"`
		}{c, address}
		w.Header().Set("Cache-Control", "no-store")
		s.writeJSON(w, r, http.StatusOK, "application/json", body)
	})
}

// handleSIWELogin verifies a signed message posted as a form (answer: 303
// to the next page) or as JSON (answer: SIWELoginResult).
func (s *server) handleSIWELogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.siweUnavailable(w, r) {
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var in SIWELoginInput
		form := mt == "application/x-www-form-urlencoded"
		if form {
			if err := r.ParseForm(); err != nil {
				s.writeProblem(w, r, &apiError{kind: kindInvalidRequest, err: err, detail: "the form could not be read"})
				return
			}
			in = SIWELoginInput{ID: r.PostForm.Get("id"), Message: r.PostForm.Get("message"),
				Signature: r.PostForm.Get("signature"), DID: r.PostForm.Get("did")}
			if err := s.validate.Struct(in); err != nil {
				s.writeProblem(w, r, err)
				return
			}
		} else if err := s.decodeJSON(r, &in); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		session := s.siweSessionFrom(r)
		if session == "" {
			s.writeProblem(w, r, &apiError{kind: kindForbidden,
				detail: "no valid SIWE session cookie: get the nonce from /siwe/nonce in the same session"})
			return
		}
		res, err := s.siwe.SIWELogin(r.Context(), r, session, in)
		if err != nil {
			s.writeProblem(w, r, siweError("siwe login", err))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if form {
			http.Redirect(w, r, res.Redirect, http.StatusSeeOther)
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", res)
	})
}
