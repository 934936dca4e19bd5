package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

const zkTestSchema = `{
  "$id": "https://schemas.example/zk-employee",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "birthDate": {"type": "string", "format": "date"},
    "level": {"type": "integer"}
  },
  "required": ["birthDate", "level"],
  "x-chainid-zk": {"attributes": [
    {"name": "birthDate", "type": "date"},
    {"name": "level", "type": "integer"}
  ]}
}`

// TestZKCredentialAnchoring runs on the embedded dev chain: a did:ethr
// issuer gets a ZK key anchored in its document, issues a ZK credential
// whose signature verifies under the anchored key, and a revocation
// changes the anchored status root as read back through the resolver.
func TestZKCredentialAnchoring(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	base := []string{"--data", data}
	dir := t.TempDir()
	schemaFile, subjectFile := filepath.Join(dir, "schema.json"), filepath.Join(dir, "subject.json")
	if err := os.WriteFile(schemaFile, []byte(zkTestSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(subjectFile, []byte(`{"id":"did:example:holder","birthDate":"1990-05-01","level":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	issuerDID := strings.TrimSpace(mustCLI(t, append(base, "issuer", "add", "--method", "ethr", "--default", "--label", "zk issuer")...))
	mustCLI(t, append(base, "schema", "add", schemaFile)...)

	anchors := func() (zkcred.Anchors, int) {
		t.Helper()
		res := resolveEthr(t, base, issuerDID)
		a, err := zkcred.ReadAnchors(res.Document)
		if err != nil {
			t.Fatalf("read anchors: %v", err)
		}
		roots := 0
		for _, s := range res.Document.Service {
			if s.Type.Contains(zkcred.ServiceStatusRoot) {
				roots++
			}
		}
		return a, roots
	}
	a0, _ := anchors()
	if a0.HasVerifyingKeyDigest {
		t.Fatal("a verifying-key digest was anchored although the data dir has no ZK keys")
	}
	empty, err := zkp.NewStatusTree(nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := empty.Root(); !a0.StatusRoot.Equal(&r) {
		t.Fatal("the anchored root of a fresh issuer is not the all-zero tree's")
	}

	secret, err := zkp.NewHolderSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	commitment := zkp.FormatElement(zkp.HolderCommitment(secret))
	var res api.IssueResult
	cliJSON(t, nil, &res, append(base, "vc", "issue", "--schema", "https://schemas.example/zk-employee", "--subject", subjectFile,
		"--format", "zk,vc+jwt", "--holder-commitment", commitment, "--valid-until", "8760h")...)
	cred, err := zkcred.Parse(res.Credentials["zk"])
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Verify(a0.IssuerKey); err != nil {
		t.Fatalf("ZK signature under the anchored key: %v", err)
	}
	if cred.Issuer() != issuerDID || cred.ID() != res.ID || zkp.FormatElement(cred.HolderCommitment()) != commitment {
		t.Fatalf("credential %s by %s", cred.ID(), cred.Issuer())
	}
	if _, _, err := cli(t, nil, append(base, "vc", "issue", "--schema", "https://schemas.example/zk-employee", "--subject", subjectFile,
		"--format", "zk", "--holder-commitment", "0x1234")...); err == nil {
		t.Fatal("a hexadecimal holder commitment was accepted")
	}

	if out := mustCLI(t, append(base, "vc", "revoke", res.ID)...); !strings.Contains(out, "revoked=true") {
		t.Fatalf("revoke: %s", out)
	}
	a1, roots := anchors()
	want := empty
	if err := want.Set(cred.StatusIndex(), true); err != nil {
		t.Fatal(err)
	}
	if r := want.Root(); !a1.StatusRoot.Equal(&r) {
		t.Fatal("the anchored root after the revocation is not the tree with the credential's bit set")
	}
	if a1.StatusRootSeq != a0.StatusRootSeq+1 || roots != 1 {
		t.Fatalf("root sequence %d → %d, %d root services (the old one must be revoked)", a0.StatusRootSeq, a1.StatusRootSeq, roots)
	}
	if !a1.IssuerKey.Equal(a0.IssuerKey) {
		t.Fatal("the issuer key changed")
	}
	// The credential's bit is set under the anchored root: a proof of
	// non-revocation can no longer be made.
	path, err := want.Path(cred.StatusIndex())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := zkp.StatusRoot(cred.StatusIndex(), false, path); err != nil || r.Equal(&a1.StatusRoot) {
		t.Fatal("a clear bit still leads to the anchored root")
	}

	// The data dir's anchoring state is lost (store reset or restored from
	// an older backup): the next revocation's root must still win over
	// the values already on chain.
	st, err := store.Open(t.Context(), storePath(data), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateZKIssuer(t.Context(), issuerDID, func(r store.ZKIssuerRecord) (store.ZKIssuerRecord, error) {
		r.Anchors = nil
		return r, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var res2 api.IssueResult
	cliJSON(t, nil, &res2, append(base, "vc", "issue", "--schema", "https://schemas.example/zk-employee", "--subject", subjectFile,
		"--format", "zk", "--holder-commitment", commitment, "--valid-until", "8760h")...)
	cred2, err := zkcred.Parse(res2.Credentials["zk"])
	if err != nil {
		t.Fatal(err)
	}
	mustCLI(t, append(base, "vc", "revoke", res2.ID)...)
	a2, roots := anchors()
	if err := want.Set(cred2.StatusIndex(), true); err != nil {
		t.Fatal(err)
	}
	if r := want.Root(); !a2.StatusRoot.Equal(&r) || a2.StatusRootSeq != a1.StatusRootSeq+1 || roots != 1 {
		t.Fatalf("after a store reset the anchored root (sequence %d → %d, %d root services) is not the new list's",
			a1.StatusRootSeq, a2.StatusRootSeq, roots)
	}
}
