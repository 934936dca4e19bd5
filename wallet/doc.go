// Package wallet is chainid's holder wallet: it keeps the holder's keys and
// credentials in its own data directory, receives credentials through
// OpenID4VCI pre-authorized code offers, and answers OpenID4VP
// presentation requests with the credentials that satisfy the request's
// DCQL query, disclosing only the claims the query asks for.
//
// A Wallet opens DIR/wallet.db (a store with the wallet buckets; keys in
// the keys bucket, sealed by internal/keystore under the secret the caller
// passes). Init creates the holder key (did:key or did:jwk). Receive runs
// the OpenID4VCI pre-authorized code flow (token, nonce, credential with a
// jwt key proof made by the holder key); Import stores a credential
// obtained out of band (format detected). Present fetches and verifies the
// authorization request (oid4vp.Client), selects credentials with
// verifier/dcql.Match (the verifier's preferred claim set; only the claims
// the query names) and answers with:
//
//   - dc+sd-jwt: the SD-JWT with only the disclosures of the requested
//     claims and a Key Binding JWT over the verifier's nonce and client_id;
//   - jwt_vc_json: a VP-JWT (jwt_vp_json) with nonce and aud;
//   - ldp_vc: a Data Integrity presentation whose authentication proof has
//     challenge = nonce and domain = client_id, signed by the holder key
//     (eddsa-jcs-2022 for Ed25519, ecdsa-rdfc-2019 for P-256); schema
//     contexts of chainid issuers are fetched from the issuer service the
//     credential came from;
//   - chainid_zk: a zero-knowledge proof of the query's meta.zk_request,
//     whose nonce and audience must be the OpenID4VP request's, made by the
//     Prover the caller configures: StoredZKProver proves with the ZK
//     credentials stored in the wallet (wallet/zk*.go has the proving
//     helpers).
//
// # Security considerations
//
// The wallet answers only requests whose request object verifies with the
// key of the verifier's DID (or unsigned redirect_uri requests whose
// response_uri is the client_id); it prints the verifier's client_id so the
// user knows who asks. Received credentials are decoded, not verified: the
// wallet trusts the issuer it talked to over TLS, and the verifier checks
// everything. Keys never leave the keystore unsealed on disk.
package wallet
