// Package oid4vci implements the credential issuer side of OpenID for
// Verifiable Credential Issuance 1.0 for the pre-authorized code flow,
// with the dc+sd-jwt and jwt_vc_json formats, independent of HTTP.
//
// A Service publishes the Credential Issuer Metadata and the OAuth
// authorization server metadata of its token endpoint, creates credential
// offers (CreateOffer), exchanges pre-authorized codes for access tokens
// (Token), hands out c_nonces (Nonce) and answers credential requests
// (Credential) by verifying the wallet's jwt key proofs and calling the
// Issuer the caller provides. Requests and responses are typed values whose
// JSON tags are the protocol's member names; refusals are *ProtocolError
// values carrying the protocol's error code and HTTP status. An HTTP layer
// decodes, calls one method, and encodes:
//
//	GET  /.well-known/openid-credential-issuer[/path]   Metadata
//	GET  /.well-known/oauth-authorization-server[/path] AuthorizationServerMetadata
//	POST token endpoint (form)     TokenRequestFromForm, Token
//	POST nonce endpoint            Nonce
//	POST credential endpoint       BearerToken, ParseCredentialRequest, Credential
//
// Token, nonce and credential responses must carry Cache-Control: no-store.
//
// # Security considerations
//
// Pre-authorized codes and access tokens are 256-bit random values that are
// stored only as SHA-256 hashes. A code is single use and expires
// (Config.OfferTTL); redeeming it a second time is invalid_grant and
// revokes the access token issued the first time (RFC 6749 §4.1.2). The
// optional transaction code is short, so wrong guesses are counted and the
// code is burned after Config.MaxTxCodeAttempts; its stored hash is keyed by
// the code, so a stolen store file does not allow an offline search.
// Anyone holding a code without a transaction code can redeem it: send
// codes for sensitive credentials with a tx_code over a second channel.
//
// Access tokens are bearer tokens valid for Config.TokenTTL (5 minutes by
// default) for the offer's configurations only, and may be used for
// several credential requests until then (OpenID4VCI 1.0 §11.3).
//
// c_nonces are authenticated by an HMAC and carry their expiry, so the
// unauthenticated nonce endpoint stores nothing; a nonce is recorded as used
// when a proof spends it, which makes it single use. Every proof must carry
// one. A key proof must be typed openid4vci-proof+jwt, signed with EdDSA,
// ES256 or ES256K (none and MACs are refused before any key is looked at),
// name its key by exactly one of jwk (public members only) or kid (a
// did:key or did:jwk DID URL under authentication, resolved locally; other
// DID methods only through Config.KeyResolver), have aud equal to the
// credential issuer identifier and an iat within NonceTTL+ClockSkew in the
// past and ClockSkew in the future. jku, x5u, x5c and crit are refused,
// never fetched. Headers and payloads with duplicate JSON members are
// refused, so no two parsers can read a proof differently.
//
// Holder binding is always required: every configuration advertises
// cryptographic_binding_methods_supported and the jwt proof type.
// Credential response encryption, credential_identifier, deferred issuance
// and notifications are not supported and refused with the spec's codes.
package oid4vci
