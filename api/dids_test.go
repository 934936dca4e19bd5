package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
)

// DIDs the fake answers for, each with one behaviour.
const (
	didOK        = "did:ethr:0x539:0x1111111111111111111111111111111111111111"
	didMissing   = "did:ethr:0x539:0x4040404040404040404040404040404040404040"
	didNotOwner  = "did:ethr:0x539:0x4090000000000000000000000000000000000409"
	didPoor      = "did:ethr:0x539:0x4020000000000000000000000000000000000402"
	didReverts   = "did:ethr:0x539:0x4220000000000000000000000000000000000422"
	didChainDown = "did:ethr:0x539:0x5030000000000000000000000000000000000503"
	didDead      = "did:ethr:0x539:0x4100000000000000000000000000000000000410"
	didInvalidOp = "did:ethr:0x539:0x4000000000000000000000000000000000000400"
	didBroken    = "did:ethr:0x539:0x5000000000000000000000000000000000000500"
)

// fakeDIDs records requests and answers by DID.
type fakeDIDs struct {
	mu      sync.Mutex
	creates []api.CreateDIDRequest
	ops     []api.DIDOperation
}

func (f *fakeDIDs) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.creates) + len(f.ops)
}

func (f *fakeDIDs) CreateDID(ctx context.Context, req api.CreateDIDRequest) (api.DIDInfo, error) {
	f.mu.Lock()
	f.creates = append(f.creates, req)
	f.mu.Unlock()
	switch req.Label {
	case "fail":
		return api.DIDInfo{}, errors.New("keystore " + secret)
	case "no-network":
		return api.DIDInfo{}, fmt.Errorf("no chain for network %q: %w", req.Network, did.ErrNotFound)
	}
	if req.Method == "ethr" {
		return api.DIDInfo{DID: didOK, KeyID: "k1", Method: "ethr", KeyType: "secp256k1", Label: req.Label,
			ChainID: 1337, Address: "0x1111111111111111111111111111111111111111"}, nil
	}
	return api.DIDInfo{DID: "did:" + req.Method + ":zk2", KeyID: "k2", Method: req.Method, KeyType: req.KeyType}, nil
}

func (f *fakeDIDs) UpdateDID(ctx context.Context, id string, op api.DIDOperation) (api.OperationResult, error) {
	f.mu.Lock()
	f.ops = append(f.ops, op)
	f.mu.Unlock()
	cause := errors.New("node " + secret)
	switch id {
	case didOK:
		return api.OperationResult{DID: id, Op: op.Op, TxHash: "0x" + strings.Repeat("ab", 32), Block: 7, KeyID: "k9"}, nil
	case didMissing:
		return api.OperationResult{}, fmt.Errorf("no key controls %s: %w", id, did.ErrNotFound)
	case didNotOwner:
		return api.OperationResult{}, fmt.Errorf("%w: the owner is 0x09", api.ErrNotOwner)
	case didPoor:
		return api.OperationResult{}, fmt.Errorf("%w: account 0x02 has 0 wei", api.ErrInsufficientFunds)
	case didReverts:
		return api.OperationResult{}, fmt.Errorf("%w: registry setAttribute reverted", api.ErrReverted)
	case didChainDown:
		return api.OperationResult{}, fmt.Errorf("%w: %w", api.ErrChainUnavailable, cause)
	case didDead:
		return api.OperationResult{}, fmt.Errorf("%w: %s cannot change", api.ErrDeactivated, id)
	case didInvalidOp:
		return api.OperationResult{}, fmt.Errorf("%w: key k1 is not a current key", api.ErrInvalidOperation)
	}
	return api.OperationResult{}, cause
}

// fakeChains reports one chain and deploys to any chain but 5.
type fakeChains struct{}

func (fakeChains) ChainStatus(ctx context.Context) (api.ChainStatus, error) {
	head, tip := uint64(12), uint64(12)
	return api.ChainStatus{Networks: []api.NetworkStatus{{Name: "dev", ChainID: 1337, RPCURL: "http://127.0.0.1:8545",
		Embedded: true, Default: true, Head: &head, Registry: "0x1056100000000000000000000000000000001056",
		RegistryDeployed: true, IndexTip: &tip, Relayer: "0x53A546E1D4E7529bD915E645c230383C9650e0Bf", RelayerBalance: "1000"}}}, nil
}

func (fakeChains) DeployRegistry(ctx context.Context, req api.DeployRequest) (api.DeployResult, error) {
	switch {
	case req.KeyID == "missing":
		return api.DeployResult{}, fmt.Errorf("no key %q: %w", req.KeyID, did.ErrNotFound)
	case req.ChainID == 5:
		return api.DeployResult{}, fmt.Errorf("%w: account has 0 wei", api.ErrInsufficientFunds)
	}
	return api.DeployResult{ChainID: req.ChainID, Registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
		TxHash: "0x" + strings.Repeat("cd", 32), Block: 1}, nil
}

func newDIDServer(t *testing.T) (*testServer, *fakeDIDs) {
	t.Helper()
	dids := &fakeDIDs{}
	ts := newTestServer(t, func(c *api.Config) {
		c.DIDs = dids
		c.Chains = fakeChains{}
	})
	return ts, dids
}

func opPath(id string) string { return "/v1/dids/" + id + "/operations" }

func post(path, body string) request {
	return request{method: http.MethodPost, path: path, header: bearer(testToken), body: strings.NewReader(body)}
}

func TestDIDRoutesNeedAdmin(t *testing.T) {
	ts, dids := newDIDServer(t)
	for _, rq := range []request{
		{method: http.MethodPost, path: "/v1/dids", body: strings.NewReader(`{"method":"ethr"}`)},
		{method: http.MethodPost, path: opPath(didOK), body: strings.NewReader(`{"op":"deactivate"}`)},
		{method: http.MethodGet, path: "/v1/chain/status"},
		{method: http.MethodPost, path: "/v1/chain/deploy", body: strings.NewReader(`{"rpcUrl":"http://a","chainId":1,"keyId":"k"}`)},
	} {
		for _, h := range []map[string]string{
			{"Content-Type": "application/json"},
			{"Content-Type": "application/json", "Authorization": "Bearer wrong-token-0123456789"},
		} {
			t.Run(rq.method+" "+rq.path, func(t *testing.T) {
				rq.header = h
				if rq.body != nil {
					rq.body = strings.NewReader(`{}`)
				}
				wantProblem(t, ts.do(t, rq), http.StatusUnauthorized, "unauthorized")
			})
		}
	}
	if n := dids.calls(); n != 0 {
		t.Fatalf("unauthenticated requests reached the DIDs implementation %d times", n)
	}
}

func TestDIDRoutesNotConfigured(t *testing.T) {
	ts := newTestServer(t, nil) // no DIDs, no Chains
	wantProblem(t, ts.do(t, post("/v1/dids", `{"method":"ethr"}`)), http.StatusNotImplemented, "not-implemented")
	wantProblem(t, ts.do(t, post(opPath(didOK), `{"op":"deactivate"}`)), http.StatusNotImplemented, "not-implemented")
	wantProblem(t, ts.do(t, request{path: "/v1/chain/status", header: bearer(testToken)}), http.StatusNotImplemented, "not-implemented")
	wantProblem(t, ts.do(t, post("/v1/chain/deploy", `{"rpcUrl":"http://a","chainId":1,"keyId":"k"}`)), http.StatusNotImplemented, "not-implemented")
}

func TestCreateDIDRoute(t *testing.T) {
	ts, dids := newDIDServer(t)
	resp := ts.do(t, post("/v1/dids", `{"method":"ethr","label":"issuer","network":"dev"}`))
	if resp.status != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	m := decodeJSON(t, resp.body)
	if m["did"] != didOK || m["keyId"] != "k1" || m["chainId"] != float64(1337) {
		t.Fatalf("body %s", resp.body)
	}
	if got := dids.creates[0]; got.Method != "ethr" || got.Network != "dev" || got.Label != "issuer" {
		t.Fatalf("request reached the implementation as %+v", got)
	}
	if resp := ts.do(t, post("/v1/dids", `{"method":"key","keyType":"P-256"}`)); resp.status != http.StatusCreated {
		t.Fatalf("did:key: %d %s", resp.status, resp.body)
	}

	for _, tc := range []struct {
		name, body, field, message string
	}{
		{"no method", `{}`, "method", "is required"},
		{"unknown method", `{"method":"web"}`, "method", "must be one of: ethr, key, jwk"},
		{"ethr with ed25519", `{"method":"ethr","keyType":"Ed25519"}`, "keyType", "must be secp256k1 for did:ethr"},
		{"network for did:key", `{"method":"key","network":"dev"}`, "network", "is only allowed when method is ethr"},
		{"control characters", `{"method":"ethr","label":"a\u0007"}`, "label", "must not contain control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, ts.do(t, post("/v1/dids", tc.body)), http.StatusBadRequest, "validation")
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Message != tc.message {
				t.Fatalf("errors %+v, want %s: %s", p.Errors, tc.field, tc.message)
			}
		})
	}
	wantProblem(t, ts.do(t, post("/v1/dids", `{"method":"ethr","label":"no-network"}`)), http.StatusNotFound, "not-found")
	wantProblem(t, ts.do(t, post("/v1/dids", `{"method":"ethr","label":"fail"}`)), http.StatusInternalServerError, "internal")
	wantProblem(t, ts.do(t, post("/v1/dids", `{"method":"ethr","extra":1}`)), http.StatusBadRequest, "invalid-request")
}

func TestDIDOperationRoute(t *testing.T) {
	ts, dids := newDIDServer(t)
	resp := ts.do(t, post(opPath(didOK), `{"op":"add-key","keyType":"Ed25519","purpose":"sigAuth","validitySeconds":3600}`))
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	m := decodeJSON(t, resp.body)
	if m["did"] != didOK || m["op"] != "add-key" || m["block"] != float64(7) || m["keyId"] != "k9" {
		t.Fatalf("body %s", resp.body)
	}
	if got := dids.ops[0]; got.KeyType != "Ed25519" || got.Purpose != "sigAuth" || got.ValiditySeconds != 3600 {
		t.Fatalf("operation reached the implementation as %+v", got)
	}

	t.Run("validation", func(t *testing.T) {
		for _, tc := range []struct {
			name, body string
			want       map[string]string // field → message
		}{
			{"no op", `{}`, map[string]string{"op": "is required"}},
			{"unknown op", `{"op":"rename"}`, map[string]string{"op": "must be one of: add-key, revoke-key, add-service, set-owner, deactivate"}},
			{"add-key without type", `{"op":"add-key"}`, map[string]string{"keyType": "is required when op is add-key"}},
			{"add-key bad type", `{"op":"add-key","keyType":"RSA"}`, map[string]string{"keyType": "must be one of: Ed25519, secp256k1, X25519"}},
			{"bad purpose", `{"op":"add-key","keyType":"Ed25519","purpose":"all"}`, map[string]string{"purpose": "must be one of: veriKey, sigAuth, enc"}},
			{"add-service missing", `{"op":"add-service"}`, map[string]string{"serviceType": "is required when op is add-service", "endpoint": "is required when op is add-service"}},
			{"add-service bad", `{"op":"add-service","serviceType":"a/b","endpoint":"not a url"}`, map[string]string{"serviceType": "must contain only ASCII letters and digits", "endpoint": "must be an absolute URL"}},
			{"set-owner bad address", `{"op":"set-owner","owner":"0x12"}`, map[string]string{"owner": "must be an Ethereum address (0x and 40 hex digits)"}},
			{"deactivate with owner", `{"op":"deactivate","owner":"0x1111111111111111111111111111111111111111"}`, map[string]string{"owner": "is only allowed when op is set-owner"}},
			{"revoke-key without key", `{"op":"revoke-key"}`, map[string]string{"keyId": "is required when op is revoke-key"}},
			{"negative validity", `{"op":"add-service","serviceType":"A","endpoint":"https://a","validitySeconds":-1}`, map[string]string{"validitySeconds": "must be at least 0"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := wantProblem(t, ts.do(t, post(opPath(didOK), tc.body)), http.StatusBadRequest, "validation")
				got := map[string]string{}
				for _, e := range p.Errors {
					got[e.Field] = e.Message
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("errors %v, want %v", got, tc.want)
				}
			})
		}
	})
	before := dids.calls()
	wantProblem(t, ts.do(t, post(opPath("nope"), `{"op":"deactivate"}`)), http.StatusBadRequest, "invalid-did")
	wantProblem(t, ts.do(t, post(opPath(didOK), `{"op":"deactivate","x":1}`)), http.StatusBadRequest, "invalid-request")
	if dids.calls() != before {
		t.Fatal("invalid requests reached the implementation")
	}

	for _, tc := range []struct {
		id     string
		status int
		slug   string
		detail string
	}{
		{didMissing, 404, "not-found", "no key controls"},
		{didNotOwner, 409, "not-owner", "the owner is 0x09"},
		{didPoor, 402, "insufficient-funds", "0 wei"},
		{didReverts, 422, "reverted", "reverted"},
		{didChainDown, 503, "unavailable", "unavailable"},
		{didDead, 410, "deactivated", "cannot change"},
		{didInvalidOp, 400, "invalid-request", "not a current key"},
		{didBroken, 500, "internal", "internal error"},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			p := wantProblem(t, ts.do(t, post(opPath(tc.id), `{"op":"deactivate"}`)), tc.status, tc.slug)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("detail %q does not mention %q", p.Detail, tc.detail)
			}
		})
	}
}

func TestChainRoutes(t *testing.T) {
	ts, _ := newDIDServer(t)
	resp := ts.do(t, request{path: "/v1/chain/status", header: bearer(testToken)})
	if resp.status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	if !strings.Contains(string(resp.body), `"registryDeployed":true`) || resp.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status body %s, Cache-Control %q", resp.body, resp.header.Get("Cache-Control"))
	}
	resp = ts.do(t, post("/v1/chain/deploy", `{"rpcUrl":"http://127.0.0.1:8545","chainId":1337,"keyId":"abc123"}`))
	if resp.status != http.StatusCreated || decodeJSON(t, resp.body)["registry"] == "" {
		t.Fatalf("deploy %d: %s", resp.status, resp.body)
	}
	p := wantProblem(t, ts.do(t, post("/v1/chain/deploy", `{"rpcUrl":"nope","chainId":0}`)), http.StatusBadRequest, "validation")
	if len(p.Errors) != 3 {
		t.Fatalf("errors %+v, want rpcUrl, chainId and keyId", p.Errors)
	}
	wantProblem(t, ts.do(t, post("/v1/chain/deploy", `{"rpcUrl":"http://a","chainId":1,"keyId":"missing"}`)), http.StatusNotFound, "not-found")
	wantProblem(t, ts.do(t, post("/v1/chain/deploy", `{"rpcUrl":"http://a","chainId":5,"keyId":"k"}`)), http.StatusPaymentRequired, "insufficient-funds")
}

// TestDIDRoutesMatchOpenAPI validates real responses of the DID and chain
// routes against openapi.json.
func TestDIDRoutesMatchOpenAPI(t *testing.T) {
	ts, _ := newDIDServer(t)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(ts.get(t, "/openapi.json", nil).body)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, specPath string
		rq             request
		status         int
	}{
		{"create", "/v1/dids", post("/v1/dids", `{"method":"ethr"}`), 201},
		{"create invalid", "/v1/dids", post("/v1/dids", `{"method":"x"}`), 400},
		{"create unauthorized", "/v1/dids", request{method: http.MethodPost, path: "/v1/dids"}, 401},
		{"operation", "/v1/dids/{did}/operations", post(opPath(didOK), `{"op":"deactivate"}`), 200},
		{"operation invalid", "/v1/dids/{did}/operations", post(opPath(didOK), `{"op":"add-key"}`), 400},
		{"operation not found", "/v1/dids/{did}/operations", post(opPath(didMissing), `{"op":"deactivate"}`), 404},
		{"operation funds", "/v1/dids/{did}/operations", post(opPath(didPoor), `{"op":"deactivate"}`), 402},
		{"operation not owner", "/v1/dids/{did}/operations", post(opPath(didNotOwner), `{"op":"deactivate"}`), 409},
		{"operation deactivated", "/v1/dids/{did}/operations", post(opPath(didDead), `{"op":"deactivate"}`), 410},
		{"operation reverted", "/v1/dids/{did}/operations", post(opPath(didReverts), `{"op":"deactivate"}`), 422},
		{"operation chain down", "/v1/dids/{did}/operations", post(opPath(didChainDown), `{"op":"deactivate"}`), 503},
		{"operation internal", "/v1/dids/{did}/operations", post(opPath(didBroken), `{"op":"deactivate"}`), 500},
		{"status", "/v1/chain/status", request{path: "/v1/chain/status", header: bearer(testToken)}, 200},
		{"deploy", "/v1/chain/deploy", post("/v1/chain/deploy", `{"rpcUrl":"http://a","chainId":1,"keyId":"k"}`), 201},
		{"deploy funds", "/v1/chain/deploy", post("/v1/chain/deploy", `{"rpcUrl":"http://a","chainId":5,"keyId":"k"}`), 402},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := ts.do(t, tc.rq)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			method := tc.rq.method
			if method == "" {
				method = http.MethodGet
			}
			item := doc.Paths.Value(tc.specPath)
			if item == nil || item.GetOperation(method) == nil {
				t.Fatalf("%s %s is not documented", method, tc.specPath)
			}
			req, err := http.NewRequest(method, ts.URL+tc.rq.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{
					Request: req,
					Route:   &routers.Route{Spec: doc, Path: tc.specPath, PathItem: item, Method: method, Operation: item.GetOperation(method)},
				},
				Status:  resp.status,
				Header:  resp.header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			}
			input.SetBodyBytes(resp.body)
			if err := openapi3filter.ValidateResponse(t.Context(), input); err != nil {
				t.Errorf("response does not match the document: %v\nbody: %s", err, resp.body)
			}
		})
	}
}
