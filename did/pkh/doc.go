// Package pkh builds the DID documents of did:pkh identifiers, which wrap a
// blockchain account id (CAIP-10) such as
// did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a.
//
// Resolution is purely generative (no I/O), following the did:pkh method
// draft and its test vectors: the document has one verification method,
// #blockchainAccountId, of type EcdsaSecp256k1RecoveryMethod2020 whose
// blockchainAccountId is the CAIP-10 account id, referenced from
// authentication, assertionMethod, capabilityInvocation and
// capabilityDelegation; the @context is DID Core v1 plus the embedded term
// definitions the specification lists. Solana accounts get the two
// Ed25519 methods (#controller and #SolanaMethod2021) of the specification's
// solana vector, with the public key taken from the address.
//
// Supported namespaces:
//
//   - eip155 (EVM chains): reference is the decimal chain id without leading
//     zeros; the address is 0x and 40 hex digits. All-lower-case and
//     all-upper-case addresses are accepted as written; a mixed-case address
//     must carry a correct EIP-55 checksum.
//   - bip122 (Bitcoin and forks): reference is 32 lower-case hex digits (the
//     genesis block hash prefix); the address is base58check (P2PKH/P2SH,
//     any version byte) or bech32/bech32m (segwit), with its checksum
//     verified.
//   - solana: reference is a 32-character base58 genesis hash prefix; the
//     address is the base58 Ed25519 public key (32 bytes).
//
// # Errors
//
// Identifiers that break CAIP-10 syntax, or a supported namespace's rules
// (bad chain id, bad address, bad checksum), wrap [did.ErrInvalidDID].
// A well-formed CAIP-10 account in a namespace this package does not support
// (tezos, cosmos, …) wraps [did.ErrMethodNotSupported]: the identifier may be
// valid, this resolver just cannot build its document.
//
// # Address case
//
// DIDs compare as strings, so did:pkh:eip155:1:0xabc… and
// did:pkh:eip155:1:0xABC… are different DIDs for the same account. Resolve
// keeps the address exactly as written (the document id must equal the DID).
// [New] always emits the EIP-55 checksummed form, the form Sign-In with
// Ethereum messages carry; use [Account.Equal] to compare accounts across
// spellings.
//
// # Security considerations
//
// A did:pkh document carries no public key for EVM and Bitcoin accounts: a
// signature is checked by recovering the signer's key and comparing its
// address with blockchainAccountId. Nothing here shows the account exists or
// that anybody controls it. Solana addresses that are not Ed25519 points
// (program-derived addresses) are not detected.
package pkh
