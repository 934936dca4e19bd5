package status_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/status"
)

const listURL = "https://issuer.example/status/3"

func encodedWith(t *testing.T, set ...int) string {
	t.Helper()
	l, err := status.NewList(status.MinBits)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range set {
		if err := l.Set(i, true); err != nil {
			t.Fatal(err)
		}
	}
	s, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func gzEncode(t *testing.T, n int) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(make([]byte, n))
	_ = zw.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

// listCred builds a status list credential from its JSON parts.
func listCred(t *testing.T, id, iss, types, subject string) *credentials.Credential {
	t.Helper()
	raw := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":%q,"type":%s,"issuer":%q,`+
		`"validFrom":"2025-01-01T00:00:00Z","credentialSubject":%s}`, id, types, iss, subject)
	c, err := credentials.ParseCredential([]byte(raw))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return c
}

func TestCheck(t *testing.T) {
	const types = `["VerifiableCredential","BitstringStatusListCredential"]`
	subject := func(purpose, encoded string) string {
		return fmt.Sprintf(`{"id":"%s#list","type":"BitstringStatusList","statusPurpose":%s,"encodedList":%q}`, listURL, purpose, encoded)
	}
	revoked := encodedWith(t, 94567)
	entry := credentials.Status{ID: listURL + "#94567", Type: credentials.TypeBitstringStatusListEntry,
		StatusPurpose: "revocation", StatusListIndex: "94567", StatusListCredential: listURL}
	cred := issued(t, "did:example:issuer", entry)
	good := listCred(t, listURL, "did:example:issuer", types, subject(`"revocation"`, revoked))

	set, err := status.Check(cred, entry, good, 0)
	if err != nil || !set {
		t.Fatalf("revoked entry: %v, %v", set, err)
	}
	neighbour := entry
	neighbour.StatusListIndex = "94566"
	if set, err := status.Check(cred, neighbour, good, 0); err != nil || set {
		t.Fatalf("neighbouring entry: %v, %v", set, err)
	}
	multi := listCred(t, listURL, "did:example:issuer", types, subject(`["suspension","revocation"]`, revoked))
	if set, err := status.Check(cred, entry, multi, 0); err != nil || !set {
		t.Fatalf("list with several purposes: %v, %v", set, err)
	}

	with := func(f func(*credentials.Status)) credentials.Status { e := entry; f(&e); return e }
	tests := []struct {
		name  string
		entry credentials.Status
		list  *credentials.Credential
		max   int
		is    error
	}{
		{"foreign issuer", entry, listCred(t, listURL, "did:example:mallory", types, subject(`"revocation"`, revoked)), 0, status.ErrVerification},
		{"other list", entry, listCred(t, listURL+"0", "did:example:issuer", types, subject(`"revocation"`, revoked)), 0, status.ErrVerification},
		{"purpose mismatch", entry, listCred(t, listURL, "did:example:issuer", types, subject(`"suspension"`, revoked)), 0, status.ErrVerification},
		{"index out of range", with(func(e *credentials.Status) { e.StatusListIndex = "131072" }), good, 0, status.ErrRange},
		{"huge index", with(func(e *credentials.Status) { e.StatusListIndex = "999999999999999999" }), good, 0, status.ErrRange},
		{"bad index", with(func(e *credentials.Status) { e.StatusListIndex = "0x10" }), good, 0, status.ErrMalformed},
		{"status size 2", with(func(e *credentials.Status) {
			e.Extra = map[string]json.RawMessage{"statusSize": json.RawMessage(`2`)}
		}), good, 0, status.ErrUnsupported},
		{"other entry type", with(func(e *credentials.Status) { e.Type = "StatusList2021Entry" }), good, 0, status.ErrUnsupported},
		{"short list", entry, listCred(t, listURL, "did:example:issuer", types, subject(`"revocation"`, gzEncode(t, 1000))), 0, status.ErrListLength},
		{"gzip bomb", entry, listCred(t, listURL, "did:example:issuer", types, subject(`"revocation"`, gzEncode(t, 8<<20))), 1 << 20, status.ErrListLength},
		{"bad encoding", entry, listCred(t, listURL, "did:example:issuer", types, subject(`"revocation"`, "z"+revoked[1:])), 0, status.ErrMalformed},
		{"not a list credential", entry, listCred(t, listURL, "did:example:issuer", `["VerifiableCredential"]`, subject(`"revocation"`, revoked)), 0, status.ErrMalformed},
		{"subject type", entry, listCred(t, listURL, "did:example:issuer", types,
			strings.Replace(subject(`"revocation"`, revoked), "BitstringStatusList", "StatusList2021", 1)), 0, status.ErrMalformed},
		{"no encodedList", entry, listCred(t, listURL, "did:example:issuer", types, `{"type":"BitstringStatusList","statusPurpose":"revocation"}`), 0, status.ErrMalformed},
		{"two subjects", entry, listCred(t, listURL, "did:example:issuer", types, "["+subject(`"revocation"`, revoked)+","+subject(`"revocation"`, revoked)+"]"), 0, status.ErrMalformed},
		{"encodedList number", entry, listCred(t, listURL, "did:example:issuer", types, `{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":5}`), 0, status.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := status.Check(cred, tt.entry, tt.list, tt.max)
			if err == nil {
				t.Fatalf("Check accepted it (set=%v)", set)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if set {
				t.Error("an error came with set=true")
			}
		})
	}
}
