package oidc

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/chainid/chainid/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// browserCookieTTL is how long the browser-binding cookie lives.
const browserCookieTTL = 24 * time.Hour

type pages struct {
	login, consent, message *template.Template
	static                  http.Handler
}

func newPages() (*pages, error) {
	parse := func(name string) (*template.Template, error) {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, err
		}
		return t.Lookup(name), nil
	}
	var (
		p   pages
		err error
	)
	if p.login, err = parse("login.html"); err != nil {
		return nil, fmt.Errorf("oidc: parse login page: %w", err)
	}
	if p.consent, err = parse("consent.html"); err != nil {
		return nil, fmt.Errorf("oidc: parse consent page: %w", err)
	}
	if p.message, err = parse("message.html"); err != nil {
		return nil, fmt.Errorf("oidc: parse message page: %w", err)
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	p.static = http.StripPrefix(PathStatic, http.FileServerFS(sub))
	return &p, nil
}

// routes is the provider's own mux. Protocol endpoints go to the op
// package's router; /authorize passes through the interceptor first.
func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	opH := p.op
	mux.HandleFunc("GET "+PathDiscovery, p.discovery)
	mux.HandleFunc("GET "+PathAuthorize, p.authorize)
	mux.HandleFunc("POST "+PathAuthorize, p.authorize)
	mux.HandleFunc("POST "+PathToken, p.token)
	mux.Handle("GET "+PathUserinfo, opH)
	mux.Handle("POST "+PathUserinfo, opH)
	mux.Handle("GET "+PathKeys, opH)
	mux.Handle("GET "+PathEndSession, opH)
	mux.Handle("POST "+PathEndSession, opH)
	mux.Handle("POST "+PathRevoke, opH)
	mux.Handle("POST "+PathIntrospect, opH)
	mux.HandleFunc("POST "+PathRegister, p.register)
	mux.HandleFunc("GET "+PathLogin, p.loginPage)
	mux.HandleFunc("GET "+PathConsent, p.consentPage)
	mux.HandleFunc("POST "+PathConsent, p.consentSubmit)
	mux.HandleFunc("GET "+PathLoggedOut, p.loggedOut)
	mux.HandleFunc("GET "+PathStatic+"{file}", p.staticFile)
	return mux
}

// discovery serves the metadata: op's, with what chainid adds or removes.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	ctx := op.ContextWithIssuer(r.Context(), p.cfg.Issuer)
	b, err := json.Marshal(op.CreateDiscoveryConfig(ctx, p.op, storage{p}))
	if err != nil {
		p.log.ErrorContext(ctx, "discovery", "err", err)
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "discovery failed")
		return
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "discovery failed")
		return
	}
	for _, k := range []string{"device_authorization_endpoint", "check_session_iframe",
		"request_object_signing_alg_values_supported", "token_endpoint_auth_signing_alg_values_supported",
		"introspection_endpoint_auth_signing_alg_values_supported", "revocation_endpoint_auth_signing_alg_values_supported"} {
		delete(m, k)
	}
	m["response_types_supported"] = []string{"code"}
	m["response_modes_supported"] = []string{"query"}
	m["grant_types_supported"] = []string{"authorization_code", "refresh_token"}
	m["subject_types_supported"] = []string{SubjectPairwise, SubjectPublic}
	m["code_challenge_methods_supported"] = []string{"S256"}
	m["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post", "none"}
	m["authorization_response_iss_parameter_supported"] = true
	m["claims_parameter_supported"] = true
	m["request_parameter_supported"] = false
	m["request_uri_parameter_supported"] = false
	m["claims_supported"], m["scopes_supported"] = p.supported(ctx)
	if p.cfg.AllowRegistration {
		m["registration_endpoint"] = p.cfg.Issuer + PathRegister
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, m)
}

// supported are discovery's claims_supported and scopes_supported: the
// provider's own, then the login methods' (Config.Supported), sorted,
// without duplicates or malformed names.
func (p *Provider) supported(ctx context.Context) (claims, scopes []string) {
	claims, scopes = ProviderClaims(), []string{"openid", "offline_access"}
	if p.cfg.Supported == nil {
		return claims, scopes
	}
	extraClaims, extraScopes := p.cfg.Supported(ctx)
	add := func(base, extra []string) []string {
		var more []string
		for _, n := range extra {
			if validToken(n, 64) && !slices.Contains(base, n) && !slices.Contains(more, n) {
				more = append(more, n)
			}
		}
		slices.Sort(more)
		return append(base, more...)
	}
	return add(claims, extraClaims), add(scopes, extraScopes)
}

// maxTokenForm bounds the body of a token request.
const maxTokenForm = 16 << 10

// token authenticates the client of an authorization_code grant before op
// looks the code up: op redeems (and, on a replay, revokes) a code before
// it checks the client, so without this anyone who saw a code (browser
// history, logs, a Referer) could burn it, or revoke the tokens the rightful
// client already got, without knowing the client's secret.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenForm)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the token request body could not be read")
		return
	}
	if r.PostForm.Get("grant_type") == "authorization_code" {
		if err := p.authenticateClient(r); err != nil {
			p.log.DebugContext(r.Context(), "token request: client authentication failed", "err", err)
			if _, _, basic := r.BasicAuth(); basic {
				w.Header().Set("WWW-Authenticate", `Basic realm="chainid"`)
			}
			w.Header().Set("Cache-Control", "no-store")
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
			return
		}
	}
	p.op.ServeHTTP(w, r)
}

// authenticateClient checks the client credentials of a token request the
// way op reads them (HTTP Basic with form-encoded parts, else client_id and
// client_secret in the body). A public client needs no secret: PKCE binds
// its code.
func (p *Provider) authenticateClient(r *http.Request) error {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return errors.New("malformed basic credentials")
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, err := p.client(r.Context(), id)
	if err != nil {
		return err
	}
	if c.Public {
		return nil
	}
	if secret == "" {
		return errors.New("no client secret")
	}
	return storage{p}.AuthorizeClientIDSecret(r.Context(), id, secret)
}

// --- browser binding and CSRF ---

func (p *Provider) cookieName() string {
	if p.secure {
		return "__Host-chainid-oidc"
	}
	return "chainid-oidc"
}

// browserID returns the browser's binding value, or "".
func (p *Provider) browserID(r *http.Request) string {
	c, err := r.Cookie(p.cookieName())
	if err != nil || len(c.Value) != 43 {
		return ""
	}
	if _, err := base64.RawURLEncoding.DecodeString(c.Value); err != nil {
		return ""
	}
	return c.Value
}

func (p *Provider) browserHash(id string) []byte {
	m := hmac.New(sha256.New, p.sec.browser)
	m.Write([]byte(id))
	return m.Sum(nil)
}

func (p *Provider) sameBrowser(r *http.Request, ar *authRequest) bool {
	id := p.browserID(r)
	return id != "" && hmac.Equal(p.browserHash(id), ar.BrowserHash)
}

func (p *Provider) csrfToken(browserID, requestID string) string {
	m := hmac.New(sha256.New, p.sec.csrf)
	m.Write([]byte(browserID))
	m.Write([]byte{0})
	m.Write([]byte(requestID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// authorize binds the request to the browser, reads the claims parameter
// and hands over to op; it adds iss to redirects back to the client and
// turns op's plain-text errors into the error page.
//
// The binding value is new on every /authorize (a fresh cookie replaces
// the old one), so a value planted in the browser, or learned from an
// earlier login, never binds a new request. A request started earlier in
// the same browser is then bound to the replaced value and must start over.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	bid := newSecret()
	http.SetCookie(w, &http.Cookie{Name: p.cookieName(), Value: bid, Path: "/", MaxAge: int(browserCookieTTL.Seconds()),
		HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode})
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The authorization request could not be read.")
		return
	}
	info := &authorizeInfo{browserHash: p.browserHash(bid)}
	info.claims, info.claimsErr = parseClaimsParam(r.Form.Get("claims"))
	ctx := context.WithValue(r.Context(), authorizeInfoKey{}, info)
	iw := &authorizeWriter{ResponseWriter: w, p: p, r: r}
	p.op.ServeHTTP(iw, r.WithContext(ctx))
	iw.finish()
}

// authorizeWriter post-processes op's authorize responses.
type authorizeWriter struct {
	http.ResponseWriter
	p      *Provider
	r      *http.Request
	status int
	errBuf bytes.Buffer
}

func (w *authorizeWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if code >= 400 {
		return // finish renders the error page
	}
	if code == http.StatusFound || code == http.StatusSeeOther {
		if loc := w.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, w.p.cfg.Issuer+"/oidc/") {
			w.Header().Set("Location", addIss(loc, w.p.cfg.Issuer))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *authorizeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status >= 400 {
		if w.errBuf.Len() < 1024 {
			w.errBuf.Write(b[:min(len(b), 1024)])
		}
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *authorizeWriter) finish() {
	if w.status < 400 {
		return
	}
	msg := strings.TrimSpace(w.errBuf.String())
	if msg == "" || strings.HasPrefix(msg, "{") {
		msg = "The authorization request is invalid."
	}
	w.Header().Del("Location")
	w.p.errorPage(w.ResponseWriter, w.r, w.status, "The authorization request was refused: "+msg)
}

// addIss adds the RFC 9207 iss parameter to an authorization response URL.
func addIss(loc, iss string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	q := u.Query()
	if q.Get("code") == "" && q.Get("error") == "" {
		return loc
	}
	q.Set("iss", iss)
	u.RawQuery = q.Encode()
	return u.String()
}

// --- pages ---

type pageData struct {
	Title, Base string
}

func (p *Provider) pageHeaders(w http.ResponseWriter, formTarget string) {
	h := w.Header()
	csp := "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	if formTarget != "" {
		csp += " " + formTarget
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

func (p *Provider) render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, formTarget string, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		p.log.ErrorContext(r.Context(), "render page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p.pageHeaders(w, formTarget)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p.render(w, r, status, p.pages.message, "", struct {
		pageData
		Message, Class string
	}{pageData{"Sign-in failed", p.issuer.Path}, msg, "error"})
}

func (p *Provider) loggedOut(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, p.pages.message, "", struct {
		pageData
		Message, Class string
	}{pageData{"Signed out", p.issuer.Path}, "You are signed out.", ""})
}

func (p *Provider) staticFile(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	p.pages.static.ServeHTTP(w, r)
}

// pendingRequest loads the request named by the id parameter and checks
// the browser; it writes the error page and returns nil on failure.
func (p *Provider) pendingRequest(w http.ResponseWriter, r *http.Request, id string) *authRequest {
	ar, err := p.authRequest(r.Context(), id)
	if err != nil {
		if errors.Is(err, ErrUnknownRequest) {
			p.errorPage(w, r, http.StatusNotFound, "This sign-in request is unknown or has expired. Go back to the site and start again.")
			return nil
		}
		p.log.ErrorContext(r.Context(), "read authorization request", "err", err)
		p.errorPage(w, r, http.StatusInternalServerError, "Something went wrong.")
		return nil
	}
	if !p.sameBrowser(r, ar) {
		p.errorPage(w, r, http.StatusForbidden, "This sign-in request was started in another browser.")
		return nil
	}
	if ar.CodeIssued {
		p.errorPage(w, r, http.StatusConflict, "This sign-in request is already complete.")
		return nil
	}
	return ar
}

func (p *Provider) clientName(ctx context.Context, id string) string {
	if c, err := p.client(ctx, id); err == nil && c.Name != "" {
		return c.Name
	}
	return id
}

func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	ar := p.pendingRequest(w, r, r.URL.Query().Get("id"))
	if ar == nil {
		return
	}
	if ar.Subject != "" {
		http.Redirect(w, r, p.cfg.Issuer+PathConsent+"?id="+url.QueryEscape(ar.ID), http.StatusSeeOther)
		return
	}
	type method struct{ Name, Label, URL string }
	var ms []method
	for _, m := range p.loginMethods() {
		ms = append(ms, method{m.Name(), m.Label(), m.URL(ar.ID)})
	}
	p.render(w, r, http.StatusOK, p.pages.login, "", struct {
		pageData
		ClientName string
		Claims     []string
		Methods    []method
	}{pageData{"Sign in", p.issuer.Path}, p.clientName(r.Context(), ar.ClientID), ar.Claims, ms})
}

type consentClaim struct{ Name, Value, Note string }

// consentClaims lists what the client will receive.
func (p *Provider) consentClaims(c *clientRecord, ar *authRequest) ([]consentClaim, []string) {
	var out []consentClaim
	if c.SubjectType == SubjectPublic {
		out = append(out, consentClaim{"sub", ar.DID, "your DID, the same for every site that asks for it"},
			consentClaim{"did", ar.DID, ""})
	} else {
		out = append(out, consentClaim{"sub", "", "an identifier for you that only this site gets"})
	}
	names := make([]string, 0, len(ar.Identity))
	for k := range ar.Identity {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, _ := json.Marshal(ar.Identity[k])
		out = append(out, consentClaim{Name: k, Value: strings.Trim(string(v), `"`)})
	}
	out = append(out, consentClaim{"amr", ar.Method, "how you signed in"})
	return out, names
}

func consentKey(clientID, d string) string { return clientID + "\x00" + d }

func (p *Provider) rememberedConsent(ctx context.Context, ar *authRequest, names []string) bool {
	var ok bool
	_ = p.rec.View(ctx, func(tx *store.OIDCTx) error {
		v, _, found, err := tx.Get(store.OIDCConsents, consentKey(ar.ClientID, ar.DID))
		if err != nil || !found {
			return err
		}
		var c consentRecord
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		for _, n := range names {
			if !slices.Contains(c.Claims, n) {
				return nil
			}
		}
		ok = true
		return nil
	})
	return ok
}

func (p *Provider) consentPage(w http.ResponseWriter, r *http.Request) {
	ar := p.pendingRequest(w, r, r.URL.Query().Get("id"))
	if ar == nil {
		return
	}
	if ar.Subject == "" {
		http.Redirect(w, r, p.loginURL(ar.ID), http.StatusSeeOther)
		return
	}
	c, err := p.client(r.Context(), ar.ClientID)
	if err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The site that asked for this sign-in is no longer registered.")
		return
	}
	claims, names := p.consentClaims(c, ar)
	if p.rememberedConsent(r.Context(), ar, names) {
		p.finish(w, r, ar.ID)
		return
	}
	p.render(w, r, http.StatusOK, p.pages.consent, redirectOrigin(ar.RedirectURI), struct {
		pageData
		ID, CSRF, ClientName, DID, Method string
		Claims                            []consentClaim
	}{pageData{"Share with " + p.clientName(r.Context(), ar.ClientID) + "?", p.issuer.Path},
		ar.ID, p.csrfToken(p.browserID(r), ar.ID), p.clientName(r.Context(), ar.ClientID), ar.DID, ar.Method, claims})
}

func redirectOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (p *Provider) consentSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" && o != redirectOrigin(p.cfg.Issuer) {
		p.errorPage(w, r, http.StatusForbidden, "The form was posted from another site.")
		return
	}
	id := r.PostForm.Get("id")
	ar := p.pendingRequest(w, r, id)
	if ar == nil {
		return
	}
	want := p.csrfToken(p.browserID(r), ar.ID)
	if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(want)) {
		p.errorPage(w, r, http.StatusForbidden, "The form has expired or was not sent by this page. Go back and try again.")
		return
	}
	if ar.Subject == "" {
		p.errorPage(w, r, http.StatusBadRequest, "Sign in first.")
		return
	}
	switch r.PostForm.Get("action") {
	case "approve":
	case "deny":
		_ = storage{p}.DeleteAuthRequest(r.Context(), ar.ID)
		q := url.Values{"error": {"access_denied"}, "error_description": {"the user denied the request"}, "iss": {p.cfg.Issuer}}
		if ar.State != "" {
			q.Set("state", ar.State)
		}
		http.Redirect(w, r, appendQuery(ar.RedirectURI, q), http.StatusSeeOther)
		return
	default:
		p.errorPage(w, r, http.StatusBadRequest, "Choose Allow or Deny.")
		return
	}
	if r.PostForm.Get("remember") == "1" {
		c, err := p.client(r.Context(), ar.ClientID)
		if err == nil {
			_, names := p.consentClaims(c, ar)
			v, _ := json.Marshal(consentRecord{Claims: names})
			err = p.rec.Update(r.Context(), func(tx *store.OIDCTx) error {
				return tx.Put(store.OIDCConsents, consentKey(ar.ClientID, ar.DID), v, p.now().Add(p.cfg.ConsentTTL))
			})
		}
		if err != nil {
			p.log.WarnContext(r.Context(), "remember consent", "err", err)
		}
	}
	p.finish(w, r, ar.ID)
}

// finish marks the request consented, issues the code once and redirects
// to the client with code, state and iss.
func (p *Provider) finish(w http.ResponseWriter, r *http.Request, id string) {
	ar, err := p.updateAuthRequest(r.Context(), id, func(a *authRequest) error {
		if a.CodeIssued {
			return ErrRequestDone
		}
		a.Consented, a.CodeIssued = true, true
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrRequestDone) || errors.Is(err, ErrUnknownRequest) {
			p.errorPage(w, r, http.StatusConflict, "This sign-in request is already complete or has expired.")
			return
		}
		p.log.ErrorContext(r.Context(), "consent", "err", err)
		p.errorPage(w, r, http.StatusInternalServerError, "Something went wrong.")
		return
	}
	code, err := op.CreateAuthRequestCode(r.Context(), ar, storage{p}, p.op.Crypto())
	if err != nil {
		p.log.ErrorContext(r.Context(), "issue code", "err", err)
		p.errorPage(w, r, http.StatusInternalServerError, "Something went wrong.")
		return
	}
	q := url.Values{"code": {code}, "iss": {p.cfg.Issuer}}
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	http.Redirect(w, r, appendQuery(ar.RedirectURI, q), http.StatusSeeOther)
}

// appendQuery adds q to the registered redirect URI, keeping its own query.
func appendQuery(raw string, q url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	vals := u.Query()
	for k, v := range q {
		vals[k] = v
	}
	u.RawQuery = vals.Encode()
	return u.String()
}
