// Package dataintegrity secures JSON credentials and presentations with W3C
// Data Integrity 1.0 proofs and verifies them, with the cryptosuites
// eddsa-rdfc-2022 and eddsa-jcs-2022 (VC Data Integrity EdDSA) and
// ecdsa-rdfc-2019 on P-256 (VC Data Integrity ECDSA).
//
// A Processor adds a proof (AddProof) and verifies every proof of a
// document (Verify): proof sets are verified proof by proof, proof chains
// (previousProof) over the document carrying the proofs they name, and the
// result lists each proof with its verification method, controller and
// error. The document verifies only when every proof does.
//
// The signed bytes are SHA-256(canonical proof configuration) ||
// SHA-256(canonical document): RDF Dataset Canonicalization (RDFC-1.0, the
// URDNA2015 algorithm) of the JSON-LD for the rdfc suites, the JSON
// Canonicalization Scheme (RFC 8785, implemented in internal/jcs) for the
// jcs suite. The specifications' test vectors are reproduced byte for byte
// (testdata/vectors).
//
// # JSON-LD processor
//
// JSON-LD expansion, conversion to RDF and URDNA2015 come from
// github.com/piprate/json-gold v0.9.1, used through its published API behind
// the package's canonicalizer interface (rdfc.go). It was chosen over
// hyperledger/aries-framework-go v0.3.2 (whose processor wraps json-gold
// v0.4.2): v0.9.1 has a safe mode for undefined properties, and aries adds
// its own rewriting of documents (duplicate-id removal, invalid-RDF
// filtering) that jsonld.js does not do, and pulls testify and yaml into
// production builds. Build cost, measured with a warm standard-library
// cache on the 2-core build machine: json-gold and its two small
// dependencies (cayleygraph/quad, pquerna/cachecontrol) 3.8 s; aries'
// signature/jsonld package 9.9 s. Canonical output equals jsonld.js's (the
// EdDSA vectors and the interop tests with @digitalbazaar/vc show it).
//
// # Security considerations
//
//   - Contexts come only from an ldcontext.Set: the built-in, digest-pinned
//     contexts plus those the caller registers. A document naming any other
//     context URL or an inline context definition, at the top level or in an
//     embedded document (a credential inside a presentation), is refused
//     (ErrContext) before the JSON-LD processor sees it, so @vocab swaps and
//     term redefinitions cannot change what a signature means. Nothing is
//     fetched.
//   - Safe mode: a property, type or id that does not expand to an absolute
//     IRI is refused (ErrUndefinedTerm) rather than silently dropped from
//     the signed data, as jsonld.js does in safe mode. A term that expands
//     through the @vocab of a context in the document is defined: the VC
//     Data Model 2.0 examples (context examples/v2, registered by the
//     caller) and credentials naming ldcontext.UndefinedTermsV2 (built in)
//     are signed and verified. The credentials v2 context itself has no
//     @vocab (VC Data Model 2.0 removed it before the Recommendation, and
//     the npm copy jsonld.js peers load has none), so v2 alone leaves such
//     terms undefined, in jsonld.js as here; so does VC 1.1's. Blank-node
//     properties ("_:b0", no RDF form) are refused as jsonld.js refuses
//     them, and so is a member named "" (json-gold v0.9.1 drops its value
//     silently where jsonld.js expands it to the @vocab IRI): neither may
//     fall out of the signed data. testdata/vocab records jsonld.js's
//     canonical N-Quads or refusal for each such case and the tests
//     compare.
//   - Canonicalization work is bounded before URDNA2015 runs: at most
//     MaxBlankNodes blank nodes, and at most MaxAmbiguousBlankNodes blank
//     nodes that share a first-degree hash (the nodes the N-degree hash
//     permutes; blank-node poison graphs are made of them). The caller's
//     context deadline is honoured as well. Integers beyond 2^53 are
//     refused, since JSON-LD processors write them differently.
//   - Input is strict JSON (duplicate members, lone surrogates, invalid
//     UTF-8 refused) of bounded size and depth, with at most MaxProofs proofs.
//   - A proof must be a DataIntegrityProof of an accepted cryptosuite, for
//     the purpose the verifier expects (an assertionMethod proof is not
//     accepted for authentication, nor the reverse); authentication proofs
//     need the verifier's challenge, and a domain the verifier names must be
//     the proof's. The key comes from the KeyResolver for the proof's
//     purpose, so a method not listed under that relationship fails. The
//     verification method's DID must be the document's issuer (holder for
//     authentication) unless Config.SkipIssuerMatch. Expired proofs fail.
//   - Verify checks the proofs on the document it is given: for a
//     presentation, the presentation's proofs, which cover the whole
//     presentation including the credentials it embeds (with their own
//     @context and proofs, each credential a named graph of the canonical
//     dataset, as jsonld.js makes it), so changing an embedded credential
//     breaks the presentation's proof. The embedded credentials' own proofs
//     are verified by calling Verify on each. An embedded document may carry
//     an @context only at its own top level and only under a @graph-container
//     term (verifiableCredential); its contexts must be in the Set like the
//     presentation's. (json-gold v0.9.1 loses the @graph container of
//     verifiableCredential in the credentials v2 context, whose term scopes
//     "@context": null; rdfc.go writes those graph objects out explicitly, and
//     the tests compare the canonical N-Quads with jsonld.js.)
//   - eddsa-jcs-2022 does no JSON-LD processing (as specified), but its
//     document's contexts are still checked against the Set.
package dataintegrity
