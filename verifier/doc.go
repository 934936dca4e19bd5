// Package verifier is the one verification pipeline of chainid: it takes a
// credential or a presentation in any supported form, detects its format, runs
// every applicable check and reports each one with pass/fail and a reason,
// deciding "verified" by a caller-supplied Policy.
//
// # Formats
//
// Verifier.Verify detects the format of Input.Credential or
// Input.Presentation (a JSON object, or a JSON string / raw compact token):
//
//	jwt_vc_json / vc+jwt     a JWT-secured credential (VC 1.1 "vc" claim or VC-JOSE-COSE)
//	jwt_vp_json / vp+jwt     a JWT-secured presentation, with its embedded credentials
//	dc+sd-jwt                an SD-JWT VC, with or without a Key Binding JWT
//	ldp_vc / ldp_vp          a Data Integrity credential or presentation
//	                         (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019)
//	zk                       a zero-knowledge proof object (type TypeZKProof),
//	                         delegated to Config.ZK
//
// EnvelopedVerifiableCredential/Presentation objects (data: URLs) are unwrapped
// to their token first.
//
// # Checks
//
// Every check a format admits appears in Result.Checks, in this order, with
// Passed and a Reason:
//
//	syntax          the input parses and follows its format and the data model
//	issuer_key      the signing key is a verification method of the issuer's
//	                (holder's) DID listed under assertionMethod (authentication
//	                for presentations), resolved through the DID resolver at
//	                verification time, so did:ethr key rotations count
//	signature       the signature verifies with that key
//	trusted_issuer  the issuer is one the Policy trusts
//	validity        validFrom/validUntil (nbf/exp, iat) against the clock ± Policy.Leeway
//	status          each Bitstring Status List entry: the list is fetched (bounded
//	                size and time, cached), its own proof and issuer verified, and
//	                the bit must be clear
//	schema          credentialSchema of type JsonSchema validates the subject
//	holder_binding  a presentation is bound to the expected nonce/challenge and
//	                audience/domain (VP proof, VP-JWT nonce/aud, KB-JWT
//	                nonce/aud/sd_hash), and its holder is the subject of every
//	                credential that names one
//	zk_proof        the zero-knowledge proof and its public inputs (Config.ZK)
//
// Checks of a presentation's embedded credentials carry Target
// "credentials/N". A check that does not apply to an input (no status entry,
// no credentialSchema) is reported as passed with a reason saying so. A check
// whose prerequisite failed (signature after an unusable key) is reported as
// failed with reason "not checked: …".
//
// # Policy
//
// Policy decides what Verified means. Its zero value is strict: every check is
// required, no issuer is trusted (so nothing verifies until the caller names
// the issuers it trusts or sets AnyIssuer), every supported format and
// algorithm is accepted, no clock skew is tolerated, and a presentation must
// be bound to Input.Nonce (and Input.Audience when given).
//
// # Security considerations
//
//   - Keys come only from the issuer's (holder's) DID document through the
//     resolver; jku/x5u/jwk headers are refused by the format packages, and a
//     key under the wrong relationship is not a key.
//   - Verify returns an error only for input that is not a credential or
//     presentation at all (the API answers 400); everything else is a Result
//     with Verified false, so callers must check Verified.
//   - Status lists are fetched only over the injected Fetcher with size and
//     time limits; an entry that cannot be evaluated fails the status check
//     (fail closed), never passes it.
//   - Data Integrity contexts come only from the built-in set.
package verifier
