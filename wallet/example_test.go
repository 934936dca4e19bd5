package wallet_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/chainid/chainid/wallet"
)

// A wallet lives in its own directory; Init makes the holder's did:key.
func ExampleWallet_Init() {
	dir, err := os.MkdirTemp("", "wallet")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	w, err := wallet.Open(ctx, dir, wallet.Config{Secret: []byte("correct horse battery staple")})
	if err != nil {
		panic(err)
	}
	defer w.Close()
	h, err := w.Init(ctx, "key", "Ed25519")
	if err != nil {
		panic(err)
	}
	again, _ := w.Init(ctx, "key", "Ed25519") // idempotent
	fmt.Println(strings.HasPrefix(h.DID, "did:key:z6Mk"), h.Created, again.DID == h.DID, again.Created)
	// Output: true true true false
}
