package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/did"
)

// cli runs the binary's run function with args and returns stdout, stderr
// and the error.
func cli(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, append([]string{"chainid"}, args...), getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := cli(t, nil, "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "chainid ") {
		t.Fatalf("version output %q", out)
	}
	out, _, err = cli(t, nil, "version", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Version string }
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Version == "" {
		t.Fatalf("version --json %q: %v", out, err)
	}
}

func TestCreateListResolveLocal(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct{ method, keyType, prefix string }{
		{"key", "Ed25519", "did:key:z6Mk"},
		{"key", "P-256", "did:key:zDn"},
		{"key", "secp256k1", "did:key:zQ3s"},
		{"jwk", "P-256", "did:jwk:"},
		{"jwk", "Ed25519", "did:jwk:"},
	} {
		t.Run(tc.method+"/"+tc.keyType, func(t *testing.T) {
			out, _, err := cli(t, nil, "--data", data, "did", "create", tc.method, "--type", tc.keyType, "--label", "t")
			if err != nil {
				t.Fatal(err)
			}
			id := strings.TrimSpace(out)
			if !strings.HasPrefix(id, tc.prefix) {
				t.Fatalf("created %q, want prefix %q", id, tc.prefix)
			}
			out, _, err = cli(t, nil, "--data", data, "did", "resolve", id)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := did.ParseDocument([]byte(out))
			if err != nil {
				t.Fatalf("resolve output is not a document: %v\n%s", err, out)
			}
			if doc.ID != id {
				t.Fatalf("document id %q, want %q", doc.ID, id)
			}
		})
	}
	out, _, err := cli(t, nil, "--data", data, "did", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var keys []struct{ DID, KeyType string }
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 5 {
		t.Fatalf("listed %d keys, want 5: %s", len(keys), out)
	}
	// The private keys are encrypted at rest: no raw key file, and the
	// store does not contain the secret.
	secret, err := os.ReadFile(filepath.Join(data, secretFile))
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(data, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, bytes.TrimSpace(secret)) {
		t.Fatal("store contains the keystore secret")
	}
	if fi, _ := os.Stat(filepath.Join(data, secretFile)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v", fi.Mode().Perm())
	}
}

func TestCLIErrors(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad DID", []string{"--data", data, "did", "resolve", "did:Key:abc"}, nil, "invalid"},
		{"unknown method", []string{"--data", data, "did", "resolve", "did:nope:abc"}, nil, "method"},
		{"bad key type", []string{"--data", data, "did", "create", "key", "--type", "RSA"}, nil, "RSA"},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"bad log level", []string{"--log-level", "loud", "version"}, nil, "log-level"},
		{"bad addr", []string{"--data", data, "serve", "--addr", "nope"}, nil, "--addr"},
		{"tls half", []string{"--data", data, "serve", "--tls-cert", "x.pem"}, nil, "tls"},
		{"bad public url", []string{"--data", data, "serve", "--public-url", "ftp://x"}, nil, "public-url"},
		{"key file and passphrase", []string{"--data", data, "--key-file", "k", "did", "list"}, map[string]string{"CHAINID_PASSPHRASE": "p"}, "not both"},
		{"bad env duration", []string{"--data", data, "serve"}, map[string]string{"CHAINID_SHUTDOWN_TIMEOUT": "soon"}, "SHUTDOWN_TIMEOUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := cli(t, tc.env, tc.args...)
			if err == nil {
				t.Fatal("want an error")
			}
			msg := oneLine(err.Error())
			if strings.Contains(msg, "\n") || !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.want)) {
				t.Fatalf("error %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestWrongPassphrase(t *testing.T) {
	data := t.TempDir()
	if _, _, err := cli(t, map[string]string{"CHAINID_PASSPHRASE": "right"}, "--data", data, "did", "create", "key"); err != nil {
		t.Fatal(err)
	}
	_, _, err := cli(t, map[string]string{"CHAINID_PASSPHRASE": "wrong"}, "--data", data, "did", "create", "key")
	if err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("want a wrong-passphrase error, got %v", err)
	}
}

func TestCLIThroughRunningServer(t *testing.T) {
	data := t.TempDir()
	base := startServer(t, data)

	// The admin token is written 0600.
	fi, err := os.Stat(filepath.Join(data, adminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin token mode %v", fi.Mode().Perm())
	}

	// With the store held by the server, the CLI goes through its API.
	out, _, err := cli(t, nil, "--data", data, "did", "create", "key", "--type", "P-256", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ DID string }
	if err := json.Unmarshal([]byte(out), &info); err != nil || !strings.HasPrefix(info.DID, "did:key:zDn") {
		t.Fatalf("create through server: %q %v", out, err)
	}
	out, _, err = cli(t, nil, "--data", data, "did", "list", "--json")
	if err != nil || !strings.Contains(out, info.DID) {
		t.Fatalf("list through server: %q %v", out, err)
	}
	out, _, err = cli(t, nil, "--data", data, "did", "resolve", info.DID)
	if err != nil || !strings.Contains(out, info.DID+"#") {
		t.Fatalf("resolve through server: %q %v", out, err)
	}
	out, _, err = cli(t, nil, "did", "resolve", "--remote", base, info.DID, "--json")
	if err != nil || !strings.Contains(out, "didResolutionMetadata") {
		t.Fatalf("resolve --remote: %q %v", out, err)
	}
	_, _, err = cli(t, nil, "did", "resolve", "--remote", base, "did:nope:x")
	if err == nil || !strings.Contains(err.Error(), "methodNotSupported") {
		t.Fatalf("remote unsupported method: %v", err)
	}

	// A second server on the same data dir gets a clear error, not a hang.
	start := time.Now()
	_, _, err = cli(t, nil, "--data", data, "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second serve: %v", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatal("second serve hung")
	}

	// The server answers health checks.
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
}
