package zkp

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// ParseElement parses a BN254 scalar-field element written in decimal or
// as 0x-prefixed hexadecimal. It refuses signs, empty strings, values of
// more than 80 digits and values ≥ the modulus r instead of reducing them.
func ParseElement(s string) (fr.Element, error) {
	var e fr.Element
	if s == "" || len(s) > 80 {
		return e, fmt.Errorf("field element %.20q: bad length", s)
	}
	digits, base := s, 10
	if strings.HasPrefix(s, "0x") {
		digits, base = s[2:], 16
	}
	if digits == "" || strings.ContainsAny(digits[:1], "+-_") {
		return e, fmt.Errorf("field element %q: not a number", s)
	}
	n, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return e, fmt.Errorf("field element %q: not a number", s)
	}
	if n.Cmp(fr.Modulus()) >= 0 {
		return e, fmt.Errorf("field element %q: %w: not below the field modulus", s, ErrOutOfRange)
	}
	e.SetBigInt(n)
	return e, nil
}

// FormatElement writes a field element in canonical decimal (0 ≤ n < r),
// the form ParseElement and the JSON encodings use. fr.Element's own String
// prints elements just below the modulus as small negative numbers, which
// is not canonical and which ParseElement refuses.
func FormatElement(e fr.Element) string {
	var n big.Int
	e.BigInt(&n)
	return n.String()
}
