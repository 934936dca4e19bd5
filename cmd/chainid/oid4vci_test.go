package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/oid4vci"
)

// postForm posts a form to the token endpoint.
func postForm(t *testing.T, u string, form url.Values) httpResp {
	t.Helper()
	return call(t, http.MethodPost, u, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// oauthError decodes an OAuth error response and checks its shape.
func oauthError(t *testing.T, r httpResp, status int, code oid4vci.ErrorCode) {
	t.Helper()
	if r.status != status || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("want %d %s as application/json, got %d %q: %s", status, code, r.status, r.header.Get("Content-Type"), r.body)
	}
	var e oid4vci.ErrorResponse
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error != code {
		t.Fatalf("want error %s, got %s (%v)", code, r.body, err)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("refusal without Cache-Control: no-store: %v", r.header)
	}
}

// preAuthorizedCode reads the code out of an offer URI.
func preAuthorizedCode(t *testing.T, uri string) (oid4vci.CredentialOffer, string) {
	t.Helper()
	q, ok := strings.CutPrefix(uri, oid4vci.OfferScheme+"?credential_offer=")
	if !ok {
		t.Fatalf("offer URI %q", uri)
	}
	raw, err := url.QueryUnescape(q)
	if err != nil {
		t.Fatal(err)
	}
	var o oid4vci.CredentialOffer
	if err := json.Unmarshal([]byte(raw), &o); err != nil || o.Grants.PreAuthorizedCode == nil {
		t.Fatalf("offer %s: %v", raw, err)
	}
	return o, o.Grants.PreAuthorizedCode.PreAuthorizedCode
}

// holderProof signs a jwt key proof with an Ed25519 holder key carried as
// jwk.
func holderProof(t *testing.T, priv ed25519.PrivateKey, aud, nonce string) string {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"aud": aud, "iat": time.Now().Unix(), "nonce": nonce})
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	jk, err := jwk.FromRaw(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := hdr.Set(jws.TypeKey, oid4vci.ProofJWTType); err != nil {
		t.Fatal(err)
	}
	if err := hdr.Set(jws.JWKKey, jk); err != nil {
		t.Fatal(err)
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.EdDSA, priv, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// jwtPart decodes part i (0 header, 1 payload) of a compact JWT (or the
// issuer JWT of an SD-JWT).
func jwtPart(t *testing.T, tok string, i int) map[string]any {
	t.Helper()
	tok, _, _ = strings.Cut(tok, "~")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOpenID4VCIAndKeyRotation runs, against one server with the default
// did:ethr issuer, the OpenID4VCI pre-authorized code flow over HTTP and
// then an issuer key rotation.
func TestOpenID4VCIAndKeyRotation(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := t.TempDir()
	schema, _ := writeFiles(t, dir)
	base := startIssuerServer(t, data)
	flags := []string{"--data", data}
	mustCLI(t, append(flags, "schema", "add", schema)...)
	key := strings.TrimSpace(mustCLI(t, append(flags, "apikey", "create")...))
	var issuers []api.IssuerInfo
	cliJSON(t, nil, &issuers, append(flags, "issuer", "list")...)
	issuerDID := issuers[0].DID

	verify := func(t *testing.T, vc string) api.VerifyResult {
		t.Helper()
		raw, _ := json.Marshal(vc)
		return decodeAs[api.VerifyResult](t, call(t, http.MethodPost, base+"/credentials/verify", "", map[string]any{"verifiableCredential": json.RawMessage(raw)}), http.StatusOK)
	}

	t.Run("openid4vci", func(t *testing.T) {
		// Metadata.
		r := call(t, http.MethodGet, base+"/.well-known/openid-credential-issuer", "", nil)
		meta := decodeAs[oid4vci.IssuerMetadata](t, r, http.StatusOK)
		if meta.CredentialIssuer != base || meta.CredentialEndpoint != base+"/credential" || meta.NonceEndpoint != base+"/nonce" {
			t.Fatalf("metadata %+v", meta)
		}
		sd, jv := meta.CredentialConfigurationsSupported["employee_sd_jwt"], meta.CredentialConfigurationsSupported["employee_jwt_vc_json"]
		if sd.Format != "dc+sd-jwt" || sd.VCT != "https://schemas.example/employee" || jv.Format != "jwt_vc_json" || len(meta.CredentialConfigurationsSupported) != 2 {
			t.Fatalf("configurations %+v", meta.CredentialConfigurationsSupported)
		}
		as := decodeAs[oid4vci.AuthorizationServerMetadata](t, call(t, http.MethodGet, base+"/.well-known/oauth-authorization-server", "", nil), http.StatusOK)
		if as.Issuer != base || as.TokenEndpoint != base+"/token" {
			t.Fatalf("authorization server metadata %+v", as)
		}

		// An offer without tx_code from the CLI (through the server); the
		// subject has no id, so jwt_vc_json names the holder.
		subjectFile := filepath.Join(dir, "holderless.json")
		if err := os.WriteFile(subjectFile, []byte(`{"name":"Erika Mustermann","birthDate":"1990-05-01"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		uri := strings.TrimSpace(mustCLI(t, append(flags, "vc", "offer", "--schema", "https://schemas.example/employee", "--subject", subjectFile)...))
		offer, code := preAuthorizedCode(t, uri)
		if offer.CredentialIssuer != base || len(offer.CredentialConfigurationIDs) != 2 || offer.Grants.PreAuthorizedCode.TxCode != nil {
			t.Fatalf("offer %+v", offer)
		}
		grant := url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {code}}
		r = postForm(t, base+"/token", grant)
		tok := decodeAs[oid4vci.TokenResponse](t, r, http.StatusOK)
		if r.header.Get("Cache-Control") != "no-store" || tok.TokenType != "Bearer" || tok.AccessToken == "" {
			t.Fatalf("token %d %v %s", r.status, r.header, r.body)
		}
		// Reuse is invalid_grant, and revokes the token issued first.
		oauthError(t, postForm(t, base+"/token", grant), 400, oid4vci.CodeInvalidGrant)
		oauthError(t, call(t, http.MethodPost, base+"/credential", tok.AccessToken, `{"credential_configuration_id":"employee_sd_jwt","proofs":{"jwt":["x.y.z"]}}`),
			401, oid4vci.CodeInvalidToken)

		// An offer with a tx_code through the API.
		created := decodeAs[api.OfferInfo](t, call(t, http.MethodPost, base+"/v1/credential-offers", key, map[string]any{
			"schema": "https://schemas.example/employee", "subject": json.RawMessage(`{"name":"Erika Mustermann","birthDate":"1990-05-01"}`),
			"txCode": map[string]any{"description": "sent by SMS"}}), http.StatusCreated)
		if len(created.TxCode) != 6 || created.Offer.Grants.PreAuthorizedCode.TxCode == nil || !created.ExpiresAt.After(time.Now()) {
			t.Fatalf("offer with tx code %+v", created)
		}
		_, code = preAuthorizedCode(t, created.URI)
		grant = url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {code}}
		oauthError(t, postForm(t, base+"/token", grant), 400, oid4vci.CodeInvalidRequest) // tx_code missing
		wrong := "000000"
		if created.TxCode == wrong {
			wrong = "111111"
		}
		grant.Set("tx_code", wrong)
		oauthError(t, postForm(t, base+"/token", grant), 400, oid4vci.CodeInvalidGrant)
		grant.Set("tx_code", created.TxCode)
		tok = decodeAs[oid4vci.TokenResponse](t, postForm(t, base+"/token", grant), http.StatusOK)

		_, holder, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		nonce := func() string {
			t.Helper()
			r := call(t, http.MethodPost, base+"/nonce", "", nil)
			n := decodeAs[oid4vci.NonceResponse](t, r, http.StatusOK)
			if r.header.Get("Cache-Control") != "no-store" || n.CNonce == "" {
				t.Fatalf("nonce %v %s", r.header, r.body)
			}
			return n.CNonce
		}
		request := func(config, proof string) httpResp {
			return call(t, http.MethodPost, base+"/credential", tok.AccessToken,
				map[string]any{"credential_configuration_id": config, "proofs": map[string]any{"jwt": []string{proof}}})
		}
		for _, tc := range []struct{ config, format string }{{"employee_sd_jwt", "dc+sd-jwt"}, {"employee_jwt_vc_json", "jwt_vc_json"}} {
			r := request(tc.config, holderProof(t, holder, base, nonce()))
			res := decodeAs[oid4vci.CredentialResponse](t, r, http.StatusOK)
			if r.header.Get("Cache-Control") != "no-store" || len(res.Credentials) != 1 {
				t.Fatalf("%s: %v %s", tc.config, r.header, r.body)
			}
			vc := res.Credentials[0].Credential
			if v := verify(t, vc); !v.Verified || v.Issuer != issuerDID || v.Format != tc.format {
				t.Fatalf("%s does not verify: %+v", tc.config, v)
			}
			claims := jwtPart(t, vc, 1)
			switch tc.format {
			case "dc+sd-jwt":
				cnf, _ := claims["cnf"].(map[string]any)
				jk, _ := cnf["jwk"].(map[string]any)
				if jk["x"] != base64.RawURLEncoding.EncodeToString(holder.Public().(ed25519.PublicKey)) {
					t.Fatalf("cnf %v", claims["cnf"])
				}
			case "jwt_vc_json":
				subj, _ := claims["vc"].(map[string]any)["credentialSubject"].(map[string]any)
				if id, _ := subj["id"].(string); !strings.HasPrefix(id, "did:jwk:") || claims["sub"] != id {
					t.Fatalf("subject %v, sub %v", subj, claims["sub"])
				}
			}
		}

		// Refusals over HTTP.
		_, other, _ := ed25519.GenerateKey(rand.Reader)
		bad := holderProof(t, other, base, nonce())
		bad = bad[:len(bad)-4] + "AAAA" // broken signature
		oauthError(t, request("employee_sd_jwt", bad), 400, oid4vci.CodeInvalidProof)
		oauthError(t, request("employee_sd_jwt", holderProof(t, holder, "https://other.example", nonce())), 400, oid4vci.CodeInvalidProof)
		n := nonce()
		decodeAs[oid4vci.CredentialResponse](t, request("employee_sd_jwt", holderProof(t, holder, base, n)), http.StatusOK)
		oauthError(t, request("employee_sd_jwt", holderProof(t, holder, base, n)), 400, oid4vci.CodeInvalidNonce) // nonce reuse
		oauthError(t, request("other_sd_jwt", holderProof(t, holder, base, nonce())), 400, oid4vci.CodeUnknownCredentialConfiguration)
		r = call(t, http.MethodPost, base+"/credential", "", map[string]any{"credential_configuration_id": "employee_sd_jwt"})
		oauthError(t, r, 401, oid4vci.CodeInvalidToken)
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Bearer error="invalid_token"`) {
			t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
		}
		oauthError(t, call(t, http.MethodPost, base+"/token", "", `{"grant_type":"x"}`), 400, oid4vci.CodeInvalidRequest) // JSON, not a form

		// An offer whose subject names another holder is denied for
		// jwt_vc_json; bad subjects and unknown schemas fail at creation.
		created = decodeAs[api.OfferInfo](t, call(t, http.MethodPost, base+"/v1/credential-offers", key, map[string]any{
			"schema": "https://schemas.example/employee", "subject": json.RawMessage(testSubject)}), http.StatusCreated)
		_, code = preAuthorizedCode(t, created.URI)
		tok = decodeAs[oid4vci.TokenResponse](t, postForm(t, base+"/token", url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {code}}), http.StatusOK)
		oauthError(t, request("employee_jwt_vc_json", holderProof(t, holder, base, nonce())), 400, oid4vci.CodeCredentialRequestDenied)
		for _, tc := range []struct {
			body   map[string]any
			status int
			want   string
		}{
			{map[string]any{"schema": "https://schemas.example/employee", "subject": json.RawMessage(`{"name":"E"}`)}, 400, "subject/"},
			{map[string]any{"schema": "https://schemas.example/nope", "subject": json.RawMessage(`{}`)}, 400, "no schema"},
			{map[string]any{"schema": "https://schemas.example/employee", "subject": json.RawMessage(testSubject), "configurations": []string{"x_sd_jwt"}}, 400, "not one of"},
			{map[string]any{"schema": "https://schemas.example/employee", "subject": json.RawMessage(testSubject), "txCode": map[string]any{"length": 2}}, 400, "txCode.length"},
		} {
			r := call(t, http.MethodPost, base+"/v1/credential-offers", key, tc.body)
			if r.status != tc.status || !strings.Contains(string(r.body), tc.want) || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%v: %d %s", tc.body, r.status, r.body)
			}
		}
		if r := call(t, http.MethodPost, base+"/v1/credential-offers", "", map[string]any{}); r.status != http.StatusUnauthorized {
			t.Errorf("offer without a key: %d", r.status)
		}
	})

	t.Run("rotate-key", func(t *testing.T) {
		issue := func(t *testing.T) (string, string) {
			t.Helper()
			got := decodeAs[api.IssueResult](t, call(t, http.MethodPost, base+"/v1/credentials", key, map[string]any{
				"schema": "https://schemas.example/employee", "subject": json.RawMessage(testSubject), "formats": []string{"vc+jwt"},
				"validUntil": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}), http.StatusCreated)
			var tok string
			if err := json.Unmarshal(got.Credentials["vc+jwt"], &tok); err != nil {
				t.Fatal(err)
			}
			kid, _ := jwtPart(t, tok, 0)["kid"].(string)
			return tok, kid
		}
		oldVC, kidA := issue(t)
		var info api.IssuerInfo
		cliJSON(t, nil, &info, append(flags, "issuer", "rotate-key", issuerDID)...)
		if len(info.Keys) != 3 || info.Keys[0].KeyType != "Ed25519" || info.Keys[0].Retired != nil ||
			info.Keys[2].VerificationMethod != kidA || info.Keys[2].Retired == nil || info.Keys[1].Retired != nil {
			t.Fatalf("after rotation %+v", info.Keys)
		}
		kidB := info.Keys[0].VerificationMethod
		newVC, kid := issue(t)
		if kid != kidB || kid == kidA {
			t.Fatalf("new credential kid %q, want %q (old %q)", kid, kidB, kidA)
		}
		for _, vc := range []string{oldVC, newVC} {
			if v := verify(t, vc); !v.Verified || v.Issuer != issuerDID {
				t.Fatalf("after rotation: %+v", v)
			}
		}
		// Both keys are published.
		doc := call(t, http.MethodGet, base+"/1.0/identifiers/"+issuerDID, "", nil)
		for _, vm := range []string{kidA, kidB} {
			if doc.status != 200 || !strings.Contains(string(doc.body), `"`+vm+`"`) {
				t.Fatalf("resolved document lacks %s: %s", vm, doc.body)
			}
		}
		// The retired key keeps verifying but is remembered until the
		// last credential issued before the rotation expires.
		var listed []api.IssuerInfo
		cliJSON(t, nil, &listed, append(flags, "issuer", "list")...)
		i := slices.IndexFunc(listed[0].Keys, func(k api.IssuerKeyInfo) bool { return k.VerificationMethod == kidA })
		if i < 0 || listed[0].Keys[i].Retired == nil {
			t.Fatalf("listed keys %+v", listed[0].Keys)
		}
		// Earlier tests issued credentials without validUntil: the key must
		// stay published indefinitely.
		if listed[0].Keys[i].RetireAfter != nil {
			t.Fatalf("retireAfter %v despite credentials that never expire", listed[0].Keys[i].RetireAfter)
		}

		// A did:key issuer cannot rotate; neither can an unknown one.
		var keyIssuer api.IssuerInfo
		cliJSON(t, nil, &keyIssuer, append(flags, "issuer", "add", "--method", "key")...)
		if _, _, err := cli(t, nil, append(flags, "issuer", "rotate-key", keyIssuer.DID)...); err == nil || !strings.Contains(err.Error(), "cannot rotate") {
			t.Fatalf("did:key rotation: %v", err)
		}
		r := call(t, http.MethodPost, base+"/v1/issuers/"+url.PathEscape("did:ethr:0x539:0x0000000000000000000000000000000000000001")+"/rotate-key", key, nil)
		if r.status != 400 || !strings.Contains(string(r.body), "unknown issuer") {
			t.Fatalf("unknown issuer: %d %s", r.status, r.body)
		}
	})
}

// TestOpenID4VCINonceSurvivesRestart: the c_nonce key derives from the
// keystore, so a c_nonce handed out before a restart of serve is accepted
// after it (once).
func TestOpenID4VCINonceSurvivesRestart(t *testing.T) {
	t.Parallel()
	data, dir := t.TempDir(), t.TempDir()
	schema, _ := writeFiles(t, dir)
	cfg := testServeConfig(data)
	cfg.DefaultIssuer = true
	base, stop := serveWith(t, cfg)
	flags := []string{"--data", data}
	mustCLI(t, append(flags, "schema", "add", schema)...)
	n := decodeAs[oid4vci.NonceResponse](t, call(t, http.MethodPost, base+"/nonce", "", nil), http.StatusOK).CNonce
	if n == "" {
		t.Fatal("no c_nonce")
	}
	stop()

	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	cfg = testServeConfig(data)
	cfg.DefaultIssuer, cfg.Addr = true, u.Host
	if again, _ := serveWith(t, cfg); again != base {
		t.Fatalf("restarted at %s, want %s (the credential issuer id)", again, base)
	}
	subjectFile := filepath.Join(dir, "holderless.json")
	if err := os.WriteFile(subjectFile, []byte(`{"name":"Erika Mustermann","birthDate":"1990-05-01"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	uri := strings.TrimSpace(mustCLI(t, append(flags, "vc", "offer", "--schema", "https://schemas.example/employee", "--subject", subjectFile)...))
	_, code := preAuthorizedCode(t, uri)
	tok := decodeAs[oid4vci.TokenResponse](t, postForm(t, base+"/token",
		url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {code}}), http.StatusOK)
	_, holder, _ := ed25519.GenerateKey(rand.Reader)
	request := func() httpResp {
		return call(t, http.MethodPost, base+"/credential", tok.AccessToken,
			map[string]any{"credential_configuration_id": "employee_sd_jwt", "proofs": map[string]any{"jwt": []string{holderProof(t, holder, base, n)}}})
	}
	if res := decodeAs[oid4vci.CredentialResponse](t, request(), http.StatusOK); len(res.Credentials) != 1 {
		t.Fatalf("credentials %+v", res)
	}
	oauthError(t, request(), 400, oid4vci.CodeInvalidNonce) // still single use
}
