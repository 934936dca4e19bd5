// Package registry deploys and writes to the ERC-1056 EthereumDIDRegistry contract that anchors
// did:ethr identities: the contract source, its committed compiler artifact and abigen bindings,
// and a Writer that sends owner changes, delegates and attributes as direct transactions or as
// owner-signed meta-transactions relayed by another account.
//
// # Contract
//
// EthereumDIDRegistry.sol is written for chainid from the text of ERC-1056. Its ABI (19 entries)
// equals the one bundled in ethr-did-resolver, so the npm peers and this package read and write the
// same contract. `go generate` compiles it with the pinned solc-js in solc/ (EVM target cancun,
// optimizer on) into EthereumDIDRegistry.json/.abi/.bin and regenerates registry.go with abigen
// --v2; TestGeneratedUpToDate fails when those files are stale. Bytecode, DeployedBytecode and ABI
// read the embedded artifact.
//
// Revert reasons are "bad_actor" (the transaction sender, or for a signed call the signer, is not
// the identity's current owner) and "bad_signature" (a signed call whose signature does not
// recover to the current owner). The Writer maps them to ErrNotOwner and ErrBadSignature.
//
// # Writes
//
// A Writer is bound to one chain (WriterConfig.ChainID, checked against the node on first use)
// and one registry address. Every operation estimates gas and adds a margin (a second update of
// the same identity in the next block costs more than an estimate taken against the block
// before), manages the sender's nonce so that concurrent calls for one sender get consecutive
// nonces, and waits for the receipt up to WriterConfig.ReceiptTimeout. Reverts, an underfunded
// sender and timeouts come back as *RevertError, *InsufficientFundsError and *ReceiptTimeoutError.
//
// Creating an identity is free and needs no transaction: every address owns itself until its
// owner calls ChangeOwner.
//
// # Security considerations
//
// The digest that the ...Signed variants verify is
//
//	keccak256(0x19 || 0x00 || registry || nonce[owner] || identity || "<function>" || arguments)
//
// (ERC-191 version 0, "data with intended validator"). It binds the registry address and the
// owner's nonce but not the chain ID: a signature made for a registry on one chain is also valid
// for a registry at the same address on another chain whenever the owner's nonce there has the
// same value. Registries deployed by the same deployer key and nonce share an address across
// chains (the canonical ERC-1056 deployment has the same address on many networks), so an owner
// who signs meta-transactions for several chains with one key can have a signed change replayed
// on a chain it was not meant for. Mitigations: use a separate owner key per chain, or prefer
// direct transactions (whose EIP-155 signature binds the chain) for chains that share a registry
// address. The weakness is in the standard; fixing it would change the digest and break every
// existing signer.
//
// The nonce is read when the digest is built and consumed when the relayed call is mined; two
// signed operations for the same owner must therefore be signed and relayed one after the other.
// Every signed variant hashes nonce[identityOwner(identity)], as ethr-did-registry 1.0 does. The
// older deployment at 0xdca7ef03… hashed nonce[identity] for the attribute variants; the npm
// EthrDidController reproduces that by default ("legacyNonce"), which differs from this registry
// only for an identity whose owner has changed, so such clients must pass legacyNonce = false.
//
// Deactivate sets the owner to the zero address. Resolvers (ethr-did-resolver and ours) treat the
// DIDOwnerChanged event with owner 0x0 as the end of the identity. On chain, however,
// identityOwner returns the identity itself when no explicit owner is stored, so after
// deactivation the identity's own key could still send further changes; resolvers must ignore
// them, and deactivation is irreversible only as far as resolvers are concerned.
package registry
