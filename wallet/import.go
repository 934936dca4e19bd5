package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// Import stores a credential the holder obtained out of band (for example
// from `chainid vc issue`): a compact SD-JWT VC (dc+sd-jwt), a VC 1.1 JWT
// (jwt_vc_json), a Data Integrity credential as JSON (ldp_vc) or a ZK
// credential document (chainid_zk, proved by the wallet's Prover). The
// format is detected; like Receive, Import decodes but does not verify
// (the verifier checks everything). source is recorded as the credential's
// origin.
func (w *Wallet) Import(ctx context.Context, credential []byte, source string) (store.WalletCredential, error) {
	raw := bytes.TrimSpace(credential)
	if len(raw) == 0 || len(raw) > store.MaxWalletCredential {
		return store.WalletCredential{}, fmt.Errorf("a credential of 1 to %d bytes is required", store.MaxWalletCredential)
	}
	holder, err := w.Holder(ctx)
	if err != nil {
		return store.WalletCredential{}, err
	}
	var format string
	switch {
	case raw[0] == '{':
		format = oid4vp.FormatLDPVC
		if _, err := zkcred.Parse(raw); err == nil {
			format = oid4vp.FormatZK
		}
	case bytes.Contains(raw, []byte("~")):
		format = oid4vci.FormatSDJWTVC
	default:
		format = oid4vci.FormatJWTVCJSON
	}
	wc, err := decodeCredential(format, string(raw))
	if err != nil {
		return store.WalletCredential{}, err
	}
	wc.ID = newID()
	wc.HolderKey = holder.KeyID
	wc.Source = source
	wc.Received = w.cfg.Now()
	if err := w.store.PutWalletCredential(ctx, wc); err != nil {
		return store.WalletCredential{}, err
	}
	return wc, nil
}

// decodeLDP reads a Data Integrity credential: issuer, types and the
// credential JSON (claim paths start at its root).
func decodeLDP(wc store.WalletCredential) (store.WalletCredential, error) {
	var vc struct {
		Issuer json.RawMessage `json:"issuer"`
		Type   any             `json:"type"`
		Proof  json.RawMessage `json:"proof"`
	}
	if err := json.Unmarshal([]byte(wc.Credential), &vc); err != nil {
		return wc, fmt.Errorf("ldp_vc credential: %w", err)
	}
	if len(vc.Proof) == 0 {
		return wc, errors.New("ldp_vc credential without a proof")
	}
	var iss struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(vc.Issuer, &wc.Issuer) != nil && json.Unmarshal(vc.Issuer, &iss) == nil {
		wc.Issuer = iss.ID
	}
	wc.Types = stringsOf(vc.Type)
	wc.Claims = []byte(wc.Credential)
	return wc, nil
}

// decodeZK reads a ZK credential: issuer, schema id (as its type) and its
// attributes as claims.
func decodeZK(wc store.WalletCredential) (store.WalletCredential, error) {
	c, err := zkcred.Parse([]byte(wc.Credential))
	if err != nil {
		return wc, err
	}
	attrs := map[string]any{}
	for _, a := range c.Attributes() {
		attrs[a.Spec.Name] = a.Value
	}
	wc.Issuer, wc.Types = c.Issuer(), []string{c.SchemaID()}
	wc.Claims, err = json.Marshal(map[string]any{"attributes": attrs})
	if err != nil {
		return wc, fmt.Errorf("encode ZK attributes: %w", err)
	}
	return wc, nil
}
