package zk

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/zkp"
)

// docResolver serves one anchored document for any DID and records the
// options of each call.
type docResolver struct {
	calls []resolver.Options
}

func (d *docResolver) Resolve(_ context.Context, id string, opts resolver.Options) (*resolver.Result, error) {
	d.calls = append(d.calls, opts)
	k, err := zkp.GenerateIssuerKey(nil)
	if err != nil {
		return nil, err
	}
	doc := &did.Document{ID: id}
	for i, v := range [][2]string{
		{zkcred.ServiceIssuerKey, zkcred.IssuerKeyValue(1, k.Public())},
		{zkcred.ServiceStatusRoot, zkcred.StatusRootValue(1, zkp.EncodeInteger(7))},
	} {
		ep, _ := json.Marshal(v[1])
		doc.Service = append(doc.Service, did.Service{ID: id + "#service-" + string(rune('1'+i)), Type: did.Strings(v[0]), ServiceEndpoint: ep})
	}
	return &resolver.Result{Document: doc}, nil
}

// TestChainAnchorsOnlyFromChain: anchors are read from did:ethr documents
// only, never from a cache; a did:web (or any other) document carrying the
// same services is the web host's word, not the chain's.
func TestChainAnchorsOnlyFromChain(t *testing.T) {
	res := &docResolver{}
	c := NewChainAnchors(res)
	for _, id := range []string{"did:web:issuer.example", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:example:issuer", "not a did"} {
		if _, err := c.ReadAnchors(t.Context(), id); !errors.Is(err, ErrNoAnchors) {
			t.Errorf("%s: err = %v, want ErrNoAnchors", id, err)
		}
	}
	if len(res.calls) != 0 {
		t.Fatalf("%d resolutions for non-chain issuers", len(res.calls))
	}
	a, err := c.ReadAnchors(t.Context(), "did:ethr:0x539:0x1111111111111111111111111111111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if want := zkp.EncodeInteger(7); !a.StatusRoot.Equal(&want) || a.HasVerifyingKeyDigest {
		t.Fatalf("anchors %+v", a)
	}
	if len(res.calls) != 1 || !res.calls[0].NoCache {
		t.Fatalf("resolution options %+v, want one uncached call", res.calls)
	}
}
