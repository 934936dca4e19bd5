package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/chainid/chainid"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", module+"/...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	return pkgs
}

// layer returns the architectural layer of a package path inside the
// module; higher layers may import lower ones only.
func layer(path string) (string, int) {
	rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	for _, l := range []struct {
		prefix string
		rank   int
	}{
		{"cmd", 6},
		{"examples", 6},
		{"api", 5},
		{"wallet", 5},
		{"verifier", 4},
		{"credentials", 3},
		{"zkp", 2},
		{"resolver", 2},
		{"did", 1},
	} {
		if rel == l.prefix || strings.HasPrefix(rel, l.prefix+"/") {
			return l.prefix, l.rank
		}
	}
	return rel, 0
}

func TestDependenciesPointInward(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "go.etcd.io/bbolt") && p.ImportPath != module+"/internal/store" {
				t.Errorf("%s imports bbolt; only internal/store may", p.ImportPath)
			}
		}
		from, fromRank := layer(p.ImportPath)
		for _, dep := range p.Deps {
			if !strings.HasPrefix(dep, module+"/") {
				continue
			}
			to, toRank := layer(dep)
			if strings.HasPrefix(dep, module+"/cmd") {
				t.Errorf("%s imports %s: nothing imports cmd", p.ImportPath, dep)
			}
			if fromRank == 0 || toRank == 0 || from == to {
				continue
			}
			if toRank >= fromRank && !(fromRank == 6 && toRank == 6) {
				t.Errorf("%s (%s) depends on %s (%s): dependencies must point inward", p.ImportPath, from, dep, to)
			}
		}
	}
}

func TestLayerTable(t *testing.T) {
	for path, want := range map[string]int{
		module + "/cmd/chainid":    6,
		module + "/api":            5,
		module + "/resolver":       2,
		module + "/did/key":        1,
		module + "/did":            1,
		module + "/didx":           0,
		module + "/internal/store": 0,
	} {
		if _, got := layer(path); got != want {
			t.Errorf("layer(%s) = %d, want %d", path, got, want)
		}
	}
}
