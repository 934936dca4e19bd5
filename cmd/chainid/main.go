// Command chainid runs the chainid decentralized-identity service and its
// command-line tools: `chainid serve` starts the HTTP service; `chainid did`
// creates, updates and resolves DIDs; `chainid chain` shows the did:ethr
// chains and deploys registries; `chainid issuer`, `chainid schema`,
// `chainid vc` and `chainid apikey` issue, verify and manage credentials;
// `chainid zk` makes zero-knowledge keys; `chainid version` prints the build
// version.
//
// did:ethr DIDs live on the chains given with --chain-rpc (or --chains);
// without them an embedded development chain runs in DATA/chain (chain ID
// 1337, network "dev", registry at 0x1056100000000000000000000000000000001056,
// changes relayed by its funded development account).
//
// Commands that take --data work whether or not `chainid serve` is running on
// that data dir: bbolt admits one process, so a running server records its
// address and an admin token in the data dir, and the CLI then talks to the
// server's admin API instead of opening the store.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chainid: "+oneLine(err.Error()))
		os.Exit(1)
	}
}

// oneLine keeps CLI errors to one readable line.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", "; ")
}

// run is the whole program; tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRootCommand(ctx, getenv, stdin, stdout, stderr)
	if len(args) > 0 {
		args = args[1:]
	}
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}
