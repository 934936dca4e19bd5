package siwe

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/internal/store"
)

func newTestLogins(t *testing.T, now func() time.Time) *Logins {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := New(Config{Chains: []Chain{{ID: 1337}}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLogins(v, st.SIWENonces(), LoginConfig{BaseURL: "https://id.example.com", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLogins runs the nonce life cycle: issued to one session and login
// request, usable once, by that session and request only, until it expires.
func TestLogins(t *testing.T) {
	clock := testNow
	now := func() time.Time { return clock }
	l := newTestLogins(t, now)
	ctx := context.Background()
	alice := testKey(t, "alice")
	addr := crypto.PubkeyToAddress(alice.PublicKey).Hex()
	const session, other = "session-aaaaaaaaaaaaaaaa", "session-bbbbbbbbbbbbbbbb"

	sign := func(t *testing.T, c Challenge) (string, []byte) {
		t.Helper()
		m, err := c.Message(addr)
		if err != nil {
			t.Fatal(err)
		}
		text := m.String()
		return text, personalSign(t, alice, text)
	}
	wantRefused := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("error %v, want ErrRefused", err)
		}
		t.Log(err)
	}

	t.Run("login, then the nonce is used up", func(t *testing.T) {
		c, err := l.Challenge(ctx, session, "req1")
		if err != nil {
			t.Fatal(err)
		}
		if c.Domain != "id.example.com" || c.URI != "https://id.example.com" || c.ChainID != 1337 || len(c.Nonce) < MinNonceLength {
			t.Fatalf("challenge %+v", c)
		}
		text, sig := sign(t, c)
		res, err := l.Login(ctx, session, "req1", text, sig, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Subject != "did:pkh:eip155:1337:"+addr {
			t.Fatalf("subject %s", res.Subject)
		}
		_, err = l.Login(ctx, session, "req1", text, sig, "")
		wantRefused(t, err)
	})
	t.Run("nonce from another session", func(t *testing.T) {
		c, err := l.Challenge(ctx, other, "req1")
		if err != nil {
			t.Fatal(err)
		}
		text, sig := sign(t, c)
		_, err = l.Login(ctx, session, "req1", text, sig, "")
		wantRefused(t, err)
		// The nonce stays for its own session.
		if _, err := l.Login(ctx, other, "req1", text, sig, ""); err != nil {
			t.Fatalf("owner session after a foreign attempt: %v", err)
		}
	})
	t.Run("nonce for another login request", func(t *testing.T) {
		c, err := l.Challenge(ctx, session, "req2")
		if err != nil {
			t.Fatal(err)
		}
		text, sig := sign(t, c)
		_, err = l.Login(ctx, session, "req3", text, sig, "")
		wantRefused(t, err)
	})
	t.Run("a failed attempt uses the nonce up", func(t *testing.T) {
		c, err := l.Challenge(ctx, session, "req4")
		if err != nil {
			t.Fatal(err)
		}
		text, sig := sign(t, c)
		bad := bytes.Clone(sig)
		bad[10] ^= 1
		_, err = l.Login(ctx, session, "req4", text, bad, "")
		wantRefused(t, err)
		_, err = l.Login(ctx, session, "req4", text, sig, "")
		wantRefused(t, err)
	})
	t.Run("unknown nonce", func(t *testing.T) {
		c, err := l.Challenge(ctx, session, "req5")
		if err != nil {
			t.Fatal(err)
		}
		c.Nonce = "madeUp12345678"
		text, sig := sign(t, c)
		_, err = l.Login(ctx, session, "req5", text, sig, "")
		wantRefused(t, err)
	})
	t.Run("expired nonce", func(t *testing.T) {
		c, err := l.Challenge(ctx, session, "req6")
		if err != nil {
			t.Fatal(err)
		}
		text, sig := sign(t, c)
		clock = clock.Add(DefaultNonceTTL + time.Second)
		defer func() { clock = testNow }()
		_, err = l.Login(ctx, session, "req6", text, sig, "")
		wantRefused(t, err)
	})
	t.Run("bad input", func(t *testing.T) {
		if _, err := l.Challenge(ctx, "short", "req"); err == nil {
			t.Error("short session accepted")
		}
		if _, err := l.Challenge(ctx, session, "a b"); err == nil {
			t.Error("login id with a space accepted")
		}
		if _, err := l.Login(ctx, session, "req", "hello", []byte{1}, ""); !errors.Is(err, ErrSyntax) {
			t.Errorf("garbage message: %v", err)
		}
	})
}

func TestNewLoginsConfig(t *testing.T) {
	v, err := New(Config{Chains: []Chain{{ID: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "chainid.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, cfg := range map[string]LoginConfig{
		"no base URL":     {},
		"relative":        {BaseURL: "/login"},
		"query":           {BaseURL: "https://id.example.com/?x=1"},
		"ftp":             {BaseURL: "ftp://id.example.com"},
		"foreign chain":   {BaseURL: "https://id.example.com", ChainID: 5},
		"statement w/ LF": {BaseURL: "https://id.example.com", Statement: "a\nb"},
	} {
		if _, err := NewLogins(v, st.SIWENonces(), cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWalletsArtifact recompiles testdata/Wallets.sol when the pinned
// solc-js is installed (did/ethr/registry/solc) and compares.
func TestWalletsArtifact(t *testing.T) {
	if _, err := os.Stat("../../did/ethr/registry/solc/node_modules/solc"); err != nil {
		if os.Getenv("CHAINID_INTEROP") == "1" {
			t.Fatal("solc-js is not installed in did/ethr/registry/solc (CHAINID_INTEROP=1)")
		}
		t.Skip("solc-js is not installed in did/ethr/registry/solc")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	want, err := os.ReadFile("testdata/wallets.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"Wallets.sol", "compile.mjs"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs("../../did/ethr/registry/solc/package.json")
	if err != nil {
		t.Fatal(err)
	}
	// compile.mjs finds solc relative to itself; point it at the real one.
	src, _ := os.ReadFile(filepath.Join(dir, "compile.mjs"))
	src = bytes.Replace(src, []byte("'../../../did/ethr/registry/solc/package.json'"), []byte("'file://"+abs+"'"), 1)
	if err := os.WriteFile(filepath.Join(dir, "compile.mjs"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "compile.mjs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "wallets.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("testdata/wallets.json is stale: run `node compile.mjs` in verifier/siwe/testdata")
	}
}
