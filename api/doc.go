// Package api is chainid's HTTP transport: it owns the routes, decodes and
// validates requests, maps every error to one RFC 9457 problem document, and
// serves the OpenAPI description of what it exposes. It holds no domain
// logic; resolution, key management and readiness come in through the small
// interfaces declared in this package ([Resolver], [Keys], [DIDs], [Chains])
// and [Config].
//
// [New] returns the complete [net/http.Handler]. Every route is listed in
// routes.go; the same table drives the mux and the test that keeps the
// OpenAPI document (openapi.json, served at /openapi.json) honest.
//
// # Routes
//
//	GET  /                           home page (what is running, link to the API document)
//	GET  /healthz                    liveness: 200 {"status":"ok"}
//	GET  /readyz                     readiness: Config.Ready; 503 problem+json when not ready
//	GET  /metrics                    Prometheus metrics of Config.Registry
//	GET  /openapi.json               the OpenAPI 3.1 document
//	GET  /1.0/identifiers/{did...}   DID resolution and DID URL dereferencing (Universal Resolver binding)
//	POST /v1/admin/keys              create a key and its DID (admin bearer token)
//	GET  /v1/admin/keys              list keys (admin bearer token)
//	POST /v1/dids                    create a DID (did:ethr, did:key, did:jwk) with a new key (admin)
//	POST /v1/dids/{did}/operations   change a did:ethr DID on its registry (admin)
//	GET  /v1/chain/status            the configured chains: head, registry, index tip, relayer (admin)
//	POST /v1/chain/deploy            deploy an ERC-1056 registry to a chain (admin)
//	POST /v1/issuers/{did}/rotate-key  new assertion key for an issuer; the old one stays published (issuer key)
//	POST /v1/credential-offers       OpenID4VCI credential offer {schema, subject, configurations, txCode?} (issuer key)
//	GET  /.well-known/openid-credential-issuer   OpenID4VCI credential issuer metadata
//	GET  /.well-known/oauth-authorization-server OAuth metadata of the token endpoint
//	POST /token                      OpenID4VCI token endpoint (form; pre-authorized code grant)
//	POST /nonce                      OpenID4VCI nonce endpoint
//	POST /credential                 OpenID4VCI credential endpoint (Bearer access token, jwt key proofs)
//
// The credential routes (/v1/credentials…, /v1/schemas, /v1/issuers, the
// VC-API endpoints, status lists and contexts) are listed in openapi.json.
//
// # Errors
//
// Every error response outside the resolution-result representation of the
// resolver endpoint is application/problem+json with members type, title,
// status, detail and instance (the request path), plus the extension members
// request_id (always) and errors (validation failures: [{field, message}],
// field names as in the JSON body). The type is a stable URN
// "urn:chainid:problem:<slug>" per error kind; clients branch on it, never on
// detail. Internal failures get a generic detail; their cause is logged with
// the request id. The slugs: invalid-request, validation, not-found,
// method-not-allowed (with an Allow header), unsupported-media-type,
// payload-too-large, unauthorized (with WWW-Authenticate), forbidden,
// not-implemented, unavailable, timeout, internal, for DID operations
// not-owner, insufficient-funds and reverted, and for the resolver
// invalid-did, invalid-did-url, did-not-found, method-not-supported,
// representation-not-supported and deactivated.
//
// The one exception is the OpenID4VCI wallet endpoints (/token, /nonce,
// /credential): their refusals (*oid4vci.ProtocolError) are sent in the
// OAuth 2.0 error shape {"error", "error_description"} as application/json
// with the error's status (400; 401 invalid_token with WWW-Authenticate:
// Bearer error="invalid_token"; 403 insufficient_scope), because OAuth
// clients and wallets parse that shape, not problem+json. Their server
// faults are still problem+json. Token, nonce and credential responses
// carry Cache-Control: no-store.
//
// # DID operations
//
// POST /v1/dids/{did}/operations takes {"op": …} with the fields of that
// op (add-key: keyType, purpose, label, validitySeconds; revoke-key: keyId,
// purpose; add-service: serviceType, endpoint, validitySeconds; set-owner:
// owner; deactivate) and answers 200 {did, op, txHash, block[, keyId]} once
// the transaction is mined. A field another op uses is a validation error.
// Failures map to problems as follows (the [DIDs] implementation wraps the
// sentinel; the detail is the cause's text except for 5xx):
//
//	400 validation          a field fails its rule (errors lists each field)
//	400 invalid-did         the path is not a DID
//	400 invalid-request     an operation that cannot apply (ErrInvalidOperation), e.g.
//	                        revoking a key the DID does not publish, or not a did:ethr
//	402 insufficient-funds  the paying account cannot cover the gas (ErrInsufficientFunds):
//	                        the relayer, or the owner when it sends its own transaction
//	404 not-found           unknown network, DID without a key in the keystore, unknown key
//	409 not-owner           the DID's current owner is an account whose key is not in the
//	                        keystore, or the registry refused the signer (ErrNotOwner); 409
//	                        rather than 403 because the request is authorized but conflicts
//	                        with the state on chain
//	410 deactivated         the DID is deactivated (ErrDeactivated)
//	422 reverted            the registry reverted the transaction (ErrReverted)
//	503 unavailable         the chain node is down, slow or serves another chain
//	                        (ErrChainUnavailable); 503 timeout when the request's time ran
//	                        out (the transaction may still be mined)
//
// POST /v1/dids and POST /v1/chain/deploy use the same mapping (201 on
// success). The deploy route makes the server connect to the rpcUrl in the
// body; it is as trusted as the admin token.
//
// # Request ids
//
// An incoming X-Request-ID of 1–128 characters from [A-Za-z0-9._:-] is kept;
// anything else is replaced by a fresh random id. The id is echoed in the
// X-Request-ID response header, in problem documents as request_id, and in
// every log line about the request.
//
// # Resolver endpoint
//
// GET /1.0/identifiers/{did-or-did-url} follows the DID Resolution HTTP(S)
// binding as the Universal Resolver implements it. The DID or DID URL is
// taken from the escaped request path, in one of two forms:
//
//   - As written ("/1.0/identifiers/did:web:example.com%3A8080"): the path is
//     the DID URL verbatim, percent-encodings included, except that the
//     first "%23" starts the fragment (a client cannot send a raw "#"). The
//     request query, if any, is the DID URL query (DID parameters such as
//     service and relativeRef), and resolution options cannot be passed as
//     query parameters.
//   - URL-encoded as a whole ("/1.0/identifiers/did%3Aweb%3Aexample.com%253A8080",
//     recognised by the encoded colon in "did%3A"): the path is
//     percent-decoded once, and the request query carries resolution options:
//     noCache=true|false, versionId, versionTime. Unknown options are a 400.
//
// In both forms "Cache-Control: no-cache" in the request sets the noCache
// option. A plain DID is resolved; anything with a path, query or fragment
// is dereferenced. A dereferencing result that is a redirect (service +
// relativeRef) answers 303 See Other with a Location header.
//
// The Accept header selects the representation:
//
//	application/did+json (also empty, */*, application/*)  the DID document
//	application/did+ld+json                              the DID document, @context added if missing
//	application/json                                     the DID document, served as application/json
//	application/ld+json;profile="https://w3id.org/did-resolution",
//	application/ld+json;profile="https://w3id.org/did-url-dereferencing",
//	application/did-resolution, application/did-url-dereferencing
//	                                                     the full resolution (or dereferencing) result
//
// anything else is 406. Statuses: 200; 303; 400 invalidDid/invalidDidUrl;
// 404 notFound; 406 representationNotSupported; 410 deactivated; 500
// internalError; 501 methodNotSupported. With a full-result representation
// the error body is the result itself, the code in its metadata "error"
// (and a deactivated DID's 410 body carries the document with
// didDocumentMetadata.deactivated true); with a document representation
// errors are problem+json. Responses carry "Vary: Accept".
//
// # Security considerations
//
// Admin routes require "Authorization: Bearer <Config.AdminToken>"; the
// token is compared as SHA-256 digests in constant time, and with no token
// configured the admin routes answer 403. Request bodies are capped by
// Config.MaxBodyBytes (413), JSON bodies must be application/json (415),
// must not contain unknown fields, duplicate member names (compared the way
// encoding/json matches field names, i.e. case-insensitively) or trailing
// data, and nest at most 32 levels deep. Every request runs under
// Config.RequestTimeout. Responses carry X-Content-Type-Options: nosniff, a
// deny-all Content-Security-Policy (the home page allows only its own
// hashed stylesheet and no script), X-Frame-Options: DENY and Referrer-Policy:
// no-referrer. The access log never records headers (no Authorization) or
// query strings. Panics become a 500 problem and are logged with a stack.
// Metric labels use the matched route pattern, never the raw path, so
// cardinality stays bounded. /metrics is not authenticated: bind the server
// to loopback or filter it at the proxy if that matters. The public routes
// that store records or cost CPU (limitedRoutes in ratelimit.go) are behind a
// per-client-IP token bucket (Config.RateLimit, on by default; 429 with
// Retry-After); X-Forwarded-For counts only from Config.RateLimit's trusted
// proxies. The SIWE session cookie is HMAC-signed (Config.CookieKey) and
// __Host- prefixed under https; unsigned values are refused.
//
// The handler does not set connection-level timeouts; the caller's
// [net/http.Server] must set ReadHeaderTimeout, ReadTimeout, WriteTimeout
// (above RequestTimeout) and IdleTimeout.
package api
