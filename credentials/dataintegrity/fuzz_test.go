package dataintegrity_test

import (
	"context"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
)

// FuzzVerify feeds arbitrary secured documents (and proofValues) to Verify:
// it must not panic, must return a Result only with a parsed document, and
// must never report a document verified when it returns an error.
func FuzzVerify(f *testing.F) {
	p := newProcessor(f, dataintegrity.Config{})
	k := newEd25519(f)
	for _, s := range suites {
		kk := k
		if s == dataintegrity.ECDSARDFC2019 {
			kk = newP256(f)
		}
		signed, err := p.AddProof(context.Background(), credential(kk.DID), kk.Signer, kk.VM, s, dataintegrity.ProofOptions{})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(signed)
	}
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofValue":"z1111","proofPurpose":"assertionMethod","verificationMethod":"did:key:z6Mk#x"}}`))
	f.Add([]byte(`{"proof":[{"proofValue":"u____"},{"previousProof":["a","b"]}]}`))
	keys := newDIDKeys()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := p.Verify(context.Background(), data, keys, dataintegrity.VerifyOptions{})
		if err != nil && res.Verified() {
			t.Fatalf("error %v but verified", err)
		}
		if err == nil && !res.Verified() {
			t.Fatal("no error but not verified")
		}
	})
}
