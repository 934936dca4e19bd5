package zkp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Key file names inside a key directory.
const (
	ProvingKeyFile   = "zkp-proving.key"
	VerifyingKeyFile = "zkp-verifying.key"
	KeyInfoFile      = "zkp-keys.json"
)

// ErrKeyDigest is returned (wrapped) when a key file does not match its
// recorded or pinned digest.
var ErrKeyDigest = errors.New("key file digest mismatch")

// WriteKeys writes the key pair to dir (created if missing) in gnark's raw
// (uncompressed) encoding, which loads about 20 times faster than the
// compressed one, plus KeyInfoFile with the files' SHA-256 digests. Each
// file is written to a temporary name and renamed into place; the info file
// is written last.
func WriteKeys(dir string, k *Keys) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	info := k.Info
	pd, err := writeRaw(filepath.Join(dir, ProvingKeyFile), k.Proving.pk.WriteRawTo)
	if err != nil {
		return err
	}
	vd, err := writeRaw(filepath.Join(dir, VerifyingKeyFile), k.Verifying.vk.WriteRawTo)
	if err != nil {
		return err
	}
	info.ProvingKeyDigest, info.VerifyingKeyDigest = hex.EncodeToString(pd[:]), hex.EncodeToString(vd[:])
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, KeyInfoFile), append(b, '\n')); err != nil {
		return err
	}
	k.Info = info
	return nil
}

func writeRaw(path string, write func(io.Writer) (int64, error)) ([32]byte, error) {
	var buf bytes.Buffer
	if _, err := write(&buf); err != nil {
		return [32]byte{}, fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return sha256.Sum256(buf.Bytes()), writeAtomic(path, buf.Bytes())
}

func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // no-op after a successful rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// LoadOptions pins key digests. The zero value checks the files against the
// digests recorded in KeyInfoFile, which catches corruption and truncation
// but not a replaced directory: production verifiers pin the verifying key
// (for example to the digest anchored on chain) and wallets pin the proving
// key, whose integrity the proofs' zero-knowledge depends on.
type LoadOptions struct {
	// VerifyingKeyDigest, if non-zero, must equal the verifying key's
	// SHA-256 digest (VerifyingKey.Digest).
	VerifyingKeyDigest [32]byte
	// ProvingKeyDigest, if non-zero, must equal the proving key file's
	// SHA-256 digest.
	ProvingKeyDigest [32]byte
	// SkipProvingKey loads only the verifying key (Keys.Proving is nil);
	// sys may then be nil.
	SkipProvingKey bool
	// AllowDevelopment accepts development-only keys; without it LoadKeys
	// refuses them.
	AllowDevelopment bool
}

// LoadKeys reads keys written by WriteKeys. Each file is read whole, its
// SHA-256 digest checked against KeyInfoFile and the pinned digests, and
// only then decoded with gnark's unchecked raw reader (which skips curve and
// subgroup checks, safe only for bytes known to be the ones written). The
// circuit digest must match sys.
func LoadKeys(dir string, sys *System, opts LoadOptions) (*Keys, error) {
	b, err := os.ReadFile(filepath.Join(dir, KeyInfoFile))
	if err != nil {
		return nil, fmt.Errorf("load keys: %w", err)
	}
	var info KeyInfo
	if err := strictJSON(b, &info); err != nil {
		return nil, fmt.Errorf("load keys: %s: %w", KeyInfoFile, err)
	}
	if info.FormatVersion != 1 || info.EncodingVersion != EncodingVersion {
		return nil, fmt.Errorf("load keys: unsupported format %d / encoding %d", info.FormatVersion, info.EncodingVersion)
	}
	if info.DevelopmentOnly && !opts.AllowDevelopment {
		return nil, errors.New("load keys: development-only keys refused (AllowDevelopment not set)")
	}
	k := &Keys{Info: info}

	vb, err := readChecked(filepath.Join(dir, VerifyingKeyFile), info.VerifyingKeyDigest, opts.VerifyingKeyDigest)
	if err != nil {
		return nil, err
	}
	var vk groth16bn254.VerifyingKey
	if _, err := vk.UnsafeReadFrom(bytes.NewReader(vb)); err != nil {
		return nil, fmt.Errorf("load keys: verifying key: %w", err)
	}
	if vk.NbPublicWitness() != NbPublicInputs {
		return nil, fmt.Errorf("load keys: verifying key has %d public inputs, want %d", vk.NbPublicWitness(), NbPublicInputs)
	}
	k.Verifying = newVerifyingKey(&vk)
	if opts.SkipProvingKey {
		return k, nil
	}

	if sys == nil {
		return nil, errors.New("load keys: a compiled System is needed for the proving key")
	}
	if got := hex.EncodeToString(sys.digest[:]); got != info.CircuitDigest {
		return nil, fmt.Errorf("load keys: keys are for circuit %.16s…, this build has %.16s…", info.CircuitDigest, got)
	}
	pb, err := readChecked(filepath.Join(dir, ProvingKeyFile), info.ProvingKeyDigest, opts.ProvingKeyDigest)
	if err != nil {
		return nil, err
	}
	var pk groth16bn254.ProvingKey
	if _, err := pk.UnsafeReadFrom(bytes.NewReader(pb)); err != nil {
		return nil, fmt.Errorf("load keys: proving key: %w", err)
	}
	k.Proving = &ProvingKey{pk: &pk, sys: sys}
	return k, nil
}

// readChecked reads a file and checks its SHA-256 against the recorded hex
// digest and, if non-zero, the pinned one.
func readChecked(path, recorded string, pinned [32]byte) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load keys: %w", err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != recorded {
		return nil, fmt.Errorf("load keys: %s: %w (recorded digest)", filepath.Base(path), ErrKeyDigest)
	}
	if pinned != ([32]byte{}) && pinned != sum {
		return nil, fmt.Errorf("load keys: %s: %w (pinned digest)", filepath.Base(path), ErrKeyDigest)
	}
	return b, nil
}
