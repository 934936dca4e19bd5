package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/web"
)

func ExampleURL() {
	for _, s := range []string{
		"did:web:w3c-ccg.github.io",
		"did:web:w3c-ccg.github.io:user:alice",
		"did:web:example.com%3A3000:user:alice",
	} {
		u, err := web.URL(did.MustParse(s))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(u)
	}
	// Output:
	// https://w3c-ccg.github.io/.well-known/did.json
	// https://w3c-ccg.github.io/user/alice/did.json
	// https://example.com:3000/user/alice/did.json
}

func ExampleNew() {
	id, err := web.New("https://example.com:3000/user/alice/did.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id)
	// Output: did:web:example.com%3A3000:user:alice
}

func ExampleNewResolver() {
	r, err := web.NewResolver(web.Config{}) // the zero Config is the secure default
	if err != nil {
		fmt.Println(err)
		return
	}
	// Hosts that are not public DNS names are refused before any lookup or
	// connection.
	for _, s := range []string{"did:web:127.0.0.1", "did:web:localhost"} {
		_, _, err := r.Resolve(context.Background(), did.MustParse(s), did.ResolveOptions{})
		fmt.Println(errors.Is(err, web.ErrForbiddenAddress))
	}
	// Output:
	// true
	// true
}

func ExampleResolver_Resolve() {
	r, err := web.NewResolver(web.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _, err := r.Resolve(context.Background(), did.MustParse("did:web:example.com"), did.ResolveOptions{})
	switch {
	case errors.Is(err, did.ErrNotFound):
		fmt.Println("no such DID")
	case err != nil:
		fmt.Println("resolution failed:", err)
	default:
		fmt.Println(doc.ID)
	}
}

func BenchmarkResolve(b *testing.B) {
	const id = "did:web:example.com"
	body := []byte(docJSON(id))
	srv := newTestServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/did+json")
		w.Write(body)
	}))
	r, err := web.NewResolver(web.Config{RootCAs: srv.pool()})
	if err != nil {
		b.Fatal(err)
	}
	r.AllowForTest(func(ap netip.AddrPort) bool { return ap == srv.addr }, func(string) string { return srv.addr.String() })
	d := did.MustParse(id)
	for b.Loop() {
		if _, _, err := r.Resolve(b.Context(), d, did.ResolveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
