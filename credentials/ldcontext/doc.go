// Package ldcontext holds the JSON-LD context documents chainid accepts: a
// fixed, embedded, digest-pinned set, plus contexts a caller registers
// (for its own credential schemas) when it builds a Set.
//
// No context is ever fetched. A document that names a context URL outside
// the Set cannot be processed; that is how a verifier keeps an attacker from
// changing what the signed terms mean.
//
// # Provenance
//
// The embedded files are copied byte for byte from npm packages, the same
// bytes jsonld.js peers (@digitalbazaar/vc) load:
//
//	credentials-v2.jsonld, credentials-v1.jsonld, undefined-terms-v2.jsonld  @digitalbazaar/credentials-context 3.2.0
//	data-integrity-v2.jsonld, data-integrity-v1.jsonld  @digitalbazaar/data-integrity-context 2.0.1
//	multikey-v1.jsonld  @digitalbazaar/multikey-context 2.0.1
//	vc-bitstring-status-list-v1.jsonld  @digitalbazaar/vc-bitstring-status-list-context 1.1.0
//
// Their SHA-256 digests are pinned by the package tests. VC Data Model 2.0
// (appendix B.1) and VC 1.1 publish digests of the files W3C serves; the npm
// copies carry the same definitions in a different layout, so their bytes
// (and digests) differ from the W3C-served files: see the tests.
//
// The credentials v2 context has no @vocab: VC Data Model 2.0 removed it
// before the Recommendation (the issuer-dependent# vocabulary of earlier
// drafts is gone). Terms no context defines expand only through a context
// that declares an @vocab: UndefinedTermsV2 (built in), the specification's
// examples context, or a registered one such as chainid's generated schema
// contexts.
package ldcontext
