package did

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestBase58(t *testing.T) {
	tests := []struct {
		hex, b58 string
	}{
		{"", ""},
		{"00", "1"},
		{"0000", "11"},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"636363", "aPEr"},
		{"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
		{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
		{"516b6fcd0f", "ABnLTmg"},
		{"bf4f89001e670274dd", "3SEo3LWLoPntC"},
		{"572e4794", "3EFU7m"},
		{"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
		{"10c8511e", "Rt5zm"},
		{"00000000000000000000", "1111111111"},
		{"000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"},
		{"ff", "5Q"},
		{"0100", "5R"},
	}
	for _, tc := range tests {
		t.Run(tc.b58, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.hex)
			if got := EncodeBase58(b); got != tc.b58 {
				t.Fatalf("EncodeBase58(%s) = %q, want %q", tc.hex, got, tc.b58)
			}
			got, err := DecodeBase58(tc.b58)
			if err != nil {
				t.Fatalf("DecodeBase58(%q): %v", tc.b58, err)
			}
			if !bytes.Equal(got, b) {
				t.Fatalf("DecodeBase58(%q) = %x, want %s", tc.b58, got, tc.hex)
			}
		})
	}
}

func TestDecodeBase58Refuses(t *testing.T) {
	for _, s := range []string{"0", "O", "I", "l", "1110", "abc+", "a b", " a", "a\n", "é", "\x00", "z" + strings.Repeat("1", maxBase58Input)} {
		if b, err := DecodeBase58(s); err == nil {
			t.Errorf("DecodeBase58(%q) = %x, want error", s, b)
		}
	}
	if _, err := DecodeBase58(strings.Repeat("z", maxBase58Input)); err != nil {
		t.Errorf("DecodeBase58 at the length limit: %v", err)
	}
}

func FuzzBase58(f *testing.F) {
	for _, s := range []string{"", "\x00", "\x00\x00\x01", "\xff\xff", "hello world"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 700 { // encoded length stays under maxBase58Input
			return
		}
		enc := EncodeBase58(b)
		dec, err := DecodeBase58(enc)
		if err != nil {
			t.Fatalf("DecodeBase58(EncodeBase58(%x)): %v", b, err)
		}
		if !bytes.Equal(dec, b) {
			t.Fatalf("round trip %x -> %q -> %x", b, enc, dec)
		}
		// Decoding arbitrary text must not panic, and what decodes must
		// re-encode to the same text (base58 has one spelling per value).
		if d, err := DecodeBase58(string(b)); err == nil && EncodeBase58(d) != string(b) {
			t.Fatalf("DecodeBase58(%q) = %x re-encodes as %q", b, d, EncodeBase58(d))
		}
	})
}
