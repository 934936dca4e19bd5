package did

import (
	"errors"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var errBase58 = errors.New("invalid base58btc character")

// maxBase58Input bounds decoding work; keys and hashes are far shorter.
const maxBase58Input = 1024

// EncodeBase58 encodes b with the Bitcoin base58 alphabet.
func EncodeBase58(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// Digits in base 58, little-endian, computed by repeated division.
	digits := make([]byte, 0, len(b)*138/100+1)
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits {
		out[len(out)-1-i] = base58Alphabet[d]
	}
	return string(out)
}

// DecodeBase58 decodes a Bitcoin-alphabet base58 string. Each leading '1'
// is a zero byte; the encoding is canonical, so EncodeBase58 of the result
// gives back s.
func DecodeBase58(s string) ([]byte, error) {
	if len(s) > maxBase58Input {
		return nil, errors.New("base58 value too long")
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// Bytes of the value, little-endian, built by multiply-and-add.
	body := make([]byte, 0, (len(s)-zeros)*733/1000+1)
	for i := zeros; i < len(s); i++ {
		d := indexBase58(s[i])
		if d < 0 {
			return nil, errBase58
		}
		carry := d
		for j := range body {
			carry += int(body[j]) * 58
			body[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			body = append(body, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, zeros+len(body))
	for i, b := range body {
		out[len(out)-1-i] = b
	}
	return out, nil
}

// indexBase58 returns the digit value of c, or -1. The alphabet is the
// digits and letters without 0, O, I and l.
func indexBase58(c byte) int {
	switch {
	case c >= '1' && c <= '9':
		return int(c - '1')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 9
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 17
	case c >= 'P' && c <= 'Z':
		return int(c-'P') + 22
	case c >= 'a' && c <= 'k':
		return int(c-'a') + 33
	case c >= 'm' && c <= 'z':
		return int(c-'m') + 44
	}
	return -1
}
