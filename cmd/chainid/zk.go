package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/consensys/gnark/logger"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chainid/chainid/zkp"
)

// zkKeysDir is the directory, inside the data dir, of the installed
// zero-knowledge proving and verifying keys.
const zkKeysDir = "zkp"

// ceremonyKeysDir is where `zk ceremony finalize` writes the final keys
// inside the ceremony directory, and where `zk ceremony verify` reads them.
const ceremonyKeysDir = "keys"

// devKeysWarning is printed whenever development keys are made.
const devKeysWarning = "WARNING: development-only keys: whoever ran this setup can forge proofs; never use them in production (run a ceremony: chainid zk ceremony)"

// zkKeysOutput is what `zk keys` and `zk setup` print with --json.
type zkKeysOutput struct {
	Dir                string        `json:"dir"`
	Origin             zkp.KeyOrigin `json:"origin"`
	Development        bool          `json:"development"`
	VerifyingKeyDigest string        `json:"verifyingKeyDigest"`
	ProvingKeyDigest   string        `json:"provingKeyDigest"`
	CircuitDigest      string        `json:"circuitDigest"`
	Constraints        int           `json:"constraints"`
	Contributions      [2]int        `json:"contributions"`
	EncodingVersion    int           `json:"encodingVersion"`
	CreatedAt          time.Time     `json:"createdAt"`
	Warning            string        `json:"warning,omitempty"`
}

func keysOutput(dir string, k *zkp.Keys) zkKeysOutput {
	d := k.Verifying.Digest()
	o := zkKeysOutput{
		Dir:                dir,
		Origin:             k.Info.Origin,
		Development:        k.Info.DevelopmentOnly,
		VerifyingKeyDigest: hex.EncodeToString(d[:]),
		ProvingKeyDigest:   k.Info.ProvingKeyDigest,
		CircuitDigest:      k.Info.CircuitDigest,
		Constraints:        k.Info.Constraints,
		Contributions:      k.Info.Contributions,
		EncodingVersion:    k.Info.EncodingVersion,
		CreatedAt:          k.Info.CreatedAt,
	}
	if o.Development {
		o.Warning = devKeysWarning
	}
	return o
}

func (o zkKeysOutput) text() string {
	kind := fmt.Sprintf("ceremony (%d phase-1 and %d phase-2 contributions)", o.Contributions[0], o.Contributions[1])
	if o.Development {
		kind = "development-only (single-party setup)"
	}
	return fmt.Sprintf("keys:                 %s\norigin:               %s\nverifying key digest: %s\nproving key digest:   %s\ncircuit digest:       %s\nconstraints:          %d\ncreated:              %s",
		o.Dir, kind, o.VerifyingKeyDigest, o.ProvingKeyDigest, o.CircuitDigest, o.Constraints, o.CreatedAt.UTC().Format(time.RFC3339))
}

// newZKCommand builds `chainid zk`. None of its commands opens the store,
// so they work whether or not a server runs on the data dir.
func newZKCommand(cfg *Config, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "zk",
		Short: "Zero-knowledge proof keys: development setup, multi-party ceremony, installed keys",
		Long: "Manages the Groth16 keys of the zero-knowledge credential circuit in DATA/" + zkKeysDir + ".\n" +
			"These commands never open the store, so they work whether or not a server runs on --data.",
	}
	cmd.AddCommand(newZKSetupCommand(cfg, stdout, stderr), newZKCeremonyCommand(cfg, stdout, stderr), newZKKeysCommand(cfg, stdout))
	return cmd
}

func newZKSetupCommand(cfg *Config, stdout, stderr io.Writer) *cobra.Command {
	var dev, force bool
	cmd := &cobra.Command{
		Use:   "setup --dev",
		Short: "Make development-only keys with a single-party setup and install them in DATA/" + zkKeysDir,
		Long: "Runs a single-party Groth16 setup (a few seconds) and writes the keys to DATA/" + zkKeysDir + ".\n" +
			"Whoever runs it can forge proofs: the keys are marked development-only and production\n" +
			"verifiers refuse them. Production keys come from `chainid zk ceremony`.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !dev {
				return errors.New("zk setup: only --dev (single-party, development-only keys) is supported; production keys come from `chainid zk ceremony`")
			}
			dir := filepath.Join(cfg.Data, zkKeysDir)
			if err := checkNoKeys(dir, force); err != nil {
				return err
			}
			sys, err := compileCircuit()
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "running the development setup for %d constraints…\n", sys.NbConstraints())
			keys, err := zkp.Setup(c.Context(), sys)
			if err != nil {
				return err
			}
			if err := zkp.WriteKeys(dir, keys); err != nil {
				return err
			}
			fmt.Fprintln(stderr, devKeysWarning)
			o := keysOutput(dir, keys)
			return writeLine(stdout, cfg.JSON, o, "development-only keys written\n"+o.text())
		},
	}
	cmd.Flags().BoolVar(&dev, "dev", false, "run the single-party development setup (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace keys already installed")
	return cmd
}

// checkNoKeys refuses to overwrite installed keys unless force is set.
func checkNoKeys(dir string, force bool) error {
	_, err := os.Stat(filepath.Join(dir, zkp.KeyInfoFile))
	switch {
	case err == nil && !force:
		return fmt.Errorf("keys already exist in %s (use --force to replace them)", dir)
	case err == nil, errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("check keys: %w", err)
	}
}

func newZKKeysCommand(cfg *Config, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "keys",
		Short: "Show the installed keys (development or ceremony, digests, constraint count)",
		Long:  "Loads the keys in DATA/" + zkKeysDir + ", checking every file against its recorded digest, and prints their info.",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			dir := filepath.Join(cfg.Data, zkKeysDir)
			if _, err := os.Stat(filepath.Join(dir, zkp.KeyInfoFile)); errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("no keys installed in %s (run `chainid zk setup --dev` or a ceremony)", dir)
			}
			sys, err := compileCircuit()
			if err != nil {
				return err
			}
			keys, err := zkp.LoadKeys(dir, sys, zkp.LoadOptions{AllowDevelopment: true})
			if err != nil {
				return err
			}
			o := keysOutput(dir, keys)
			return writeLine(stdout, cfg.JSON, o, o.text())
		},
	}
}

// ceremonyOutput is what the ceremony commands print with --json.
type ceremonyOutput struct {
	Dir           string      `json:"dir"`
	Phase         int         `json:"phase"`
	CircuitDigest string      `json:"circuitDigest"`
	DomainSize    uint64      `json:"domainSize"`
	Contributions [2][]string `json:"contributions"`
	Beacons       [2]string   `json:"beacons"`
	// Contribution is the digest of the contribution just added.
	Contribution string `json:"contribution,omitempty"`
	// VerifyingKeyDigest is set once the ceremony is finalized.
	VerifyingKeyDigest string `json:"verifyingKeyDigest,omitempty"`
	// Installed is the directory the keys were installed in (finalize --install).
	Installed string `json:"installed,omitempty"`
}

func newCeremonyOutput(dir string, s zkp.CeremonyState) ceremonyOutput {
	o := ceremonyOutput{Dir: dir, Phase: s.Phase, CircuitDigest: s.CircuitDigest, DomainSize: s.DomainSize, Contributions: s.Contributions, Beacons: s.Beacons}
	for i := range o.Contributions {
		if o.Contributions[i] == nil {
			o.Contributions[i] = []string{}
		}
	}
	return o
}

func phaseName(p int) string {
	switch p {
	case zkp.PhasePowersOfTau:
		return "phase 1 (powers of tau)"
	case zkp.PhaseCircuit:
		return "phase 2 (circuit)"
	case zkp.PhaseDone:
		return "finalized"
	}
	return fmt.Sprintf("unknown phase %d", p)
}

func newZKCeremonyCommand(cfg *Config, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ceremony",
		Short: "Run a multi-party Groth16 setup ceremony in a directory",
		Long: "A ceremony runs in a directory that travels from participant to participant:\n" +
			"  init DIR                         start a ceremony for this build's circuit\n" +
			"  contribute DIR                   verify the last contribution and add yours (phase 1, then phase 2)\n" +
			"  close-phase1 DIR --beacon HEX    verify phase 1 and seal it with a public random beacon\n" +
			"  finalize DIR --beacon HEX        verify phase 2, seal it and write the keys to DIR/" + ceremonyKeysDir + " (--install: also to DATA/" + zkKeysDir + ")\n" +
			"  verify DIR                       re-verify the whole transcript against DIR/" + ceremonyKeysDir + "\n" +
			"The keys are sound if one contributor in each phase was honest. Steps on the real circuit take minutes.\n" +
			"The beacon is public randomness fixed after the last contribution (e.g. a future block hash), at least 16 bytes.",
	}
	// step opens the ceremony in dir with a progress bar on stderr, runs
	// fn and stops the bar before the caller prints its result.
	step := func(dir string, fn func(*zkp.Ceremony) error) (*zkp.Ceremony, error) {
		report, done := newProgress(stderr)
		defer done()
		cer, err := openCeremony(dir, report)
		if err != nil {
			return nil, err
		}
		return cer, fn(cer)
	}

	initCmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Start a ceremony for this build's circuit in DIR",
		Args:  cobra.ExactArgs(1),
	}
	initCmd.RunE = func(_ *cobra.Command, args []string) error {
		dir := args[0]
		if _, err := os.Stat(filepath.Join(dir, "ceremony.json")); err == nil {
			return fmt.Errorf("a ceremony already exists in %s", dir)
		}
		sys, err := compileCircuit()
		if err != nil {
			return err
		}
		cer, err := zkp.NewCeremony(dir, sys, zkp.CeremonyConfig{})
		if err != nil {
			return err
		}
		s := cer.State()
		return writeLine(stdout, cfg.JSON, newCeremonyOutput(dir, s),
			fmt.Sprintf("ceremony initialized in %s: %d constraints, domain size %d; next: chainid zk ceremony contribute %s", dir, sys.NbConstraints(), s.DomainSize, dir))
	}

	contribute := &cobra.Command{
		Use:   "contribute DIR",
		Short: "Verify the latest contribution and add yours (randomness from the OS, discarded afterwards)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			var contrib zkp.Contribution
			cer, err := step(dir, func(cer *zkp.Ceremony) (err error) {
				contrib, err = cer.Contribute(c.Context())
				return err
			})
			if err != nil {
				return err
			}
			o := newCeremonyOutput(dir, cer.State())
			o.Contribution = hex.EncodeToString(contrib.Digest[:])
			return writeLine(stdout, cfg.JSON, o,
				fmt.Sprintf("phase %d contribution %d added: %s\npublish this digest and check it appears in the final transcript", contrib.Phase, contrib.Index, o.Contribution))
		},
	}

	var beacon1 string
	closeP1 := &cobra.Command{
		Use:   "close-phase1 DIR --beacon HEX",
		Short: "Verify every phase-1 contribution, seal phase 1 with a public beacon and start phase 2",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			beacon, err := parseBeacon(beacon1)
			if err != nil {
				return err
			}
			cer, err := step(dir, func(cer *zkp.Ceremony) error { return cer.ClosePhase1(c.Context(), beacon) })
			if err != nil {
				return err
			}
			return writeLine(stdout, cfg.JSON, newCeremonyOutput(dir, cer.State()),
				fmt.Sprintf("phase 1 sealed in %s; phase 2 contributions can start (chainid zk ceremony contribute %s)", dir, dir))
		},
	}
	closeP1.Flags().StringVar(&beacon1, "beacon", "", "public random beacon, hex, at least 16 bytes (required)")

	var beacon2 string
	var install, force bool
	finalize := &cobra.Command{
		Use:   "finalize DIR --beacon HEX [--install]",
		Short: "Verify every phase-2 contribution, seal with a public beacon and write the keys",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			beacon, err := parseBeacon(beacon2)
			if err != nil {
				return err
			}
			target := filepath.Join(cfg.Data, zkKeysDir)
			if install {
				if err := checkNoKeys(target, force); err != nil {
					return err
				}
			}
			var keys *zkp.Keys
			cer, err := step(dir, func(cer *zkp.Ceremony) (err error) {
				keys, err = cer.Finalize(c.Context(), beacon)
				return err
			})
			if err != nil {
				return err
			}
			if err := zkp.WriteKeys(filepath.Join(dir, ceremonyKeysDir), keys); err != nil {
				return err
			}
			o := newCeremonyOutput(dir, cer.State())
			d := keys.Verifying.Digest()
			o.VerifyingKeyDigest = hex.EncodeToString(d[:])
			line := fmt.Sprintf("ceremony finalized: keys in %s, verifying key digest %s", filepath.Join(dir, ceremonyKeysDir), o.VerifyingKeyDigest)
			if install {
				if err := zkp.WriteKeys(target, keys); err != nil {
					return err
				}
				o.Installed = target
				line += "\nkeys installed in " + target
			}
			return writeLine(stdout, cfg.JSON, o, line)
		},
	}
	finalize.Flags().StringVar(&beacon2, "beacon", "", "public random beacon, hex, at least 16 bytes (required)")
	finalize.Flags().BoolVar(&install, "install", false, "also install the keys in DATA/"+zkKeysDir)
	finalize.Flags().BoolVar(&force, "force", false, "with --install, replace keys already installed")

	var keysDir string
	verify := &cobra.Command{
		Use:   "verify DIR",
		Short: "Re-verify a finished ceremony's whole transcript and check it yields its keys",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			kd := keysDir
			if kd == "" {
				kd = filepath.Join(dir, ceremonyKeysDir)
			}
			var keys *zkp.Keys
			cer, err := step(dir, func(cer *zkp.Ceremony) (err error) {
				if cer.State().Phase != zkp.PhaseDone {
					return fmt.Errorf("ceremony in %s is not finalized (it is in %s)", dir, phaseName(cer.State().Phase))
				}
				if keys, err = zkp.LoadKeys(kd, nil, zkp.LoadOptions{SkipProvingKey: true}); err != nil {
					return err
				}
				return cer.Verify(c.Context(), keys)
			})
			if err != nil {
				return err
			}
			s := cer.State()
			o := newCeremonyOutput(dir, s)
			d := keys.Verifying.Digest()
			o.VerifyingKeyDigest = hex.EncodeToString(d[:])
			return writeLine(stdout, cfg.JSON, o,
				fmt.Sprintf("ceremony verified: %d phase-1 and %d phase-2 contributions, verifying key digest %s", len(s.Contributions[0]), len(s.Contributions[1]), o.VerifyingKeyDigest))
		},
	}
	verify.Flags().StringVar(&keysDir, "keys", "", "key directory to check against (default DIR/"+ceremonyKeysDir+")")

	cmd.AddCommand(initCmd, contribute, closeP1, finalize, verify)
	return cmd
}

// requireCeremony fails unless dir holds a ceremony, so commands other than
// init never create one by accident.
func requireCeremony(dir string) error {
	_, err := os.Stat(filepath.Join(dir, "ceremony.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no ceremony in %s (ceremony.json missing; start one with `chainid zk ceremony init %s`)", dir, dir)
	case err != nil:
		return fmt.Errorf("open ceremony: %w", err)
	}
	return nil
}

func openCeremony(dir string, report func(zkp.CeremonyProgress)) (*zkp.Ceremony, error) {
	if err := requireCeremony(dir); err != nil {
		return nil, err
	}
	sys, err := compileCircuit()
	if err != nil {
		return nil, err
	}
	return zkp.NewCeremony(dir, sys, zkp.CeremonyConfig{Progress: report})
}

// parseBeacon decodes a --beacon value.
func parseBeacon(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	if s == "" {
		return nil, errors.New("--beacon is required (public randomness fixed after the last contribution, hex, at least 16 bytes)")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("--beacon: not hex: %w", err)
	}
	if len(b) < 16 {
		return nil, fmt.Errorf("--beacon: %d bytes, need at least 16", len(b))
	}
	return b, nil
}

// compileCircuit compiles the zkp circuit with gnark's debug logger off:
// gnark logs each compilation to stderr through a process-wide logger,
// which would clutter the CLI's output.
func compileCircuit() (*zkp.System, error) {
	logger.Disable()
	return zkp.Compile()
}

// isTerminal reports whether w is a character device (an interactive
// terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgress returns a ceremony progress callback that draws a progress bar
// on w when it is a terminal and writes plain lines otherwise, and a func
// that ends the display (safe to call more than once).
func newProgress(w io.Writer) (func(zkp.CeremonyProgress), func()) {
	start := time.Now()
	if !isTerminal(w) {
		return func(p zkp.CeremonyProgress) {
			el := time.Since(start).Round(time.Second)
			if p.Total > 0 {
				fmt.Fprintf(w, "[%d/%d] %s (%s)\n", p.Done, p.Total, p.Step, el)
			} else {
				fmt.Fprintf(w, "%s (%s)\n", p.Step, el)
			}
		}, func() {}
	}
	var bar *progressbar.ProgressBar
	total := -2
	end := func() {
		if bar != nil {
			_ = bar.Finish()
			_ = bar.Exit()
			fmt.Fprintln(w)
			bar = nil
		}
	}
	return func(p zkp.CeremonyProgress) {
		n := p.Total
		if n <= 0 {
			n = -1 // spinner for a step of unknown length
		}
		if bar == nil || n != total {
			end()
			total = n
			bar = progressbar.NewOptions(n,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(p.Step),
				progressbar.OptionSetElapsedTime(true),
				progressbar.OptionSetPredictTime(false),
				progressbar.OptionShowCount(),
				progressbar.OptionSetRenderBlankState(true),
				progressbar.OptionSetWidth(30))
		}
		bar.Describe(p.Step)
		if n > 0 {
			_ = bar.Set(p.Done)
		} else {
			_ = bar.Add(0)
		}
	}, end
}
