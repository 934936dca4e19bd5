package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
)

func newCreateEthrCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	var label string
	cmd := &cobra.Command{
		Use:   "ethr",
		Short: "Create a did:ethr with a new secp256k1 key",
		Long: "Creates a secp256k1 key in the keystore; its Ethereum address is the identity of the new\n" +
			"did:ethr DID. Creation is implicit and free: no transaction is sent, because every address\n" +
			"owns itself on the registry until its owner changes it (chainid did update).\n\n" +
			"The DID names its chain by ID (did:ethr:0x539:0x… on the embedded dev chain) or, with\n" +
			"--chain-name, by network name (did:ethr:NAME:0x…).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withBackend(c, cfg, func(ctx context.Context, b backend) error {
				info, err := b.CreateDID(ctx, api.CreateDIDRequest{Method: "ethr", Label: label, Network: cfg.ChainName})
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, info, info.DID)
			})
		},
	}
	cmd.Flags().StringVar(&label, "label", "", "a label to find the key by")
	return cmd
}

func newUpdateCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	var (
		typ, purpose, label, keyID, endpoint, owner string
		validity                                    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "update DID OPERATION",
		Short: "Change a did:ethr DID on its registry",
		Long: "Sends one registry change for a did:ethr DID whose owner's key is in the keystore:\n\n" +
			"  add-key --type Ed25519|secp256k1 [--purpose veriKey|sigAuth|enc] [--validity 8760h] [--label L]\n" +
			"        generate a key bound to the DID and publish it (did/pub/<type>/<purpose>/hex)\n" +
			"  revoke-key --key KEY-ID [--purpose P]\n" +
			"        revoke a published key (by default under every purpose it is published with)\n" +
			"  add-service --type T --endpoint URL [--validity 8760h]\n" +
			"        publish a service (did/svc/T)\n" +
			"  set-owner --owner 0xADDRESS\n" +
			"        hand the DID to another Ethereum account\n" +
			"  deactivate\n" +
			"        end the DID (owner 0x0); it cannot be undone\n\n" +
			"The owner signs a meta-transaction that a relayer sends: the dev chain's development\n" +
			"account, or the --relayer key. Without a relayer on other chains the owner's account sends\n" +
			"the transaction and must hold funds for its gas. Prints the transaction hash and block.",
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			op := api.DIDOperation{Op: args[1]}
			takes := map[string][]string{
				opAddKey:     {"type", "purpose", "validity", "label"},
				opRevokeKey:  {"key", "purpose"},
				opAddService: {"type", "endpoint", "validity"},
				opSetOwner:   {"owner"},
				opDeactivate: {},
			}
			allowed, ok := takes[op.Op]
			if !ok {
				return fmt.Errorf("unknown operation %q: want add-key, revoke-key, add-service, set-owner or deactivate", op.Op)
			}
			for _, name := range []string{"type", "purpose", "validity", "label", "key", "endpoint", "owner"} {
				if c.Flags().Changed(name) && !contains(allowed, name) {
					return fmt.Errorf("%s does not take --%s", op.Op, name)
				}
			}
			if c.Flags().Changed("validity") {
				if validity < time.Second || validity%time.Second != 0 {
					return fmt.Errorf("--validity %s must be whole seconds, at least 1s", validity)
				}
				op.ValiditySeconds = int64(validity / time.Second)
			}
			switch op.Op {
			case opAddKey:
				if typ == "" {
					return fmt.Errorf("add-key needs --type (Ed25519, secp256k1 or X25519)")
				}
				op.KeyType, op.Purpose, op.Label = typ, purpose, label
			case opRevokeKey:
				if keyID == "" {
					return fmt.Errorf("revoke-key needs --key KEY-ID")
				}
				op.KeyID, op.Purpose = keyID, purpose
			case opAddService:
				if typ == "" || endpoint == "" {
					return fmt.Errorf("add-service needs --type and --endpoint")
				}
				op.ServiceType, op.Endpoint = typ, endpoint
			case opSetOwner:
				if owner == "" {
					return fmt.Errorf("set-owner needs --owner 0xADDRESS")
				}
				op.Owner = owner
			}
			return withBackend(c, cfg, func(ctx context.Context, b backend) error {
				res, err := b.UpdateDID(ctx, args[0], op)
				if err != nil {
					return err
				}
				line := fmt.Sprintf("%s: %s in transaction %s, block %d", res.DID, res.Op, res.TxHash, res.Block)
				if res.KeyID != "" {
					line += ", key " + res.KeyID
				}
				return writeLine(stdout, cfg.JSON, res, line)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", "", "add-key: key type (Ed25519, secp256k1, X25519); add-service: service type")
	f.StringVar(&purpose, "purpose", "", "key purpose: veriKey, sigAuth or enc (add-key default: veriKey)")
	f.DurationVar(&validity, "validity", defaultValidity, "how long the key or service is valid")
	f.StringVar(&label, "label", "", "add-key: a label for the new key")
	f.StringVar(&keyID, "key", "", "revoke-key: the keystore ID of the key")
	f.StringVar(&endpoint, "endpoint", "", "add-service: the service endpoint URL")
	f.StringVar(&owner, "owner", "", "set-owner: the new owner's Ethereum address")
	return cmd
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func newChainCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "chain", Short: "Inspect the did:ethr chains and deploy registries"}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show each configured chain: head, registry, index tip, relayer",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withBackend(c, cfg, func(ctx context.Context, b backend) error {
				st, err := b.ChainStatus(ctx)
				if err != nil {
					return err
				}
				if cfg.JSON {
					return writeJSON(stdout, st)
				}
				return writeChainStatus(stdout, st)
			})
		},
	}

	var rpcURL, keyID string
	var chainID uint64
	deploy := &cobra.Command{
		Use:   "deploy --rpc URL --chain-id N --key KEY-ID",
		Short: "Deploy the ERC-1056 registry to a chain that lacks one",
		Long: "Deploys the DID registry contract from a keystore secp256k1 key, whose account must hold\n" +
			"funds on that chain, and prints the registry address and block. Use the address with\n" +
			"--registry (and the block with --chain-from-block).",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if rpcURL == "" || chainID == 0 || keyID == "" {
				return fmt.Errorf("chain deploy needs --rpc, --chain-id and --key")
			}
			if err := checkRPCURL(rpcURL); err != nil {
				return fmt.Errorf("--rpc: %w", err)
			}
			return withBackend(c, cfg, func(ctx context.Context, b backend) error {
				res, err := b.DeployRegistry(ctx, api.DeployRequest{RPCURL: rpcURL, ChainID: chainID, KeyID: keyID})
				if err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, res, fmt.Sprintf("registry deployed at %s on chain %d in block %d (transaction %s)", res.Registry, res.ChainID, res.Block, res.TxHash))
			})
		},
	}
	deploy.Flags().StringVar(&rpcURL, "rpc", "", "JSON-RPC URL of a node of the target chain")
	deploy.Flags().Uint64Var(&chainID, "chain-id", 0, "chain ID of the target chain, checked against the node")
	deploy.Flags().StringVar(&keyID, "key", "", "keystore ID of the funded secp256k1 key that deploys")
	cmd.AddCommand(status, deploy)
	return cmd
}

func writeChainStatus(w io.Writer, st api.ChainStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, n := range st.Networks {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		var tags []string
		if n.Embedded {
			tags = append(tags, "embedded dev chain")
		}
		if n.Default {
			tags = append(tags, "default")
		}
		name := n.Name
		if name == "" {
			name = fmt.Sprintf("0x%x", n.ChainID)
		}
		fmt.Fprintf(tw, "network\t%s (%s)\n", name, strings.Join(append([]string{fmt.Sprintf("chain %d", n.ChainID)}, tags...), ", "))
		fmt.Fprintf(tw, "rpc url\t%s\n", n.RPCURL)
		if n.Head != nil {
			fmt.Fprintf(tw, "head block\t%d\n", *n.Head)
		}
		deployed := "no contract code"
		if n.RegistryDeployed {
			deployed = "deployed"
		}
		fmt.Fprintf(tw, "registry\t%s (%s)\n", n.Registry, deployed)
		if n.IndexTip != nil {
			fmt.Fprintf(tw, "index tip\t%d\n", *n.IndexTip)
		} else {
			fmt.Fprintf(tw, "index tip\tnot indexed\n")
		}
		if n.Relayer != "" {
			fmt.Fprintf(tw, "relayer\t%s (balance %s)\n", n.Relayer, formatEther(n.RelayerBalance))
		} else {
			fmt.Fprintf(tw, "relayer\tnone: owners send their own transactions\n")
		}
		if n.Error != "" {
			fmt.Fprintf(tw, "error\t%s\n", oneLine(n.Error))
		}
	}
	return tw.Flush()
}

// formatEther renders a wei amount (decimal string) in ether.
func formatEther(wei string) string {
	v, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return "unknown"
	}
	f, _ := new(big.Rat).SetFrac(v, big.NewInt(1e18)).Float64()
	return fmt.Sprintf("%.6g ETH", f)
}
