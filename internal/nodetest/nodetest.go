// Package nodetest runs the Node.js interop scripts of the module's
// interop/ npm project from Go tests: it finds node and the installed peer
// packages, skips a test when they are missing (a failure instead when
// CHAINID_INTEROP=1), and runs a script with JSON on stdin and JSON on
// stdout.
//
// Only tests import it.
package nodetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// EnvInterop is the variable that, set to "1", turns missing peers into a
// test failure instead of a skip.
const EnvInterop = "CHAINID_INTEROP"

// scriptTimeout bounds one run of a script.
const scriptTimeout = 2 * time.Minute

// Peers is the interop/ npm project and the node binary that runs its
// scripts.
type Peers struct {
	node string
	dir  string
}

// Require returns the peers when node is on PATH and every package (a path
// under interop/node_modules, such as "@sd-jwt/sd-jwt-vc") is installed.
// Otherwise it skips t, or fails it when CHAINID_INTEROP=1 demands the
// peers.
func Require(t testing.TB, packages ...string) *Peers {
	t.Helper()
	node, nodeErr := exec.LookPath("node")
	dir, modErr := interopDir()
	for _, pkg := range packages {
		if modErr != nil {
			break
		}
		_, modErr = os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg)))
	}
	if nodeErr == nil && modErr == nil {
		return &Peers{node: node, dir: dir}
	}
	if os.Getenv(EnvInterop) == "1" {
		t.Fatalf("%s=1 but the npm peers are not runnable (node: %v; node_modules: %v); run npm ci in interop/", EnvInterop, nodeErr, modErr)
	}
	t.Skipf("npm peers not available (node: %v; node_modules: %v); set %s=1 to make this a failure", nodeErr, modErr, EnvInterop)
	return nil
}

// interopDir finds interop/ beside the go.mod above the working directory
// (a test runs in its package's directory).
func interopDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find interop directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "interop"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find interop directory: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Run runs script (a file of interop/) with in as JSON on stdin and decodes
// its JSON output into out. A script that exits non-zero or prints
// anything but JSON fails t.
func (p *Peers) Run(t testing.TB, script string, in, out any) {
	t.Helper()
	stdout, stderr, err := p.run(t, script, in)
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr)
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s output: %v\n%s", script, err, stdout)
	}
}

// Try is Run for a script that answers a refusal with JSON on stdout and a
// non-zero exit: it decodes the output whatever the exit and returns the
// exit error. Output that is not JSON fails t.
func (p *Peers) Try(t testing.TB, script string, in, out any) error {
	t.Helper()
	stdout, stderr, runErr := p.run(t, script, in)
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s: output %q: %v (stderr %s)", script, stdout, err, stderr)
	}
	return runErr
}

func (p *Peers) run(t testing.TB, script string, in any) (stdout, stderr []byte, err error) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("encode %s input: %v", script, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.node, script)
	cmd.Dir = p.dir
	cmd.Stdin = bytes.NewReader(body)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	stdout, err = cmd.Output()
	return stdout, errBuf.Bytes(), err
}
