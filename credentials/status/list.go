package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// MinBits is the minimum list size the specification allows: 16 KiB of bits.
const MinBits = 131072

// MaxBits bounds the size of a list this package creates (8 MiB of bits).
const MaxBits = 1 << 26

// DefaultMaxBytes is the decompressed size limit Decode applies when the
// caller passes no limit: 2 MiB, a list of 16,777,216 entries.
const DefaultMaxBytes = 2 << 20

// Sentinel errors, one per status-list failure of the specification that a
// caller may branch on.
var (
	// ErrMalformed reports an encodedList or status entry that cannot be
	// read (MALFORMED_VALUE_ERROR).
	ErrMalformed = errors.New("malformed status list value")
	// ErrListLength reports a list shorter than MinBits or longer than the
	// caller's limit (STATUS_LIST_LENGTH_ERROR).
	ErrListLength = errors.New("status list has an unacceptable length")
	// ErrRange reports an index outside the list (RANGE_ERROR).
	ErrRange = errors.New("status list index out of range")
	// ErrVerification reports a status entry that does not belong to the
	// list credential it was checked against: another list, another issuer
	// or another purpose (STATUS_VERIFICATION_ERROR).
	ErrVerification = errors.New("status list verification failed")
)

// List is a bitstring status list. The zero List is not usable; make one
// with NewList, FromBytes or Decode.
type List struct {
	bits []byte
}

// NewList returns a list of n bits, all zero; n must be a multiple of 8 in
// [MinBits, MaxBits].
func NewList(n int) (*List, error) {
	if n < MinBits || n > MaxBits || n%8 != 0 {
		return nil, fmt.Errorf("%w: %d bits: want a multiple of 8 in [%d, %d]", ErrListLength, n, MinBits, MaxBits)
	}
	return &List{bits: make([]byte, n/8)}, nil
}

// FromBytes returns a list holding a copy of b (bit 0 is the most
// significant bit of b[0]); b must hold at least MinBits bits.
func FromBytes(b []byte) (*List, error) {
	if len(b)*8 < MinBits {
		return nil, fmt.Errorf("%w: %d bits, at least %d required", ErrListLength, len(b)*8, MinBits)
	}
	return &List{bits: bytes.Clone(b)}, nil
}

// Len returns the number of bits.
func (l *List) Len() int { return len(l.bits) * 8 }

// Bytes returns a copy of the bitstring.
func (l *List) Bytes() []byte { return bytes.Clone(l.bits) }

// Get returns bit i, or an error wrapping ErrRange.
func (l *List) Get(i int) (bool, error) {
	if i < 0 || i >= l.Len() {
		return false, fmt.Errorf("%w: index %d, list of %d", ErrRange, i, l.Len())
	}
	return l.bits[i/8]&(0x80>>(i%8)) != 0, nil
}

// Set sets bit i to v, or returns an error wrapping ErrRange.
func (l *List) Set(i int, v bool) error {
	if i < 0 || i >= l.Len() {
		return fmt.Errorf("%w: index %d, list of %d", ErrRange, i, l.Len())
	}
	if v {
		l.bits[i/8] |= 0x80 >> (i % 8)
	} else {
		l.bits[i/8] &^= 0x80 >> (i % 8)
	}
	return nil
}

// Encode returns the encodedList form: 'u' followed by the base64url (no
// padding) encoding of the GZIP-compressed bitstring.
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("compress status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("compress status list: %w", err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode reads an encodedList. maxBytes bounds the decompressed size
// (DefaultMaxBytes when it is zero or negative); a list that would be
// longer is refused after decompressing one byte past the bound. Errors
// wrap ErrMalformed or ErrListLength.
func Decode(encoded string, maxBytes int) (*List, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if len(encoded) == 0 || encoded[0] != 'u' {
		return nil, fmt.Errorf("%w: encodedList must start with the multibase prefix 'u' (base64url)", ErrMalformed)
	}
	// GZIP never expands data by more than a few bytes per 64 KiB block,
	// so a compressed form larger than this bound cannot be acceptable.
	if maxEncoded := (maxBytes+maxBytes/64+1024)*4/3 + 2; len(encoded) > maxEncoded {
		return nil, fmt.Errorf("%w: encodedList of %d characters exceeds the limit", ErrListLength, len(encoded))
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(encoded[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: base64url: %w", ErrMalformed, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %w", ErrMalformed, err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, int64(maxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %w", ErrMalformed, err)
	}
	if len(bits) > maxBytes {
		return nil, fmt.Errorf("%w: decompresses beyond %d bytes", ErrListLength, maxBytes)
	}
	if len(bits)*8 < MinBits {
		return nil, fmt.Errorf("%w: %d bits, at least %d required", ErrListLength, len(bits)*8, MinBits)
	}
	return &List{bits: bits}, nil
}
