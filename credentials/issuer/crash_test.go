package issuer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/internal/store"
)

// crashHelperEnv makes TestIssueHelperProcess issue credentials in a loop
// on the store at the given path, printing "id index" once Issue returned.
const crashHelperEnv = "CHAINID_ISSUER_CRASH_HELPER"

func TestIssueHelperProcess(t *testing.T) {
	path := os.Getenv(crashHelperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	k := openKit(t, path, issuer.Config{})
	for {
		got, err := k.svc.Issue(context.Background(), issueReq(issuer.FormatVCJWT, issuer.FormatEdDSAJCS))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(got.ID, got.Status[0].StatusListIndex)
	}
}

// TestIssuanceSurvivesSIGKILL kills a process in the middle of issuing
// credentials, reopens its store, and checks that every credential it
// reported is recorded, that records and allocations agree, and that no
// status index is ever handed out twice.
func TestIssuanceSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := filepath.Join(t.TempDir(), "chainid.db")
	k := openKit(t, path, issuer.Config{})
	k.ed = k.addKeyIssuer(t, "Ed25519", true)
	if _, err := k.svc.AddSchema(t.Context(), k.ed, []byte(personSchema)); err != nil {
		t.Fatal(err)
	}
	if err := k.store.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestIssueHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	out := bufio.NewScanner(stdout)
	reported := map[string]string{} // id → index
	for len(reported) < 15 && out.Scan() {
		id, idx, ok := strings.Cut(out.Text(), " ")
		if !ok {
			t.Fatalf("helper said %q", out.Text())
		}
		reported[id] = idx
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-loop
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(reported) < 15 {
		t.Fatalf("helper stopped after %d credentials", len(reported))
	}

	k2 := openKit(t, path, issuer.Config{})
	ctx := t.Context()
	group := "revocation|" + k.ed
	used := map[int]string{}
	err = k2.store.IssuedCredentials(ctx, func(r store.CredentialRecord) error {
		for _, s := range r.Status {
			if prev, dup := used[s.Index]; dup {
				return fmt.Errorf("index %d used by %s and %s", s.Index, prev, r.ID)
			}
			used[s.Index] = r.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, idx := range reported {
		rec, err := k2.store.IssuedCredential(ctx, id)
		if err != nil {
			t.Fatalf("credential %s was returned but is not recorded: %v", id, err)
		}
		if fmt.Sprint(rec.Status[0].Index) != idx {
			t.Fatalf("credential %s: recorded index %d, reported %s", id, rec.Status[0].Index, idx)
		}
	}
	for idx := range used {
		ok, err := k2.store.StatusAllocated(ctx, group, 0, idx)
		if err != nil || !ok {
			t.Fatalf("index %d is recorded but not allocated: %v", idx, err)
		}
	}
	_, allocated, _, err := k2.store.StatusListUsage(ctx, group, 0)
	if err != nil || allocated < len(used) || allocated > len(used)+1 {
		t.Fatalf("%d allocated, %d recorded (at most one allocation may be lost with its credential): %v", allocated, len(used), err)
	}
	// Issuing resumes without reusing an index, and the old credentials
	// still change status.
	for range 5 {
		got, err := k2.svc.Issue(ctx, issueReq(issuer.FormatVCJWT))
		if err != nil {
			t.Fatal(err)
		}
		idx, _ := got.Status[0].Index()
		if prev, dup := used[int(idx)]; dup {
			t.Fatalf("index %d reused after the crash (first used by %s)", idx, prev)
		}
		used[int(idx)] = got.ID
	}
	for id := range reported {
		if st, err := k2.svc.Revoke(ctx, id); err != nil || !st.Revoked {
			t.Fatalf("revoke %s after restart: %+v %v", id, st, err)
		}
		break
	}
}
