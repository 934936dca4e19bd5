package didkeys_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/resolver"
)

func ExampleKeys_VerificationKey() {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	id, _ := didkey.New(pub)
	r, _ := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"key": didkey.NewResolver(didkey.Config{})}})
	keys, _ := didkeys.New(r, didkeys.Config{})

	got, err := keys.VerificationKey(context.Background(), id.String()+"#"+id.ID, did.AssertionMethod)
	fmt.Println(err == nil && pub.Equal(got))
	// Output: true
}
