package registry

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
	"github.com/ethereum/go-ethereum/common"

	"github.com/chainid/chainid/internal/solc/solctest"
)

// skipOrFail skips a test whose peer tooling (node, npm packages) is missing, or fails it under
// CHAINID_INTEROP=1.
var skipOrFail = solctest.SkipOrFail

// TestGeneratedUpToDate fails when the committed artifact or bindings differ from what
// `go generate` produces from EthereumDIDRegistry.sol.
func TestGeneratedUpToDate(t *testing.T) {
	t.Run("Bindings", func(t *testing.T) {
		// abigen --v2 is abigen.BindV2 over the .abi and .bin files; the library is the same
		// go-ethereum version as the abigen command named in gen.go.
		abiJSON := readFile(t, "EthereumDIDRegistry.abi")
		bin := readFile(t, "EthereumDIDRegistry.bin")
		code, err := abigen.BindV2([]string{"EthereumDIDRegistry"}, []string{string(abiJSON)}, []string{string(bin)},
			"registry", map[string]string{}, map[string]string{})
		if err != nil {
			t.Fatal(err)
		}
		if committed := readFile(t, "registry.go"); code != string(committed) {
			t.Fatal("registry.go is stale: run go generate ./did/ethr/registry/")
		}
	})
	t.Run("ArtifactConsistent", func(t *testing.T) {
		a, err := LoadArtifact()
		if err != nil {
			t.Fatal(err)
		}
		var fromABIFile, fromArtifact any
		if err := json.Unmarshal(readFile(t, "EthereumDIDRegistry.abi"), &fromABIFile); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(a.ABI, &fromArtifact); err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(fromABIFile)
		jb, _ := json.Marshal(fromArtifact)
		if !bytes.Equal(ja, jb) {
			t.Fatal("EthereumDIDRegistry.abi differs from the artifact's abi")
		}
		bin := strings.TrimSpace(string(readFile(t, "EthereumDIDRegistry.bin")))
		if bin != "0x"+common.Bytes2Hex(a.Bytecode) {
			t.Fatal("EthereumDIDRegistry.bin differs from the artifact's bytecode")
		}
		if a.Settings.EVMVersion != "cancun" || !a.Settings.Optimizer.Enabled {
			t.Fatalf("compiler settings %+v, want evmVersion cancun with the optimizer on", a.Settings)
		}
		if !strings.HasPrefix(a.Compiler.Version, "0.8.37+") {
			t.Fatalf("compiler %s, want solc 0.8.37", a.Compiler.Version)
		}
		if len(DeployedBytecode()) == 0 || !bytes.Contains(Bytecode(), DeployedBytecode()[:64]) {
			t.Fatal("deployed bytecode is not part of the creation code")
		}
	})
	t.Run("Compile", func(t *testing.T) {
		dir := t.TempDir()
		solctest.Compile(t, "EthereumDIDRegistry.sol", dir)
		for _, name := range []string{"EthereumDIDRegistry.json", "EthereumDIDRegistry.abi", "EthereumDIDRegistry.bin"} {
			fresh, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fresh, readFile(t, name)) {
				t.Errorf("%s is stale: run go generate ./did/ethr/registry/", name)
			}
		}
	})
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Selectors and event topics of the ERC-1056 registry deployed on public networks (read from its
// bytecode as ethr-did-resolver ships it). The ABI must produce exactly these.
var (
	referenceSelectors = []string{
		"00c023da", "022914a7", "0d44625b", "123b5e98", "240cf1fa", "622b2a3c", "70ae92d2", "7ad4b0a4",
		"80b29f7c", "8733d4e8", "93072684", "9c2c1b2b", "a7068d66", "e476af5c", "f00d4b5d", "f96d0f9f",
	}
	referenceTopics = []string{
		"0x18ab6b2ae3d64306c00ce663125f2bd680e441a098de1635bd7ad8b0d44965e4", // DIDAttributeChanged
		"0x38a5a6e68f30ed1ab45860a4afb34bcb2fc00f22ca462d249b8a8d40cda6f7a3", // DIDOwnerChanged
		"0x5a5084339536bcab65f20799fcc58724588145ca054bd2be626174b27ba156f7", // DIDDelegateChanged
	}
)

func TestABIReferenceSelectors(t *testing.T) {
	a := ABI()
	var selectors, topics []string
	for _, m := range a.Methods {
		selectors = append(selectors, common.Bytes2Hex(m.ID))
	}
	for _, e := range a.Events {
		topics = append(topics, e.ID.Hex())
	}
	slices.Sort(selectors)
	slices.Sort(topics)
	if !slices.Equal(selectors, referenceSelectors) {
		t.Errorf("selectors %v\nwant %v", selectors, referenceSelectors)
	}
	if !slices.Equal(topics, referenceTopics) {
		t.Errorf("topics %v\nwant %v", topics, referenceTopics)
	}
	if a.Constructor.Inputs != nil || len(a.Errors) != 0 || a.HasFallback() || a.HasReceive() {
		t.Error("ABI has a constructor, custom errors, fallback or receive; ERC-1056 has none")
	}
}

// abiEntryKeys renders each ABI entry (function or event) with names, types, indexing and
// mutability, sorted, so two ABIs compare independently of entry order and formatting.
func abiEntryKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	var entries []struct {
		Type            string `json:"type"`
		Name            string `json:"name"`
		StateMutability string `json:"stateMutability"`
		Anonymous       bool   `json:"anonymous"`
		Inputs          []struct {
			Name    string `json:"name"`
			Type    string `json:"type"`
			Indexed bool   `json:"indexed"`
		} `json:"inputs"`
		Outputs []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range entries {
		var b strings.Builder
		b.WriteString(e.Type + " " + e.Name + "(")
		for _, in := range e.Inputs {
			b.WriteString(in.Type + " " + in.Name)
			if in.Indexed {
				b.WriteString(" indexed")
			}
			b.WriteString(",")
		}
		b.WriteString(") " + e.StateMutability + " returns(")
		for _, out := range e.Outputs {
			b.WriteString(out.Type + " " + out.Name + ",")
		}
		b.WriteString(")")
		if e.Anonymous {
			b.WriteString(" anonymous")
		}
		keys = append(keys, b.String())
	}
	slices.Sort(keys)
	return keys
}

// TestABIMatchesEthrDIDResolver compares our ABI entry by entry with the one bundled in the npm
// ethr-did-resolver that the interop tests install.
func TestABIMatchesEthrDIDResolver(t *testing.T) {
	interop := filepath.Join("..", "..", "..", "interop")
	if _, err := os.Stat(filepath.Join(interop, "node_modules", "ethr-did-resolver", "package.json")); err != nil {
		skipOrFail(t, "ethr-did-resolver not installed in interop/node_modules")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found")
	}
	script := `import * as m from 'ethr-did-resolver';
const r = m.EthereumDIDRegistry ?? m.default?.EthereumDIDRegistry;
process.stdout.write(JSON.stringify(Array.isArray(r) ? r : r.abi));`
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Dir = interop
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("read ethr-did-resolver ABI: %v", err)
	}
	theirs := abiEntryKeys(t, out)
	a, err := LoadArtifact()
	if err != nil {
		t.Fatal(err)
	}
	ours := abiEntryKeys(t, a.ABI)
	if len(ours) != 19 {
		t.Errorf("our ABI has %d entries, want 19", len(ours))
	}
	if !slices.Equal(ours, theirs) {
		t.Errorf("ABI differs from ethr-did-resolver's:\nours   %q\ntheirs %q", ours, theirs)
	}
	// And both parse to the same selectors.
	parsed, err := abi.JSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range ABI().Methods {
		if theirsM, ok := parsed.Methods[name]; !ok || !bytes.Equal(theirsM.ID, m.ID) {
			t.Errorf("method %s: selector mismatch", name)
		}
	}
}
