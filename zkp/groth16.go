package zkp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	cs "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// ErrInvalidProof is returned (wrapped) when a proof does not verify.
var ErrInvalidProof = errors.New("invalid proof")

// System is the compiled circuit (its rank-1 constraint system). Compiling
// takes about 0.1 s; compile once and share: a System is read-only and safe
// for concurrent use.
type System struct {
	ccs    *cs.R1CS
	digest [32]byte
}

// Compile compiles Circuit for Groth16 on BN254.
func Compile() (*System, error) { return compile(&Circuit{}) }

// compile compiles any circuit; tests use it for small ceremony circuits.
func compile(circuit frontend.Circuit) (*System, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		return nil, fmt.Errorf("compile circuit: %w", err)
	}
	r, ok := ccs.(*cs.R1CS)
	if !ok {
		return nil, fmt.Errorf("compile circuit: unexpected constraint system %T", ccs)
	}
	h := sha256.New()
	if _, err := r.WriteTo(h); err != nil {
		return nil, fmt.Errorf("digest circuit: %w", err)
	}
	s := &System{ccs: r}
	h.Sum(s.digest[:0])
	return s, nil
}

// NbConstraints returns the number of R1CS constraints.
func (s *System) NbConstraints() int { return s.ccs.GetNbConstraints() }

// Digest returns the SHA-256 digest of the serialized constraint system; it
// identifies the circuit version keys were made for.
func (s *System) Digest() [32]byte { return s.digest }

// KeyOrigin says how a key pair was generated.
type KeyOrigin string

// Key origins.
const (
	// OriginDevelopment marks keys from a single-party setup: whoever ran it
	// knows the toxic waste and can forge proofs. Never use them in
	// production.
	OriginDevelopment KeyOrigin = "development"
	// OriginCeremony marks keys from a multi-party ceremony: sound as long
	// as one contributor destroyed their randomness.
	OriginCeremony KeyOrigin = "ceremony"
)

// KeyInfo is the metadata stored next to a key pair.
type KeyInfo struct {
	// FormatVersion is the key file format version (1).
	FormatVersion int `json:"formatVersion"`
	// Origin says how the keys were made.
	Origin KeyOrigin `json:"origin"`
	// DevelopmentOnly is true for keys that must never be used in
	// production (Origin is OriginDevelopment).
	DevelopmentOnly bool `json:"developmentOnly"`
	// EncodingVersion is the attribute encoding version of the circuit.
	EncodingVersion int `json:"encodingVersion"`
	// CircuitDigest is the hex SHA-256 digest of the constraint system.
	CircuitDigest string `json:"circuitDigest"`
	// Constraints is the number of constraints.
	Constraints int `json:"constraints"`
	// Contributions is the number of phase-1 and phase-2 contributions
	// of a ceremony (0 for development keys).
	Contributions [2]int `json:"contributions"`
	// CreatedAt is when the keys were made.
	CreatedAt time.Time `json:"createdAt"`
	// ProvingKeyDigest and VerifyingKeyDigest are the hex SHA-256 digests
	// of the key files (raw encoding), checked on load.
	ProvingKeyDigest   string `json:"provingKeyDigest"`
	VerifyingKeyDigest string `json:"verifyingKeyDigest"`
}

// ProvingKey is a Groth16 proving key bound to its compiled circuit. It is
// read-only and safe for concurrent use.
type ProvingKey struct {
	pk  *groth16bn254.ProvingKey
	sys *System
}

// VerifyingKey is a Groth16 verifying key. It is read-only and safe for
// concurrent use.
type VerifyingKey struct {
	vk       *groth16bn254.VerifyingKey
	prepared func() (*preparedKey, error) // computed on first use
}

// newVerifyingKey wraps a gnark verifying key; the verifier's
// precomputation (see preparedKey) runs on the first Verify.
func newVerifyingKey(vk *groth16bn254.VerifyingKey) *VerifyingKey {
	return &VerifyingKey{vk: vk, prepared: sync.OnceValues(func() (*preparedKey, error) { return prepareKey(vk) })}
}

// Keys is a proving and verifying key pair with its metadata.
type Keys struct {
	Proving   *ProvingKey
	Verifying *VerifyingKey
	Info      KeyInfo
}

// Setup runs a single-party Groth16 setup with randomness from
// crypto/rand. The keys are marked development-only: the process that ran
// it could have kept the toxic waste. Production keys come from a ceremony
// (see Ceremony).
func Setup(ctx context.Context, sys *System) (*Keys, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var pk groth16bn254.ProvingKey
	var vk groth16bn254.VerifyingKey
	if err := groth16bn254.Setup(sys.ccs, &pk, &vk); err != nil {
		return nil, fmt.Errorf("groth16 setup: %w", err)
	}
	return newKeys(sys, &pk, &vk, OriginDevelopment, [2]int{})
}

func newKeys(sys *System, pk *groth16bn254.ProvingKey, vk *groth16bn254.VerifyingKey, origin KeyOrigin, contributions [2]int) (*Keys, error) {
	k := &Keys{
		Proving:   &ProvingKey{pk: pk, sys: sys},
		Verifying: newVerifyingKey(vk),
		Info: KeyInfo{
			FormatVersion:   1,
			Origin:          origin,
			DevelopmentOnly: origin != OriginCeremony,
			EncodingVersion: EncodingVersion,
			CircuitDigest:   fmt.Sprintf("%x", sys.digest),
			Constraints:     sys.NbConstraints(),
			Contributions:   contributions,
			CreatedAt:       time.Now().UTC().Truncate(time.Second),
		},
	}
	if got, want := vk.NbPublicWitness(), sys.ccs.GetNbPublicVariables()-1; got != want {
		return nil, fmt.Errorf("verifying key has %d public inputs, want %d", got, want)
	}
	return k, nil
}

// Digest returns the SHA-256 digest of the key's raw encoding, the value a
// verifier pins (for example anchored on chain).
func (vk *VerifyingKey) Digest() [32]byte {
	var buf bytes.Buffer
	if _, err := vk.vk.WriteRawTo(&buf); err != nil {
		panic(err) // writing to a bytes.Buffer cannot fail
	}
	return sha256.Sum256(buf.Bytes())
}

// MarshalBinary returns the compressed encoding of the key.
func (vk *VerifyingKey) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := vk.vk.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode verifying key: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseVerifyingKey parses either encoding (compressed or raw) of a
// verifying key, with all curve and subgroup checks.
func ParseVerifyingKey(b []byte) (*VerifyingKey, error) {
	var vk groth16bn254.VerifyingKey
	n, err := vk.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parse verifying key: %w", err)
	}
	if int(n) != len(b) {
		return nil, fmt.Errorf("parse verifying key: %d trailing bytes", len(b)-int(n))
	}
	if got := vk.NbPublicWitness(); got != NbPublicInputs {
		return nil, fmt.Errorf("parse verifying key: %d public inputs, want %d", got, NbPublicInputs)
	}
	return newVerifyingKey(&vk), nil
}

// ExportSolidity writes a Solidity contract verifying proofs for this key
// (gnark's template; inputs are NbPublicInputs uint256 values in the order
// of PublicInputs.Values, proofs in Proof.MarshalSolidity form).
func (vk *VerifyingKey) ExportSolidity(w io.Writer) error {
	if err := vk.vk.ExportSolidity(w); err != nil {
		return fmt.Errorf("export solidity verifier: %w", err)
	}
	return nil
}

// Prove proves the witness's statement. It first checks the statement
// natively (see Witness.PublicInputs, which returns sentinel errors such as
// ErrExpired or ErrRevoked), then runs the Groth16 prover, which is CPU-bound
// and not interruptible: ctx is only checked before it starts. The returned
// public inputs are the ones the proof verifies against; the holder sends
// the proof with the revealed values and the nullifier.
func Prove(ctx context.Context, pk *ProvingKey, w *Witness) (*Proof, *PublicInputs, error) {
	pub, err := w.PublicInputs()
	if err != nil {
		return nil, nil, fmt.Errorf("prove: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	proof, err := prove(pk, w.assignment(pub))
	if err != nil {
		return nil, nil, err
	}
	return proof, pub, nil
}

// prove runs the prover on an assignment, without native checks.
func prove(pk *ProvingKey, a *Circuit) (*Proof, error) {
	full, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("prove: witness: %w", err)
	}
	p, err := groth16bn254.Prove(pk.sys.ccs, pk.pk, full)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	return &Proof{p: *p}, nil
}

// Verify checks a proof against public inputs: the inputs are first checked
// to be canonical (valid issuer key, well-formed predicate slots, mask and
// revealed values consistent), then the Groth16 pairing equation is checked.
// It does not check that the inputs are the ones the verifier asked for, nor
// replay (nonce and nullifier bookkeeping belong to the caller).
func Verify(vk *VerifyingKey, proof *Proof, pub *PublicInputs) error {
	if err := pub.Validate(); err != nil {
		return fmt.Errorf("verify: public inputs: %w", err)
	}
	prep, err := vk.prepared()
	if err != nil { // a key for another circuit: no proof verifies under it
		return fmt.Errorf("%w: %w", ErrInvalidProof, err)
	}
	if err := prep.verify(&proof.p, pub.elements()); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidProof, err)
	}
	return nil
}
