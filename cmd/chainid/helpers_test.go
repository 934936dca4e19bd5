package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/api"
)

// testServeConfig is the Config the tests serve data with: a free loopback
// port, the embedded chain, quiet text logs and a 5 s shutdown timeout.
func testServeConfig(data string) *Config {
	return &Config{Data: data, Addr: "127.0.0.1:0", ChainListen: cliChainListen, LogLevel: "error", LogFormat: "text",
		ShutdownTimeout: 5 * time.Second}
}

// serveWith runs serve with cfg in the background and returns its base URL
// and a stop function that cancels serve, waits for it to end and reports
// an error it returns. stop runs once, at the latest when the test ends.
func serveWith(tb testing.TB, cfg *Config) (string, func()) {
	tb.Helper()
	if err := cfg.validateCommon(); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- serve(ctx, cfg, cfg.logger(io.Discard), ready) }()
	select {
	case u := <-ready:
		stop := sync.OnceFunc(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("serve: %v", err)
			}
		})
		tb.Cleanup(stop)
		return u, stop
	case err := <-done:
		cancel()
		tb.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		tb.Fatal("server did not start")
	}
	return "", nil
}

// startServer runs serve over data in the background and returns its base
// URL; the server stops when the test ends.
func startServer(t *testing.T, data string) string {
	t.Helper()
	u, _ := serveWith(t, testServeConfig(data))
	return u
}

// startIssuerServer runs serve over data with the default issuer and
// returns its base URL; the server stops when the test ends.
func startIssuerServer(t *testing.T, data string) string {
	t.Helper()
	cfg := testServeConfig(data)
	cfg.DefaultIssuer = true
	u, _ := serveWith(t, cfg)
	return u
}

// issueZKCredential adds the zk-employee schema (zkTestSchema) to the node
// at flags, draws a holder secret into secretFile, issues a zk credential
// for the subject JSON over its commitment and writes it to dir/zk.json.
// It returns that path and the issue result.
func issueZKCredential(t *testing.T, flags []string, dir, subject, secretFile string) (string, api.IssueResult) {
	t.Helper()
	schemaFile, subjectFile := filepath.Join(dir, "zk-schema.json"), filepath.Join(dir, "zk-subject.json")
	if err := os.WriteFile(schemaFile, []byte(zkTestSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(subjectFile, []byte(subject), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, append(flags, "schema", "add", schemaFile)...)
	commitment := strings.TrimSpace(mustCLI(t, append(flags, "wallet", "zk-secret", "--out", secretFile)...))
	var issued api.IssueResult
	cliJSON(t, nil, &issued, append(flags, "vc", "issue", "--schema", "https://schemas.example/zk-employee", "--subject", subjectFile,
		"--format", "zk", "--holder-commitment", commitment, "--valid-until", "8760h")...)
	file := filepath.Join(dir, "zk.json")
	if err := os.WriteFile(file, issued.Credentials["zk"], 0o600); err != nil {
		t.Fatal(err)
	}
	return file, issued
}
