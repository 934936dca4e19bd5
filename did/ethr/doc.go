// Package ethr resolves did:ethr DIDs from an index of ERC-1056 registry
// events, producing the documents and metadata that the reference resolver,
// ethr-did-resolver 11.1.3, produces for the same chain state.
//
// # DIDs and networks
//
// A DID names an identity by its Ethereum address or by a compressed
// secp256k1 public key (whose address is the identity), optionally after a
// network part: did:ethr:0xADDR, did:ethr:NETWORK:0xADDR,
// did:ethr:0xCHAINID:0xADDR, did:ethr:[NETWORK:]0x02…/0x03…. Networks are
// configured with a name and a chain ID (Network); a DID finds its network
// by that name or by the chain ID in lower-case hex ("0x539"). A DID without
// a network part means the network named "mainnet", as in the reference;
// when none is configured under that name the DID is unknown
// (ErrUnknownNetwork, which also matches did.ErrNotFound; the reference's
// error code is "unknownNetwork").
//
// # Documents
//
// The document is rebuilt from the identity's registry events exactly as
// the reference's wrapDidDocument does: the #controller
// EcdsaSecp256k1RecoveryMethod2020 of the current owner, #controllerKey for a
// public-key DID while the identity owns itself, delegates (veriKey,
// sigAuth) and did/pub/… attributes as #delegate-N, did/svc/… attributes as
// #service-N, with the reference's numbering (one counter for delegates and
// keys, one for services, advanced in event order also by revocations and
// expired entries), key encodings (publicKeyHex, publicKeyBase64,
// publicKeyBase58, publicKeyPem, value), service endpoints parsed as
// JavaScript's JSON.parse would, and validity checked against Config.Now
// (the latest version) or the requested block's timestamp (versionId).
// Owner 0x0 deactivates: the document keeps only its id, empty method lists
// and @context, and metadata says deactivated. Known divergences, all on
// inputs no DID tool writes: attribute names that spell members of
// JavaScript's Object.prototype, service JSON with lone UTF-16 surrogate
// escapes, and error codes (below).
//
// # Index
//
// An Indexer per network follows the registry's logs with eth_getLogs in
// ranges of Config.LogRange blocks, Network.Confirmations behind the head,
// and stores each identity's changes (block, hash, timestamp, transaction
// and log index, event) in an IndexStore (internal/store implements it in
// bbolt). Before every resolution it reads the head; when the head moved it
// checks that the indexed tip is still on the chain (by hash), walks back
// through the blocks that carried events to the newest one the chain still
// has after a reorg, deletes everything above it, and indexes forward. A
// warm resolution therefore costs one RPC call whatever the length of the
// identity's history; the reference makes one eth_getLogs per block that
// changed the identity, plus an eth_call and block reads for the metadata.
//
// # Errors
//
// Malformed identifiers, bad EIP-55 checksums and invalid public keys wrap
// did.ErrInvalidDID (the reference reports some of these as notFound). A
// failing, slow or inconsistent node gives ErrChainUnavailable and a node
// on another chain ErrWrongChain; the reference reports both as notFound.
// We keep them apart so that an outage is never taken for a missing DID.
//
// # Security considerations
//
// Resolution never answers from the index alone: when the head check fails
// the resolution fails (unless Config.HeadFreshness is set, which allows
// answers as old as that window). Every node call has a deadline
// (Config.RPCTimeout). Logs outside the requested range or registry, and
// logs of one block with different hashes, are refused. With
// Confirmations 0 a document can include a change that a later reorg
// removes; the index follows the reorg, but an answer already given
// stands. The chain ID is verified before the first read.
package ethr
