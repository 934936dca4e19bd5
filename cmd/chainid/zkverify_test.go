package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/wallet"
)

// TestZKProofRequestsEndToEnd runs on the embedded dev chain through the
// HTTP API: a did:ethr issuer anchors its ZK key, the verifying key and its
// status root; a ZK credential is issued; a verifier's request is proved
// with `chainid wallet prove` and verified; a replay, a proof presented
// under another audience's request and a proof made before a revocation
// are refused, and no proof can be made after it.
func TestZKProofRequestsEndToEnd(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	flags := []string{"--data", data}
	if _, stderr, err := cli(t, nil, append(flags, "zk", "setup", "--dev")...); err != nil {
		t.Fatalf("zk setup: %v\n%s", err, stderr)
	}
	base := startIssuerServer(t, data)
	var issuers []api.IssuerInfo
	cliJSON(t, nil, &issuers, append(flags, "issuer", "list")...)
	if len(issuers) != 1 {
		t.Fatalf("issuers %+v", issuers)
	}
	issuerDID := issuers[0].DID

	dir := t.TempDir()
	secretFile := filepath.Join(dir, "holder.secret")
	credFile, issued := issueZKCredential(t, flags, dir, `{"id":"did:example:holder","birthDate":"1990-05-01","level":3}`, secretFile)
	if _, _, err := cli(t, nil, append(flags, "wallet", "zk-secret", "--out", secretFile)...); err == nil {
		t.Fatal("zk-secret overwrote an existing secret")
	}
	apiKey := strings.TrimSpace(mustCLI(t, append(flags, "apikey", "create", "--name", "verifier")...))

	newRequest := func(audience string, register bool) zk.Request {
		t.Helper()
		spec := map[string]any{
			"issuers": []string{issuerDID}, "schema": "https://schemas.example/zk-employee",
			"reveal":     []string{"level"},
			"predicates": []map[string]any{{"attribute": "birthDate", "op": "<=", "value": "2007-01-01"}},
			"audience":   audience, "scope": "https://shop.example", "register": register,
		}
		r := call(t, http.MethodPost, base+"/v1/zk/requests", apiKey, spec)
		req := decodeAs[zk.Request](t, r, http.StatusCreated)
		if loc := r.header.Get("Location"); loc != "/v1/zk/requests/"+req.ID {
			t.Fatalf("Location %q", loc)
		}
		return req
	}
	prove := func(req zk.Request) (json.RawMessage, error) {
		t.Helper()
		out, stderr, err := cli(t, nil, append(flags, "wallet", "prove", "--request", base+"/v1/zk/requests/"+req.ID,
			"--credential", credFile, "--holder-secret", secretFile)...)
		if err != nil {
			return nil, &cliError{err, stderr}
		}
		return json.RawMessage(out), nil
	}
	verify := func(sub json.RawMessage) zk.Result {
		t.Helper()
		return decodeAs[zk.Result](t, call(t, http.MethodPost, base+"/v1/zk/verify", "", sub), http.StatusOK)
	}
	wantFailed := func(res zk.Result, checks ...string) {
		t.Helper()
		if res.Verified {
			t.Fatalf("verified, want %v to fail", checks)
		}
		for _, name := range checks {
			for _, c := range res.Checks {
				if c.Check == name && c.Passed {
					t.Fatalf("check %s passed: %+v", name, res.Checks)
				}
			}
		}
	}

	// Creating a request needs a key; a malformed spec is a 400.
	if r := call(t, http.MethodPost, base+"/v1/zk/requests", "", map[string]any{}); r.status != http.StatusUnauthorized {
		t.Fatalf("unauthenticated create: %d", r.status)
	}
	if r := call(t, http.MethodPost, base+"/v1/zk/requests", apiKey, map[string]any{"issuers": []string{issuerDID}}); r.status != http.StatusBadRequest ||
		r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("invalid create: %d %s", r.status, r.body)
	}
	if r := call(t, http.MethodPost, base+"/v1/zk/verify", "", `{"type":"ZKProofPresentation"`); r.status != http.StatusBadRequest {
		t.Fatalf("malformed verify: %d", r.status)
	}

	// Issue → prove → verify.
	req := newRequest("https://shop.example", true)
	sub, err := prove(req)
	if err != nil {
		t.Fatal(err)
	}
	res := verify(sub)
	if !res.Verified || res.Disclosed["level"] != float64(3) || res.Issuer != issuerDID || res.KnownNullifier {
		t.Fatalf("result %+v", res)
	}

	// Replay of the same proof.
	wantFailed(verify(sub), zk.CheckNonce)

	// The proof presented under another audience's request.
	other := newRequest("https://other.example", false)
	var moved map[string]any
	if err := json.Unmarshal(sub, &moved); err != nil {
		t.Fatal(err)
	}
	moved["request"] = other.ID
	b, _ := json.Marshal(moved)
	wantFailed(verify(b), zk.CheckRequest, zk.CheckNonce, zk.CheckProof)

	// A second registration of the same person at the same scope.
	second, err := prove(newRequest("https://shop.example", true))
	if err != nil {
		t.Fatal(err)
	}
	wantFailed(verify(second), zk.CheckNullifier)

	// A proof made before a revocation fails once the new root is
	// anchored; no proof can be made after it.
	before, err := prove(newRequest("https://shop.example", false))
	if err != nil {
		t.Fatal(err)
	}
	stale := newRequest("https://shop.example", false)
	mustCLI(t, append(flags, "vc", "revoke", issued.ID)...)
	wantFailed(verify(before), zk.CheckStatusRoot, zk.CheckProof)
	if _, err := prove(newRequest("https://shop.example", false)); err == nil || !strings.Contains(err.Error(), "status bit is set") {
		t.Fatalf("prove after revocation: %v", err)
	}
	// A request made before the revocation names the old root, which the
	// current status list no longer has: the wallet refuses it clearly.
	if _, err := prove(stale); err == nil || !strings.Contains(err.Error(), wallet.ErrZKStatusRoot.Error()) {
		t.Fatalf("prove a stale request: %v", err)
	}
}

type cliError struct {
	err    error
	stderr string
}

func (e *cliError) Error() string { return e.err.Error() + ": " + e.stderr }
