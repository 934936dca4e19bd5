package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chainid/chainid/api"
)

const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.example/employee",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "name": {"type": "string", "minLength": 1},
    "birthDate": {"type": "string", "format": "date"},
    "employer": {"type": "string"}
  },
  "required": ["name", "birthDate"],
  "additionalProperties": false
}`

const testSubject = `{"id":"did:example:holder","name":"Erika Mustermann","birthDate":"1990-05-01","employer":"ACME"}`

var allFormats = []string{"vc+jwt", "jwt_vc_json", "dc+sd-jwt", "eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019"}

// writeFiles writes the schema and subject into dir and returns their
// paths.
func writeFiles(t *testing.T, dir string) (schema, subject string) {
	t.Helper()
	schema, subject = filepath.Join(dir, "schema.json"), filepath.Join(dir, "subject.json")
	if err := os.WriteFile(schema, []byte(testSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(subject, []byte(testSubject), 0o600); err != nil {
		t.Fatal(err)
	}
	return schema, subject
}

// mustCLI runs a command that must succeed and returns its stdout.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, _, err := cli(t, nil, args...)
	if err != nil {
		t.Fatalf("chainid %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// issueAndVerify issues a credential in every format the issuer has keys
// for, writes each to a file and runs `vc verify` on it; it returns the
// credential id and the files.
func issueAndVerify(t *testing.T, data, subject string, formats []string) (string, map[string]string) {
	t.Helper()
	var res api.IssueResult
	cliJSON(t, nil, &res, "--data", data, "vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject,
		"--format", strings.Join(formats, ","), "--suspendable", "--valid-until", "8760h", "--disclosable", "/birthDate")
	if !strings.HasPrefix(res.ID, "urn:uuid:") || len(res.Credentials) != len(formats) {
		t.Fatalf("issued %+v", res)
	}
	files := map[string]string{}
	for f, v := range res.Credentials {
		path := filepath.Join(t.TempDir(), strings.ReplaceAll(f, "+", "_"))
		content := []byte(v)
		var tok string
		if json.Unmarshal(v, &tok) == nil {
			content = []byte(tok + "\n") // JWTs verify from a plain text file
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		files[f] = path
		var vr api.VerifyResult
		cliJSON(t, nil, &vr, "--data", data, "vc", "verify", path)
		if !vr.Verified || !slices.Contains(vr.Checks, "credentialStatus") || vr.Issuer != res.Issuer {
			t.Fatalf("%s: %+v", f, vr)
		}
	}
	return res.ID, files
}

// wantNotVerified runs `vc verify` on each file and expects a failure
// naming why.
func wantNotVerified(t *testing.T, data string, files map[string]string, why string) {
	t.Helper()
	for f, path := range files {
		out, _, err := cli(t, nil, "--data", data, "vc", "verify", path)
		if err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(out, "verified  false") {
			t.Fatalf("%s: want %q, got %v\n%s", f, why, err, out)
		}
	}
}

func TestCredentialsCLILocal(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	schema, subject := writeFiles(t, t.TempDir())
	base := []string{"--data", data}

	edDID := strings.TrimSpace(mustCLI(t, append(base, "issuer", "add", "--method", "key", "--default", "--public-url", "https://issuer.example")...))
	pDID := strings.TrimSpace(mustCLI(t, append(base, "issuer", "add", "--method", "key", "--type", "P-256")...))
	if !strings.HasPrefix(edDID, "did:key:z6Mk") || !strings.HasPrefix(pDID, "did:key:zDn") {
		t.Fatalf("issuers %s %s", edDID, pDID)
	}
	var issuers []api.IssuerInfo
	cliJSON(t, nil, &issuers, append(base, "issuer", "list")...)
	if len(issuers) != 2 || !issuers[0].Default || issuers[1].Default || issuers[0].StatusBase != "https://issuer.example/status/" {
		t.Fatalf("issuer list %+v", issuers)
	}
	if out := mustCLI(t, append(base, "schema", "add", schema)...); strings.TrimSpace(out) != "https://schemas.example/employee" {
		t.Fatalf("schema add: %q", out)
	}
	mustCLI(t, append(base, "schema", "add", schema, "--issuer", pDID)...)
	var schemas []api.SchemaInfo
	cliJSON(t, nil, &schemas, append(base, "schema", "list", "--issuer", edDID)...)
	if len(schemas) != 1 || !strings.HasPrefix(schemas[0].Context, "https://issuer.example/contexts/") {
		t.Fatalf("schema list %+v", schemas)
	}

	id, files := issueAndVerify(t, data, subject, allFormats[:5])
	// One format prints the credential alone.
	out, stderr, err := cli(t, nil, append(base, "vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject, "--format", "vc+jwt")...)
	if err != nil || strings.Count(out, ".") != 2 || !strings.HasPrefix(stderr, "issued urn:uuid:") {
		t.Fatalf("single-format issue: %q %q %v", out, stderr, err)
	}

	// Suspend, reinstate, revoke.
	var st api.CredentialState
	cliJSON(t, nil, &st, append(base, "vc", "suspend", id)...)
	if !st.Suspended || st.Revoked {
		t.Fatalf("suspend: %+v", st)
	}
	wantNotVerified(t, data, files, "suspended")
	mustCLI(t, append(base, "vc", "reinstate", id)...)
	if _, _, err := cli(t, nil, append(base, "vc", "verify", files["vc+jwt"])...); err != nil {
		t.Fatalf("after reinstate: %v", err)
	}
	if out := mustCLI(t, append(base, "vc", "revoke", id)...); !strings.Contains(out, "revoked=true") {
		t.Fatalf("revoke: %q", out)
	}
	wantNotVerified(t, data, files, "revoked")

	// P-256 issuer: ecdsa-rdfc-2019 and ES256 JWTs.
	var res api.IssueResult
	cliJSON(t, nil, &res, append(base, "vc", "issue", "--issuer", pDID, "--schema", "https://schemas.example/employee", "--subject", subject,
		"--format", "ecdsa-rdfc-2019", "--format", "vc+jwt")...)
	if len(res.Credentials) != 2 || res.Issuer != pDID {
		t.Fatalf("P-256 issue: %+v", res)
	}

	// API keys: printed once, stored as a hash.
	key := strings.TrimSpace(mustCLI(t, append(base, "apikey", "create", "--name", "ci")...))
	if !strings.HasPrefix(key, "cid_") || len(key) != 47 {
		t.Fatalf("api key %q", key)
	}
	db, err := os.ReadFile(filepath.Join(data, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(key))
	if bytes.Contains(db, []byte(key)) || bytes.Contains(db, []byte(key[4:])) || !bytes.Contains(db, sum[:]) {
		t.Fatal("the store holds the API key itself, or not its hash")
	}
	// Nor does it hold the subject's claims.
	if bytes.Contains(db, []byte("Erika Mustermann")) {
		t.Fatal("the store holds credential claims")
	}
}

func TestCredentialsCLIErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := t.TempDir()
	schema, subject := writeFiles(t, dir)
	base := []string{"--data", data}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":"","birthDate":"yesterday","extra":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// Before any issuer exists.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"schema", "add", schema}, "no issuer is registered"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject}, "no issuer"},
		{[]string{"issuer", "add", "--method", "web"}, "--method must be key or ethr"},
		{[]string{"issuer", "add", "--method", "key", "--type", "secp256k1"}, "Ed25519 or P-256"},
	} {
		_, _, err := cli(t, nil, append(base, tc.args...)...)
		if err == nil || strings.Contains(oneLine(err.Error()), "\n") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: want %q, got %v", tc.args, tc.want, err)
		}
	}
	mustCLI(t, append(base, "issuer", "add", "--method", "key", "--default")...)
	mustCLI(t, append(base, "schema", "add", schema)...)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee", "--subject", bad}, "/birthDate"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/other", "--subject", subject}, "unknown credential schema"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject, "--format", "ecdsa-rdfc-2019"}, "no key for ecdsa-rdfc-2019"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject, "--format", "mdoc"}, "unsupported credential format"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject, "--valid-until", "soon"}, "--valid-until"},
		{[]string{"vc", "issue", "--schema", "https://schemas.example/employee"}, "--subject"},
		{[]string{"vc", "revoke", "urn:uuid:00000000-0000-4000-8000-000000000000"}, "credential not found"},
		{[]string{"vc", "verify", schema}, "did not verify"},
		{[]string{"vc", "verify", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"schema", "add", bad}, "invalid credential schema"},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			_, _, err := cli(t, nil, append(base, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
	// A credential issued without --suspendable cannot be suspended.
	var res api.IssueResult
	cliJSON(t, nil, &res, append(base, "vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject)...)
	if _, _, err := cli(t, nil, append(base, "vc", "suspend", res.ID)...); err == nil || !strings.Contains(err.Error(), "without a suspension entry") {
		t.Fatalf("suspend: %v", err)
	}
}

type httpResp struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, method, url, token string, body any, header ...string) httpResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(string)
		if !ok {
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			b = string(raw)
		}
		rd = strings.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpResp{resp.StatusCode, resp.Header, b}
}

func decodeAs[T any](t *testing.T, r httpResp, status int) T {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

func TestCredentialsThroughServer(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	schema, subject := writeFiles(t, t.TempDir())
	base := startIssuerServer(t, data)
	flags := []string{"--data", data}

	// The default issuer: a did:ethr with Ed25519 and P-256 keys.
	var issuers []api.IssuerInfo
	cliJSON(t, nil, &issuers, append(flags, "issuer", "list")...)
	if len(issuers) != 1 || !issuers[0].Default || !strings.HasPrefix(issuers[0].DID, "did:ethr:0x539:0x") || len(issuers[0].Keys) != 2 ||
		issuers[0].Keys[0].KeyType != "Ed25519" || issuers[0].Keys[1].KeyType != "P-256" || issuers[0].StatusBase != base+"/status/" {
		t.Fatalf("default issuer %+v", issuers)
	}
	issuerDID := issuers[0].DID
	mustCLI(t, append(flags, "schema", "add", schema)...)

	// The CLI through the server: every format verifies; status changes.
	id, files := issueAndVerify(t, data, subject, allFormats)
	mustCLI(t, append(flags, "vc", "suspend", id)...)
	wantNotVerified(t, data, files, "suspended")
	mustCLI(t, append(flags, "vc", "reinstate", id)...)
	mustCLI(t, append(flags, "vc", "revoke", id)...)
	wantNotVerified(t, data, files, "revoked")

	// API keys: required on issuer routes; a created key works.
	issueBody := map[string]any{"schema": "https://schemas.example/employee", "subject": json.RawMessage(testSubject),
		"formats": allFormats, "suspendable": true}
	for _, tok := range []string{"", "cid_wrong", "cid_" + strings.Repeat("A", 43)} {
		r := call(t, http.MethodPost, base+"/v1/credentials", tok, issueBody)
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "urn:chainid:problem:unauthorized") {
			t.Fatalf("token %q: %d %s", tok, r.status, r.body)
		}
	}
	key := strings.TrimSpace(mustCLI(t, append(flags, "apikey", "create", "--name", "test")...))
	got := decodeAs[api.IssueResult](t, call(t, http.MethodPost, base+"/v1/credentials", key, issueBody), http.StatusCreated)
	if len(got.Credentials) != len(allFormats) || got.Issuer != issuerDID {
		t.Fatalf("issued %+v", got)
	}
	verify := func(vc json.RawMessage) api.VerifyResult {
		t.Helper()
		r := call(t, http.MethodPost, base+"/credentials/verify", "", map[string]any{"verifiableCredential": vc})
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("verify lacks CORS: %v", r.header)
		}
		return decodeAs[api.VerifyResult](t, r, http.StatusOK)
	}
	for f, vc := range got.Credentials {
		if res := verify(vc); !res.Verified || res.Issuer != issuerDID || len(res.Errors) != 0 {
			t.Fatalf("%s: %+v", f, res)
		}
	}

	// VC-API status: suspend, reinstate (current shape), revoke (older shape).
	status := func(body string, want int) api.CredentialState {
		t.Helper()
		return decodeAs[api.CredentialState](t, call(t, http.MethodPost, base+"/credentials/status", key, body), want)
	}
	if st := status(`{"credentialId":"`+got.ID+`","credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"suspension"},"status":true}`, 200); !st.Suspended {
		t.Fatalf("suspend: %+v", st)
	}
	if res := verify(got.Credentials["vc+jwt"]); res.Verified || res.Errors[0].Type != "urn:chainid:verification:suspended" {
		t.Fatalf("suspended: %+v", res)
	}
	status(`{"credentialId":"`+got.ID+`","credentialStatus":{"type":"BitstringStatusListEntry","statusPurpose":"suspension"},"status":false}`, 200)
	if res := verify(got.Credentials["dc+sd-jwt"]); !res.Verified {
		t.Fatalf("reinstated: %+v", res)
	}
	if st := status(`{"credentialId":"`+got.ID+`","credentialStatus":[{"type":"BitstringStatusListCredential","status":"revoked"}]}`, 200); !st.Revoked {
		t.Fatalf("revoke: %+v", st)
	}
	for f, vc := range got.Credentials {
		if res := verify(vc); res.Verified || res.Errors[0].Type != "urn:chainid:verification:revoked" {
			t.Fatalf("%s revoked: %+v", f, res)
		}
	}
	for _, tc := range []struct {
		body string
		code int
		slug string
	}{
		{`{"credentialId":"` + got.ID + `","credentialStatus":{"type":"x","statusPurpose":"revocation"},"status":false}`, 409, "conflict"},
		{`{"credentialId":"urn:uuid:nope","credentialStatus":{"type":"x","statusPurpose":"revocation"},"status":true}`, 404, "credential-not-found"},
		{`{"credentialId":"` + got.ID + `","credentialStatus":{"type":"x","statusPurpose":"refresh"},"status":true}`, 400, "validation"},
		{`{"credentialId":"` + got.ID + `","credentialStatus":{"type":"x","statusPurpose":"revocation"}}`, 400, "validation"},
	} {
		r := call(t, http.MethodPost, base+"/credentials/status", key, tc.body)
		if r.status != tc.code || !strings.Contains(string(r.body), "urn:chainid:problem:"+tc.slug) {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}

	// Schema validation errors list the fields.
	r := call(t, http.MethodPost, base+"/v1/credentials", key, map[string]any{"schema": "https://schemas.example/employee",
		"subject": map[string]any{"name": "", "extra": 1}})
	var p struct {
		Type   string `json:"type"`
		Errors []struct{ Field, Message string }
	}
	if r.status != 400 || json.Unmarshal(r.body, &p) != nil || p.Type != "urn:chainid:problem:validation" || len(p.Errors) != 3 ||
		p.Errors[0].Field != "subject/birthDate" || p.Errors[1].Field != "subject/extra" || p.Errors[2].Field != "subject/name" {
		t.Fatalf("validation: %d %s", r.status, r.body)
	}

	// VC-API issue: Data Integrity by default, enveloped JWTs, 400/422.
	cred := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiableCredential"},
		"issuer": issuerDID, "credentialSubject": json.RawMessage(testSubject),
		"credentialSchema": map[string]string{"id": "https://schemas.example/employee", "type": "JsonSchema"}}
	type vcapiResp struct {
		VerifiableCredential json.RawMessage `json:"verifiableCredential"`
	}
	di := decodeAs[vcapiResp](t, call(t, http.MethodPost, base+"/credentials/issue", key, map[string]any{"credential": cred}), http.StatusCreated)
	if !bytes.Contains(di.VerifiableCredential, []byte(`"cryptosuite":"eddsa-rdfc-2022"`)) {
		t.Fatalf("VC-API default: %s", di.VerifiableCredential)
	}
	env := decodeAs[vcapiResp](t, call(t, http.MethodPost, base+"/credentials/issue", key,
		map[string]any{"credential": cred, "options": map[string]string{"format": "vc+jwt"}}), http.StatusCreated)
	if !bytes.Contains(env.VerifiableCredential, []byte(`"type":"EnvelopedVerifiableCredential"`)) ||
		!bytes.Contains(env.VerifiableCredential, []byte(`data:application/vc+jwt,ey`)) {
		t.Fatalf("VC-API vc+jwt: %s", env.VerifiableCredential)
	}
	for _, vc := range []json.RawMessage{di.VerifiableCredential, env.VerifiableCredential} {
		if res := verify(vc); !res.Verified {
			t.Fatalf("VC-API credential: %+v", res)
		}
	}
	foreign := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiableCredential"},
		"issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "credentialSubject": map[string]string{"id": "did:example:x"}}
	for _, tc := range []struct {
		body any
		code int
	}{
		{map[string]any{"credential": foreign}, 400},
		{map[string]any{"credential": map[string]any{"type": "nope"}}, 422},
		{map[string]any{"credential": cred, "options": map[string]string{"format": "mso_mdoc"}}, 400},
		{map[string]any{"options": map[string]string{}}, 400},
		{`{"credential":{},"credential":{}}`, 400},
	} {
		r := call(t, http.MethodPost, base+"/credentials/issue", key, tc.body)
		if r.status != tc.code || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%v: %d %s", tc.body, r.status, r.body)
		}
	}

	// Verify refuses garbage with 400, answers tampering with verified=false.
	if r := call(t, http.MethodPost, base+"/credentials/verify", "", `{"verifiableCredential":42}`); r.status != 400 {
		t.Fatalf("garbage: %d %s", r.status, r.body)
	}
	var tok string
	_ = json.Unmarshal(got.Credentials["vc+jwt"], &tok)
	tampered, _ := json.Marshal(strings.Replace(tok, ".", ".x", 1))
	if res := verify(tampered); res.Verified {
		t.Fatal("tampered JWT verified")
	}

	// CORS preflight on both verify endpoints.
	for _, path := range []string{"/credentials/verify", "/presentations/verify"} {
		r := call(t, http.MethodOptions, base+path, "", nil, "Origin", "https://wallet.example", "Access-Control-Request-Method", "POST")
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Content-Type") {
			t.Fatalf("preflight %s: %d %v", path, r.status, r.header)
		}
	}

	// The status list is served signed, cacheable, and revalidates by ETag.
	var vcJSON map[string]any
	_ = json.Unmarshal(got.Credentials["eddsa-rdfc-2022"], &vcJSON)
	listURL := vcJSON["credentialStatus"].([]any)[0].(map[string]any)["statusListCredential"].(string)
	if !strings.HasPrefix(listURL, base+"/status/") {
		t.Fatalf("list URL %s", listURL)
	}
	lr := call(t, http.MethodGet, listURL, "", nil)
	if lr.status != 200 || lr.header.Get("Content-Type") != "application/vc+ld+json" || lr.header.Get("ETag") == "" ||
		lr.header.Get("Cache-Control") != "public, max-age=300" || !bytes.Contains(lr.body, []byte(`"BitstringStatusListCredential"`)) {
		t.Fatalf("status list: %d %v %s", lr.status, lr.header, lr.body)
	}
	if res := verify(lr.body); !res.Verified {
		t.Fatalf("the served status list does not verify: %+v", res)
	}
	if r := call(t, http.MethodGet, listURL, "", nil, "If-None-Match", lr.header.Get("ETag")); r.status != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.status)
	}
	if r := call(t, http.MethodGet, base+"/status/"+issuerDID+"/revocation/9", "", nil); r.status != 404 {
		t.Fatalf("missing list: %d %s", r.status, r.body)
	}
	// The schema context is served.
	var schemas []api.SchemaInfo
	cliJSON(t, nil, &schemas, append(flags, "schema", "list")...)
	name := schemas[0].Context[strings.LastIndexByte(schemas[0].Context, '/')+1:]
	if r := call(t, http.MethodGet, base+"/contexts/"+name, "", nil); r.status != 200 || !bytes.Contains(r.body, []byte(`"@vocab":"https://schemas.example/employee#"`)) {
		t.Fatalf("context: %d %s", r.status, r.body)
	}
	// Issuers and schemas need a key too.
	if r := call(t, http.MethodGet, base+"/v1/issuers", "", nil); r.status != 401 {
		t.Fatalf("issuers without key: %d", r.status)
	}
	il := decodeAs[struct{ Issuers []api.IssuerInfo }](t, call(t, http.MethodGet, base+"/v1/issuers", key, nil), 200)
	if len(il.Issuers) != 1 || il.Issuers[0].DID != issuerDID {
		t.Fatalf("issuers %+v", il)
	}
	// An API key cannot create API keys: that needs the admin token.
	if r := call(t, http.MethodPost, base+"/v1/admin/apikeys", key, `{}`); r.status != 401 {
		t.Fatalf("API key creating keys: %d", r.status)
	}
}
