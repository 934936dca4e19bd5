// Command webapp is an example relying party: a small web app with a
// "Sign in with chain identity" button that signs users in through chainid's
// OpenID provider (coreos/go-oidc, authorization code flow with PKCE S256,
// state and nonce) and shows the signed-in user's claims. See README.md.
//
//	chainid clients add --data DIR --redirect-uri http://127.0.0.1:8081/callback --json
//	go run ./examples/webapp --issuer http://127.0.0.1:8080 --client-id ID --client-secret SECRET
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "webapp:", err)
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("webapp", flag.ContinueOnError)
	issuer := fs.String("issuer", "http://127.0.0.1:8080", "chainid's public URL (the OpenID issuer)")
	clientID := fs.String("client-id", "", "client_id from `chainid clients add` (required)")
	secret := fs.String("client-secret", os.Getenv("WEBAPP_CLIENT_SECRET"), "client_secret (empty for a --public client; default $WEBAPP_CLIENT_SECRET)")
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	base := fs.String("base-url", "", "this app's public URL (default http://ADDR)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *clientID == "" {
		fs.Usage()
		return errUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *base == "" {
		*base = "http://" + ln.Addr().String()
	}
	app, err := NewApp(ctx, Config{Issuer: *issuer, ClientID: *clientID, ClientSecret: *secret, BaseURL: *base})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	slog.Info("example web app", "url", *base, "issuer", *issuer)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
