package oid4vci

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"time"
)

// TokenRequest is a token request of the pre-authorized code flow
// (OpenID4VCI 1.0 §6.1). On the wire it is application/x-www-form-urlencoded;
// TokenRequestFromForm decodes it. The json tags name the same parameters.
type TokenRequest struct {
	GrantType         string `json:"grant_type"`
	PreAuthorizedCode string `json:"pre-authorized_code"`
	// TxCode is the transaction code the user typed; "" when absent.
	TxCode string `json:"tx_code,omitempty"`
}

// TokenResponse is a successful token response (RFC 6749 §5.1). Send it
// with Cache-Control: no-store.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// maxSecretLength bounds a code, token or nonce presented by a client.
const maxSecretLength = 512

// TokenRequestFromForm decodes a form-encoded token request. A parameter
// sent more than once is invalid_request (RFC 6749 §3.2); unknown
// parameters are ignored.
func TokenRequestFromForm(form url.Values) (TokenRequest, error) {
	var r TokenRequest
	for _, p := range []struct {
		name string
		v    *string
	}{{"grant_type", &r.GrantType}, {"pre-authorized_code", &r.PreAuthorizedCode}, {"tx_code", &r.TxCode}} {
		vs := form[p.name]
		if len(vs) > 1 {
			return TokenRequest{}, protoErr(CodeInvalidRequest, p.name+" is repeated")
		}
		if len(vs) == 1 {
			*p.v = vs[0]
		}
	}
	return r, nil
}

// Token redeems a pre-authorized code for an access token, bound to the
// offer's configurations and issue reference, valid for Config.TokenTTL.
//
// Refusals are *ProtocolError: unsupported_grant_type; invalid_request when
// the code is missing, or a tx_code is missing though the offer requires
// one, or sent though it does not; invalid_grant for an unknown or expired
// code, a wrong tx_code (after Config.MaxTxCodeAttempts wrong ones the code
// is burned), or a code redeemed before — in which case the access token
// issued for it is revoked too.
func (s *Service) Token(ctx context.Context, req TokenRequest) (*TokenResponse, error) {
	switch req.GrantType {
	case GrantTypePreAuthorizedCode:
	case "":
		return nil, protoErr(CodeInvalidRequest, "grant_type is missing")
	default:
		return nil, protoErr(CodeUnsupportedGrantType, "only the pre-authorized code grant is supported")
	}
	if req.PreAuthorizedCode == "" {
		return nil, protoErr(CodeInvalidRequest, "pre-authorized_code is missing")
	}
	if len(req.PreAuthorizedCode) > maxSecretLength || len(req.TxCode) > maxSecretLength {
		return nil, protoErr(CodeInvalidGrant, "unknown or expired pre-authorized_code")
	}
	token, err := s.randomToken()
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	now := s.now()
	tokenExp := now.Add(s.cfg.TokenTTL)
	tokenKey := recordKey(kindToken, token)

	var (
		refusal *ProtocolError
		revoke  string
		grant   offerRecord
	)
	err = s.store.Update(ctx, kindOffer, recordKey(kindOffer, req.PreAuthorizedCode), func(v []byte, exp time.Time, found bool) ([]byte, time.Time, error) {
		refusal, revoke = nil, ""
		if !found {
			refusal = protoErr(CodeInvalidGrant, "unknown or expired pre-authorized_code")
			return nil, time.Time{}, nil
		}
		rec, err := decodeOffer(v)
		if err != nil {
			return nil, time.Time{}, err
		}
		switch {
		case rec.Redeemed:
			refusal = protoErr(CodeInvalidGrant, "pre-authorized_code was already used; the access token issued for it is revoked")
			revoke = rec.TokenKey
			rec.Replayed = true
		case !now.Before(rec.Expires):
			refusal = protoErr(CodeInvalidGrant, "unknown or expired pre-authorized_code")
			return nil, time.Time{}, nil // delete
		case rec.TxCodeHash != nil && req.TxCode == "":
			refusal = protoErr(CodeInvalidRequest, "tx_code is required for this pre-authorized_code")
			return v, exp, nil
		case rec.TxCodeHash == nil && req.TxCode != "":
			refusal = protoErr(CodeInvalidRequest, "tx_code was not expected")
			return v, exp, nil
		case rec.TxCodeHash != nil && subtle.ConstantTimeCompare(rec.TxCodeHash, txCodeHash(req.PreAuthorizedCode, req.TxCode)) != 1:
			rec.Attempts++
			if rec.Attempts >= s.cfg.MaxTxCodeAttempts {
				refusal = protoErr(CodeInvalidGrant, "wrong tx_code; too many attempts, the pre-authorized_code is no longer valid")
				return nil, time.Time{}, nil // burned
			}
			refusal = protoErr(CodeInvalidGrant, "wrong tx_code")
		default:
			rec.Redeemed, rec.TokenKey = true, tokenKey
			grant = *rec
			// Keep the spent code until its token expires so that a replay
			// can still revoke the token.
			exp = later(exp, tokenExp)
		}
		out, err := encodeRecord(rec)
		return out, exp, err
	})
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if revoke != "" {
		if err := s.deleteRecord(ctx, kindToken, revoke); err != nil {
			return nil, fmt.Errorf("token: revoke reused code's token: %w", err)
		}
	}
	if refusal != nil {
		s.log.DebugContext(ctx, "oid4vci token refused", "error", string(refusal.Code), "reason", refusal.Description)
		return nil, refusal
	}
	v, err := encodeRecord(tokenRecord{V: recordVersion, ConfigurationIDs: grant.ConfigurationIDs, IssueRef: grant.IssueRef, Expires: tokenExp})
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	created, err := s.store.Put(ctx, kindToken, tokenKey, v, tokenExp)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if !created {
		return nil, fmt.Errorf("token: access token collision (broken randomness?)")
	}
	// A replay that raced between the redemption above and the Put may have
	// tried to revoke the token before it existed; it has marked the offer,
	// so look again and revoke the token here.
	v, _, found, err := s.store.Get(ctx, kindOffer, recordKey(kindOffer, req.PreAuthorizedCode))
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	replayed := !found
	if found {
		rec, err := decodeOffer(v)
		if err != nil {
			return nil, fmt.Errorf("token: %w", err)
		}
		replayed = rec.Replayed
	}
	if replayed {
		if err := s.deleteRecord(ctx, kindToken, tokenKey); err != nil {
			return nil, fmt.Errorf("token: revoke raced token: %w", err)
		}
		return nil, protoErr(CodeInvalidGrant, "pre-authorized_code was used twice; its access token is revoked")
	}
	return &TokenResponse{AccessToken: token, TokenType: TokenTypeBearer, ExpiresIn: int64(s.cfg.TokenTTL / time.Second)}, nil
}

func (s *Service) deleteRecord(ctx context.Context, kind, key string) error {
	return s.store.Update(ctx, kind, key, func([]byte, time.Time, bool) ([]byte, time.Time, error) {
		return nil, time.Time{}, nil
	})
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
