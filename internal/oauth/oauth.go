// Package oauth defines the OAuth 2.0 error response (RFC 6749 §5.2,
// RFC 6750 §3.1) that the OpenID4VCI issuer and the OpenID4VP verifier send
// to wallets.
//
// Each protocol package keeps its own error code type and constants and
// names the instantiations, for example
//
//	type ProtocolError = oauth.Error[ErrorCode]
//
// so that errors.As tells the protocols apart.
//
// # Security considerations
//
// Error.Err is the internal cause and is never sent; Response keeps only the
// characters RFC 6749 allows in error_description, so a description that
// echoes client input cannot break out of the error body's grammar.
package oauth

import (
	"encoding/json"
	"net/http"
)

// Error codes whose HTTP status is not 400 (RFC 6750 §3.1).
const (
	codeInvalidToken      = "invalid_token"
	codeInsufficientScope = "insufficient_scope"
)

// Error is a refusal the protocol defines: the client gets Code and
// Description as a JSON error response (see Response and Status). Err,
// when set, is the internal cause for logs and is never sent to the client.
//
// Callers branch with errors.As and the Code field.
type Error[C ~string] struct {
	Code C
	// Description is human-readable ASCII without '"' or '\' (the
	// error_description character set of RFC 6749); Response drops any
	// other character.
	Description string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error[C]) Error() string {
	s := string(e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error[C]) Unwrap() error { return e.Err }

// Response is the JSON body of an error response.
type Response[C ~string] struct {
	Error            C      `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// Response returns the JSON error body for the client.
func (e *Error[C]) Response() Response[C] {
	return Response[C]{Error: e.Code, ErrorDescription: sanitizeDescription(e.Description)}
}

// MarshalJSON encodes the error as its Response.
func (e *Error[C]) MarshalJSON() ([]byte, error) { return json.Marshal(e.Response()) }

// Status is the HTTP status of the error response: 401 for invalid_token
// (send WWW-Authenticate: Bearer error="invalid_token"), 403 for
// insufficient_scope, 400 otherwise.
func (e *Error[C]) Status() int {
	switch string(e.Code) {
	case codeInvalidToken:
		return http.StatusUnauthorized
	case codeInsufficientScope:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// sanitizeDescription keeps the characters RFC 6749 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E).
func sanitizeDescription(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			b = append(b, c)
		}
	}
	return string(b)
}
