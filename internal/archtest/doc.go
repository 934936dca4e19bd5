// Package archtest holds the test that keeps the dependency arrows of the
// module pointing inward (cmd → api → {verifier, credentials} → {zkp,
// resolver} → did); it has no code of its own.
package archtest
