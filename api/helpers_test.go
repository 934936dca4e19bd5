package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const (
	testToken = "test-admin-token-0123456789abcdef"
	// secret appears in causes the fakes return; it must never reach a client.
	secret = "hunter2-secret-cause"
)

// fakeResolver returns canned results per DID and records the last call.
type fakeResolver struct {
	mu       sync.Mutex
	lastID   string
	lastOpts resolver.Options
	calls    int
}

func (f *fakeResolver) record(id string, opts resolver.Options) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastID, f.lastOpts = id, opts
	f.calls++
}

func (f *fakeResolver) last() (string, resolver.Options, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastID, f.lastOpts, f.calls
}

func testDocument(id string) *did.Document {
	return &did.Document{
		Context: did.Contexts(did.ContextDIDv1, did.ContextMultikeyV1),
		ID:      id,
		VerificationMethod: []did.VerificationMethod{{
			ID: id + "#key-1", Type: "Multikey", Controller: id,
			PublicKeyMultibase: "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		}},
		Authentication: []did.VerificationRef{did.Ref(id + "#key-1")},
	}
}

func failed(code string, err error) (*resolver.Result, error) {
	return &resolver.Result{ResolutionMetadata: resolver.Metadata{Error: code, ErrorMessage: err.Error()}},
		&resolver.Error{Code: code, Err: err}
}

func (f *fakeResolver) Resolve(ctx context.Context, id string, opts resolver.Options) (*resolver.Result, error) {
	f.record(id, opts)
	switch id {
	case "did:example:ok", "did:example:port%3A8080":
		return &resolver.Result{Document: testDocument(id),
			ResolutionMetadata: resolver.Metadata{ContentType: opts.Accept}}, nil
	case "did:example:nocontext":
		doc := testDocument(id)
		doc.Context = did.Context{}
		return &resolver.Result{Document: doc}, nil
	case "did:example:missing":
		return failed(resolver.CodeNotFound, fmt.Errorf("lookup %s: %w", id, did.ErrNotFound))
	case "did:example:bare-missing":
		return nil, fmt.Errorf("lookup %s: %w", id, did.ErrNotFound)
	case "did:example:invalid":
		return failed(resolver.CodeInvalidDID, fmt.Errorf("%w: checksum mismatch", did.ErrInvalidDID))
	case "did:example:deactivated":
		return &resolver.Result{Document: testDocument(id),
			DocumentMetadata: did.DocumentMetadata{Deactivated: true}}, nil
	case "did:example:broken":
		return failed(resolver.CodeInternalError, errors.New("database "+secret+" rejected"))
	case "did:example:unrepresentable":
		return failed(resolver.CodeRepresentationNotSupported, errors.New("no CBOR here"))
	case "did:example:panic":
		panic("resolver exploded")
	case "did:example:slow":
		<-ctx.Done()
		return nil, fmt.Errorf("resolve %s: %w", id, ctx.Err())
	}
	if !strings.HasPrefix(id, "did:example:") {
		return failed(resolver.CodeMethodNotSupported, did.ErrMethodNotSupported)
	}
	return failed(resolver.CodeNotFound, did.ErrNotFound)
}

func (f *fakeResolver) Dereference(ctx context.Context, didURL string, opts resolver.Options) (*resolver.Dereferenced, error) {
	f.record(didURL, opts)
	switch didURL {
	case "did:example:ok#key-1":
		vm, err := json.Marshal(testDocument("did:example:ok").VerificationMethod[0])
		if err != nil {
			return nil, err
		}
		return &resolver.Dereferenced{ContentStream: vm, ContentType: resolver.MediaDIDJSON,
			Metadata: resolver.Metadata{ContentType: resolver.MediaDIDJSON}}, nil
	case "did:example:ok?service=web&relativeRef=%2Fpage":
		return &resolver.Dereferenced{Redirect: "https://web.example/page"}, nil
	case "did:example:ok?service=evil":
		return &resolver.Dereferenced{Redirect: "javascript:alert(1)"}, nil
	}
	err := fmt.Errorf("dereference %s: %w", didURL, did.ErrNotFound)
	return &resolver.Dereferenced{Metadata: resolver.Metadata{Error: resolver.CodeNotFound, ErrorMessage: err.Error()}},
		&resolver.Error{Code: resolver.CodeNotFound, Err: err}
}

// fakeKeys is an in-memory key store.
type fakeKeys struct {
	mu   sync.Mutex
	keys []api.KeyInfo
	now  func() time.Time
}

func (k *fakeKeys) CreateKey(ctx context.Context, req api.CreateKeyRequest) (api.KeyInfo, error) {
	switch req.Label {
	case "panic":
		panic("keystore exploded")
	case "fail":
		return api.KeyInfo{}, errors.New("keystore " + secret)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	id := fmt.Sprintf("k%d", len(k.keys)+1)
	info := api.KeyInfo{ID: id, DID: "did:" + req.Method + ":z" + id, Method: req.Method,
		KeyType: req.KeyType, Label: req.Label, Created: k.now().UTC()}
	k.keys = append(k.keys, info)
	return info, nil
}

func (k *fakeKeys) ListKeys(ctx context.Context) ([]api.KeyInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]api.KeyInfo(nil), k.keys...), nil
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixedNow is the test clock.
func fixedNow() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }

// testServer is a running server with its fakes and log.
type testServer struct {
	*httptest.Server
	resolver *fakeResolver
	keys     *fakeKeys
	log      *syncBuffer
}

// newTestServer starts a server; edit may change the config first.
func newTestServer(t *testing.T, edit func(*api.Config)) *testServer {
	t.Helper()
	ts := &testServer{resolver: &fakeResolver{}, keys: &fakeKeys{now: fixedNow}, log: &syncBuffer{}}
	cfg := api.Config{
		Logger:     slog.New(slog.NewJSONHandler(ts.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Version:    "1.2.3-test",
		PublicURL:  "https://chainid.example",
		Methods:    []string{"example", "key"},
		Resolver:   ts.resolver,
		AdminToken: testToken,
		Keys:       ts.keys,
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := api.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts.Server = httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// request describes one HTTP call.
type request struct {
	method  string
	path    string
	header  map[string]string
	body    io.Reader
	bodyLen int64 // -1: unknown length (chunked)
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (ts *testServer) do(t *testing.T, rq request) response {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(t.Context(), rq.method, ts.URL+rq.path, rq.body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rq.bodyLen != 0 {
		req.ContentLength = max(rq.bodyLen, -1)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func (ts *testServer) get(t *testing.T, path string, header map[string]string) response {
	t.Helper()
	return ts.do(t, request{path: path, header: header})
}

// problemDoc is a decoded problem+json body.
type problemDoc struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// wantProblem checks that resp is a problem+json document of the given
// status and slug, and returns it.
func wantProblem(t *testing.T, resp response, status int, slug string) problemDoc {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d; body %s", resp.status, status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, resp.body)
	}
	var p problemDoc
	dec := json.NewDecoder(bytes.NewReader(resp.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode problem %s: %v", resp.body, err)
	}
	if want := "urn:chainid:problem:" + slug; p.Type != want {
		t.Errorf("type = %q, want %q", p.Type, want)
	}
	if p.Status != status {
		t.Errorf("problem status = %d, want %d", p.Status, status)
	}
	if p.Title == "" || p.Detail == "" {
		t.Errorf("problem lacks title or detail: %s", resp.body)
	}
	if p.RequestID == "" || p.RequestID != resp.header.Get("X-Request-ID") {
		t.Errorf("request_id = %q, header X-Request-ID = %q", p.RequestID, resp.header.Get("X-Request-ID"))
	}
	if bytes.Contains(resp.body, []byte(secret)) {
		t.Errorf("problem leaks the internal cause: %s", resp.body)
	}
	return p
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\ngot:  %s\nwant: %s", name, got, want)
	}
}

func decodeJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}
