// Package keystore keeps chainid's private keys encrypted at rest and hands
// them out as crypto.Signers.
//
// Each key record stores its private key sealed with XChaCha20-Poly1305
// under a key-encryption key (KEK) derived from a secret (a passphrase or the
// bytes of a key file) with argon2id. There is no plaintext mode: New refuses
// an empty secret.
//
// # Sealed format, version 1
//
// A sealed blob is self-describing, so KDF costs can change without breaking
// older records:
//
//	offset  size  field
//	0       1     format version, 1
//	1       1     KDF, 1 = argon2id
//	2       4     argon2 time (passes), big-endian
//	6       4     argon2 memory in KiB, big-endian
//	10      1     argon2 threads
//	11      16    salt
//	27      16    check value: HMAC-SHA256(master, "chainid keystore v1 check")[:16]
//	43      24    XChaCha20-Poly1305 nonce
//	67      48    ciphertext and tag of the 32-byte private key
//
// The argon2id output is a master key; the sealing key is
// HMAC-SHA256(master, "chainid keystore v1 seal"). The check value tells a
// wrong secret (ErrWrongSecret) apart from a damaged record; it costs an
// attacker the same argon2id work per guess as the ciphertext does. The
// associated data binds the record ID, the key type, the public key and the
// 67-byte header, so a blob copied into another record, or a record whose
// public key or type was edited, fails to open. The private key is the
// Ed25519 seed, or the big-endian scalar for P-256 and secp256k1.
//
// # Salts and the KEK cache
//
// A Keystore picks one random salt the first time it seals and reuses it for
// every key it generates, so creating several keys costs one argon2id run.
// Records sealed by other processes carry their own salts. Derived KEKs are
// cached in memory per (parameters, salt), so only the first Signer call for a
// salt pays for argon2id; later ones cost one read and one AEAD open.
//
// # Key IDs
//
// A record ID is 32 lower-case hex characters from 16 random bytes: it stays
// stable whatever DID the key is bound to. The bound DID is in the record's
// DID and Method fields.
//
// # Security considerations
//
// The secret is copied at New and kept in memory for the keystore's
// lifetime, as are cached KEKs. Neither is ever written to the repository or
// logged: Config implements slog.LogValuer and redacts Secret, and
// *Secp256k1Signer logs only its public key. The Ed25519 and P-256 signers
// are the standard library's ed25519.PrivateKey and *ecdsa.PrivateKey, which
// do not redact themselves: callers must never log a Signer's value.
package keystore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrWrongSecret reports a secret that does not open a sealed key.
var ErrWrongSecret = errors.New("wrong passphrase or key file")

// Repository stores key records; *store.Store satisfies it. Implementations
// must be safe for concurrent use. PutKey fails with an error wrapping
// store.ErrExists for a taken ID; Key with one wrapping store.ErrNotFound for
// a missing one; Keys returns records ordered by creation time.
type Repository interface {
	PutKey(ctx context.Context, r store.KeyRecord) error
	Key(ctx context.Context, id string) (store.KeyRecord, error)
	Keys(ctx context.Context) ([]store.KeyRecord, error)
}

// KDFParams are argon2id costs. A zero field takes its default.
type KDFParams struct {
	// Time is the number of passes; default 2.
	Time uint32
	// MemoryKiB is the memory cost in KiB; default 65536 (64 MiB).
	MemoryKiB uint32
	// Threads is the parallelism; default 2.
	Threads uint8
}

// Default argon2id costs (RFC 9106 §4, second recommended option, with
// 2 passes) and the bounds a sealed record may ask for.
const (
	DefaultKDFTime      = 2
	DefaultKDFMemoryKiB = 64 << 10
	DefaultKDFThreads   = 2

	// MaxKDFTime and MaxKDFMemoryKiB bound what a stored record can make
	// Signer spend, so a damaged or hostile record cannot exhaust memory.
	MaxKDFTime      = 64
	MaxKDFMemoryKiB = 1 << 20 // 1 GiB
)

func (p KDFParams) withDefaults() KDFParams {
	if p.Time == 0 {
		p.Time = DefaultKDFTime
	}
	if p.MemoryKiB == 0 {
		p.MemoryKiB = DefaultKDFMemoryKiB
	}
	if p.Threads == 0 {
		p.Threads = DefaultKDFThreads
	}
	return p
}

func (p KDFParams) check() error {
	switch {
	case p.Time < 1 || p.Time > MaxKDFTime:
		return fmt.Errorf("argon2 time %d outside 1..%d", p.Time, MaxKDFTime)
	case p.Threads < 1:
		return errors.New("argon2 threads must be at least 1")
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > MaxKDFMemoryKiB:
		return fmt.Errorf("argon2 memory %d KiB outside %d..%d", p.MemoryKiB, 8*uint32(p.Threads), MaxKDFMemoryKiB)
	}
	return nil
}

// Config configures New. Secret is required; every other zero field takes a
// secure default.
type Config struct {
	// Secret is the passphrase or key-file content, used byte for byte
	// (trimming a trailing newline is the caller's choice). Required.
	Secret []byte
	// Rand is the source of keys, salts, nonces and IDs; nil means
	// crypto/rand.
	Rand io.Reader
	// Now stamps new records; nil means time.Now.
	Now func() time.Time
	// KDF sets the argon2id costs of newly sealed keys. Existing records
	// open with the costs stored in them.
	KDF KDFParams
}

// LogValue implements slog.LogValuer; it never shows the secret.
func (c Config) LogValue() slog.Value {
	p := c.KDF.withDefaults()
	return slog.GroupValue(
		slog.String("secret", "[redacted]"),
		slog.Uint64("kdf_time", uint64(p.Time)),
		slog.Uint64("kdf_memory_kib", uint64(p.MemoryKiB)),
		slog.Uint64("kdf_threads", uint64(p.Threads)),
	)
}

// Keystore generates keys, seals them into a Repository and opens them as
// signers. It is safe for concurrent use.
type Keystore struct {
	repo   Repository
	secret []byte
	rand   io.Reader
	now    func() time.Time
	kdf    KDFParams

	mu   sync.Mutex
	salt []byte               // salt for keys this Keystore seals; chosen at first use
	keks map[string]*kekEntry // by kekCacheKey
}

// maxCachedKEKs bounds the KEK cache; past it the cache starts over.
const maxCachedKEKs = 256

type kek struct {
	seal  [32]byte
	check [checkLen]byte
}

type kekEntry struct {
	once sync.Once
	k    kek
}

// New returns a Keystore over repo. It fails if the secret is empty or the
// KDF costs are out of bounds.
func New(repo Repository, cfg Config) (*Keystore, error) {
	if repo == nil {
		return nil, errors.New("new keystore: nil repository")
	}
	if len(cfg.Secret) == 0 {
		return nil, errors.New("new keystore: a passphrase or key file is required; keys are never stored unencrypted")
	}
	kdf := cfg.KDF.withDefaults()
	if err := kdf.check(); err != nil {
		return nil, fmt.Errorf("new keystore: %w", err)
	}
	k := &Keystore{
		repo:   repo,
		secret: bytes.Clone(cfg.Secret),
		rand:   cfg.Rand,
		now:    cfg.Now,
		kdf:    kdf,
		keks:   make(map[string]*kekEntry),
	}
	if k.rand == nil {
		k.rand = rand.Reader
	}
	if k.now == nil {
		k.now = time.Now
	}
	return k, nil
}

// BindFunc derives the DID a new public key is bound to, such as its did:key
// or did:jwk.
type BindFunc func(pub crypto.PublicKey) (did.DID, error)

// Generate creates a key of type kt (did.Ed25519, did.P256 or
// did.Secp256k1), binds it to the DID bind returns (no DID when bind is
// nil), seals it and stores it. It returns the stored record.
func (k *Keystore) Generate(ctx context.Context, kt did.KeyType, label string, bind BindFunc) (store.KeyRecord, error) {
	if err := ctx.Err(); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	if err := k.checkSecret(ctx); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	signer, err := k.newKey(kt)
	if err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	priv := privateBytes(signer)
	defer clear(priv)
	pub, err := publicBytes(signer.Public())
	if err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	rec := store.KeyRecord{Label: label, KeyType: string(kt), Public: pub, Created: k.now().UTC()}
	if bind != nil {
		d, err := bind(signer.Public())
		if err != nil {
			return store.KeyRecord{}, fmt.Errorf("generate %s key: bind DID: %w", kt, err)
		}
		if d.IsZero() {
			return store.KeyRecord{}, fmt.Errorf("generate %s key: bind returned no DID", kt)
		}
		rec.DID, rec.Method = d.String(), d.Method
	}
	var id [16]byte
	if _, err := io.ReadFull(k.rand, id[:]); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: read random: %w", kt, err)
	}
	rec.ID = hex.EncodeToString(id[:])
	if rec.Sealed, err = k.seal(rec, priv); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	if err := k.repo.PutKey(ctx, rec); err != nil {
		return store.KeyRecord{}, fmt.Errorf("generate %s key: %w", kt, err)
	}
	return rec, nil
}

// Signer opens the key with the given ID. The result is an
// ed25519.PrivateKey, an *ecdsa.PrivateKey (P-256, ASN.1 signatures) or a
// *Secp256k1Signer. A secret that does not match fails with an error
// wrapping ErrWrongSecret; a missing ID with one wrapping store.ErrNotFound.
func (k *Keystore) Signer(ctx context.Context, id string) (crypto.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open key %q: %w", id, err)
	}
	rec, err := k.repo.Key(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("open key %q: %w", id, err)
	}
	priv, err := k.open(rec)
	if err != nil {
		return nil, fmt.Errorf("open key %q: %w", id, err)
	}
	defer clear(priv)
	signer, err := keyFromBytes(did.KeyType(rec.KeyType), priv)
	if err != nil {
		return nil, fmt.Errorf("open key %q: %w", id, err)
	}
	// The AEAD already binds rec.Public; recomputing it guards against a
	// record sealed with a mismatched key by a bug.
	pub, err := publicBytes(signer.Public())
	if err != nil || !bytes.Equal(pub, rec.Public) {
		return nil, fmt.Errorf("open key %q: private key does not match the stored public key", id)
	}
	return signer, nil
}

// checkSecret refuses to add keys under a secret that does not open the
// newest existing key, so one keystore never mixes secrets (a typo in a
// passphrase would otherwise strand every key sealed under it).
func (k *Keystore) checkSecret(ctx context.Context) error {
	rs, err := k.repo.Keys(ctx)
	if err != nil || len(rs) == 0 {
		return err
	}
	priv, err := k.open(rs[len(rs)-1])
	if err != nil {
		return err
	}
	clear(priv)
	return nil
}

// List returns the stored key records, oldest first. Their Sealed fields
// are ciphertext.
func (k *Keystore) List(ctx context.Context) ([]store.KeyRecord, error) {
	rs, err := k.repo.Keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return rs, nil
}

// Sealed-format constants (see the package documentation).
const (
	formatV1        byte = 1
	kdfArgon2id     byte = 1
	saltLen              = 16
	checkLen             = 16
	headerLen            = 1 + 1 + 4 + 4 + 1 + saltLen + checkLen + chacha20poly1305.NonceSizeX
	privLen              = 32
	sealedLen            = headerLen + privLen + chacha20poly1305.Overhead
	adPrefix             = "chainid keystore v1\x00"
	labelSealKey         = "chainid keystore v1 seal"
	labelCheckValue      = "chainid keystore v1 check"
	offSalt              = 11
	offCheck             = offSalt + saltLen
	offNonce             = offCheck + checkLen
)

func (k *Keystore) seal(rec store.KeyRecord, priv []byte) ([]byte, error) {
	salt, err := k.sealSalt()
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen, sealedLen)
	out[0], out[1] = formatV1, kdfArgon2id
	binary.BigEndian.PutUint32(out[2:6], k.kdf.Time)
	binary.BigEndian.PutUint32(out[6:10], k.kdf.MemoryKiB)
	out[10] = k.kdf.Threads
	copy(out[offSalt:], salt)
	if _, err := io.ReadFull(k.rand, out[offNonce:headerLen]); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	key := k.kek(k.kdf, out[:offCheck])
	copy(out[offCheck:offNonce], key.check[:])
	aead, err := chacha20poly1305.NewX(key.seal[:])
	if err != nil {
		return nil, err
	}
	return aead.Seal(out, out[offNonce:headerLen], priv, associatedData(rec, out[:headerLen])), nil
}

func (k *Keystore) open(rec store.KeyRecord) ([]byte, error) {
	b := rec.Sealed
	if len(b) == 0 {
		return nil, errors.New("record has no sealed key")
	}
	if b[0] != formatV1 {
		return nil, fmt.Errorf("sealed key format %d is not supported by this binary", b[0])
	}
	if len(b) != sealedLen {
		return nil, fmt.Errorf("sealed key is %d bytes, want %d: the record is damaged", len(b), sealedLen)
	}
	if b[1] != kdfArgon2id {
		return nil, fmt.Errorf("sealed key KDF %d is not supported", b[1])
	}
	p := KDFParams{Time: binary.BigEndian.Uint32(b[2:6]), MemoryKiB: binary.BigEndian.Uint32(b[6:10]), Threads: b[10]}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("sealed key: %w", err)
	}
	key := k.kek(p, b[:offCheck])
	if subtle.ConstantTimeCompare(key.check[:], b[offCheck:offNonce]) != 1 {
		return nil, ErrWrongSecret
	}
	aead, err := chacha20poly1305.NewX(key.seal[:])
	if err != nil {
		return nil, err
	}
	priv, err := aead.Open(nil, b[offNonce:headerLen], b[headerLen:], associatedData(rec, b[:headerLen]))
	if err != nil {
		return nil, errors.New("sealed key does not belong to this record or was altered")
	}
	return priv, nil
}

// associatedData binds a sealed key to its record and header.
func associatedData(rec store.KeyRecord, header []byte) []byte {
	ad := []byte(adPrefix)
	for _, f := range [][]byte{[]byte(rec.ID), []byte(rec.KeyType), rec.Public, header} {
		ad = binary.BigEndian.AppendUint32(ad, uint32(len(f)))
		ad = append(ad, f...)
	}
	return ad
}

// sealSalt returns this Keystore's salt for new records.
func (k *Keystore) sealSalt() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.salt == nil {
		s := make([]byte, saltLen)
		if _, err := io.ReadFull(k.rand, s); err != nil {
			return nil, fmt.Errorf("read random: %w", err)
		}
		k.salt = s
	}
	return k.salt, nil
}

// kek returns the KEK for params p and the header prefix h (version, KDF,
// parameters and salt), deriving it at most once per prefix.
func (k *Keystore) kek(p KDFParams, h []byte) kek {
	cacheKey := string(h)
	k.mu.Lock()
	e := k.keks[cacheKey]
	if e == nil {
		if len(k.keks) >= maxCachedKEKs {
			clear(k.keks)
		}
		e = &kekEntry{}
		k.keks[cacheKey] = e
	}
	k.mu.Unlock()
	e.once.Do(func() {
		master := argon2.IDKey(k.secret, h[offSalt:offCheck], p.Time, p.MemoryKiB, p.Threads, 32)
		defer clear(master)
		m := hmac.New(sha256.New, master)
		m.Write([]byte(labelSealKey))
		m.Sum(e.k.seal[:0])
		m = hmac.New(sha256.New, master)
		m.Write([]byte(labelCheckValue))
		copy(e.k.check[:], m.Sum(nil))
	})
	return e.k
}

// newKey generates a private key of type kt from k.rand. Keys are built
// from random bytes rather than the standard generators so that Config.Rand
// governs every key type.
func (k *Keystore) newKey(kt did.KeyType) (crypto.Signer, error) {
	var b [privLen]byte
	defer clear(b[:])
	for range 8 { // a P-256 or secp256k1 candidate ≥ n is rare (< 2^-32)
		if _, err := io.ReadFull(k.rand, b[:]); err != nil {
			return nil, fmt.Errorf("read random: %w", err)
		}
		s, err := keyFromBytes(kt, b[:])
		if errors.Is(err, errScalarRange) {
			continue
		}
		return s, err
	}
	return nil, errors.New("random source returned no valid scalar in 8 tries")
}

var errScalarRange = errors.New("scalar out of range")

// keyFromBytes builds a signer from its 32-byte private key.
func keyFromBytes(kt did.KeyType, b []byte) (crypto.Signer, error) {
	if len(b) != privLen {
		return nil, fmt.Errorf("private key is %d bytes, want %d", len(b), privLen)
	}
	switch kt {
	case did.Ed25519:
		return ed25519.NewKeyFromSeed(b), nil
	case did.P256:
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errScalarRange, err)
		}
		return priv, nil
	case did.Secp256k1:
		var s secp256k1.ModNScalar
		if overflow := s.SetByteSlice(b); overflow || s.IsZero() {
			return nil, errScalarRange
		}
		return &Secp256k1Signer{priv: secp256k1.NewPrivateKey(&s)}, nil
	}
	return nil, fmt.Errorf("%w: key type %q cannot be generated or signed with", did.ErrUnsupportedKey, kt)
}

// privateBytes returns the 32-byte private key of a signer made by
// keyFromBytes.
func privateBytes(s crypto.Signer) []byte {
	switch s := s.(type) {
	case ed25519.PrivateKey:
		return bytes.Clone(s.Seed())
	case *ecdsa.PrivateKey:
		b, err := s.Bytes()
		if err != nil {
			panic("keystore: P-256 key without raw encoding: " + err.Error()) // built by keyFromBytes
		}
		return b
	case *Secp256k1Signer:
		return s.priv.Serialize()
	}
	panic(fmt.Sprintf("keystore: unexpected signer %T", s))
}

// publicBytes returns the raw public key as stored: 32 bytes for Ed25519,
// the 33-byte compressed point for P-256 and secp256k1.
func publicBytes(pub crypto.PublicKey) ([]byte, error) {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return bytes.Clone(p), nil
	case *ecdsa.PublicKey:
		b := did.CompressP256(p)
		if b == nil {
			return nil, fmt.Errorf("%w: P-256 key is not a valid point", did.ErrInvalidKey)
		}
		return b, nil
	case *secp256k1.PublicKey:
		return p.SerializeCompressed(), nil
	}
	return nil, fmt.Errorf("%w: %T", did.ErrUnsupportedKey, pub)
}
