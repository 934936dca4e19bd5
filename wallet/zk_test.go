package wallet

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/zkp"
)

func TestZKHolderSecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	commit, err := WriteZKHolderSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ReadZKHolderSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if c := zkp.HolderCommitment(secret); !c.Equal(&commit) {
		t.Fatal("commitment of the read secret differs")
	}
	if _, err := WriteZKHolderSecret(path); err == nil {
		t.Fatal("an existing secret was overwritten")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadZKHolderSecret(path); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("world-readable secret: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	for _, content := range []string{"0", "x", "21888242871839275222246405745257275088548364400416034343698204186575808495617"} {
		if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadZKHolderSecret(bad); err == nil {
			t.Errorf("secret %q accepted", content)
		}
	}
}

func TestZKStatusTree(t *testing.T) {
	list, err := status.NewList(status.MinBits)
	if err != nil {
		t.Fatal(err)
	}
	if err := list.Set(42, true); err != nil {
		t.Fatal(err)
	}
	enc, err := list.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := zkp.NewStatusTree(nil)
	_ = want.Set(42, true)
	payload := `{"credentialSubject":{"type":"BitstringStatusList","encodedList":"` + enc + `"}}`
	jwt := "eyJhbGciOiJFZERTQSJ9." + b64(`{"vc":`+payload+`}`) + ".sig"
	for name, doc := range map[string]string{"json": payload, "jwt": jwt, "bare": enc} {
		tree, err := ZKStatusTree([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r, w := tree.Root(), want.Root(); !r.Equal(&w) {
			t.Errorf("%s: wrong root", name)
		}
	}
	for name, doc := range map[string]string{
		"no list": `{"credentialSubject":{}}`, "not json": `{`, "bad list": `{"credentialSubject":{"encodedList":"uAAAA"}}`,
		"two dots": "a.b", "empty": "",
	} {
		if _, err := ZKStatusTree([]byte(doc)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
