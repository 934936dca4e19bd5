package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/chainid/chainid/internal/store"
)

// Client registration limits.
const (
	maxRedirectURIs   = 20
	maxRedirectURILen = 2000
	maxClientName     = 100
)

// AddClient registers a client and returns it with its secret (empty for a
// public client). Only a SHA-256 digest of the secret is stored.
func (p *Provider) AddClient(ctx context.Context, spec ClientSpec) (Client, string, error) {
	return p.addClient(ctx, spec, false)
}

func (p *Provider) addClient(ctx context.Context, spec ClientSpec, dynamic bool) (Client, string, error) {
	if err := checkSpec(&spec); err != nil {
		return Client{}, "", err
	}
	rec := &clientRecord{ID: newID(), Name: spec.Name, RedirectURIs: spec.RedirectURIs,
		PostLogoutRedirectURIs: spec.PostLogoutRedirectURIs, Public: spec.Public,
		SubjectType: spec.SubjectType, Dynamic: dynamic, Created: p.now().UTC()}
	secret := ""
	if !spec.Public {
		secret = newSecret()
		h := sha256.Sum256([]byte(secret))
		rec.SecretHash = h[:]
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return Client{}, "", err
	}
	err = p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		return tx.Put(store.OIDCClients, rec.ID, v, time.Time{})
	})
	if err != nil {
		return Client{}, "", fmt.Errorf("store client: %w", err)
	}
	return rec.view(), secret, nil
}

// Clients lists the registered clients in ID order.
func (p *Provider) Clients(ctx context.Context) ([]Client, error) {
	var out []Client
	err := p.rec.View(ctx, func(tx *store.OIDCTx) error {
		recs, err := tx.List(store.OIDCClients, "", 0)
		if err != nil {
			return err
		}
		for _, r := range recs {
			var c clientRecord
			if err := json.Unmarshal(r.Value, &c); err != nil {
				return fmt.Errorf("decode client: %w", err)
			}
			out = append(out, c.view())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list clients: %w", err)
	}
	return out, nil
}

// RemoveClient deletes a client (ErrClientNotFound if there is none).
// Tokens already issued to it stop working at userinfo and refresh.
func (p *Provider) RemoveClient(ctx context.Context, id string) error {
	if id == "" || len(id) > 64 {
		return ErrClientNotFound
	}
	err := p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		found, err := tx.Delete(store.OIDCClients, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrClientNotFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrClientNotFound) {
		return fmt.Errorf("remove client %s: %w", id, err)
	}
	return err
}

func (p *Provider) client(ctx context.Context, id string) (*clientRecord, error) {
	if id == "" || len(id) > 64 {
		return nil, ErrClientNotFound
	}
	var c *clientRecord
	err := p.rec.View(ctx, func(tx *store.OIDCTx) error {
		v, _, found, err := tx.Get(store.OIDCClients, id)
		if err != nil || !found {
			return err
		}
		c = new(clientRecord)
		return json.Unmarshal(v, c)
	})
	if err != nil {
		return nil, fmt.Errorf("read client %s: %w", id, err)
	}
	if c == nil {
		return nil, ErrClientNotFound
	}
	return c, nil
}

func checkSpec(spec *ClientSpec) error {
	if len(spec.Name) > maxClientName || strings.IndexFunc(spec.Name, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: client_name must be at most %d characters without control characters", ErrInvalidClient, maxClientName)
	}
	switch spec.SubjectType {
	case "":
		spec.SubjectType = SubjectPairwise
	case SubjectPairwise, SubjectPublic:
	default:
		return fmt.Errorf("%w: subject_type must be pairwise or public", ErrInvalidClient)
	}
	if len(spec.RedirectURIs) == 0 || len(spec.RedirectURIs) > maxRedirectURIs {
		return fmt.Errorf("%w: need 1 to %d redirect_uris", ErrInvalidClient, maxRedirectURIs)
	}
	if len(spec.PostLogoutRedirectURIs) > maxRedirectURIs {
		return fmt.Errorf("%w: at most %d post_logout_redirect_uris", ErrInvalidClient, maxRedirectURIs)
	}
	for _, list := range [][]string{spec.RedirectURIs, spec.PostLogoutRedirectURIs} {
		for _, u := range list {
			if err := CheckRedirectURI(u); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckRedirectURI reports whether raw may be registered as a redirect URI:
// an absolute https URL, or http on a loopback host; a non-empty host
// (IPv6 in brackets), a port, if any, of 1 to 65535; no fragment, no user
// info, no backslash, whitespace or control characters, and written in the
// form Go's URL parser prints back unchanged (so what is matched is what
// is stored, byte for byte).
func CheckRedirectURI(raw string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: redirect URI %q: %s", ErrInvalidClient, raw, why)
	}
	if raw == "" || len(raw) > maxRedirectURILen {
		return bad(fmt.Sprintf("must be 1 to %d bytes", maxRedirectURILen))
	}
	if strings.ContainsAny(raw, "\\#") || strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return bad("no fragment, backslash, whitespace or control characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("does not parse")
	}
	if u.User != nil || strings.Contains(u.Host, "@") {
		return bad("no user info")
	}
	if u.Hostname() == "" || u.Opaque != "" {
		return bad("must be absolute")
	}
	if strings.Contains(u.Hostname(), ":") && !strings.HasPrefix(u.Host, "[") {
		return bad("an IPv6 host must be in brackets")
	}
	if i := strings.LastIndexByte(u.Host, ':'); i > strings.LastIndexByte(u.Host, ']') {
		port := u.Host[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return bad("port must be 1 to 65535")
		}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return bad("http only on a loopback host")
		}
	default:
		return bad("scheme must be https (or http on loopback)")
	}
	if u.String() != raw {
		return bad("not in canonical form")
	}
	return nil
}

// register serves RFC 7591 dynamic client registration.
func (p *Provider) register(w http.ResponseWriter, r *http.Request) {
	if !p.cfg.AllowRegistration {
		writeOAuthError(w, http.StatusForbidden, "access_denied", ErrRegistrationDisabled.Error())
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "the body must be application/json")
		return
	}
	var req struct {
		RedirectURIs            []string `json:"redirect_uris"`
		PostLogoutRedirectURIs  []string `json:"post_logout_redirect_uris"`
		ClientName              string   `json:"client_name"`
		TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
		SubjectType             string   `json:"subject_type"`
		GrantTypes              []string `json:"grant_types"`
		ResponseTypes           []string `json:"response_types"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&req); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "the body is not a JSON object")
		return
	}
	spec := ClientSpec{Name: req.ClientName, RedirectURIs: req.RedirectURIs,
		PostLogoutRedirectURIs: req.PostLogoutRedirectURIs, SubjectType: req.SubjectType}
	switch req.TokenEndpointAuthMethod {
	case "", "client_secret_basic":
	case "none":
		spec.Public = true
	default:
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "token_endpoint_auth_method must be client_secret_basic or none")
		return
	}
	for _, g := range req.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "grant_types: only authorization_code and refresh_token")
			return
		}
	}
	for _, rt := range req.ResponseTypes {
		if rt != "code" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "response_types: only code")
			return
		}
	}
	c, secret, err := p.addClient(r.Context(), spec, true)
	if err != nil {
		if errors.Is(err, ErrInvalidClient) {
			code := "invalid_client_metadata"
			if strings.Contains(err.Error(), "redirect URI") {
				code = "invalid_redirect_uri"
			}
			writeOAuthError(w, http.StatusBadRequest, code, err.Error())
			return
		}
		p.log.ErrorContext(r.Context(), "register client", "err", err)
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "could not register the client")
		return
	}
	method := "client_secret_basic"
	if c.Public {
		method = "none"
	}
	resp := map[string]any{
		"client_id":                  c.ID,
		"client_id_issued_at":        c.Created.Unix(),
		"redirect_uris":              c.RedirectURIs,
		"token_endpoint_auth_method": method,
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"subject_type":               c.SubjectType,
	}
	if c.Name != "" {
		resp["client_name"] = c.Name
	}
	if len(c.PostLogoutRedirectURIs) > 0 {
		resp["post_logout_redirect_uris"] = c.PostLogoutRedirectURIs
	}
	if secret != "" {
		resp["client_secret"] = secret
		resp["client_secret_expires_at"] = 0
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}
