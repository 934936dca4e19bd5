package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/resolver"
)

func newRootCommand(ctx context.Context, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var cfg Config
	root := &cobra.Command{
		Use:           "chainid",
		Short:         "Decentralized identity: DID registry, credentials, zero-knowledge proofs, OpenID Connect login",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return cfg.validateCommon()
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	root.CompletionOptions.DisableDefaultCmd = true
	bindFlags(root.PersistentFlags(), &cfg, getenv)

	root.AddCommand(
		newServeCommand(&cfg, getenv, stderr),
		newDIDCommand(&cfg, stdout),
		newChainCommand(&cfg, stdout),
		newVersionCommand(&cfg, stdout),
		newVCCommand(&cfg, stdout, stderr),
		newSchemaCommand(&cfg, stdout),
		newIssuerCommand(&cfg, stdout),
		newAPIKeyCommand(&cfg, stdout),
		newZKCommand(&cfg, stdout, stderr),
		newWalletCommand(&cfg, getenv, stdin, stdout, stderr), // wallet.go
		newClientsCommand(&cfg, stdout),                       // clients.go
	)
	return root
}

func newVersionCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return writeLine(stdout, cfg.JSON, map[string]string{"version": buildVersion()}, "chainid "+buildVersion())
		},
	}
}

func newDIDCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "did", Short: "Create, list and resolve DIDs"}

	var remote string
	var noCache bool
	resolve := &cobra.Command{
		Use:   "resolve DID-OR-DID-URL",
		Short: "Resolve a DID (or dereference a DID URL) and print the result",
		Long: "Resolves through the local resolver, through the server running on --data, or through\n" +
			"any Universal-Resolver-compatible endpoint given with --remote.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			var b backend
			var err error
			if remote != "" {
				b, err = newRemoteBackend(remote, "")
			} else {
				b, err = openBackend(ctx, cfg)
			}
			if err != nil {
				return err
			}
			defer b.Close()
			res, err := b.Resolve(ctx, args[0], resolver.Options{NoCache: noCache})
			if err != nil {
				return err
			}
			if cfg.JSON {
				return writeJSON(stdout, res)
			}
			return writeJSONIndent(stdout, res.Document)
		},
	}
	resolve.Flags().StringVar(&remote, "remote", "", "resolve through this resolver base URL (e.g. http://127.0.0.1:8080)")
	resolve.Flags().BoolVar(&noCache, "no-cache", false, "bypass the resolution cache")

	create := &cobra.Command{Use: "create", Short: "Create a DID with a new key kept in the keystore"}
	for _, method := range []string{"key", "jwk"} {
		var keyType, label string
		sub := &cobra.Command{
			Use:   method,
			Short: "Create a did:" + method + " with a new key",
			Args:  cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				return withBackend(c, cfg, func(ctx context.Context, b backend) error {
					info, err := b.CreateKey(ctx, api.CreateKeyRequest{Method: method, KeyType: keyType, Label: label})
					if err != nil {
						return err
					}
					return writeLine(stdout, cfg.JSON, info, info.DID)
				})
			},
		}
		sub.Flags().StringVar(&keyType, "type", "Ed25519", "key type: Ed25519, P-256 or secp256k1")
		sub.Flags().StringVar(&label, "label", "", "a label to find the key by")
		create.AddCommand(sub)
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List the DIDs whose keys are in the keystore",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withBackend(c, cfg, func(ctx context.Context, b backend) error {
				keys, err := b.ListKeys(ctx)
				if err != nil {
					return err
				}
				return writeTable(stdout, cfg.JSON, keys, "DID\tKEY TYPE\tLABEL\tCREATED", func(k api.KeyInfo) string {
					return fmt.Sprintf("%s\t%s\t%s\t%s", k.DID, k.KeyType, k.Label, k.Created.UTC().Format(time.RFC3339))
				})
			})
		},
	}
	create.AddCommand(newCreateEthrCommand(cfg, stdout))
	cmd.AddCommand(resolve, create, list, newUpdateCommand(cfg, stdout))
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeJSONIndent(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeLine writes v as JSON when asJSON is set (--json), and otherwise
// line and a newline.
func writeLine(w io.Writer, asJSON bool, v any, line string) error {
	if asJSON {
		return writeJSON(w, v)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// writeTable writes items as a JSON array (never null) when asJSON is set
// (--json), and otherwise as a table: header, then row(item) per item, with
// columns separated by tabs.
func writeTable[T any](w io.Writer, asJSON bool, items []T, header string, row func(T) string) error {
	if asJSON {
		if items == nil {
			items = []T{}
		}
		return writeJSON(w, items)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		fmt.Fprintln(tw, row(it))
	}
	return tw.Flush()
}
