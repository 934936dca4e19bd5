// Command webapp is an example relying party: a small web app with a
// "Sign in with chain identity" button that signs users in through chainid's
// OpenID provider (coreos/go-oidc, authorization code flow with PKCE S256,
// state and nonce) and shows the signed-in user's claims. See README.md.
//
//	chainid clients add --data DIR --redirect-uri http://127.0.0.1:8081/callback --json
//	go run ./examples/webapp --issuer http://127.0.0.1:8080 --client-id ID --client-secret SECRET [--scope "openid email"]
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
	"slices"
	"strings"
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

// options are the parsed command line.
type options struct {
	cfg  Config // BaseURL "" means http://ADDR
	addr string
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("webapp", flag.ContinueOnError)
	issuer := fs.String("issuer", "http://127.0.0.1:8080", "chainid's public URL (the OpenID issuer)")
	clientID := fs.String("client-id", "", "client_id from `chainid clients add` (required)")
	secret := fs.String("client-secret", os.Getenv("WEBAPP_CLIENT_SECRET"), "client_secret (empty for a --public client; default $WEBAPP_CLIENT_SECRET)")
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	base := fs.String("base-url", "", "this app's public URL (default http://ADDR)")
	scope := fs.String("scope", "openid profile", "space-separated scopes to ask for; must include openid (e.g. \"openid email\")")
	if err := fs.Parse(args); err != nil {
		return nil, errUsage
	}
	if *clientID == "" || fs.NArg() > 0 {
		fs.Usage()
		return nil, errUsage
	}
	scopes, err := parseScope(*scope)
	if err != nil {
		return nil, err
	}
	return &options{addr: *addr, cfg: Config{Issuer: *issuer, ClientID: *clientID, ClientSecret: *secret, BaseURL: *base, Scopes: scopes}}, nil
}

// parseScope reads a --scope value: space-separated scopes, openid among
// them. It returns the others (Config.Scopes), each once, never nil.
func parseScope(s string) ([]string, error) {
	fields := strings.Fields(s)
	if !slices.Contains(fields, "openid") {
		return nil, fmt.Errorf("--scope %q must include openid", s)
	}
	out := []string{}
	for _, f := range fields {
		if f != "openid" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	if o.cfg.BaseURL == "" {
		o.cfg.BaseURL = "http://" + ln.Addr().String()
	}
	app, err := NewApp(ctx, o.cfg)
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
	slog.Info("example web app", "url", o.cfg.BaseURL, "issuer", o.cfg.Issuer, "scope", strings.Join(append([]string{"openid"}, o.cfg.Scopes...), " "))
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
