package nodetest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInteropDir(t *testing.T) {
	dir, err := interopDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		t.Errorf("interopDir() = %s: %v", dir, err)
	}
}

// TestRequireMissingPackage: a package that is not installed skips the
// test, unless CHAINID_INTEROP=1.
func TestRequireMissingPackage(t *testing.T) {
	var sub *testing.T
	t.Run("skip", func(t *testing.T) {
		t.Setenv(EnvInterop, "")
		sub = t
		Require(t, "no-such-package-for-nodetest")
		t.Error("Require returned for a missing package")
	})
	if !sub.Skipped() {
		t.Error("missing package did not skip")
	}
}
