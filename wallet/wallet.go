package wallet

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// DBFile is the wallet's store file inside its directory.
const DBFile = "wallet.db"

// metaHolder names the wallet meta entry holding the holder key's ID.
const metaHolder = "holder_key"

// ErrNotInitialized reports a wallet without a holder key (run Init).
var ErrNotInitialized = errors.New("wallet has no holder key; run `chainid wallet init`")

// Config configures Open. Secret is required.
type Config struct {
	// Secret seals the wallet's private keys (see internal/keystore).
	Secret []byte
	// HTTPClient talks to issuers and verifiers; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Resolver resolves verifier DIDs; nil means did:key and did:jwk only.
	Resolver didkeys.Resolver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger; nil discards.
	Logger *slog.Logger
	// InsecureAllowHTTP talks to http issuers and verifiers (loopback
	// development only).
	InsecureAllowHTTP bool
	// Prover makes zero-knowledge proofs for chainid_zk queries; nil
	// means such queries cannot be answered.
	Prover Prover
}

// Prover answers a zero-knowledge proof request (the meta.zk_request of a
// chainid_zk DCQL credential query) bound to nonce and audience, with a
// proof object for the vp_token. wallet/zk*.go provides it.
type Prover interface {
	ProveZK(ctx context.Context, w *Wallet, request json.RawMessage, nonce, audience string) (json.RawMessage, error)
}

// Wallet is an open holder wallet. It is safe for concurrent use.
type Wallet struct {
	cfg   Config
	dir   string
	store *store.Store
	keys  *keystore.Keystore
	dkeys *didkeys.Keys
	http  *http.Client
}

// Open opens (creating) the wallet in dir.
func Open(ctx context.Context, dir string, cfg Config) (*Wallet, error) {
	if len(cfg.Secret) == 0 {
		return nil, errors.New("wallet: a secret is required")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create wallet dir: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, filepath.Join(dir, DBFile), store.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	ks, err := keystore.New(st, keystore.Config{Secret: cfg.Secret})
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	res := cfg.Resolver
	if res == nil {
		r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{
			"key": didkey.NewResolver(didkey.Config{}), "jwk": didjwk.NewResolver(didjwk.Config{})}})
		if err != nil {
			return nil, errors.Join(err, st.Close())
		}
		res = r
	}
	dk, err := didkeys.New(res, didkeys.Config{})
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Wallet{cfg: cfg, dir: dir, store: st, keys: ks, dkeys: dk, http: hc}, nil
}

// Close closes the wallet's store.
func (w *Wallet) Close() error { return w.store.Close() }

// Holder is the wallet's holder identity.
type Holder struct {
	DID     string `json:"did"`
	KeyID   string `json:"keyId"`
	KeyType string `json:"keyType"`
	// Created is set by Init when the key was made now.
	Created bool `json:"created"`
}

// Init creates the holder key (method "key" or "jwk"; key type Ed25519,
// P-256 or secp256k1) unless the wallet has one; it returns the holder.
func (w *Wallet) Init(ctx context.Context, method, keyType string) (*Holder, error) {
	if h, err := w.Holder(ctx); err == nil {
		return h, nil
	} else if !errors.Is(err, ErrNotInitialized) {
		return nil, err
	}
	var bind keystore.BindFunc
	switch method {
	case "", "key":
		bind = didkey.New
	case "jwk":
		bind = didjwk.New
	default:
		return nil, fmt.Errorf("holder DID method %q: want key or jwk", method)
	}
	if keyType == "" {
		keyType = string(did.Ed25519)
	}
	rec, err := w.keys.Generate(ctx, did.KeyType(keyType), "holder", bind)
	if err != nil {
		return nil, err
	}
	if err := w.store.SetWalletMeta(ctx, metaHolder, []byte(rec.ID)); err != nil {
		return nil, err
	}
	h, err := w.Holder(ctx)
	if err != nil {
		return nil, err
	}
	h.Created = true
	return h, nil
}

// Holder returns the holder identity, or ErrNotInitialized.
func (w *Wallet) Holder(ctx context.Context) (*Holder, error) {
	id, err := w.store.WalletMeta(ctx, metaHolder)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotInitialized
	}
	if err != nil {
		return nil, err
	}
	rec, err := w.store.Key(ctx, string(id))
	if err != nil {
		return nil, err
	}
	return &Holder{DID: rec.DID, KeyID: holderKID(rec), KeyType: rec.KeyType}, nil
}

// holderKID is the verification method of a did:key or did:jwk holder.
func holderKID(rec store.KeyRecord) string {
	if rec.Method == "jwk" {
		return rec.DID + "#0"
	}
	d, err := did.Parse(rec.DID)
	if err != nil {
		return rec.DID
	}
	return rec.DID + "#" + d.ID
}

// signer opens the holder key.
func (w *Wallet) signer(ctx context.Context) (crypto.Signer, *Holder, error) {
	h, err := w.Holder(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := w.store.WalletMeta(ctx, metaHolder)
	if err != nil {
		return nil, nil, err
	}
	s, err := w.keys.Signer(ctx, string(id))
	if err != nil {
		return nil, nil, err
	}
	return s, h, nil
}

// Credentials lists the stored credentials, oldest first.
func (w *Wallet) Credentials(ctx context.Context) ([]store.WalletCredential, error) {
	return w.store.WalletCredentials(ctx)
}

// Delete removes a stored credential.
func (w *Wallet) Delete(ctx context.Context, id string) error {
	return w.store.DeleteWalletCredential(ctx, id)
}
