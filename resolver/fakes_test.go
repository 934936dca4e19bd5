package resolver

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

// fakeMethod serves documents from maps: a real Method over in-memory data.
// Keys are DID strings, or "DID?versionId=V" / "DID?versionTime=T" for
// historical versions.
type fakeMethod struct {
	mu    sync.Mutex
	docs  map[string]string // JSON documents
	meta  map[string]did.DocumentMetadata
	errs  map[string]error
	opts  []did.ResolveOptions
	panic map[string]bool

	// block, when set, makes every call wait for a value (or its context).
	block   chan struct{}
	calls   atomic.Int64
	active  atomic.Int64
	maxSeen atomic.Int64
}

func newFake() *fakeMethod {
	return &fakeMethod{
		docs:  map[string]string{},
		meta:  map[string]did.DocumentMetadata{},
		errs:  map[string]error{},
		panic: map[string]bool{},
	}
}

func (f *fakeMethod) set(key, doc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[key] = doc
}

func (f *fakeMethod) lastOpts() did.ResolveOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.opts) == 0 {
		return did.ResolveOptions{}
	}
	return f.opts[len(f.opts)-1]
}

func (f *fakeMethod) Resolve(ctx context.Context, id did.DID, opts did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	f.calls.Add(1)
	n := f.active.Add(1)
	defer f.active.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, did.DocumentMetadata{}, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts = append(f.opts, opts)
	key := id.String()
	switch {
	case opts.VersionID != "":
		key += "?versionId=" + opts.VersionID
	case opts.VersionTime != "":
		key += "?versionTime=" + opts.VersionTime
	}
	if f.panic[key] {
		panic("fake method bug")
	}
	if err, ok := f.errs[key]; ok {
		return nil, did.DocumentMetadata{}, err
	}
	raw, ok := f.docs[key]
	if !ok {
		return nil, did.DocumentMetadata{}, did.ErrNotFound
	}
	if raw == "" { // a method bug: no document and no error
		return nil, f.meta[key], nil
	}
	doc, err := did.ParseDocument([]byte(raw))
	if err != nil {
		return nil, did.DocumentMetadata{}, err
	}
	return doc, f.meta[key], nil
}

// memCache is an in-memory Cache that honours TTLs on an injected clock.
type memCache struct {
	mu      sync.Mutex
	now     func() time.Time
	m       map[string]memEntry
	getErr  error
	puts    int
	lastTTL time.Duration
}

type memEntry struct {
	val []byte
	exp time.Time
}

func newMemCache(now func() time.Time) *memCache {
	return &memCache{now: now, m: map[string]memEntry{}}
}

func (c *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.getErr != nil {
		return nil, false, c.getErr
	}
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.exp) {
		return nil, false, nil
	}
	return e.val, true, nil
}

func (c *memCache) Put(_ context.Context, key string, val []byte, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts++
	c.lastTTL = ttl
	c.m[key] = memEntry{val: append([]byte(nil), val...), exp: c.now().Add(ttl)}
	return nil
}

func (c *memCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// waitFor polls cond until it holds; the test deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 20000 {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waiters reports how many callers wait on the flight for key.
func (g *group) waiters(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.m[key]; ok {
		return f.waiters
	}
	return 0
}

func (g *group) inFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.m)
}

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

const aliceDoc = `{
  "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
  "id": "did:ex:alice",
  "verificationMethod": [
    {"id": "#key-1", "type": "Multikey", "controller": "did:ex:alice",
     "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
    {"id": "did:ex:alice#key-2", "type": "Multikey", "controller": "did:ex:alice",
     "publicKeyMultibase": "z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"}
  ],
  "authentication": ["#key-1",
    {"id": "#embedded", "type": "Multikey", "controller": "did:ex:alice",
     "publicKeyMultibase": "z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf"}],
  "service": [
    {"id": "#agent", "type": "DIDCommMessaging", "serviceEndpoint": "https://agent.example.com/a/b/"},
    {"id": "did:ex:alice#files", "type": "LinkedDomains", "serviceEndpoint": ["https://files.example.com/root/index.html?x=1", "https://mirror.example.com/"]},
    {"id": "#map", "type": "Custom", "serviceEndpoint": {"uri": "https://map.example.com/"}},
    {"id": "#withfrag", "type": "Custom", "serviceEndpoint": "https://frag.example.com/p#top"},
    {"id": "#opaque", "type": "Custom", "serviceEndpoint": "mailto:alice@example.com"}
  ]
}`

const aliceV2Doc = `{
  "@context": "https://www.w3.org/ns/did/v1",
  "id": "did:ex:alice",
  "verificationMethod": [
    {"id": "#key-v2", "type": "Multikey", "controller": "did:ex:alice",
     "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}
  ]
}`

func simpleDoc(id string) string {
	return `{"@context": "https://www.w3.org/ns/did/v1", "id": "` + id + `",
  "verificationMethod": [{"id": "#key-1", "type": "Multikey", "controller": "` + id + `",
    "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}]}`
}

// newTestResolver returns a resolver over a fake "ex" method holding the
// standard documents, with an in-memory cache on a settable clock.
func newTestResolver(t testing.TB, mutate func(*Config)) (*Resolver, *fakeMethod, *memCache, *clock) {
	t.Helper()
	f := newFake()
	f.docs["did:ex:alice"] = aliceDoc
	f.docs["did:ex:alice?versionId=2"] = aliceV2Doc
	f.docs["did:ex:alice?versionTime=2020-01-01T00:00:00Z"] = aliceV2Doc
	f.docs["did:ex:gone"] = simpleDoc("did:ex:gone")
	f.meta["did:ex:gone"] = did.DocumentMetadata{Deactivated: true, Updated: "2024-01-01T00:00:00Z"}
	clk := newClock()
	cache := newMemCache(clk.Now)
	cfg := Config{Methods: map[string]Method{"ex": f}, Cache: cache, Now: clk.Now}
	if mutate != nil {
		mutate(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r, f, cache, clk
}
