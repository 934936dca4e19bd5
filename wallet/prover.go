package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/verifier/zk"
	"github.com/chainid/chainid/zkp"
)

// StoredZKProver answers chainid_zk queries (it is a Prover) with the ZK
// credentials stored in the wallet (Import): it picks those of an issuer
// and schema the proof request accepts and committed to the holder
// secret, and proves with the first that satisfies the request (ZKProver
// does the proving). The proving key is loaded only when a request needs
// it.
type StoredZKProver struct {
	// ProvingKey returns the proving key (e.g. zkp.LoadKeys on the data
	// dir's keys); called at most once per proof.
	ProvingKey func(ctx context.Context) (*zkp.ProvingKey, error)
	// HolderSecret returns the holder secret (ReadZKHolderSecret).
	HolderSecret func() (fr.Element, error)
	// StatusList, if set, returns the status list document for a URL
	// (offline use); nil fetches it with the wallet's HTTP client.
	StatusList func(ctx context.Context, url string) ([]byte, error)
}

var _ Prover = (*StoredZKProver)(nil)

// ErrNoZKCredential reports a proof request no stored ZK credential can
// answer.
var ErrNoZKCredential = errors.New("no ZK credential in the wallet answers the proof request")

// ProveZK implements Prover.
func (p *StoredZKProver) ProveZK(ctx context.Context, w *Wallet, request json.RawMessage, nonce, audience string) (json.RawMessage, error) {
	req, err := zk.ParseRequest(request)
	if err != nil {
		return nil, err
	}
	if req.Nonce != nonce || req.Audience != audience {
		return nil, fmt.Errorf("zk request %s is not bound to this presentation's nonce and audience", req.ID)
	}
	secret, err := p.HolderSecret()
	if err != nil {
		return nil, err
	}
	commit := zkp.HolderCommitment(secret)
	all, err := w.store.WalletCredentials(ctx)
	if err != nil {
		return nil, err
	}
	var pk *zkp.ProvingKey
	var errs []error
	for _, wc := range all {
		if wc.Format != oid4vp.FormatZK {
			continue
		}
		cred, err := zkcred.Parse([]byte(wc.Credential))
		if err != nil {
			errs = append(errs, fmt.Errorf("credential %s: %w", wc.ID, err))
			continue
		}
		hc := cred.HolderCommitment()
		if _, ok := req.Issuer(cred.Issuer()); !ok || cred.SchemaID() != req.Schema || !hc.Equal(&commit) {
			continue
		}
		if pk == nil {
			if pk, err = p.ProvingKey(ctx); err != nil {
				return nil, err
			}
		}
		zp := &ZKProver{ProvingKey: pk, Credential: cred, HolderSecret: secret, StatusList: p.StatusList}
		out, err := zp.ProveZK(ctx, w, request, nonce, audience)
		if err == nil {
			return out, nil
		}
		errs = append(errs, fmt.Errorf("credential %s: %w", wc.ID, err))
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%w (request %s: schema %s)", ErrNoZKCredential, req.ID, req.Schema)
	}
	return nil, fmt.Errorf("%w (request %s: schema %s): %w", ErrNoZKCredential, req.ID, req.Schema, errors.Join(errs...))
}
