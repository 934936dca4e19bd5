package oidc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chainid/chainid/api/oidc"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// TestDiscoverySupported checks that claims_supported and scopes_supported
// list the provider's own claims and scopes, then what Config.Supported
// adds (sorted, deduplicated, malformed names dropped), read per request.
func TestDiscoverySupported(t *testing.T) {
	extraClaims := []string{"email", "eth_address", "did", "email", "bad name", ""}
	extraScopes := []string{"email", "openid", "age_over_18"}
	discovery := func(t *testing.T, e *env) (claims, scopes []string) {
		t.Helper()
		got := do(t, e.srv.Client(), "GET", e.url+oidc.PathDiscovery, nil)
		var d struct {
			Claims []string `json:"claims_supported"`
			Scopes []string `json:"scopes_supported"`
		}
		if got.status != 200 || json.Unmarshal([]byte(got.body), &d) != nil {
			t.Fatalf("discovery %d %s", got.status, got.body)
		}
		return d.Claims, d.Scopes
	}
	t.Run("without Supported", func(t *testing.T) {
		claims, scopes := discovery(t, newEnv(t))
		if !slices.Equal(claims, oidc.ProviderClaims()) || !slices.Equal(scopes, []string{"openid", "offline_access"}) {
			t.Fatalf("claims %v scopes %v", claims, scopes)
		}
	})
	t.Run("with Supported", func(t *testing.T) {
		e := newEnv(t, func(c *oidc.Config) {
			c.Supported = func(context.Context) ([]string, []string) { return extraClaims, extraScopes }
		})
		claims, scopes := discovery(t, e)
		wantClaims := append(oidc.ProviderClaims(), "email", "eth_address")
		if !slices.Equal(claims, wantClaims) {
			t.Errorf("claims_supported %v, want %v", claims, wantClaims)
		}
		if want := []string{"openid", "offline_access", "age_over_18", "email"}; !slices.Equal(scopes, want) {
			t.Errorf("scopes_supported %v, want %v", scopes, want)
		}
		// Per request: a changed list shows on the next request.
		extraClaims = []string{"nationality"}
		if claims, _ := discovery(t, e); !slices.Contains(claims, "nationality") || slices.Contains(claims, "email") {
			t.Errorf("claims_supported after a change %v", claims)
		}
	})
}

// TestDeriveKey checks that derived keys are the same for two providers
// over one store and keystore (a restart, a replica), differ between
// keystores and between labels, and that an empty label is refused.
func TestDeriveKey(t *testing.T) {
	open := func(t *testing.T, dir string) (*store.Store, *keystore.Keystore) {
		t.Helper()
		st, err := store.Open(t.Context(), filepath.Join(dir, "chainid.db"), store.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ks, err := keystore.New(st, keystore.Config{Secret: []byte("test secret"), KDF: keystore.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return st, ks
	}
	key := func(t *testing.T, st *store.Store, ks *keystore.Keystore, label string) []byte {
		t.Helper()
		p, err := oidc.New(t.Context(), st, ks, oidc.Config{Issuer: "http://127.0.0.1:1"})
		if err != nil {
			t.Fatal(err)
		}
		k, err := p.DeriveKey(label)
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != 32 {
			t.Fatalf("key of %d bytes", len(k))
		}
		return k
	}
	dirA := t.TempDir()
	st, ks := open(t, dirA)
	first := key(t, st, ks, "cookie")
	second := key(t, st, ks, "cookie") // a second provider: a replica
	other := key(t, st, ks, "cookie2")
	st.Close()
	st, ks = open(t, dirA) // a restart: reopened store and keystore
	restarted := key(t, st, ks, "cookie")
	p, err := oidc.New(t.Context(), st, ks, oidc.Config{Issuer: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DeriveKey(""); err == nil {
		t.Error("an empty label was accepted")
	}
	st.Close()
	st, ks = open(t, t.TempDir())
	defer st.Close()
	elsewhere := key(t, st, ks, "cookie")
	if !bytes.Equal(first, second) || !bytes.Equal(first, restarted) {
		t.Errorf("same keystore, different keys: %x %x %x", first, second, restarted)
	}
	if bytes.Equal(first, other) || bytes.Equal(first, elsewhere) {
		t.Errorf("different label or keystore, same key")
	}
}
