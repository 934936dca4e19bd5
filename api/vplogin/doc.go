// Package vplogin is chainid's credential and zero-knowledge login method
// for the OpenID provider (api/oidc): it proves the claims an OpenID
// Connect client asks for with an OpenID4VP presentation.
//
// # Flow
//
// The provider's login page links to PathLogin?id={authRequestID}. The
// bridge reads the pending request (Provider.LoginRequest: it must come from
// the browser that started it), turns the requested claims (the claims
// parameter, non-standard scopes, and scopes the Table maps, e.g. "email")
// into a DCQL query through the Table, and makes two OpenID4VP requests
// with it (Presentations.Create): a cross-device one shown as a QR code,
// and a same-device one behind an openid4vp:// wallet link whose redirect
// comes back to PathReturn. The page's static script polls PathState and,
// when the wallet has answered the cross-device request, posts the
// continue form to PathFinish; on the same device the return page posts
// the response_code from the URL fragment to PathFinish, which redeems it
// once (Presentations.Status). A verified result becomes an oidc.Identity
// (Plan.Identity) and the login completes (Provider.CompleteLogin), on to
// the consent page.
//
// # Mapping
//
// A Table maps each claim either to a claim of a standard credential (an
// SD-JWT VC of some vct values or a JWT VC of some types, and a DCQL claims
// path) or to a zero-knowledge proof over a ZK credential: a revealed
// attribute, or a predicate such as birthDate ≤ today − 18 years
// (age_over_18 = true). DefaultTable has the standard OIDC claims and
// age_over_18 / age_over_21; a mapping file (ParseTable) replaces it.
// A claim without a rule fails with ErrUnmapped and the error page lists it.
//
// Identity.Claims hold exactly the requested claims, read from what was
// verified, never anything else a wallet disclosed. The subject is the
// holder DID of the credentials (all must name the same holder). A ZK proof
// uses the OIDC client id as its nullifier scope, so the nullifier
// (ClaimNullifier, zk_nullifier) is the same for one person at one client
// and unlinkable across clients; a ZK login has no holder DID, so its
// subject is ZKSubjectPrefix+nullifier.
//
// # Security considerations
//
//   - Every endpoint checks the authorization request against the browser
//     cookie the provider set at /authorize, and a login's presentation
//     requests are found only through the bridge's own record for that
//     authorization request: a result made for another login cannot be
//     redeemed here, and a login completes once.
//   - Presentations are bound to their request's nonce and client_id by the
//     verifier; same-device results are released only against the one-time
//     response_code; requests expire with the authorization request at the
//     latest.
//   - A ZK proof is bound to no holder key, so a login may not combine ZK
//     claims with credential claims (nothing would link the two).
//   - Cross-device logins carry the usual QR risk: whoever shows the QR code
//     receives the login. The page names the client so the holder can judge.
//   - Pages have a strict CSP without inline script or style.
package vplogin
