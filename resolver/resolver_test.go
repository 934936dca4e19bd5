package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

func TestNew(t *testing.T) {
	f := newFake()
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"zero", Config{}, false},
		{"methods", Config{Methods: map[string]Method{"ex": f, "key2": f}}, false},
		{"upper-case name", Config{Methods: map[string]Method{"Ex": f}}, true},
		{"empty name", Config{Methods: map[string]Method{"": f}}, true},
		{"dash in name", Config{Methods: map[string]Method{"e-x": f}}, true},
		{"colon in name", Config{Methods: map[string]Method{"ex:y": f}}, true},
		{"nil method", Config{Methods: map[string]Method{"ex": nil}}, true},
		{"negative TTL", Config{TTL: -time.Second}, true},
		{"negative NegativeTTL", Config{NegativeTTL: -time.Second}, true},
		{"negative MaxConcurrent", Config{MaxConcurrent: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New() error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && r == nil {
				t.Fatal("New() returned nil resolver without error")
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	f := newFake()
	methods := map[string]Method{"zz": f, "ex": f}
	r, err := New(Config{Methods: methods})
	if err != nil {
		t.Fatal(err)
	}
	if r.ttl != DefaultTTL || r.negativeTTL != DefaultNegativeTTL || cap(r.sem) != DefaultMaxConcurrent {
		t.Errorf("defaults: ttl %v negative %v max %d", r.ttl, r.negativeTTL, cap(r.sem))
	}
	delete(methods, "ex") // New copied the map
	if got := r.Methods(); !slices.Equal(got, []string{"ex", "zz"}) {
		t.Errorf("Methods() = %v", got)
	}
}

func TestResolveErrors(t *testing.T) {
	r, f, cache, _ := newTestResolver(t, nil)
	f.errs["did:ex:bad"] = fmt.Errorf("%w: checksum mismatch", did.ErrInvalidDID)
	f.errs["did:ex:boom"] = errors.New("dial tcp 10.1.2.3:443: secret detail")
	f.errs["did:ex:timeout"] = context.DeadlineExceeded
	f.docs["did:ex:wrongid"] = simpleDoc("did:ex:other")
	f.docs["did:ex:nodoc"] = ""
	f.panic["did:ex:panics"] = true

	tests := []struct {
		name     string
		did      string
		accept   string
		want     string
		sentinel error
		calls    int64 // method calls the input may cause
	}{
		{"not a DID", "alice", "", CodeInvalidDID, did.ErrInvalidDID, 0},
		{"empty", "", "", CodeInvalidDID, did.ErrInvalidDID, 0},
		{"upper-case method", "did:EX:alice", "", CodeInvalidDID, did.ErrInvalidDID, 0},
		{"DID URL is not a DID", "did:ex:alice#key-1", "", CodeInvalidDID, did.ErrInvalidDID, 0},
		{"unknown method", "did:nope:alice", "", CodeMethodNotSupported, did.ErrMethodNotSupported, 0},
		{"unsupported representation", "did:ex:alice", "text/html", CodeRepresentationNotSupported, nil, 0},
		{"refused representation", "did:ex:alice", "application/did+json;q=0", CodeRepresentationNotSupported, nil, 0},
		{"bare ld+json", "did:ex:alice", "application/ld+json", CodeRepresentationNotSupported, nil, 0},
		{"not found", "did:ex:missing", "", CodeNotFound, did.ErrNotFound, 1},
		{"method says invalid", "did:ex:bad", "", CodeInvalidDID, did.ErrInvalidDID, 1},
		{"method fails", "did:ex:boom", "", CodeInternalError, nil, 1},
		{"method times out", "did:ex:timeout", "", CodeInternalError, context.DeadlineExceeded, 1},
		{"document for another DID", "did:ex:wrongid", "", CodeInternalError, nil, 1},
		{"no document, no error", "did:ex:nodoc", "", CodeInternalError, nil, 1},
		{"method panics", "did:ex:panics", "", CodeInternalError, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.calls.Load()
			res, err := r.Resolve(t.Context(), tt.did, Options{Accept: tt.accept})
			if res == nil {
				t.Fatal("nil result")
			}
			if got := codeOf(err); got != tt.want {
				t.Fatalf("code = %q (err %v), want %q", got, err, tt.want)
			}
			if res.ResolutionMetadata.Error != tt.want {
				t.Errorf("metadata error = %q, want %q", res.ResolutionMetadata.Error, tt.want)
			}
			if res.ResolutionMetadata.ErrorMessage == "" {
				t.Error("no errorMessage")
			}
			if res.Document != nil || res.ResolutionMetadata.ContentType != "" {
				t.Errorf("failed result has document %v / content type %q", res.Document, res.ResolutionMetadata.ContentType)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tt.sentinel)
			}
			if tt.want == CodeInternalError {
				if msg := res.ResolutionMetadata.ErrorMessage; msg != "internal error" {
					t.Errorf("internal error leaks detail to metadata: %q", msg)
				}
			}
			if got := f.calls.Load() - before; got != tt.calls {
				t.Errorf("method calls = %d, want %d", got, tt.calls)
			}
		})
	}
	// The cause stays in the error, for logs.
	_, err := r.Resolve(t.Context(), "did:ex:boom", Options{})
	if err == nil || !strings.Contains(err.Error(), "secret detail") {
		t.Errorf("internal error lost its cause: %v", err)
	}
	// Only the two negative answers may have been cached.
	if n := cache.len(); n != 2 {
		t.Errorf("cache holds %d entries, want 2 (notFound, invalidDid)", n)
	}
}

func TestResolveRepresentations(t *testing.T) {
	r, _, _, clk := newTestResolver(t, func(c *Config) { c.Cache = nil })
	tests := []struct {
		accept string
		want   string
	}{
		{"", MediaDIDJSON},
		{MediaDIDJSON, MediaDIDJSON},
		{MediaDIDLDJSON, MediaDIDLDJSON},
		{"*/*", MediaDIDJSON},
		{"application/json", MediaDIDJSON},
		{"application/did+json; charset=utf-8", MediaDIDJSON},
		{MediaResolutionResult, MediaDIDLDJSON},
		{"text/html, application/did+ld+json;q=0.5, */*;q=0.1", MediaDIDLDJSON},
		{"application/did+json;q=0.2, application/did+ld+json;q=0.9", MediaDIDLDJSON},
		{"image/png, garbage;;;, application/did+json", MediaDIDJSON},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			res, err := r.Resolve(t.Context(), "did:ex:alice", Options{Accept: tt.accept})
			if err != nil {
				t.Fatal(err)
			}
			md := res.ResolutionMetadata
			if md.ContentType != tt.want {
				t.Errorf("content type = %q, want %q", md.ContentType, tt.want)
			}
			if res.Document == nil || res.Document.ID != "did:ex:alice" {
				t.Fatalf("document = %+v", res.Document)
			}
			if md.Error != "" || md.Cached || !md.Retrieved.Equal(clk.Now()) {
				t.Errorf("metadata = %+v", md)
			}
		})
	}
}

func TestResolveDeactivated(t *testing.T) {
	r, _, _, _ := newTestResolver(t, nil)
	for _, noCache := range []bool{true, false, false} { // fresh, then stored, then from cache
		res, err := r.Resolve(t.Context(), "did:ex:gone", Options{NoCache: noCache})
		if err != nil {
			t.Fatalf("deactivated DID: %v", err)
		}
		if !res.DocumentMetadata.Deactivated || res.DocumentMetadata.Updated != "2024-01-01T00:00:00Z" {
			t.Errorf("document metadata = %+v", res.DocumentMetadata)
		}
		if res.Document == nil || res.Document.ID != "did:ex:gone" {
			t.Errorf("document = %+v", res.Document)
		}
	}
}

func TestResolveResultJSON(t *testing.T) {
	r, _, _, _ := newTestResolver(t, nil)
	res, err := r.Resolve(t.Context(), "did:ex:gone", Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Doc  map[string]any `json:"didDocument"`
		Meta map[string]any `json:"didDocumentMetadata"`
		RM   map[string]any `json:"didResolutionMetadata"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Doc["id"] != "did:ex:gone" || got.Meta["deactivated"] != true || got.RM["contentType"] != MediaDIDJSON {
		t.Errorf("resolution result JSON = %s", b)
	}
}

func TestCache(t *testing.T) {
	ctx := t.Context()
	resolve := func(t *testing.T, r *Resolver, id string, opts Options) *Result {
		t.Helper()
		res, err := r.Resolve(ctx, id, opts)
		if err != nil {
			t.Fatalf("Resolve(%s): %v", id, err)
		}
		return res
	}

	t.Run("hit", func(t *testing.T) {
		r, f, cache, clk := newTestResolver(t, nil)
		first := resolve(t, r, "did:ex:alice", Options{})
		clk.Advance(time.Minute)
		second := resolve(t, r, "did:ex:alice", Options{})
		if n := f.calls.Load(); n != 1 {
			t.Errorf("method calls = %d, want 1", n)
		}
		if first.ResolutionMetadata.Cached || !second.ResolutionMetadata.Cached {
			t.Errorf("cached flags: first %v second %v", first.ResolutionMetadata.Cached, second.ResolutionMetadata.Cached)
		}
		if !second.ResolutionMetadata.Retrieved.Equal(first.ResolutionMetadata.Retrieved) {
			t.Errorf("cached result retrieved at %v, want original %v", second.ResolutionMetadata.Retrieved, first.ResolutionMetadata.Retrieved)
		}
		a, _ := json.Marshal(first.Document)
		b, _ := json.Marshal(second.Document)
		if string(a) != string(b) {
			t.Errorf("cached document differs:\n%s\n%s", a, b)
		}
		if cache.lastTTL != DefaultTTL {
			t.Errorf("put TTL = %v, want %v", cache.lastTTL, DefaultTTL)
		}
		// Results are the caller's: changing one does not change the cache.
		second.Document.ID = "did:ex:mallory"
		if third := resolve(t, r, "did:ex:alice", Options{}); third.Document.ID != "did:ex:alice" {
			t.Errorf("cache entry changed through a returned document: %s", third.Document.ID)
		}
	})

	t.Run("uncached method", func(t *testing.T) {
		r, f, cache, _ := newTestResolver(t, func(c *Config) { c.Uncached = []string{"ex"} })
		resolve(t, r, "did:ex:alice", Options{})
		second := resolve(t, r, "did:ex:alice", Options{})
		if n := f.calls.Load(); n != 2 {
			t.Errorf("method calls = %d, want 2 for an uncached method", n)
		}
		if second.ResolutionMetadata.Cached || cache.puts != 0 {
			t.Errorf("uncached method reached the cache: cached=%v entries=%d", second.ResolutionMetadata.Cached, cache.puts)
		}
		if _, err := r.Resolve(ctx, "did:ex:nobody", Options{}); err == nil || cache.puts != 0 {
			t.Errorf("negative answer of an uncached method: err=%v entries=%d", err, cache.puts)
		}
	})

	t.Run("representation independent", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		resolve(t, r, "did:ex:alice", Options{Accept: MediaDIDJSON})
		res := resolve(t, r, "did:ex:alice", Options{Accept: MediaDIDLDJSON})
		if n := f.calls.Load(); n != 1 || res.ResolutionMetadata.ContentType != MediaDIDLDJSON {
			t.Errorf("calls %d, content type %q", n, res.ResolutionMetadata.ContentType)
		}
	})

	t.Run("TTL expiry", func(t *testing.T) {
		r, f, _, clk := newTestResolver(t, func(c *Config) { c.TTL = time.Hour })
		resolve(t, r, "did:ex:alice", Options{})
		clk.Advance(time.Hour - time.Second)
		if res := resolve(t, r, "did:ex:alice", Options{}); !res.ResolutionMetadata.Cached {
			t.Error("entry expired early")
		}
		clk.Advance(time.Second)
		if res := resolve(t, r, "did:ex:alice", Options{}); res.ResolutionMetadata.Cached {
			t.Error("expired entry served")
		}
		if n := f.calls.Load(); n != 2 {
			t.Errorf("method calls = %d, want 2", n)
		}
	})

	t.Run("expiry checked even if the cache keeps entries", func(t *testing.T) {
		r, f, cache, clk := newTestResolver(t, nil)
		cache.now = func() time.Time { return time.Time{} } // a cache that never expires
		resolve(t, r, "did:ex:alice", Options{})
		clk.Advance(DefaultTTL)
		resolve(t, r, "did:ex:alice", Options{})
		if n := f.calls.Load(); n != 2 {
			t.Errorf("method calls = %d, want 2", n)
		}
	})

	t.Run("NoCache reads fresh and still writes", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		resolve(t, r, "did:ex:alice", Options{})
		f.set("did:ex:alice", aliceV2Doc)
		if res := resolve(t, r, "did:ex:alice", Options{}); res.Document.VerificationMethod[0].ID != "#key-1" {
			t.Fatal("cache not used")
		}
		res := resolve(t, r, "did:ex:alice", Options{NoCache: true})
		if res.ResolutionMetadata.Cached || res.Document.VerificationMethod[0].ID != "#key-v2" {
			t.Errorf("NoCache result: cached %v, first key %s", res.ResolutionMetadata.Cached, res.Document.VerificationMethod[0].ID)
		}
		res = resolve(t, r, "did:ex:alice", Options{})
		if !res.ResolutionMetadata.Cached || res.Document.VerificationMethod[0].ID != "#key-v2" {
			t.Errorf("after NoCache: cached %v, first key %s", res.ResolutionMetadata.Cached, res.Document.VerificationMethod[0].ID)
		}
		if n := f.calls.Load(); n != 2 {
			t.Errorf("method calls = %d, want 2", n)
		}
	})

	t.Run("versions cached apart", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		current := resolve(t, r, "did:ex:alice", Options{})
		v2 := resolve(t, r, "did:ex:alice", Options{VersionID: "2"})
		v2again := resolve(t, r, "did:ex:alice", Options{VersionID: "2"})
		vt := resolve(t, r, "did:ex:alice", Options{VersionTime: "2020-01-01T00:00:00Z"})
		if current.Document.VerificationMethod[0].ID != "#key-1" || v2.Document.VerificationMethod[0].ID != "#key-v2" ||
			!v2again.ResolutionMetadata.Cached || vt.ResolutionMetadata.Cached {
			t.Errorf("versions mixed up")
		}
		if n := f.calls.Load(); n != 3 {
			t.Errorf("method calls = %d, want 3", n)
		}
		if got := f.lastOpts(); got.VersionTime != "2020-01-01T00:00:00Z" {
			t.Errorf("method saw %+v", got)
		}
	})

	t.Run("negative caching", func(t *testing.T) {
		r, f, cache, clk := newTestResolver(t, func(c *Config) { c.NegativeTTL = time.Minute })
		f.errs["did:ex:bad"] = fmt.Errorf("%w: checksum mismatch", did.ErrInvalidDID)
		for _, tt := range []struct {
			id       string
			code     string
			sentinel error
		}{
			{"did:ex:missing", CodeNotFound, did.ErrNotFound},
			{"did:ex:bad", CodeInvalidDID, did.ErrInvalidDID},
		} {
			before := f.calls.Load()
			first, err1 := r.Resolve(ctx, tt.id, Options{})
			second, err2 := r.Resolve(ctx, tt.id, Options{})
			if codeOf(err1) != tt.code || codeOf(err2) != tt.code || !errors.Is(err2, tt.sentinel) {
				t.Errorf("%s: errors %v / %v", tt.id, err1, err2)
			}
			if first.ResolutionMetadata.ErrorMessage != second.ResolutionMetadata.ErrorMessage {
				t.Errorf("%s: cached message %q, want %q", tt.id, second.ResolutionMetadata.ErrorMessage, first.ResolutionMetadata.ErrorMessage)
			}
			if cache.lastTTL != time.Minute {
				t.Errorf("%s: put TTL = %v", tt.id, cache.lastTTL)
			}
			if n := f.calls.Load() - before; n != 1 {
				t.Errorf("%s: method calls = %d, want 1", tt.id, n)
			}
		}
		// Once the negative TTL passes, the DID is asked again and a new
		// document shows up.
		f.set("did:ex:missing", simpleDoc("did:ex:missing"))
		clk.Advance(time.Minute)
		if _, err := r.Resolve(ctx, "did:ex:missing", Options{}); err != nil {
			t.Errorf("after negative TTL: %v", err)
		}
	})

	t.Run("NoCache bypasses a negative entry", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		if _, err := r.Resolve(ctx, "did:ex:new", Options{}); codeOf(err) != CodeNotFound {
			t.Fatalf("err = %v", err)
		}
		f.set("did:ex:new", simpleDoc("did:ex:new"))
		if _, err := r.Resolve(ctx, "did:ex:new", Options{}); codeOf(err) != CodeNotFound {
			t.Fatalf("negative entry not used: %v", err)
		}
		if _, err := r.Resolve(ctx, "did:ex:new", Options{NoCache: true}); err != nil {
			t.Fatalf("NoCache: %v", err)
		}
	})

	t.Run("internal errors not cached", func(t *testing.T) {
		r, f, cache, _ := newTestResolver(t, nil)
		f.errs["did:ex:flaky"] = errors.New("connection refused")
		for range 3 {
			if _, err := r.Resolve(ctx, "did:ex:flaky", Options{}); codeOf(err) != CodeInternalError {
				t.Fatalf("err = %v", err)
			}
		}
		if n := f.calls.Load(); n != 3 || cache.puts != 0 {
			t.Errorf("method calls = %d, cache puts = %d; want 3, 0", n, cache.puts)
		}
		// Recovery: the next call sees the method's answer.
		delete(f.errs, "did:ex:flaky")
		f.set("did:ex:flaky", simpleDoc("did:ex:flaky"))
		if _, err := r.Resolve(ctx, "did:ex:flaky", Options{}); err != nil {
			t.Errorf("after recovery: %v", err)
		}
	})

	t.Run("cache failures do not fail resolution", func(t *testing.T) {
		r, f, cache, _ := newTestResolver(t, nil)
		cache.getErr = errors.New("disk on fire")
		for range 2 {
			if _, err := r.Resolve(ctx, "did:ex:alice", Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.calls.Load(); n != 2 {
			t.Errorf("method calls = %d, want 2", n)
		}
	})

	t.Run("unusable entries are misses", func(t *testing.T) {
		key := cacheKey(did.MustParse("did:ex:alice"), Options{})
		for name, val := range map[string]string{
			"garbage":       `not json`,
			"other version": `{"v":2,"expires":"2999-01-01T00:00:00Z","didDocument":{"id":"did:ex:alice"}}`,
			"other DID":     `{"v":1,"expires":"2999-01-01T00:00:00Z","didDocument":{"@context":"https://www.w3.org/ns/did/v1","id":"did:ex:bob"}}`,
			"no document":   `{"v":1,"expires":"2999-01-01T00:00:00Z"}`,
			"cached 500":    `{"v":1,"expires":"2999-01-01T00:00:00Z","error":"internalError"}`,
		} {
			t.Run(name, func(t *testing.T) {
				r, f, cache, _ := newTestResolver(t, nil)
				if err := cache.Put(ctx, key, []byte(val), time.Hour); err != nil {
					t.Fatal(err)
				}
				res := resolve(t, r, "did:ex:alice", Options{})
				if res.ResolutionMetadata.Cached || res.Document.ID != "did:ex:alice" || f.calls.Load() != 1 {
					t.Errorf("served unusable entry: cached %v id %s", res.ResolutionMetadata.Cached, res.Document.ID)
				}
			})
		}
	})

	t.Run("keys cannot be forged through options", func(t *testing.T) {
		a := cacheKey(did.MustParse("did:ex:alice"), Options{VersionID: "1&versionTime=2"})
		b := cacheKey(did.MustParse("did:ex:alice"), Options{VersionID: "1", VersionTime: "2"})
		if a == b {
			t.Errorf("distinct options share key %q", a)
		}
	})
}

func TestSingleflight(t *testing.T) {
	key := cacheKey(did.MustParse("did:ex:alice"), Options{})

	t.Run("coalesced", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		f.block = make(chan struct{})
		const n = 8
		var wg sync.WaitGroup
		results := make([]*Result, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				results[i], errs[i] = r.Resolve(t.Context(), "did:ex:alice", Options{NoCache: i%2 == 0})
			})
		}
		waitFor(t, "all callers to join", func() bool { return r.flights.waiters(key) == n })
		close(f.block)
		wg.Wait()
		if c := f.calls.Load(); c != 1 {
			t.Errorf("method calls = %d, want 1", c)
		}
		seen := map[*did.Document]bool{}
		for i := range n {
			if errs[i] != nil || results[i].Document.ID != "did:ex:alice" {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if seen[results[i].Document] {
				t.Errorf("caller %d shares a document pointer", i)
			}
			seen[results[i].Document] = true
		}
	})

	t.Run("one caller giving up does not fail the others", func(t *testing.T) {
		r, f, _, _ := newTestResolver(t, nil)
		f.block = make(chan struct{})
		impatient, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		var errImpatient, errPatient error
		wg.Go(func() { _, errImpatient = r.Resolve(impatient, "did:ex:alice", Options{}) })
		waitFor(t, "first caller", func() bool { return r.flights.waiters(key) == 1 })
		wg.Go(func() { _, errPatient = r.Resolve(t.Context(), "did:ex:alice", Options{}) })
		waitFor(t, "second caller", func() bool { return r.flights.waiters(key) == 2 })
		cancel()
		waitFor(t, "first caller to leave", func() bool { return r.flights.waiters(key) == 1 })
		close(f.block)
		wg.Wait()
		if codeOf(errImpatient) != CodeInternalError || !errors.Is(errImpatient, context.Canceled) {
			t.Errorf("impatient caller: %v", errImpatient)
		}
		if errPatient != nil {
			t.Errorf("patient caller: %v", errPatient)
		}
		if c := f.calls.Load(); c != 1 {
			t.Errorf("method calls = %d, want 1", c)
		}
	})

	t.Run("abandoned call is cancelled and not reused", func(t *testing.T) {
		r, f, cache, _ := newTestResolver(t, nil)
		f.block = make(chan struct{})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			_, err := r.Resolve(ctx, "did:ex:alice", Options{})
			done <- err
		}()
		waitFor(t, "caller", func() bool { return f.active.Load() == 1 })
		cancel()
		if err := <-done; codeOf(err) != CodeInternalError {
			t.Errorf("cancelled caller: %v", err)
		}
		// The method sees the cancellation and returns.
		waitFor(t, "method to stop", func() bool { return f.active.Load() == 0 })
		close(f.block)
		if _, err := r.Resolve(t.Context(), "did:ex:alice", Options{}); err != nil {
			t.Errorf("next caller: %v", err)
		}
		if c := f.calls.Load(); c != 2 || cache.puts != 1 {
			t.Errorf("method calls = %d, cache puts = %d; want 2, 1", c, cache.puts)
		}
	})
}

func TestMaxConcurrent(t *testing.T) {
	r, f, _, _ := newTestResolver(t, func(c *Config) { c.MaxConcurrent = 1; c.Cache = nil })
	f.block = make(chan struct{})
	const n = 4
	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("did:ex:u%d", i)
		f.set(id, simpleDoc(id))
		wg.Go(func() {
			if _, err := r.Resolve(t.Context(), id, Options{}); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		})
	}
	waitFor(t, "all flights", func() bool { return r.flights.inFlight() == n && f.active.Load() == 1 })
	for range n {
		f.block <- struct{}{}
	}
	wg.Wait()
	if m := f.maxSeen.Load(); m != 1 {
		t.Errorf("up to %d concurrent method calls, limit 1", m)
	}

	// A caller that cannot get a slot gives up with its context.
	f.block = make(chan struct{})
	go r.Resolve(t.Context(), "did:ex:u0", Options{})
	waitFor(t, "slot taken", func() bool { return f.active.Load() == 1 })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Resolve(ctx, "did:ex:u1", Options{}); codeOf(err) != CodeInternalError || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting caller: %v", err)
	}
	close(f.block)
}

func BenchmarkResolveCached(b *testing.B) {
	r, _, _, _ := newTestResolver(b, nil)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, "did:ex:alice", Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := r.Resolve(ctx, "did:ex:alice", Options{})
		if err != nil || !res.ResolutionMetadata.Cached {
			b.Fatal(err)
		}
	}
}

// staticMethod answers every DID with the same prebuilt document: the
// cheapest possible method, so the benchmark measures the resolver.
type staticMethod struct{ doc *did.Document }

func (m staticMethod) Resolve(context.Context, did.DID, did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	return m.doc, did.DocumentMetadata{}, nil
}

func BenchmarkResolveUncached(b *testing.B) {
	doc, err := did.ParseDocument([]byte(aliceDoc))
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(Config{Methods: map[string]Method{"ex": staticMethod{doc}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, "did:ex:alice", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
