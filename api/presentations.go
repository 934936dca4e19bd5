package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/chainid/chainid/verifier/oid4vp"
)

// Presentations is the OpenID4VP verifier (verifier/oid4vp.Service behind
// the wiring). Implementations must be safe for concurrent use.
//
// Authorization: creating requests and reading their results needs the
// admin token or an issuer API key (requireIssuerKey), since results carry
// the holder's disclosed claims; the request_uri and response_uri
// endpoints are the wallet's and are open, protected by the request's
// unguessable id, nonce and state, its expiry and single use.
type Presentations interface {
	// CreatePresentationRequest makes a request; errors wrapping
	// oid4vp.ErrInvalidRequest are the caller's (400).
	CreatePresentationRequest(ctx context.Context, req oid4vp.CreateRequest) (*oid4vp.Created, error)
	// PresentationRequestObject is the request object of a by-reference
	// request (oid4vp.ErrNotFound, oid4vp.ErrExpired: 404).
	PresentationRequestObject(ctx context.Context, id string) (string, error)
	// PresentationResponse processes the wallet's direct_post response;
	// *oid4vp.ProtocolError refusals go to the wallet as OAuth errors.
	PresentationResponse(ctx context.Context, id string, form url.Values) (*oid4vp.Ack, error)
	// PresentationStatus reports a request and, when allowed, its result
	// (oid4vp.ErrResponseCode: 400).
	PresentationStatus(ctx context.Context, id, responseCode string) (*oid4vp.Status, error)
}

// CreatePresentationRequest is the body of POST /v1/presentation-requests.
type CreatePresentationRequest struct {
	// DCQLQuery is the DCQL query (OpenID4VP 1.0 §6).
	DCQLQuery json.RawMessage `json:"dcqlQuery" validate:"required"`
	// ClientIDPrefix is "decentralized_identifier" (default: the request
	// object is signed with the verifier's DID key) or "redirect_uri".
	ClientIDPrefix string `json:"clientIdPrefix,omitempty" validate:"omitempty,oneof=decentralized_identifier redirect_uri"`
	// ResponseMode is "direct_post" (default) or "direct_post.jwt"
	// (encrypted response).
	ResponseMode string `json:"responseMode,omitempty" validate:"omitempty,oneof=direct_post direct_post.jwt"`
	// ByValue puts the whole request in the URI (redirect_uri prefix only).
	ByValue bool `json:"byValue,omitempty"`
	// RedirectURI makes a same-device request: after responding, the
	// wallet sends the user there with #response_code=…, and the result
	// is released only against that code.
	RedirectURI string `json:"redirectUri,omitempty" validate:"max=2048"`
	// ExpiresIn is the request's lifetime in seconds; zero means the
	// server's default (5 minutes). At most one hour.
	ExpiresIn int `json:"expiresIn,omitempty" validate:"min=0,max=3600"`
}

// PresentationRequestInfo is the answer of POST /v1/presentation-requests.
type PresentationRequestInfo struct {
	ID         string `json:"id"`
	ClientID   string `json:"clientId"`
	RequestURI string `json:"requestUri,omitempty"`
	// URI is the openid4vp:// deep link.
	URI string `json:"uri"`
	// QRCode holds the deep link as a QR code: a PNG data: URL and an SVG
	// document.
	QRCode    QRCode    `json:"qrCode"`
	StatusURL string    `json:"statusUrl"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Request is the authorization request's parameters.
	Request oid4vp.AuthorizationRequest `json:"request"`
}

// QRCode is a QR code in two renderings.
type QRCode struct {
	PNG string `json:"png"`
	SVG string `json:"svg"`
}

// presentationRoutes are the routes of OpenID4VP presentation requests.
func (s *server) presentationRoutes() []route {
	return []route{
		{http.MethodPost, "/v1/presentation-requests", s.requireIssuerKey(s.handleCreatePresentationRequest())},
		{http.MethodGet, "/v1/presentation-requests/{id}", s.requireIssuerKey(s.handlePresentationStatus())},
		{http.MethodGet, "/v1/presentation-requests/{id}/request", s.handlePresentationRequestObject()},
		{http.MethodPost, "/v1/presentation-requests/{id}/response", s.handlePresentationResponse()},
	}
}

func errNoPresentations() error {
	return &apiError{kind: kindNotImplemented, detail: "this server does not verify OpenID4VP presentations"}
}

func (s *server) handleCreatePresentationRequest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.presentations == nil {
			s.writeProblem(w, r, errNoPresentations())
			return
		}
		var req CreatePresentationRequest
		if err := s.decodeJSON(r, &req); err != nil {
			s.writeProblem(w, r, err)
			return
		}
		prefix := ""
		if req.ClientIDPrefix != "" {
			prefix = req.ClientIDPrefix + ":"
		}
		created, err := s.presentations.CreatePresentationRequest(r.Context(), oid4vp.CreateRequest{
			DCQLQuery: req.DCQLQuery, ClientIDPrefix: prefix, ResponseMode: req.ResponseMode, ByValue: req.ByValue,
			RedirectURI: req.RedirectURI, TTL: time.Duration(req.ExpiresIn) * time.Second,
		})
		if err != nil {
			s.writeProblem(w, r, fmt.Errorf("create presentation request: %w", err))
			return
		}
		qr, err := renderQR(created.URI)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		status := strings.TrimSuffix(created.Request.ResponseURI, "/response")
		w.Header().Set("Location", status)
		s.writeJSON(w, r, http.StatusCreated, "application/json", PresentationRequestInfo{
			ID: created.ID, ClientID: created.ClientID, RequestURI: created.RequestURI, URI: created.URI,
			QRCode: qr, StatusURL: status, ExpiresAt: created.ExpiresAt, Request: created.Request,
		})
	})
}

func (s *server) handlePresentationStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.presentations == nil {
			s.writeProblem(w, r, errNoPresentations())
			return
		}
		q := r.URL.Query()
		if len(q["response_code"]) > 1 {
			s.writeProblem(w, r, &apiError{kind: kindInvalidRequest, detail: "response_code is repeated"})
			return
		}
		st, err := s.presentations.PresentationStatus(r.Context(), r.PathValue("id"), q.Get("response_code"))
		if err != nil {
			s.writeProblem(w, r, fmt.Errorf("presentation request status: %w", err))
			return
		}
		s.writeJSON(w, r, http.StatusOK, "application/json", st)
	})
}

func (s *server) handlePresentationRequestObject() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.presentations == nil {
			s.writeProblem(w, r, errNoPresentations())
			return
		}
		jwt, err := s.presentations.PresentationRequestObject(r.Context(), r.PathValue("id"))
		if err != nil {
			s.writeProblem(w, r, fmt.Errorf("request object: %w", err))
			return
		}
		w.Header().Set("Content-Type", oid4vp.MediaTypeRequestObject)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(jwt))
	}))
}

func (s *server) handlePresentationResponse() http.Handler {
	return cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.presentations == nil {
			s.writeProblem(w, r, errNoPresentations())
			return
		}
		if err := parseOAuthForm(r, "the response", oid4vp.CodeInvalidRequest); err != nil {
			s.writePresentationError(w, r, err)
			return
		}
		if len(r.URL.RawQuery) > 0 {
			s.writePresentationError(w, r, &oid4vp.ProtocolError{Code: oid4vp.CodeInvalidRequest, Description: "parameters go in the body, not the query"})
			return
		}
		ack, err := s.presentations.PresentationResponse(r.Context(), r.PathValue("id"), r.PostForm)
		if err != nil {
			s.writePresentationError(w, r, err)
			return
		}
		writeOAuth(w, http.StatusOK, ack)
	}))
}

// writePresentationError writes a refusal of the OpenID4VP response
// endpoint with writeOAuthRefusal.
func (s *server) writePresentationError(w http.ResponseWriter, r *http.Request, err error) {
	writeOAuthRefusal[oid4vp.ErrorCode](s, w, r, err)
}

// renderQR renders content as a PNG data: URL and an SVG document.
func renderQR(content string) (QRCode, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return QRCode{}, fmt.Errorf("render QR code: %w", err)
	}
	png, err := q.PNG(-4)
	if err != nil {
		return QRCode{}, fmt.Errorf("render QR code: %w", err)
	}
	return QRCode{PNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), SVG: qrSVG(q.Bitmap())}, nil
}

// qrSVG draws a QR bitmap (quiet zone included) as one SVG path, one
// unit per module.
func qrSVG(bm [][]bool) string {
	n := len(bm)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
