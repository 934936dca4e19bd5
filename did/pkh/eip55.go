package pkh

import (
	"fmt"

	"golang.org/x/crypto/sha3"
)

// ChecksumAddress returns the EIP-55 mixed-case checksum form of an
// Ethereum address ("0x" and 40 hex digits). An all-lower-case or
// all-upper-case input is converted; a mixed-case input must already carry
// the correct checksum, so a mistyped address is reported instead of
// silently "fixed".
func ChecksumAddress(addr string) (string, error) {
	hexPart, err := addressHex(addr)
	if err != nil {
		return "", err
	}
	sum := checksum(hexPart)
	if mixedCase(hexPart) && sum != addr {
		return "", fmt.Errorf("address %q: wrong EIP-55 checksum (want %s)", addr, sum)
	}
	return sum, nil
}

// addressHex checks addr is "0x" and 40 hex digits and returns the digits.
func addressHex(addr string) (string, error) {
	if len(addr) != 42 || addr[0] != '0' || addr[1] != 'x' {
		return "", fmt.Errorf("address %q: want 0x and 40 hex digits", truncate(addr))
	}
	h := addr[2:]
	for i := 0; i < len(h); i++ {
		if !isHex(h[i]) {
			return "", fmt.Errorf("address %q: %q is not a hex digit", addr, h[i])
		}
	}
	return h, nil
}

// checksum computes the EIP-55 form of 40 hex digits: a letter is upper
// case when the matching nibble of Keccak-256(lower-case hex) is 8 or more.
func checksum(h string) string {
	lower := make([]byte, len(h))
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 'A' && c <= 'F' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	k := sha3.NewLegacyKeccak256()
	k.Write(lower)
	digest := k.Sum(nil)
	out := make([]byte, 2+len(lower))
	out[0], out[1] = '0', 'x'
	for i, c := range lower {
		nibble := digest[i/2] >> 4
		if i%2 == 1 {
			nibble = digest[i/2] & 0xf
		}
		if c >= 'a' && nibble >= 8 {
			c -= 'a' - 'A'
		}
		out[2+i] = c
	}
	return string(out)
}

func mixedCase(h string) bool {
	var lower, upper bool
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c >= 'a' && c <= 'f':
			lower = true
		case c >= 'A' && c <= 'F':
			upper = true
		}
	}
	return lower && upper
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
