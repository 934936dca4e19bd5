package issuer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
)

func issueReq(formats ...string) issuer.Request {
	return issuer.Request{Schema: "https://schemas.example/person", Subject: json.RawMessage(subjectJSON), Formats: formats}
}

func TestIssueEveryFormatVerifies(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	until := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		issuer  string
		formats []string
	}{
		{k.ed, []string{issuer.FormatVCJWT, issuer.FormatJWTVCJSON, issuer.FormatSDJWT, issuer.FormatEdDSARDFC, issuer.FormatEdDSAJCS}},
		{k.p256, []string{issuer.FormatECDSARDFC, issuer.FormatVCJWT, issuer.FormatSDJWT}},
	} {
		req := issueReq(tc.formats...)
		req.Issuer, req.ValidUntil, req.Type = tc.issuer, until, "PersonCredential"
		req.Disclosable = []string{"/birthDate", "/address/locality", "/nationalities/1"}
		got, err := k.svc.Issue(ctx, req)
		if err != nil {
			t.Fatalf("issue %v: %v", tc.formats, err)
		}
		if !strings.HasPrefix(got.ID, "urn:uuid:") || got.Issuer != tc.issuer || len(got.Status) != 1 || len(got.Credentials) != len(tc.formats) {
			t.Fatalf("issued %+v", got)
		}
		for _, f := range tc.formats {
			t.Run(tc.issuer[:16]+"/"+f, func(t *testing.T) {
				res, err := k.verifier.VerifyCredential(ctx, got.Credentials[f])
				if err != nil {
					t.Fatal(err)
				}
				if !res.Verified || res.Issuer != tc.issuer || !slices.Equal(res.Checks, []string{issuer.CheckProof, issuer.CheckValidity, issuer.CheckStatus}) {
					t.Fatalf("result %+v", res)
				}
				if f != issuer.FormatSDJWT && f != issuer.FormatJWTVCJSON && res.Format != f {
					t.Errorf("format %q, want %q", res.Format, f)
				}
				if !bytes.Contains(res.Document, []byte("Erika Mustermann")) {
					t.Errorf("document lacks the subject: %s", res.Document)
				}
			})
		}
		rec, err := k.store.IssuedCredential(ctx, got.ID)
		if err != nil || rec.Schema != "https://schemas.example/person" || !slices.Equal(rec.Formats, tc.formats) ||
			len(rec.Status) != 1 || rec.Status[0].Purpose != "revocation" || rec.ValidUntil.Unix() != until.Unix() {
			t.Fatalf("record %+v, %v", rec, err)
		}
	}
}

func TestIssuedContent(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	_, _, holder := k.holder(t, did.P256)
	jwk, _ := did.JWKFromPublicKey(holder.Public())
	hk, _ := json.Marshal(jwk)
	req := issueReq(issuer.FormatVCJWT, issuer.FormatJWTVCJSON, issuer.FormatSDJWT)
	req.Disclosable, req.HolderKey, req.Suspendable = []string{"/birthDate"}, hk, true
	got, err := k.svc.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// vc+jwt: the VC 2.0 credential with schema and two status entries.
	var tok string
	_ = json.Unmarshal(got.Credentials[issuer.FormatVCJWT], &tok)
	v, err := jwtvc.Verify(ctx, tok, k.resolver, jwtvc.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := credentials.ParseCredential(v.Credential)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != credentials.V2 || c.ID != got.ID || c.CredentialSchema.Items[0].Type != "JsonSchema" || len(c.Statuses()) != 2 ||
		c.Statuses()[1].StatusPurpose != "suspension" || !strings.HasPrefix(c.Statuses()[0].StatusListCredential, testBase) {
		t.Fatalf("credential %s", v.Credential)
	}
	// jwt_vc_json: the VC 1.1 form.
	_ = json.Unmarshal(got.Credentials[issuer.FormatJWTVCJSON], &tok)
	v, err = jwtvc.Verify(ctx, tok, k.resolver, jwtvc.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = credentials.ParseCredential(v.Credential); err != nil || c.Version() != credentials.V1 || c.IssuanceDate == "" {
		t.Fatalf("jwt_vc_json credential %s: %v", v.Credential, err)
	}
	// dc+sd-jwt: birthDate is disclosable, cnf binds the holder, a key
	// binding presentation verifies.
	_ = json.Unmarshal(got.Credentials[issuer.FormatSDJWT], &tok)
	if n := strings.Count(tok, "~"); n != 2 {
		t.Fatalf("want exactly one disclosure, SD-JWT has %d '~'", n)
	}
	pres, err := sdjwt.Present(tok, nil, holder, sdjwt.PresentOptions{Nonce: "n-1", Audience: "https://verifier.example", IssuedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sdjwt.Verify(ctx, pres, k.resolver, sdjwt.VerifyOptions{RequireKeyBinding: true, ExpectedNonce: "n-1", ExpectedAudience: "https://verifier.example"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(res.Claims, []byte("1990-05-01")) || !bytes.Contains(res.Claims, []byte(`"vct":"https://schemas.example/person"`)) ||
		!bytes.Contains(res.Claims, []byte(`"sub":"did:example:holder"`)) || !bytes.Contains(res.Claims, []byte("credentialStatus")) {
		t.Fatalf("presented claims %s", res.Claims)
	}
	// The record never holds claims.
	raw, err := json.Marshal(mustRecord(t, k, got.ID))
	if err != nil || bytes.Contains(raw, []byte("Erika")) {
		t.Fatalf("record %s", raw)
	}
}

func mustRecord(t *testing.T, k *kit, id string) store.CredentialRecord {
	t.Helper()
	rec, err := k.store.IssuedCredential(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestRevokeSuspendReinstate(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	req := issueReq(issuer.FormatVCJWT, issuer.FormatEdDSARDFC, issuer.FormatSDJWT)
	req.Suspendable = true
	got, err := k.svc.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(want string) {
		t.Helper()
		for f, cred := range got.Credentials {
			res, err := k.verifier.VerifyCredential(ctx, cred)
			if err != nil {
				t.Fatal(err)
			}
			if want == "" {
				if !res.Verified {
					t.Fatalf("%s: %+v", f, res.Errors)
				}
				continue
			}
			if res.Verified || !slices.ContainsFunc(res.Errors, func(p issuer.Problem) bool { return p.Type == want }) ||
				slices.Contains(res.Checks, issuer.CheckStatus) || !slices.Contains(res.Checks, issuer.CheckProof) {
				t.Fatalf("%s: want %s, got %+v", f, want, res)
			}
		}
	}
	verify("")
	st, err := k.svc.Suspend(ctx, got.ID)
	if err != nil || !st.Suspended || st.Revoked || !st.Suspendable {
		t.Fatalf("suspend: %+v %v", st, err)
	}
	verify(issuer.ProblemSuspended)
	if st, err = k.svc.Reinstate(ctx, got.ID); err != nil || st.Suspended {
		t.Fatalf("reinstate: %+v %v", st, err)
	}
	verify("")
	if st, err = k.svc.Revoke(ctx, got.ID); err != nil || !st.Revoked {
		t.Fatalf("revoke: %+v %v", st, err)
	}
	verify(issuer.ProblemRevoked)
	if _, err := k.svc.SetStatus(ctx, got.ID, "revocation", false); !errors.Is(err, issuer.ErrConflict) {
		t.Fatalf("unrevoke: %v", err)
	}
	if st, err = k.svc.Reinstate(ctx, got.ID); err != nil || !st.Revoked {
		t.Fatalf("reinstating a suspension leaves the revocation: %+v %v", st, err)
	}
	verify(issuer.ProblemRevoked)

	plain, err := k.svc.Issue(ctx, issueReq())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.Suspend(ctx, plain.ID); !errors.Is(err, issuer.ErrConflict) {
		t.Fatalf("suspending a credential without suspension entry: %v", err)
	}
	if _, err := k.svc.Revoke(ctx, "urn:uuid:00000000-0000-4000-8000-000000000000"); !errors.Is(err, issuer.ErrCredentialNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := k.svc.SetStatus(ctx, plain.ID, "refresh", true); !errors.Is(err, issuer.ErrInvalidRequest) {
		t.Fatalf("unknown purpose: %v", err)
	}
}

func TestIssueRefusals(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	group := "revocation|" + k.ed
	type check func(error) bool
	is := func(target error) check { return func(err error) bool { return errors.Is(err, target) } }
	subjectErr := func(paths ...string) check {
		return func(err error) bool {
			var se *issuer.SubjectError
			if !errors.As(err, &se) {
				return false
			}
			var got []string
			for _, f := range se.Fields {
				got = append(got, f.Path)
			}
			return slices.Equal(got, paths)
		}
	}
	edit := func(f func(*issuer.Request)) issuer.Request {
		r := issueReq(issuer.FormatVCJWT, issuer.FormatSDJWT)
		f(&r)
		return r
	}
	for _, tt := range []struct {
		name string
		req  issuer.Request
		want check
	}{
		{"missing and mistyped fields", edit(func(r *issuer.Request) {
			r.Subject = json.RawMessage(`{"name":"","age":"old","extra":1}`)
		}), subjectErr("/age", "/birthDate", "/extra", "/name")},
		{"bad date", edit(func(r *issuer.Request) { r.Subject = json.RawMessage(`{"name":"a","birthDate":"1990-13-01"}`) }), subjectErr("/birthDate")},
		{"subject not an object", edit(func(r *issuer.Request) { r.Subject = json.RawMessage(`[1]`) }), subjectErr("")},
		{"duplicate member", edit(func(r *issuer.Request) {
			r.Subject = json.RawMessage(`{"name":"a","name":"b","birthDate":"1990-01-01"}`)
		}), subjectErr("")},
		{"unknown schema", edit(func(r *issuer.Request) { r.Schema = "https://schemas.example/other" }), is(issuer.ErrUnknownSchema)},
		{"unknown issuer", edit(func(r *issuer.Request) { r.Issuer = "did:key:z6MkunknownIssuer" }), is(issuer.ErrUnknownIssuer)},
		{"unknown format", edit(func(r *issuer.Request) { r.Formats = []string{"ldp_vc"} }), is(issuer.ErrUnsupportedFormat)},
		{"no key for format", edit(func(r *issuer.Request) { r.Formats = []string{issuer.FormatECDSARDFC} }), is(issuer.ErrUnsupportedFormat)},
		{"reversed validity", edit(func(r *issuer.Request) {
			r.ValidFrom, r.ValidUntil = time.Now(), time.Now().Add(-time.Hour)
		}), is(issuer.ErrInvalidRequest)},
		{"disclosable names nothing", edit(func(r *issuer.Request) { r.Disclosable = []string{"/nope"} }), is(issuer.ErrInvalidRequest)},
		{"disclosable id", edit(func(r *issuer.Request) { r.Disclosable = []string{"/id"} }), is(issuer.ErrInvalidRequest)},
		{"disclosable without sd-jwt", edit(func(r *issuer.Request) {
			r.Formats, r.Disclosable = []string{issuer.FormatVCJWT}, []string{"/name"}
		}), is(issuer.ErrInvalidRequest)},
		{"bad holder key", edit(func(r *issuer.Request) { r.HolderKey = json.RawMessage(`{"kty":"EC"}`) }), is(issuer.ErrInvalidRequest)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.svc.Issue(ctx, tt.req)
			if err == nil || !tt.want(err) {
				t.Fatalf("error %v", err)
			}
		})
	}
	// No refused request used a status index or left a record.
	if _, n, _, err := k.store.StatusListUsage(ctx, group, 0); err != nil || n != 0 {
		t.Fatalf("refused requests allocated %d indexes (%v)", n, err)
	}
	n := 0
	_ = k.store.IssuedCredentials(ctx, func(store.CredentialRecord) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d records after refusals", n)
	}
}

func TestSchemasAndIssuers(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	if _, err := k.svc.AddSchema(ctx, "", []byte(personSchema)); err != nil {
		t.Fatalf("same schema again for the default issuer: %v", err)
	}
	changed := strings.Replace(personSchema, `"minLength": 1`, `"minLength": 2`, 1)
	if _, err := k.svc.AddSchema(ctx, k.ed, []byte(changed)); !errors.Is(err, issuer.ErrConflict) {
		t.Fatalf("changed schema: %v", err)
	}
	for _, bad := range []string{`{}`, `{"$id":"https://x.example/s","$ref":"https://evil.example/s"}`, `not json`} {
		if _, err := k.svc.AddSchema(ctx, k.ed, []byte(bad)); !errors.Is(err, issuer.ErrInvalidRequest) {
			t.Errorf("schema %s: %v", bad, err)
		}
	}
	list, err := k.svc.Schemas(ctx, "")
	if err != nil || len(list) != 2 {
		t.Fatalf("schemas %d %v", len(list), err)
	}
	iss, err := k.svc.Issuers(ctx)
	if err != nil || len(iss) != 2 || !iss[0].Default || iss[0].Method != "key" {
		t.Fatalf("issuers %+v %v", iss, err)
	}
	for _, bad := range []store.IssuerRecord{
		{DID: "nope", StatusBase: testBase},
		{DID: k.ed, StatusBase: testBase, Keys: iss[0].Keys},
		{DID: "did:key:z6Mkx", StatusBase: testBase},
		{DID: "did:key:z6Mkx", StatusBase: testBase, Keys: []store.IssuerKey{{KeyID: "a", KeyType: "Ed25519", VerificationMethod: "did:key:z6Mky#z"}}},
		{DID: "did:key:z6Mkx", StatusBase: "ftp://x/", Keys: []store.IssuerKey{{KeyID: "a", KeyType: "Ed25519", VerificationMethod: "did:key:z6Mkx#z"}}},
		{DID: "did:key:z6Mkx", StatusBase: testBase, Keys: []store.IssuerKey{{KeyID: "a", KeyType: "RSA", VerificationMethod: "did:key:z6Mkx#z"}}},
	} {
		if err := k.svc.AddIssuer(ctx, bad); err == nil {
			t.Errorf("AddIssuer(%+v) accepted", bad)
		}
	}
}

func TestIssueCredentialVCAPI(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"` + k.ed +
		`","credentialSubject":{"id":"did:example:holder","name":"Erika Mustermann","birthDate":"1990-05-01"},` +
		`"credentialSchema":{"id":"https://schemas.example/person","type":"JsonSchema"}}`
	got, err := k.svc.IssueCredential(ctx, json.RawMessage(cred), "", "")
	if err != nil {
		t.Fatal(err)
	}
	doc := got.Credentials[issuer.FormatEdDSARDFC]
	if !strings.HasPrefix(got.ID, "urn:uuid:") || !bytes.Contains(doc, []byte(`"cryptosuite":"eddsa-rdfc-2022"`)) || len(got.Status) != 1 {
		t.Fatalf("issued %s", doc)
	}
	res, err := k.verifier.VerifyCredential(ctx, doc)
	if err != nil || !res.Verified {
		t.Fatalf("verify: %+v %v", res, err)
	}
	if _, err := k.svc.Revoke(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if res, _ = k.verifier.VerifyCredential(ctx, doc); res.Verified {
		t.Fatal("revoked VC-API credential verifies")
	}
	withID := strings.Replace(cred, `"type"`, `"id":"urn:example:1","type"`, 1)
	got, err = k.svc.IssueCredential(ctx, json.RawMessage(withID), issuer.FormatVCJWT, "")
	if err != nil || got.ID != "urn:example:1" {
		t.Fatalf("with id: %+v %v", got, err)
	}
	for _, tt := range []struct {
		name, cred, format string
		want               error
	}{
		{"same id twice", withID, "", issuer.ErrConflict},
		{"foreign issuer", strings.Replace(cred, k.ed, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", 1), "", issuer.ErrUnknownIssuer},
		{"not a credential", `{"a":1}`, "", issuer.ErrInvalidCredential},
		{"has a proof", strings.Replace(cred, `"type"`, `"proof":{"type":"DataIntegrityProof"},"type"`, 1), "", issuer.ErrInvalidCredential},
		{"schema violation", strings.Replace(cred, `"birthDate":"1990-05-01"`, `"birthDate":"x"`, 1), "", nil},
		{"v1 as vc+jwt", strings.Replace(cred, "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1", 1), issuer.FormatVCJWT, issuer.ErrInvalidCredential},
		{"unknown format", cred, "mso_mdoc", issuer.ErrUnsupportedFormat},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.svc.IssueCredential(ctx, json.RawMessage(tt.cred), tt.format, "")
			var se *issuer.SubjectError
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || (tt.want == nil && !errors.As(err, &se)) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestStatusListServed(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	got, err := k.svc.Issue(ctx, issueReq(issuer.FormatVCJWT))
	if err != nil {
		t.Fatal(err)
	}
	entry := got.Status[0]
	if entry.StatusListCredential != testBase+k.ed+"/revocation/0" {
		t.Fatalf("list URL %s", entry.StatusListCredential)
	}
	di, _ := dataintegrity.New(dataintegrity.Config{})
	bit := func(l *issuer.SignedList) bool {
		t.Helper()
		res, err := di.Verify(ctx, l.Body, k.resolver, dataintegrity.VerifyOptions{})
		if err != nil {
			t.Fatalf("list proof: %v", err)
		}
		lc, err := credentials.ParseCredential(res.Document)
		if err != nil {
			t.Fatal(err)
		}
		holder := &credentials.Credential{Issuer: credentials.Entity{ID: k.ed}}
		set, err := status.Check(holder, entry, lc, 0)
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	l1, err := k.svc.StatusList(ctx, k.ed, "revocation", 0)
	if err != nil {
		t.Fatal(err)
	}
	if l1.MediaType != issuer.MediaDataIntegrity || l1.ETag == "" || l1.MaxAge != issuer.DefaultStatusListMaxAge || bit(l1) {
		t.Fatalf("list %+v", l1)
	}
	l2, _ := k.svc.StatusList(ctx, k.ed, "revocation", 0)
	if l2.ETag != l1.ETag {
		t.Error("an unchanged list was signed again")
	}
	if _, err := k.svc.Revoke(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	l3, _ := k.svc.StatusList(ctx, k.ed, "revocation", 0)
	if l3.ETag == l1.ETag || !bit(l3) {
		t.Fatal("the served list does not show the revocation")
	}
	for _, tt := range []struct {
		issuer, purpose string
		seq             uint32
		want            error
	}{
		{k.ed, "revocation", 1, status.ErrUnknownEntry},
		{k.ed, "suspension", 0, status.ErrUnknownEntry},
		{k.ed, "refresh", 0, nil},
		{"did:key:z6Mkunknown", "revocation", 0, issuer.ErrUnknownIssuer},
		{"", "revocation", 0, issuer.ErrUnknownIssuer},
	} {
		if _, err := k.svc.StatusList(ctx, tt.issuer, tt.purpose, tt.seq); err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("StatusList(%q, %q, %d): %v", tt.issuer, tt.purpose, tt.seq, err)
		}
	}
}

func TestForeignStatusFailsClosed(t *testing.T) {
	a, b := newKit(t), newKit(t)
	ctx := t.Context()
	got, err := a.svc.Issue(ctx, issueReq(issuer.FormatVCJWT))
	if err != nil {
		t.Fatal(err)
	}
	// b does not host a's lists: the status is unknown, so the credential
	// does not verify there.
	res, err := b.verifier.VerifyCredential(ctx, got.Credentials[issuer.FormatVCJWT])
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified || res.Errors[0].Type != issuer.ProblemStatus || !slices.Contains(res.Checks, issuer.CheckProof) {
		t.Fatalf("foreign status: %+v", res)
	}
	if _, err := b.svc.CheckStatus(ctx, a.ed, got.Status[0]); !errors.Is(err, issuer.ErrForeignStatus) {
		t.Fatalf("CheckStatus: %v", err)
	}
	// An entry pointing at another issuer's list is refused.
	other, err := a.svc.Issue(ctx, issuer.Request{Issuer: a.p256, Schema: "https://schemas.example/person", Subject: json.RawMessage(subjectJSON), Formats: []string{issuer.FormatVCJWT}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.CheckStatus(ctx, a.ed, other.Status[0]); err == nil {
		t.Fatal("an entry of another issuer's list was accepted")
	}
}

func TestVerifyRefusals(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	got, err := k.svc.Issue(ctx, issueReq(issuer.FormatVCJWT, issuer.FormatEdDSARDFC, issuer.FormatSDJWT))
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	_ = json.Unmarshal(got.Credentials[issuer.FormatVCJWT], &tok)
	parts := strings.Split(tok, ".")
	flip := func(s string) string {
		b := []byte(s)
		b[len(b)/2] ^= 1
		if b[len(b)/2] == '.' || b[len(b)/2] == '~' {
			b[len(b)/2] = 'A'
		}
		return string(b)
	}
	q := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	diDoc := got.Credentials[issuer.FormatEdDSARDFC]
	var sd string
	_ = json.Unmarshal(got.Credentials[issuer.FormatSDJWT], &sd)
	for _, tt := range []struct {
		name string
		in   json.RawMessage
	}{
		{"jwt header", q(flip(parts[0]) + "." + parts[1] + "." + parts[2])},
		{"jwt payload", q(parts[0] + "." + flip(parts[1]) + "." + parts[2])},
		{"jwt signature", q(parts[0] + "." + parts[1] + "." + flip(parts[2]))},
		{"di proof value", bytes.Replace(diDoc, []byte(`"proofValue":"z`), []byte(`"proofValue":"z2`), 1)},
		{"di subject", bytes.Replace(diDoc, []byte("Erika"), []byte("Erikb"), 1)},
		{"di context", bytes.Replace(diDoc, []byte(`"@context":[`), []byte(`"@context":[{"@vocab":"https://evil.example/"},`), 1)},
		{"sd-jwt issuer jwt", q(flip(sd[:strings.IndexByte(sd, '~')]) + sd[strings.IndexByte(sd, '~'):])},
		{"enveloped vc+jwt tampered", json.RawMessage(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,` + parts[0] + "." + flip(parts[1]) + "." + parts[2] + `"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := k.verifier.VerifyCredential(ctx, tt.in)
			if err != nil {
				return // refused as unparseable: also a refusal
			}
			if res.Verified || len(res.Errors) == 0 {
				t.Fatalf("tampered credential verified: %+v", res)
			}
		})
	}
	// The untampered enveloped form verifies.
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, tok)
	if res, err := k.verifier.VerifyCredential(ctx, env); err != nil || !res.Verified {
		t.Fatalf("enveloped: %+v %v", res, err)
	}
	for _, bad := range []string{`42`, `""`, `[]`, `{"type":"EnvelopedVerifiableCredential","id":"https://x"}`,
		`{"type":"EnvelopedVerifiableCredential","id":"data:text/plain,abc"}`} {
		if _, err := k.verifier.VerifyCredential(ctx, json.RawMessage(bad)); !errors.Is(err, issuer.ErrInvalidCredential) {
			t.Errorf("input %s: %v", bad, err)
		}
	}
	// A credential from an issuer whose key is not the kid's is refused:
	// an attacker's did:key signing a credential naming our issuer.
	attacker, attackerVM, signer := k.holder(t, did.Ed25519)
	forged := strings.Replace(string(mustJSON(t, got, k, ctx)), k.ed, attacker, -1)
	ftok, err := jwtvc.Sign(ctx, []byte(forged), signer, attackerVM, jwtvc.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := k.verifier.VerifyCredential(ctx, mustQuote(ftok))
	if err != nil || res.Verified || res.Issuer != attacker {
		t.Fatalf("forged credential from %s: %+v %v", attacker, res, err)
	}
}

// mustJSON returns the verified credential JSON of an issued vc+jwt.
func mustJSON(t *testing.T, got *issuer.Issued, k *kit, ctx context.Context) []byte {
	t.Helper()
	var tok string
	_ = json.Unmarshal(got.Credentials[issuer.FormatVCJWT], &tok)
	v, err := jwtvc.Verify(ctx, tok, k.resolver, jwtvc.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return v.Credential
}

func mustQuote(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

func TestExpiredCredential(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	req := issueReq(issuer.FormatVCJWT, issuer.FormatEdDSARDFC, issuer.FormatSDJWT)
	req.ValidFrom, req.ValidUntil = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	got, err := k.svc.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for f, c := range got.Credentials {
		res, err := k.verifier.VerifyCredential(ctx, c)
		if err != nil || res.Verified || res.Errors[0].Type != issuer.ProblemRange || !slices.Contains(res.Checks, issuer.CheckProof) {
			t.Errorf("%s expired: %+v %v", f, res, err)
		}
	}
}

func TestVerifyPresentations(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	holderDID, holderVM, holder := k.holder(t, did.Ed25519)
	jwk, _ := did.JWKFromPublicKey(holder.Public())
	hk, _ := json.Marshal(jwk)
	req := issueReq(issuer.FormatVCJWT, issuer.FormatEdDSARDFC, issuer.FormatSDJWT)
	req.HolderKey = hk
	got, err := k.svc.Issue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	opts := issuer.PresentationOptions{Challenge: "c-123", Domain: "https://verifier.example"}

	// Data Integrity presentation with an authentication proof.
	vp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + holderDID +
		`","verifiableCredential":[` + string(got.Credentials[issuer.FormatEdDSARDFC]) + `]}`
	di, err := k.svc.Processor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := di.AddProof(ctx, []byte(vp), holder, holderVM, dataintegrity.EdDSAJCS2022,
		dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: opts.Challenge, Domain: opts.Domain})
	if err != nil {
		t.Fatal(err)
	}
	res, err := k.verifier.VerifyPresentation(ctx, signed, opts)
	if err != nil || !res.Verified || res.Issuer != holderDID || len(res.Credentials) != 1 || !res.Credentials[0].Verified {
		t.Fatalf("DI presentation: %+v %v", res, err)
	}
	if res, _ := k.verifier.VerifyPresentation(ctx, signed, issuer.PresentationOptions{Challenge: "other"}); res.Verified {
		t.Fatal("DI presentation verified with another challenge")
	}

	// vp+jwt with the enveloped vc+jwt.
	var tok string
	_ = json.Unmarshal(got.Credentials[issuer.FormatVCJWT], &tok)
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, tok)
	jvp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"` + holderDID +
		`","verifiableCredential":[` + string(env) + `]}`
	ptok, err := jwtvc.SignPresentation(ctx, []byte(jvp), holder, holderVM, jwtvc.PresentOptions{Nonce: opts.Challenge, Audience: opts.Domain})
	if err != nil {
		t.Fatal(err)
	}
	res, err = k.verifier.VerifyPresentation(ctx, mustQuote(ptok), opts)
	if err != nil || !res.Verified || len(res.Credentials) != 1 || !res.Credentials[0].Verified {
		t.Fatalf("vp+jwt: %+v %v", res, err)
	}
	if _, err := k.verifier.VerifyPresentation(ctx, mustQuote(ptok), issuer.PresentationOptions{}); !errors.Is(err, issuer.ErrInvalidCredential) {
		t.Fatalf("vp+jwt without challenge: %v", err)
	}
	if res, _ := k.verifier.VerifyPresentation(ctx, mustQuote(ptok), issuer.PresentationOptions{Challenge: "x", Domain: opts.Domain}); res.Verified {
		t.Fatal("vp+jwt verified with another nonce")
	}

	// SD-JWT with key binding; after revocation the presentation fails.
	var sd string
	_ = json.Unmarshal(got.Credentials[issuer.FormatSDJWT], &sd)
	kb, err := sdjwt.Present(sd, nil, holder, sdjwt.PresentOptions{Nonce: opts.Challenge, Audience: opts.Domain, IssuedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res, err = k.verifier.VerifyPresentation(ctx, mustQuote(kb), opts); err != nil || !res.Verified {
		t.Fatalf("sd-jwt+kb: %+v %v", res, err)
	}
	if _, err := k.svc.Revoke(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if res, _ = k.verifier.VerifyPresentation(ctx, mustQuote(kb), opts); res.Verified {
		t.Fatal("revoked SD-JWT presentation verified")
	}
	if res, _ = k.verifier.VerifyPresentation(ctx, signed, opts); res.Verified || res.Credentials[0].Verified {
		t.Fatal("presentation of a revoked credential verified")
	}
}

func TestAPIKeys(t *testing.T) {
	k := newKit(t)
	ctx := t.Context()
	key, rec, err := k.svc.CreateAPIKey(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, issuer.APIKeyPrefix) || len(key) != 47 || rec.Name != "ci" {
		t.Fatalf("key %q rec %+v", key, rec)
	}
	last := "A"
	if key[len(key)-1] == 'A' {
		last = "B"
	}
	for _, tt := range []struct {
		key  string
		want bool
	}{
		{key, true},
		{key[:len(key)-1] + last, false},
		{key + "A", false},
		{"", false},
		{strings.Replace(key, "cid_", "xid_", 1), false},
	} {
		if ok, err := k.svc.CheckAPIKey(ctx, tt.key); err != nil || ok != tt.want {
			t.Errorf("CheckAPIKey(%q) = %v, %v", tt.key, ok, err)
		}
	}
	if _, _, err := k.svc.CreateAPIKey(ctx, "bad\nname"); !errors.Is(err, issuer.ErrInvalidRequest) {
		t.Fatalf("control character in name: %v", err)
	}
	other, _, _ := k.svc.CreateAPIKey(ctx, "")
	if other == key {
		t.Fatal("two keys are equal")
	}
}

func TestNew(t *testing.T) {
	if _, err := issuer.New(nil, nil, issuer.Config{}); err == nil {
		t.Fatal("nil store accepted")
	}
	k := newKit(t)
	if _, err := issuer.NewVerifier(nil, k.svc, issuer.VerifierConfig{}); err == nil {
		t.Fatal("nil key resolver accepted")
	}
}
