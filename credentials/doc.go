// Package credentials models W3C verifiable credentials and presentations
// (VC Data Model 2.0, and 1.1 for the JWT formats that still use it) as typed
// Go values with an exact JSON round trip.
//
// A parsed [Credential] or [Presentation] marshals to the same JSON value it
// was parsed from: modelled members are typed, everything else is kept as
// raw JSON (Extra maps, subject claims in document order, proofs, evidence).
// Marshalling writes modelled members in a fixed order followed by the
// unknown ones sorted by name, so output is deterministic. The package does
// no I/O and does not secure anything: the format packages (jwtvc, sdjwt,
// dataintegrity) sign and verify the JSON this package reads and writes.
//
// # Security considerations
//
// [ParseCredential] and [ParsePresentation] refuse input above [MaxSize],
// nesting deeper than [MaxDepth], duplicate member names at any depth (one
// document must not mean two things to two parsers), null or wrongly typed
// modelled members, a first @context other than the 2.0 or 1.1 base
// context, a type without VerifiableCredential (VerifiablePresentation),
// non-URI identifiers and malformed dates. A parsed credential is only
// well formed: its proof is not checked here, and its validity period must
// be checked with [Credential.ValidAt] by whoever relies on it.
package credentials
