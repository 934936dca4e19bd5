package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did/ethr/devchain"
)

// Config is the whole configuration of the chainid binary. Every field has a
// flag and a CHAINID_* environment variable; a flag given on the command
// line wins over the environment, which wins over the default.
type Config struct {
	// Data is the data directory: the bbolt store, the keystore key file,
	// and, while a server runs, its address and admin token.
	// Flag --data, env CHAINID_DATA, default ./chainid-data.
	Data string
	// Addr is the listen address of `chainid serve`.
	// Flag --addr, env CHAINID_ADDR, default 127.0.0.1:8080.
	Addr string
	// TLSCert and TLSKey are PEM files; when both are set the server speaks
	// HTTPS. Flags --tls-cert/--tls-key, env CHAINID_TLS_CERT/CHAINID_TLS_KEY.
	TLSCert, TLSKey string
	// PublicURL is the external base URL used in links the server hands out
	// (e.g. https://id.example.com). Flag --public-url, env
	// CHAINID_PUBLIC_URL, default derived from Addr.
	PublicURL string
	// KeyFile holds the secret that encrypts private keys at rest. Flag
	// --key-file, env CHAINID_KEY_FILE. When neither it nor a passphrase
	// is set, DATA/keystore.secret is created (0600) on first use: fine for
	// development, but production keeps the secret outside the data dir.
	KeyFile string
	// Passphrase encrypts private keys at rest instead of a key file.
	// Env CHAINID_PASSPHRASE only (never a flag: it would show in ps).
	Passphrase string
	// LogLevel is debug, info, warn or error. Flag --log-level, env
	// CHAINID_LOG_LEVEL, default info.
	LogLevel string
	// LogFormat is text or json. Flag --log-format, env CHAINID_LOG_FORMAT,
	// default text.
	LogFormat string
	// ShutdownTimeout bounds graceful shutdown. Flag --shutdown-timeout,
	// env CHAINID_SHUTDOWN_TIMEOUT, default 10s.
	ShutdownTimeout time.Duration
	// OIDCRegistration turns on dynamic client registration (RFC 7591)
	// at POST /register. Off by default. Flag --oidc-registration, env
	// CHAINID_OIDC_REGISTRATION=1.
	OIDCRegistration bool
	// RateLimit limits each client IP on the public routes that store
	// records or cost CPU (authorize, logins, nonces, tokens, verification,
	// resolution): "RATE" requests per second with bursts of three
	// seconds' worth, "RATE,BURST", or "off". Empty means the API default,
	// 20 per second with bursts of 60. Flag --rate-limit, env
	// CHAINID_RATE_LIMIT.
	RateLimit string
	// TrustedProxies are comma-separated addresses or CIDR prefixes of
	// reverse proxies whose X-Forwarded-For header names the client for
	// the rate limit; from other peers the header is ignored. Flag
	// --trusted-proxies, env CHAINID_TRUSTED_PROXIES.
	TrustedProxies string
	// JSON selects machine-readable output for CLI commands. Flag --json.
	JSON bool
	// DefaultIssuer makes serve create the default issuer (a did:ethr
	// with Ed25519 and P-256 assertion keys) at first start. Flag
	// --no-default-issuer (env CHAINID_NO_DEFAULT_ISSUER=1) turns it off;
	// the zero Config creates none.
	DefaultIssuer bool

	// ChainRPC is the JSON-RPC URL (http, https, ws or wss) of a node of
	// the chain that holds the did:ethr registry. With neither it nor
	// Chains, the embedded dev chain runs in DATA/chain. Flag --chain-rpc,
	// env CHAINID_CHAIN_RPC.
	ChainRPC string
	// ChainID is ChainRPC's chain ID, required with it and checked against
	// the node before use. Flag --chain-id, env CHAINID_CHAIN_ID.
	ChainID uint64
	// Registry is the registry address on ChainRPC's chain, required with
	// it. Flag --registry, env CHAINID_REGISTRY.
	Registry string
	// ChainFromBlock is the first block of ChainRPC's chain the index
	// reads (the registry's deployment block). Flag --chain-from-block,
	// env CHAINID_CHAIN_FROM_BLOCK, default 0.
	ChainFromBlock uint64
	// ChainConfirmations is how many blocks must follow a block before it
	// is indexed. Flag --chain-confirmations, env
	// CHAINID_CHAIN_CONFIRMATIONS, default 0.
	ChainConfirmations uint64
	// ChainName is the network name DIDs use, did:ethr:NAME:0x…: the name
	// of ChainRPC's network, or which network of Chains new DIDs go to. On
	// the dev chain it may only be "dev" (the network is always named
	// dev); without it new DIDs use the chain ID form did:ethr:0x539:0x….
	// Flag --chain-name, env CHAINID_CHAIN_NAME.
	ChainName string
	// Chains is a JSON file listing several chains: [{"name", "chainId",
	// "rpcUrl", "registry", "fromBlock", "confirmations", "relayer"}].
	// Exclusive with ChainRPC. Flag --chains, env CHAINID_CHAINS.
	Chains string
	// ChainListen is the JSON-RPC listen address of the embedded dev chain
	// under `chainid serve` (CLI commands that start the chain themselves
	// use 127.0.0.1:0). Flag --chain-listen, env CHAINID_CHAIN_LISTEN,
	// default 127.0.0.1:8545.
	ChainListen string
	// Relayer is the keystore ID of a funded secp256k1 key that relays
	// owner-signed meta-transactions (and pays their gas). Without it the
	// dev chain's development account relays, and on other chains each
	// owner sends (and pays for) its own transactions. Flag --relayer, env
	// CHAINID_RELAYER.
	Relayer string

	// chains is the parsed chain configuration (validateChains).
	chains []chainSpec
	// envErrs are environment values that did not parse.
	envErrs []error
}

// bindFlags registers the persistent flags with defaults from the
// environment.
func bindFlags(fs *pflag.FlagSet, c *Config, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv("CHAINID_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Data, "data", env("DATA", "./chainid-data"), "data directory (env CHAINID_DATA)")
	fs.StringVar(&c.KeyFile, "key-file", env("KEY_FILE", ""), "file holding the keystore secret (env CHAINID_KEY_FILE; default DATA/keystore.secret)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "log level: debug, info, warn, error (env CHAINID_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "log format: text or json (env CHAINID_LOG_FORMAT)")
	fs.BoolVar(&c.JSON, "json", false, "print machine-readable JSON")
	c.Passphrase = getenv("CHAINID_PASSPHRASE")

	envUint := func(name string) uint64 {
		v := getenv("CHAINID_" + name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHAINID_%s %q is not a non-negative integer", name, v))
		}
		return n
	}
	fs.StringVar(&c.ChainRPC, "chain-rpc", env("CHAIN_RPC", ""), "JSON-RPC URL of the chain holding the did:ethr registry (env CHAINID_CHAIN_RPC; default: the embedded dev chain)")
	fs.Uint64Var(&c.ChainID, "chain-id", envUint("CHAIN_ID"), "chain ID of --chain-rpc, checked against the node (env CHAINID_CHAIN_ID)")
	fs.StringVar(&c.Registry, "registry", env("REGISTRY", ""), "ERC-1056 registry address on --chain-rpc (env CHAINID_REGISTRY)")
	fs.Uint64Var(&c.ChainFromBlock, "chain-from-block", envUint("CHAIN_FROM_BLOCK"), "first block of --chain-rpc to index (env CHAINID_CHAIN_FROM_BLOCK)")
	fs.Uint64Var(&c.ChainConfirmations, "chain-confirmations", envUint("CHAIN_CONFIRMATIONS"), "blocks that must follow a block before it is indexed (env CHAINID_CHAIN_CONFIRMATIONS)")
	fs.StringVar(&c.ChainName, "chain-name", env("CHAIN_NAME", ""), "network name in DIDs (did:ethr:NAME:0x…); selects the network of --chains for new DIDs (env CHAINID_CHAIN_NAME)")
	fs.StringVar(&c.Chains, "chains", env("CHAINS", ""), "JSON file listing several chains (env CHAINID_CHAINS)")
	fs.StringVar(&c.Relayer, "relayer", env("RELAYER", ""), "keystore ID of a funded secp256k1 key that relays owner-signed registry changes (env CHAINID_RELAYER)")
}

// bindServeFlags registers the flags only `chainid serve` uses.
func bindServeFlags(fs *pflag.FlagSet, c *Config, getenv func(string) string) error {
	env := func(name, def string) string {
		if v := getenv("CHAINID_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (env CHAINID_ADDR)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("TLS_CERT", ""), "TLS certificate PEM file (env CHAINID_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("TLS_KEY", ""), "TLS private key PEM file (env CHAINID_TLS_KEY)")
	fs.StringVar(&c.ChainListen, "chain-listen", env("CHAIN_LISTEN", devchain.DefaultListenAddr), "JSON-RPC listen address of the embedded dev chain (env CHAINID_CHAIN_LISTEN)")
	fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", ""), "external base URL for links (env CHAINID_PUBLIC_URL)")
	d, err := time.ParseDuration(env("SHUTDOWN_TIMEOUT", "10s"))
	if err != nil {
		return fmt.Errorf("CHAINID_SHUTDOWN_TIMEOUT: %w", err)
	}
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", d, "graceful shutdown limit (env CHAINID_SHUTDOWN_TIMEOUT)")
	reg := env("OIDC_REGISTRATION", "")
	fs.BoolVar(&c.OIDCRegistration, "oidc-registration", reg == "1" || reg == "true", "enable OpenID Connect dynamic client registration, RFC 7591 (env CHAINID_OIDC_REGISTRATION=1)")
	fs.StringVar(&c.RateLimit, "rate-limit", env("RATE_LIMIT", ""), "per-client-IP limit on login, token and verify routes: RATE[,BURST] per second, or off (env CHAINID_RATE_LIMIT; default 20,60)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed (env CHAINID_TRUSTED_PROXIES)")
	return nil
}

// validateCommon checks the fields every command uses.
func (c *Config) validateCommon() error {
	if strings.TrimSpace(c.Data) == "" {
		return errors.New("--data must not be empty")
	}
	abs, err := filepath.Abs(c.Data)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	c.Data = abs
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	if c.KeyFile != "" && c.Passphrase != "" {
		return errors.New("set either --key-file or CHAINID_PASSPHRASE, not both")
	}
	if len(c.envErrs) > 0 {
		return errors.Join(c.envErrs...)
	}
	return c.validateChains()
}

// validateServe checks the serve-only fields.
func (c *Config) validateServe() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: %w", c.Addr, err)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	for _, f := range []string{c.TLSCert, c.TLSKey} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("TLS file: %w", err)
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--public-url %q must be an absolute http(s) URL without query or fragment", c.PublicURL)
		}
		c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("--shutdown-timeout must be positive")
	}
	if _, err := c.rateLimit(); err != nil {
		return err
	}
	if c.embedded() {
		if _, _, err := net.SplitHostPort(c.ChainListen); err != nil {
			return fmt.Errorf("--chain-listen %q: %w", c.ChainListen, err)
		}
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func (c *Config) logger(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	lvl, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// rateLimit is the API's rate limit from RateLimit and TrustedProxies.
func (c *Config) rateLimit() (api.RateLimit, error) {
	var rl api.RateLimit
	switch v := strings.TrimSpace(c.RateLimit); v {
	case "":
	case "off":
		rl.PerSecond = -1
	default:
		rate, burst, hasBurst := strings.Cut(v, ",")
		r, err := strconv.ParseFloat(strings.TrimSpace(rate), 64)
		if err != nil || !(r > 0) || math.IsInf(r, 0) {
			return rl, fmt.Errorf("--rate-limit %q: want RATE[,BURST] with a positive RATE per second, or off", c.RateLimit)
		}
		rl.PerSecond = r
		if hasBurst {
			b, err := strconv.Atoi(strings.TrimSpace(burst))
			if err != nil || b < 1 {
				return rl, fmt.Errorf("--rate-limit %q: BURST must be a positive integer", c.RateLimit)
			}
			rl.Burst = b
		}
	}
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return rl, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR prefix", f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		rl.TrustedProxies = append(rl.TrustedProxies, p)
	}
	return rl, nil
}
