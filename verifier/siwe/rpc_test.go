package siwe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/ethclient"
)

// rpcNode is a JSON-RPC chain node on loopback that answers eth_getCode
// with code and eth_call with call, recording the calls' gas. It stands
// for nodes that lie or stall, which a real dev chain will not do.
type rpcNode struct {
	mu   sync.Mutex
	gas  []string
	call func(r *http.Request) (result any, rpcErr map[string]any)
}

func (n *rpcNode) start(t *testing.T) *ethclient.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage   `json:"id"`
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out := map[string]any{"jsonrpc": "2.0", "id": req.ID}
		switch req.Method {
		case "eth_getCode":
			out["result"] = "0x6001600055"
		case "eth_call":
			var msg struct {
				Gas string `json:"gas"`
			}
			_ = json.Unmarshal(req.Params[0], &msg)
			n.mu.Lock()
			n.gas = append(n.gas, msg.Gas)
			n.mu.Unlock()
			res, rpcErr := n.call(r)
			if rpcErr != nil {
				out["error"] = rpcErr
			} else {
				out["result"] = res
			}
		default:
			out["error"] = map[string]any{"code": -32601, "message": "method not found"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	c, err := ethclient.Dial(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func magic(extra ...byte) string {
	b := make([]byte, 32)
	copy(b, erc1271Selector[:])
	return hexutil.Encode(append(b, extra...))
}

// TestERC1271Bounds checks what a node is asked and told: every eth_call
// carries the gas bound, a stalled node is cut off at the timeout (and is
// an outage, not an acceptance), and only the exact magic word accepts.
func TestERC1271Bounds(t *testing.T) {
	wallet := common.HexToAddress("0x00000000000000000000000000000000000A11E7")
	signer := testKey(t, "mallory") // not the wallet: recovery fails, ERC-1271 is asked
	verify := func(t *testing.T, n *rpcNode, cfg Config) (*Result, error) {
		t.Helper()
		cfg.Chains = []Chain{{ID: 1337, Client: n.start(t)}}
		cfg.Now = func() time.Time { return testNow }
		v, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := testMessage(signer)
		m.Address = wallet
		text := m.String()
		return v.Verify(context.Background(), text, personalSign(t, signer, text), testExpect)
	}
	accept := func(*http.Request) (any, map[string]any) { return magic(), nil }

	for _, tc := range []struct {
		name string
		gas  uint64
		want string
	}{
		{"configured gas", 123_456, "0x1e240"},
		{"default gas", 0, hexutil.EncodeUint64(DefaultCallGas)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := &rpcNode{call: accept}
			res, err := verify(t, n, Config{CallGas: tc.gas})
			if err != nil || !res.Contract {
				t.Fatalf("result %+v, error %v", res, err)
			}
			n.mu.Lock()
			defer n.mu.Unlock()
			if len(n.gas) != 1 || n.gas[0] != tc.want {
				t.Fatalf("eth_call gas %v, want [%s]", n.gas, tc.want)
			}
		})
	}
	t.Run("stalled node", func(t *testing.T) {
		// The node answers "valid" after 5 s, far past the 200 ms bound:
		// a verifier without the bound would accept.
		n := &rpcNode{call: func(r *http.Request) (any, map[string]any) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return magic(), nil
		}}
		res, err := verify(t, n, Config{CallTimeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrChainUnavailable) || errors.Is(err, ErrRefused) {
			t.Fatalf("result %+v, error %v: want ErrChainUnavailable", res, err)
		}
	})
	for _, tc := range []struct {
		name   string
		result any
		rpcErr map[string]any
	}{
		{"revert", nil, map[string]any{"code": 3, "message": "execution reverted", "data": "0x08c379a0"}},
		{"out of gas", nil, map[string]any{"code": -32000, "message": "out of gas"}},
		{"bare selector", "0x1626ba7e", nil},
		{"magic with trailing bytes", magic(1), nil},
		{"magic with a dirty pad", "0x1626ba7e" + strings.Repeat("0", 55) + "1", nil},
		{"other word", "0x" + strings.Repeat("0", 64), nil},
		{"empty", "0x", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := &rpcNode{call: func(*http.Request) (any, map[string]any) { return tc.result, tc.rpcErr }}
			res, err := verify(t, n, Config{})
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("result %+v, error %v: want ErrRefused", res, err)
			}
		})
	}
}
