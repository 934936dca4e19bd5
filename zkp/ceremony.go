package zkp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/consensys/gnark-crypto/ecc"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// Ceremony file names inside a ceremony directory.
const (
	ceremonyStateFile = "ceremony.json"
	phase1Pattern     = "phase1-%04d.bin"
	phase2Pattern     = "phase2-%04d.bin"
	commonsFile       = "phase1-sealed.bin"
	phase2InitFile    = "phase2-initial.bin"
)

// Ceremony phases.
const (
	// PhasePowersOfTau collects circuit-independent contributions (τ, α, β).
	PhasePowersOfTau = 1
	// PhaseCircuit collects circuit-specific contributions (δ).
	PhaseCircuit = 2
	// PhaseDone: the keys were produced.
	PhaseDone = 3
)

// CeremonyProgress reports a ceremony step to a progress callback.
type CeremonyProgress struct {
	// Step names the running step ("contribute phase 1", "verify phase 2
	// contribution 3", …).
	Step string
	// Done and Total count completed steps of the current operation.
	Done, Total int
}

// CeremonyConfig configures a Ceremony. The zero value is valid.
type CeremonyConfig struct {
	// Progress, if set, is called synchronously before and after each
	// expensive step.
	Progress func(CeremonyProgress)
}

// CeremonyState is the persisted state of a ceremony (ceremony.json).
type CeremonyState struct {
	// CircuitDigest is the hex digest of the circuit (System.Digest).
	CircuitDigest string `json:"circuitDigest"`
	// DomainSize is the FFT domain size N, the next power of two of the
	// constraint count.
	DomainSize uint64 `json:"domainSize"`
	// Phase is PhasePowersOfTau, PhaseCircuit or PhaseDone.
	Phase int `json:"phase"`
	// Contributions lists the SHA-256 digest of each contribution file,
	// per phase, in order. A contributor checks theirs is listed.
	Contributions [2][]string `json:"contributions"`
	// Beacons are the public random beacon values (hex) used to seal each
	// phase.
	Beacons [2]string `json:"beacons,omitempty"`
	// InitialPhase2 is the SHA-256 digest of the initialized phase-2 state
	// computed by ClosePhase1 (cached because initializing takes tens of
	// seconds; Finalize and Verify recompute it).
	InitialPhase2 string `json:"initialPhase2,omitempty"`
}

// Ceremony drives a Groth16 multi-party setup (gnark's mpcsetup: the
// Bowe–Gabizon–Miers protocol) in a directory, one contribution at a time,
// so a CLI can run each step on a different machine and ship the
// directory along:
//
//  1. NewCeremony initializes (or reopens) the directory for the circuit.
//  2. Contribute, once per participant, adds a phase-1 contribution after
//     verifying the previous one; each participant's randomness comes from
//     crypto/rand and is discarded when Contribute returns.
//  3. ClosePhase1 verifies every phase-1 contribution and seals the phase
//     with a public random beacon (for example a future block hash).
//  4. Contribute, once per participant, adds a phase-2 contribution.
//  5. Finalize verifies every phase-2 contribution, seals it with a second
//     beacon and returns keys marked OriginCeremony.
//
// The keys are sound if at least one contributor in each phase was honest.
// Anyone can re-run the verification with Verify. A Ceremony is not safe
// for concurrent use, and the directory must not be shared by two
// processes at once.
type Ceremony struct {
	dir      string
	sys      *System
	progress func(CeremonyProgress)
	state    CeremonyState
}

// NewCeremony opens the ceremony in dir, creating the directory and its
// state for sys if it does not exist yet.
func NewCeremony(dir string, sys *System, cfg CeremonyConfig) (*Ceremony, error) {
	c := &Ceremony{dir: dir, sys: sys, progress: cfg.Progress}
	if c.progress == nil {
		c.progress = func(CeremonyProgress) {}
	}
	b, err := os.ReadFile(filepath.Join(dir, ceremonyStateFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("ceremony: %w", err)
		}
		c.state = CeremonyState{
			CircuitDigest: hex.EncodeToString(sys.digest[:]),
			DomainSize:    ecc.NextPowerOfTwo(uint64(sys.NbConstraints())),
			Phase:         PhasePowersOfTau,
		}
		if err := c.save(); err != nil {
			return nil, err
		}
		return c, nil
	case err != nil:
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	if err := strictJSON(b, &c.state); err != nil {
		return nil, fmt.Errorf("ceremony: %s: %w", ceremonyStateFile, err)
	}
	if c.state.CircuitDigest != hex.EncodeToString(sys.digest[:]) {
		return nil, errors.New("ceremony: the directory is for another circuit")
	}
	if c.state.Phase < PhasePowersOfTau || c.state.Phase > PhaseDone ||
		c.state.DomainSize != ecc.NextPowerOfTwo(uint64(sys.NbConstraints())) ||
		(c.state.Phase == PhasePowersOfTau && len(c.state.Contributions[1]) != 0) {
		return nil, fmt.Errorf("ceremony: %s: inconsistent state", ceremonyStateFile)
	}
	return c, nil
}

// State returns a copy of the ceremony's state.
func (c *Ceremony) State() CeremonyState {
	s := c.state
	s.Contributions[0] = append([]string(nil), s.Contributions[0]...)
	s.Contributions[1] = append([]string(nil), s.Contributions[1]...)
	return s
}

func (c *Ceremony) save() error {
	b, err := json.MarshalIndent(c.state, "", "  ")
	if err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	return writeAtomic(filepath.Join(c.dir, ceremonyStateFile), append(b, '\n'))
}

func (c *Ceremony) path(phase, i int) string {
	if phase == PhasePowersOfTau {
		return filepath.Join(c.dir, fmt.Sprintf(phase1Pattern, i))
	}
	return filepath.Join(c.dir, fmt.Sprintf(phase2Pattern, i))
}

// readContribution reads contribution i of a phase and checks the file
// against the digest recorded when it was added.
func (c *Ceremony) readContribution(phase, i int, into io.ReaderFrom) error {
	b, err := os.ReadFile(c.path(phase, i))
	if err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != c.state.Contributions[phase-1][i] {
		return fmt.Errorf("ceremony: phase %d contribution %d: %w", phase, i, ErrKeyDigest)
	}
	n, err := into.ReadFrom(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("ceremony: phase %d contribution %d: %w", phase, i, err)
	}
	if int(n) != len(b) {
		return fmt.Errorf("ceremony: phase %d contribution %d: trailing bytes", phase, i)
	}
	return nil
}

// Contribution identifies a contribution added by Contribute.
type Contribution struct {
	// Phase is PhasePowersOfTau or PhaseCircuit.
	Phase int
	// Index is the contribution's position in its phase, from 0.
	Index int
	// Digest is the SHA-256 of the contribution file; the contributor
	// publishes it and later checks it is in the final transcript.
	Digest [32]byte
}

// Contribute verifies the latest contribution of the current phase against
// its predecessor, then adds a new contribution with fresh randomness.
func (c *Ceremony) Contribute(ctx context.Context) (Contribution, error) {
	if err := ctx.Err(); err != nil {
		return Contribution{}, err
	}
	phase := c.state.Phase
	if phase != PhasePowersOfTau && phase != PhaseCircuit {
		return Contribution{}, errors.New("ceremony: already finalized")
	}
	n := len(c.state.Contributions[phase-1])
	var out io.WriterTo
	switch phase {
	case PhasePowersOfTau:
		prev := mpcsetup.NewPhase1(c.state.DomainSize)
		if n > 0 {
			c.progress(CeremonyProgress{Step: "verify previous phase 1 contribution", Total: 2})
			before := mpcsetup.NewPhase1(c.state.DomainSize)
			if n > 1 {
				if err := c.readContribution(phase, n-2, before); err != nil {
					return Contribution{}, err
				}
			}
			if err := c.readContribution(phase, n-1, prev); err != nil {
				return Contribution{}, err
			}
			if err := before.Verify(prev); err != nil {
				return Contribution{}, fmt.Errorf("ceremony: phase 1 contribution %d: %w", n-1, err)
			}
		}
		c.progress(CeremonyProgress{Step: "contribute to phase 1", Done: 1, Total: 2})
		prev.Contribute()
		out = prev
	case PhaseCircuit:
		var prev mpcsetup.Phase2
		if n == 0 {
			if err := c.readInitialPhase2(&prev); err != nil {
				return Contribution{}, err
			}
		} else {
			c.progress(CeremonyProgress{Step: "verify previous phase 2 contribution", Total: 2})
			if err := c.readContribution(phase, n-1, &prev); err != nil {
				return Contribution{}, err
			}
			var before mpcsetup.Phase2
			if n > 1 {
				if err := c.readContribution(phase, n-2, &before); err != nil {
					return Contribution{}, err
				}
			} else if err := c.readInitialPhase2(&before); err != nil {
				return Contribution{}, err
			}
			if err := before.Verify(&prev); err != nil {
				return Contribution{}, fmt.Errorf("ceremony: phase 2 contribution %d: %w", n-1, err)
			}
		}
		c.progress(CeremonyProgress{Step: "contribute to phase 2", Done: 1, Total: 2})
		prev.Contribute()
		out = &prev
	}
	var buf bytes.Buffer
	if _, err := out.WriteTo(&buf); err != nil {
		return Contribution{}, fmt.Errorf("ceremony: encode contribution: %w", err)
	}
	if err := writeAtomic(c.path(phase, n), buf.Bytes()); err != nil {
		return Contribution{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	c.state.Contributions[phase-1] = append(c.state.Contributions[phase-1], hex.EncodeToString(sum[:]))
	if err := c.save(); err != nil {
		return Contribution{}, err
	}
	c.progress(CeremonyProgress{Step: "contribution written", Done: 2, Total: 2})
	return Contribution{Phase: phase, Index: n, Digest: sum}, nil
}

func (c *Ceremony) readCommons() (*mpcsetup.SrsCommons, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, commonsFile))
	if err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	var commons mpcsetup.SrsCommons
	if _, err := commons.ReadFrom(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("ceremony: sealed phase 1: %w", err)
	}
	return &commons, nil
}

// verifyPhase1 verifies every phase-1 contribution in order and seals the
// phase with the beacon.
func (c *Ceremony) verifyPhase1(beacon []byte) (*mpcsetup.SrsCommons, error) {
	n := len(c.state.Contributions[0])
	prev := mpcsetup.NewPhase1(c.state.DomainSize)
	for i := range n {
		c.progress(CeremonyProgress{Step: fmt.Sprintf("verify phase 1 contribution %d", i), Done: i, Total: n + 1})
		next := new(mpcsetup.Phase1)
		if err := c.readContribution(PhasePowersOfTau, i, next); err != nil {
			return nil, err
		}
		if err := prev.Verify(next); err != nil {
			return nil, fmt.Errorf("ceremony: phase 1 contribution %d: %w", i, err)
		}
		prev = next
	}
	c.progress(CeremonyProgress{Step: "seal phase 1", Done: n, Total: n + 1})
	commons := prev.Seal(beacon)
	return &commons, nil
}

// ClosePhase1 verifies all phase-1 contributions, seals the phase with a
// public random beacon (at least 16 bytes, fixed after the last
// contribution) and moves to phase 2.
func (c *Ceremony) ClosePhase1(ctx context.Context, beacon []byte) error {
	if c.state.Phase != PhasePowersOfTau {
		return errors.New("ceremony: phase 1 is already closed")
	}
	if len(c.state.Contributions[0]) == 0 {
		return errors.New("ceremony: phase 1 has no contribution")
	}
	if len(beacon) < 16 {
		return errors.New("ceremony: beacon must be at least 16 bytes")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	commons, err := c.verifyPhase1(beacon)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := commons.WriteTo(&buf); err != nil {
		return fmt.Errorf("ceremony: encode sealed phase 1: %w", err)
	}
	if err := writeAtomic(filepath.Join(c.dir, commonsFile), buf.Bytes()); err != nil {
		return err
	}
	c.progress(CeremonyProgress{Step: "initialize phase 2 from the circuit"})
	var p2 mpcsetup.Phase2
	p2.Initialize(c.sys.ccs, commons)
	buf.Reset()
	if _, err := p2.WriteTo(&buf); err != nil {
		return fmt.Errorf("ceremony: encode initial phase 2: %w", err)
	}
	if err := writeAtomic(filepath.Join(c.dir, phase2InitFile), buf.Bytes()); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	c.state.InitialPhase2 = hex.EncodeToString(sum[:])
	c.state.Beacons[0] = hex.EncodeToString(beacon)
	c.state.Phase = PhaseCircuit
	return c.save()
}

// readInitialPhase2 reads the cached initialized phase-2 state.
func (c *Ceremony) readInitialPhase2(into *mpcsetup.Phase2) error {
	b, err := os.ReadFile(filepath.Join(c.dir, phase2InitFile))
	if err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != c.state.InitialPhase2 {
		return fmt.Errorf("ceremony: initial phase 2: %w", ErrKeyDigest)
	}
	if _, err := into.ReadFrom(bytes.NewReader(b)); err != nil {
		return fmt.Errorf("ceremony: initial phase 2: %w", err)
	}
	return nil
}

// Finalize verifies all phase-2 contributions, seals the phase with a
// second public random beacon and returns the keys (OriginCeremony).
func (c *Ceremony) Finalize(ctx context.Context, beacon []byte) (*Keys, error) {
	if c.state.Phase != PhaseCircuit {
		return nil, errors.New("ceremony: not in phase 2")
	}
	if len(c.state.Contributions[1]) == 0 {
		return nil, errors.New("ceremony: phase 2 has no contribution")
	}
	if len(beacon) < 16 {
		return nil, errors.New("ceremony: beacon must be at least 16 bytes")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pk, vk, err := c.verifyPhase2(beacon)
	if err != nil {
		return nil, err
	}
	c.state.Beacons[1] = hex.EncodeToString(beacon)
	c.state.Phase = PhaseDone
	if err := c.save(); err != nil {
		return nil, err
	}
	return newKeys(c.sys, pk, vk, OriginCeremony,
		[2]int{len(c.state.Contributions[0]), len(c.state.Contributions[1])})
}

func (c *Ceremony) verifyPhase2(beacon []byte) (*groth16bn254.ProvingKey, *groth16bn254.VerifyingKey, error) {
	commons, err := c.readCommons()
	if err != nil {
		return nil, nil, err
	}
	n := len(c.state.Contributions[1])
	contribs := make([]*mpcsetup.Phase2, n)
	for i := range n {
		c.progress(CeremonyProgress{Step: fmt.Sprintf("read phase 2 contribution %d", i), Done: i, Total: n + 1})
		contribs[i] = new(mpcsetup.Phase2)
		if err := c.readContribution(PhaseCircuit, i, contribs[i]); err != nil {
			return nil, nil, err
		}
	}
	c.progress(CeremonyProgress{Step: "verify phase 2 and seal", Done: n, Total: n + 1})
	pk, vk, err := mpcsetup.VerifyPhase2(c.sys.ccs, commons, beacon, contribs...)
	if err != nil {
		return nil, nil, fmt.Errorf("ceremony: phase 2: %w", err)
	}
	gpk, ok1 := pk.(*groth16bn254.ProvingKey)
	gvk, ok2 := vk.(*groth16bn254.VerifyingKey)
	if !ok1 || !ok2 {
		return nil, nil, fmt.Errorf("ceremony: unexpected key types %T, %T", pk, vk)
	}
	return gpk, gvk, nil
}

// Verify re-runs the whole verification of a finished ceremony from its
// transcript (every contribution of both phases and both beacons) and
// checks that the result equals keys, as an auditor would.
func (c *Ceremony) Verify(ctx context.Context, keys *Keys) error {
	if c.state.Phase != PhaseDone {
		return errors.New("ceremony: not finalized")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b0, err0 := hex.DecodeString(c.state.Beacons[0])
	b1, err1 := hex.DecodeString(c.state.Beacons[1])
	if err := errors.Join(err0, err1); err != nil {
		return fmt.Errorf("ceremony: beacons: %w", err)
	}
	commons, err := c.verifyPhase1(b0)
	if err != nil {
		return err
	}
	var sealed bytes.Buffer
	if _, err := commons.WriteTo(&sealed); err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	stored, err := os.ReadFile(filepath.Join(c.dir, commonsFile))
	if err != nil {
		return fmt.Errorf("ceremony: %w", err)
	}
	if !bytes.Equal(stored, sealed.Bytes()) {
		return errors.New("ceremony: sealed phase 1 does not match its contributions")
	}
	_, vk, err := c.verifyPhase2(b1)
	if err != nil {
		return err
	}
	if newVerifyingKey(vk).Digest() != keys.Verifying.Digest() {
		return errors.New("ceremony: the verifying key does not match the transcript")
	}
	return nil
}
