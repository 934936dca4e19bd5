package oid4vp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/sdjwt"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/dcql"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// The test world: an issuer (did:key, Ed25519) and a holder with an
// Ed25519 key bound into SD-JWT VCs and a P-256 did:jwk presenting VP-JWTs,
// resolved through the real resolver and didkeys. Presentations are
// verified by the real pipeline (verifier.New).
type world struct {
	issuer    ed25519.PrivateKey
	issuerKID string
	holder    ed25519.PrivateKey // SD-JWT cnf key
	vpKey     *ecdsa.PrivateKey  // VP-JWT holder key
	holderDID string             // did:jwk of vpKey
	keys      *didkeys.Keys
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{}
	_, w.issuer, _ = ed25519.GenerateKey(rand.Reader)
	_, w.holder, _ = ed25519.GenerateKey(rand.Reader)
	w.vpKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	d, err := didkey.New(w.issuer.Public())
	if err != nil {
		t.Fatal(err)
	}
	w.issuerKID = d.String() + "#" + d.ID
	h, err := didjwk.New(w.vpKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	w.holderDID = h.String()
	res, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{
		"key": didkey.NewResolver(didkey.Config{}), "jwk": didjwk.NewResolver(didjwk.Config{}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if w.keys, err = didkeys.New(res, didkeys.Config{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// sdCredential issues an SD-JWT VC of type vct bound to the holder key,
// valid from an hour before now to exp.
func (w *world) sdCredential(t *testing.T, now, exp time.Time) string {
	t.Helper()
	tok, err := sdjwt.Issue([]byte(`{"name":"A","level":3}`), sdjwt.Frame{"/name", "/level"}, w.issuer,
		sdjwt.IssueOptions{KeyID: w.issuerKID, VCT: "https://example/vct", HolderKey: w.holder.Public(),
			IssuedAt: now.Add(-time.Hour), Expires: exp})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sdPresent presents cred, revealing name, with a key binding JWT for nonce
// and audience made at iat.
func (w *world) sdPresent(t *testing.T, cred, nonce, audience string, iat time.Time) json.RawMessage {
	t.Helper()
	p, err := sdjwt.Present(cred, []string{"/name"}, w.holder, sdjwt.PresentOptions{Nonce: nonce, Audience: audience, IssuedAt: iat})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	return b
}

// vpJWT presents a jwt_vc_json credential of the holder as a VP-JWT for
// nonce and audience.
func (w *world) vpJWT(t *testing.T, now time.Time, nonce, audience string) json.RawMessage {
	t.Helper()
	cred, _ := json.Marshal(map[string]any{
		"@context": []string{"https://www.w3.org/2018/credentials/v1"}, "type": []string{"VerifiableCredential", "LevelCredential"},
		"issuer": strings.SplitN(w.issuerKID, "#", 2)[0], "issuanceDate": now.Add(-time.Hour).UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": w.holderDID, "level": 3},
	})
	vc, err := jwtvc.Sign(t.Context(), cred, w.issuer, w.issuerKID, jwtvc.SignOptions{Format: jwtvc.FormatJWTVCJSON})
	if err != nil {
		t.Fatal(err)
	}
	vp, _ := json.Marshal(map[string]any{"@context": []string{"https://www.w3.org/2018/credentials/v1"},
		"type": []string{"VerifiablePresentation"}, "holder": w.holderDID, "verifiableCredential": []string{vc}})
	tok, err := jwtvc.SignPresentation(t.Context(), vp, w.vpKey, w.holderDID+"#0", jwtvc.PresentOptions{Format: jwtvc.FormatJWTVCJSON,
		Nonce: nonce, Audience: audience, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tok)
	return b
}

// zkProofs stands in for verifier/zk behind the real pipeline (its
// Config.ZK): a submission {"type":"ZKProofPresentation","request":…,
// "binding":"nonce|audience"} proves when the binding is the expected
// one. A real Groth16 proof is bound to the request's random nonce and
// takes tens of seconds to make; verifier's ZK matrix runs verifier/zk
// over a stored one.
type zkProofs struct{}

func (zkProofs) VerifyZK(_ context.Context, proof json.RawMessage, expect verifier.ZKExpect) (*verifier.ZKResult, error) {
	var sub struct{ Type, Request, Binding string }
	if err := json.Unmarshal(proof, &sub); err != nil || sub.Request == "" {
		return nil, errors.New("not a test submission")
	}
	bound := sub.Binding == expect.Nonce+"|"+expect.Audience
	return &verifier.ZKResult{Issuer: "did:example:zk-issuer", Claims: json.RawMessage(`{"disclosed":{"level":3}}`),
		Checks: []verifier.Check{{Check: verifier.CheckHolderBinding, Passed: bound}, {Check: verifier.CheckZKProof, Passed: true}}}, nil
}

// zkRequests stands in for verifier/zk: the request document echoes the
// specification with the binding it was given.
type zkRequests struct{ n *int }

func (z zkRequests) CreateZKRequest(_ context.Context, spec json.RawMessage, nonce, audience string, expires time.Time) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(spec, &m); err != nil || m["schema"] == nil {
		return nil, fmt.Errorf("%w: the test spec needs a schema", oid4vp.ErrInvalidRequest)
	}
	*z.n++
	return json.Marshal(map[string]any{"id": fmt.Sprintf("zk-%d", *z.n), "schema": m["schema"], "nonce": nonce, "audience": audience,
		"expires": expires.UTC().Format(time.RFC3339)})
}

const query = `{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["https://example/vct"]},"claims":[{"path":["name"]}]}]}`

type fixture struct {
	svc    *oid4vp.Service
	client *oid4vp.Client
	srv    *httptest.Server
	now    time.Time
	store  *store.PresentationRecords
	cfg    oid4vp.Config
	w      *world
	cred   string // the holder's SD-JWT VC
}

func newFixture(t *testing.T) *fixture {
	return newFixtureWith(t, func(*oid4vp.Config) {})
}

func newFixtureWith(t *testing.T, edit func(*oid4vp.Config)) *fixture {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"), store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	d, err := didkey.New(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{now: time.Now(), w: newWorld(t)}
	f.cred = f.w.sdCredential(t, f.now, f.now.Add(24*time.Hour))
	pipeline, err := verifier.New(verifier.Config{Keys: f.w.keys, ZK: zkProofs{}, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.store = st.Presentations()
	f.cfg = oid4vp.Config{
		BaseURL: f.srv.URL + "/r", Signer: priv, KeyID: d.String() + "#" + d.ID,
		Verifier: pipeline, InsecureAllowHTTP: true,
		Policy: func(context.Context) (verifier.Policy, error) { return verifier.Policy{AnyIssuer: true}, nil },
		ZK:     zkRequests{new(int)},
		Now:    func() time.Time { return f.now },
	}
	edit(&f.cfg)
	f.svc, err = oid4vp.New(f.store, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /r/{id}/request", func(w http.ResponseWriter, r *http.Request) {
		jwt, err := f.svc.RequestObject(r.Context(), r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		w.Header().Set("Content-Type", oid4vp.MediaTypeRequestObject)
		w.Write([]byte(jwt))
	})
	mux.HandleFunc("POST /r/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		ack, err := f.svc.HandleResponse(r.Context(), r.PathValue("id"), r.PostForm)
		var pe *oid4vp.ProtocolError
		if errors.As(err, &pe) {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(pe.Response())
			return
		}
		json.NewEncoder(w).Encode(ack)
	})
	f.client, err = oid4vp.NewClient(oid4vp.ClientConfig{Keys: f.w.keys, InsecureAllowHTTP: true, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) create(t *testing.T, req oid4vp.CreateRequest) *oid4vp.Created {
	t.Helper()
	if req.DCQLQuery == nil {
		req.DCQLQuery = json.RawMessage(query)
	}
	c, err := f.svc.Create(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer is the holder's SD-JWT presentation for req.
func (f *fixture) answer(t *testing.T, req *oid4vp.AuthorizationRequest) map[string][]json.RawMessage {
	return map[string][]json.RawMessage{"a": {f.w.sdPresent(t, f.cred, req.Nonce, req.ClientID, f.now)}}
}

func TestRoundTripModes(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		req  oid4vp.CreateRequest
	}{
		{"signed by reference, direct_post", oid4vp.CreateRequest{}},
		{"signed by reference, direct_post.jwt", oid4vp.CreateRequest{ResponseMode: oid4vp.ResponseModeDirectPostJWT}},
		{"redirect_uri by reference", oid4vp.CreateRequest{ClientIDPrefix: oid4vp.PrefixRedirectURI}},
		{"redirect_uri by value, direct_post.jwt", oid4vp.CreateRequest{ClientIDPrefix: oid4vp.PrefixRedirectURI, ByValue: true, ResponseMode: oid4vp.ResponseModeDirectPostJWT}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.create(t, tc.req)
			req, err := f.client.Fetch(t.Context(), c.URI)
			if err != nil {
				t.Fatal(err)
			}
			if req.Nonce != c.Request.Nonce || req.ClientID != c.ClientID {
				t.Fatalf("fetched %+v", req)
			}
			if _, err := f.client.Respond(t.Context(), req, f.answer(t, req)); err != nil {
				t.Fatal(err)
			}
			st, err := f.svc.Status(t.Context(), c.ID, "")
			if err != nil || st.State != oid4vp.StateVerified || !st.Result.Verified {
				t.Fatalf("status %+v %v", st, err)
			}
			// Replays are refused.
			var pe *oid4vp.ProtocolError
			if _, err := f.client.Respond(t.Context(), req, f.answer(t, req)); !errors.As(err, &pe) {
				t.Fatalf("replay: %v", err)
			}
		})
	}
}

func TestRequestObjectRefusals(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, oid4vp.CreateRequest{})
	jwt, err := f.svc.RequestObject(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jwt, ".")
	enc := base64.RawURLEncoding
	payload, _ := enc.DecodeString(parts[1])
	tampered := parts[0] + "." + enc.EncodeToString([]byte(strings.Replace(string(payload), c.Request.Nonce, "other", 1))) + "." + parts[2]
	unsigned := enc.EncodeToString([]byte(`{"alg":"none","typ":"oauth-authz-req+jwt"}`)) + "." + parts[1] + "."
	jku := enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"oauth-authz-req+jwt","kid":"x","jku":"https://evil"}`)) + "." + parts[1] + "." + parts[2]
	wrongTyp := enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]
	for name, tc := range map[string]struct{ jwt, clientID string }{
		"tampered payload":         {tampered, c.ClientID},
		"alg none with a DID":      {unsigned, c.ClientID},
		"jku header":               {jku, c.ClientID},
		"wrong typ":                {wrongTyp, c.ClientID},
		"other client_id":          {jwt, "decentralized_identifier:did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
		"unknown client_id prefix": {jwt, "x509_san_dns:example.com"},
		"signed for redirect_uri":  {jwt, "redirect_uri:" + c.Request.ResponseURI},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.client.VerifyRequestObject(t.Context(), tc.jwt, tc.clientID); !errors.Is(err, oid4vp.ErrRequestObject) {
				t.Fatalf("want ErrRequestObject, got %v", err)
			}
		})
	}
	if _, err := f.client.VerifyRequestObject(t.Context(), jwt, c.ClientID); err != nil {
		t.Fatalf("genuine request object: %v", err)
	}
	// An unsigned redirect_uri request object naming a member twice in
	// another case (encoding/json would take the last one).
	r := f.create(t, oid4vp.CreateRequest{ClientIDPrefix: oid4vp.PrefixRedirectURI})
	plain, err := f.svc.RequestObject(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	pp := strings.Split(plain, ".")
	body, _ := enc.DecodeString(pp[1])
	if _, err := f.client.VerifyRequestObject(t.Context(), plain, r.ClientID); err != nil {
		t.Fatalf("genuine unsigned request object: %v", err)
	}
	dup := pp[0] + "." + enc.EncodeToString([]byte(strings.Replace(string(body), "{", `{"Response_URI":"https://evil.example/cb",`, 1))) + "."
	if _, err := f.client.VerifyRequestObject(t.Context(), dup, r.ClientID); !errors.Is(err, oid4vp.ErrRequestObject) {
		t.Fatalf("request object with a case-folded duplicate member: %v", err)
	}
	// Expired: neither the service nor the wallet accepts it.
	f.now = f.now.Add(oid4vp.DefaultRequestTTL + 2*oid4vp.DefaultClockSkew)
	if _, err := f.client.VerifyRequestObject(t.Context(), jwt, c.ClientID); !errors.Is(err, oid4vp.ErrRequestObject) {
		t.Fatalf("expired request object: %v", err)
	}
	if _, err := f.svc.RequestObject(t.Context(), c.ID); !errors.Is(err, oid4vp.ErrExpired) {
		t.Fatalf("service serves an expired request: %v", err)
	}
}

func TestEncryptedResponseRefusals(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, oid4vp.CreateRequest{ResponseMode: oid4vp.ResponseModeDirectPostJWT})
	req, err := f.client.Fetch(t.Context(), c.URI)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(map[string]any{"vp_token": f.answer(t, req), "state": req.State})
	good, err := oid4vp.EncryptResponse(plain, req.ClientMetadata)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	enc := base64.RawURLEncoding
	hdr := func(h string) string { return enc.EncodeToString([]byte(h)) + "." + strings.Join(parts[1:], ".") }
	var pe *oid4vp.ProtocolError
	for name, form := range map[string]url.Values{
		"not a JWE":        {"response": {"a.b.c"}},
		"pbes2":            {"response": {hdr(`{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":100000000}`)}},
		"zip":              {"response": {hdr(`{"alg":"ECDH-ES","enc":"A128GCM","zip":"DEF"}`)}},
		"dir":              {"response": {hdr(`{"alg":"dir","enc":"A128GCM"}`)}},
		"duplicate header": {"response": {hdr(`{"alg":"ECDH-ES","alg":"ECDH-ES","enc":"A128GCM"}`)}},
		"plain vp_token":   {"vp_token": {`{"a":["x"]}`}, "state": {req.State}},
		"extra parameter":  {"response": {good}, "state": {req.State}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := f.svc.HandleResponse(t.Context(), c.ID, form); !errors.As(err, &pe) {
				t.Fatalf("want a protocol error, got %v", err)
			}
		})
	}
	// The refusals left the request open; the genuine response verifies.
	if _, err := f.svc.HandleResponse(t.Context(), c.ID, url.Values{"response": {good}}); err != nil {
		t.Fatal(err)
	}
}

func TestCreateRefusals(t *testing.T) {
	f := newFixture(t)
	for name, req := range map[string]oid4vp.CreateRequest{
		"no query":          {DCQLQuery: json.RawMessage(`{}`)},
		"duplicate member":  {DCQLQuery: json.RawMessage(`{"credentials":[],"credentials":[]}`)},
		"unknown format":    {DCQLQuery: json.RawMessage(`{"credentials":[{"id":"a","format":"mso_mdoc"}]}`)},
		"sd-jwt no vct":     {DCQLQuery: json.RawMessage(`{"credentials":[{"id":"a","format":"dc+sd-jwt"}]}`)},
		"bad mode":          {ResponseMode: "fragment"},
		"bad prefix":        {ClientIDPrefix: "x509_san_dns:"},
		"signed by value":   {ClientIDPrefix: oid4vp.PrefixDecentralizedIdentifier, ByValue: true},
		"redirect fragment": {RedirectURI: "https://app.example/#x"},
		"ttl too long":      {TTL: 2 * time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			if req.DCQLQuery == nil {
				req.DCQLQuery = json.RawMessage(query)
			}
			if _, err := f.svc.Create(t.Context(), req); !errors.Is(err, oid4vp.ErrInvalidRequest) {
				t.Fatalf("want ErrInvalidRequest, got %v", err)
			}
		})
	}
}

func TestResponseCodeOnce(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, oid4vp.CreateRequest{RedirectURI: "https://app.example/cb"})
	req, err := f.client.Fetch(t.Context(), c.URI)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := f.client.Respond(t.Context(), req, f.answer(t, req))
	if err != nil {
		t.Fatal(err)
	}
	code, ok := strings.CutPrefix(ack.RedirectURI, "https://app.example/cb#response_code=")
	if !ok {
		t.Fatalf("ack %+v", ack)
	}
	if _, err := f.svc.Status(t.Context(), c.ID, "wrong"); !errors.Is(err, oid4vp.ErrResponseCode) {
		t.Fatalf("wrong code: %v", err)
	}
	if st, err := f.svc.Status(t.Context(), c.ID, code); err != nil || st.Result == nil {
		t.Fatalf("code: %+v %v", st, err)
	}
	if _, err := f.svc.Status(t.Context(), c.ID, code); !errors.Is(err, oid4vp.ErrResponseCode) {
		t.Fatalf("code twice: %v", err)
	}
}

func TestWrongNonceAmongSeveral(t *testing.T) {
	f := newFixture(t)
	two := `{"credentials":[{"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["https://example/vct"]}},{"id":"b","format":"dc+sd-jwt","meta":{"vct_values":["https://example/vct"]}}]}`
	c := f.create(t, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(two)})
	req, err := f.client.Fetch(t.Context(), c.URI)
	if err != nil {
		t.Fatal(err)
	}
	good := f.w.sdPresent(t, f.cred, req.Nonce, req.ClientID, f.now)
	bad := f.w.sdPresent(t, f.cred, "other", req.ClientID, f.now)
	var pe *oid4vp.ProtocolError
	if _, err := f.client.Respond(t.Context(), req, map[string][]json.RawMessage{"a": {good}, "b": {bad}}); !errors.As(err, &pe) {
		t.Fatalf("want refusal, got %v", err)
	}
	if st, _ := f.svc.Status(t.Context(), c.ID, ""); st.State != oid4vp.StateRejected {
		t.Fatalf("state %s", st.State)
	}
}

// TestZKQuery: a chainid_zk query's proof specification is replaced by the
// proof request made for the OpenID4VP request's nonce and client_id, and
// a submission must answer that request.
func TestZKQuery(t *testing.T) {
	f := newFixture(t)
	zkQuery := `{"credentials":[{"id":"age","format":"chainid_zk","meta":{"zk_request":{"schema":"https://s.example/p"}},
	  "claims":[{"path":["disclosed","level"]}]}]}`
	submission := func(request, binding string) json.RawMessage {
		b, _ := json.Marshal(map[string]string{"type": verifier.TypeZKProof, "request": request, "binding": binding})
		return b
	}
	for _, tc := range []struct {
		name    string
		present func(req *oid4vp.AuthorizationRequest, zkID string) json.RawMessage
		ok      bool
	}{
		{"answers", func(req *oid4vp.AuthorizationRequest, id string) json.RawMessage {
			return submission(id, req.Nonce+"|"+req.ClientID)
		}, true},
		{"another proof request", func(req *oid4vp.AuthorizationRequest, id string) json.RawMessage {
			return submission("zk-999", req.Nonce+"|"+req.ClientID)
		}, false},
		{"another nonce", func(req *oid4vp.AuthorizationRequest, id string) json.RawMessage {
			return submission(id, "other|"+req.ClientID)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.create(t, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(zkQuery), ResponseMode: oid4vp.ResponseModeDirectPostJWT})
			req, err := f.client.Fetch(t.Context(), c.URI)
			if err != nil {
				t.Fatal(err)
			}
			q, err := dcql.Parse(req.DCQLQuery)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct{ ID, Schema, Nonce, Audience string }
			if err := json.Unmarshal(q.Credentials[0].Meta.ZKRequest, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.ID == "" || doc.Schema != "https://s.example/p" || doc.Nonce != req.Nonce || doc.Audience != req.ClientID {
				t.Fatalf("proof request %+v for nonce %s, client_id %s", doc, req.Nonce, req.ClientID)
			}
			_, err = f.client.Respond(t.Context(), req, map[string][]json.RawMessage{"age": {tc.present(req, doc.ID)}})
			if (err == nil) != tc.ok {
				t.Fatalf("respond: %v", err)
			}
			st, err := f.svc.Status(t.Context(), c.ID, "")
			if err != nil || st.Result.Verified != tc.ok {
				t.Fatalf("status %+v %v", st, err)
			}
		})
	}
	t.Run("refused without a ZK requester", func(t *testing.T) {
		g := newFixtureWith(t, func(c *oid4vp.Config) { c.ZK = nil })
		if _, err := g.svc.Create(t.Context(), oid4vp.CreateRequest{DCQLQuery: json.RawMessage(zkQuery)}); !errors.Is(err, oid4vp.ErrInvalidRequest) {
			t.Fatalf("want ErrInvalidRequest, got %v", err)
		}
	})
	t.Run("spec refused by the requester", func(t *testing.T) {
		bad := strings.Replace(zkQuery, `"schema"`, `"scheme"`, 1)
		if _, err := f.svc.Create(t.Context(), oid4vp.CreateRequest{DCQLQuery: json.RawMessage(bad)}); !errors.Is(err, oid4vp.ErrInvalidRequest) {
			t.Fatalf("want ErrInvalidRequest, got %v", err)
		}
	})
}

// TestResponseKeyNotStored: the private key of an encrypted request is
// not in its record; a Service with the same secret (a restart) decrypts
// the response, one with another secret cannot.
func TestResponseKeyNotStored(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	f := newFixtureWith(t, func(c *oid4vp.Config) { c.ResponseKeySecret = secret })
	if _, err := oid4vp.New(f.store, func() oid4vp.Config { c := f.cfg; c.ResponseKeySecret = []byte("short"); return c }()); err == nil {
		t.Fatal("a 5-byte response key secret was accepted")
	}
	respond := func(secret []byte) error {
		c := f.create(t, oid4vp.CreateRequest{ResponseMode: oid4vp.ResponseModeDirectPostJWT})
		raw, err := f.store.Get(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), `"d":`) {
			t.Fatalf("the record holds a private key: %s", raw)
		}
		req, err := f.client.Fetch(t.Context(), c.URI)
		if err != nil {
			t.Fatal(err)
		}
		cfg := f.cfg
		cfg.ResponseKeySecret = secret
		if f.svc, err = oid4vp.New(f.store, cfg); err != nil { // the handlers use f.svc
			t.Fatal(err)
		}
		_, err = f.client.Respond(t.Context(), req, f.answer(t, req))
		return err
	}
	if err := respond(secret); err != nil {
		t.Fatalf("same secret: %v", err)
	}
	var pe *oid4vp.ProtocolError
	if err := respond([]byte("another secret, also 32 bytes long")); !errors.As(err, &pe) || !strings.Contains(pe.Description, "decrypted") {
		t.Fatalf("another secret: %v", err)
	}
}

// TestRedirectURIRequestURIOrigin: a redirect_uri request is fetched only
// from the client_id's origin; a link pointing the wallet at another host
// is refused before any request is made there.
func TestRedirectURIRequestURIOrigin(t *testing.T) {
	f := newFixture(t)
	c := f.create(t, oid4vp.CreateRequest{ClientIDPrefix: oid4vp.PrefixRedirectURI})
	hits := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		jwt, err := f.svc.RequestObject(r.Context(), c.ID)
		if err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		w.Header().Set("Content-Type", oid4vp.MediaTypeRequestObject)
		w.Write([]byte(jwt))
	}))
	t.Cleanup(other.Close)
	for name, ru := range map[string]string{
		"other host":   other.URL + "/r/" + c.ID + "/request",
		"other scheme": strings.Replace(c.RequestURI, "http://", "https://", 1),
	} {
		t.Run(name, func(t *testing.T) {
			q := url.Values{"client_id": {c.ClientID}, "request_uri": {ru}}
			if _, err := f.client.Fetch(t.Context(), oid4vp.Scheme+"?"+q.Encode()); !errors.Is(err, oid4vp.ErrRequestObject) {
				t.Fatalf("want ErrRequestObject, got %v", err)
			}
		})
	}
	if hits != 0 {
		t.Fatalf("the wallet fetched from another origin %d times", hits)
	}
	if _, err := f.client.Fetch(t.Context(), c.URI); err != nil {
		t.Fatalf("request_uri on the client_id's origin: %v", err)
	}
}

// TestPresentationRefusals: presentations go through the real pipeline, so
// a forged, expired, unbound or misbound presentation is refused and a
// genuine SD-JWT VC or VP-JWT verifies.
func TestPresentationRefusals(t *testing.T) {
	f := newFixture(t)
	vpQuery := `{"credentials":[{"id":"a","format":"jwt_vc_json","meta":{"type_values":[["LevelCredential"]]},
	  "claims":[{"path":["credentialSubject","level"]}]}]}`
	for _, tc := range []struct {
		name    string
		query   string
		present func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage
		ok      bool
	}{
		{"SD-JWT VC", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.sdPresent(t, f.cred, req.Nonce, req.ClientID, f.now)
		}, true},
		{"SD-JWT for another audience", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.sdPresent(t, f.cred, req.Nonce, "redirect_uri:https://other.example/cb", f.now)
		}, false},
		{"SD-JWT with a forged issuer signature", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			jwt, rest, _ := strings.Cut(f.cred, "~")
			i := strings.LastIndex(jwt, ".") + 3
			c := byte('A')
			if jwt[i] == 'A' {
				c = 'B'
			}
			return f.w.sdPresent(t, jwt[:i]+string(c)+jwt[i+1:]+"~"+rest, req.Nonce, req.ClientID, f.now)
		}, false},
		{"expired SD-JWT VC", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.sdPresent(t, f.w.sdCredential(t, f.now.Add(-48*time.Hour), f.now.Add(-time.Hour)), req.Nonce, req.ClientID, f.now)
		}, false},
		{"SD-JWT without key binding", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			p, err := sdjwt.Present(f.cred, []string{"/name"}, nil, sdjwt.PresentOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(p)
			return b
		}, false},
		{"stale key binding", query, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.sdPresent(t, f.cred, req.Nonce, req.ClientID, f.now.Add(-time.Hour))
		}, false},
		{"VP-JWT", vpQuery, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.vpJWT(t, f.now, req.Nonce, req.ClientID)
		}, true},
		{"VP-JWT for another nonce", vpQuery, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.vpJWT(t, f.now, "another-nonce", req.ClientID)
		}, false},
		{"SD-JWT for a VP-JWT query", vpQuery, func(t *testing.T, req *oid4vp.AuthorizationRequest) json.RawMessage {
			return f.w.sdPresent(t, f.cred, req.Nonce, req.ClientID, f.now)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.create(t, oid4vp.CreateRequest{DCQLQuery: json.RawMessage(tc.query)})
			req, err := f.client.Fetch(t.Context(), c.URI)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.client.Respond(t.Context(), req, map[string][]json.RawMessage{"a": {tc.present(t, req)}})
			var pe *oid4vp.ProtocolError
			if tc.ok && err != nil || !tc.ok && !errors.As(err, &pe) {
				t.Fatalf("respond: %v", err)
			}
			st, err := f.svc.Status(t.Context(), c.ID, "")
			if err != nil || st.Result == nil || st.Result.Verified != tc.ok {
				t.Fatalf("status %+v %v", st, err)
			}
			want := oid4vp.StateRejected
			if tc.ok {
				want = oid4vp.StateVerified
				if cl := st.Result.Presentations["a"][0].Result.Credentials[0]; cl.Issuer != strings.SplitN(f.w.issuerKID, "#", 2)[0] {
					t.Fatalf("verified credential %+v", cl)
				}
			}
			if st.State != want {
				t.Fatalf("state %s, want %s", st.State, want)
			}
		})
	}
	t.Run("untrusted issuer", func(t *testing.T) {
		g := newFixtureWith(t, func(c *oid4vp.Config) {
			c.Policy = func(context.Context) (verifier.Policy, error) {
				return verifier.Policy{TrustedIssuers: []string{"did:example:someone-else"}}, nil
			}
		})
		c := g.create(t, oid4vp.CreateRequest{})
		req, err := g.client.Fetch(t.Context(), c.URI)
		if err != nil {
			t.Fatal(err)
		}
		var pe *oid4vp.ProtocolError
		if _, err := g.client.Respond(t.Context(), req, g.answer(t, req)); !errors.As(err, &pe) {
			t.Fatalf("want refusal, got %v", err)
		}
	})
}
