package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/oauth"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/verifier/siwe"
)

// mediaProblem is the RFC 9457 media type of every error response.
const mediaProblem = "application/problem+json"

// problemTypePrefix prefixes every problem type URI.
const problemTypePrefix = "urn:chainid:problem:"

// kind is an error kind: one stable problem type, title and status.
type kind uint8

const (
	kindInternal kind = iota
	kindInvalidRequest
	kindValidation
	kindNotFound
	kindMethodNotAllowed
	kindUnsupportedMediaType
	kindPayloadTooLarge
	kindUnauthorized
	kindForbidden
	kindNotImplemented
	kindUnavailable
	kindTimeout
	kindInvalidDID
	kindInvalidDIDURL
	kindDIDNotFound
	kindMethodNotSupported
	kindRepresentationNotSupported
	kindDeactivated
	kindNotOwner
	kindInsufficientFunds
	kindReverted
	kindConflict
	kindInvalidCredential
	kindCredentialNotFound
	kindTooManyRequests
)

// info returns the slug (the problem type is problemTypePrefix+slug), the
// title and the HTTP status of k.
func (k kind) info() (slug, title string, status int) {
	switch k {
	case kindInvalidRequest:
		return "invalid-request", "Invalid request", http.StatusBadRequest
	case kindValidation:
		return "validation", "Request validation failed", http.StatusBadRequest
	case kindNotFound:
		return "not-found", "Not found", http.StatusNotFound
	case kindMethodNotAllowed:
		return "method-not-allowed", "Method not allowed", http.StatusMethodNotAllowed
	case kindUnsupportedMediaType:
		return "unsupported-media-type", "Unsupported media type", http.StatusUnsupportedMediaType
	case kindPayloadTooLarge:
		return "payload-too-large", "Payload too large", http.StatusRequestEntityTooLarge
	case kindUnauthorized:
		return "unauthorized", "Unauthorized", http.StatusUnauthorized
	case kindForbidden:
		return "forbidden", "Forbidden", http.StatusForbidden
	case kindNotImplemented:
		return "not-implemented", "Not implemented", http.StatusNotImplemented
	case kindUnavailable:
		return "unavailable", "Service unavailable", http.StatusServiceUnavailable
	case kindTimeout:
		return "timeout", "Request timed out", http.StatusServiceUnavailable
	case kindInvalidDID:
		return "invalid-did", "Invalid DID", http.StatusBadRequest
	case kindInvalidDIDURL:
		return "invalid-did-url", "Invalid DID URL", http.StatusBadRequest
	case kindDIDNotFound:
		return "did-not-found", "DID not found", http.StatusNotFound
	case kindMethodNotSupported:
		return "method-not-supported", "DID method not supported", http.StatusNotImplemented
	case kindRepresentationNotSupported:
		return "representation-not-supported", "Representation not supported", http.StatusNotAcceptable
	case kindDeactivated:
		return "deactivated", "DID deactivated", http.StatusGone
	case kindNotOwner:
		return "not-owner", "Not the DID's owner", http.StatusConflict
	case kindInsufficientFunds:
		return "insufficient-funds", "Insufficient funds", http.StatusPaymentRequired
	case kindReverted:
		return "reverted", "Transaction reverted", http.StatusUnprocessableEntity
	case kindConflict:
		return "conflict", "Conflict with stored state", http.StatusConflict
	case kindInvalidCredential:
		return "invalid-credential", "Invalid credential", http.StatusUnprocessableEntity
	case kindCredentialNotFound:
		return "credential-not-found", "Credential not found", http.StatusNotFound
	case kindTooManyRequests:
		return "too-many-requests", "Too many requests", http.StatusTooManyRequests
	default:
		return "internal", "Internal server error", http.StatusInternalServerError
	}
}

func (k kind) status() int {
	_, _, status := k.info()
	return status
}

// resolutionCode is the DID Resolution error code of k.
func (k kind) resolutionCode() string {
	switch k {
	case kindInvalidDID:
		return resolver.CodeInvalidDID
	case kindInvalidDIDURL:
		return resolver.CodeInvalidDIDURL
	case kindDIDNotFound:
		return resolver.CodeNotFound
	case kindMethodNotSupported:
		return resolver.CodeMethodNotSupported
	case kindRepresentationNotSupported:
		return resolver.CodeRepresentationNotSupported
	case kindDeactivated:
		return resolver.CodeDeactivated
	default:
		return resolver.CodeInternalError
	}
}

// apiError is an error with a kind and a detail that is safe to show to
// clients. err, the cause, is only logged.
type apiError struct {
	kind   kind
	detail string
	fields []fieldError
	err    error
}

func (e *apiError) Error() string {
	if e.err == nil {
		return e.detail
	}
	return e.detail + ": " + e.err.Error()
}

func (e *apiError) Unwrap() error { return e.err }

// fieldError is one entry of the "errors" extension member.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// problem is an RFC 9457 problem details document.
type problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []fieldError `json:"errors,omitempty"`
}

// classify turns any error into an apiError with a client-safe detail. It
// is the only place that decides which error becomes which response.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &apiError{kind: kindPayloadTooLarge, err: err,
			detail: "the request body exceeds " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"}
	}
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		return &apiError{kind: kindValidation, err: err, detail: "the request body is invalid", fields: fieldErrors(verrs)}
	}
	var rerr *resolver.Error
	if errors.As(err, &rerr) {
		return classifyResolution(rerr.Code, err)
	}
	switch {
	case errors.Is(err, did.ErrInvalidDIDURL):
		return classifyResolution(resolver.CodeInvalidDIDURL, err)
	case errors.Is(err, did.ErrInvalidDID):
		return classifyResolution(resolver.CodeInvalidDID, err)
	case errors.Is(err, did.ErrNotFound):
		return classifyResolution(resolver.CodeNotFound, err)
	case errors.Is(err, did.ErrMethodNotSupported):
		return classifyResolution(resolver.CodeMethodNotSupported, err)
	case errors.Is(err, oid4vp.ErrInvalidRequest), errors.Is(err, oid4vp.ErrResponseCode):
		return &apiError{kind: kindInvalidRequest, err: err, detail: err.Error()}
	case errors.Is(err, oid4vp.ErrNotFound), errors.Is(err, oid4vp.ErrExpired):
		return &apiError{kind: kindNotFound, err: err, detail: "no such presentation request, or it has expired"}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{kind: kindTimeout, err: err, detail: "the request did not complete in time"}
	case errors.Is(err, context.Canceled):
		return &apiError{kind: kindUnavailable, err: err, detail: "the request was canceled"}
	}
	return &apiError{kind: kindInternal, err: err, detail: "an internal error occurred"}
}

// credentialsError classifies a failure of the issuer, schema, verifier and
// publisher interfaces. Client errors show the cause's text, which names
// the issuer, schema, format or field at fault; subject validation errors
// list each field (as "subject/<pointer>"); server errors get fixed
// details and are only logged.
func credentialsError(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	var se *issuer.SubjectError
	switch {
	case errors.As(err, &se):
		fields := make([]fieldError, 0, len(se.Fields))
		for _, f := range se.Fields {
			fields = append(fields, fieldError{Field: "subject" + f.Path, Message: f.Message})
		}
		return &apiError{kind: kindValidation, err: wrapped, fields: fields,
			detail: "the credential subject does not match schema " + se.Schema}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return wrapped
	case errors.Is(err, issuer.ErrCredentialNotFound):
		return &apiError{kind: kindCredentialNotFound, err: wrapped, detail: err.Error()}
	case errors.Is(err, issuer.ErrConflict):
		return &apiError{kind: kindConflict, err: wrapped, detail: err.Error()}
	case errors.Is(err, issuer.ErrInvalidCredential):
		return &apiError{kind: kindInvalidCredential, err: wrapped, detail: err.Error()}
	case errors.Is(err, issuer.ErrUnknownIssuer), errors.Is(err, issuer.ErrUnknownSchema),
		errors.Is(err, issuer.ErrUnsupportedFormat), errors.Is(err, issuer.ErrInvalidRequest),
		errors.Is(err, oid4vci.ErrInvalidOfferRequest):
		return &apiError{kind: kindInvalidRequest, err: wrapped, detail: err.Error()}
	case errors.Is(err, status.ErrUnknownEntry), errors.Is(err, issuer.ErrForeignStatus):
		return &apiError{kind: kindNotFound, err: wrapped, detail: "no such status list"}
	}
	return didsError(op, err)
}

// verifyError classifies a Verifier failure: input that is no credential
// or presentation is a bad request (400), as VC-API's verifier endpoints
// specify; verification failures are not errors but results.
func verifyError(op string, err error) error {
	if errors.Is(err, issuer.ErrInvalidCredential) {
		return &apiError{kind: kindInvalidRequest, err: fmt.Errorf("%s: %w", op, err), detail: err.Error()}
	}
	return credentialsError(op, err)
}

// publishError classifies a Publisher failure: an unknown issuer, list or
// context is a missing document (404).
func publishError(op string, err error) error {
	if errors.Is(err, issuer.ErrUnknownIssuer) || errors.Is(err, issuer.ErrUnknownSchema) || errors.Is(err, status.ErrUnknownEntry) {
		return &apiError{kind: kindNotFound, err: fmt.Errorf("%s: %w", op, err), detail: "no such document"}
	}
	return credentialsError(op, err)
}

// classifyResolution maps a DID Resolution error code. Only syntax errors
// pass the cause's text to the client: it says what is wrong with the
// input. Other codes get fixed details.
func classifyResolution(code string, err error) *apiError {
	switch code {
	case resolver.CodeInvalidDID:
		return &apiError{kind: kindInvalidDID, err: err, detail: causeText(err, "the DID is not valid")}
	case resolver.CodeInvalidDIDURL:
		return &apiError{kind: kindInvalidDIDURL, err: err, detail: causeText(err, "the DID URL is not valid")}
	case resolver.CodeNotFound:
		return &apiError{kind: kindDIDNotFound, err: err, detail: "the DID or DID URL was not found"}
	case resolver.CodeMethodNotSupported:
		return &apiError{kind: kindMethodNotSupported, err: err, detail: "the DID method is not supported by this resolver"}
	case resolver.CodeRepresentationNotSupported:
		return &apiError{kind: kindRepresentationNotSupported, err: err, detail: "the requested representation is not supported"}
	case resolver.CodeDeactivated:
		return &apiError{kind: kindDeactivated, err: err, detail: "the DID has been deactivated"}
	}
	return &apiError{kind: kindInternal, err: err, detail: "an internal error occurred"}
}

// causeText is the message of the innermost cause below a *resolver.Error,
// or fallback when there is none.
func causeText(err error, fallback string) string {
	var rerr *resolver.Error
	if errors.As(err, &rerr) {
		err = rerr.Err
	}
	if err == nil {
		return fallback
	}
	return err.Error()
}

// report classifies err and logs it: server errors at error level with the
// whole chain, client errors at debug level.
func (s *server) report(r *http.Request, err error) *apiError {
	ae := classify(err)
	slug, _, status := ae.kind.info()
	level := slog.LevelDebug
	if status >= 500 && status != http.StatusNotImplemented {
		level = slog.LevelError
	}
	s.log.LogAttrs(r.Context(), level, "request failed",
		slog.String("request_id", requestIDFrom(r.Context())),
		slog.String("problem", slug),
		slog.Int("status", status),
		slog.String("error", err.Error()))
	return ae
}

// writeProblem writes err as application/problem+json. It is the one
// error-to-response mapper of the package.
func (s *server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	ae := s.report(r, err)
	writeProblemDoc(w, r, ae)
}

// writeProblemDoc writes an already classified error without logging it.
func writeProblemDoc(w http.ResponseWriter, r *http.Request, ae *apiError) {
	slug, title, status := ae.kind.info()
	p := problem{
		Type:      problemTypePrefix + slug,
		Title:     title,
		Status:    status,
		Detail:    ae.detail,
		Instance:  r.URL.EscapedPath(),
		RequestID: requestIDFrom(r.Context()),
		Errors:    ae.fields,
	}
	if ae.kind == kindUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chainid-admin"`)
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Cache-Control", "no-store")
	body, err := json.Marshal(p)
	if err != nil {
		// A problem of strings and ints always marshals.
		panic("api: marshal problem: " + err.Error())
	}
	h.Set("Content-Type", mediaProblem)
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeOAuthError writes a refusal of the OpenID4VCI wallet endpoints
// (token, nonce, credential) with writeOAuthRefusal.
func (s *server) writeOAuthError(w http.ResponseWriter, r *http.Request, err error) {
	writeOAuthRefusal[oid4vci.ErrorCode](s, w, r, err)
}

// writeOAuthRefusal writes a refusal of a wallet endpoint. An
// *oauth.Error[C] (an *oid4vci.ProtocolError or *oid4vp.ProtocolError) is
// sent in the OAuth 2.0 error shape its clients expect, {"error",
// "error_description"} as application/json with the error's own status
// (and, for invalid_token, a WWW-Authenticate Bearer challenge); it is the
// one exception to problem+json. Anything else is a server fault and goes
// to writeProblem.
func writeOAuthRefusal[C ~string](s *server, w http.ResponseWriter, r *http.Request, err error) {
	var pe *oauth.Error[C]
	if !errors.As(err, &pe) {
		s.writeProblem(w, r, err)
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "request refused",
		slog.String("request_id", requestIDFrom(r.Context())),
		slog.String("oauth_error", string(pe.Code)),
		slog.Int("status", pe.Status()),
		slog.String("error", err.Error()))
	if pe.Status() == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+string(pe.Code)+`"`)
	}
	writeOAuth(w, pe.Status(), pe.Response())
}

// fieldErrors turns validator errors into field-level messages named as in
// the JSON body.
func fieldErrors(verrs validator.ValidationErrors) []fieldError {
	out := make([]fieldError, 0, len(verrs))
	for _, fe := range verrs {
		field := fe.Namespace()
		if _, rest, ok := strings.Cut(field, "."); ok {
			field = rest
		}
		out = append(out, fieldError{Field: field, Message: fieldMessage(fe)})
	}
	return out
}

// condition renders a required_if/excluded_unless parameter such as
// "Op add-key" as "op is add-key" (the Go field names these rules name are
// the JSON member names, capitalized).
func condition(param string) string {
	f := strings.Fields(param)
	if len(f) != 2 || f[0] == "" {
		return param
	}
	return strings.ToLower(f[0][:1]) + f[0][1:] + " is " + f[1]
}

func fieldMessage(fe validator.FieldError) string {
	unit := ""
	if fe.Kind() == reflect.String {
		unit = " characters"
	}
	switch fe.Tag() {
	case "required":
		return "is required"
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(fe.Param()), ", ")
	case "max":
		return "must be at most " + fe.Param() + unit
	case "min":
		return "must be at least " + fe.Param() + unit
	case "len":
		return "must be exactly " + fe.Param() + unit
	case "nocontrol":
		return "must not contain control characters"
	case "required_if":
		return "is required when " + condition(fe.Param())
	case "excluded_unless":
		return "is only allowed when " + condition(fe.Param())
	case "url":
		return "must be an absolute URL"
	case "eth_addr":
		return "must be an Ethereum address (0x and 40 hex digits)"
	case "alphanum":
		return "must contain only ASCII letters and digits"
	case "printascii":
		return "must contain only printable ASCII characters"
	default:
		return "fails the " + fe.Tag() + " rule"
	}
}

// siweError classifies a failure of the Sign-In with Ethereum interface.
// The texts of siwe's syntax errors and refusals say which rule or check
// failed and carry nothing secret, so they are shown.
func siweError(op string, err error) error {
	wrapped := fmt.Errorf("%s: %w", op, err)
	switch {
	case errors.Is(err, siwe.ErrSyntax):
		return &apiError{kind: kindInvalidRequest, err: wrapped, detail: err.Error()}
	case errors.Is(err, siwe.ErrRefused):
		return &apiError{kind: kindForbidden, err: wrapped, detail: err.Error()}
	case errors.Is(err, siwe.ErrChainUnavailable):
		return &apiError{kind: kindUnavailable, err: wrapped, detail: "the chain could not be asked; try again"}
	case errors.Is(err, ErrSIWEWrongBrowser):
		return &apiError{kind: kindForbidden, err: wrapped, detail: ErrSIWEWrongBrowser.Error()}
	case errors.Is(err, ErrSIWEUnknownRequest):
		return &apiError{kind: kindNotFound, err: wrapped, detail: ErrSIWEUnknownRequest.Error()}
	}
	return wrapped
}
