package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	"github.com/chainid/chainid/did/ethr/devchain"
	"github.com/chainid/chainid/did/ethr/registry"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// The embedded dev chain: network name, chain ID and the fixed address of
// its predeployed registry (the ERC number, twice, so that it is easy to
// recognise in a wallet or a block explorer).
const (
	devNetworkName     = "dev"
	devChainID         = devchain.DefaultChainID
	devRegistryAddress = "0x1056100000000000000000000000000000001056"
	devChainDir        = "chain"
)

// cliChainListen is the dev chain's JSON-RPC address when a CLI command
// starts the chain itself: any free loopback port.
const cliChainListen = "127.0.0.1:0"

// chainCheckTimeout bounds the checks made when a chain is opened.
const chainCheckTimeout = 10 * time.Second

// chainSpec is one chain of the configuration (--chain-rpc … or one entry
// of the --chains file).
type chainSpec struct {
	Name          string `json:"name"`
	ChainID       uint64 `json:"chainId"`
	RPCURL        string `json:"rpcUrl"`
	Registry      string `json:"registry"`
	FromBlock     uint64 `json:"fromBlock"`
	Confirmations uint64 `json:"confirmations"`
	Relayer       string `json:"relayer"`
}

// embedded reports whether the embedded dev chain is the only chain.
func (c *Config) embedded() bool { return c.ChainRPC == "" && c.Chains == "" }

// validateChains checks the chain flags and loads the --chains file.
func (c *Config) validateChains() error {
	c.chains = nil
	if c.ChainRPC != "" && c.Chains != "" {
		return errors.New("--chain-rpc and --chains are exclusive: list every chain in the --chains file")
	}
	if c.ChainRPC == "" && (c.ChainID != 0 || c.Registry != "" || c.ChainFromBlock != 0 || c.ChainConfirmations != 0) {
		return errors.New("--chain-id, --registry, --chain-from-block and --chain-confirmations go with --chain-rpc")
	}
	if c.ChainName != "" {
		if err := checkNetworkName(c.ChainName); err != nil {
			return fmt.Errorf("--chain-name: %w", err)
		}
	}
	switch {
	case c.embedded():
		if c.ChainName != "" && c.ChainName != devNetworkName {
			return fmt.Errorf("--chain-name %q: the embedded dev chain's network is named %q", c.ChainName, devNetworkName)
		}
		return nil
	case c.ChainRPC != "":
		if c.ChainID == 0 {
			return errors.New("--chain-rpc needs --chain-id")
		}
		if c.Registry == "" {
			return errors.New("--chain-rpc needs --registry")
		}
		c.chains = []chainSpec{{Name: c.ChainName, ChainID: c.ChainID, RPCURL: c.ChainRPC, Registry: c.Registry,
			FromBlock: c.ChainFromBlock, Confirmations: c.ChainConfirmations}}
	default:
		specs, err := loadChainsFile(c.Chains)
		if err != nil {
			return err
		}
		c.chains = specs
	}
	names, ids := map[string]bool{}, map[uint64]bool{}
	for i, s := range c.chains {
		what := "--chain-rpc"
		if c.Chains != "" {
			what = fmt.Sprintf("--chains entry %d", i+1)
			if s.Name != "" {
				what += fmt.Sprintf(" (%s)", s.Name)
			}
		}
		if err := s.check(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if ids[s.ChainID] {
			return fmt.Errorf("%s: chain %d is listed twice", what, s.ChainID)
		}
		ids[s.ChainID] = true
		if s.Name != "" {
			if names[s.Name] {
				return fmt.Errorf("%s: network name %q is listed twice", what, s.Name)
			}
			names[s.Name] = true
		}
	}
	if c.Chains != "" && c.ChainName != "" && !names[c.ChainName] {
		return fmt.Errorf("--chain-name %q names no chain of %s", c.ChainName, c.Chains)
	}
	return nil
}

func loadChainsFile(path string) ([]chainSpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--chains: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var specs []chainSpec
	if err := dec.Decode(&specs); err != nil {
		return nil, fmt.Errorf("--chains %s: want a JSON list of {name, chainId, rpcUrl, registry, fromBlock, confirmations, relayer}: %w", path, err)
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("--chains %s lists no chain", path)
	}
	return specs, nil
}

// check validates one chain's fields.
func (s chainSpec) check() error {
	if s.ChainID == 0 {
		return errors.New("chain ID must be positive")
	}
	if err := checkRPCURL(s.RPCURL); err != nil {
		return err
	}
	if !common.IsHexAddress(s.Registry) || len(s.Registry) != 42 {
		return fmt.Errorf("registry %q is not a 0x-prefixed Ethereum address", s.Registry)
	}
	if s.Name != "" {
		if err := checkNetworkName(s.Name); err != nil {
			return err
		}
	}
	return nil
}

// checkRPCURL accepts absolute http, https, ws and wss URLs.
func checkRPCURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
		return fmt.Errorf("RPC URL %q must be an absolute http(s) or ws(s) URL", displayURL(raw))
	}
	return nil
}

// checkNetworkName accepts the names a did:ethr DID can carry as its
// network part.
func checkNetworkName(name string) error {
	id, err := did.Parse("did:ethr:" + name + ":0x0000000000000000000000000000000000000000")
	if err == nil {
		var network string
		network, _, _, err = ethr.ParseDID(id)
		if err == nil && network == name {
			return nil
		}
	}
	return fmt.Errorf("network name %q cannot appear in a did:ethr DID", name)
}

// displayURL is an RPC URL fit for logs and status output: scheme and host
// only, since paths, queries and user info often carry API keys.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		out += "/…"
	}
	return out
}

// network is one open chain: the resolver's view of it, a registry writer
// and who relays owner-signed changes.
type network struct {
	ethr.Network
	rpcURL   string // as configured; show only through displayURL
	embedded bool
	client   *ethclient.Client
	writer   *registry.Writer
	// relayerID is the keystore key that relays meta-transactions; devKey
	// relays on the dev chain when relayerID is empty. Neither: owners
	// send their own transactions.
	relayerID string
	devKey    registry.Signer

	relayerOnce sync.Mutex
	relayer     registry.Signer

	// writeMu serializes registry changes: an owner's meta-transaction
	// nonce is read when a change is signed and used up when it is mined.
	writeMu sync.Mutex
}

// key is the network part of new DIDs on n when the caller names none.
func (n *network) chainKey() string { return "0x" + n.ChainID.Text(16) }

// relayerSigner returns the account that relays meta-transactions, or nil
// when owners send their own transactions.
func (n *network) relayerSigner(ctx context.Context, ks *keystore.Keystore) (registry.Signer, error) {
	if n.relayerID == "" {
		return n.devKey, nil
	}
	n.relayerOnce.Lock()
	defer n.relayerOnce.Unlock()
	if n.relayer != nil {
		return n.relayer, nil
	}
	key, err := ks.Signer(ctx, n.relayerID)
	if err != nil {
		return nil, fmt.Errorf("relayer: %w", err)
	}
	s, err := newEthSigner(key)
	if err != nil {
		return nil, fmt.Errorf("relayer %s: %w", n.relayerID, err)
	}
	n.relayer = s
	return s, nil
}

// chainSet is every configured chain, open, with the did:ethr resolver
// over them.
type chainSet struct {
	dev      *devchain.Chain
	networks []*network
	def      *network // where new DIDs go; nil when several chains and no --chain-name
	defName  string   // the network part of new DIDs on def ("" = chain ID form)
	resolver *ethr.Resolver
	store    *store.Store
}

// openChains starts the embedded dev chain (listening on listen) or dials
// the configured nodes, checks each chain ID and registry, and builds the
// resolver over the store's index.
func openChains(ctx context.Context, cfg *Config, st *store.Store, logger *slog.Logger, listen string) (*chainSet, error) {
	cs := &chainSet{store: st}
	if cfg.embedded() {
		if err := cs.openDev(ctx, cfg, logger, listen); err != nil {
			return nil, err
		}
	} else {
		for _, spec := range cfg.chains {
			n, err := openNetwork(ctx, spec, cfg.Relayer, logger)
			if err != nil {
				cs.Close()
				return nil, err
			}
			cs.networks = append(cs.networks, n)
		}
	}
	nets := make([]ethr.Network, len(cs.networks))
	for i, n := range cs.networks {
		nets[i] = n.Network
	}
	r, err := ethr.NewResolver(st, nets, ethr.Config{Logger: logger})
	if err != nil {
		cs.Close()
		return nil, err
	}
	cs.resolver = r
	switch {
	case cfg.ChainName != "":
		cs.defName = cfg.ChainName
		for _, n := range cs.networks {
			if n.Name == cfg.ChainName {
				cs.def = n
			}
		}
	case len(cs.networks) == 1:
		cs.def = cs.networks[0]
	}
	return cs, nil
}

func (cs *chainSet) openDev(ctx context.Context, cfg *Config, logger *slog.Logger, listen string) error {
	reg := common.HexToAddress(devRegistryAddress)
	chain, err := devchain.Start(ctx, devchain.Config{
		DataDir:    filepath.Join(cfg.Data, devChainDir),
		ListenAddr: listen,
		ChainID:    devChainID,
		Predeploy:  map[common.Address][]byte{reg: registry.DeployedBytecode()},
		Logger:     nodeLogger(ctx, logger),
	})
	if err != nil {
		if errors.Is(err, devchain.ErrDataDirInUse) {
			return fmt.Errorf("the dev chain in %s is in use by another process", filepath.Join(cfg.Data, devChainDir))
		}
		return err
	}
	cs.dev = chain
	w, err := registry.NewWriter(chain.Client(), reg, registry.WriterConfig{ChainID: chain.ChainID(), Logger: logger})
	if err != nil {
		cs.Close()
		return err
	}
	cs.networks = []*network{{
		Network:   ethr.Network{Name: devNetworkName, ChainID: chain.ChainID(), Registry: reg, Client: chain.Client()},
		rpcURL:    chain.RPCURL(),
		embedded:  true,
		client:    chain.Client(),
		writer:    w,
		relayerID: cfg.Relayer,
		devKey:    registry.NewKeySigner(chain.DevKey()),
	}}
	return nil
}

// openNetwork dials a node and checks that it serves the configured chain
// and that the registry address holds code.
func openNetwork(ctx context.Context, spec chainSpec, relayer string, logger *slog.Logger) (*network, error) {
	label := spec.Name
	if label == "" {
		label = strconv.FormatUint(spec.ChainID, 10)
	}
	shown := displayURL(spec.RPCURL)
	cctx, cancel := context.WithTimeout(ctx, chainCheckTimeout)
	defer cancel()
	client, err := ethclient.DialContext(cctx, spec.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("chain %s: connect to %s: %w", label, shown, err)
	}
	id, err := client.ChainID(cctx)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("chain %s: %w: node at %s does not answer: %w", label, ethr.ErrChainUnavailable, shown, err)
	}
	if id.Cmp(new(big.Int).SetUint64(spec.ChainID)) != 0 {
		client.Close()
		return nil, fmt.Errorf("chain %s: %w: the node at %s serves chain %s, not the configured chain %d", label, ethr.ErrWrongChain, shown, id, spec.ChainID)
	}
	reg := common.HexToAddress(spec.Registry)
	code, err := client.CodeAt(cctx, reg, nil)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("chain %s: %w: read registry code at %s: %w", label, ethr.ErrChainUnavailable, reg.Hex(), err)
	}
	if len(code) == 0 {
		client.Close()
		return nil, fmt.Errorf("chain %s: no registry contract at %s (deploy one with `chainid chain deploy`)", label, reg.Hex())
	}
	chainID := new(big.Int).SetUint64(spec.ChainID)
	w, err := registry.NewWriter(client, reg, registry.WriterConfig{ChainID: chainID, Logger: logger})
	if err != nil {
		client.Close()
		return nil, err
	}
	if spec.Relayer != "" {
		relayer = spec.Relayer
	}
	return &network{
		Network: ethr.Network{Name: spec.Name, ChainID: chainID, Registry: reg, Client: client,
			FromBlock: spec.FromBlock, Confirmations: spec.Confirmations},
		rpcURL:    spec.RPCURL,
		client:    client,
		writer:    w,
		relayerID: relayer,
	}, nil
}

// lookup returns the network a DID's network part names.
func (cs *chainSet) lookup(part string) (*network, bool) {
	nets := make([]ethr.Network, len(cs.networks))
	for i, n := range cs.networks {
		nets[i] = n.Network
	}
	found, ok := ethr.LookupNetwork(nets, part)
	if !ok {
		return nil, false
	}
	for _, n := range cs.networks {
		if n.ChainID.Cmp(found.ChainID) == 0 {
			return n, true
		}
	}
	return nil, false
}

// Close stops the dev chain or closes the node connections.
func (cs *chainSet) Close() error {
	var errs []error
	for _, n := range cs.networks {
		if !n.embedded {
			n.client.Close()
		}
	}
	if cs.dev != nil {
		errs = append(errs, cs.dev.Close())
	}
	return errors.Join(errs...)
}

// logStart logs what each chain is, once at server start.
func (cs *chainSet) logStart(ctx context.Context, logger *slog.Logger) {
	for _, n := range cs.networks {
		attrs := []any{"network", n.Name, "chain_id", n.ChainID.String(), "rpc_url", displayURL(n.rpcURL),
			"registry", n.Registry.Hex(), "embedded", n.embedded, "default", n == cs.def}
		if n.devKey != nil {
			attrs = append(attrs, "dev_account", n.devKey.Address().Hex())
		}
		if n.relayerID != "" {
			attrs = append(attrs, "relayer_key", n.relayerID)
		}
		logger.InfoContext(ctx, "did:ethr chain", attrs...)
	}
}

// status reads each chain's head, registry code, index tip and relayer
// balance. A chain that fails gets Error set; status itself does not fail.
func (cs *chainSet) status(ctx context.Context, ks *keystore.Keystore) api.ChainStatus {
	out := api.ChainStatus{Networks: make([]api.NetworkStatus, 0, len(cs.networks))}
	for _, n := range cs.networks {
		out.Networks = append(out.Networks, cs.networkStatus(ctx, n, ks))
	}
	return out
}

func (cs *chainSet) networkStatus(ctx context.Context, n *network, ks *keystore.Keystore) api.NetworkStatus {
	ns := api.NetworkStatus{
		Name: n.Name, ChainID: n.ChainID.Uint64(), RPCURL: displayURL(n.rpcURL), Embedded: n.embedded,
		Default: n == cs.def, Registry: n.Registry.Hex(),
	}
	cctx, cancel := context.WithTimeout(ctx, chainCheckTimeout)
	defer cancel()
	head, err := n.client.BlockNumber(cctx)
	if err != nil {
		ns.Error = "node does not answer: " + err.Error()
		return ns
	}
	ns.Head = &head
	code, err := n.client.CodeAt(cctx, n.Registry, nil)
	if err != nil {
		ns.Error = "read registry code: " + err.Error()
		return ns
	}
	ns.RegistryDeployed = len(code) > 0
	// Resolving the zero address on this network brings its index up to
	// the head (one call when nothing changed).
	probe := did.DID{Method: ethr.MethodName, ID: n.chainKey() + ":0x0000000000000000000000000000000000000000"}
	if _, _, err := cs.resolver.Resolve(cctx, probe, did.ResolveOptions{}); err != nil {
		ns.Error = "index: " + err.Error()
	}
	if tip, ok, err := cs.store.ChainIndexTip(cctx, n.ChainID, n.Registry); err == nil && ok {
		ns.IndexTip = &tip.Number
	}
	relayer, err := n.relayerSigner(cctx, ks)
	if err != nil {
		ns.Error = err.Error()
		return ns
	}
	if relayer != nil {
		ns.Relayer = relayer.Address().Hex()
		if bal, err := n.client.BalanceAt(cctx, relayer.Address(), nil); err == nil {
			ns.RelayerBalance = bal.String()
		}
	}
	return ns
}

// nodeLogger passes the dev chain node's logs on at debug level, and
// otherwise only its errors (its warnings and info are about peers and
// block import, which a one-machine chain does not need to report).
func nodeLogger(ctx context.Context, logger *slog.Logger) *slog.Logger {
	if logger.Enabled(ctx, slog.LevelDebug) {
		return logger
	}
	return slog.New(minLevel{logger.Handler(), slog.LevelError})
}

// minLevel drops records below a level; it keeps the dev chain's node
// logs quiet unless they matter.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
