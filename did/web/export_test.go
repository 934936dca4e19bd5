package web

import "net/netip"

// This file is compiled only into this package's tests. It is the explicit,
// test-only allowance the package documentation describes: nothing outside
// the package's _test.go files can reach a loopback or private address.

// AllowForTest admits the dial addresses for which allow reports true, even
// though the address policy refuses them, and rewrites each host:port about
// to be dialled with dial (nil keeps it). Call it before the first Resolve.
func (r *Resolver) AllowForTest(allow func(netip.AddrPort) bool, dial func(addr string) string) {
	r.allowForTest = allow
	r.dialForTest = dial
}

// CheckAddr exposes the address policy for table tests.
var CheckAddr = checkAddr

// CheckHostPolicy exposes the host-name policy for table tests.
var CheckHostPolicy = checkHostPolicy
