package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/chainid/chainid/did"
)

// Defaults applied to zero Config fields.
const (
	DefaultTTL           = 5 * time.Minute
	DefaultNegativeTTL   = 30 * time.Second
	DefaultMaxConcurrent = 64
)

// maxErrorMessage bounds the errorMessage copied from a method's error into
// resolution metadata.
const maxErrorMessage = 256

// Config configures a Resolver. The zero value is a resolver with no methods
// (every DID is methodNotSupported) and no cache.
type Config struct {
	// Methods maps a DID method name ("key", "web", …) to its
	// implementation. Names must be valid DID method names (lower-case
	// letters and digits); values must not be nil. New copies the map.
	Methods map[string]Method
	// Cache stores results; nil disables caching.
	Cache Cache
	// Uncached names methods whose results never go to the cache because
	// computing them is cheaper than a cache round trip: did:key, did:jwk
	// and did:pkh documents are pure functions of the DID.
	Uncached []string
	// TTL is how long a resolved (or deactivated) result is cached; zero
	// means DefaultTTL.
	TTL time.Duration
	// NegativeTTL is how long notFound and invalidDid answers from a method
	// are cached; zero means DefaultNegativeTTL. Internal errors are never
	// cached.
	NegativeTTL time.Duration
	// MaxConcurrent bounds the method calls running at once across all
	// DIDs; callers beyond it wait (until their context ends). Zero means
	// DefaultMaxConcurrent. A Method that resolves other DIDs through the
	// same Resolver holds a slot while it waits for them, so keep the bound
	// well above the depth of such nesting.
	MaxConcurrent int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives cache failures (which do not fail a resolution);
	// nil discards them.
	Logger *slog.Logger
}

// Resolver resolves DIDs and dereferences DID URLs. It is safe for
// concurrent use.
type Resolver struct {
	methods     map[string]Method
	cache       Cache
	ttl         time.Duration
	negativeTTL time.Duration
	now         func() time.Time
	log         *slog.Logger
	sem         chan struct{}
	flights     group
	uncached    map[string]bool
}

// New returns a Resolver for cfg.
func New(cfg Config) (*Resolver, error) {
	for name, m := range cfg.Methods {
		if id, err := did.Parse("did:" + name + ":x"); err != nil || id.Method != name {
			return nil, fmt.Errorf("new resolver: method name %q: %w", name, did.ErrInvalidDID)
		}
		if m == nil {
			return nil, fmt.Errorf("new resolver: method %q is nil", name)
		}
	}
	if cfg.TTL < 0 || cfg.NegativeTTL < 0 || cfg.MaxConcurrent < 0 {
		return nil, errors.New("new resolver: TTL, NegativeTTL and MaxConcurrent must not be negative")
	}
	r := &Resolver{
		methods:     maps.Clone(cfg.Methods),
		cache:       cfg.Cache,
		ttl:         cmp(cfg.TTL, DefaultTTL),
		negativeTTL: cmp(cfg.NegativeTTL, DefaultNegativeTTL),
		now:         cfg.Now,
		log:         cfg.Logger,
		sem:         make(chan struct{}, cmp(cfg.MaxConcurrent, DefaultMaxConcurrent)),
	}
	if r.methods == nil {
		r.methods = map[string]Method{}
	}
	r.uncached = make(map[string]bool, len(cfg.Uncached))
	for _, m := range cfg.Uncached {
		r.uncached[m] = true
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// cmp returns v, or def when v is zero.
func cmp[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Methods returns the names of the registered DID methods, sorted.
func (r *Resolver) Methods() []string {
	return slices.Sorted(maps.Keys(r.methods))
}

// Resolve resolves didStr (DID Resolution §4). It always returns a non-nil
// Result. On failure the error is an *Error whose Code is also in
// Result.ResolutionMetadata.Error: CodeInvalidDID, CodeMethodNotSupported,
// CodeRepresentationNotSupported, CodeNotFound or CodeInternalError. A
// deactivated DID is not an error: the result carries
// DocumentMetadata.Deactivated.
//
// The returned Document belongs to the caller.
func (r *Resolver) Resolve(ctx context.Context, didStr string, opts Options) (*Result, error) {
	start := r.now()
	res := &Result{}
	fail := func(code, msg string, err error) (*Result, error) {
		res.Document = nil
		res.ResolutionMetadata = Metadata{
			Error:        code,
			ErrorMessage: msg,
			Retrieved:    start,
			DurationMS:   r.now().Sub(start).Milliseconds(),
		}
		return res, &Error{Code: code, Err: err}
	}

	id, err := did.Parse(didStr)
	if err != nil {
		return fail(CodeInvalidDID, shorten(err.Error()), err)
	}
	m, ok := r.methods[id.Method]
	if !ok {
		err := fmt.Errorf("resolve %s: %w: %q", id, did.ErrMethodNotSupported, id.Method)
		return fail(CodeMethodNotSupported, fmt.Sprintf("DID method %q is not supported", id.Method), err)
	}
	contentType, ok := negotiate(opts.Accept)
	if !ok {
		err := fmt.Errorf("resolve %s: representation %q is not supported", id, shorten(opts.Accept))
		return fail(CodeRepresentationNotSupported, shorten(err.Error()), err)
	}

	key := cacheKey(id, opts)
	var out outcome
	cached := false
	if r.cache != nil && !opts.NoCache && !r.uncached[id.Method] {
		out, cached = r.readCache(ctx, key, id)
	}
	if !cached {
		var shared bool
		out, shared, err = r.flights.do(ctx, key, func(fctx context.Context) outcome {
			return r.call(fctx, m, id, opts, key)
		})
		if err != nil {
			err = fmt.Errorf("resolve %s: %w", id, err)
			return fail(CodeInternalError, "internal error", err)
		}
		if shared && out.doc != nil {
			// Followers get their own copy: the leader's document is
			// the caller's to modify.
			if out.doc, err = cloneDocument(out.doc); err != nil {
				return fail(CodeInternalError, "internal error", fmt.Errorf("resolve %s: %w", id, err))
			}
		}
	}
	if out.code != "" {
		res.DocumentMetadata = out.meta
		return fail(out.code, out.msg, out.err)
	}
	res.Document = out.doc
	res.DocumentMetadata = out.meta
	res.ResolutionMetadata = Metadata{
		ContentType: contentType,
		Retrieved:   out.retrieved,
		Cached:      cached,
		DurationMS:  r.now().Sub(start).Milliseconds(),
	}
	return res, nil
}

// outcome is one method call's answer as the resolver keeps it: a
// document, or an error code with a client-safe message and the cause.
type outcome struct {
	doc       *did.Document
	meta      did.DocumentMetadata
	retrieved time.Time
	code      string
	msg       string
	err       error
}

// call runs the method once (inside a flight), classifies its answer and
// stores it in the cache when it may be cached.
func (r *Resolver) call(ctx context.Context, m Method, id did.DID, opts Options, key string) (out outcome) {
	out.retrieved = r.now()
	defer func() {
		if p := recover(); p != nil {
			out = outcome{retrieved: out.retrieved, code: CodeInternalError, msg: "internal error",
				err: fmt.Errorf("resolve %s: method panicked: %v", id, p)}
		}
	}()
	select {
	case r.sem <- struct{}{}:
		defer func() { <-r.sem }()
	case <-ctx.Done():
		return outcome{retrieved: out.retrieved, code: CodeInternalError, msg: "internal error",
			err: fmt.Errorf("resolve %s: waiting for a slot: %w", id, context.Cause(ctx))}
	}

	doc, meta, err := m.Resolve(ctx, id, did.ResolveOptions{VersionID: opts.VersionID, VersionTime: opts.VersionTime})
	out.meta = meta
	switch {
	case err == nil && doc == nil && !meta.Deactivated:
		out.code, out.msg = CodeInternalError, "internal error"
		out.err = fmt.Errorf("resolve %s: method returned no document", id)
		return out
	case err == nil && doc != nil && doc.ID != id.String():
		out.code, out.msg = CodeInternalError, "internal error"
		out.err = fmt.Errorf("resolve %s: method returned a document for %q", id, shorten(doc.ID))
		return out
	case err == nil:
		out.doc = doc
		if !r.uncached[id.Method] {
			r.writeCache(ctx, key, out, r.ttl)
		}
		return out
	case errors.Is(err, did.ErrInvalidDID):
		out.code = CodeInvalidDID
	case errors.Is(err, did.ErrNotFound):
		out.code = CodeNotFound
	default:
		out.code, out.msg = CodeInternalError, "internal error"
		out.err = fmt.Errorf("resolve %s: %w", id, err)
		return out
	}
	out.msg = shorten(err.Error())
	out.err = fmt.Errorf("resolve %s: %w", id, err)
	out.meta = did.DocumentMetadata{}
	if !r.uncached[id.Method] {
		r.writeCache(ctx, key, out, r.negativeTTL)
	}
	return out
}

func cloneDocument(d *did.Document) (*did.Document, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("copy document: %w", err)
	}
	var c did.Document
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("copy document: %w", err)
	}
	return &c, nil
}

// shorten bounds a message copied into metadata.
func shorten(s string) string {
	if len(s) <= maxErrorMessage {
		return s
	}
	return s[:maxErrorMessage] + "…"
}

// Cache encoding. Keys and values are versioned so a format change never
// reads an old entry as a new one.
const (
	cacheKeyPrefix    = "resolve/v1/"
	cacheEntryVersion = 1
)

// cacheKey identifies a resolution independently of the representation:
// the DID plus the version options, query-escaped so no option value can
// forge another key.
func cacheKey(id did.DID, opts Options) string {
	return cacheKeyPrefix + id.String() + "?versionId=" + url.QueryEscape(opts.VersionID) +
		"&versionTime=" + url.QueryEscape(opts.VersionTime)
}

// cacheEntry is the stored value: a document and its metadata, or a
// negative answer (notFound, invalidDid) with its message.
type cacheEntry struct {
	V         int                  `json:"v"`
	Expires   time.Time            `json:"expires"`
	Retrieved time.Time            `json:"retrieved"`
	Document  *did.Document        `json:"didDocument,omitempty"`
	Metadata  did.DocumentMetadata `json:"didDocumentMetadata"`
	Error     string               `json:"error,omitempty"`
	Message   string               `json:"errorMessage,omitempty"`
}

func (r *Resolver) writeCache(ctx context.Context, key string, out outcome, ttl time.Duration) {
	if r.cache == nil {
		return
	}
	e := cacheEntry{
		V:         cacheEntryVersion,
		Expires:   out.retrieved.Add(ttl),
		Retrieved: out.retrieved,
		Document:  out.doc,
		Metadata:  out.meta,
		Error:     out.code,
		Message:   out.msg,
	}
	b, err := json.Marshal(e)
	if err != nil {
		r.log.WarnContext(ctx, "resolver cache encode failed", "key", key, "error", err)
		return
	}
	// The write outlives a caller that has gone away: the answer is
	// complete and worth keeping.
	if err := r.cache.Put(context.WithoutCancel(ctx), key, b, ttl); err != nil {
		r.log.WarnContext(ctx, "resolver cache put failed", "key", key, "error", err)
	}
}

// readCache returns the cached outcome for key, if there is a usable one.
// Failures and undecodable entries count as misses.
func (r *Resolver) readCache(ctx context.Context, key string, id did.DID) (outcome, bool) {
	b, ok, err := r.cache.Get(ctx, key)
	if err != nil {
		r.log.WarnContext(ctx, "resolver cache get failed", "key", key, "error", err)
		return outcome{}, false
	}
	if !ok {
		return outcome{}, false
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil || e.V != cacheEntryVersion {
		r.log.DebugContext(ctx, "resolver cache entry ignored", "key", key, "version", e.V, "error", err)
		return outcome{}, false
	}
	if !r.now().Before(e.Expires) {
		return outcome{}, false
	}
	out := outcome{doc: e.Document, meta: e.Metadata, retrieved: e.Retrieved}
	switch e.Error {
	case "":
		if e.Document == nil && !e.Metadata.Deactivated || e.Document != nil && e.Document.ID != id.String() {
			return outcome{}, false
		}
	case CodeNotFound:
		out.code, out.msg = e.Error, e.Message
		out.err = fmt.Errorf("resolve %s: %w", id, &cachedError{msg: e.Message, sentinel: did.ErrNotFound})
	case CodeInvalidDID:
		out.code, out.msg = e.Error, e.Message
		out.err = fmt.Errorf("resolve %s: %w", id, &cachedError{msg: e.Message, sentinel: did.ErrInvalidDID})
	default:
		return outcome{}, false
	}
	return out, true
}

// cachedError stands in for a method error replayed from the cache: same
// message, and errors.Is still finds the sentinel.
type cachedError struct {
	msg      string
	sentinel error
}

func (e *cachedError) Error() string { return e.msg + " (cached)" }
func (e *cachedError) Unwrap() error { return e.sentinel }
