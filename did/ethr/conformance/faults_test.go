package conformance

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/registry"
)

// slowProxy forwards JSON-RPC over HTTP to a node after a delay that the test can change.
type slowProxy struct {
	delay atomic.Int64 // nanoseconds
	srv   *httptest.Server
}

func newSlowProxy(t testing.TB, target string) *slowProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &slowProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // requests the resolver gave up on
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(time.Duration(p.delay.Load())):
		case <-r.Context().Done():
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// TestSlowNodeThenRecovery resolves through a proxy that delays the node's answers beyond the
// resolver's RPC timeout: resolution fails with ErrChainUnavailable and no document (the index
// is warm but not trusted alone), and once the node answers in time again, resolution returns
// the current document, including a change written while the node was slow.
func TestSlowNodeThenRecovery(t *testing.T) {
	t.Parallel()
	h := startDevchain(t)
	ctx := context.Background()
	owner := testKey(t, "slow owner")
	h.fund(owner)
	id := addrOf(owner)
	w, signer := h.writer, registry.NewKeySigner(owner)
	h.block("first service")(w.SetAttribute(ctx, signer, id, "did/svc/First", []byte("https://first.example.com"), day))

	proxy := newSlowProxy(t, h.info.rpcURL)
	client, err := ethclient.DialContext(ctx, proxy.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	r := newOurResolverConfig(t, client, h.info, 0, ethr.Config{RPCTimeout: 300 * time.Millisecond})
	didID := did.MustParse(addrDID(networkName, id))
	serviceTypes := func(doc *did.Document) []string {
		var types []string
		for _, s := range doc.Service {
			types = append(types, s.Type.Values...)
		}
		return types
	}

	doc, _, err := r.Resolve(ctx, didID, did.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := serviceTypes(doc); !slices.Equal(got, []string{"First"}) {
		t.Fatalf("services = %v, want [First]", got)
	}

	proxy.delay.Store(int64(2 * time.Second))
	second := h.block("second service")(w.SetAttribute(ctx, signer, id, "did/svc/Second", []byte("https://second.example.com"), day))
	started := time.Now()
	doc, _, err = r.Resolve(ctx, didID, did.ResolveOptions{})
	if !errors.Is(err, ethr.ErrChainUnavailable) || doc != nil {
		t.Fatalf("Resolve through a slow node = %v, %v; want ErrChainUnavailable and no document", doc, err)
	}
	t.Logf("slow node: %v after %v", err, time.Since(started).Round(time.Millisecond))

	proxy.delay.Store(0)
	doc, meta, err := r.Resolve(ctx, didID, did.ResolveOptions{})
	if err != nil {
		t.Fatalf("Resolve after the node recovered: %v", err)
	}
	if got := serviceTypes(doc); !slices.Equal(got, []string{"First", "Second"}) {
		t.Errorf("services after recovery = %v, want [First Second]", got)
	}
	if want := strconv.FormatUint(second, 10); meta.VersionID != want {
		t.Errorf("versionId after recovery = %q, want %q", meta.VersionID, want)
	}
}
