// Package resolver resolves DIDs and dereferences DID URLs (W3C DID
// Resolution): it dispatches each DID to the [Method] registered for its
// method name, caches results, selects resources inside documents for DID
// URLs, and reports the outcome as DID resolution metadata with the standard
// error codes.
//
// A [Resolver] is built once with [New] from a [Config] naming the methods it
// serves, and is safe for concurrent use. [Resolver.Resolve] returns a
// [Result] (document, document metadata, resolution metadata);
// [Resolver.Dereference] returns a [Dereferenced] resource: the whole
// document, a verification method or service selected by fragment, or a
// service endpoint URL built from the service and relativeRef DID
// parameters. Both always return a non-nil result; on failure they also
// return an [*Error] whose Code is one of the Code… constants and matches the
// "error" member of the result's metadata, so an HTTP binding can choose a
// status from the code and still render the result.
//
// # Caching
//
// With a [Cache] configured, successful and deactivated results are kept for
// Config.TTL and notFound/invalidDid answers from a method for
// Config.NegativeTTL. Internal errors (network failures, timeouts, broken
// method output) are never cached, so an outage never turns into a stale
// answer. Identical concurrent resolutions share one method call.
//
// # Security considerations
//
// Inputs are parsed strictly with [did.Parse] and [did.ParseURL] before any
// method is called. A method's document whose id differs from the DID that
// was asked for is refused as an internal error. Dereferencing a fragment or
// service of a deactivated DID fails with [CodeDeactivated] rather than
// handing out its keys. The relativeRef DID parameter must be a relative
// reference: absolute and network-path references ("https://…", "//host")
// are refused, so a DID URL cannot redirect outside the service endpoint
// its controller published. Messages of internal errors stay generic in the
// metadata; the cause is kept in the returned error for logs.
package resolver
