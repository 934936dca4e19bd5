package web_test

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/web"
)

// forbidden lists one address of every class the dial guard refuses.
var forbidden = []string{
	"127.0.0.1", "127.255.255.254", "::1",
	"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.0.1", "192.168.255.255",
	"169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0", "febf::1",
	"fc00::1", "fd00::2", "fdff:ffff::1",
	"100.64.0.1", "100.127.255.254",
	"0.0.0.0", "0.1.2.3", "::",
	"224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "ff01::1",
	"255.255.255.255", "240.0.0.1",
	"192.0.0.8", "192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1", "192.88.99.1",
	"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::ffff:192.168.1.1",
	"::127.0.0.1", "::10.0.0.1", "::8.8.8.8", // IPv4-compatible (deprecated) forms
	"64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", // NAT64
	"2002:7f00:1::1", "2002:a00:1::1", // 6to4 embedding private addresses
	"2001::1", "2001:db8::1", "3fff::1", "100::1", "fec0::1", "2001:10::1", "2001:20::1", "2001:2::1", "5f00::1",
}

// public lists addresses the guard must admit.
var public = []string{
	"8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
	"192.167.255.255", "192.169.0.0", "169.253.255.255", "11.0.0.1", "223.255.255.254",
	"2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
}

func TestCheckAddr(t *testing.T) {
	for _, s := range forbidden {
		t.Run("refuse "+s, func(t *testing.T) {
			err := web.CheckAddr(netip.MustParseAddr(s))
			if !errors.Is(err, web.ErrForbiddenAddress) {
				t.Errorf("CheckAddr(%s) = %v, want ErrForbiddenAddress", s, err)
			}
		})
	}
	for _, s := range public {
		t.Run("admit "+s, func(t *testing.T) {
			if err := web.CheckAddr(netip.MustParseAddr(s)); err != nil {
				t.Errorf("CheckAddr(%s) = %v, want nil", s, err)
			}
		})
	}
	if err := web.CheckAddr(netip.Addr{}); !errors.Is(err, web.ErrForbiddenAddress) {
		t.Errorf("CheckAddr(zero) = %v", err)
	}
}

func TestCheckHostPolicy(t *testing.T) {
	for _, h := range []string{"localhost", "LOCALHOST", "a.localhost", "x.y.LocalHost", "127.0.0.1", "::1", "[::1]", "127.1", "2130706433", "0x7f000001", "1.2.3.04"} {
		if err := web.CheckHostPolicy(h); !errors.Is(err, web.ErrForbiddenAddress) {
			t.Errorf("CheckHostPolicy(%q) = %v, want ErrForbiddenAddress", h, err)
		}
	}
	for _, h := range []string{"example.com", "localhost.example.com", "w3c-ccg.github.io", "a1.b2.c3", "xn--bcher-kva.example", "single"} {
		if err := web.CheckHostPolicy(h); err != nil {
			t.Errorf("CheckHostPolicy(%q) = %v, want nil", h, err)
		}
	}
}

// TestDialRefusedWithoutConnecting routes did:web:example.com to each
// forbidden address and checks the dialer refuses before connecting: the
// error wraps ErrForbiddenAddress (which only the pre-connect Control hook
// produces for a dial), and where a real listener can stand at the address
// it receives no connection.
func TestDialRefusedWithoutConnecting(t *testing.T) {
	ln4 := listen(t, "127.0.0.1:0")
	port := ln4.port()
	var ln6 *countingListener
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		t.Cleanup(func() { l.Close() })
		ln6 = &countingListener{l}
	}
	tests := []struct {
		target string
		ln     *countingListener // listener the target would reach, if any
	}{
		{fmt.Sprintf("127.0.0.1:%d", port), ln4},
		{fmt.Sprintf("0.0.0.0:%d", port), ln4}, // Linux connects 0.0.0.0 to the local host
		{fmt.Sprintf("[::ffff:127.0.0.1]:%d", port), ln4},
		{"10.0.0.1:443", nil},
		{"172.16.0.1:443", nil},
		{"192.168.1.1:443", nil},
		{"169.254.169.254:443", nil},
		{"100.64.0.1:443", nil},
		{"224.0.0.1:443", nil},
		{"[::ffff:10.0.0.1]:443", nil},
		{"[fe80::1]:443", nil},
		{"[fc00::1]:443", nil},
	}
	if ln6 != nil {
		tests = append(tests,
			struct {
				target string
				ln     *countingListener
			}{fmt.Sprintf("[::1]:%d", ln6.port()), ln6},
			struct {
				target string
				ln     *countingListener
			}{fmt.Sprintf("[::]:%d", ln6.port()), ln6},
		)
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r, err := web.NewResolver(web.Config{})
			if err != nil {
				t.Fatal(err)
			}
			r.AllowForTest(nil, func(string) string { return tt.target })
			_, _, err = r.Resolve(t.Context(), did.MustParse("did:web:example.com"), did.ResolveOptions{})
			if !errors.Is(err, web.ErrForbiddenAddress) || !strings.Contains(err.Error(), "refused to connect") {
				t.Fatalf("Resolve error %v, want a refusal wrapping ErrForbiddenAddress", err)
			}
			if tt.ln != nil {
				tt.ln.assertNoConnection(t)
			}
		})
	}
}

// TestHostnameResolvingToLoopback dials a name ("localhost") that DNS (here
// /etc/hosts) resolves to loopback: the guard sees the resolved address and
// refuses it, as it would a public name rebound to 127.0.0.1.
func TestHostnameResolvingToLoopback(t *testing.T) {
	ln := listen(t, "127.0.0.1:0")
	if addrs, err := net.DefaultResolver.LookupNetIP(t.Context(), "ip", "localhost"); err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}
	r, err := web.NewResolver(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	target := fmt.Sprintf("localhost:%d", ln.port())
	r.AllowForTest(nil, func(string) string { return target })
	_, _, err = r.Resolve(t.Context(), did.MustParse("did:web:rebind.example"), did.ResolveOptions{})
	if !errors.Is(err, web.ErrForbiddenAddress) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("Resolve error %v, want a loopback refusal", err)
	}
	ln.assertNoConnection(t)
}

// TestRefusedDIDs checks identifiers naming forbidden hosts are refused
// before any dial, even with an allowance that would admit every address
// and a dialer that sends everything to a live listener.
func TestRefusedDIDs(t *testing.T) {
	ln := listen(t, "127.0.0.1:0")
	r, err := web.NewResolver(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r.AllowForTest(func(netip.AddrPort) bool { return true }, func(string) string { return ln.Addr().String() })
	for _, tt := range []struct {
		id        did.DID
		invalidID bool // the error must also wrap did.ErrInvalidDID
	}{
		{did.MustParse("did:web:127.0.0.1"), true},
		{did.MustParse(fmt.Sprintf("did:web:127.0.0.1%%3A%d", ln.port())), true},
		{did.MustParse("did:web:10.0.0.1"), true},
		{did.MustParse("did:web:169.254.169.254"), true},
		{did.MustParse("did:web:100.64.0.1"), true},
		{did.MustParse("did:web:0.0.0.0"), true},
		{did.MustParse("did:web:224.0.0.1"), true},
		{did.MustParse("did:web:127.1"), true},
		{did.MustParse("did:web:2130706433"), true},
		{did.MustParse("did:web:0x7f000001"), true},
		{did.MustParse("did:web:%5B%3A%3A1%5D"), true},
		{did.MustParse("did:web:%5B%3A%3Affff%3A127.0.0.1%5D"), true},
		{did.MustParse("did:web:%5Bfe80%3A%3A1%5D%3A443"), true},
		{did.DID{Method: "web", ID: "[::1]"}, true},
		{did.DID{Method: "web", ID: "[::ffff:10.0.0.1]"}, true},
		{did.MustParse("did:web:localhost"), false},
		{did.MustParse(fmt.Sprintf("did:web:localhost%%3A%d", ln.port())), false},
		{did.MustParse("did:web:LocalHost:user:alice"), false},
		{did.MustParse("did:web:evil.localhost"), false},
	} {
		t.Run(tt.id.String(), func(t *testing.T) {
			_, _, err := r.Resolve(t.Context(), tt.id, did.ResolveOptions{})
			if !errors.Is(err, web.ErrForbiddenAddress) {
				t.Fatalf("Resolve error %v, want ErrForbiddenAddress", err)
			}
			if tt.invalidID != errors.Is(err, did.ErrInvalidDID) {
				t.Errorf("error %v: wraps did.ErrInvalidDID = %v, want %v", err, !tt.invalidID, tt.invalidID)
			}
			ln.assertNoConnection(t)
		})
	}
}

func TestResolveOtherMethod(t *testing.T) {
	r, err := web.NewResolver(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Resolve(t.Context(), did.MustParse("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), did.ResolveOptions{})
	if !errors.Is(err, did.ErrMethodNotSupported) {
		t.Errorf("Resolve(did:key) error %v, want did.ErrMethodNotSupported", err)
	}
}

func TestNewResolverConfig(t *testing.T) {
	for _, cfg := range []web.Config{{Timeout: -1}, {MaxBodyBytes: -1}} {
		if _, err := web.NewResolver(cfg); err == nil {
			t.Errorf("NewResolver(%+v) succeeded", cfg)
		}
	}
}
