// Package jwtvc secures verifiable credentials and presentations as JSON Web
// Tokens: the VC-JOSE-COSE form for VC Data Model 2.0 (typ "vc+jwt" and
// "vp+jwt", the JWS payload is the credential itself) and the VC 1.1
// "jwt_vc_json" form of OpenID4VCI (registered claims iss, sub, nbf, exp, jti
// beside a "vc" or "vp" claim).
//
// [Sign] and [SignPresentation] take the credential or presentation as JSON
// bytes, a crypto.Signer and the verification method id (a DID URL of the
// issuer or holder, written as the JOSE "kid"); the algorithm follows from
// the key: EdDSA for Ed25519, ES256 for P-256 and ES256K for secp256k1.
// [Verify] and [VerifyPresentation] check a compact JWS against keys from a
// [KeyResolver] and return the verified JSON, the issuer or holder DID and
// the key id used. Presentations return the credentials they carry
// unverified, for the caller to verify one by one.
//
// JOSE is done with github.com/lestrrat-go/jwx/v2: signing goes through
// its message API (jws.Headers, jws.Signature.Sign, which also writes the
// compact serialization), verification splits with jws.SplitCompact and
// checks signatures with jwx's jws.Verifier for EdDSA and ES256. Two parts
// are not jwx's:
//   - ES256K. jwx/v2 implements it only when built with the jwx_es256k tag,
//     so the package uses the ES256K [jws.Signer] and [jws.Verifier] of the
//     module's internal/es256k (over github.com/decred/dcrd/dcrec/secp256k1/v4)
//     and hands them to the same message API, instead of registering them with
//     jws.RegisterSigner/RegisterVerifier: those registries are
//     process-wide, and writing to them would change what every other jwx
//     user in the program accepts. No build tag is needed.
//   - Reading the protected header on verification. jws.Parse decodes the
//     header parameter by parameter through a json.Decoder (about 10 µs per
//     token, as much as everything else Verify does besides the signature),
//     keeps the last of duplicate parameters and decodes base64 leniently;
//     the header is instead read with the package's duplicate-refusing
//     scanner from strict base64url.
//
// # Security considerations
//
// Verification trusts nothing in the token that could choose its own key:
//   - Only compact serialization is read; JWS JSON serialization (and with it
//     multiple signatures and unprotected headers) is refused.
//   - alg must be EdDSA, ES256 or ES256K, in the caller's allow-list, and
//     match the type of the resolved key; "none" and HMAC algorithms (HS256
//     "signed" with a public key) are refused.
//   - kid is required and must be an absolute DID URL with a fragment whose
//     DID is the credential's issuer (the presentation's holder); the key is
//     asked of the KeyResolver under assertionMethod for credentials and
//     authentication for presentations, so a key authorized for one purpose
//     cannot sign for the other.
//   - jku, x5u, jwk and x5c headers are refused, not ignored, so that a
//     token never looks as if a key it carries had been considered; crit is
//     refused (no extension is understood), and so is b64 (RFC 7797).
//   - typ separates credentials from presentations: a vp+jwt (or a JWT with
//     a "vp" claim) is not a credential and the reverse; vc+jwt payloads
//     must not carry "vc"/"vp" claims.
//   - Tokens over MaxTokenSize (256 KiB by default), duplicate member names
//     in the header or payload at any depth, and JSON nested deeper than
//     MaxDepth (64 by default) are refused before any signature work.
//   - nbf, exp, iat, validFrom/validUntil and issuanceDate/expirationDate
//     are checked against the injected clock with the given leeway, only
//     after the signature has verified, so that time errors
//     ([ErrExpired], [ErrNotYetValid]) speak only of authentic tokens.
//
// A valid signature says who issued a credential, not whether to trust that
// issuer: callers check [Verified.Issuer] against the issuers they accept.
// ES256K signatures are produced with low S; high-S signatures are accepted
// on verification, as RFC 8812 does not forbid them.
package jwtvc
