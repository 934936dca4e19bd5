package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"
)

// newWalletProveCommand is `chainid wallet prove`.
func newWalletProveCommand(cfg *Config, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{Use: "prove", Short: "Answer a zero-knowledge proof request", Hidden: true,
		RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
