package devchain

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/crypto"
)

const (
	// seedFileName is the file in the data dir that holds the development
	// account's seed, hex encoded, readable by the owner only.
	seedFileName = "devkey.seed"
	seedLen      = 32
	// keyDomain separates the key derivation from any other use of the seed.
	keyDomain = "chainid/devchain/devkey/v1"
)

// loadOrCreateSeed returns the seed stored in dir, creating it from rnd when
// the file does not exist. It refuses a seed file that others can read.
func loadOrCreateSeed(dir string, rnd io.Reader) (seed []byte, created bool, err error) {
	path := filepath.Join(dir, seedFileName)
	seed, err = readSeed(path)
	if err == nil {
		return seed, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	seed = make([]byte, seedLen)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, false, fmt.Errorf("generate dev key seed: %w", err)
	}
	if err := writeFileAtomic(path, []byte(hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
		return nil, false, fmt.Errorf("write dev key seed: %w", err)
	}
	return seed, true, nil
}

func readSeed(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("dev key seed %s has mode %v: others may read it; run chmod 600 on it", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dev key seed: %w", err)
	}
	seed, err := hex.DecodeString(string(bytes.TrimSpace(raw)))
	if err != nil || len(seed) != seedLen {
		return nil, fmt.Errorf("dev key seed %s is corrupt: want %d hex-encoded bytes", path, seedLen)
	}
	return seed, nil
}

// deriveKey maps a seed to a secp256k1 private key deterministically:
// keccak256(domain || seed || counter), taking the first counter whose hash is
// a valid scalar (the first one, except with negligible probability).
func deriveKey(seed []byte) (*ecdsa.PrivateKey, error) {
	for counter := range 256 {
		h := crypto.Keccak256([]byte(keyDomain), seed, []byte{byte(counter)})
		if key, err := crypto.ToECDSA(h); err == nil {
			return key, nil
		}
	}
	return nil, errors.New("derive dev key: no valid scalar") // unreachable in practice
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so a crash leaves either no file or the whole file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
