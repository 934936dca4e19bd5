// Package interop holds only tests: presentations made by peer libraries
// (did-jwt-vc VP-JWTs, @sd-jwt/sd-jwt-vc presentations with key binding,
// @digitalbazaar/vc Data Integrity presentations with challenge and domain)
// verify through verifier.Verify with explicitly trusted issuers, and fail
// for another nonce, audience or a tampered part; and the presentations
// chainid makes verify in those peers.
//
// The peers are the pinned npm packages of interop/ (run `npm ci` there).
// The tests skip when node or the packages are missing, unless
// CHAINID_INTEROP=1, which makes that a failure.
package interop
