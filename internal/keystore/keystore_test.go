package keystore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

var _ Repository = (*store.Store)(nil)

// fastKDF keeps tests quick; production uses the defaults.
var fastKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

var keyTypes = []did.KeyType{did.Ed25519, did.P256, did.Secp256k1}

func openStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chainid.db")
	s, err := store.Open(t.Context(), path, store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func newKeystore(t testing.TB, repo Repository, secret string) *Keystore {
	t.Helper()
	k, err := New(repo, Config{Secret: []byte(secret), KDF: fastKDF})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// bindDIDKey binds a key to its did:key.
func bindDIDKey(pub crypto.PublicKey) (did.DID, error) {
	mk, err := did.EncodeMultikey(pub)
	if err != nil {
		return did.DID{}, err
	}
	return did.DID{Method: "key", ID: mk}, nil
}

// verify checks sig over msg the way a relying party would.
func verify(t *testing.T, pub crypto.PublicKey, msg, sig []byte) bool {
	t.Helper()
	digest := sha256.Sum256(msg)
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return ed25519.Verify(p, msg, sig)
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(p, digest[:], sig)
	case *secp256k1.PublicKey:
		if len(sig) != 64 {
			t.Fatalf("secp256k1 signature is %d bytes, want 64", len(sig))
		}
		var r, s secp256k1.ModNScalar
		if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:]) {
			return false
		}
		if s.IsOverHalfOrder() {
			t.Error("secp256k1 signature has high S")
		}
		return secpecdsa.NewSignature(&r, &s).Verify(digest[:], p)
	}
	t.Fatalf("unexpected public key %T", pub)
	return false
}

// sign signs msg with s as each key type expects to be called.
func sign(t testing.TB, s crypto.Signer, msg []byte) []byte {
	t.Helper()
	var sig []byte
	var err error
	if _, ok := s.(ed25519.PrivateKey); ok {
		sig, err = s.Sign(nil, msg, crypto.Hash(0))
	} else {
		d := sha256.Sum256(msg)
		sig, err = s.Sign(nil, d[:], crypto.SHA256)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestGenerateSignVerify(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "correct horse battery staple")
	// A second Keystore over the same store has no cached KEK: it derives
	// one from the secret and the stored salt.
	fresh := newKeystore(t, s, "correct horse battery staple")
	for _, kt := range keyTypes {
		t.Run(string(kt), func(t *testing.T) {
			ctx := t.Context()
			rec, err := k.Generate(ctx, kt, "label "+string(kt), bindDIDKey)
			if err != nil {
				t.Fatal(err)
			}
			if rec.KeyType != string(kt) || rec.Label != "label "+string(kt) || rec.Method != "key" || len(rec.ID) != 32 {
				t.Errorf("record = %+v", rec)
			}
			pub, err := did.PublicKeyFromBytes(kt, rec.Public)
			if err != nil {
				t.Fatal(err)
			}
			wantDID, _ := bindDIDKey(pub)
			if rec.DID != wantDID.String() {
				t.Errorf("DID = %q, want %q", rec.DID, wantDID)
			}
			stored, err := s.Key(ctx, rec.ID)
			if err != nil || !bytes.Equal(stored.Sealed, rec.Sealed) {
				t.Fatalf("stored record differs: %v", err)
			}
			for name, ks := range map[string]*Keystore{"same": k, "fresh": fresh} {
				signer, err := ks.Signer(ctx, rec.ID)
				if err != nil {
					t.Fatalf("%s: Signer: %v", name, err)
				}
				if gotKT, err := did.KeyTypeOf(signer.Public()); err != nil || gotKT != kt {
					t.Errorf("%s: signer key type = %s, %v", name, gotKT, err)
				}
				gotPub, _ := publicBytes(signer.Public())
				if !bytes.Equal(gotPub, rec.Public) {
					t.Errorf("%s: signer public key differs from record", name)
				}
				msg := []byte("hello " + name)
				sig := sign(t, signer, msg)
				if !verify(t, pub, msg, sig) {
					t.Errorf("%s: signature does not verify", name)
				}
				if verify(t, pub, []byte("other message"), sig) {
					t.Errorf("%s: signature verifies for another message", name)
				}
			}
		})
	}
	list, err := k.List(t.Context())
	if err != nil || len(list) != len(keyTypes) {
		t.Errorf("List = %d records, %v", len(list), err)
	}
}

func TestGenerateWithoutBind(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	rec, err := k.Generate(t.Context(), did.Ed25519, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.DID != "" || rec.Method != "" {
		t.Errorf("DID = %q, method %q; want none", rec.DID, rec.Method)
	}
}

func TestGenerateErrors(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	bindErr := errors.New("bind failed")
	tests := []struct {
		name string
		ctx  context.Context
		kt   did.KeyType
		bind BindFunc
		is   error
	}{
		{"X25519 cannot sign", t.Context(), did.X25519, nil, did.ErrUnsupportedKey},
		{"unknown type", t.Context(), "RSA", nil, did.ErrUnsupportedKey},
		{"bind error", t.Context(), did.Ed25519, func(crypto.PublicKey) (did.DID, error) { return did.DID{}, bindErr }, bindErr},
		{"bind returns no DID", t.Context(), did.Ed25519, func(crypto.PublicKey) (did.DID, error) { return did.DID{}, nil }, nil},
		{"canceled", canceled, did.Ed25519, nil, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.Generate(tt.ctx, tt.kt, "x", tt.bind)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	if list, _ := k.List(t.Context()); len(list) != 0 {
		t.Errorf("failed Generate calls stored %d records", len(list))
	}
}

func TestNewErrors(t *testing.T) {
	s, _ := openStore(t)
	tests := []struct {
		name string
		repo Repository
		cfg  Config
	}{
		{"nil secret", s, Config{}},
		{"empty secret", s, Config{Secret: []byte{}}},
		{"nil repository", nil, Config{Secret: []byte("pw")}},
		{"memory too large", s, Config{Secret: []byte("pw"), KDF: KDFParams{MemoryKiB: MaxKDFMemoryKiB + 1}}},
		{"memory below threads", s, Config{Secret: []byte("pw"), KDF: KDFParams{MemoryKiB: 8, Threads: 4}}},
		{"time too large", s, Config{Secret: []byte("pw"), KDF: KDFParams{Time: MaxKDFTime + 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.repo, tt.cfg); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
	if _, err := New(s, Config{Secret: []byte("pw")}); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func TestWrongSecret(t *testing.T) {
	s, _ := openStore(t)
	rec, err := newKeystore(t, s, "right").Generate(t.Context(), did.Ed25519, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"wrong", "right\n", "Right", "righ"} {
		t.Run(fmt.Sprintf("%q", secret), func(t *testing.T) {
			_, err := newKeystore(t, s, secret).Signer(t.Context(), rec.ID)
			if !errors.Is(err, ErrWrongSecret) {
				t.Fatalf("err = %v, want ErrWrongSecret", err)
			}
			// A new key is not sealed under a second secret either.
			if _, gerr := newKeystore(t, s, secret).Generate(t.Context(), did.Ed25519, "", nil); !errors.Is(gerr, ErrWrongSecret) {
				t.Fatalf("Generate under another secret: err = %v, want ErrWrongSecret", gerr)
			}
			if !strings.Contains(err.Error(), "wrong passphrase or key file") {
				t.Errorf("message %q is not clear", err)
			}
		})
	}
}

func TestSignerMissingKey(t *testing.T) {
	s, _ := openStore(t)
	_, err := newKeystore(t, s, "pw").Signer(t.Context(), "nope")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("err = %v, want store.ErrNotFound", err)
	}
}

// replace stores r in place of the record with the same ID.
func replace(t *testing.T, s *store.Store, r store.KeyRecord) {
	t.Helper()
	if err := s.DeleteKey(t.Context(), r.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	if err := s.PutKey(t.Context(), r); err != nil {
		t.Fatal(err)
	}
}

func TestTamperedSealedBlob(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	rec, err := k.Generate(t.Context(), did.Secp256k1, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, sealed []byte) error {
		t.Helper()
		r := rec
		r.Sealed = sealed
		replace(t, s, r)
		_, err := k.Signer(t.Context(), rec.ID)
		if err == nil {
			t.Fatalf("Signer opened a tampered blob")
		}
		return err
	}
	for i := range rec.Sealed {
		t.Run(fmt.Sprintf("flip byte %d", i), func(t *testing.T) {
			b := bytes.Clone(rec.Sealed)
			b[i] ^= 0x01
			err := check(t, b)
			// Only a change to the KDF inputs or the check value can look like a
			// wrong secret; ciphertext, tag and nonce damage must not.
			if i >= offNonce && errors.Is(err, ErrWrongSecret) {
				t.Errorf("ciphertext damage reported as a wrong secret: %v", err)
			}
		})
	}
	for _, n := range []int{0, 1, offSalt, headerLen, sealedLen - 1, sealedLen + 1} {
		t.Run(fmt.Sprintf("length %d", n), func(t *testing.T) {
			b := append(bytes.Clone(rec.Sealed), 0)
			check(t, b[:n])
		})
	}
	t.Run("unknown format version", func(t *testing.T) {
		b := bytes.Clone(rec.Sealed)
		b[0] = 2
		if err := check(t, b); !strings.Contains(err.Error(), "format 2 is not supported") {
			t.Errorf("message %q", err)
		}
	})
	t.Run("KDF cost beyond bound", func(t *testing.T) {
		b := bytes.Clone(rec.Sealed)
		b[6] = 0xff // memory ≥ 4 TiB: refused before deriving
		check(t, b)
	})
	// The original still opens.
	replace(t, s, rec)
	if _, err := k.Signer(t.Context(), rec.ID); err != nil {
		t.Fatalf("untouched record: %v", err)
	}
}

func TestSealedBlobBoundToRecord(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	ctx := t.Context()
	a, err := k.Generate(ctx, did.Ed25519, "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Generate(ctx, did.Ed25519, "b", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := k.Generate(ctx, did.P256, "p", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(r *store.KeyRecord)
	}{
		{"blob of another Ed25519 key", func(r *store.KeyRecord) { r.Sealed = b.Sealed }},
		{"blob of a P-256 key", func(r *store.KeyRecord) { r.Sealed = p.Sealed }},
		{"other public key", func(r *store.KeyRecord) { r.Public = b.Public }},
		{"other key type", func(r *store.KeyRecord) { r.KeyType = string(did.Secp256k1); r.Sealed = p.Sealed; r.Public = p.Public }},
		{"blob and public key of another record", func(r *store.KeyRecord) { r.Sealed, r.Public = b.Sealed, b.Public }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a
			tt.mutate(&r)
			replace(t, s, r)
			_, err := k.Signer(ctx, a.ID)
			if err == nil {
				t.Fatal("Signer accepted a swapped blob")
			}
			if errors.Is(err, ErrWrongSecret) {
				t.Errorf("swap reported as a wrong secret: %v", err)
			}
		})
	}
	t.Run("record copied under a new ID", func(t *testing.T) {
		r := b
		r.ID = "copied"
		replace(t, s, r)
		if _, err := k.Signer(ctx, "copied"); err == nil {
			t.Fatal("Signer accepted a copied record")
		}
	})
}

// TestNoSecretsInFile scans the raw bbolt file for the secret and for every
// private key, in the encodings a careless implementation might use.
func TestNoSecretsInFile(t *testing.T) {
	s, path := openStore(t)
	secret := []byte("s3cret-passphrase-that-must-never-be-stored")
	k, err := New(s, Config{Secret: secret, KDF: fastKDF})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var privs [][]byte
	for _, kt := range keyTypes {
		for range 3 {
			rec, err := k.Generate(ctx, kt, "label", bindDIDKey)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := k.Signer(ctx, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			privs = append(privs, privateBytes(signer))
			if ed, ok := signer.(ed25519.PrivateKey); ok {
				privs = append(privs, ed) // seed||public form
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	encodings := map[string]func([]byte) []byte{
		"raw":       func(b []byte) []byte { return b },
		"hex":       func(b []byte) []byte { return []byte(hex.EncodeToString(b)) },
		"base64":    func(b []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(b)) },
		"base64url": func(b []byte) []byte { return []byte(base64.RawURLEncoding.EncodeToString(b)) },
	}
	for name, enc := range encodings {
		if bytes.Contains(raw, enc(secret)) {
			t.Errorf("the secret appears in the file (%s)", name)
		}
		for i, p := range privs {
			// base64 of a 32-byte key: compare a prefix that does not
			// depend on the neighbouring bytes.
			needle := enc(p)
			if name != "raw" && name != "hex" {
				needle = needle[:40]
			}
			if bytes.Contains(raw, needle) {
				t.Errorf("private key %d appears in the file (%s)", i, name)
			}
		}
	}
	// The scan can find things: the public keys are there.
	s2, err := store.Open(ctx, path, store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	recs, _ := s2.Keys(ctx)
	if len(recs) == 0 || !bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(recs[0].Public))) {
		t.Error("scan did not find a public key it should see")
	}
}

func TestRandGovernsKeys(t *testing.T) {
	gen := func() store.KeyRecord {
		s, _ := openStore(t)
		k, err := New(s, Config{Secret: []byte("pw"), KDF: fastKDF, Rand: rand.NewChaCha8([32]byte{7})})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := k.Generate(t.Context(), did.Secp256k1, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a, b := gen(), gen()
	if a.ID != b.ID || !bytes.Equal(a.Public, b.Public) || !bytes.Equal(a.Sealed, b.Sealed) {
		t.Error("same Rand gave different keys")
	}
}

func TestSecp256k1SignerDigestLength(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	rec, err := k.Generate(t.Context(), did.Secp256k1, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := k.Signer(t.Context(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
		ok     bool
	}{
		{"sha256", make([]byte, 32), crypto.SHA256, true},
		{"no hash named", make([]byte, 32), crypto.Hash(0), true},
		{"nil opts", make([]byte, 32), nil, true},
		{"short", make([]byte, 31), crypto.SHA256, false},
		{"message not digest", []byte("hello"), crypto.Hash(0), false},
		{"sha512 digest", make([]byte, 64), crypto.SHA512, false},
		{"hash mismatch", make([]byte, 32), crypto.SHA512, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := signer.Sign(nil, tt.digest, tt.opts)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%t", err, tt.ok)
			}
			if tt.ok && len(sig) != 64 {
				t.Errorf("signature is %d bytes", len(sig))
			}
		})
	}
}

func TestLogsRedact(t *testing.T) {
	s, _ := openStore(t)
	secret := "log-secret-value"
	k := newKeystore(t, s, secret)
	rec, err := k.Generate(t.Context(), did.Secp256k1, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := k.Signer(t.Context(), rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	priv := hex.EncodeToString(privateBytes(signer))
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("config", "cfg", Config{Secret: []byte(secret)}, "signer", signer)
	fmt.Fprintf(&buf, "%v %+v %#v %s", signer, signer, signer, signer)
	out := buf.String()
	if strings.Contains(out, secret) {
		t.Errorf("secret logged: %s", out)
	}
	if strings.Contains(out, priv) {
		t.Errorf("private key logged: %s", out)
	}
	if !strings.Contains(out, hex.EncodeToString(rec.Public)) {
		t.Errorf("public key not logged (the test would not notice a key): %s", out)
	}
}

func TestConcurrentSigners(t *testing.T) {
	s, _ := openStore(t)
	k := newKeystore(t, s, "pw")
	ctx := t.Context()
	var ids []string
	for _, kt := range keyTypes {
		rec, err := k.Generate(ctx, kt, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	fresh := newKeystore(t, s, "pw") // all goroutines race to derive the KEK
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Go(func() {
			signer, err := fresh.Signer(ctx, ids[i%len(ids)])
			if err != nil {
				errs <- err
				return
			}
			d := sha256.Sum256([]byte("m"))
			if _, ok := signer.(ed25519.PrivateKey); ok {
				_, err = signer.Sign(nil, []byte("m"), crypto.Hash(0))
			} else {
				_, err = signer.Sign(nil, d[:], crypto.SHA256)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkSignerSign(b *testing.B) {
	s, _ := openStore(b)
	k, err := New(s, Config{Secret: []byte("pw")}) // default KDF costs; the KEK is cached
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte("a message of modest length to sign")
	for _, kt := range keyTypes {
		rec, err := k.Generate(b.Context(), kt, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(kt), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				signer, err := k.Signer(b.Context(), rec.ID)
				if err != nil {
					b.Fatal(err)
				}
				sign(b, signer, msg)
			}
		})
	}
}
