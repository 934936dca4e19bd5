package oid4vp_test

import (
	"context"
	"crypto/ed25519"
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
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
	"github.com/chainid/chainid/verifier/dcql"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// nonceVerifier stands in for the verification pipeline: a presentation
// is the JSON string "nonce|audience" (an SD-JWT VC) or a ZK submission
// {"type":"ZKProofPresentation","request":…,"binding":"nonce|audience"},
// and verifies when both are the request's. The real pipeline runs in
// cmd/chainid's round trip test.
type nonceVerifier struct{}

func (nonceVerifier) Verify(_ context.Context, in verifier.Input, _ verifier.Policy) (*verifier.Result, error) {
	var s string
	format, types, claims := verifier.FormatSDJWT, []string{"https://example/vct"}, json.RawMessage(`{"name":"A"}`)
	if err := json.Unmarshal(in.Presentation, &s); err != nil {
		var sub struct{ Type, Request, Binding string }
		if err := json.Unmarshal(in.Presentation, &sub); err != nil || sub.Type != verifier.TypeZKProof {
			return nil, fmt.Errorf("%w: not a test presentation", verifier.ErrMalformed)
		}
		s, format, types, claims = sub.Binding, verifier.FormatZK, nil, json.RawMessage(`{"disclosed":{"level":3}}`)
	}
	ok := s == in.Nonce+"|"+in.Audience
	return &verifier.Result{Verified: ok, Format: format,
		Checks:      []verifier.Check{{Check: verifier.CheckHolderBinding, Passed: ok}},
		Credentials: []verifier.Credential{{Format: format, Types: types, Claims: claims}}}, nil
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
	f := &fixture{now: time.Now()}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.store = st.Presentations()
	f.cfg = oid4vp.Config{
		BaseURL: f.srv.URL + "/r", Signer: priv, KeyID: d.String() + "#" + d.ID,
		Verifier: nonceVerifier{}, InsecureAllowHTTP: true,
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
	res, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := didkeys.New(res, didkeys.Config{})
	if err != nil {
		t.Fatal(err)
	}
	f.client, err = oid4vp.NewClient(oid4vp.ClientConfig{Keys: keys, InsecureAllowHTTP: true, Now: func() time.Time { return f.now }})
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

func answer(req *oid4vp.AuthorizationRequest) map[string][]json.RawMessage {
	b, _ := json.Marshal(req.Nonce + "|" + req.ClientID)
	return map[string][]json.RawMessage{"a": {b}}
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
			if _, err := f.client.Respond(t.Context(), req, answer(req)); err != nil {
				t.Fatal(err)
			}
			st, err := f.svc.Status(t.Context(), c.ID, "")
			if err != nil || st.State != oid4vp.StateVerified || !st.Result.Verified {
				t.Fatalf("status %+v %v", st, err)
			}
			// Replays are refused.
			var pe *oid4vp.ProtocolError
			if _, err := f.client.Respond(t.Context(), req, answer(req)); !errors.As(err, &pe) {
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
	plain, _ := json.Marshal(map[string]any{"vp_token": answer(req), "state": req.State})
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
	ack, err := f.client.Respond(t.Context(), req, answer(req))
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
	good, _ := json.Marshal(req.Nonce + "|" + req.ClientID)
	bad, _ := json.Marshal("other|" + req.ClientID)
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
		_, err = f.client.Respond(t.Context(), req, answer(req))
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
