package oid4vci

import (
	"errors"

	"github.com/chainid/chainid/internal/oauth"
)

// ErrorCode is an OAuth 2.0 / OpenID4VCI error code, the value of the
// "error" member of an error response.
type ErrorCode string

// Error codes of the token endpoint (RFC 6749 §5.2, OpenID4VCI 1.0 §6.3).
const (
	// CodeInvalidRequest: a required parameter is missing or repeated, or a
	// tx_code was sent when none was expected or missing when one was.
	CodeInvalidRequest ErrorCode = "invalid_request"
	// CodeInvalidGrant: unknown, expired, burned or reused pre-authorized
	// code, or a wrong tx_code.
	CodeInvalidGrant ErrorCode = "invalid_grant"
	// CodeUnsupportedGrantType: a grant type other than the pre-authorized
	// code grant.
	CodeUnsupportedGrantType ErrorCode = "unsupported_grant_type"
)

// Error codes of the credential endpoint: RFC 6750 §3.1 authorization errors
// and OpenID4VCI 1.0 §8.3.1.2 credential request errors.
const (
	// CodeInvalidToken: missing, unknown, expired or revoked access token
	// (HTTP 401 with a WWW-Authenticate: Bearer challenge).
	CodeInvalidToken ErrorCode = "invalid_token"
	// CodeInsufficientScope: the access token does not cover the requested
	// credential configuration (HTTP 403).
	CodeInsufficientScope ErrorCode = "insufficient_scope"
	// CodeInvalidCredentialRequest: malformed request, or a parameter this
	// issuer does not support (credential_identifier).
	CodeInvalidCredentialRequest ErrorCode = "invalid_credential_request"
	// CodeUnknownCredentialConfiguration: the credential_configuration_id is
	// not in the issuer metadata.
	CodeUnknownCredentialConfiguration ErrorCode = "unknown_credential_configuration"
	// CodeInvalidProof: proofs missing, malformed, unverifiable, or without
	// a nonce.
	CodeInvalidProof ErrorCode = "invalid_proof"
	// CodeInvalidNonce: the proof's nonce is not a valid, unused c_nonce; the
	// wallet should fetch a new one.
	CodeInvalidNonce ErrorCode = "invalid_nonce"
	// CodeInvalidEncryptionParameters: credential_response_encryption was
	// sent; this issuer does not encrypt responses.
	CodeInvalidEncryptionParameters ErrorCode = "invalid_encryption_parameters"
	// CodeCredentialRequestDenied: the Issuer refused (ErrCredentialDenied).
	CodeCredentialRequestDenied ErrorCode = "credential_request_denied"
)

// ErrCredentialDenied is returned (wrapped) by an Issuer that will not issue
// the credential for this request; the wallet receives
// credential_request_denied. Any other Issuer error is a server fault.
var ErrCredentialDenied = errors.New("credential request denied")

// ProtocolError is a refusal the protocol defines: the wallet gets Code and
// Description as a JSON error response (see its Response and Status; 401
// with a WWW-Authenticate: Bearer challenge for invalid_token, 403 for
// insufficient_scope, 400 otherwise). Err, when set, is the internal cause
// for logs and is never sent to the client. Description is ASCII without
// '"' or '\' (the error_description character set of RFC 6749 and
// OpenID4VCI); Response drops any other character.
//
// Callers branch with errors.As and the Code field.
type ProtocolError = oauth.Error[ErrorCode]

// ErrorResponse is the JSON body of an error response.
type ErrorResponse = oauth.Response[ErrorCode]

func protoErr(code ErrorCode, desc string) *ProtocolError {
	return &ProtocolError{Code: code, Description: desc}
}

func protoErrCause(code ErrorCode, desc string, cause error) *ProtocolError {
	return &ProtocolError{Code: code, Description: desc, Err: cause}
}
