package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/wallet"
)

const employeeQuery = `{"credentials":[{"id":"employee","format":"dc+sd-jwt",
  "meta":{"vct_values":["https://schemas.example/employee"]},"claims":[{"path":["name"]}]}]}`

// presentationRequest creates a presentation request through the API.
func presentationRequest(t *testing.T, base, key string, body map[string]any) api.PresentationRequestInfo {
	t.Helper()
	return decodeAs[api.PresentationRequestInfo](t, call(t, http.MethodPost, base+"/v1/presentation-requests", key, body), http.StatusCreated)
}

func presentationStatus(t *testing.T, base, key, id, code string) httpResp {
	t.Helper()
	u := base + "/v1/presentation-requests/" + id
	if code != "" {
		u += "?response_code=" + url.QueryEscape(code)
	}
	return call(t, http.MethodGet, u, key, nil)
}

// TestOpenID4VPRoundTrip runs the CLI wallet against a real server:
// OpenID4VCI issuance into the wallet, then OpenID4VP presentations in
// every mode and format (SD-JWT VC, JWT VC, Data Integrity, ZK proof), and
// the refusals of the verifier.
func TestOpenID4VPRoundTrip(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := t.TempDir()
	schema, _ := writeFiles(t, dir)
	flags := []string{"--data", data}
	if _, stderr, err := cli(t, nil, append(flags, "zk", "setup", "--dev")...); err != nil {
		t.Fatalf("zk setup: %v\n%s", err, stderr)
	}
	base := startIssuerServer(t, data)
	mustCLI(t, append(flags, "schema", "add", schema)...)
	key := strings.TrimSpace(mustCLI(t, append(flags, "apikey", "create")...))
	walletDir := filepath.Join(t.TempDir(), "wallet")
	wflags := []string{"wallet", "--wallet", walletDir, "--insecure-http", "--zk-keys", filepath.Join(data, zkKeysDir)}

	var holder struct{ DID string }
	cliJSON(t, nil, &holder, append(wflags, "init")...)
	if !strings.HasPrefix(holder.DID, "did:key:z6Mk") {
		t.Fatalf("holder %+v", holder)
	}
	offer := decodeAs[api.OfferInfo](t, call(t, http.MethodPost, base+"/v1/credential-offers", key, map[string]any{
		"schema": "https://schemas.example/employee", "subject": json.RawMessage(`{"name":"Erika Mustermann","birthDate":"1990-05-01","employer":"ACME"}`),
		"txCode": map[string]any{}}), http.StatusCreated)
	if _, _, err := cli(t, nil, append(wflags, "receive", offer.URI)...); err == nil || !strings.Contains(err.Error(), "transaction code") {
		t.Fatalf("receive without tx code: %v", err)
	}
	var got []map[string]any
	cliJSON(t, nil, &got, append(wflags, "receive", offer.URI, "--tx-code", offer.TxCode)...)
	if len(got) != 2 {
		t.Fatalf("received %v", got)
	}
	var listed []map[string]any
	cliJSON(t, nil, &listed, append(wflags, "list")...)
	if len(listed) != 2 {
		t.Fatalf("list %v", listed)
	}

	t.Run("ldp_vc", func(t *testing.T) {
		subject := filepath.Join(dir, "holder-subject.json")
		if err := os.WriteFile(subject, []byte(`{"id":"`+holder.DID+`","name":"Erika Mustermann","birthDate":"1990-05-01","employer":"ACME"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		var issued api.IssueResult
		cliJSON(t, nil, &issued, append(flags, "vc", "issue", "--schema", "https://schemas.example/employee", "--subject", subject,
			"--format", "eddsa-rdfc-2022")...)
		file := filepath.Join(dir, "employee.ldp.json")
		if err := os.WriteFile(file, issued.Credentials["eddsa-rdfc-2022"], 0o600); err != nil {
			t.Fatal(err)
		}
		var imported []map[string]any
		// Without the issuer's URL its schema context is unknown: the
		// wallet cannot make its proof.
		cliJSON(t, nil, &imported, append(wflags, "import", file)...)
		q0 := `{"credentials":[{"id":"emp","format":"ldp_vc","meta":{"type_values":[["VerifiableCredential"]]}}]}`
		if _, _, err := cli(t, nil, append(wflags, "present", presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(q0)}).URI)...); err == nil ||
			!strings.Contains(err.Error(), "not built in") {
			t.Fatalf("present without the context: %v", err)
		}
		mustCLI(t, append(wflags, "delete", imported[0]["id"].(string))...)
		cliJSON(t, nil, &imported, append(wflags, "import", "--issuer-url", base, file)...)
		if len(imported) != 1 || imported[0]["format"] != "ldp_vc" {
			t.Fatalf("import %v", imported)
		}
		q := `{"credentials":[{"id":"emp","format":"ldp_vc","meta":{"type_values":[["VerifiableCredential"]]},
		  "claims":[{"path":["credentialSubject","employer"],"values":["ACME"]}]}]}`
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(q)})
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", req.URI)...)
		st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200)
		if st.State != oid4vp.StateVerified || res.Presented[0].Format != "ldp_vc" {
			t.Fatalf("status %+v %+v", st, st.Result)
		}
		if r := st.Result.Presentations["emp"][0].Result; r.Format != "ldp_vp" || r.Holder != holder.DID {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("zk proof with an sd-jwt", func(t *testing.T) {
		var issuers []api.IssuerInfo
		cliJSON(t, nil, &issuers, append(flags, "issuer", "list")...)
		file, _ := issueZKCredential(t, flags, dir, `{"birthDate":"1990-05-01","level":3}`, filepath.Join(walletDir, zkHolderSecretFile))
		var imported []map[string]any
		cliJSON(t, nil, &imported, append(wflags, "import", file)...)
		if len(imported) != 1 || imported[0]["format"] != "chainid_zk" {
			t.Fatalf("import %v", imported)
		}
		spec := func(extra string) string {
			return `{"issuers":["` + issuers[0].DID + `"],"schema":"https://schemas.example/zk-employee","reveal":["level"],
			  "predicates":[{"attribute":"birthDate","op":"<=","value":"2007-01-01"}],"scope":"https://shop.example"` + extra + `}`
		}
		q := `{"credentials":[` + strings.TrimSuffix(strings.TrimPrefix(employeeQuery, `{"credentials":[`), `]}`) + `,
		  {"id":"adult","format":"chainid_zk","meta":{"zk_request":` + spec("") + `},"claims":[{"path":["disclosed","level"],"values":[3]}]}]}`
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(q), "responseMode": "direct_post.jwt"})
		// The wallet proves from the request alone: the proof request,
		// bound to the nonce and client_id, replaced the specification.
		var zkReq struct{ ID, Nonce, Audience, Scope string }
		var sent struct {
			Credentials []struct {
				Meta struct {
					ZKRequest json.RawMessage `json:"zk_request"`
				} `json:"meta"`
			} `json:"credentials"`
		}
		if err := json.Unmarshal(req.Request.DCQLQuery, &sent); err != nil || json.Unmarshal(sent.Credentials[1].Meta.ZKRequest, &zkReq) != nil {
			t.Fatalf("query %s", req.Request.DCQLQuery)
		}
		if zkReq.ID == "" || zkReq.Nonce != req.Request.Nonce || zkReq.Audience != req.ClientID || zkReq.Scope != "https://shop.example" {
			t.Fatalf("proof request %+v, request nonce %s client_id %s", zkReq, req.Request.Nonce, req.ClientID)
		}
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", req.URI)...)
		if len(res.Presented) != 2 || res.Presented[1].Format != "chainid_zk" {
			t.Fatalf("present %+v", res)
		}
		st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200)
		if st.State != oid4vp.StateVerified {
			t.Fatalf("status %+v %+v", st, st.Result)
		}
		zr := st.Result.Presentations["adult"][0].Result
		claims := string(zr.Credentials[0].Claims)
		if zr.Format != "zk" || !strings.Contains(claims, `"level":3`) || !strings.Contains(claims, `"nullifier"`) || !strings.Contains(zr.Holder, "nullifier:") {
			t.Fatalf("zk result %+v %s", zr, claims)
		}
		// The verifier sets the proof's audience and lifetime.
		bad := `{"credentials":[{"id":"adult","format":"chainid_zk","meta":{"zk_request":` + spec(`,"audience":"https://elsewhere.example"`) + `}}]}`
		if r := call(t, http.MethodPost, base+"/v1/presentation-requests", key, map[string]any{"dcqlQuery": json.RawMessage(bad)}); r.status != 400 {
			t.Fatalf("spec with an audience: %d %s", r.status, r.body)
		}
		// A query for a value the credential does not have: the proof
		// verifies, but the disclosed level does not satisfy the query.
		other := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(strings.Replace(q, `"values":[3]`, `"values":[4]`, 1))})
		if _, _, err := cli(t, nil, append(wflags, "present", other.URI)...); err == nil || !strings.Contains(err.Error(), "lacks a requested type or claim") {
			t.Fatalf("a level the proof does not disclose: %v", err)
		}
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, other.ID, ""), 200); st.State != oid4vp.StateRejected {
			t.Fatalf("status %+v", st)
		}
	})

	t.Run("sd-jwt cross-device", func(t *testing.T) {
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery)})
		if !strings.HasPrefix(req.URI, "openid4vp://?") || !strings.HasPrefix(req.ClientID, "decentralized_identifier:did:key:") ||
			!strings.HasPrefix(req.QRCode.PNG, "data:image/png;base64,") || !strings.HasPrefix(req.QRCode.SVG, "<svg") || req.RequestURI == "" {
			t.Fatalf("request %+v", req)
		}
		r := call(t, http.MethodGet, req.RequestURI, "", nil)
		if r.status != 200 || r.header.Get("Content-Type") != oid4vp.MediaTypeRequestObject {
			t.Fatalf("request object %d %v", r.status, r.header)
		}
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200); st.State != oid4vp.StatePending {
			t.Fatalf("status %+v", st)
		}
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", req.URI)...)
		if res.Verifier != req.ClientID || len(res.Presented) != 1 || strings.Join(res.Presented[0].Disclose, ",") != "/name" {
			t.Fatalf("present %+v", res)
		}
		st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200)
		if st.State != oid4vp.StateVerified || st.Result == nil || !st.Result.Verified {
			t.Fatalf("status %+v", st)
		}
		claims := string(st.Result.Presentations["employee"][0].Result.Credentials[0].Claims)
		if !strings.Contains(claims, "Erika Mustermann") || strings.Contains(claims, "1990-05-01") || strings.Contains(claims, "ACME") {
			t.Fatalf("disclosed claims %s", claims)
		}
		// Answering again is refused: the request is closed.
		if _, _, err := cli(t, nil, append(wflags, "present", req.URI)...); err == nil || !strings.Contains(err.Error(), "already been answered") {
			t.Fatalf("second answer: %v", err)
		}
		// Without credentials it may not read results.
		if r := presentationStatus(t, base, "", req.ID, ""); r.status != http.StatusUnauthorized {
			t.Fatalf("unauthenticated status: %d", r.status)
		}
	})

	t.Run("same-device response code", func(t *testing.T) {
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery),
			"redirectUri": "https://app.example/done"})
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", req.URI)...)
		code, ok := strings.CutPrefix(res.RedirectURI, "https://app.example/done#response_code=")
		if !ok || len(code) < 40 {
			t.Fatalf("redirect %q", res.RedirectURI)
		}
		// Without the code: state only.
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200); st.State != oid4vp.StateVerified || st.Result != nil {
			t.Fatalf("status without code %+v", st)
		}
		if r := presentationStatus(t, base, key, req.ID, code+"x"); r.status != http.StatusBadRequest {
			t.Fatalf("wrong code: %d %s", r.status, r.body)
		}
		st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, code), 200)
		if st.Result == nil || !st.Result.Verified {
			t.Fatalf("status with code %+v", st)
		}
		if r := presentationStatus(t, base, key, req.ID, code); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "already used") {
			t.Fatalf("code used twice: %d %s", r.status, r.body)
		}
	})

	t.Run("direct_post.jwt and jwt_vc_json", func(t *testing.T) {
		q := `{"credentials":[{"id":"vc","format":"jwt_vc_json","meta":{"type_values":[["VerifiableCredential"]]},
		  "claims":[{"path":["credentialSubject","employer"],"values":["ACME"]}]}]}`
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(q), "responseMode": "direct_post.jwt"})
		if req.Request.ClientMetadata == nil || req.Request.ClientMetadata.JWKS == nil {
			t.Fatalf("no encryption key: %+v", req.Request)
		}
		var res wallet.PresentResult
		cliJSON(t, nil, &res, append(wflags, "present", req.URI)...)
		st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200)
		if st.State != oid4vp.StateVerified {
			t.Fatalf("status %+v %+v", st, st.Result)
		}
		// An unencrypted answer to an encrypted request is refused.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(q), "responseMode": "direct_post.jwt"})
		r := postForm(t, req.Request.ResponseURI, url.Values{"vp_token": {`{"vc":["x"]}`}, "state": {req.Request.State}})
		if r.status != 400 {
			t.Fatalf("plain answer to encrypted request: %d %s", r.status, r.body)
		}
	})

	t.Run("redirect_uri by value", func(t *testing.T) {
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery),
			"clientIdPrefix": "redirect_uri", "byValue": true})
		if req.RequestURI != "" || !strings.HasPrefix(req.ClientID, "redirect_uri:"+base) {
			t.Fatalf("request %+v", req)
		}
		mustCLI(t, append(wflags, "present", req.URI)...)
		// A tampered response_uri no longer matches the client_id.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery),
			"clientIdPrefix": "redirect_uri", "byValue": true})
		bad := strings.Replace(req.URI, "response_uri="+url.QueryEscape(req.Request.ResponseURI), "response_uri="+url.QueryEscape("https://evil.example/cb"), 1)
		if _, _, err := cli(t, nil, append(wflags, "present", bad)...); err == nil || !strings.Contains(err.Error(), "is not the redirect_uri client_id") {
			t.Fatalf("tampered response_uri: %v", err)
		}
	})

	t.Run("wrong client_id", func(t *testing.T) {
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery)})
		for name, cid := range map[string]string{
			"other DID":      "decentralized_identifier:" + holder.DID,
			"unknown prefix": "x509_san_dns:app.example",
			"redirect":       "redirect_uri:" + req.Request.ResponseURI,
		} {
			bad := "openid4vp://?client_id=" + url.QueryEscape(cid) + "&request_uri=" + url.QueryEscape(req.RequestURI)
			if _, _, err := cli(t, nil, append(wflags, "present", bad)...); err == nil || !strings.Contains(err.Error(), "invalid authorization request") {
				t.Fatalf("%s: %v", name, err)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		sd, priv := holderCredential(t, base, key)
		present := func(nonce, aud string) json.RawMessage {
			s, err := sdjwt.Present(sd, []string{"/name"}, priv, sdjwt.PresentOptions{Nonce: nonce, Audience: aud, IssuedAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(s)
			return b
		}
		two := `{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["https://schemas.example/employee"]}},
		  {"id":"b","format":"dc+sd-jwt","meta":{"vct_values":["https://schemas.example/employee"]}}]}`
		answer := func(req api.PresentationRequestInfo, tok map[string][]json.RawMessage) httpResp {
			b, _ := json.Marshal(tok)
			return postForm(t, req.Request.ResponseURI, url.Values{"vp_token": {string(b)}, "state": {req.Request.State}})
		}

		// A valid answer from this test's own holder verifies; replaying
		// the same bytes is refused.
		req := presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(two)})
		tok := map[string][]json.RawMessage{"a": {present(req.Request.Nonce, req.ClientID)}, "b": {present(req.Request.Nonce, req.ClientID)}}
		if r := answer(req, tok); r.status != 200 {
			t.Fatalf("valid answer: %d %s", r.status, r.body)
		}
		if r := answer(req, tok); r.status != 400 || !strings.Contains(string(r.body), "already been answered") {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}

		// One of two presentations with another nonce: the response is
		// refused and the request closed as rejected.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(two)})
		tok = map[string][]json.RawMessage{"a": {present(req.Request.Nonce, req.ClientID)}, "b": {present("another-nonce", req.ClientID)}}
		if r := answer(req, tok); r.status != 400 || !strings.Contains(string(r.body), "did not verify") {
			t.Fatalf("wrong nonce: %d %s", r.status, r.body)
		}
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200); st.State != oid4vp.StateRejected || st.Result.Verified {
			t.Fatalf("status after wrong nonce %+v", st)
		}

		// Another audience.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery)})
		if r := answer(req, map[string][]json.RawMessage{"employee": {present(req.Request.Nonce, "decentralized_identifier:did:key:z6MkOther")}}); r.status != 400 {
			t.Fatalf("wrong audience: %d %s", r.status, r.body)
		}

		// A wrong state leaves the request open.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery)})
		b, _ := json.Marshal(map[string][]json.RawMessage{"employee": {present(req.Request.Nonce, req.ClientID)}})
		if r := postForm(t, req.Request.ResponseURI, url.Values{"vp_token": {string(b)}, "state": {"nope"}}); r.status != 400 {
			t.Fatalf("wrong state: %d %s", r.status, r.body)
		}
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200); st.State != oid4vp.StatePending {
			t.Fatalf("status after wrong state %+v", st)
		}

		// An expired request serves no request object and takes no answer.
		req = presentationRequest(t, base, key, map[string]any{"dcqlQuery": json.RawMessage(employeeQuery), "expiresIn": 1})
		tok = map[string][]json.RawMessage{"employee": {present(req.Request.Nonce, req.ClientID)}}
		time.Sleep(time.Until(req.ExpiresAt) + 100*time.Millisecond)
		if r := answer(req, tok); r.status != 400 || !strings.Contains(string(r.body), "expired") {
			t.Fatalf("expired: %d %s", r.status, r.body)
		}
		if r := call(t, http.MethodGet, req.RequestURI, "", nil); r.status != 404 {
			t.Fatalf("expired request object: %d", r.status)
		}
		if st := decodeAs[oid4vp.Status](t, presentationStatus(t, base, key, req.ID, ""), 200); st.State != oid4vp.StateExpired {
			t.Fatalf("status of expired %+v", st)
		}
	})
}

// holderCredential issues an SD-JWT VC bound to a fresh Ed25519 key held
// by the test (carried as jwk in the proof).
func holderCredential(t *testing.T, base, key string) (string, ed25519.PrivateKey) {
	t.Helper()
	offer := decodeAs[api.OfferInfo](t, call(t, http.MethodPost, base+"/v1/credential-offers", key, map[string]any{
		"schema": "https://schemas.example/employee", "subject": json.RawMessage(`{"name":"Max","birthDate":"1980-01-01"}`),
		"configurations": []string{"employee_sd_jwt"}}), http.StatusCreated)
	_, code := preAuthorizedCode(t, offer.URI)
	tok := decodeAs[oid4vci.TokenResponse](t, postForm(t, base+"/token", url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {code}}), 200)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	n := decodeAs[oid4vci.NonceResponse](t, call(t, http.MethodPost, base+"/nonce", "", nil), 200)
	res := decodeAs[oid4vci.CredentialResponse](t, call(t, http.MethodPost, base+"/credential", tok.AccessToken,
		map[string]any{"credential_configuration_id": "employee_sd_jwt", "proofs": map[string]any{"jwt": []string{holderProof(t, priv, base, n.CNonce)}}}), 200)
	return res.Credentials[0].Credential, priv
}
