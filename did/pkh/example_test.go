package pkh_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/pkh"
)

func ExampleNew() {
	id, err := pkh.New(1, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id)
	// Output: did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
}

func ExampleChecksumAddress() {
	sum, err := pkh.ChecksumAddress("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359")
	fmt.Println(sum, err)
	_, err = pkh.ChecksumAddress("0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
	fmt.Println(err != nil)
	// Output:
	// 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359 <nil>
	// true
}

func ExampleParseAccount() {
	a, err := pkh.ParseAccount("eip155:137:0x4e90e8a8191c1c23a24a598c3ab4fb47ce926ff5")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.ChainID(), a.Address, a.DID())
	// Output: eip155:137 0x4e90e8a8191c1c23a24a598c3ab4fb47ce926ff5 did:pkh:eip155:137:0x4e90e8a8191c1c23a24a598c3ab4fb47ce926ff5
}

func ExampleAccountOf() {
	a, err := pkh.AccountOf(did.MustParse("did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := pkh.ParseAccount("eip155:1:0xB9C5714089478a327F09197987f16f9E5d936E8a")
	fmt.Println(a.Equal(b))
	// Output: true
}

func ExampleResolver_Resolve() {
	r := pkh.NewResolver()
	doc, _, err := r.Resolve(context.Background(), did.MustParse("did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"), did.ResolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	vm, _ := doc.Authorized(did.AssertionMethod, "#blockchainAccountId")
	fmt.Println(vm.Type)
	fmt.Println(vm.BlockchainAccountID)
	// Output:
	// EcdsaSecp256k1RecoveryMethod2020
	// eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a
}

func BenchmarkResolveEIP155(b *testing.B) {
	r := pkh.NewResolver()
	d := did.MustParse("did:pkh:eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	for b.Loop() {
		if _, _, err := r.Resolve(b.Context(), d, did.ResolveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChecksumAddress(b *testing.B) {
	for b.Loop() {
		if _, err := pkh.ChecksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"); err != nil {
			b.Fatal(err)
		}
	}
}
