// Package web resolves did:web identifiers by fetching their DID documents
// over HTTPS from the web origin the identifier names.
//
// The method-specific identifier maps to a URL as the did:web specification
// describes: did:web:example.com is served at
// https://example.com/.well-known/did.json, did:web:example.com:user:alice at
// https://example.com/user/alice/did.json, and a port is written with its
// colon percent-encoded (did:web:example.com%3A8443). [URL] implements the
// mapping and [New] its inverse.
//
// # Security considerations
//
// Resolving a did:web makes this process fetch a URL an outsider chose, so the
// resolver is built to be a poor tool for server-side request forgery:
//
//   - Only https is spoken, with certificate verification (TLS 1.2 or later)
//     and no proxy from the environment.
//   - The host must be a DNS name: IP literals, names ending in an all-numeric
//     label (which some resolvers read as IPv4 addresses) and the reserved
//     localhost names are refused before any lookup.
//   - Every address the host resolves to is checked in the dialer's Control
//     hook, after DNS resolution and before connect(2): loopback, link-local,
//     private (RFC 1918, RFC 4193 ULA), shared (100.64.0.0/10), unspecified,
//     multicast, reserved, documentation and benchmarking ranges, and the
//     IPv4-mapped, IPv4-compatible, NAT64, 6to4 and Teredo forms of IPv4
//     addresses are refused without connecting. Because the check sees the
//     address actually dialled, DNS rebinding between a check and the
//     connection cannot slip through. Refusals wrap [ErrForbiddenAddress].
//   - At most [Config.MaxRedirects] redirects are followed, each to an https
//     URL whose host passes the same checks.
//   - The body is read through a limit ([Config.MaxBodyBytes]); the whole
//     resolution has a deadline ([Config.Timeout]).
//   - The document must parse and validate as a DID document, and its id must
//     equal the DID being resolved.
//
// The zero [Config] is the secure default. There is no option to reach
// loopback or private addresses: tests reach a local TLS server through
// unexported hooks that only the package's own _test.go files can set
// (export_test.go), so the allowance does not exist for any other package or
// for configuration. [Config.RootCAs] trusts an additional certificate
// authority (for example a company CA) but does not relax the address policy.
package web
