// Package solctest runs the repository's pinned solc-js from tests: it
// compiles a contract with did/ethr/registry/solc/compile.mjs, skipping the
// test when node or the npm install is missing (failing it instead when
// CHAINID_INTEROP=1, as CI sets).
package solctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InteropRequired reports whether missing node tooling must fail a test
// instead of skipping it.
func InteropRequired() bool { return os.Getenv("CHAINID_INTEROP") == "1" }

// SkipOrFail skips t, or fails it when InteropRequired.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if InteropRequired() {
		t.Fatalf(format+" (CHAINID_INTEROP=1)", args...)
	}
	t.Skipf(format, args...)
}

// Dir returns the directory of the pinned solc-js install.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "did", "ethr", "registry", "solc")
}

// Compile runs compile.mjs on source (NAME.sol) with extra flags, writing
// NAME.json, NAME.abi and NAME.bin to outDir. It skips (or fails, see
// SkipOrFail) when node or solc-js is missing.
func Compile(t testing.TB, source, outDir string, flags ...string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		SkipOrFail(t, "node not found")
	}
	if _, err := os.Stat(filepath.Join(Dir(), "node_modules", "solc", "package.json")); err != nil {
		SkipOrFail(t, "solc-js not installed: run npm ci in did/ethr/registry/solc")
	}
	args := append([]string{filepath.Join(Dir(), "compile.mjs")}, flags...)
	cmd := exec.Command(node, append(args, source, outDir)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile %s: %v\n%s", source, err, out)
	}
}
