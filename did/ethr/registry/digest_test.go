package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

var (
	digestRegistry = common.HexToAddress("0xdca7ef03e98e0dc2b855be647c39abe984fcf21b")
	digestIdentity = common.HexToAddress("0xf3beac30c498d9e26865f34fcaa57dbb935b0d74")
	digestOther    = common.HexToAddress("0x1111111111111111111111111111111111111111")
)

type digestCase struct {
	name      string
	got       common.Hash
	reference string
}

// digestCases computes every signed digest for fixed inputs (nonce 7).
func digestCases(t *testing.T) []digestCase {
	t.Helper()
	must := func(h common.Hash, err error) common.Hash {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	reg, id, other, nonce := digestRegistry, digestIdentity, digestOther, big.NewInt(7)
	return []digestCase{
		{"changeOwner", DigestChangeOwner(reg, nonce, id, other),
			"0x77c79cddb55e8bce97f87ffdff2cc5bac27ff8aeb3272d88d824e700f70bb8a2"},
		{"addDelegate", must(DigestAddDelegate(reg, nonce, id, "veriKey", other, 86400*time.Second)),
			"0xbd31a890c67483352bbf0d18eb6fbea14cc658bc23c346f775187969a3c6dfa7"},
		{"revokeDelegate", must(DigestRevokeDelegate(reg, nonce, id, "sigAuth", other)),
			"0xed178ced33e4f14f70ea4636eabf5768507a3b40089f8f693abdd09c6be6f7ed"},
		{"setAttribute", must(DigestSetAttribute(reg, nonce, id, "did/svc/X", []byte("https://x.example"), time.Hour)),
			"0x6c2e89c1042e75745fc6ddf095158efe51fc892898b4c121fa0a5375f76416fa"},
		{"revokeAttribute", must(DigestRevokeAttribute(reg, nonce, id, "did/svc/X", []byte{0xde, 0xad})),
			"0x33d9bf4f628951bb3d590a089cfdab46f599ef004e1c276e0706644939818509"},
	}
}

// TestDigestLayout rebuilds each signed digest byte by byte from ERC-1056's description
// (0x19 0x00, registry, 32-byte nonce, identity, function name, packed arguments) and compares.
func TestDigestLayout(t *testing.T) {
	registry, identity, other := digestRegistry, digestIdentity, digestOther
	nonce := big.NewInt(7)
	word := func(n uint64) []byte { return common.LeftPadBytes(new(big.Int).SetUint64(n).Bytes(), 32) }
	name := func(s string) []byte { return common.RightPadBytes([]byte(s), 32) }
	prefix := func(fn string) []byte {
		var b []byte
		b = append(b, 0x19, 0x00)
		b = append(b, registry.Bytes()...)
		b = append(b, word(7)...)
		b = append(b, identity.Bytes()...)
		return append(b, fn...)
	}
	cat := func(parts ...[]byte) common.Hash { return crypto.Keccak256Hash(bytes.Join(parts, nil)) }

	for _, tt := range digestCases(t) {
		var want common.Hash
		switch tt.name {
		case "changeOwner":
			want = cat(prefix("changeOwner"), other.Bytes())
		case "addDelegate":
			want = cat(prefix("addDelegate"), name("veriKey"), other.Bytes(), word(86400))
		case "revokeDelegate":
			want = cat(prefix("revokeDelegate"), name("sigAuth"), other.Bytes())
		case "setAttribute":
			want = cat(prefix("setAttribute"), name("did/svc/X"), []byte("https://x.example"), word(3600))
		case "revokeAttribute":
			want = cat(prefix("revokeAttribute"), name("did/svc/X"), []byte{0xde, 0xad})
		}
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != want {
				t.Fatalf("digest %s, want %s", tt.got.Hex(), want.Hex())
			}
			// Computed by ethr-did-resolver 11.1.3's EthrDidController.create…Hash for the same
			// inputs (see TestDigestsMatchEthrDIDController).
			if tt.got != common.HexToHash(tt.reference) {
				t.Fatalf("digest %s, ethr-did-resolver 11.1.3 computed %s", tt.got.Hex(), tt.reference)
			}
		})
	}
	// The digest binds every input: changing any one changes it.
	base := DigestChangeOwner(registry, nonce, identity, other)
	for _, h := range []common.Hash{
		DigestChangeOwner(other, nonce, identity, other),
		DigestChangeOwner(registry, big.NewInt(8), identity, other),
		DigestChangeOwner(registry, nonce, other, other),
		DigestChangeOwner(registry, nonce, identity, identity),
	} {
		if h == base {
			t.Fatal("digest ignores an input")
		}
	}
}

func TestEncodeName(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"veriKey", false},
		{"did/pub/Secp256k1/veriKey/hex", false},
		{strings.Repeat("a", 32), false},
		{strings.Repeat("a", 33), true},
		{"", true},
		{"did/pub/Ed25519/veriKey/base64xx", false}, // exactly 32
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b, err := EncodeName(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidArgument) {
					t.Fatalf("err %v is not ErrInvalidArgument", err)
				}
				return
			}
			if got := DecodeName(b); got != tt.in {
				t.Fatalf("round trip %q, want %q", got, tt.in)
			}
		})
	}
}

func TestSignatures(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	digest := crypto.Keccak256Hash([]byte("digest"))
	sig, err := SignDigest(key, digest)
	if err != nil {
		t.Fatal(err)
	}
	if sig.V != 27 && sig.V != 28 {
		t.Fatalf("V = %d", sig.V)
	}
	if got, err := sig.Recover(digest); err != nil || got != addr {
		t.Fatalf("Recover = %s, %v; want %s", got.Hex(), err, addr.Hex())
	}
	raw := append(append(append([]byte{}, sig.R[:]...), sig.S[:]...), sig.V-27)
	tests := []struct {
		name    string
		raw     []byte
		wantErr bool
	}{
		{"v0or1", raw, false},
		{"v27or28", append(append([]byte{}, raw[:64]...), raw[64]+27), false},
		{"short", raw[:64], true},
		{"long", append(append([]byte{}, raw...), 0), true},
		{"v2", append(append([]byte{}, raw[:64]...), 2), true},
		{"v29", append(append([]byte{}, raw[:64]...), 29), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSignature(tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && got != sig {
				t.Fatalf("parsed %+v, want %+v", got, sig)
			}
		})
	}
	if _, err := (Signature{V: 29}).Recover(digest); err == nil {
		t.Fatal("Recover accepted v = 29")
	}
}

func FuzzParseSignature(f *testing.F) {
	f.Add(make([]byte, 65))
	f.Add(append(make([]byte, 64), 27))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, raw []byte) {
		sig, err := ParseSignature(raw)
		if err != nil {
			return
		}
		if len(raw) != 65 || (sig.V != 27 && sig.V != 28) {
			t.Fatalf("accepted %x as %+v", raw, sig)
		}
		if !bytes.Equal(sig.R[:], raw[:32]) || !bytes.Equal(sig.S[:], raw[32:64]) || sig.V%27 != raw[64]%27 {
			t.Fatalf("parsed %+v from %x", sig, raw)
		}
	})
}

// TestDigestsMatchEthrDIDController has ethr-did-resolver's EthrDidController compute every
// digest for the same inputs (the chain reads it makes are answered with the fixed inputs).
func TestDigestsMatchEthrDIDController(t *testing.T) {
	interop := filepath.Join("..", "..", "..", "interop")
	if _, err := os.Stat(filepath.Join(interop, "node_modules", "ethr-did-resolver", "package.json")); err != nil {
		skipOrFail(t, "ethr-did-resolver not installed in interop/node_modules")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found")
	}
	script := `import { EthrDidController } from 'ethr-did-resolver';
const [registry, identity, other] = process.argv.slice(1);
const contract = { getAddress: async () => registry, nonce: async () => 7n, identityOwner: async () => identity };
const c = new EthrDidController(identity, contract, undefined, 'dev');
process.stdout.write(JSON.stringify({
  changeOwner: await c.createChangeOwnerHash(other),
  addDelegate: await c.createAddDelegateHash('veriKey', other, 86400),
  revokeDelegate: await c.createRevokeDelegateHash('sigAuth', other),
  setAttribute: await c.createSetAttributeHash('did/svc/X', 'https://x.example', 3600),
  revokeAttribute: await c.createRevokeAttributeHash('did/svc/X', '0xdead'),
}));`
	cmd := exec.Command(node, "--input-type=module", "-e", script, digestRegistry.Hex(), digestIdentity.Hex(), digestOther.Hex())
	cmd.Dir = interop
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run EthrDidController: %v", err)
	}
	var theirs map[string]string
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatal(err)
	}
	for _, tt := range digestCases(t) {
		if common.HexToHash(theirs[tt.name]) != tt.got {
			t.Errorf("%s: ours %s, EthrDidController %s", tt.name, tt.got.Hex(), theirs[tt.name])
		}
	}
}
