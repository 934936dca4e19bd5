package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func enc(b []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(b) }

func TestListRoundTrip(t *testing.T) {
	l, err := NewList(MinBits)
	if err != nil {
		t.Fatal(err)
	}
	set := []int{0, 7, 8, 94567, MinBits - 1}
	for _, i := range set {
		if err := l.Set(i, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Set(7, false); err != nil {
		t.Fatal(err)
	}
	if got := l.Bytes()[0]; got != 0x80 {
		t.Errorf("first byte = %08b, want bit 0 as the most significant bit", got)
	}
	s, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if s[0] != 'u' || strings.ContainsAny(s, "+/=") {
		t.Errorf("encoding %q is not multibase base64url without padding", s[:20])
	}
	d, err := Decode(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != MinBits {
		t.Fatalf("Len = %d", d.Len())
	}
	for _, i := range []int{0, 7, 8, 9, 94567, 94568, MinBits - 1} {
		got, err := d.Get(i)
		want := i != 7 && i != 9 && i != 94568
		if err != nil || got != want {
			t.Errorf("Get(%d) = %v, %v; want %v", i, got, err, want)
		}
	}
	for _, i := range []int{-1, MinBits} {
		if _, err := d.Get(i); !errors.Is(err, ErrRange) {
			t.Errorf("Get(%d): err = %v, want ErrRange", i, err)
		}
		if err := d.Set(i, true); !errors.Is(err, ErrRange) {
			t.Errorf("Set(%d): err = %v, want ErrRange", i, err)
		}
	}
}

// The status list credential example of the Bitstring Status List spec
// carries an all-zero 16 KiB list.
func TestDecodeSpecExample(t *testing.T) {
	l, err := Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != MinBits || !bytes.Equal(l.Bytes(), make([]byte, MinBits/8)) {
		t.Errorf("spec example: %d bits, not all zero", l.Len())
	}
}

func TestNewListSizes(t *testing.T) {
	for _, n := range []int{0, 8, MinBits - 8, MinBits + 1, MaxBits + 8} {
		if _, err := NewList(n); !errors.Is(err, ErrListLength) {
			t.Errorf("NewList(%d): err = %v", n, err)
		}
	}
	if l, err := NewList(2 * MinBits); err != nil || l.Len() != 2*MinBits {
		t.Errorf("NewList(2*MinBits) = %v", err)
	}
	if _, err := FromBytes(make([]byte, MinBits/8-1)); !errors.Is(err, ErrListLength) {
		t.Errorf("FromBytes short: %v", err)
	}
}

func TestDecodeRefusals(t *testing.T) {
	full := make([]byte, MinBits/8)
	good := gz(t, full)
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-5] ^= 1
	bomb := gz(t, make([]byte, 64<<20)) // 64 MiB of zeros, about 64 KiB compressed
	tests := []struct {
		name    string
		encoded string
		max     int
		is      error
	}{
		{"empty", "", 0, ErrMalformed},
		{"no prefix", base64.RawURLEncoding.EncodeToString(good), 0, ErrMalformed},
		{"base58 prefix", "z" + base64.RawURLEncoding.EncodeToString(good), 0, ErrMalformed},
		{"base64 prefix", "m" + base64.RawStdEncoding.EncodeToString(good), 0, ErrMalformed},
		{"padding", enc(good) + "=", 0, ErrMalformed},
		{"standard alphabet", "u" + strings.NewReplacer("-", "+", "_", "/").Replace(enc(good)[1:]) + "+/", 0, ErrMalformed},
		{"non-canonical last char", enc([]byte{1})[:2] + "B", 0, ErrMalformed},
		{"not gzip", enc(full), 0, ErrMalformed},
		{"truncated gzip", enc(good[:len(good)-4]), 0, ErrMalformed},
		{"bad checksum", enc(badCRC), 0, ErrMalformed},
		{"trailing garbage", enc(append(bytes.Clone(good), 0xde, 0xad)), 0, ErrMalformed},
		{"short list", enc(gz(t, make([]byte, MinBits/8-1))), 0, ErrListLength},
		{"empty list", enc(gz(t, nil)), 0, ErrListLength},
		{"gzip bomb", enc(bomb), 0, ErrListLength},
		{"just over the limit", enc(gz(t, make([]byte, MinBits/8+1))), MinBits / 8, ErrListLength},
		{"encoded too long", "u" + strings.Repeat("A", 4<<20), 1 << 20, ErrListLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Decode(tt.encoded, tt.max)
			if err == nil {
				t.Fatalf("Decode accepted it: %d bits", l.Len())
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	// At the limit is fine.
	if _, err := Decode(enc(gz(t, make([]byte, MinBits/8))), MinBits/8); err != nil {
		t.Errorf("list of exactly maxBytes: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	l, _ := NewList(MinBits)
	_ = l.Set(3, true)
	s, _ := l.Encode()
	f.Add(s)
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Fuzz(func(t *testing.T, encoded string) {
		l, err := Decode(encoded, 64<<10)
		if err != nil {
			return
		}
		if l.Len() < MinBits || l.Len() > 64<<13 {
			t.Fatalf("decoded a list of %d bits", l.Len())
		}
		again, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		l2, err := Decode(again, 64<<10)
		if err != nil || !bytes.Equal(l2.Bytes(), l.Bytes()) {
			t.Fatalf("re-encode round trip failed: %v", err)
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	l, _ := NewList(MinBits)
	for i := 0; i < MinBits; i += 97 {
		_ = l.Set(i, true)
	}
	b.SetBytes(MinBits / 8)
	for b.Loop() {
		if _, err := l.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	l, _ := NewList(MinBits)
	for i := 0; i < MinBits; i += 97 {
		_ = l.Set(i, true)
	}
	s, _ := l.Encode()
	b.SetBytes(MinBits / 8)
	for b.Loop() {
		if _, err := Decode(s, 0); err != nil {
			b.Fatal(err)
		}
	}
}
