package api

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

// Media types of the resolver endpoint beyond those in package resolver.
const (
	mediaDereferencingResult = `application/ld+json;profile="https://w3id.org/did-url-dereferencing"`
	mediaDIDResolution       = "application/did-resolution"
	mediaDIDURLDereferencing = "application/did-url-dereferencing"
	profileResolution        = "https://w3id.org/did-resolution"
	profileDereferencing     = "https://w3id.org/did-url-dereferencing"
	maxAcceptRanges          = 32
)

// representation is what the client gets from the resolver endpoint.
type representation uint8

const (
	repNone      representation = iota
	repDIDJSON                  // the document as application/did+json
	repDIDLDJSON                // the document as application/did+ld+json, @context ensured
	repJSON                     // the document as application/json
	repResultLD                 // the full result as application/ld+json with the DID Resolution profile
	repResult                   // the full result as application/did-resolution (or …-dereferencing)
)

func (rep representation) isResult() bool { return rep == repResultLD || rep == repResult }

// documentType is the document media type asked of the resolver.
func (rep representation) documentType() string {
	if rep == repDIDLDJSON {
		return resolver.MediaDIDLDJSON
	}
	return resolver.MediaDIDJSON
}

// contentType is the response media type of a success.
func (rep representation) contentType(deref bool) string {
	switch rep {
	case repDIDLDJSON:
		return resolver.MediaDIDLDJSON
	case repJSON:
		return "application/json"
	case repResultLD:
		if deref {
			return mediaDereferencingResult
		}
		return resolver.MediaResolutionResult
	case repResult:
		if deref {
			return mediaDIDURLDereferencing
		}
		return mediaDIDResolution
	default:
		return resolver.MediaDIDJSON
	}
}

// negotiate picks the representation for an Accept header: the supported
// media range with the highest q, exact types before wildcards, earlier
// before later. An empty header means application/did+json. Types refused
// with q=0 are not chosen through a wildcard. repNone means 406.
func negotiate(accept string) representation {
	if strings.TrimSpace(accept) == "" {
		return repDIDJSON
	}
	type candidate struct {
		rep      representation
		q        float64
		wildcard bool
	}
	var cands []candidate
	refused := map[representation]bool{}
	for i, part := range splitAccept(accept) {
		if i == maxAcceptRanges {
			break
		}
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			q, err = strconv.ParseFloat(v, 64)
			if err != nil || q < 0 || q > 1 {
				continue
			}
		}
		if mt == "*/*" || mt == "application/*" {
			if q > 0 {
				cands = append(cands, candidate{repNone, q, true})
			}
			continue
		}
		rep := representationOf(mt, params["profile"])
		if rep == repNone {
			continue
		}
		if q == 0 {
			refused[rep] = true
			continue
		}
		cands = append(cands, candidate{rep, q, false})
	}
	best := candidate{}
	for _, c := range cands {
		if c.wildcard {
			c.rep = repNone
			for _, r := range [...]representation{repDIDJSON, repDIDLDJSON, repJSON, repResultLD} {
				if !refused[r] {
					c.rep = r
					break
				}
			}
			if c.rep == repNone {
				continue
			}
		} else if refused[c.rep] {
			continue
		}
		if best.rep == repNone || c.q > best.q || (c.q == best.q && best.wildcard && !c.wildcard) {
			best = c
		}
	}
	return best.rep
}

// representationOf maps one media type (lower-case, parameters parsed) to a
// representation.
func representationOf(mt, profile string) representation {
	switch mt {
	case resolver.MediaDIDJSON:
		return repDIDJSON
	case resolver.MediaDIDLDJSON:
		return repDIDLDJSON
	case "application/json":
		return repJSON
	case mediaDIDResolution, mediaDIDURLDereferencing:
		return repResult
	case "application/ld+json":
		for _, p := range strings.Fields(profile) {
			if p == profileResolution || p == profileDereferencing {
				return repResultLD
			}
		}
	}
	return repNone
}

// splitAccept splits an Accept header at commas outside quoted strings.
func splitAccept(s string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// identifierFromRequest extracts the DID or DID URL and the resolution
// options from a request to /1.0/identifiers/…; see the package doc for the
// two accepted forms. Errors are apiErrors.
func identifierFromRequest(r *http.Request) (string, resolver.Options, error) {
	var opts resolver.Options
	for _, v := range r.Header.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-cache") {
				opts.NoCache = true
			}
		}
	}
	// The escaped path keeps the client's percent-encoding (r.PathValue
	// would turn did:web's %3A into a colon). Drop "/1.0/identifiers/".
	raw := r.URL.EscapedPath()
	for range 3 {
		_, raw, _ = strings.Cut(raw, "/")
	}
	var s string
	if len(raw) >= 6 && strings.EqualFold(raw[:6], "did%3a") {
		var err error
		if s, err = url.PathUnescape(raw); err != nil {
			return "", opts, &apiError{kind: kindInvalidDIDURL, err: err, detail: "the URL-encoded DID URL is not valid percent-encoding"}
		}
		if err := resolutionOptions(r.URL.RawQuery, &opts); err != nil {
			return "", opts, err
		}
	} else {
		s = raw
		frag, hasFrag := "", false
		if i := strings.Index(strings.ToLower(s), "%23"); i >= 0 {
			s, frag, hasFrag = s[:i], s[i+3:], true
		}
		if r.URL.RawQuery != "" || r.URL.ForceQuery {
			s += "?" + r.URL.RawQuery
		}
		if hasFrag {
			s += "#" + frag
		}
	}
	if s == "" {
		return "", opts, &apiError{kind: kindInvalidDID, detail: "the request path names no DID"}
	}
	return s, opts, nil
}

// resolutionOptions reads the query of the URL-encoded form.
func resolutionOptions(rawQuery string, opts *resolver.Options) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return &apiError{kind: kindInvalidRequest, err: err, detail: "the query string is malformed"}
	}
	for name, values := range q {
		if len(values) != 1 {
			return &apiError{kind: kindInvalidRequest, detail: fmt.Sprintf("resolution option %q is given more than once", name)}
		}
		v := values[0]
		switch name {
		case "noCache":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return &apiError{kind: kindInvalidRequest, err: err, detail: "resolution option noCache must be true or false"}
			}
			opts.NoCache = opts.NoCache || b
		case "versionId":
			opts.VersionID = v
		case "versionTime":
			opts.VersionTime = v
		default:
			return &apiError{kind: kindInvalidRequest,
				detail: fmt.Sprintf("unknown resolution option %q (supported: noCache, versionId, versionTime)", name)}
		}
	}
	return nil
}

// parseIdentifier parses the DID or DID URL, telling the two error codes
// apart: a string without path, query or fragment is judged as a DID.
func parseIdentifier(s string) (did.URL, error) {
	u, err := did.ParseURL(s)
	if err == nil {
		return u, nil
	}
	if !strings.ContainsAny(s, "/?#") {
		if _, derr := did.Parse(s); derr != nil {
			return did.URL{}, &apiError{kind: kindInvalidDID, err: derr, detail: derr.Error()}
		}
	}
	return did.URL{}, &apiError{kind: kindInvalidDIDURL, err: err, detail: err.Error()}
}

// handleIdentifiers is the DID Resolution HTTP(S) binding.
func (s *server) handleIdentifiers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		rep := negotiate(r.Header.Get("Accept"))
		if rep == repNone {
			s.writeProblem(w, r, &apiError{kind: kindRepresentationNotSupported,
				detail: `no acceptable representation; supported: application/did+json, application/did+ld+json, ` +
					`application/json, application/ld+json;profile="https://w3id.org/did-resolution", application/did-resolution`})
			return
		}
		raw, opts, err := identifierFromRequest(r)
		if err != nil {
			s.writeResolutionFailure(w, r, rep, false, nil, err)
			return
		}
		u, err := parseIdentifier(raw)
		if err != nil {
			s.writeResolutionFailure(w, r, rep, strings.ContainsAny(raw, "/?#"), nil, err)
			return
		}
		opts.Accept = rep.documentType()
		if u.IsDID() {
			s.resolve(w, r, rep, u.DID, opts)
			return
		}
		s.dereference(w, r, rep, u, opts)
	})
}

func (s *server) resolve(w http.ResponseWriter, r *http.Request, rep representation, id did.DID, opts resolver.Options) {
	result, err := s.resolver.Resolve(r.Context(), id.String(), opts)
	if err == nil && result == nil {
		err = fmt.Errorf("resolve %s: resolver returned no result", id)
	}
	if err != nil {
		s.writeResolutionFailure(w, r, rep, false, result, err)
		return
	}
	deactivated := result.DocumentMetadata.Deactivated
	if rep.isResult() {
		res := *result
		if res.ResolutionMetadata.ContentType == "" && res.Document != nil {
			res.ResolutionMetadata.ContentType = rep.documentType()
		}
		status := http.StatusOK
		if deactivated {
			status = http.StatusGone
		}
		s.writeJSON(w, r, status, rep.contentType(false), res)
		return
	}
	if deactivated {
		s.writeProblem(w, r, &apiError{kind: kindDeactivated, detail: "the DID has been deactivated"})
		return
	}
	doc := result.Document
	if doc == nil {
		s.writeProblem(w, r, fmt.Errorf("resolve %s: resolver returned no document", id))
		return
	}
	if rep == repDIDLDJSON && doc.Context.IsZero() {
		withContext := *doc
		withContext.Context = did.Contexts(did.ContextDIDv1)
		doc = &withContext
	}
	s.writeJSON(w, r, http.StatusOK, rep.contentType(false), doc)
}

func (s *server) dereference(w http.ResponseWriter, r *http.Request, rep representation, u did.URL, opts resolver.Options) {
	res, err := s.resolver.Dereference(r.Context(), u.String(), opts)
	if err == nil && res == nil {
		err = fmt.Errorf("dereference %s: resolver returned no result", u)
	}
	if err != nil {
		s.writeResolutionFailure(w, r, rep, true, res, err)
		return
	}
	if res.Redirect != "" {
		target, err := url.Parse(res.Redirect)
		if err != nil || (target.Scheme != "https" && target.Scheme != "http") || target.Host == "" {
			s.writeResolutionFailure(w, r, rep, true, nil,
				fmt.Errorf("dereference %s: redirect target %q is not an absolute http(s) URL", u, res.Redirect))
			return
		}
		w.Header().Set("Location", target.String())
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	if rep.isResult() {
		s.writeJSON(w, r, http.StatusOK, rep.contentType(true), res)
		return
	}
	if len(res.ContentStream) == 0 {
		s.writeProblem(w, r, fmt.Errorf("dereference %s: resolver returned no content", u))
		return
	}
	ct := res.ContentType
	if ct == "" || rep == repJSON {
		ct = rep.contentType(true)
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.ContentStream)
}

// writeResolutionFailure answers a failed resolution or dereferencing. With
// a full-result representation and an error that has a DID Resolution code
// the body is the (resolver's or a new) result carrying the code; otherwise
// it is a problem document. Internal causes are logged, never sent.
func (s *server) writeResolutionFailure(w http.ResponseWriter, r *http.Request, rep representation, deref bool, result any, err error) {
	ae := s.report(r, err)
	if !rep.isResult() || ae.kind == kindInvalidRequest {
		writeProblemDoc(w, r, ae)
		return
	}
	md := resolver.Metadata{Error: ae.kind.resolutionCode(), ErrorMessage: ae.detail}
	if md.Error == resolver.CodeInternalError {
		md.ErrorMessage = ae.detail + " (request id " + requestIDFrom(r.Context()) + ")"
	}
	status := ae.kind.status()
	if deref {
		var out resolver.Dereferenced
		if d, ok := result.(*resolver.Dereferenced); ok && d != nil {
			out = *d
		}
		out.Metadata.Error, out.Metadata.ErrorMessage = md.Error, md.ErrorMessage
		s.writeJSON(w, r, status, rep.contentType(true), out)
		return
	}
	var out resolver.Result
	if res, ok := result.(*resolver.Result); ok && res != nil {
		out = *res
	}
	out.ResolutionMetadata.Error, out.ResolutionMetadata.ErrorMessage = md.Error, md.ErrorMessage
	if md.Error == resolver.CodeInternalError {
		out.Document = nil
	}
	s.writeJSON(w, r, status, rep.contentType(false), out)
}
