package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/chainid/chainid/internal/store"
)

// storage is the op.Storage of a Provider over the bbolt store.
type storage struct{ p *Provider }

var (
	_ op.Storage                        = storage{}
	_ op.CanSetUserinfoFromRequest      = storage{}
	_ op.CanGetPrivateClaimsFromRequest = storage{}
)

func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// notFound is an error op recognises as "not found".
type notFound struct{ err error }

func (e notFound) Error() string { return e.err.Error() }
func (e notFound) Unwrap() error { return e.err }
func (notFound) IsNotFound()     {}

// authorizeInfo is what the authorize interceptor learned from the HTTP
// request, passed to CreateAuthRequest through the context.
type authorizeInfo struct {
	browserHash []byte
	claims      []string
	claimsErr   error
}

type authorizeInfoKey struct{}

func (s storage) CreateAuthRequest(ctx context.Context, req *zoidc.AuthRequest, _ string) (op.AuthRequest, error) {
	info, _ := ctx.Value(authorizeInfoKey{}).(*authorizeInfo)
	if info == nil || len(info.browserHash) == 0 {
		return nil, zoidc.ErrServerError().WithDescription("authorization request outside the authorize endpoint")
	}
	if info.claimsErr != nil {
		return nil, zoidc.ErrInvalidRequest().WithDescription("invalid claims parameter")
	}
	if req.CodeChallenge == "" {
		return nil, zoidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	}
	if req.CodeChallengeMethod != zoidc.CodeChallengeMethodS256 {
		return nil, zoidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	}
	if len(req.CodeChallenge) != 43 {
		return nil, zoidc.ErrInvalidRequest().WithDescription("code_challenge must be a base64url SHA-256 digest")
	}
	if req.ResponseType != zoidc.ResponseTypeCode {
		return nil, zoidc.ErrInvalidRequest().WithDescription("only response_type=code is supported")
	}
	if req.ResponseMode != "" && req.ResponseMode != zoidc.ResponseModeQuery {
		return nil, zoidc.ErrInvalidRequest().WithDescription("only response_mode=query is supported")
	}
	if slices.Contains([]string(req.Prompt), zoidc.PromptNone) {
		return nil, zoidc.ErrLoginRequired().WithDescription("this provider always asks the user to log in")
	}
	if req.RequestParam != "" {
		return nil, zoidc.ErrRequestNotSupported()
	}
	if len(req.State) > 1024 || len(req.Nonce) > 1024 {
		return nil, zoidc.ErrInvalidRequest().WithDescription("state or nonce longer than 1024 bytes")
	}
	now := s.p.now().UTC()
	ar := &authRequest{
		ID:           newID(),
		ClientID:     req.ClientID,
		RedirectURI:  req.RedirectURI,
		State:        req.State,
		Nonce:        req.Nonce,
		Scopes:       req.Scopes,
		Claims:       requestedClaims(req.Scopes, info.claims),
		Challenge:    req.CodeChallenge,
		ChallengeAlg: req.CodeChallengeMethod,
		ResponseType: req.ResponseType,
		BrowserHash:  info.browserHash,
		Created:      now,
		Expires:      now.Add(s.p.cfg.AuthRequestTTL),
	}
	if err := s.p.putAuthRequest(ctx, ar); err != nil {
		return nil, err
	}
	return ar, nil
}

func (s storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	return s.p.authRequest(ctx, id)
}

// AuthRequestByCode redeems a code: the first call marks it used and
// returns its request; a second call revokes the tokens issued from it and
// fails.
func (s storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	key := hashToken(code)
	var (
		ar       authRequest
		replayed bool
	)
	err := s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		v, exp, found, err := tx.Get(store.OIDCCodes, key)
		if err != nil {
			return err
		}
		if !found {
			return notFound{errors.New("unknown or expired code")}
		}
		var c codeRecord
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode code: %w", err)
		}
		if c.Used {
			replayed = true
			if _, err := tx.Delete(store.OIDCAuthRequests, c.RequestID); err != nil {
				return err
			}
			return revokeGrant(tx, c.RequestID)
		}
		c.Used = true
		nv, _ := json.Marshal(c)
		if err := tx.Put(store.OIDCCodes, key, nv, exp); err != nil {
			return err
		}
		av, _, found, err := tx.Get(store.OIDCAuthRequests, c.RequestID)
		if err != nil {
			return err
		}
		if !found {
			return notFound{errors.New("authorization request of the code expired")}
		}
		if err := json.Unmarshal(av, &ar); err != nil {
			return err
		}
		if !ar.Done() {
			return nil
		}
		// The request is used up: delete it and issue its tokens now, in
		// this one transaction. If the token request fails later (PKCE,
		// client), they are never handed out and expire unused.
		if _, err := tx.Delete(store.OIDCAuthRequests, c.RequestID); err != nil {
			return err
		}
		src, _ := tokenSource(&ar)
		key, _, exp, err := s.issue(tx, src, false, s.p.cfg.AccessTokenTTL)
		if err != nil {
			return err
		}
		ar.preAccess, ar.preExp = key[2:], exp
		if slices.Contains(ar.Scopes, zoidc.ScopeOfflineAccess) {
			_, ar.preRefresh, _, err = s.issue(tx, src, true, s.p.cfg.RefreshTokenTTL)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if replayed {
		s.p.log.WarnContext(ctx, "authorization code redeemed twice; tokens revoked")
		return nil, errors.New("code already redeemed")
	}
	if !ar.Done() {
		return nil, errors.New("code of an unfinished authorization request")
	}
	return &ar, nil
}

// revokeGrant deletes every token issued from the authorization request.
func revokeGrant(tx *store.OIDCTx, grantID string) error {
	v, _, found, err := tx.Get(store.OIDCGrants, grantID)
	if err != nil || !found {
		return err
	}
	var g grantRecord
	if err := json.Unmarshal(v, &g); err != nil {
		return fmt.Errorf("decode grant: %w", err)
	}
	for _, k := range g.Tokens {
		if _, err := tx.Delete(store.OIDCTokens, k); err != nil {
			return err
		}
	}
	_, err = tx.Delete(store.OIDCGrants, grantID)
	return err
}

func (s storage) SaveAuthCode(ctx context.Context, id, code string) error {
	v, _ := json.Marshal(codeRecord{RequestID: id})
	exp := s.p.now().Add(s.p.cfg.CodeTTL)
	return s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		if err := tx.Put(store.OIDCCodes, hashToken(code), v, exp); err != nil {
			return err
		}
		// The request must outlive its code.
		av, aexp, found, err := tx.Get(store.OIDCAuthRequests, id)
		if err != nil || !found {
			return err
		}
		if aexp.Before(exp) {
			return tx.Put(store.OIDCAuthRequests, id, av, exp)
		}
		return nil
	})
}

func (s storage) DeleteAuthRequest(ctx context.Context, id string) error {
	// Code redemption already deleted it; skip the write then.
	var exists bool
	if err := s.p.rec.View(ctx, func(tx *store.OIDCTx) error {
		_, _, found, err := tx.Get(store.OIDCAuthRequests, id)
		exists = found
		return err
	}); err != nil || !exists {
		return err
	}
	return s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		_, err := tx.Delete(store.OIDCAuthRequests, id)
		return err
	})
}

// tokenSource is what a token is issued from: a code's authorization
// request or a refresh token.
func tokenSource(req op.TokenRequest) (*tokenRecord, error) {
	switch r := req.(type) {
	case *authRequest:
		return &tokenRecord{GrantID: r.ID, ClientID: r.ClientID, Subject: r.Subject, DID: r.DID,
			Method: r.Method, Scopes: r.GetScopes(), Claims: r.Claims, Identity: r.Identity, AuthTime: r.AuthTime}, nil
	case *refreshRequest:
		t := *r.rec
		t.Scopes = r.GetScopes()
		return &t, nil
	}
	return nil, fmt.Errorf("token request of type %T", req)
}

func (s storage) issue(tx *store.OIDCTx, src *tokenRecord, refresh bool, ttl time.Duration) (key, secret string, exp time.Time, err error) {
	t := *src
	t.ID = newID()
	t.Refresh = refresh
	t.Rotated = false
	t.Expires = s.p.now().Add(ttl).UTC()
	key = "a:" + t.ID
	if refresh {
		secret = newSecret()
		key = "r:" + hashToken(secret)
	}
	v, err := json.Marshal(t)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if err := tx.Put(store.OIDCTokens, key, v, t.Expires); err != nil {
		return "", "", time.Time{}, err
	}
	// Index by grant (code replay) and by client+subject (logout).
	var g grantRecord
	gv, gexp, found, err := tx.Get(store.OIDCGrants, t.GrantID)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if found {
		if err := json.Unmarshal(gv, &g); err != nil {
			return "", "", time.Time{}, err
		}
	}
	live := g.Tokens[:0]
	for _, k := range g.Tokens { // drop revoked and rotated tokens
		if _, _, ok, err := tx.Get(store.OIDCTokens, k); err != nil {
			return "", "", time.Time{}, err
		} else if ok {
			live = append(live, k)
		}
	}
	g.Tokens = append(live, key)
	if gexp.Before(t.Expires) {
		gexp = t.Expires
	}
	gv, _ = json.Marshal(g)
	if err := tx.Put(store.OIDCGrants, t.GrantID, gv, gexp); err != nil {
		return "", "", time.Time{}, err
	}
	if err := tx.Put(store.OIDCSessions, sessionKey(t.ClientID, t.Subject)+key, nil, t.Expires); err != nil {
		return "", "", time.Time{}, err
	}
	return key, secret, t.Expires, nil
}

func sessionKey(clientID, subject string) string { return clientID + "\x00" + subject + "\x00" }

func (s storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if ar, ok := req.(*authRequest); ok && ar.preAccess != "" {
		id := ar.preAccess
		ar.preAccess = ""
		return id, ar.preExp, nil
	}
	src, err := tokenSource(req)
	if err != nil {
		return "", time.Time{}, err
	}
	var (
		key string
		exp time.Time
	)
	err = s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		var err error
		key, _, exp, err = s.issue(tx, src, false, s.p.cfg.AccessTokenTTL)
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create access token: %w", err)
	}
	return key[2:], exp, nil
}

func (s storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	if ar, ok := req.(*authRequest); ok && ar.preAccess != "" && ar.preRefresh != "" && current == "" {
		id, rt := ar.preAccess, ar.preRefresh
		ar.preAccess, ar.preRefresh = "", ""
		return id, rt, ar.preExp, nil
	}
	src, err := tokenSource(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	var (
		akey, refresh string
		exp           time.Time
		reused        bool
	)
	err = s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		if current != "" {
			// Rotation: the presented token stays, marked rotated, until
			// it expires; presenting it again (a concurrent or later
			// reuse) revokes the grant.
			old, err := rotateRefresh(tx, "r:"+hashToken(current))
			if err != nil {
				return err
			}
			if old.Rotated {
				reused = true
				return revokeGrant(tx, old.GrantID)
			}
		}
		var err error
		if akey, _, exp, err = s.issue(tx, src, false, s.p.cfg.AccessTokenTTL); err != nil {
			return err
		}
		_, refresh, _, err = s.issue(tx, src, true, s.p.cfg.RefreshTokenTTL)
		return err
	})
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("create tokens: %w", err)
	}
	if reused {
		s.p.log.WarnContext(ctx, "rotated refresh token reused; its grant is revoked")
		return "", "", time.Time{}, op.ErrInvalidRefreshToken
	}
	return akey[2:], refresh, exp, nil
}

// rotateRefresh marks the refresh token at key rotated and returns it as
// it was: with Rotated set if it had been rotated before.
func rotateRefresh(tx *store.OIDCTx, key string) (tokenRecord, error) {
	var t tokenRecord
	v, exp, found, err := tx.Get(store.OIDCTokens, key)
	if err != nil {
		return t, err
	}
	if !found {
		return t, op.ErrInvalidRefreshToken
	}
	if err := json.Unmarshal(v, &t); err != nil {
		return t, fmt.Errorf("decode refresh token: %w", err)
	}
	if !t.Refresh {
		return t, op.ErrInvalidRefreshToken
	}
	if t.Rotated {
		return t, nil
	}
	nt := t
	nt.Rotated = true
	nv, err := json.Marshal(nt)
	if err != nil {
		return t, err
	}
	return t, tx.Put(store.OIDCTokens, key, nv, exp)
}

// revokeReusedRefresh revokes the grant of a rotated refresh token that
// was presented again.
func (s storage) revokeReusedRefresh(ctx context.Context, t *tokenRecord) error {
	s.p.log.WarnContext(ctx, "rotated refresh token reused; its grant is revoked")
	if err := s.p.rec.Update(ctx, func(tx *store.OIDCTx) error { return revokeGrant(tx, t.GrantID) }); err != nil {
		return fmt.Errorf("revoke grant of a reused refresh token: %w", err)
	}
	return op.ErrInvalidRefreshToken
}

func (s storage) token(ctx context.Context, key string) (*tokenRecord, error) {
	var t *tokenRecord
	err := s.p.rec.View(ctx, func(tx *store.OIDCTx) error {
		v, _, found, err := tx.Get(store.OIDCTokens, key)
		if err != nil || !found {
			return err
		}
		t = new(tokenRecord)
		return json.Unmarshal(v, t)
	})
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return t, nil
}

func (s storage) TokenRequestByRefreshToken(ctx context.Context, rt string) (op.RefreshTokenRequest, error) {
	t, err := s.token(ctx, "r:"+hashToken(rt))
	if err != nil {
		return nil, err
	}
	if t == nil || !t.Refresh {
		return nil, op.ErrInvalidRefreshToken
	}
	if t.Rotated {
		return nil, s.revokeReusedRefresh(ctx, t)
	}
	return &refreshRequest{rec: t}, nil
}

// TerminateSession revokes every token the client holds for the subject.
func (s storage) TerminateSession(ctx context.Context, subject, clientID string) error {
	if subject == "" || clientID == "" {
		return nil
	}
	return s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		prefix := sessionKey(clientID, subject)
		recs, err := tx.List(store.OIDCSessions, prefix, 0)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if _, err := tx.Delete(store.OIDCTokens, r.Key[len(prefix):]); err != nil {
				return err
			}
			if _, err := tx.Delete(store.OIDCSessions, r.Key); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s storage) RevokeToken(ctx context.Context, tokenOrID, _ string, clientID string) *zoidc.Error {
	err := s.p.rec.Update(ctx, func(tx *store.OIDCTx) error {
		for _, k := range []string{"a:" + tokenOrID, "r:" + hashToken(tokenOrID), tokenOrID} {
			if len(k) > store.MaxOIDCKey {
				continue
			}
			v, _, found, err := tx.Get(store.OIDCTokens, k)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			var t tokenRecord
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			if t.ClientID != clientID {
				return zoidc.ErrInvalidClient().WithDescription("token was issued to another client")
			}
			_, err = tx.Delete(store.OIDCTokens, k)
			return err
		}
		return nil // RFC 7009: unknown tokens are not an error
	})
	if err != nil {
		var oe *zoidc.Error
		if errors.As(err, &oe) {
			return oe
		}
		return zoidc.ErrServerError().WithParent(err)
	}
	return nil
}

func (s storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	t, err := s.token(ctx, "r:"+hashToken(token))
	if err != nil {
		return "", "", err
	}
	if t == nil || t.ClientID != clientID || t.Rotated {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.Subject, "r:" + hashToken(token), nil
}

func (s storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	return s.p.keys.current(ctx)
}

func (s storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := s.p.keys.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = publicKey{k}
	}
	return out, nil
}

func (s storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	rec, err := s.p.client(ctx, clientID)
	if err != nil {
		if errors.Is(err, ErrClientNotFound) {
			return nil, notFound{err}
		}
		return nil, err
	}
	return &opClient{rec: rec, loginURL: s.p.loginURL, idTTL: s.p.cfg.IDTokenTTL}, nil
}

func (s storage) AuthorizeClientIDSecret(ctx context.Context, clientID, secret string) error {
	rec, err := s.p.client(ctx, clientID)
	if err != nil {
		return zoidc.ErrInvalidClient().WithParent(err)
	}
	if rec.Public || len(rec.SecretHash) == 0 {
		return zoidc.ErrInvalidClient().WithDescription("public client has no secret")
	}
	h := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(h[:], rec.SecretHash) != 1 {
		return zoidc.ErrInvalidClient().WithDescription("wrong client secret")
	}
	return nil
}

func (s storage) SetUserinfoFromScopes(_ context.Context, ui *zoidc.UserInfo, subject, _ string, _ []string) error {
	ui.Subject = subject
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s storage) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	ui.Subject = req.GetSubject()
	var src *tokenRecord
	switch r := req.(type) {
	case *authRequest:
		src = &tokenRecord{ClientID: r.ClientID, DID: r.DID, Identity: r.Identity}
	case *refreshRequest:
		src = r.rec
	default:
		return nil
	}
	return s.p.fillClaims(ctx, ui, src)
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s storage) SetUserinfoFromToken(ctx context.Context, ui *zoidc.UserInfo, tokenID, subject, _ string) error {
	t, err := s.token(ctx, "a:"+tokenID)
	if err != nil {
		return err
	}
	if t == nil || t.Subject != unsubject(subject) {
		return zoidc.ErrAccessDenied().WithDescription("access token is invalid or revoked")
	}
	ui.Subject = t.Subject
	return s.p.fillClaims(ctx, ui, t)
}

func (s storage) SetIntrospectionFromToken(ctx context.Context, ir *zoidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, err := s.token(ctx, "a:"+tokenID)
	if err != nil {
		return err
	}
	if t == nil || t.Subject != unsubject(subject) || t.ClientID != clientID {
		return zoidc.ErrAccessDenied()
	}
	ir.Active = true
	ir.Subject = t.Subject
	ir.ClientID = t.ClientID
	ir.Scope = t.Scopes
	ir.Expiration = zoidc.FromTime(t.Expires)
	return nil
}

func (s storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s storage) GetPrivateClaimsFromRequest(context.Context, op.TokenRequest, []string) (map[string]any, error) {
	return nil, nil
}

func (s storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT client authentication is not supported")
}

func (s storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile grants are not supported")
}

func (s storage) Health(ctx context.Context) error {
	return s.p.rec.View(ctx, func(*store.OIDCTx) error { return nil })
}
