package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
)

// storeOpenTimeoutServe is how long serve waits for the store lock.
const storeOpenTimeoutServe = 2 * time.Second

func newServeCommand(cfg *Config, getenv func(string) string, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the chainid HTTP service",
		Long: "Runs the HTTP service on --addr with its data in --data. With no flags it uses\n" +
			"./chainid-data and listens on 127.0.0.1:8080. Stops gracefully on SIGINT or SIGTERM.\n\n" +
			"did:ethr DIDs live on the chain given with --chain-rpc/--chain-id/--registry (or --chains).\n" +
			"Without them serve runs an embedded development chain (chain ID 1337, network \"dev\") in\n" +
			"DATA/chain, with the registry at " + devRegistryAddress + " and a funded development\n" +
			"account that relays DID changes, and serves its JSON-RPC on --chain-listen. That chain is\n" +
			"for one machine: it has no peers and its state lives only in the data dir.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := cfg.validateServe(); err != nil {
				return err
			}
			return serve(c.Context(), cfg, cfg.logger(stderr), nil)
		},
	}
	if err := bindServeFlags(cmd.Flags(), cfg, getenv); err != nil {
		cmd.RunE = func(*cobra.Command, []string) error { return err }
	}
	noDefault := cmd.Flags().Bool("no-default-issuer", getenv("CHAINID_NO_DEFAULT_ISSUER") == "1" || getenv("CHAINID_NO_DEFAULT_ISSUER") == "true",
		"do not create the default issuer at first start (env CHAINID_NO_DEFAULT_ISSUER=1)")
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		cfg.DefaultIssuer = !*noDefault
		return run(c, args)
	}
	return cmd
}

// serve runs the service until ctx is done. ready, when not nil, receives
// the base URL once the server accepts connections (tests use it).
func serve(ctx context.Context, cfg *Config, logger *slog.Logger, ready chan<- string) error {
	if err := ensureDataDir(cfg.Data); err != nil {
		return err
	}
	svc, err := openServices(ctx, cfg, logger, storeOpenTimeoutServe, cfg.ChainListen)
	if err != nil {
		return err
	}
	// Deferred first, so it runs last: the chains and the store close
	// after the HTTP server has stopped.
	defer func() {
		if err := svc.Close(); err != nil {
			logger.Error("close", "error", err.Error())
		}
	}()
	chains, err := svc.chainSet(ctx)
	if err != nil {
		return err
	}
	chains.logStart(ctx, logger)
	for _, n := range chains.networks {
		if _, err := n.relayerSigner(ctx, svc.keys); err != nil {
			return fmt.Errorf("--relayer: %w", err)
		}
	}
	if err := chains.resolver.Sync(ctx); err != nil {
		return fmt.Errorf("index the did:ethr registry: %w", err)
	}

	token, err := loadOrCreateSecret(filepath.Join(cfg.Data, adminTokenFile))
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	localURL := scheme + "://" + ln.Addr().String()
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = localURL
	}
	svc.publicURL = publicURL
	if cfg.DefaultIssuer {
		info, created, err := svc.ensureDefaultIssuer(ctx)
		if err != nil {
			ln.Close()
			return fmt.Errorf("create the default issuer (start with --no-default-issuer to skip it): %w", err)
		}
		if created {
			logger.InfoContext(ctx, "default issuer created", "did", info.DID)
		}
	}

	rateLimit, err := cfg.rateLimit()
	if err != nil {
		ln.Close()
		return err
	}
	handler, err := api.New(api.Config{
		Logger:     logger,
		Version:    buildVersion(),
		PublicURL:  publicURL,
		Methods:    svc.resolver.Methods(),
		Resolver:   svc.resolver,
		Keys:       svc,
		DIDs:       svc,
		Chains:     svc,
		AdminToken: token,

		Credentials:   svc,
		Schemas:       svc,
		Issuers:       svc,
		APIKeys:       svc,
		Verifier:      svc,
		Publisher:     svc,
		OpenID4VCI:    svc,
		ZK:            svc.zkAPI(),
		Verify:        svc.verifyAPI(),
		Presentations: svc.presentAPI(),
		OIDC:          svc.oidcAPI(),
		SIWE:          svc.siweAPI(),
		VPLogin:       svc.vpLoginAPI(),
		CookieKey:     svc.siweCookieKey(ctx),
		Ready:         svc.store.Ping,
		RateLimit:     rateLimit,
	})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	info, _ := json.Marshal(serverInfo{URL: localURL, PID: os.Getpid(), Started: time.Now().UTC()})
	if err := writeFileAtomic(filepath.Join(cfg.Data, serverFile), info, 0o600); err != nil {
		ln.Close()
		return err
	}
	defer os.Remove(filepath.Join(cfg.Data, serverFile))

	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	logger.InfoContext(ctx, "chainid serving", "url", localURL, "public_url", publicURL, "data", cfg.Data, "version", buildVersion())
	if ready != nil {
		ready <- localURL
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
