package siwe_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/siwe"
)

// ExampleLogins shows the server side of a login: a challenge for a browser
// session and login request, the wallet's signature over the message built
// from it, and the one use of its nonce.
func ExampleLogins() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "siwe-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "chainid.db"), store.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	v, err := siwe.New(siwe.Config{Chains: []siwe.Chain{{ID: 1}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	logins, err := siwe.NewLogins(v, st.SIWENonces(), siwe.LoginConfig{BaseURL: "https://id.example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	const session, loginID = "browser-session-cookie-value", "authreq1"
	c, err := logins.Challenge(ctx, session, loginID)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The wallet: personal_sign over the message the challenge proposes.
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example key")))
	m, _ := c.Message(crypto.PubkeyToAddress(key.PublicKey).Hex())
	text := m.String()
	sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), key)

	res, err := logins.Login(ctx, session, loginID, text, sig, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Subject == "did:pkh:eip155:1:"+m.Address.Hex())
	_, err = logins.Login(ctx, session, loginID, text, sig, "")
	fmt.Println(err)
	// Output:
	// true
	// sign-in refused: the nonce is unknown, expired or already used
}
