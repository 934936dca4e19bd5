package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newWalletCommand is `chainid wallet`: the holder's keys and credentials.
func newWalletCommand(cfg *Config, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "wallet", Short: "Hold credentials and present them"}
	cmd.AddCommand(newWalletProveCommand(cfg, stdin, stdout, stderr)) // wallet_prove.go
	return cmd
}
