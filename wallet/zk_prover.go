package wallet

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/zkp"
)

// ZKProver answers chainid_zk queries (it is a Prover) with one ZK
// credential: the query's request must be bound to the OpenID4VP nonce and
// audience, and the credential's status list is fetched through the
// wallet's HTTP client (or StatusList).
type ZKProver struct {
	ProvingKey   *zkp.ProvingKey
	Credential   *zkcred.Credential
	HolderSecret fr.Element
	// StatusList, if set, returns the status list document for a URL
	// (offline use); nil fetches it.
	StatusList func(ctx context.Context, url string) ([]byte, error)
}

var _ Prover = (*ZKProver)(nil)

// ProveZK proves the request document (zk.Request JSON) and returns the
// zk.Submission JSON.
func (p *ZKProver) ProveZK(ctx context.Context, w *Wallet, request json.RawMessage, nonce, audience string) (json.RawMessage, error) {
	req, err := zk.ParseRequest(request)
	if err != nil {
		return nil, err
	}
	if req.Nonce != nonce || req.Audience != audience {
		return nil, fmt.Errorf("zk request %s is not bound to this presentation's nonce and audience", req.ID)
	}
	fetch := p.StatusList
	if fetch == nil {
		fetch = func(ctx context.Context, url string) ([]byte, error) {
			return FetchZK(ctx, w.http, url, MaxZKStatusListBytes)
		}
	}
	doc, err := fetch(ctx, p.Credential.StatusListURL())
	if err != nil {
		return nil, err
	}
	tree, err := ZKStatusTree(doc)
	if err != nil {
		return nil, err
	}
	sub, err := ProveZK(ctx, p.ProvingKey, req, p.Credential, p.HolderSecret, tree)
	if err != nil {
		return nil, err
	}
	return json.Marshal(sub)
}
