package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/wallet"
	"github.com/chainid/chainid/zkp"
)

// zkHolderSecretFile is the default holder secret file inside the data dir.
const zkHolderSecretFile = "zk-holder.secret"

// walletFetchTimeout bounds each fetch of `wallet prove`.
const walletFetchTimeout = 15 * time.Second

// newWalletProveCommand is `chainid wallet prove`.
func newWalletProveCommand(cfg *Config, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var requestArg, credFile, secretFile, statusArg, keysDir, pkDigest, outFile string
	cmd := &cobra.Command{
		Use:   "prove",
		Short: "Answer a zero-knowledge proof request",
		Long: `Prove a ZK credential's attributes and predicates for a verifier's request
(POST /v1/zk/requests) and print the submission POST /v1/zk/verify takes.

The request is a file or an http(s) URL; the status list is the issuer's
status list credential (file or URL, by default the credential's own status
URL), whose tree root must equal the root the request names. Given a request
file and a status list file, proving is offline. The proving key comes from
the data dir (chainid zk setup) unless --keys names another directory; pin it
with --proving-key-digest.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			client := &http.Client{Timeout: walletFetchTimeout}
			raw, err := readArg(ctx, client, requestArg, wallet.MaxZKRequestBytes)
			if err != nil {
				return fmt.Errorf("request: %w", err)
			}
			req, err := zk.ParseRequest(raw)
			if err != nil {
				return err
			}
			cb, err := os.ReadFile(credFile)
			if err != nil {
				return fmt.Errorf("credential: %w", err)
			}
			cred, err := zkcred.Parse(cb)
			if err != nil {
				return err
			}
			if secretFile == "" {
				secretFile = filepath.Join(cfg.Data, zkHolderSecretFile)
			}
			secret, err := wallet.ReadZKHolderSecret(secretFile)
			if err != nil {
				return err
			}
			if statusArg == "" {
				statusArg = cred.StatusListURL()
			}
			sl, err := readArg(ctx, client, statusArg, wallet.MaxZKStatusListBytes)
			if err != nil {
				return fmt.Errorf("status list: %w", err)
			}
			tree, err := wallet.ZKStatusTree(sl)
			if err != nil {
				return err
			}
			// Check everything cheap before loading the proving key.
			if _, err := wallet.BuildZKWitness(req, cred, secret, tree); err != nil {
				return err
			}
			opts := zkp.LoadOptions{AllowDevelopment: true}
			if pkDigest != "" {
				d, err := hex.DecodeString(pkDigest)
				if err != nil || len(d) != 32 {
					return errors.New("--proving-key-digest must be 64 hex digits")
				}
				copy(opts.ProvingKeyDigest[:], d)
			}
			if keysDir == "" {
				keysDir = filepath.Join(cfg.Data, zkKeysDir)
			}
			sys, err := compileCircuit()
			if err != nil {
				return err
			}
			keys, err := zkp.LoadKeys(keysDir, sys, opts)
			if err != nil {
				return fmt.Errorf("zk keys in %s: %w", keysDir, err)
			}
			if keys.Info.DevelopmentOnly {
				fmt.Fprintln(stderr, "warning: proving with development-only keys")
			}
			sub, err := wallet.ProveZK(ctx, keys.Proving, req, cred, secret, tree)
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(sub, "", "  ")
			if err != nil {
				return err
			}
			out = append(out, '\n')
			if outFile != "" {
				if err := os.WriteFile(outFile, out, 0o600); err != nil {
					return fmt.Errorf("write %s: %w", outFile, err)
				}
				fmt.Fprintf(stderr, "proof for request %s written to %s (POST it to %s)\n", req.ID, outFile, orDefault(req.ResponseURI, "/v1/zk/verify"))
				return nil
			}
			_, err = stdout.Write(out)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&requestArg, "request", "", "proof request: a file or an http(s) URL (required)")
	f.StringVar(&credFile, "credential", "", "ZK credential file (required)")
	f.StringVar(&secretFile, "holder-secret", "", "holder secret file (default DATA/"+zkHolderSecretFile+")")
	f.StringVar(&statusArg, "status-list", "", "status list credential: a file or an http(s) URL (default: the credential's status URL)")
	f.StringVar(&keysDir, "keys", "", "directory of the ZK keys (default DATA/"+zkKeysDir+")")
	f.StringVar(&pkDigest, "proving-key-digest", "", "pin the proving key file's SHA-256 (hex)")
	f.StringVar(&outFile, "out", "", "write the submission to this file (0600) instead of stdout")
	_ = cmd.MarkFlagRequired("request")
	_ = cmd.MarkFlagRequired("credential")
	return cmd
}

// newWalletZKSecretCommand is `chainid wallet zk-secret`: it creates the
// holder secret file and prints the commitment to give an issuer.
func newWalletZKSecretCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "zk-secret",
		Short: "Create the holder secret for ZK credentials and print its commitment",
		Long: `Create a new holder secret file (mode 0600; an existing file is never
overwritten) and print its commitment, the holderCommitment to send when a ZK
credential is issued. The secret never leaves the file; proofs only reveal a
per-scope nullifier derived from it.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				out = filepath.Join(cfg.Data, zkHolderSecretFile)
			}
			commit, err := wallet.WriteZKHolderSecret(out)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(stdout, zkp.FormatElement(commit))
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "holder secret file to create (default DATA/"+zkHolderSecretFile+")")
	return cmd
}

// readArg reads a file, or GETs an http(s) URL, with a size limit.
func readArg(ctx context.Context, client *http.Client, arg string, limit int64) ([]byte, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		return wallet.FetchZK(ctx, client, arg, limit)
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", arg, limit)
	}
	return b, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
