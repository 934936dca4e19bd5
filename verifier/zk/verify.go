package zk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// Names of the checks of a Result, in the order it lists them.
const (
	CheckSyntax       = "syntax"
	CheckRequest      = "request"
	CheckTime         = "time"
	CheckNonce        = "nonce"
	CheckIssuerKey    = "issuer_key"
	CheckVerifyingKey = "verifying_key"
	CheckStatusRoot   = "status_root"
	CheckProof        = "proof"
	CheckDisclosed    = "disclosed"
	CheckNullifier    = "nullifier"
)

// TypeSubmission is the "type" of a Submission (verifier.TypeZKProof, so
// the verification pipeline hands it here).
const TypeSubmission = "ZKProofPresentation"

// maxSubmissionBytes bounds a submission given to ParseSubmission.
const maxSubmissionBytes = 64 << 10

// Submission is a holder's answer to a request: the body of
// POST /v1/zk/verify, and what `chainid wallet prove` prints.
type Submission struct {
	// Type is TypeSubmission.
	Type string `json:"type" validate:"required,eq=ZKProofPresentation"`
	// Request is the request's id.
	Request string `json:"request" validate:"required,max=128,printascii"`
	// Issuer is the DID of the credential's issuer (one of the request's).
	Issuer string `json:"issuer" validate:"required,max=2048,nocontrol"`
	// Proof is the Groth16 proof (zkp.Proof's JSON form).
	Proof json.RawMessage `json:"proof" validate:"required"`
	// PublicInputs are the proof's public inputs (zkp.PublicInputs' JSON
	// form). The verifier uses only the revealed values and the nullifier;
	// everything else it rebuilds from its request and the chain.
	PublicInputs json.RawMessage `json:"publicInputs" validate:"required"`
	// Disclosed optionally carries the plaintext of revealed attributes
	// (needed for strings, which the proof reveals as hashes); each must
	// encode to the revealed value.
	Disclosed map[string]json.RawMessage `json:"disclosed,omitempty" validate:"max=16"`
}

// Check is one check of a Result.
type Check struct {
	Check  string `json:"check"`
	Passed bool   `json:"passed"`
	Reason string `json:"reason,omitempty"`
}

// Result is the outcome of a verification, answered whether or not the
// proof verified.
type Result struct {
	// Verified is true when every check passed.
	Verified bool `json:"verified"`
	// Format is "zk".
	Format string `json:"format"`
	// Request is the request id the proof answered.
	Request string `json:"request"`
	// Issuer is the credential's issuer as the holder named it (checked
	// against the chain in issuer_key).
	Issuer string `json:"issuer,omitempty"`
	// Schema is the request's schema.
	Schema string  `json:"schema,omitempty"`
	Checks []Check `json:"checks"`
	// Disclosed are the revealed attribute values (only when the proof
	// verified). Strings are listed when the holder sent their plaintext;
	// otherwise their hash is in Hashed.
	Disclosed map[string]any    `json:"disclosed,omitempty"`
	Hashed    map[string]string `json:"hashed,omitempty"`
	// Predicates are the proven predicates (only when the proof verified).
	Predicates []ProvenPredicate `json:"predicates,omitempty"`
	// Scope and Nullifier identify the holder pseudonymously at the scope.
	Scope     string `json:"scope,omitempty"`
	Nullifier string `json:"nullifier,omitempty"`
	// KnownNullifier is true when the nullifier had been seen at this scope
	// before; Account is the account it is bound to (if any).
	KnownNullifier bool   `json:"knownNullifier,omitempty"`
	Account        string `json:"account,omitempty"`
}

// ProvenPredicate is a predicate a verified proof showed to hold.
type ProvenPredicate struct {
	Attribute string          `json:"attribute"`
	Op        string          `json:"op"`
	Value     json.RawMessage `json:"value"`
}

// Failed returns the names of the checks that failed.
func (r *Result) Failed() []string {
	out := []string{}
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c.Check)
		}
	}
	return out
}

func (r *Result) add(name string, passed bool, reason string) {
	r.Checks = append(r.Checks, Check{Check: name, Passed: passed, Reason: reason})
}

func (r *Result) passed(names ...string) bool {
	for _, c := range r.Checks {
		for _, n := range names {
			if c.Check == n && !c.Passed {
				return false
			}
		}
	}
	return true
}

// ParseSubmission parses a submission strictly, with its proof and public
// inputs. Errors wrap ErrMalformed.
func ParseSubmission(b []byte) (*Submission, *zkp.Proof, *zkp.PublicInputs, error) {
	if len(b) > maxSubmissionBytes {
		return nil, nil, nil, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(b), maxSubmissionBytes)
	}
	var sub Submission
	if err := strictJSON(b, &sub); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	v, err := NewValidator()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := v.Struct(sub); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	proof, pub, err := sub.Parse()
	if err != nil {
		return nil, nil, nil, err
	}
	return &sub, proof, pub, nil
}

// Parse decodes the submission's proof and public inputs. Errors wrap
// ErrMalformed.
func (sub *Submission) Parse() (*zkp.Proof, *zkp.PublicInputs, error) {
	var proof zkp.Proof
	if err := proof.UnmarshalJSON(sub.Proof); err != nil {
		return nil, nil, fmt.Errorf("%w: proof: %w", ErrMalformed, err)
	}
	var pub zkp.PublicInputs
	if err := pub.UnmarshalJSON(sub.PublicInputs); err != nil {
		return nil, nil, fmt.Errorf("%w: public inputs: %w", ErrMalformed, err)
	}
	return &proof, &pub, nil
}

// errRefused marks a nullifier-rule refusal inside Redeem.
var errRefused = errors.New("nullifier refused")

// Verify checks a submission against its stored request and the chain,
// then, when every other check passed, redeems the request's nonce and
// applies the nullifier rule atomically:
//
//   - the first verified proof with a nullifier at a scope records it,
//     bound to the request's account (if any);
//   - a registration request (Spec.Register) refuses a nullifier already
//     recorded at its scope: one account per person and site;
//   - a request naming an account refuses a nullifier bound to another
//     account; the same account (a re-login) is accepted, and a nullifier
//     bound to no account yet is bound to the request's;
//   - a request without an account and without Register accepts any
//     nullifier and reports whether it was known and its account.
//
// A request is redeemed by the first submission whose other checks all
// pass, even when the nullifier rule then refuses it; submissions that fail
// earlier leave it unused. An error is returned only for a malformed
// submission (wrapping ErrMalformed) or a server failure.
func (s *Service) Verify(ctx context.Context, sub *Submission) (*Result, error) {
	// The HTTP API decodes the body itself: apply Submission's rules here
	// too, as ParseSubmission does.
	if err := s.validate.Struct(sub); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	proof, pub, err := sub.Parse()
	if err != nil {
		return nil, err
	}
	return s.verify(ctx, sub, proof, pub)
}

func (s *Service) verify(ctx context.Context, sub *Submission, proof *zkp.Proof, pub *zkp.PublicInputs) (*Result, error) {
	res := &Result{Format: "zk", Request: sub.Request, Issuer: sub.Issuer}
	res.add(CheckSyntax, true, "the proof and its public inputs parse")
	notChecked := func(reason string, names ...string) {
		for _, n := range names {
			res.add(n, false, "not checked: "+reason)
		}
	}
	st, rec, err := s.load(ctx, sub.Request)
	if errors.Is(err, ErrNotFound) {
		res.add(CheckRequest, false, "unknown or expired proof request")
		notChecked("no request", CheckTime, CheckNonce, CheckIssuerKey, CheckVerifyingKey, CheckStatusRoot, CheckProof, CheckNullifier)
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	req := st.Request
	res.Schema = req.Schema
	now := s.cfg.Now()

	// request: everything but the issuer key, status root and nonce must be
	// the request's own values.
	nonceEl, err := zkp.NonceElement([]byte(req.Nonce))
	if err != nil {
		return nil, fmt.Errorf("nonce of request %s: %w", req.ID, err)
	}
	if fromHolder, err := req.ZK(pub.IssuerKey, pub.StatusRoot); err != nil {
		return nil, fmt.Errorf("rebuild request %s: %w", req.ID, err)
	} else if want, err := fromHolder.PublicInputs(pub.Revealed, pub.Nullifier); err != nil {
		res.add(CheckRequest, false, "the revealed values do not match the request's disclosure: "+err.Error())
	} else if diff := diffInputs(want.Values(), pub.Values()); len(diff) > 0 {
		res.add(CheckRequest, false, "the proof's "+strings.Join(diff, ", ")+" differ from the request's")
	} else {
		res.add(CheckRequest, true, "schema, disclosure, predicates, time, scope and audience are the request's")
	}

	// time: the verifier's clock is inside the request's window, which is
	// never longer than MaxTTL: the proof shows the credential unexpired at
	// req.Now only, so this bounds how long after its expiry a credential
	// is accepted (MaxTTL + leeway), also for requests stored before the
	// bound was lowered.
	switch {
	case now.Before(req.Now.Add(-s.cfg.Leeway)):
		res.add(CheckTime, false, "the request's time is in the future of this verifier's clock")
	case now.After(req.Expires.Add(s.cfg.Leeway)):
		res.add(CheckTime, false, "the request expired at "+req.Expires.Format(time.RFC3339))
	case now.After(req.Now.Add(MaxTTL + s.cfg.Leeway)):
		res.add(CheckTime, false, "the request was made more than "+MaxTTL.String()+" ago: the credential may have expired since")
	default:
		res.add(CheckTime, true, "the proof arrived within the request's lifetime")
	}

	// nonce: bound, and the request unused and unexpired (re-checked
	// atomically when redeemed).
	switch {
	case !pub.Nonce.Equal(&nonceEl):
		res.add(CheckNonce, false, "the proof is bound to another nonce")
	case rec.Used:
		res.add(CheckNonce, false, "the request's nonce was already used (replay)")
	case !now.Before(rec.Expires):
		res.add(CheckNonce, false, "the request's nonce expired")
	default:
		res.add(CheckNonce, true, "the nonce is the request's, unused and unexpired")
	}

	// issuer_key, verifying_key, status_root: from the chain.
	var anchors *Anchors
	if _, listed := req.Issuer(sub.Issuer); !listed {
		res.add(CheckIssuerKey, false, "issuer "+sub.Issuer+" is not accepted by this request")
		notChecked("issuer not accepted", CheckVerifyingKey, CheckStatusRoot)
	} else if a, err := s.anchors.ReadAnchors(ctx, sub.Issuer); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("read anchors of %s: %w", sub.Issuer, err)
		}
		res.add(CheckIssuerKey, false, "the issuer's anchors could not be read from the chain: "+err.Error())
		notChecked("no anchors", CheckVerifyingKey, CheckStatusRoot)
	} else {
		anchors = &a
		if a.IssuerKey.Equal(pub.IssuerKey) {
			res.add(CheckIssuerKey, true, "the issuer key is the one anchored in "+sub.Issuer+"'s DID document")
		} else {
			res.add(CheckIssuerKey, false, "the proof's issuer key is not the one anchored in "+sub.Issuer+"'s DID document")
		}
		if a.HasVerifyingKeyDigest && a.VerifyingKeyDigest == s.vkDigest {
			res.add(CheckVerifyingKey, true, "the issuer anchors this verifier's verifying key")
		} else {
			res.add(CheckVerifyingKey, false, "the issuer does not anchor this verifier's verifying key")
		}
		if a.StatusRoot.Equal(&pub.StatusRoot) {
			res.add(CheckStatusRoot, true, "the status root is the one anchored on chain")
		} else {
			res.add(CheckStatusRoot, false, "the proof's status root is not the one anchored on chain (a credential was revoked since, or the holder's status list is stale)")
		}
	}

	// proof: against public inputs rebuilt from the request and the chain,
	// with only the revealed values and the nullifier from the holder.
	var specs []zkp.AttributeSpec
	if anchors == nil {
		notChecked("no anchored issuer key and status root", CheckProof)
	} else if trusted, err := req.ZK(anchors.IssuerKey, anchors.StatusRoot); err != nil {
		return nil, fmt.Errorf("rebuild request %s: %w", req.ID, err)
	} else if want, err := trusted.PublicInputs(pub.Revealed, pub.Nullifier); err != nil {
		res.add(CheckProof, false, "the public inputs cannot be rebuilt: "+err.Error())
	} else if err := zkp.Verify(s.vk, proof, want); err != nil {
		res.add(CheckProof, false, "the proof does not verify against the request and the chain")
	} else if specs, err = req.Specs(); err != nil {
		return nil, fmt.Errorf("request %s attributes: %w", req.ID, err)
	} else {
		res.add(CheckProof, true, "the Groth16 proof verifies against the request and the chain")
		s.disclose(res, req, specs, sub, pub)
	}

	if !res.passed(CheckSyntax, CheckRequest, CheckTime, CheckNonce, CheckIssuerKey, CheckVerifyingKey, CheckStatusRoot, CheckProof, CheckDisclosed) {
		notChecked("an earlier check failed", CheckNullifier)
		s.finish(ctx, res)
		return res, nil
	}
	if err := s.redeem(ctx, res, st, pub); err != nil {
		return nil, err
	}
	s.finish(ctx, res)
	return res, nil
}

// redeem uses the request's nonce and applies the nullifier rule (see
// Verify) in one store transaction.
func (s *Service) redeem(ctx context.Context, res *Result, st *storedRequest, pub *zkp.PublicInputs) error {
	req := st.Request
	scope := pub.Scope.Bytes()
	null := pub.Nullifier.Bytes()
	key := append(scope[:], null[:]...)
	now := s.cfg.Now()
	var bound string
	prev, err := s.store.Redeem(ctx, req.ID, now, key, func(prev *store.ZKNullifierRecord) (*store.ZKNullifierRecord, error) {
		switch {
		case prev == nil:
			bound = st.Account
			return &store.ZKNullifierRecord{Account: st.Account, RequestID: req.ID, FirstSeen: now.UTC()}, nil
		case req.Register:
			return nil, fmt.Errorf("%w: this person already registered at scope %q", errRefused, req.Scope)
		case st.Account != "" && prev.Account != "" && prev.Account != st.Account:
			return nil, fmt.Errorf("%w: this person's nullifier at scope %q is bound to another account", errRefused, req.Scope)
		case st.Account != "" && prev.Account == "":
			// First seen without an account: the first account-bearing
			// proof binds it, so a second account is refused later.
			bound = st.Account
			return &store.ZKNullifierRecord{Account: st.Account, RequestID: prev.RequestID, FirstSeen: prev.FirstSeen}, nil
		}
		bound = prev.Account
		return nil, nil
	})
	res.Scope = req.Scope
	res.Nullifier = zkp.FormatElement(pub.Nullifier)
	res.KnownNullifier = prev != nil
	res.Account = bound
	switch {
	case err == nil:
		res.Checks[nonceIndex(res)].Reason = "the nonce is the request's; the request is now used"
		reason := "new at this scope; recorded"
		if prev != nil {
			reason = "known at this scope since " + prev.FirstSeen.Format(time.RFC3339) + "; accepted"
		}
		res.add(CheckNullifier, true, reason)
	case errors.Is(err, errRefused):
		res.add(CheckNullifier, false, strings.TrimPrefix(err.Error(), errRefused.Error()+": "))
	case errors.Is(err, store.ErrZKRequestUsed):
		res.Checks[nonceIndex(res)] = Check{Check: CheckNonce, Passed: false, Reason: "the request's nonce was already used (replay)"}
		res.add(CheckNullifier, false, "not checked: the nonce was already used")
	case errors.Is(err, store.ErrZKRequestExpired), errors.Is(err, store.ErrNotFound):
		res.Checks[nonceIndex(res)] = Check{Check: CheckNonce, Passed: false, Reason: "the request's nonce expired"}
		res.add(CheckNullifier, false, "not checked: the nonce expired")
	default:
		return err
	}
	return nil
}

func nonceIndex(res *Result) int {
	for i, c := range res.Checks {
		if c.Check == CheckNonce {
			return i
		}
	}
	panic("zk: result without a nonce check")
}

func (s *Service) finish(ctx context.Context, res *Result) {
	res.Verified = len(res.Checks) > 0
	var failed []string
	for _, c := range res.Checks {
		if !c.Passed {
			res.Verified = false
			failed = append(failed, c.Check)
		}
	}
	if !res.Verified {
		res.Disclosed, res.Hashed, res.Predicates = nil, nil, nil
	}
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "zk proof verified",
		slog.String("request", res.Request), slog.Bool("verified", res.Verified),
		slog.String("failed", strings.Join(failed, ",")))
}

// disclose fills the revealed values and proven predicates of a verified
// proof, and checks plaintexts the holder sent.
func (s *Service) disclose(res *Result, req *Request, specs []zkp.AttributeSpec, sub *Submission, pub *zkp.PublicInputs) {
	res.Disclosed = map[string]any{}
	res.Hashed = map[string]string{}
	revealed := map[string]int{}
	for _, rv := range req.Reveal {
		revealed[rv.Attribute] = rv.Index
		v, ok := decodeValue(specs[rv.Index], pub.Revealed[rv.Index])
		if ok {
			res.Disclosed[rv.Attribute] = v
		} else {
			res.Hashed[rv.Attribute] = zkp.FormatElement(pub.Revealed[rv.Index])
		}
	}
	if len(sub.Disclosed) > 0 {
		var bad []string
		for name, raw := range sub.Disclosed {
			i, ok := revealed[name]
			if !ok {
				bad = append(bad, name+" (not revealed)")
				continue
			}
			// The credential's own strict decoding: exact 64-bit integers
			// (not float64), no normalized strings or times.
			a, err := zkcred.EncodeValue(specs[i], raw)
			if err != nil || !a.Encoded.Equal(&pub.Revealed[i]) {
				bad = append(bad, name)
				continue
			}
			if _, hashed := res.Hashed[name]; hashed {
				delete(res.Hashed, name)
				res.Disclosed[name] = a.Value
			}
		}
		if len(bad) > 0 {
			res.add(CheckDisclosed, false, "plaintext does not match the revealed value: "+strings.Join(bad, ", "))
		} else {
			res.add(CheckDisclosed, true, "every plaintext matches its revealed value")
		}
	}
	for _, p := range req.Predicates {
		res.Predicates = append(res.Predicates, ProvenPredicate{Attribute: p.Attribute, Op: p.Op, Value: p.Value})
	}
}

// decodeValue turns a revealed field element back into its JSON value; it
// reports false for strings (hashed) and values outside their encoding.
func decodeValue(spec zkp.AttributeSpec, e fr.Element) (any, bool) {
	var v any
	switch spec.Type {
	case zkp.TypeInteger, zkp.TypeDate, zkp.TypeDateTime:
		n, err := zkp.DecodeInteger(e)
		if err != nil {
			return nil, false
		}
		switch spec.Type {
		case zkp.TypeInteger:
			v = n
		case zkp.TypeDate:
			v = time.Unix(0, 0).UTC().AddDate(0, 0, int(n)).Format(time.DateOnly)
		default:
			v = time.Unix(n, 0).UTC().Format(time.RFC3339)
		}
	case zkp.TypeBoolean:
		switch {
		case e.IsZero():
			v = false
		case e.IsOne():
			v = true
		default:
			return nil, false
		}
	case zkp.TypeEnum:
		var b big.Int
		e.BigInt(&b)
		if !b.IsInt64() || b.Int64() >= int64(len(spec.Enum)) {
			return nil, false
		}
		v = spec.Enum[b.Int64()]
	default:
		return nil, false
	}
	// Round trip: only a value that encodes back to e is reported.
	if re, err := spec.Encode(v); err != nil || !re.Equal(&e) {
		return nil, false
	}
	return v, true
}

// Offsets into zkp.PublicInputs.Values.
const (
	offSchema     = 2
	offMask       = 3
	offRevealed   = 4
	offPredicates = offRevealed + zkp.MaxAttributes
	offNow        = offPredicates + zkp.MaxPredicates*(3+zkp.MaxSetSize)
	offRoot       = offNow + 1
	offNullifier  = offRoot + 1
	offScope      = offNullifier + 1
	offNonce      = offScope + 1
	offAudience   = offNonce + 1
)

// diffInputs names the request-owned public inputs in which got differs
// from want (issuer key, status root and nonce have their own checks).
func diffInputs(want, got []*big.Int) []string {
	if len(want) != len(got) || len(want) != zkp.NbPublicInputs {
		return []string{"number of public inputs"}
	}
	var out []string
	seen := map[string]bool{}
	for i := range want {
		if want[i].Cmp(got[i]) == 0 {
			continue
		}
		var name string
		switch {
		case i == offSchema:
			name = "schema"
		case i == offMask:
			name = "disclosed attributes"
		case i >= offRevealed && i < offPredicates:
			name = "revealed values"
		case i >= offPredicates && i < offNow:
			name = "predicates"
		case i == offNow:
			name = "time"
		case i == offScope:
			name = "scope"
		case i == offAudience:
			name = "audience"
		default:
			continue // issuer key, root, nullifier, nonce
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
