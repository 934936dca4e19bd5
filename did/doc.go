// Package did models decentralized identifiers: it parses and prints DIDs and
// DID URLs (W3C DID Core §3), holds the DID document data model with an exact
// JSON round trip (§4–§5), and converts verification-method key material
// between Go public keys, JWK and Multikey/multibase encodings.
//
// The package does no I/O. DID methods live in sub-packages (did/key, did/jwk,
// did/web, did/pkh, …) and are dispatched by the resolver package.
//
// # Security considerations
//
// Parsing is strict: anything outside the DID Core ABNF is rejected with an
// error that wraps [ErrInvalidDID] or [ErrInvalidDIDURL]. Documents with
// duplicate member names (at any depth), null or wrongly typed core
// properties, several key members in one verification method, or private
// JWK members are refused with [ErrInvalidDocument]. Public keys decoded
// from documents are validated (points on the curve, correct lengths, key
// type matching the verification-method type) before they are returned, so
// callers can hand them straight to a signature check. [Document.Authorized]
// follows references only to methods listed in the same document.
package did
