package oid4vci_test

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chainid/chainid/credentials/oid4vci"
)

// tableResolver resolves DID URLs from a table, for a method the package
// does not know, and records the relationship asked for.
type tableResolver struct {
	keys map[string]crypto.PublicKey
	rels []string
}

func (r *tableResolver) VerificationKey(_ context.Context, id, rel string) (crypto.PublicKey, error) {
	r.rels = append(r.rels, rel)
	if k, ok := r.keys[id]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%s not found", id)
}

func TestKeyResolver(t *testing.T) {
	k := newHolderKeys(t)[1]
	const kid = "did:example:holder#key-1"
	res := &tableResolver{keys: map[string]crypto.PublicKey{kid: k.pub}}
	e := newEnv(t, func(c *oid4vci.Config) {
		c.KeyResolver = res
		c.Configurations = testConfigurations()
		x := c.Configurations[cfgSD]
		x.CryptographicBindingMethodsSupported = []string{"jwk", "did:example"}
		c.Configurations[cfgSD] = x
	})
	ctx := t.Context()
	tok := e.offerAndToken(t)
	send := func(kid string) error {
		h := map[string]any{"typ": oid4vci.ProofJWTType, "alg": k.alg, "kid": kid}
		p := rawJWT(t, h, mustJSON(t, claims(testIssuer, e.clock.Now(), e.nonce(t))), k.signer)
		_, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(p)})
		return err
	}
	if err := send(kid); err != nil {
		t.Fatal(err)
	}
	calls := e.issuer.Calls()
	if got := calls[len(calls)-1].holderDID; got != "did:example:holder" {
		t.Errorf("holder DID %q", got)
	}
	if len(res.rels) != 1 || res.rels[0] != "authentication" {
		t.Errorf("relationships asked: %v", res.rels)
	}
	if err := send("did:example:holder#key-2"); codeOf(err) != oid4vci.CodeInvalidProof {
		t.Errorf("unresolvable kid: %v", err)
	}
	// did:key is not listed for this configuration, so it is refused
	// before the resolver is asked.
	n := len(res.rels)
	kidKey, _ := kidOf(t, k.pub, formDIDKey)
	if err := send(kidKey); codeOf(err) != oid4vci.CodeInvalidProof || len(res.rels) != n {
		t.Errorf("unlisted method: %v (resolver asked %d times)", err, len(res.rels)-n)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
