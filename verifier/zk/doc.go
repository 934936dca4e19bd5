// Package zk runs zero-knowledge proof requests: a verifier asks for
// attributes and predicates of a ZK credential, a holder answers with a
// Groth16 proof (package zkp), and the service checks it against its own
// request and the issuer's values anchored on chain.
//
// # Requests
//
// Service.CreateRequest takes a Spec (issuer DIDs, schema $id, attribute
// names to reveal, predicates by attribute name with an operator and JSON
// operand values, audience, scope, optional register flag and account),
// validates it strictly, resolves the names against the schema's
// x-chainid-zk attribute list, encodes the operands with the attribute types
// (zkp.AttributeSpec.EncodeJSON), snapshots each issuer's anchors (ZK key and
// status root; the verifying-key digest must be this service's), and adds a
// random single-use nonce, the verifier's time (whole seconds) and an
// expiry. The resulting Request document carries everything a holder needs
// to prove offline: slots, encoded operands, the status root to prove
// against, scope, audience and nonce. Request.Statement turns it into the
// zkp.Request a wallet proves.
//
// # Verification
//
// Service.Verify takes a Submission (request id, issuer DID, proof, public
// inputs) and lists every check:
//
//	syntax         the proof and public inputs parse canonically (else ErrMalformed)
//	request        schema, disclosure, predicates, time, scope and audience are the request's
//	time           the verifier's clock lies in [now − leeway, expires + leeway]
//	               and is at most MaxTTL + leeway after now
//	nonce          the proof's nonce is the request's, and the request is unused and unexpired
//	issuer_key     the issuer is one the request accepts, and its ZK key anchored on chain is the proof's
//	verifying_key  the issuer anchors the digest of the verifying key this service checks with
//	status_root    the status root anchored on chain now is the proof's
//	proof          the Groth16 proof verifies against public inputs rebuilt from the
//	               request and the chain, with only revealed values and nullifier from the holder
//	disclosed      (when the holder sent plaintexts) each encodes to its revealed value
//	nullifier      the nullifier rule below
//
// Only when every other check passed is the request redeemed: in one store
// transaction its nonce is marked used (so of concurrent submissions at most
// one succeeds) and the nullifier rule applied. Failed submissions leave the
// request unused.
//
// # Nullifiers
//
// A nullifier is H(holder secret, scope): the same person always has the
// same one at a scope and unlinkable ones across scopes. The store records,
// per scope and nullifier, the first request and account. The rule:
//
//   - unknown nullifier: recorded, bound to the request's account (if any);
//   - known nullifier and a registration request (register: true): refused,
//     one account per person and scope;
//   - known nullifier bound to account A and a request for account B ≠ A:
//     refused; a re-login for A is accepted;
//   - known nullifier bound to no account (first seen by a request without
//     one) and a request for account A: accepted and bound to A from now
//     on, so a later request for B ≠ A is refused;
//   - otherwise accepted; the result reports knownNullifier and the bound
//     account.
//
// # Security considerations
//
//   - Issuer key, verifying-key digest and status root come from the chain
//     (ChainAnchors reads did:ethr issuers only, through the resolver with
//     its cache bypassed), never from the holder or the request snapshot. A revocation anchored after a
//     request was made makes its proofs fail status_root: the holder must
//     prove against the current root, under a new request.
//   - Expiry is proved at the request's time, not at verification: the
//     circuit shows expiresAt > now for the request's now, fixed when the
//     request was made so that a holder can prove offline. A credential
//     that expires while a request is open is therefore still accepted
//     until the request closes. The bound is exact: a proof is accepted
//     only while the verifier's clock is at most Leeway past
//     min(expires, now + MaxTTL), so a credential is accepted at most MaxTTL + Leeway (10
//     minutes + 5 s with the defaults; at most 10 minutes + MaxLeeway)
//     after it expired, and at most the request's own lifetime + Leeway
//     (DefaultTTL 5 minutes + 5 s) for a request with the default
//     lifetime. Requests cannot ask for more than MaxTTL (ttlSeconds ≤ 600);
//     an OpenID4VP request with a longer expiry gets a proof request that
//     closes after MaxTTL.
//   - Replays are caught by the single-use nonce and the nullifier, never by
//     proof bytes (Groth16 proofs can be re-randomized).
//   - The request document is public (anyone with the id can read it); the
//     account is stored beside it and never shown.
//   - A holder should check the scope and audience it proves for: a wallet
//     recomputes every element from the request's strings (Request.Statement),
//     so a verifier cannot smuggle another site's scope under a benign name.
package zk
