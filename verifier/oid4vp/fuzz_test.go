package oid4vp_test

import (
	"context"
	"crypto"
	"errors"
	"testing"

	"github.com/chainid/chainid/verifier/oid4vp"
)

type noKeys struct{}

func (noKeys) VerificationKey(context.Context, string, string) (crypto.PublicKey, error) {
	return nil, errors.New("no keys")
}

// FuzzVerifyRequestObject: any request object is accepted or refused
// with ErrRequestObject; never a panic.
func FuzzVerifyRequestObject(f *testing.F) {
	f.Add("eyJhbGciOiJub25lIiwidHlwIjoib2F1dGgtYXV0aHotcmVxK2p3dCJ9.eyJyZXNwb25zZV90eXBlIjoidnBfdG9rZW4ifQ.", "redirect_uri:https://v.example/r")
	f.Add("a.b.c", "decentralized_identifier:did:key:z6Mk")
	c, err := oid4vp.NewClient(oid4vp.ClientConfig{Keys: noKeys{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, jwt, clientID string) {
		if _, err := c.VerifyRequestObject(context.Background(), jwt, clientID); err != nil && !errors.Is(err, oid4vp.ErrRequestObject) {
			t.Fatalf("error %v does not wrap ErrRequestObject", err)
		}
	})
}
