// Package issuer is the credential issuance service: it keeps issuers
// (a DID and its assertion keys) and their credential schemas, issues
// credentials in every securing format, changes their status, serves their
// status lists, keeps issuer-admin API keys, and verifies what it issues.
//
// # Issuing
//
// [Service.Issue] validates a subject against a schema the issuer
// registered ([Service.AddSchema]; field-level errors come back as a
// *[SubjectError]), allocates a revocation status entry (and a suspension
// entry when asked), builds a VC Data Model 2.0 credential
//
//	{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:…",
//	 "type": ["VerifiableCredential", TYPE?], "issuer": DID, "validFrom": …,
//	 "validUntil"?: …, "credentialSubject": SUBJECT,
//	 "credentialSchema": {"id": SCHEMA, "type": "JsonSchema"},
//	 "credentialStatus": [BitstringStatusListEntry…]}
//
// and secures it in each requested format:
//
//	vc+jwt           jwtvc, VC-JOSE-COSE (the credential is the JWS payload)
//	jwt_vc_json      jwtvc, VC 1.1 form (context v1, issuanceDate/expirationDate)
//	dc+sd-jwt        sdjwt: the subject's claims at the top level (id → sub), jti,
//	                 vct = the schema $id, iat/nbf/exp, cnf from the holder key,
//	                 and the W3C status entries in a clear credentialStatus claim
//	eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019   dataintegrity
//	zk               zkcred: a BN254 EdDSA signature for zero-knowledge proofs,
//	                 bound to the holder's commitment (Request.HolderCommitment);
//	                 needs Config.ZK and an issuer ZK key; never suspendable
//
// The JWT formats sign with the issuer's first key (Ed25519, P-256 or
// secp256k1), the eddsa suites with its Ed25519 key and ecdsa-rdfc-2019
// with its P-256 key. Finally it records the credential's id, issuer,
// schema, status entries, formats and validity in the store, never its
// claims. [Service.IssueCredential] is the VC-API variant: it signs a
// complete credential in one format.
//
// # Status
//
// Each issuer has Bitstring Status Lists per purpose under its StatusBase
// URL (fixed when the issuer is added, so the URLs inside issued
// credentials stay valid): StatusBase + escaped DID + "/" + purpose + "/" +
// sequence. [Service.Revoke], [Service.Suspend] and [Service.Reinstate]
// flip bits by credential id. [Service.StatusList] returns the signed list
// credential to serve: a Data Integrity credential (eddsa-rdfc-2022 with the
// issuer's Ed25519 key, else ecdsa-rdfc-2019 with its P-256 key) as
// application/vc+ld+json, or, for an issuer with only a secp256k1 key, a
// vc+jwt. Data Integrity was chosen because it is what VC-API clients and
// the @digitalbazaar status checkers expect at a status list URL; the list
// is signed once per change and kept in memory, so the canonicalization
// cost is not paid per request.
//
// # Key rotation
//
// [Service.RotateKey] records a new assertion key that the caller has
// generated and published in the issuer's DID document (cmd/chainid adds a
// did:ethr did/pub attribute). It becomes the signing key of its type; the
// active keys of that type are retired: they sign nothing more but stay in
// the record (and must stay published) so that credentials and status lists
// they signed keep verifying. Each retired key carries RetireAfter, the
// latest validUntil of the credentials the issuer had issued (zero when one
// never expires): the earliest time it may be unpublished. Nothing
// unpublishes it automatically. A did:key (or did:jwk) issuer cannot rotate:
// the DID is the key ([CanRotate]).
//
// # Verifying
//
// [Verifier] checks credentials and presentations of every format with a
// KeyResolver (credentials/didkeys), the validity period, and each status
// entry through [Service.CheckStatus], which reads the lists hosted here
// from the store. Status lists hosted elsewhere are not fetched (that is
// the verifier package's job, with its SSRF guards): such entries fail the
// credential ("status could not be checked") rather than pass unchecked.
//
// # Security considerations
//
//   - Status indexes are allocated at random, committed before the
//     credential is signed, and never reused, also across kill -9: a crash
//     between allocation and recording wastes an index.
//   - The issued-credential index holds no personal data.
//   - API keys are 32 random bytes behind the "cid_" prefix; only their
//     SHA-256 is stored, and lookups go by that hash.
//   - Issuer private keys stay in the keystore (encrypted at rest); the
//     service opens a signer per operation and never logs it.
//   - A verification result names the issuer that signed; trusting that
//     issuer is the caller's decision.
package issuer
