package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

// staticResolver knows one DID.
type staticResolver struct{}

func (staticResolver) Resolve(ctx context.Context, id string, opts resolver.Options) (*resolver.Result, error) {
	if id != "did:example:123" {
		return nil, &resolver.Error{Code: resolver.CodeNotFound, Err: did.ErrNotFound}
	}
	doc := &did.Document{Context: did.Contexts(did.ContextDIDv1), ID: id}
	return &resolver.Result{Document: doc}, nil
}

func (staticResolver) Dereference(ctx context.Context, didURL string, opts resolver.Options) (*resolver.Dereferenced, error) {
	return nil, &resolver.Error{Code: resolver.CodeNotFound, Err: did.ErrNotFound}
}

func ExampleNew() {
	h, err := api.New(api.Config{Resolver: staticResolver{}, Version: "example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, path := range []string{"/healthz", "/1.0/identifiers/did:example:123", "/1.0/identifiers/did:example:456"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		req.Header.Set("X-Request-ID", "example-1") // echoed; generated when absent
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// Output:
	// 200 application/json {"status":"ok"}
	// 200 application/did+json {"@context":["https://www.w3.org/ns/did/v1"],"id":"did:example:123"}
	// 404 application/problem+json {"type":"urn:chainid:problem:did-not-found","title":"DID not found","status":404,"detail":"the DID or DID URL was not found","instance":"/1.0/identifiers/did:example:456","request_id":"example-1"}
}
