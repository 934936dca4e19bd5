// Package didkeys finds the public key of a verification method by
// resolving its DID: it is the KeyResolver the securing formats (jwtvc,
// sdjwt, dataintegrity) declare, implemented over the resolver package.
//
// [Keys.VerificationKey] takes a DID URL with a fragment ("did:…#key-1"),
// resolves the DID, and returns the key of the verification method only
// when the document lists that method under the asked relationship
// (assertionMethod for credentials, authentication for presentations).
//
// # Key material
//
// Keys are decoded with did.VerificationMethod.PublicKey: JWK, Multikey,
// base58 and hex encodings of Ed25519, P-256 and secp256k1 keys. One
// did:ethr form is added here: ERC-1056 attribute names are 32 bytes, too
// short for did/pub/EcdsaSecp256r1VerificationKey2019/…, so chainid
// publishes P-256 keys as did/pub/JsonWebKey2020/veriKey with the 65-byte
// uncompressed SEC1 point as value. ethr-did-resolver turns that into a
// JsonWebKey2020 method with publicKeyHex (which did-jwt verifies ES256
// with); this package reads a 65-byte uncompressed point in such a method
// as P-256 when it lies on P-256, and as secp256k1 when it lies on
// secp256k1. An uncompressed point cannot lie on both curves except with
// negligible probability, so the reading is unambiguous; compressed points
// in JsonWebKey2020 methods are refused.
//
// did:ethr methods of type EcdsaSecp256k1RecoveryMethod2020 (the
// controller, and delegates) carry only a blockchainAccountId, an address,
// and no public key: JWS and Data Integrity verification, which need the
// key, fail for them with ErrNoPublicKey. Issuers on did:ethr sign with
// keys published as did/pub attributes (Ed25519 and P-256), which do carry
// their key.
//
// # Security considerations
//
// The DID of the method is resolved on every call through the injected
// resolver (did:ethr answers from its chain index, never from a cache); a
// deactivated DID, a document whose id is not the DID asked for, and a
// method listed under another relationship are errors, never keys. The
// caller still decides which issuers it trusts.
package didkeys
