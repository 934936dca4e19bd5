package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/internal/oauth"
)

// OpenID4VCI is the credential issuer side of OpenID4VCI 1.0 (pre-authorized
// code flow) plus the offer-creating admin call. Implementations must be
// safe for concurrent use. Wallet-facing methods refuse with
// *oid4vci.ProtocolError, which the handlers send in the OAuth error shape;
// any other error is a server fault (or, from the metadata methods, an
// error wrapping issuer.ErrUnknownSchema when nothing can be offered: 404).
type OpenID4VCI interface {
	// Metadata is the credential issuer metadata.
	Metadata(ctx context.Context) (*oid4vci.IssuerMetadata, error)
	// AuthorizationServerMetadata is the OAuth metadata of the token
	// endpoint.
	AuthorizationServerMetadata(ctx context.Context) (*oid4vci.AuthorizationServerMetadata, error)
	Token(ctx context.Context, req oid4vci.TokenRequest) (*oid4vci.TokenResponse, error)
	Nonce(ctx context.Context) (*oid4vci.NonceResponse, error)
	Credential(ctx context.Context, accessToken string, req oid4vci.CredentialRequest) (*oid4vci.CredentialResponse, error)
	// CreateOffer makes a credential offer (POST /v1/credential-offers).
	// Errors are those of Credentials (subject validation, unknown schema)
	// or wrap oid4vci.ErrInvalidOfferRequest (400).
	CreateOffer(ctx context.Context, req CreateOfferRequest) (OfferInfo, error)
}

// CreateOfferRequest is the body of POST /v1/credential-offers: what the
// wallet that redeems the offer gets.
type CreateOfferRequest struct {
	// Schema is the $id of a schema the default issuer registered.
	Schema string `json:"schema" validate:"required,max=2048"`
	// Subject is the credentialSubject object, validated against Schema
	// now and again at issuance.
	Subject json.RawMessage `json:"subject" validate:"required"`
	// Configurations are the offered credential configuration ids (the
	// schema's, see the metadata); empty means all of the schema's.
	Configurations []string `json:"configurations,omitempty" validate:"max=8,dive,max=1024"`
	// TxCode, when present, requires a transaction code at the token
	// endpoint; the answer carries the code to send the user out of band.
	TxCode *OfferTxCode `json:"txCode,omitempty"`
	// ExpiresIn is the lifetime of the pre-authorized code in seconds;
	// zero means the server's default (10 minutes). At most 30 days.
	ExpiresIn int `json:"expiresIn,omitempty" validate:"min=0,max=2592000"`
	// ValidUntil is the end of the issued credentials' validity.
	ValidUntil *time.Time `json:"validUntil,omitempty"`
	// Disclosable are JSON Pointers into the subject made selectively
	// disclosable in the dc+sd-jwt form; empty means every top-level
	// claim except id.
	Disclosable []string `json:"disclosable,omitempty" validate:"max=64,dive,max=512"`
}

// OfferTxCode describes the transaction code of an offer.
type OfferTxCode struct {
	// InputMode is "numeric" (default) or "text".
	InputMode string `json:"inputMode,omitempty" validate:"omitempty,oneof=numeric text"`
	// Length is 4 to 16 characters; zero means 6 (numeric) or 8 (text).
	Length int `json:"length,omitempty" validate:"omitempty,min=4,max=16"`
	// Description tells the user where to find the code.
	Description string `json:"description,omitempty" validate:"max=300,nocontrol"`
}

// OfferInfo is the answer of POST /v1/credential-offers.
type OfferInfo struct {
	// Offer is the credential offer object (OpenID4VCI 1.0 §4.1.1).
	Offer oid4vci.CredentialOffer `json:"offer"`
	// URI is the openid-credential-offer:// URI for a QR code or link.
	URI string `json:"uri"`
	// TxCode is the transaction code to deliver over a second channel.
	TxCode    string    `json:"txCode,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func errNoOID4VCI() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not offer OpenID4VCI"}
}

// writeOAuth writes an OAuth/OpenID4VCI/OpenID4VP response or error body:
// JSON, never cached.
func writeOAuth(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// handleIssuerMetadata serves the credential issuer metadata.
func (s *server) handleIssuerMetadata() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		m, err := s.oid4vci.Metadata(r.Context())
		if err != nil {
			s.writeProblem(w, r, publishError("credential issuer metadata", err))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		s.writeJSON(w, r, http.StatusOK, "application/json", m)
	}))
}

// handleAuthorizationServerMetadata serves the OAuth authorization server
// metadata of the token endpoint.
func (s *server) handleAuthorizationServerMetadata() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		m, err := s.oid4vci.AuthorizationServerMetadata(r.Context())
		if err != nil {
			s.writeProblem(w, r, publishError("authorization server metadata", err))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		s.writeJSON(w, r, http.StatusOK, "application/json", m)
	}))
}

// mediaIs reports whether the request's Content-Type is media.
func mediaIs(r *http.Request, media string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == media
}

// parseOAuthForm parses the application/x-www-form-urlencoded body of a
// wallet request (what names it in the refusal). A wrong media type or a
// malformed body is an *oauth.Error[C] with code invalid; a body over the
// size limit is returned as is (writeProblem sends 413).
func parseOAuthForm[C ~string](r *http.Request, what string, invalid C) error {
	if !mediaIs(r, "application/x-www-form-urlencoded") {
		return &oauth.Error[C]{Code: invalid, Description: what + " must be application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return &oauth.Error[C]{Code: invalid, Description: "malformed form body", Err: err}
	}
	return nil
}

// handleToken is the token endpoint (pre-authorized code grant).
func (s *server) handleToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		if err := parseOAuthForm(r, "the token request", oid4vci.CodeInvalidRequest); err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		req, err := oid4vci.TokenRequestFromForm(r.PostForm)
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		res, err := s.oid4vci.Token(r.Context(), req)
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		writeOAuth(w, http.StatusOK, res)
	})
}

// handleNonce is the nonce endpoint.
func (s *server) handleNonce() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		res, err := s.oid4vci.Nonce(r.Context())
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		writeOAuth(w, http.StatusOK, res)
	})
}

// handleCredential is the credential endpoint (Bearer access token).
func (s *server) handleCredential() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		token, err := oid4vci.BearerToken(r.Header.Get("Authorization"))
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		if !mediaIs(r, "application/json") {
			s.writeOAuthError(w, r, &oid4vci.ProtocolError{Code: oid4vci.CodeInvalidCredentialRequest,
				Description: "the credential request must be application/json"})
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, oid4vci.MaxCredentialRequest+1))
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		req, err := oid4vci.ParseCredentialRequest(body)
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		res, err := s.oid4vci.Credential(r.Context(), token, req)
		if err != nil {
			s.writeOAuthError(w, r, err)
			return
		}
		writeOAuth(w, http.StatusOK, res)
	})
}

// handleCreateOffer creates a credential offer (POST
// /v1/credential-offers).
func (s *server) handleCreateOffer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.oid4vci == nil {
			s.writeProblem(w, r, errNoOID4VCI())
			return
		}
		var req CreateOfferRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		info, err := s.oid4vci.CreateOffer(r.Context(), req)
		if err != nil {
			s.writeProblem(w, r, credentialsError("create credential offer", err))
			return
		}
		s.writeJSON(w, r, http.StatusCreated, "application/json", info)
	})
}
