// Package oid4vp implements OpenID for Verifiable Presentations 1.0 on both
// sides: the verifier's presentation requests and response validation
// (Service), and the wallet's request fetching, request object
// verification and response delivery (Client), independent of HTTP
// routing.
//
// # Verifier
//
// Service.Create makes an authorization request for a DCQL query and
// stores it. The request carries response_type vp_token, a fresh 128-bit
// nonce and state, response_mode direct_post or direct_post.jwt, the
// response_uri, and client_metadata (the formats accepted and, for
// direct_post.jwt, the request's own P-256 encryption key). Its
// client_id uses one of two prefixes:
//
//   - decentralized_identifier:<DID>: the request is passed by reference
//     (request_uri) as a request object of type oauth-authz-req+jwt signed
//     with the verifier's key (Config.Signer, named by Config.KeyID, a DID
//     URL of the DID), or by value with every parameter in the URI.
//   - redirect_uri:<response_uri>: the request is not signed (the prefix
//     forbids it); by reference the request object is an unsecured JWT
//     (alg none), which wallets accept only with this prefix and only when
//     response_uri equals the client_id without its prefix.
//
// The wallet answers at the response_uri (Service.HandleResponse): a form
// with vp_token and state (direct_post) or with response, a JWE to the
// request's key (direct_post.jwt). The vp_token is checked against the
// DCQL query by verifier/dcql.Check: every presentation is verified by the
// verification pipeline (Config.Verifier, under Config.Policy) against the
// request's nonce and client_id (the audience), and must answer its
// credential query with the requested types and claims. A request accepts
// one response: once a
// response has been processed (verified or not) the request is closed, so a
// replayed response is refused.
//
// Results are read with Service.Status. For a same-device request (created
// with a RedirectURI), HandleResponse answers with the RedirectURI plus a
// response_code; the result is released only against that code, once.
// Cross-device results are released to whoever may read the request (the
// HTTP layer authenticates that).
//
// # Wallet
//
// Client.Fetch parses an openid4vp:// (or https) authorization request
// URI, fetches a request_uri, verifies the request object's signature with
// the key of the client_id's DID (resolved through a KeyResolver under
// authentication) and checks its parameters. Client.Respond delivers a
// vp_token, encrypting it when the response mode is direct_post.jwt.
//
// # Zero-knowledge requests
//
// A DCQL credential query with format FormatZK (chainid_zk) carries a
// zero-knowledge proof specification in meta.zk_request (issuers, schema,
// attributes to reveal, predicates, scope: verifier/zk.Spec). Create asks
// Config.ZK to make the proof request, with the OpenID4VP request's nonce
// and client_id as the proof's nonce and audience, and puts the request
// document in its place, so the wallet proves offline from the query
// alone. The wallet answers with a verifier/zk submission; the pipeline's
// ZK check verifies the proof, the anchors read from the chain and the
// nonce and audience binding, and this package checks that the submission
// answers its own query's proof request.
//
// # Security considerations
//
//   - nonce, state, request ids and response codes are 128-bit (codes
//     256-bit) random values from Config.Rand; response codes are stored only
//     as SHA-256 hashes and are single use.
//   - The private encryption key of a direct_post.jwt request is never
//     stored: it is derived from Config.ResponseKeySecret and the request
//     id when a response arrives.
//   - Requests expire (Config.RequestTTL); an expired request serves no
//     request object and accepts no response.
//   - Every presentation must be bound to this request's nonce and
//     client_id: a single presentation that fails rejects the response.
//   - Request objects are verified with the key of the client_id's DID only:
//     jku, x5u, jwk, x5c and crit headers are refused, never fetched; alg none
//     is accepted only for the redirect_uri prefix; the typ must be
//     oauth-authz-req+jwt; the kid's DID must be the client_id's.
//   - Encrypted responses must use ECDH-ES with A128GCM or A256GCM to the
//     request's key, without compression; any other header is refused before
//     decryption, so PBES2 counts and zip bombs never run.
//   - Inputs are bounded (MaxResponseBytes, MaxRequestObjectBytes) and
//     JSON with duplicate member names is refused.
package oid4vp
