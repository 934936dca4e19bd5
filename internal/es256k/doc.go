// Package es256k implements the JWS algorithm ES256K (RFC 8812: ECDSA over
// secp256k1 with SHA-256 and 64-byte r||s signatures) as a jwx/v2
// [jws.Signer] and [jws.Verifier], on github.com/decred/dcrd/dcrec/secp256k1/v4.
//
// jwx/v2 implements ES256K only when built with the jwx_es256k tag, and then
// only for *ecdsa keys, while chainid's secp256k1 keys are decred keys. [JWS]
// is handed to jwx's message API per call instead of being registered with
// jws.RegisterSigner/RegisterVerifier: those registries are process-wide,
// and writing to them would change what every other jwx user in the program
// accepts. No build tag is needed.
//
// # Security considerations
//
// Signatures are produced with low S. High-S signatures are accepted on
// verification, as RFC 8812 does not forbid them. Zero and out-of-range r
// or s are refused, both in what a signer answers and in what is verified.
package es256k
