// Package status implements the W3C Bitstring Status List v1.0: the
// compressed bitstring itself, the check of a credential's status entry
// against a status list credential, and a registry that hands out status
// list indexes and flips their bits for issuers.
//
// A [List] is a bitstring of at least [MinBits] bits (16 KiB, the size the
// specification requires so that one credential hides among many); bit 0 is
// the most significant bit of the first byte. [List.Encode] gives the
// encodedList form: GZIP, then base64url without padding, with the multibase
// prefix 'u'. [Decode] reverses it.
//
// [Registry] keeps, per issuer and status purpose (revocation, suspension),
// a sequence of lists in a [Store] (internal/store implements it). Indexes
// are drawn at random among the unused ones of the newest list and never
// reused; each allocation is committed before the index is returned.
// [Registry.ListCredential] returns the unsigned BitstringStatusListCredential
// for a list; the caller secures it with a signing format and serves it.
//
// # Security considerations
//
// [Decode] fails closed: a wrong multibase prefix, bad or padded base64url,
// broken GZIP (including a bad checksum or trailing data), a list shorter
// than MinBits, and any list that decompresses beyond the caller's byte
// limit (a GZIP bomb) are errors; decompression stops one byte past the
// limit, so a bomb costs at most that much memory. [Check] refuses entries
// whose list credential is not the one the entry names, whose issuer differs
// from the credential's issuer, whose purpose the list does not carry, whose
// index is out of range, or whose statusSize is not 1. Check does not verify
// the list credential's proof or validity period: the caller does that with
// the securing format before calling it, exactly as for any credential.
// Revocation is permanent: the registry refuses to clear a revocation bit.
package status
