package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/chainid/chainid/did"
)

// MediaJSON is the content type of a dereferenced verification method,
// service or service endpoint URL.
const MediaJSON = "application/json"

// DID parameters (DID Core §3.2.1) that Dereference understands. Any other
// parameter, including hl (hashlink integrity, which this resolver cannot
// check), is refused rather than silently ignored.
const (
	paramService     = "service"
	paramRelativeRef = "relativeRef"
	paramVersionID   = "versionId"
	paramVersionTime = "versionTime"
)

// Dereference dereferences the DID URL didURL (DID Resolution §5). It always
// returns a non-nil Dereferenced; on failure the error is an *Error whose
// Code is also in Dereferenced.Metadata.Error.
//
// The DID is resolved with opts, except that versionId and versionTime DID
// parameters in didURL override opts.VersionID and opts.VersionTime. Then:
//
//   - no path, query or fragment (or only version parameters): the whole
//     document, content type as negotiated from opts.Accept;
//   - a fragment: the verification method or service whose id, relative
//     ("#key-1") or absolute, equals it; application/json;
//   - service=ID: the service whose id is "#ID" (or ID itself when it is a
//     DID URL), as application/json, with Redirect set to its first string
//     endpoint URI when that is an absolute URI;
//   - service=ID&relativeRef=REF: Redirect is REF resolved against the
//     service's first string endpoint URI (RFC 3986 §5.2) and the content is
//     that URL as a JSON string. REF must be a relative reference.
//
// With service, a fragment of didURL is appended to the Redirect URL (an
// endpoint that already has a fragment is a conflict: invalidDidUrl).
// Paths and other DID parameters are not supported: notFound. A fragment or
// service of a deactivated DID fails with CodeDeactivated; the whole
// document of a deactivated DID is returned without error, with
// ContentMeta.Deactivated set.
func (r *Resolver) Dereference(ctx context.Context, didURL string, opts Options) (*Dereferenced, error) {
	start := r.now()
	out := &Dereferenced{}
	fail := func(code, msg string, err error) (*Dereferenced, error) {
		out.ContentStream, out.ContentType, out.Redirect = nil, "", ""
		out.Metadata = Metadata{
			Error:        code,
			ErrorMessage: msg,
			Retrieved:    start,
			DurationMS:   r.now().Sub(start).Milliseconds(),
		}
		return out, &Error{Code: code, Err: err}
	}
	invalid := func(format string, args ...any) (*Dereferenced, error) {
		err := fmt.Errorf("dereference %s: %w: %s", shorten(didURL), did.ErrInvalidDIDURL, fmt.Sprintf(format, args...))
		return fail(CodeInvalidDIDURL, shorten(err.Error()), err)
	}
	notFound := func(format string, args ...any) (*Dereferenced, error) {
		msg := fmt.Sprintf(format, args...)
		return fail(CodeNotFound, shorten(msg), fmt.Errorf("dereference %s: %w: %s", shorten(didURL), did.ErrNotFound, msg))
	}

	u, err := did.ParseURL(didURL)
	if err != nil {
		return fail(CodeInvalidDIDURL, shorten(err.Error()), err)
	}
	params, err := u.Params()
	if err != nil {
		return fail(CodeInvalidDIDURL, shorten(err.Error()), fmt.Errorf("dereference %s: %w", shorten(didURL), err))
	}
	for name, vs := range params {
		switch name {
		case paramService, paramRelativeRef, paramVersionID, paramVersionTime:
			if len(vs) != 1 {
				return invalid("DID parameter %q given %d times", name, len(vs))
			}
		default:
			return notFound("DID parameter %q is not supported", shorten(name))
		}
	}
	service, relativeRef := params.Get(paramService), params.Get(paramRelativeRef)
	if params.Has(paramRelativeRef) && !params.Has(paramService) {
		return invalid("relativeRef without service")
	}
	if params.Has(paramService) && service == "" {
		return invalid("empty service")
	}
	if params.Has(paramVersionID) {
		opts.VersionID = params.Get(paramVersionID)
	}
	if params.Has(paramVersionTime) {
		opts.VersionTime = params.Get(paramVersionTime)
	}
	if u.Path != "" {
		return notFound("DID URL paths are not supported")
	}

	res, err := r.Resolve(ctx, u.DID.String(), opts)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Code: CodeInternalError, Err: err}
		}
		return fail(e.Code, res.ResolutionMetadata.ErrorMessage, fmt.Errorf("dereference %s: %w", shorten(didURL), e.Err))
	}
	meta := res.DocumentMetadata
	out.ContentMeta = &meta
	doc := res.Document
	ok := func(content any, contentType, redirect string) (*Dereferenced, error) {
		b, err := json.Marshal(content)
		if err != nil {
			return fail(CodeInternalError, "internal error", fmt.Errorf("dereference %s: encode: %w", shorten(didURL), err))
		}
		out.ContentStream, out.ContentType, out.Redirect = b, contentType, redirect
		out.Metadata = Metadata{
			ContentType: contentType,
			Retrieved:   res.ResolutionMetadata.Retrieved,
			Cached:      res.ResolutionMetadata.Cached,
			DurationMS:  r.now().Sub(start).Milliseconds(),
		}
		return out, nil
	}

	if service == "" && !u.HasFragment {
		if doc == nil {
			// Deactivated without a document: nothing to show, which the
			// content metadata explains.
			out.Metadata = Metadata{ContentType: res.ResolutionMetadata.ContentType, Retrieved: res.ResolutionMetadata.Retrieved,
				Cached: res.ResolutionMetadata.Cached, DurationMS: r.now().Sub(start).Milliseconds()}
			out.ContentType = out.Metadata.ContentType
			return out, nil
		}
		return ok(doc, res.ResolutionMetadata.ContentType, "")
	}
	if meta.Deactivated || doc == nil {
		msg := fmt.Sprintf("%s is deactivated", u.DID)
		return fail(CodeDeactivated, msg, fmt.Errorf("dereference %s: %s", shorten(didURL), msg))
	}

	if service == "" {
		ref := "#" + u.Fragment
		if vm, found := doc.FindVerificationMethod(ref); found {
			return ok(vm, MediaJSON, "")
		}
		if svc, found := doc.FindService(ref); found {
			return ok(svc, MediaJSON, "")
		}
		return notFound("no verification method or service %q in %s", shorten(ref), u.DID)
	}

	ref := service
	if !strings.HasPrefix(ref, "did:") {
		ref = "#" + ref
	}
	svc, found := doc.FindService(ref)
	if !found {
		return notFound("no service %q in %s", shorten(service), u.DID)
	}
	var endpoint *url.URL
	if uris := svc.EndpointURIs(); len(uris) > 0 {
		if e, err := url.Parse(uris[0]); err == nil && e.IsAbs() {
			endpoint = e
		}
	}
	if !params.Has(paramRelativeRef) {
		if endpoint == nil {
			return ok(svc, MediaJSON, "")
		}
		target, err := withFragment(endpoint, u)
		if err != nil {
			return invalid("%s", err.Error())
		}
		return ok(svc, MediaJSON, target)
	}

	if endpoint == nil || endpoint.Opaque != "" {
		return notFound("service %q has no hierarchical URI endpoint to resolve relativeRef against", shorten(service))
	}
	rel, err := url.Parse(relativeRef)
	if err != nil {
		return invalid("relativeRef: %s", err.Error())
	}
	if rel.Scheme != "" || rel.Host != "" || rel.User != nil || strings.HasPrefix(relativeRef, "//") {
		return invalid("relativeRef %q is not a relative reference", shorten(relativeRef))
	}
	target, err := withFragment(endpoint.ResolveReference(rel), u)
	if err != nil {
		return invalid("%s", err.Error())
	}
	return ok(target, MediaJSON, target)
}

// withFragment returns t as a string with u's fragment, if any, appended.
func withFragment(t *url.URL, u did.URL) (string, error) {
	if !u.HasFragment {
		return t.String(), nil
	}
	if t.Fragment != "" || t.RawFragment != "" {
		return "", errors.New("both the DID URL and the service endpoint URL have a fragment")
	}
	return t.String() + "#" + u.Fragment, nil
}
