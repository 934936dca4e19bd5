package oid4vci

import (
	"context"
	"crypto"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CredentialRequest is a credential request (OpenID4VCI 1.0 §8.2).
type CredentialRequest struct {
	// CredentialConfigurationID names the requested configuration; it
	// must be one of the offer's.
	CredentialConfigurationID string `json:"credential_configuration_id,omitempty"`
	// CredentialIdentifier is refused: this issuer never returns
	// credential_identifiers in token responses.
	CredentialIdentifier string `json:"credential_identifier,omitempty"`
	// Proofs carries the key proofs; required.
	Proofs *Proofs `json:"proofs,omitempty"`
	// CredentialResponseEncryption is refused: responses are not encrypted
	// and the metadata does not offer it.
	CredentialResponseEncryption json.RawMessage `json:"credential_response_encryption,omitempty"`
	// Proof is the pre-1.0 single proof parameter; it is refused with a
	// message pointing to proofs.
	Proof json.RawMessage `json:"proof,omitempty"`
}

// Proofs is the proofs object: exactly one proof type with a non-empty
// array. Only JWT is accepted; the others are recognised so that the
// refusal says why.
type Proofs struct {
	JWT         []string          `json:"jwt,omitempty"`
	DIVP        []json.RawMessage `json:"di_vp,omitempty"`
	Attestation []string          `json:"attestation,omitempty"`
}

// CredentialResponse is an immediate credential response (OpenID4VCI 1.0
// §8.3), one credential per key proof. Send it with Cache-Control:
// no-store.
type CredentialResponse struct {
	Credentials []IssuedCredential `json:"credentials"`
}

// IssuedCredential is one entry of CredentialResponse.Credentials.
type IssuedCredential struct {
	Credential string `json:"credential"`
}

// MaxCredentialRequest bounds the JSON body of a credential request.
const MaxCredentialRequest = 1 << 20

// ParseCredentialRequest decodes a credential request body
// (application/json). Malformed JSON, duplicate members, a body that is not
// an object and members of the wrong type are invalid_credential_request.
func ParseCredentialRequest(body []byte) (CredentialRequest, error) {
	var r CredentialRequest
	if len(body) > MaxCredentialRequest {
		return r, protoErr(CodeInvalidCredentialRequest, "request body is too large")
	}
	if _, err := parseObject(body); err != nil {
		return r, protoErrCause(CodeInvalidCredentialRequest, "request body is not a strict JSON object", err)
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return CredentialRequest{}, protoErrCause(CodeInvalidCredentialRequest, "request members have the wrong types", err)
	}
	return r, nil
}

// BearerToken extracts the access token of an Authorization header value
// ("Bearer <token>", scheme case-insensitive). A missing or malformed value
// is invalid_token.
func BearerToken(authorization string) (string, error) {
	scheme, token, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > maxSecretLength {
		return "", protoErr(CodeInvalidToken, "a Bearer access token is required")
	}
	for i := 0; i < len(token); i++ { // RFC 6750 b64token
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/=", c) >= 0) {
			return "", protoErr(CodeInvalidToken, "malformed access token")
		}
	}
	return token, nil
}

// Credential answers a credential request made with accessToken: it
// checks the token, the request and every key proof (typ, alg, key from
// jwk or a kid DID URL, signature, aud, iat window, and a valid unused
// c_nonce shared by all proofs), consumes the c_nonce, and asks the Issuer
// for one credential per proof.
//
// The access token may be used again until it expires (OpenID4VCI 1.0
// §11.3 "Multiple Accesses"); each request needs a fresh c_nonce.
//
// Refusals are *ProtocolError (see the Code* constants; invalid_token and
// insufficient_scope are authorization errors of RFC 6750). Other errors
// are server faults.
func (s *Service) Credential(ctx context.Context, accessToken string, req CredentialRequest) (*CredentialResponse, error) {
	tok, err := s.checkToken(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	id, err := s.checkRequest(tok, &req)
	if err != nil {
		return nil, s.refuse(ctx, err)
	}
	holders := make([]*holder, 0, len(req.Proofs.JWT))
	for i, raw := range req.Proofs.JWT {
		p, err := parseProof(raw)
		if err != nil {
			return nil, s.refuse(ctx, err)
		}
		h, err := s.verifyProof(ctx, p, id)
		if err != nil {
			return nil, s.refuse(ctx, err)
		}
		if h.nonce == "" {
			return nil, s.refuse(ctx, invalidProof("proof %d has no nonce; get a c_nonce from the nonce endpoint", i))
		}
		if i > 0 && h.nonce != holders[0].nonce {
			return nil, s.refuse(ctx, protoErr(CodeInvalidNonce, "all proofs of a request must use the same c_nonce"))
		}
		for _, o := range holders {
			if sameKey(o.key, h.key) {
				return nil, s.refuse(ctx, invalidProof("proofs %d and an earlier one use the same key", i))
			}
		}
		holders = append(holders, h)
	}
	exp, perr := s.checkNonce(holders[0].nonce)
	if perr != nil {
		return nil, s.refuse(ctx, perr)
	}
	if err := s.consumeNonce(ctx, holders[0].nonce, exp); err != nil {
		return nil, s.refuse(ctx, err)
	}
	resp := &CredentialResponse{Credentials: make([]IssuedCredential, 0, len(holders))}
	for _, h := range holders {
		c, err := s.issuer.IssueCredential(ctx, tok.IssueRef, id, h.key, h.did)
		if errors.Is(err, ErrCredentialDenied) {
			return nil, s.refuse(ctx, protoErrCause(CodeCredentialRequestDenied, "the credential issuer declined this request", err))
		}
		if err != nil {
			return nil, fmt.Errorf("credential %q: issue: %w", id, err)
		}
		if c == "" {
			return nil, fmt.Errorf("credential %q: issuer returned an empty credential", id)
		}
		resp.Credentials = append(resp.Credentials, IssuedCredential{Credential: c})
	}
	return resp, nil
}

// refuse logs a protocol refusal at debug level and returns err.
func (s *Service) refuse(ctx context.Context, err error) error {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		s.log.DebugContext(ctx, "oid4vci credential request refused", "error", string(pe.Code), "reason", pe.Description)
	}
	return err
}

func (s *Service) checkToken(ctx context.Context, accessToken string) (*tokenRecord, error) {
	if accessToken == "" || len(accessToken) > maxSecretLength {
		return nil, protoErr(CodeInvalidToken, "a Bearer access token is required")
	}
	v, _, found, err := s.store.Get(ctx, kindToken, recordKey(kindToken, accessToken))
	if err != nil {
		return nil, fmt.Errorf("credential: access token: %w", err)
	}
	if !found {
		return nil, protoErr(CodeInvalidToken, "the access token is unknown, expired or revoked")
	}
	tok, err := decodeToken(v)
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	if !s.now().Before(tok.Expires) {
		return nil, protoErr(CodeInvalidToken, "the access token is unknown, expired or revoked")
	}
	return tok, nil
}

// checkRequest validates the request members and returns the
// configuration id.
func (s *Service) checkRequest(tok *tokenRecord, req *CredentialRequest) (string, error) {
	id := req.CredentialConfigurationID
	switch {
	case req.CredentialIdentifier != "":
		return "", protoErr(CodeInvalidCredentialRequest, "credential_identifier is not used by this issuer; send credential_configuration_id")
	case id == "":
		return "", protoErr(CodeInvalidCredentialRequest, "credential_configuration_id is missing")
	}
	if _, ok := s.configs[id]; !ok {
		return "", protoErr(CodeUnknownCredentialConfiguration, "unknown credential_configuration_id")
	}
	if !slices.Contains(tok.ConfigurationIDs, id) {
		return "", protoErr(CodeInsufficientScope, "the access token does not cover this credential configuration")
	}
	if len(req.CredentialResponseEncryption) > 0 {
		return "", protoErr(CodeInvalidEncryptionParameters, "credential response encryption is not supported")
	}
	if len(req.Proof) > 0 {
		return "", invalidProof("the pre-1.0 proof parameter is not supported; send proofs")
	}
	p := req.Proofs
	switch {
	case p == nil || len(p.JWT)+len(p.DIVP)+len(p.Attestation) == 0:
		return "", invalidProof("proofs is missing")
	case len(p.DIVP) > 0 || len(p.Attestation) > 0:
		return "", invalidProof("only the jwt proof type is supported")
	case len(p.JWT) > s.cfg.BatchSize:
		return "", invalidProof("more than %d proofs", s.cfg.BatchSize)
	}
	return id, nil
}

// sameKey compares two public keys.
func sameKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if e, ok := a.(equaler); ok {
		return e.Equal(b)
	}
	if ka, ok := a.(interface{ SerializeCompressed() []byte }); ok {
		if kb, ok := b.(interface{ SerializeCompressed() []byte }); ok {
			return subtle.ConstantTimeCompare(ka.SerializeCompressed(), kb.SerializeCompressed()) == 1
		}
	}
	return false
}
