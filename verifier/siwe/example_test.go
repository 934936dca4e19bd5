package siwe_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chainid/chainid/verifier/siwe"
)

func ExampleParse() {
	m, err := siwe.Parse(`example.com wants you to sign in with your Ethereum account:
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

I accept the ExampleOrg Terms of Service: https://example.com/tos

URI: https://example.com/login
Version: 1
Chain ID: 1
Nonce: 32891756
Issued At: 2021-09-30T16:25:24Z`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Domain, m.ChainID, m.Nonce, m.Address.Hex())
	// Output: example.com 1 32891756 0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2
}

func ExampleVerifier_Verify() {
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example key")))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	v, err := siwe.New(siwe.Config{Chains: []siwe.Chain{{ID: 1}}, Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := &siwe.Message{Scheme: "https", Domain: "id.example.com", Address: crypto.PubkeyToAddress(key.PublicKey),
		URI: "https://id.example.com", Version: siwe.Version1, ChainID: 1, Nonce: "k8Jd92hQx1",
		IssuedAt: now.Format(time.RFC3339), ExpirationTime: now.Add(5 * time.Minute).Format(time.RFC3339)}
	text := m.String()
	sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), key) // what personal_sign returns (v 0/1 here)
	res, err := v.Verify(context.Background(), text, sig, siwe.Expect{
		Scheme: "https", Domain: "id.example.com", URI: "https://id.example.com", Nonce: "k8Jd92hQx1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Subject == "did:pkh:eip155:1:"+m.Address.Hex())
	_, err = v.Verify(context.Background(), text, sig, siwe.Expect{
		Scheme: "https", Domain: "evil.example.com", URI: "https://id.example.com", Nonce: "k8Jd92hQx1"})
	fmt.Println(err)
	// Output:
	// true
	// sign-in refused: domain "id.example.com" is not this server's "evil.example.com"
}
