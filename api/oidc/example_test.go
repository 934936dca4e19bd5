package oidc_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// demoMethod is a login method: its page lives at /demo/login and, once it
// has authenticated the user, it calls CompleteLogin.
type demoMethod struct{}

func (demoMethod) Name() string  { return "demo" }
func (demoMethod) Label() string { return "Sign in with the demo method" }
func (demoMethod) URL(id string) string {
	return "/demo/login?id=" + url.QueryEscape(id)
}

// A login method's handler: check the pending request belongs to this
// browser, authenticate, then hand the identity to the provider and follow
// the URL it returns (the consent page).
func demoLoginHandler(p *oidc.Provider) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if _, err := p.LoginRequest(r.Context(), r, id); err != nil {
			http.Error(w, "unknown sign-in request", http.StatusBadRequest)
			return
		}
		// … authenticate the user here (SIWE signature, OpenID4VP proof) …
		next, err := p.CompleteLogin(r.Context(), id, oidc.Identity{
			DID:    "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a",
			Method: "demo",
			Claims: map[string]any{"age_over_18": true},
		})
		if err != nil {
			http.Error(w, "login failed", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "oidc-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("example secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		log.Fatal(err)
	}
	p, err := oidc.New(ctx, st, ks, oidc.Config{Issuer: "https://id.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	if err := p.RegisterMethod(demoMethod{}); err != nil {
		log.Fatal(err)
	}
	client, secret, err := p.AddClient(ctx, oidc.ClientSpec{Name: "Shop", RedirectURIs: []string{"https://shop.example/callback"}})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", p.Handler())
	mux.Handle("/demo/login", demoLoginHandler(p))
	_ = mux // serve it: http.ListenAndServeTLS(":443", cert, key, mux)
	fmt.Println(client.SubjectType, secret != "")
	// Output: pairwise true
}

// A key derived from the provider's root key is the same on every start
// over the same keystore: chainid signs its SIWE session cookie with one.
func ExampleProvider_DeriveKey() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "oidc-derive")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	ks, err := keystore.New(st, keystore.Config{Secret: []byte("example secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		log.Fatal(err)
	}
	var keys [2][]byte
	for i := range keys { // two starts over the same data
		p, err := oidc.New(ctx, st, ks, oidc.Config{Issuer: "http://127.0.0.1:8080"})
		if err != nil {
			log.Fatal(err)
		}
		if keys[i], err = p.DeriveKey("my cookie key v1"); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(len(keys[0]), string(keys[0]) == string(keys[1]))
	// Output: 32 true
}
