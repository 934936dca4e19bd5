// Package dcql parses and validates Digital Credentials Query Language
// queries (OpenID for Verifiable Presentations 1.0, §6), matches a query
// against a wallet's credentials, and checks a vp_token response against a
// query.
//
// Parse is strict: invalid JSON (trailing data included), unknown members,
// members named twice (names compared case-insensitively, as encoding/json
// matches them), nesting deeper than 32, empty arrays, duplicate or
// malformed ids, claim paths that are not arrays of strings, non-negative integers and
// nulls, claim_sets naming unknown claims and credential_sets naming unknown
// credentials are refused with an error wrapping ErrInvalid.
// trusted_authorities is refused with ErrUnsupported rather than ignored, so
// that a verifier never believes an authority constraint was applied.
//
// Match is the wallet side: which of its candidate credentials satisfy each
// credential query, and which claims to disclose (only those the query
// asks for; the first satisfiable claim_set, in the verifier's order of
// preference). Check is the verifier side: every presentation of a vp_token
// is verified through the verifier pipeline, bound to the request's nonce
// and audience, and must carry the requested type and claims; the
// credential_sets (or, without them, every credential query) must be
// satisfied.
//
// Claim paths (§7) select from the credential's claims: for dc+sd-jwt the
// processed SD-JWT claims, for jwt_vc_json and ldp_vc the credential JSON
// from its root (["credentialSubject", "name"]), for chainid_zk the claims
// of the verified proof (["disclosed", "level"]).
//
// chainid_zk (FormatZK) is chainid's extension format for zero-knowledge
// proofs: its meta.zk_request member, required, carries the proof request
// (verifier/oid4vp replaces the verifier's specification with the
// verifier/zk request document it made, bound to the OpenID4VP nonce and
// client_id). This package only checks that it is a JSON object.
package dcql
