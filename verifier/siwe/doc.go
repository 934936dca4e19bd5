// Package siwe verifies Sign-In with Ethereum (EIP-4361) logins: it parses a
// message strictly by the specification's ABNF, checks every field against
// what the server expects, recovers the EIP-191 signer or asks an ERC-1271
// contract wallet, and names the identity that logged in.
//
// # Messages
//
// Parse accepts exactly the grammar of EIP-4361:
//
//	[scheme "://"] domain " wants you to sign in with your Ethereum account:" LF
//	address LF
//	LF
//	[statement LF]
//	LF
//	"URI: " uri LF
//	"Version: 1" LF
//	"Chain ID: " chain-id LF
//	"Nonce: " nonce LF
//	"Issued At: " date-time
//	[LF "Expiration Time: " date-time]
//	[LF "Not Before: " date-time]
//	[LF "Request ID: " *pchar]
//	[LF "Resources:" *(LF "- " URI)]
//
// with the domain an RFC 3986 authority, URIs RFC 3986 URIs, the address 0x
// and 40 hex digits in its EIP-55 checksummed spelling (all-lower-case and
// all-upper-case addresses carry no checksum and are refused, as the
// specification requires the checksummed form), the nonce at least eight
// ASCII letters and digits, times RFC 3339 date-times, no carriage returns
// and nothing after the last field. Message.String writes a parsed message
// back byte for byte.
//
// # Verification
//
// Verifier.Verify checks a message and its signature against Expect: the
// domain (and scheme, when the message names one), the URI, the chain (one the
// verifier is configured for), the nonce, and the time window (Issued At not
// in the future, Expiration Time not passed, Not Before reached, each with
// Config.Leeway, and a message never valid for longer than Config.MaxAge
// after it was issued). The signature is a 65-byte personal_sign
// (EIP-191 version 0x45) signature over the message; its recovered signer
// must be the message's address. When it is not (or the signature is no
// recoverable ECDSA signature) and the address holds code on the message's
// chain, the contract is asked isValidSignature(bytes32,bytes) (ERC-1271)
// with eth_call under Config.CallGas and Config.CallTimeout; only the magic
// value 0x1626ba7e accepts, and a revert, a short or different answer, or
// an out-of-gas call refuses.
//
// # Identity
//
// The identity is did:pkh:eip155:CHAIN:ADDRESS (EIP-55 address). A login may
// also name a did:ethr DID on the same chain, in a Resources entry or in
// Expect.Ethr; the DID is resolved through the configured resolver (so
// on-chain owner and delegate changes count) and the login is that DID when
// the signer is its current controller (owner) or one of its unexpired
// sigAuth delegates, and refused otherwise.
//
// # Security considerations
//
// Nonces are the caller's business: Verify only compares the message's nonce
// with Expect.Nonce. The caller must issue nonces that are single-use and
// bound to the browser session and the login request, and consume one before
// (or atomically with) a successful Verify. The time checks use Config.Now;
// the chain's ERC-1271 answer is read at the latest block, so a contract
// wallet that changes its mind later does not undo a login already made.
// Every refusal wraps ErrRefused and says which check failed; a message that
// breaks the grammar wraps ErrSyntax; a chain that cannot be asked wraps
// ErrChainUnavailable and is never taken as acceptance.
package siwe
