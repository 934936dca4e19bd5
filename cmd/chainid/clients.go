package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/oidc"
)

// clientsBackend manages OpenID Connect clients: *services through the
// local store, *remoteBackend through the running server's admin API.
type clientsBackend interface {
	AddClient(ctx context.Context, spec oidc.ClientSpec) (oidc.Client, string, error)
	Clients(ctx context.Context) ([]oidc.Client, error)
	RemoveClient(ctx context.Context, id string) error
}

// withClients runs fn with the clients backend of the data dir.
func withClients(c *cobra.Command, cfg *Config, fn func(ctx context.Context, b clientsBackend) error) error {
	return withBackend(c, cfg, func(ctx context.Context, b backend) error {
		cb, ok := b.(clientsBackend)
		if !ok {
			return errors.New("this backend cannot manage OpenID Connect clients")
		}
		return fn(ctx, cb)
	})
}

// newClientsCommand is `chainid clients`: OpenID Connect relying parties.
func newClientsCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "clients", Short: "Manage OpenID Connect clients (relying parties of the login bridge)"}

	var (
		spec        oidc.ClientSpec
		subjectType string
	)
	add := &cobra.Command{
		Use:   "add --redirect-uri URI [--redirect-uri URI…] [--name N] [--public] [--subject-type pairwise|public]",
		Short: "Register a client; prints client_id and client_secret (shown once)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			spec.SubjectType = subjectType
			return withClients(c, cfg, func(ctx context.Context, b clientsBackend) error {
				cl, secret, err := b.AddClient(ctx, spec)
				if err != nil {
					return err
				}
				line := "client_id: " + cl.ID
				if secret != "" {
					line += "\nclient_secret: " + secret
				} else {
					line += "\n(public client: no secret, PKCE only)"
				}
				return writeLine(stdout, cfg.JSON, api.OIDCClientCreated{Client: cl, Secret: secret}, line)
			})
		},
	}
	f := add.Flags()
	f.StringArrayVar(&spec.RedirectURIs, "redirect-uri", nil, "exact redirect URI (repeatable; https, or http on loopback)")
	f.StringArrayVar(&spec.PostLogoutRedirectURIs, "post-logout-redirect-uri", nil, "exact post-logout redirect URI (repeatable)")
	f.StringVar(&spec.Name, "name", "", "name shown on the login and consent pages")
	f.BoolVar(&spec.Public, "public", false, "public client: no secret, PKCE only")
	f.StringVar(&subjectType, "subject-type", "", "pairwise (default: a per-client sub) or public (sub is the DID)")
	_ = add.MarkFlagRequired("redirect-uri")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the registered clients",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withClients(c, cfg, func(ctx context.Context, b clientsBackend) error {
				cs, err := b.Clients(ctx)
				if err != nil {
					return err
				}
				if cs == nil {
					cs = []oidc.Client{}
				}
				var sb strings.Builder
				for i, cl := range cs {
					if i > 0 {
						sb.WriteByte('\n')
					}
					kind := "confidential"
					if cl.Public {
						kind = "public"
					}
					fmt.Fprintf(&sb, "%s\t%s\t%s\t%s\t%s", cl.ID, kind, cl.SubjectType, strings.Join(cl.RedirectURIs, ","), cl.Name)
				}
				if len(cs) == 0 {
					sb.WriteString("no clients")
				}
				return writeLine(stdout, cfg.JSON, cs, sb.String())
			})
		},
	}

	rm := &cobra.Command{
		Use:   "rm CLIENT_ID",
		Short: "Remove a client",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return withClients(c, cfg, func(ctx context.Context, b clientsBackend) error {
				if err := b.RemoveClient(ctx, args[0]); err != nil {
					return err
				}
				return writeLine(stdout, cfg.JSON, map[string]string{"removed": args[0]}, "removed "+args[0])
			})
		},
	}
	cmd.AddCommand(add, list, rm)
	return cmd
}

func (r *remoteBackend) AddClient(ctx context.Context, spec oidc.ClientSpec) (oidc.Client, string, error) {
	var out api.OIDCClientCreated
	_, err := r.do(ctx, http.MethodPost, "/v1/admin/oidc/clients", "application/json", spec, &out)
	return out.Client, out.Secret, err
}

func (r *remoteBackend) Clients(ctx context.Context) ([]oidc.Client, error) {
	var out []oidc.Client
	_, err := r.do(ctx, http.MethodGet, "/v1/admin/oidc/clients", "application/json", nil, &out)
	return out, err
}

func (r *remoteBackend) RemoveClient(ctx context.Context, id string) error {
	_, err := r.do(ctx, http.MethodDelete, "/v1/admin/oidc/clients/"+url.PathEscape(id), "application/json", nil, nil)
	return err
}
