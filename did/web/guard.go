package web

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
)

// ErrForbiddenAddress reports a did:web host, redirect target or resolved
// address that is not a public internet address (loopback, private,
// link-local, IP literal, …). The connection is refused before it is made.
var ErrForbiddenAddress = errors.New("forbidden address")

// forbiddenPrefixes are the ranges refused in addition to what
// netip.Addr.IsGlobalUnicast already excludes (loopback, link-local,
// multicast, unspecified, the IPv4 broadcast address). Sources: the IANA
// IPv4 and IPv6 Special-Purpose Address Registries.
var forbiddenPrefixes = [...]struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\""},
	{netip.MustParsePrefix("10.0.0.0/8"), "private (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible IPv6"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2001:2::/48"), "benchmarking"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2001:10::/28"), "ORCHID"},
	{netip.MustParsePrefix("2001:20::/28"), "ORCHIDv2"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (RFC 4193)"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// checkAddr returns an error wrapping ErrForbiddenAddress unless a is a
// public unicast address. IPv6 forms that embed an IPv4 address
// (IPv4-mapped, NAT64 and 6to4) are judged by the embedded address.
func checkAddr(a netip.Addr) error {
	if !a.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrForbiddenAddress)
	}
	orig := a
	a = a.WithZone("")
	switch {
	case a.Is4In6():
		a = a.Unmap()
	case nat64Prefix.Contains(a):
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:16]))
	case sixToFour.Contains(a):
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[2:6]))
	}
	why := ""
	switch {
	case a.IsLoopback():
		why = "loopback"
	case a.IsUnspecified():
		why = "unspecified"
	case a.IsLinkLocalUnicast():
		why = "link-local"
	case a.IsMulticast():
		why = "multicast"
	case !a.IsGlobalUnicast():
		why = "not global unicast"
	default:
		for _, f := range forbiddenPrefixes {
			if f.prefix.Contains(a) {
				why = f.why
				break
			}
		}
	}
	if why != "" {
		if a != orig {
			return fmt.Errorf("%w: %s (embedding %s) is %s", ErrForbiddenAddress, orig, a, why)
		}
		return fmt.Errorf("%w: %s is %s", ErrForbiddenAddress, a, why)
	}
	return nil
}

// checkHostPolicy applies the host-name policy that does not need DNS:
// a DNS name, not an IP literal, and not one of the names RFC 6761 reserves
// for loopback.
func checkHostPolicy(host string) error {
	if err := checkHostname(host); err != nil {
		return err
	}
	h := strings.ToLower(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("%w: %q names the loopback interface", ErrForbiddenAddress, host)
	}
	return nil
}

// control is the net.Dialer Control hook: it runs once per address the
// dialer is about to connect to, after name resolution and before
// connect(2), and refuses addresses the policy forbids.
func (r *Resolver) control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %q", ErrForbiddenAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse dial address %q: %w", ErrForbiddenAddress, address, err)
	}
	if r.allowForTest != nil && r.allowForTest(ap) {
		return nil
	}
	if err := checkAddr(ap.Addr()); err != nil {
		return fmt.Errorf("refused to connect to %s: %w", ap, err)
	}
	return nil
}
