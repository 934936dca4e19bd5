package oidc

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/chainid/chainid/internal/keystore"
	"github.com/chainid/chainid/internal/store"
)

// rootKeyLabel labels the keystore key from which the provider derives its
// secrets (pairwise subjects, CSRF tokens, code encryption, sealing of the
// RSA signing keys). It is an Ed25519 key: its signatures are
// deterministic, so signing a fixed label yields the same secret on every
// start, while the key itself stays sealed in the keystore.
const rootKeyLabel = "chainid-oidc-root"

// rsaBits is the size of the RS256 signing keys.
const rsaBits = 2048

// secrets are the provider's derived keys.
type secrets struct {
	root     [32]byte
	pairwise []byte
	csrf     []byte
	browser  []byte
	seal     []byte
	code     [32]byte
}

func deriveSecrets(ctx context.Context, ks *keystore.Keystore) (*secrets, error) {
	recs, err := ks.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keystore: %w", err)
	}
	id := ""
	for _, r := range recs {
		if r.Label == rootKeyLabel && r.KeyType == "Ed25519" {
			id = r.ID
			break
		}
	}
	if id == "" {
		rec, err := ks.Generate(ctx, "Ed25519", rootKeyLabel, nil)
		if err != nil {
			return nil, fmt.Errorf("create provider root key: %w", err)
		}
		id = rec.ID
	}
	signer, err := ks.Signer(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("open provider root key: %w", err)
	}
	priv, ok := signer.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("provider root key is not Ed25519")
	}
	root := sha256.Sum256(ed25519.Sign(priv, []byte("chainid oidc root v1")))
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, root[:])
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	s := &secrets{
		root:     root,
		pairwise: derive("pairwise subject"),
		csrf:     derive("csrf"),
		browser:  derive("browser binding"),
		seal:     derive("seal signing keys"),
	}
	copy(s.code[:], derive("code encryption"))
	return s, nil
}

// derivedKeyPrefix separates the keys DeriveKey hands out from the
// provider's own derivations above: no label passed to DeriveKey can yield
// one of those.
const derivedKeyPrefix = "derived key\x00"

// DeriveKey returns a 32-byte secret for label, derived from the provider's
// root key (HMAC-SHA256 over a label namespace of its own): the same on
// every start and in every replica over the same store and keystore, and
// unrelated for different labels or keystores. Other parts of the server
// use it for keys that must survive restarts, such as the SIWE session
// cookie's HMAC key. label must be non-empty.
func (p *Provider) DeriveKey(label string) ([]byte, error) {
	if label == "" {
		return nil, errors.New("oidc: derive key: empty label")
	}
	m := hmac.New(sha256.New, p.sec.root[:])
	m.Write([]byte(derivedKeyPrefix))
	m.Write([]byte(label))
	return m.Sum(nil), nil
}

// keyRecord is a stored signing key (bucket oidc_signing_keys, JSON).
type keyRecord struct {
	ID      string    `json:"id"`
	Alg     string    `json:"alg"`
	Created time.Time `json:"created"`
	// Sealed is AES-256-GCM(nonce ‖ ciphertext) of the PKCS#8 private
	// key, with the key ID as associated data.
	Sealed []byte `json:"sealed"`
}

// signingKey is an opened key: op.SigningKey and op.Key.
type signingKey struct {
	id      string
	created time.Time
	expires time.Time // zero: current key
	priv    *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.priv }
func (k *signingKey) ID() string                                  { return k.id }
func (k *signingKey) Use() string                                 { return "sig" }

// publicKey is the JWKS view of a signing key.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.priv.PublicKey }

// keyRing caches the opened signing keys.
type keyRing struct {
	mu   sync.Mutex
	st   *store.OIDCRecords
	seal []byte
	now  func() time.Time
	// keys are the unexpired keys, newest first.
	keys []*signingKey
	// loaded is when keys was read from the store.
	loaded bool
}

func (kr *keyRing) aead() (cipher.AEAD, error) {
	b, err := aes.NewCipher(kr.seal)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (kr *keyRing) open(rec keyRecord) (*signingKey, error) {
	a, err := kr.aead()
	if err != nil {
		return nil, err
	}
	if len(rec.Sealed) < a.NonceSize() {
		return nil, errors.New("sealed signing key is truncated")
	}
	der, err := a.Open(nil, rec.Sealed[:a.NonceSize()], rec.Sealed[a.NonceSize():], []byte(rec.ID))
	if err != nil {
		return nil, fmt.Errorf("open signing key %s: %w", rec.ID, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse signing key %s: %w", rec.ID, err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s is not RSA", rec.ID)
	}
	return &signingKey{id: rec.ID, created: rec.Created, priv: priv}, nil
}

// load reads the unexpired keys; callers hold mu.
func (kr *keyRing) load(ctx context.Context) error {
	var recs []store.OIDCRecord
	err := kr.st.View(ctx, func(tx *store.OIDCTx) error {
		var err error
		recs, err = tx.List(store.OIDCSigningKeys, "", 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("read signing keys: %w", err)
	}
	keys := make([]*signingKey, 0, len(recs))
	for _, r := range recs {
		var rec keyRecord
		if err := json.Unmarshal(r.Value, &rec); err != nil {
			return fmt.Errorf("decode signing key: %w", err)
		}
		k, err := kr.open(rec)
		if err != nil {
			return err
		}
		k.expires = r.Expires
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].created.After(keys[j].created) })
	kr.keys, kr.loaded = keys, true
	return nil
}

// current returns the newest key, creating one if there is none.
func (kr *keyRing) current(ctx context.Context) (*signingKey, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if !kr.loaded {
		if err := kr.load(ctx); err != nil {
			return nil, err
		}
	}
	if len(kr.keys) == 0 {
		if err := kr.rotateLocked(ctx, 0); err != nil {
			return nil, err
		}
	}
	return kr.keys[0], nil
}

// all returns the unexpired keys, newest first.
func (kr *keyRing) all(ctx context.Context) ([]*signingKey, error) {
	if _, err := kr.current(ctx); err != nil {
		return nil, err
	}
	kr.mu.Lock()
	defer kr.mu.Unlock()
	now := kr.now()
	var out []*signingKey
	for _, k := range kr.keys {
		if k.expires.IsZero() || now.Before(k.expires) {
			out = append(out, k)
		}
	}
	return out, nil
}

// rotate makes a new current key. The previous one stays published for
// keep; older ones are deleted.
func (kr *keyRing) rotate(ctx context.Context, keep time.Duration) error {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if !kr.loaded {
		if err := kr.load(ctx); err != nil {
			return err
		}
	}
	return kr.rotateLocked(ctx, keep)
}

func (kr *keyRing) rotateLocked(ctx context.Context, keep time.Duration) error {
	priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("encode signing key: %w", err)
	}
	id := rand.Text()[:16]
	a, err := kr.aead()
	if err != nil {
		return err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	now := kr.now().UTC()
	rec := keyRecord{ID: id, Alg: string(jose.RS256), Created: now, Sealed: a.Seal(nonce, nonce, der, []byte(id))}
	val, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	err = kr.st.Update(ctx, func(tx *store.OIDCTx) error {
		old, err := tx.List(store.OIDCSigningKeys, "", 0)
		if err != nil {
			return err
		}
		var prev *store.OIDCRecord
		for i := range old {
			var r keyRecord
			if err := json.Unmarshal(old[i].Value, &r); err != nil {
				return err
			}
			if prev == nil || !r.Created.Before(prevCreated(prev)) {
				prev = &old[i]
			}
		}
		for _, o := range old {
			if prev != nil && o.Key == prev.Key && keep > 0 {
				if err := tx.Put(store.OIDCSigningKeys, o.Key, o.Value, now.Add(keep)); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Delete(store.OIDCSigningKeys, o.Key); err != nil {
				return err
			}
		}
		return tx.Put(store.OIDCSigningKeys, id, val, time.Time{})
	})
	if err != nil {
		return fmt.Errorf("store signing key: %w", err)
	}
	return kr.load(ctx)
}

func prevCreated(r *store.OIDCRecord) time.Time {
	var k keyRecord
	_ = json.Unmarshal(r.Value, &k)
	return k.Created
}

var (
	_ op.SigningKey = (*signingKey)(nil)
	_ op.Key        = publicKey{}
	_ crypto.Signer = (*rsa.PrivateKey)(nil)
)
