package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newClientsCommand is `chainid clients`: OpenID Connect relying parties.
func newClientsCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{Use: "clients", Short: "Manage OpenID Connect clients", Hidden: true}
}
