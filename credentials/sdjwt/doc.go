// Package sdjwt issues, presents and verifies selective-disclosure JWTs
// (SD-JWT, RFC 9901) in the SD-JWT VC profile (typ "dc+sd-jwt").
//
// The three roles are three functions:
//
//   - Issue takes claims as a JSON object, a Frame of JSON Pointers naming
//     the selectively disclosable claims (object members and array
//     elements, recursively), the issuer's crypto.Signer and its
//     verification method (kid, a DID URL whose DID becomes iss). It
//     returns "<issuer-signed JWT>~<disclosure>~…~" with 128-bit salts from
//     the injected randomness, optional decoy digests and an optional
//     holder key in cnf.jwk.
//   - Present keeps the disclosures the holder chooses and, given the
//     holder's key, appends a Key Binding JWT (typ kb+jwt) whose sd_hash
//     covers the presented string, with the verifier's nonce and aud.
//   - Verify checks the issuer signature with the key a KeyResolver returns
//     for the kid under assertionMethod, processes the disclosures, checks
//     exp/nbf/iat and the Key Binding JWT, and returns the processed claims.
//
// JOSE signing and verification use github.com/lestrrat-go/jwx/v2 (jws
// signers and verifiers, compact serialization) for EdDSA (Ed25519) and
// ES256 (P-256). ES256K (secp256k1, RFC 8812) is not in jwx/v2 without
// the jwx_es256k build tag and then only for *ecdsa keys, so this package
// uses the module's internal/es256k jws.Signer/jws.Verifier, built on
// decred secp256k1 and handed to jwx per call: no build tags and no global
// registration. The ES256K signer accepts any crypto.Signer whose Public()
// is a *secp256k1.PublicKey and whose Sign returns 64-byte r||s (the
// keystore's Secp256k1Signer) or DER; signatures come out with low S.
//
// Issuer keys are found only through the kid header. Resolving an HTTPS
// iss through SD-JWT VC issuer metadata (/.well-known/jwt-vc-issuer) and
// x5c chains are out of scope: a kid-less SD-JWT is refused.
//
// # Security considerations
//
// Verify refuses, each with an error wrapping one of the package's
// sentinels:
//
//   - alg none, HS*, RS*/PS* and any alg other than EdDSA, ES256 and
//     ES256K, and an alg that does not match the key type (no algorithm
//     confusion); a crit header;
//   - a kid that is not a DID URL, an iss that is not the kid's DID, and a
//     key the resolver does not list under assertionMethod;
//   - input over MaxSize, malformed base64url (padding, stray bits),
//     JSON with duplicate member names, invalid UTF-8 or nesting deeper
//     than 64 — in the JWT header and payload and in every disclosure;
//   - disclosures that are not [salt, name, value] or [salt, value] arrays,
//     whose salt or name is not a string, or that name _sd or ...;
//   - a digest that appears twice (directly or through disclosures), a
//     disclosure sent twice, a disclosure no digest references, a
//     disclosure that would override a claim in the clear or another
//     disclosure, an object-member disclosure referenced from an array or
//     vice versa, _sd that is not an array of strings, {"...": x} objects
//     with other members or a non-string x, _sd_alg below the top level,
//     an unknown _sd_alg;
//   - exp in the past, nbf or iat in the future (beyond Leeway);
//   - when key binding is required, a missing KB-JWT; for any KB-JWT
//     present, a typ other than kb+jwt, a signature not made by the cnf.jwk
//     key, a wrong sd_hash, nonce or aud, and an iat in the future or older
//     than MaxKeyBindingAge.
//
// Loops between disclosures cannot occur: each digest may be used once, so
// each disclosure is expanded at most once, and the expansion depth is
// bounded. Verify does not decide whether the issuer is trusted; Result
// exposes Issuer and KeyID for the caller's policy.
package sdjwt
