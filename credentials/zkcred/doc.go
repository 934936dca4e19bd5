// Package zkcred defines the ZK credential: the versioned JSON document that
// carries an issuer's BN254 EdDSA signature over the Poseidon2 message of a
// zkp.Credential, together with the encoding of schema-typed subject values,
// the holder-commitment input and the anchors an issuer publishes in its
// did:ethr document.
//
// # Format, version 1
//
// A ZK credential is issued next to the standard formats of the same
// credential (same id, same status entry). Its media type is
// application/vnd.chainid.zkcred+json (MediaType) and its JSON form is
//
//	{
//	  "type": "ChainIDZKCredential",
//	  "version": 1,
//	  "id": "urn:uuid:…",
//	  "issuer": "did:ethr:0x539:0x…",
//	  "schema": "https://issuer.example/schemas/person.json",
//	  "attributes": [
//	    {"name": "birthDate",   "type": "date",    "value": "1990-04-01"},
//	    {"name": "age",         "type": "integer", "value": 35},
//	    {"name": "member",      "type": "boolean", "value": true},
//	    {"name": "nationality", "type": "enum",    "value": "FR", "values": ["DE", "FR", "NL"]},
//	    {"name": "familyName",  "type": "string",  "value": "Dupont"}
//	  ],
//	  "holderCommitment": "1234…",
//	  "status": {"statusListCredential": "https://…/status/did%3Aethr…/revocation/0", "statusListIndex": 4711},
//	  "issuedAt": "2025-03-01T12:00:00Z",
//	  "expiresAt": "2026-03-01T12:00:00Z",
//	  "signature": "base64url(64 bytes)"
//	}
//
// Every member is required except expiresAt (absent: the credential never
// expires, zkp.NeverExpires) and values (present for, and only for, enum
// attributes). Parse refuses unknown members, duplicate member names at any
// depth (compared case-insensitively, as encoding/json matches them: "id"
// and "ID" are one name), a type or version other than the above, more than
// zkp.MaxAttributes attributes, duplicate or empty attribute names, values
// that do not encode under their type, non-canonical field elements
// (holderCommitment is canonical decimal, 0 < c < r), status indexes ≥
// zkp.MaxStatusBits, times that are not RFC 3339 UTC ("Z") with whole seconds
// or lie outside the encodable range, expiresAt not after issuedAt, and a
// signature that is not the 64-byte canonical zkp.Signature encoding.
//
// The signed zkp.Credential is derived, never carried: SchemaID is
// zkp.SchemaElement(schema), Attributes[i] is the encoding of attribute i
// (slots beyond the list are 0), HolderCommitment, StatusIndex, IssuedAt and
// ExpiresAt are the members above. Parse does not verify the signature (the
// issuer key is not in the document): call Credential.Verify with the key
// read from the issuer's DID document (ReadAnchors).
//
// # Attribute encoding
//
// Values are encoded by zkp.AttributeSpec.Encode under zkp.EncodingVersion:
// integer: a JSON number in plain integer syntax (no fraction, no exponent)
// in the signed 64-bit range; date: "YYYY-MM-DD"; datetime: RFC 3339;
// boolean: true or false; enum: one of values, encoded as its index; string:
// valid UTF-8 of at most zkp.MaxStringBytes bytes, hashed. EncodeSubject
// applies the same rules to a credential subject, in the order and with the
// types of a schema's x-chainid-zk list (Layout), and refuses a subject that
// lacks an attribute or whose value does not fit.
//
// # Holder commitment
//
// A holder binds a ZK credential to itself by sending, at issuance, the
// commitment zkp.HolderCommitment(secret) of a secret it keeps
// (zkp.NewHolderSecret), as a canonical decimal field element.
// ParseHolderCommitment refuses signs, leading zeros, hexadecimal, values ≥ r
// and zero.
//
// # Anchors
//
// An issuer publishes three values as ERC-1056 service attributes of its
// did:ethr identity; both our resolver and ethr-did-resolver render each as
// a service {"id": DID#service-N, "type": TYPE, "serviceEndpoint": VALUE}:
//
//	attribute name                 TYPE                   VALUE
//	did/svc/ChainIDZKIssuerKey     ChainIDZKIssuerKey     urn:chainid:zk:v1:issuer-key:SEQ:BASE64URL(32-byte compressed key)
//	did/svc/ChainIDZKVerifyingKey  ChainIDZKVerifyingKey  urn:chainid:zk:v1:vk-sha256:SEQ:HEX(32-byte digest)
//	did/svc/ChainIDZKStatusRoot    ChainIDZKStatusRoot    urn:chainid:zk:v1:status-root:SEQ:DECIMAL(root)
//
// SEQ is a decimal sequence number that grows with every new value of that
// kind. When a value changes the issuer first adds the new attribute and then
// revokes the old one, so for a moment, or for good if the revocation failed,
// the document holds both. ReadAnchors therefore takes, per kind, the entry
// with the highest SEQ; two entries with the same SEQ and different values
// are ambiguous and refused (ErrAmbiguousAnchor), as is any malformed entry
// of these types (ErrInvalidAnchor: fail closed rather than fall back to an
// older value). The issuer key and the status root are required
// (ErrNoAnchor); the verifying-key digest is optional and absent when the
// issuer had no ZK keys when anchoring (Anchors.HasVerifyingKeyDigest).
// ReadAnchors reads nothing but the document it is given; verifiers get that
// document from the chain through the resolver, never from a holder.
//
// The status root is the zkp.StatusTree root of the first 131,072 bits of the
// issuer's first revocation list (sequence 0). ZK credentials always take
// their status index from that list, so one anchored root covers all of an
// issuer's ZK credentials; once it is full, ZK issuance fails. Every
// revocation re-anchors the root in the same call that changes the list
// (Anchorer.AnchorStatus).
//
// If that chain write fails, the revocation stays recorded in the status
// list but the call reports an error saying the root was not anchored, and
// the chain keeps the old root: until the current root is anchored, proofs
// of the revoked credential still verify. Retrying the revocation, any
// later revocation by the issuer, or (for the default issuer) the next
// server start anchors the current root. A failed write still uses up its
// sequence number, so a write that failed on our side but was mined can
// never be overtaken by an older value. Before allocating a number the
// Anchorer reads the issuer's document from the chain (resolver, cache
// bypassed) and continues above the highest number there, so a store that
// was reset or restored from a backup cannot publish a root that
// ReadAnchors would rank below an older one; a value already current on
// chain is not sent again, and older values found there are revoked.
//
// Suspension is not part of the ZK statement: a ZK credential is issued
// without a suspension entry, and the issuer refuses the "zk" format for
// requests that ask for one.
//
// # Security considerations
//
//   - The issuer key inside a credential would be the holder's word; the
//     format therefore carries none, and verifiers take the key, the
//     verifying-key digest and the status root from the issuer's DID
//     document as resolved from the chain.
//   - A revocation takes effect for ZK proofs when the new root is mined and
//     the verifier resolves the document again; a resolver cache delays it by
//     its TTL.
//   - The ZK signature covers the status index but not the list: binding ZK
//     credentials to one list per issuer is what keeps a revoked holder from
//     proving against another list's root.
//   - Anchors are only as trustworthy as the DID's controller key: whoever
//     controls the did:ethr identity can publish any key or root.
package zkcred
