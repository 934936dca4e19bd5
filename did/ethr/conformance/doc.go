// Package conformance checks chainid's did:ethr resolution against the reference resolver and a
// real geth node; it has no code used by the service.
//
// Its tests write a scripted history to an ERC-1056 registry (owner changes, veriKey and sigAuth
// delegates with expiry, public keys in hex, base58 and base64, services, revocations, several
// events in one block, deactivation, public-key DIDs) and resolve every DID, at the latest and at
// historical versions, with the did:ethr resolver of package ethr and with ethr-did-resolver
// 11.1.3 (interop/ethr.mjs), and compare documents and metadata as JSON values. The writes are
// made both ways: by registry.Writer, and by the reference's EthrDidController
// (interop/ethr-write.mjs), direct and as relayed meta-transactions.
//
// The chains are the embedded dev chain (did/ethr/devchain) and, when CHAINID_GETH names a geth
// binary (.ci/geth.sh builds one), a `geth --dev` node on loopback, which also serves the fault
// tests: a stopped node and a wrong chain ID give errors, never a stale document.
//
// Tests that need Node.js and interop/node_modules, or geth, skip when those are missing unless
// CHAINID_INTEROP=1, which turns a missing peer into a failure.
package conformance
