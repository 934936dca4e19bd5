package keystore_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "chainid-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Default argon2id costs; the secret would come from a prompt or a key file.
	ks, err := keystore.New(s, keystore.Config{Secret: []byte("correct horse battery staple")})
	if err != nil {
		log.Fatal(err)
	}
	bindDIDKey := func(pub crypto.PublicKey) (did.DID, error) {
		mk, err := did.EncodeMultikey(pub)
		return did.DID{Method: "key", ID: mk}, err
	}
	rec, err := ks.Generate(ctx, did.Ed25519, "issuer", bindDIDKey)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(rec.DID, "did:key:z6Mk"), rec.Method, rec.Label)

	signer, err := ks.Signer(ctx, rec.ID)
	if err != nil {
		log.Fatal(err)
	}
	msg := []byte("hello")
	sig, err := signer.Sign(nil, msg, crypto.Hash(0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ed25519.Verify(signer.Public().(ed25519.PublicKey), msg, sig))
	// Output:
	// true key issuer
	// true
}
