// Package zkp proves, in zero knowledge, statements about issuer-signed
// credentials: one generic Groth16 circuit on BN254 (gnark v0.14.0) with
// the native encoding, hashing, signing, status-tree, proving, verifying,
// key-file and setup-ceremony code around it.
//
// # Statement
//
// A proof shows that the prover knows a credential (attributes, holder
// secret, status index, issuance and expiry times) and an issuer signature
// such that:
//
//   - the issuer's EdDSA signature (BN254 twisted Edwards curve, Poseidon2
//     challenge hash) on the credential message M is valid under the public
//     issuer key, which is on the curve and not of small order, with S < ℓ;
//   - M = H(tag, schema id, attributes[0..15], H(tag, holder secret), status
//     index, issuedAt, expiresAt), so the prover knows the holder secret;
//   - each disclosed attribute equals its public revealed value, and
//     undisclosed revealed values are 0;
//   - each active predicate slot holds (=, ≠, <, ≤, >, ≥, between, in a set
//     of up to 8, not in that set); ordered comparisons range-check the
//     attribute and the operands to 64 bits before comparing, so they
//     cannot wrap around the field;
//   - issuedAt ≤ now < expiresAt;
//   - the status bit at the credential's index is 0 in the Poseidon2 Merkle
//     tree (depth TreeDepth, leaves are the raw bits) under the public root;
//   - nullifier = H(tag, holder secret, scope);
//   - nonce and audience each appear in a constraint, so the verifying key
//     has a non-zero term for them and a proof is bound to both.
//
// # Public inputs
//
// NbPublicInputs (70) values, in this order (PublicInputs.Values):
// issuer key x, y; schema id; disclosure mask (bit i discloses attribute
// i); revealed[0..15]; for each of the 4 predicate slots: active, attribute
// index, operator (Op), operands[0..7]; now (EncodeTime); status root;
// nullifier; scope; nonce; audience.
//
// # Encoding
//
// Attribute values are encoded per schema type as described on
// AttributeType (EncodingVersion 1): integers, dates and instants as
// offset signed 64-bit integers, booleans as 0/1, enums as indexes,
// strings as a domain-separated Poseidon2 hash. H is Poseidon2 (width 2,
// 6 full and 50 partial rounds) in Merkle–Damgård mode with a zero IV, the
// same function natively (Hash), in gnark-crypto and in the circuit; every
// use is domain-separated by a leading tag "chainid/zkp/v1/…".
//
// # Cost
//
// Measured on this project's 2-core machine with gnark v0.14.0 (see
// testdata/constraints.golden and the benchmarks; under load from other
// processes times double):
//
//   - 15,852 R1CS constraints (FFT domain 2^14), 70 public and 40 secret
//     inputs: EdDSA verification 6,293 (of which 935 for the Poseidon2
//     challenge hash), credential message hash 3,907, status path (depth
//     17) 3,215, predicate slots 4 × 392, validity period 260, holder
//     commitment and nullifier 561, disclosure 49. One Poseidon2
//     compression costs 187.
//   - Proof: 164 bytes (MarshalBinary), 256 bytes in Solidity form.
//   - Proving (BenchmarkProve, idle machine): 0.24 s, of which about 1 ms
//     for the native pre-checks and 12 ms for the witness solver.
//   - Verification (BenchmarkVerify, see Verification below): 1.0–1.1 ms
//     wall and CPU with the machine at load average 7–9 from other
//     processes, 0.73–0.95 ms at load 3.5, against 1.9–2.5 ms (1.6–2.0 ms
//     CPU) for gnark's generic groth16.Verify in the same runs
//     (BenchmarkVerifyGnark, which took 1.1–1.2 ms on an idle machine).
//     CPU per verification: two Miller loops (about 0.45 ms), the final
//     exponentiation (0.2 ms), the public-input term (0.2 ms).
//   - Cold prover (BenchmarkColdProve: compile 0.09 s, load raw keys with
//     digest checks 0.015 s, prove): 0.32 s to the first proof on an idle
//     machine (0.66 s at load average 8, where proving alone took 0.74 s).
//   - Against the equivalent circom statement (bench/run-zk.sh: circomlib,
//     11,647 constraints) proved with snarkjs 0.7.6 in the same run at load
//     average 8–9: proving 12× faster (0.56 s against 0.63 s witness +
//     6.0 s prove), verification 20× faster (1.4 ms against 27 ms).
//   - On chain (package onchain): the exported verifier is 14 KB of code,
//     deployment 3.1 M gas, verifyProof about 680,000 gas.
//   - Development setup: 6 s. A two-contributor ceremony on this circuit
//     took 9.5 minutes under heavy load (phase-2 initialization, which
//     gnark computes with affine additions, dominates; it runs once in
//     ClosePhase1 and again in Finalize and Verify).
//
// The sizes are constants (MaxAttributes, MaxPredicates, MaxSetSize,
// TreeDepth); see their documentation for the cost of raising them.
// Staying at or below 16,384 constraints keeps the FFT domain at 2^14;
// crossing it doubles the domain and the size of the proving key and
// costs roughly a third more proving time.
//
// # Verification
//
// Verify does not call gnark's generic groth16.Verify; it checks the same
// equation e(A, B)·e(C, −δ)·e(K₀ + Σ xᵢKᵢ, −γ) = e(α, β) with work done
// once per key (the first Verify with a key): the Miller-loop lines of
// −δ and −γ (a fixed-argument loop for C and the input term), e(α, β),
// and eight odd multiples of each input base Kᵢ. The input term is then an
// interleaved width-5 wNAF sum that skips zero inputs (unused slots and
// undisclosed values) and spends few additions on the many small ones
// (flags, indexes, operators, times), instead of a 70-point bucket
// multi-exponentiation, which cost about 0.6 ms of CPU here: the main
// saving. The Miller loop for (A, B) runs concurrently with it. Proof
// points are subgroup-checked by every Proof constructor (ParseProof,
// UnmarshalJSON, Prove), so Verify does not repeat that.
//
// Binding the 70 public values through one or two Poseidon2-hashed inputs
// was measured and rejected: hashing them natively takes about 0.45 ms
// (more than the whole input term now) and in the circuit about 13,000
// constraints, which would double the FFT domain.
//
// # Trust assumptions
//
//   - Setup: keys from Setup are development-only (whoever ran it can forge
//     proofs) and LoadKeys refuses them unless asked. Production keys come
//     from a Ceremony and are sound if one contributor per phase was
//     honest. Verifiers pin the verifying key's digest (VerifyingKey.Digest),
//     for example to the value anchored on chain.
//   - Zero knowledge relies on a correct proving key: a wallet must pin the
//     proving key's digest (LoadOptions.ProvingKeyDigest) to the published
//     one, since a subverted key can make proofs leak the witness.
//   - Verifiers take the issuer key and the status root from the chain,
//     never from the holder, and rebuild the public inputs from their own
//     request (Request.PublicInputs) with only the revealed values and the
//     nullifier from the holder.
//   - Replays are caught by single-use nonces and per-scope nullifiers, not
//     by proof bytes: Groth16 proofs can be re-randomized by anyone.
//   - Cryptography: BN254 pairings (about 100-bit security), Poseidon2
//     collision resistance, EdDSA unforgeability on the BN254 twisted
//     Edwards curve.
//   - The status root is as fresh as the anchored value: a revocation takes
//     effect when the new root is anchored and verifiers read it.
//
// # Security considerations
//
// All parsers (ParseElement, ParsePublicInputs, the JSON forms of Proof
// and PublicInputs, ParseProof, ParseVerifyingKey, ParseIssuerPublicKey,
// ParseSignature) refuse non-canonical input: values at or above the field
// modulus, wrong counts or lengths, points off the curve or outside their
// subgroup, S ≥ ℓ, unknown fields. Key files are read with gnark's
// unchecked raw reader only after their SHA-256 digest matched.
package zkp
