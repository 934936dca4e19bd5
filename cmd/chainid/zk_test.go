package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// checkOneLine fails unless err is a non-nil, one-line error containing want.
func checkOneLine(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestZKSetupDevAndKeys(t *testing.T) {
	data := t.TempDir()

	_, _, err := cli(t, nil, "--data", data, "zk", "keys")
	checkOneLine(t, err, "no keys installed")
	_, _, err = cli(t, nil, "--data", data, "zk", "setup")
	checkOneLine(t, err, "only --dev")

	out, stderr, err := cli(t, nil, "--data", data, "zk", "setup", "--dev")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "development-only") || !strings.Contains(out, "development-only") {
		t.Fatalf("setup does not warn about development keys:\nstdout: %s\nstderr: %s", out, stderr)
	}
	for _, f := range []string{"zkp-proving.key", "zkp-verifying.key", "zkp-keys.json"} {
		if _, err := os.Stat(filepath.Join(data, "zkp", f)); err != nil {
			t.Fatalf("setup did not write %s: %v", f, err)
		}
	}

	out, _, err = cli(t, nil, "--data", data, "--json", "zk", "keys")
	if err != nil {
		t.Fatal(err)
	}
	var info zkKeysOutput
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("zk keys --json: %v\n%s", err, out)
	}
	if !info.Development || info.Origin != "development" || info.Warning == "" {
		t.Fatalf("keys not marked development: %+v", info)
	}
	for name, d := range map[string]string{"verifying": info.VerifyingKeyDigest, "proving": info.ProvingKeyDigest, "circuit": info.CircuitDigest} {
		if !hex64.MatchString(d) {
			t.Fatalf("%s digest %q is not 64 hex digits", name, d)
		}
	}
	if info.Constraints < 10000 {
		t.Fatalf("constraints = %d", info.Constraints)
	}
	if !strings.Contains(mustCLI(t, "--data", data, "zk", "keys"), info.VerifyingKeyDigest) {
		t.Fatal("zk keys text output lacks the verifying key digest")
	}

	_, _, err = cli(t, nil, "--data", data, "zk", "setup", "--dev")
	checkOneLine(t, err, "--force")

	// A corrupted key file is caught by the digest check.
	vk := filepath.Join(data, "zkp", "zkp-verifying.key")
	b, err := os.ReadFile(vk)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(vk, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = cli(t, nil, "--data", data, "zk", "keys")
	checkOneLine(t, err, "digest mismatch")
}

// The full ceremony flow on the real circuit takes minutes (see zkp's doc),
// and zkp exposes no small circuit to run one on, so the flow itself is
// tested in package zkp; here the commands' arguments, states and errors.
func TestZKCeremonyErrors(t *testing.T) {
	data := t.TempDir()
	cer := filepath.Join(t.TempDir(), "ceremony")
	empty := t.TempDir()
	garbage := t.TempDir()
	if err := os.WriteFile(filepath.Join(garbage, "ceremony.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	beacon := strings.Repeat("ab", 32)

	out, _, err := cli(t, nil, "--data", data, "--json", "zk", "ceremony", "init", cer)
	if err != nil {
		t.Fatal(err)
	}
	var st ceremonyOutput
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("init --json: %v\n%s", err, out)
	}
	if st.Phase != 1 || st.DomainSize != 1<<14 || !hex64.MatchString(st.CircuitDigest) || len(st.Contributions[0]) != 0 {
		t.Fatalf("init state %+v", st)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"init no dir", []string{"ceremony", "init"}, "accepts 1 arg"},
		{"init twice", []string{"ceremony", "init", cer}, "already exists"},
		{"contribute two dirs", []string{"ceremony", "contribute", cer, cer}, "accepts 1 arg"},
		{"contribute missing", []string{"ceremony", "contribute", empty}, "no ceremony in"},
		{"contribute invalid", []string{"ceremony", "contribute", garbage}, "ceremony.json"},
		{"close no beacon", []string{"ceremony", "close-phase1", cer}, "--beacon is required"},
		{"close bad hex", []string{"ceremony", "close-phase1", cer, "--beacon", "zz"}, "not hex"},
		{"close short beacon", []string{"ceremony", "close-phase1", cer, "--beacon", "00112233"}, "at least 16"},
		{"close no contribution", []string{"ceremony", "close-phase1", cer, "--beacon", beacon}, "no contribution"},
		{"close missing", []string{"ceremony", "close-phase1", empty, "--beacon", beacon}, "no ceremony in"},
		{"finalize no beacon", []string{"ceremony", "finalize", cer}, "--beacon is required"},
		{"finalize in phase 1", []string{"ceremony", "finalize", cer, "--beacon", beacon}, "not in phase 2"},
		{"verify no dir", []string{"ceremony", "verify"}, "accepts 1 arg"},
		{"verify empty", []string{"ceremony", "verify", empty}, "no ceremony in"},
		{"verify missing dir", []string{"ceremony", "verify", filepath.Join(empty, "nope")}, "no ceremony in"},
		{"verify invalid", []string{"ceremony", "verify", garbage}, "ceremony.json"},
		{"verify unfinished", []string{"ceremony", "verify", cer}, "not finalized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := cli(t, nil, append([]string{"--data", data, "zk"}, tc.args...)...)
			checkOneLine(t, err, tc.want)
		})
	}
	// Commands other than init never create a ceremony.
	if _, err := os.Stat(filepath.Join(empty, "nope")); !os.IsNotExist(err) {
		t.Fatalf("verify created a directory: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Fatalf("commands wrote into an empty dir: %v", entries)
	}
}

func TestZKFinalizeInstallRefusesOverwrite(t *testing.T) {
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "zkp"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "zkp", "zkp-keys.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := cli(t, nil, "--data", data, "zk", "ceremony", "finalize", t.TempDir(), "--beacon", strings.Repeat("01", 16), "--install")
	checkOneLine(t, err, "--force")
}
