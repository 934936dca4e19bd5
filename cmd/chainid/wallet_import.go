package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/wallet"
)

// newWalletImportCommand is `chainid wallet import`: credentials obtained
// outside OpenID4VCI.
func newWalletImportCommand(cfg *Config, wf *walletFlags, stdout io.Writer) *cobra.Command {
	var issuerURL string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Store credentials issued out of band (SD-JWT VC, JWT VC, Data Integrity VC, ZK credential)",
		Long: "Stores each file's credential in the wallet; the format is detected: a compact SD-JWT VC\n" +
			"(dc+sd-jwt), a VC 1.1 JWT (jwt_vc_json), a Data Integrity credential (ldp_vc) or a ZK\n" +
			"credential document (chainid_zk, answered with zero-knowledge proofs).\n" +
			"--issuer-url names the issuer service that serves the schema contexts of Data Integrity\n" +
			"credentials (GET URL/contexts/NAME), needed to present them.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				var got []store.WalletCredential
				for _, name := range args {
					b, err := os.ReadFile(name)
					if err != nil {
						return fmt.Errorf("import: %w", err)
					}
					source := issuerURL
					if source == "" {
						abs, _ := filepath.Abs(name)
						source = "file://" + filepath.ToSlash(abs)
					}
					wc, err := w.Import(ctx, b, source)
					if err != nil {
						return fmt.Errorf("import %s: %w", name, err)
					}
					got = append(got, wc)
				}
				return writeTable(stdout, cfg.JSON, walletInfos(got), "ID\tFORMAT\tTYPE\tISSUER", walletRow)
			})
		},
	}
	cmd.Flags().StringVar(&issuerURL, "issuer-url", "", "the issuer service's URL (serves the credentials' schema contexts)")
	return cmd
}

// newWalletDeleteCommand is `chainid wallet delete`.
func newWalletDeleteCommand(wf *walletFlags, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID...",
		Short: "Remove credentials from the wallet",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return withWallet(c, wf, func(ctx context.Context, w *wallet.Wallet) error {
				for _, id := range args {
					if err := w.Delete(ctx, id); err != nil {
						return fmt.Errorf("delete %s: %w", id, err)
					}
					fmt.Fprintln(stdout, "deleted", id)
				}
				return nil
			})
		},
	}
}
