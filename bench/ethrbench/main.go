// Command ethrbench compares did:ethr resolution by chainid's resolver (package did/ethr, warm
// index) with ethr-did-resolver 11.1.3 (bench/ethr.mjs) against the same node, for identities
// with 0, 5 and 50 historical changes, and prints per size the latency of each, the ratio and
// the JSON-RPC calls each resolution needs.
//
// It starts an embedded dev chain (did/ethr/devchain) with the ERC-1056 registry, writes the
// histories with registry.Writer, and puts a loopback HTTP proxy in front of the node's RPC that
// adds a fixed latency to every request (as a remote node would) and counts requests and
// JSON-RPC calls. Both resolvers reach the node only through the proxy.
//
// Run it with bench/run-ethr.sh, or from the repository root:
//
//	go run ./bench/ethrbench [-n 100] [-ref-n 5] [-latency 20ms] [-sizes 0,5,50]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/store"
)

// registryAddr is where the registry is predeployed on the dev chain.
var registryAddr = common.HexToAddress("0x1056000000000000000000000000000000001056")

const networkName = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ethrbench:", err)
		os.Exit(1)
	}
}

type options struct {
	n, refN   int
	latency   time.Duration
	freshness time.Duration
	sizes     []int
	node      string
	script    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var sizes string
	fs.IntVar(&o.n, "n", 100, "resolutions per DID through chainid's resolver")
	fs.IntVar(&o.refN, "ref-n", 5, "resolutions per DID and configuration through ethr-did-resolver")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the proxy adds to every RPC request")
	fs.DurationVar(&o.freshness, "freshness", time.Second, "HeadFreshness of the second chainid configuration")
	fs.StringVar(&sizes, "sizes", "0,5,50", "historical changes per identity, comma-separated")
	fs.StringVar(&o.node, "node", "node", "Node.js binary")
	fs.StringVar(&o.script, "script", filepath.Join("bench", "ethr.mjs"), "the reference side's script")
	if err := fs.Parse(args[1:]); err != nil {
		return o, err
	}
	for _, s := range strings.Split(sizes, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 {
			return o, fmt.Errorf("bad -sizes entry %q", s)
		}
		o.sizes = append(o.sizes, v)
	}
	if o.n < 1 || o.refN < 1 {
		return o, errors.New("-n and -ref-n must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ethrbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	chain, err := devchain.Start(ctx, devchain.Config{
		DataDir:    filepath.Join(dir, "chain"),
		ListenAddr: "127.0.0.1:0",
		Predeploy:  map[common.Address][]byte{registryAddr: registry.DeployedBytecode()},
	})
	if err != nil {
		return err
	}
	defer chain.Close()

	fmt.Fprintf(stderr, "writing histories of %v changes…\n", o.sizes)
	ids, err := writeHistories(ctx, chain, o.sizes)
	if err != nil {
		return err
	}

	px := &proxy{target: chain.RPCURL(), latency: o.latency, client: &http.Client{Timeout: time.Minute}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: px, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	proxyURL := "http://" + ln.Addr().String()

	fmt.Fprintln(stderr, "resolving with chainid…")
	oursHead, err := measureOurs(ctx, px, proxyURL, chain.ChainID(), filepath.Join(dir, "a.db"), ethr.Config{}, ids, o.n)
	if err != nil {
		return err
	}
	oursFresh, err := measureOurs(ctx, px, proxyURL, chain.ChainID(), filepath.Join(dir, "b.db"), ethr.Config{HeadFreshness: o.freshness}, ids, o.n)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "resolving with ethr-did-resolver…")
	refs, err := measureReference(ctx, o, proxyURL, chain.ChainID(), ids)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "did:ethr resolution, %v added per RPC request; chainid: warm index, mean of %d; "+
		"ethr-did-resolver 11.1.3: mean of %d after one warm-up\n", o.latency, o.n, o.refN)
	fmt.Fprintf(stdout, "(%d CPUs, %s, node %s; calls = JSON-RPC calls per resolution)\n\n",
		runtime.NumCPU(), runtime.Version(), nodeVersion(ctx, o.node))
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "changes\tchainid ms\tcalls\tchainid fresh ms\tcalls\tref ms\tcalls\tref tuned ms\tcalls\tratio\tratio tuned\t")
	for i, size := range o.sizes {
		a, b := oursHead[i], oursFresh[i]
		rd, rn := refs[ids[i].did+"|default"], refs[ids[i].did+"|tuned"]
		fmt.Fprintf(tw, "%d\t%.3f\t%.2f\t%.4f\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1fx\t%.1fx\t\n", size,
			a.meanMs, a.calls, b.meanMs, b.calls, rd.MeanMs, rd.CallsPerResolution, rn.MeanMs, rn.CallsPerResolution,
			rd.MeanMs/a.meanMs, rn.MeanMs/a.meanMs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nchainid: checks the head on every resolution (one call; the default). chainid fresh: "+
		"HeadFreshness %v, reusing a head check for that long.\nref: ethr-did-resolver configured with rpcUrl "+
		"(ethers defaults: batching with a 10 ms wait per request, eth_chainId per resolution, identical requests "+
		"answered from a 250 ms cache);\nref tuned: a provider without batching, network check or cache.\n"+
		"ratio = ref ms / chainid ms (chainid with a head check per resolution).\n", o.freshness)
	return nil
}

// identity is a DID with its number of historical changes.
type identity struct {
	did     string
	changes int
}

// writeHistories creates one identity per size and writes that many changes to it, each in its
// own block, mixing delegates, public keys and services.
func writeHistories(ctx context.Context, chain *devchain.Chain, sizes []int) ([]identity, error) {
	w, err := registry.NewWriter(chain.Client(), registryAddr, registry.WriterConfig{ChainID: chain.ChainID()})
	if err != nil {
		return nil, err
	}
	const day = 24 * time.Hour
	ids := make([]identity, len(sizes))
	for i, size := range sizes {
		key, err := crypto.ToECDSA(crypto.Keccak256([]byte("ethrbench identity " + strconv.Itoa(i))))
		if err != nil {
			return nil, err
		}
		id := crypto.PubkeyToAddress(key.PublicKey)
		ids[i] = identity{did: "did:ethr:" + networkName + ":" + strings.ToLower(id.Hex()), changes: size}
		if size == 0 {
			continue
		}
		if _, err := chain.Fund(ctx, id, new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))); err != nil {
			return nil, err
		}
		signer := registry.NewKeySigner(key)
		for c := range size {
			seed := crypto.Keccak256([]byte(fmt.Sprintf("ethrbench change %d %d", i, c)))
			switch c % 3 {
			case 0:
				_, err = w.AddDelegate(ctx, signer, id, "veriKey", common.BytesToAddress(seed[:20]), day)
			case 1:
				_, err = w.SetAttribute(ctx, signer, id, "did/pub/Ed25519/veriKey/base58", seed, day)
			default:
				_, err = w.SetAttribute(ctx, signer, id, "did/svc/LinkedDomains", []byte(fmt.Sprintf("https://%x.example.com", seed[:4])), day)
			}
			if err != nil {
				return nil, fmt.Errorf("change %d of identity %d: %w", c, i, err)
			}
		}
	}
	return ids, nil
}

type oursResult struct {
	meanMs, calls float64
}

// measureOurs resolves each identity n times through a resolver whose index was warmed first.
func measureOurs(ctx context.Context, px *proxy, proxyURL string, chainID *big.Int, dbPath string, cfg ethr.Config, ids []identity, n int) ([]oursResult, error) {
	client, err := ethclient.DialContext(ctx, proxyURL)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	st, err := store.Open(ctx, dbPath, store.Config{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	r, err := ethr.NewResolver(st, []ethr.Network{{Name: networkName, ChainID: chainID, Registry: registryAddr, Client: client}}, cfg)
	if err != nil {
		return nil, err
	}
	if err := r.Sync(ctx); err != nil {
		return nil, err
	}
	out := make([]oursResult, len(ids))
	for i, id := range ids {
		d, err := did.Parse(id.did)
		if err != nil {
			return nil, err
		}
		if _, _, err := r.Resolve(ctx, d, did.ResolveOptions{}); err != nil { // warm
			return nil, err
		}
		_, calls0 := px.counters()
		start := time.Now()
		for range n {
			if _, _, err := r.Resolve(ctx, d, did.ResolveOptions{}); err != nil {
				return nil, err
			}
		}
		elapsed := time.Since(start)
		_, calls1 := px.counters()
		out[i] = oursResult{
			meanMs: float64(elapsed.Microseconds()) / 1000 / float64(n),
			calls:  float64(calls1-calls0) / float64(n),
		}
	}
	return out, nil
}

// refResult is one line of bench/ethr.mjs's output.
type refResult struct {
	DID                string  `json:"did"`
	Config             string  `json:"config"`
	MeanMs             float64 `json:"meanMs"`
	CallsPerResolution float64 `json:"callsPerResolution"`
	Error              string  `json:"error"`
}

func measureReference(ctx context.Context, o options, proxyURL string, chainID *big.Int, ids []identity) (map[string]refResult, error) {
	dids := make([]string, len(ids))
	for i, id := range ids {
		dids[i] = id.did
	}
	in, err := json.Marshal(map[string]any{
		"rpcUrl": proxyURL, "chainId": chainID.Uint64(), "registry": registryAddr.Hex(), "name": networkName,
		"n": o.refN, "dids": dids,
	})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.node, o.script)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w\n%s", o.node, o.script, err, stderr.String())
	}
	var out struct {
		Results []refResult `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("decode %s output: %w", o.script, err)
	}
	m := map[string]refResult{}
	for _, r := range out.Results {
		if r.Error != "" {
			return nil, fmt.Errorf("ethr-did-resolver on %s (%s): %s", r.DID, r.Config, r.Error)
		}
		m[r.DID+"|"+r.Config] = r
	}
	return m, nil
}

func nodeVersion(ctx context.Context, node string) string {
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// proxy forwards JSON-RPC over HTTP to target after a fixed latency and counts HTTP requests
// and JSON-RPC calls (each call of a batch counts). GET /__counters returns the counts.
type proxy struct {
	target   string
	latency  time.Duration
	client   *http.Client
	requests atomic.Int64
	calls    atomic.Int64
}

func (p *proxy) counters() (requests, calls int64) { return p.requests.Load(), p.calls.Load() }

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/__counters" {
		requests, calls := p.counters()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]int64{"requests": requests, "calls": calls})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	p.requests.Add(1)
	p.calls.Add(countCalls(body))
	select {
	case <-time.After(p.latency):
	case <-r.Context().Done():
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// countCalls counts the JSON-RPC calls in a request body: the length of a batch, else one.
func countCalls(body []byte) int64 {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var batch []json.RawMessage
		if json.Unmarshal(trimmed, &batch) == nil {
			return int64(len(batch))
		}
	}
	return 1
}
