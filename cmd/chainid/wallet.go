package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/spf13/cobra"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/wallet"
	"github.com/chainid/chainid/zkp"
)

// walletFlags are the flags every `chainid wallet` subcommand shares.
type walletFlags struct {
	dir       string
	allowHTTP bool
	// passphrase is CHAINID_WALLET_PASSPHRASE (environment only).
	passphrase string
	// zkSecret and zkKeys locate the holder secret and the proving key of
	// ZK answers.
	zkSecret, zkKeys string
	// cfg is the command's configuration (the data dir).
	cfg *Config
}

// newWalletCommand is `chainid wallet`: the holder's keys and credentials.
func newWalletCommand(cfg *Config, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "wallet", Short: "Hold credentials and present them",
		Long: "A holder wallet with its own data directory (--wallet, env CHAINID_WALLET, default ~/.chainid-wallet).\n" +
			"Its keys are sealed with CHAINID_WALLET_PASSPHRASE, or with a secret in WALLET/wallet.secret\n" +
			"created on first use."}
	wf := &walletFlags{passphrase: getenv("CHAINID_WALLET_PASSPHRASE"), cfg: cfg}
	def := getenv("CHAINID_WALLET")
	if def == "" {
		if home, err := os.UserHomeDir(); err == nil {
			def = filepath.Join(home, ".chainid-wallet")
		}
	}
	cmd.PersistentFlags().StringVar(&wf.dir, "wallet", def, "wallet directory (env CHAINID_WALLET)")
	cmd.PersistentFlags().BoolVar(&wf.allowHTTP, "insecure-http", false, "talk to http issuers and verifiers (local development only)")
	cmd.PersistentFlags().StringVar(&wf.zkSecret, "zk-holder-secret", "",
		"holder secret of ZK credentials (default WALLET/"+zkHolderSecretFile+", else DATA/"+zkHolderSecretFile+")")
	cmd.PersistentFlags().StringVar(&wf.zkKeys, "zk-keys", "", "directory of the ZK proving key (default DATA/"+zkKeysDir+")")
	cmd.AddCommand(
		newWalletInitCommand(cfg, wf, stdout),
		newWalletReceiveCommand(cfg, wf, stdout),
		newWalletImportCommand(cfg, wf, stdout), // wallet_import.go
		newWalletDeleteCommand(wf, stdout),      // wallet_import.go
		newWalletListCommand(cfg, wf, stdout),
		newWalletPresentCommand(cfg, wf, stdout),
	)
	cmd.AddCommand(newWalletProveCommand(cfg, stdin, stdout, stderr)) // wallet_prove.go
	cmd.AddCommand(newWalletZKSecretCommand(cfg, stdout))             // wallet_prove.go
	return cmd
}

// openWallet opens the wallet directory of wf.
func openWallet(ctx context.Context, wf *walletFlags, prover wallet.Prover) (*wallet.Wallet, error) {
	if strings.TrimSpace(wf.dir) == "" {
		return nil, errors.New("--wallet must name a directory")
	}
	if err := os.MkdirAll(wf.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create wallet dir: %w", err)
	}
	secret := []byte(wf.passphrase)
	if len(secret) == 0 {
		s, err := loadOrCreateSecret(filepath.Join(wf.dir, "wallet.secret"))
		if err != nil {
			return nil, err
		}
		secret = []byte(s)
	}
	w, err := wallet.Open(ctx, wf.dir, wallet.Config{Secret: secret, InsecureAllowHTTP: wf.allowHTTP, Prover: prover})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("the wallet %s is in use by another chainid process: %w", wf.dir, err)
	}
	return w, err
}

func withWallet(c *cobra.Command, wf *walletFlags, fn func(ctx context.Context, w *wallet.Wallet) error) error {
	ctx := c.Context()
	w, err := openWallet(ctx, wf, walletProver(wf.cfg, wf, c.ErrOrStderr()))
	if err != nil {
		return err
	}
	defer w.Close()
	return fn(ctx, w)
}

func newWalletInitCommand(cfg *Config, wf *walletFlags, stdout io.Writer) *cobra.Command {
	var method, keyType string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the wallet and its holder key (did:key or did:jwk)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				h, err := w.Init(ctx, method, keyType)
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, h, h.DID)
			})
		},
	}
	cmd.Flags().StringVar(&method, "method", "key", "holder DID method: key or jwk")
	cmd.Flags().StringVar(&keyType, "type", "Ed25519", "key type: Ed25519 or P-256")
	return cmd
}

func newWalletReceiveCommand(cfg *Config, wf *walletFlags, stdout io.Writer) *cobra.Command {
	var opts wallet.ReceiveOptions
	cmd := &cobra.Command{
		Use:   "receive OFFER_URI",
		Short: "Redeem an OpenID4VCI credential offer (pre-authorized code flow)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				got, err := w.Receive(ctx, args[0], opts)
				if err != nil {
					return err
				}
				return writeTable(stdout, cfg.JSON, walletInfos(got), "ID\tFORMAT\tTYPE\tISSUER", walletRow)
			})
		},
	}
	cmd.Flags().StringVar(&opts.TxCode, "tx-code", "", "the offer's transaction code")
	cmd.Flags().StringSliceVar(&opts.Configurations, "configuration", nil, "fetch only these offered configurations")
	return cmd
}

func newWalletListCommand(cfg *Config, wf *walletFlags, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the credentials in the wallet",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				all, err := w.Credentials(ctx)
				if err != nil {
					return err
				}
				return writeTable(stdout, cfg.JSON, walletInfos(all), "ID\tFORMAT\tTYPE\tISSUER", walletRow)
			})
		},
	}
}

func newWalletPresentCommand(cfg *Config, wf *walletFlags, stdout io.Writer) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "present REQUEST_URI",
		Short: "Answer an OpenID4VP presentation request (openid4vp://…)",
		Long: "Fetches the request (a decentralized_identifier: verifier's request object must be signed by\n" +
			"that DID's key; a redirect_uri: verifier is unsigned and is identified only by its URL, which the\n" +
			"request must come from and the response goes to), picks credentials that satisfy its DCQL query,\n" +
			"discloses only the requested claims and posts the response. --dry-run shows the verifier and\n" +
			"what would be sent without sending it.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				if dryRun {
					req, err := w.Inspect(ctx, args[0])
					if err != nil {
						return err
					}
					if cfg.JSON {
						return writeJSON(stdout, req)
					}
					fmt.Fprintf(stdout, "verifier %s asks for:\n", req.Verifier)
					for _, p := range req.Plan {
						fmt.Fprintf(stdout, "  %s: %s %s disclosing %s\n", p.QueryID, p.Format, p.CredentialID, strings.Join(p.Disclose, ", "))
					}
					return nil
				}
				res, err := w.Present(ctx, args[0])
				if err != nil {
					return err
				}
				line := "presented to " + res.Verifier
				if res.RedirectURI != "" {
					line += "\ncontinue at " + res.RedirectURI
				}
				return writeLine(stdout, cfg.JSON, res, line)
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show the request and the planned answer without sending it")
	return cmd
}

// walletInfo is a credential as `wallet list` shows it.
type walletInfo struct {
	ID       string   `json:"id"`
	Format   string   `json:"format"`
	Types    []string `json:"types,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
	Source   string   `json:"source,omitempty"`
	Received string   `json:"received"`
}

func walletInfos(all []store.WalletCredential) []walletInfo {
	out := make([]walletInfo, 0, len(all))
	for _, c := range all {
		out = append(out, walletInfo{ID: c.ID, Format: c.Format, Types: c.Types, Issuer: c.Issuer, Source: c.Source,
			Received: c.Received.UTC().Format("2006-01-02T15:04:05Z")})
	}
	return out
}

func walletRow(c walletInfo) string {
	return c.ID + "\t" + c.Format + "\t" + strings.Join(c.Types, ",") + "\t" + c.Issuer
}

// walletProver answers chainid_zk queries with the wallet's ZK
// credentials (`chainid wallet import`), the holder secret and the
// proving key of the data dir (`chainid zk setup`), both read only when a
// request asks for a proof.
func walletProver(cfg *Config, wf *walletFlags, stderr io.Writer) wallet.Prover {
	return &wallet.StoredZKProver{
		HolderSecret: func() (fr.Element, error) {
			path := wf.zkSecret
			if path == "" {
				path = filepath.Join(wf.dir, zkHolderSecretFile)
				if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
					path = filepath.Join(cfg.Data, zkHolderSecretFile)
				}
			}
			return wallet.ReadZKHolderSecret(path)
		},
		ProvingKey: func(context.Context) (*zkp.ProvingKey, error) {
			dir := wf.zkKeys
			if dir == "" {
				dir = filepath.Join(cfg.Data, zkKeysDir)
			}
			sys, err := compileCircuit()
			if err != nil {
				return nil, err
			}
			keys, err := zkp.LoadKeys(dir, sys, zkp.LoadOptions{AllowDevelopment: true})
			if err != nil {
				return nil, fmt.Errorf("zk keys in %s: %w", dir, err)
			}
			if keys.Info.DevelopmentOnly {
				fmt.Fprintln(stderr, "warning: proving with development-only keys")
			}
			return keys.Proving, nil
		},
	}
}
