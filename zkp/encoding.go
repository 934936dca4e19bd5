package zkp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// EncodingVersion is the version of the attribute encoding and of the hash
// domain tags described in this file. Credentials signed under one version
// only verify under the same version.
const EncodingVersion = 1

// MaxStringBytes is the longest string (in UTF-8 bytes) EncodeString accepts.
const MaxStringBytes = 4096

// ErrOutOfRange is returned (wrapped) when a value does not fit its encoding.
var ErrOutOfRange = errors.New("value out of range")

// AttributeType is the schema type of an attribute, which selects its
// encoding to a BN254 scalar-field element.
//
// Encoding, version 1:
//
//   - TypeInteger: a signed 64-bit integer v is encoded as v + 2^63, an
//     unsigned 64-bit value in [0, 2^64). The offset keeps the order of
//     signed integers, so OpLt … OpBetween work on negative values. Integers
//     outside [-2^63, 2^63-1] are refused.
//   - TypeDate: a calendar date is the signed number of days since
//     1970-01-01, encoded as an integer. JSON form "YYYY-MM-DD".
//   - TypeDateTime: an instant is the signed number of Unix seconds,
//     encoded as an integer. JSON form RFC 3339. Credential issuance and
//     expiry times and the proof's current time use this encoding.
//   - TypeBoolean: 0 for false, 1 for true.
//   - TypeEnum: the 0-based index of the value in the schema's list of
//     allowed values (ordered comparisons compare indexes).
//   - TypeString: H(tag "chainid/zkp/v1/string", byte length, chunks…) where
//     the valid UTF-8 bytes (at most MaxStringBytes) are split into 31-byte
//     big-endian chunks, the last one shorter. Strings can only be tested for
//     (in)equality and set membership.
//
// Values of the first five types lie in [0, 2^64) and can be compared;
// string hashes are uniformly spread over the field and cannot.
type AttributeType uint8

// Attribute types.
const (
	TypeInteger AttributeType = iota + 1
	TypeDate
	TypeDateTime
	TypeBoolean
	TypeEnum
	TypeString
)

var typeNames = map[AttributeType]string{
	TypeInteger: "integer", TypeDate: "date", TypeDateTime: "datetime",
	TypeBoolean: "boolean", TypeEnum: "enum", TypeString: "string",
}

// String returns the type's name ("integer", "date", …).
func (t AttributeType) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// ParseAttributeType parses the name returned by String.
func ParseAttributeType(s string) (AttributeType, error) {
	for t, n := range typeNames {
		if n == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown attribute type %q", s)
}

// Comparable reports whether values of the type can be ordered in a
// predicate (OpLt, OpLe, OpGt, OpGe, OpBetween).
func (t AttributeType) Comparable() bool { return t != TypeString && t != 0 }

// integerOffset is 2^63, the offset of the integer encoding.
const integerOffset = uint64(1) << 63

// EncodeInteger encodes a signed integer as v + 2^63.
func EncodeInteger(v int64) fr.Element {
	var e fr.Element
	e.SetUint64(uint64(v) ^ integerOffset)
	return e
}

// EncodeBigInteger encodes an arbitrary integer; it refuses values outside
// the signed 64-bit range.
func EncodeBigInteger(v *big.Int) (fr.Element, error) {
	if !v.IsInt64() {
		return fr.Element{}, fmt.Errorf("integer %s: %w: must fit in a signed 64-bit integer", v, ErrOutOfRange)
	}
	return EncodeInteger(v.Int64()), nil
}

// DecodeInteger reverses EncodeInteger; it refuses elements ≥ 2^64.
func DecodeInteger(e fr.Element) (int64, error) {
	if !e.IsUint64() {
		return 0, fmt.Errorf("integer encoding: %w", ErrOutOfRange)
	}
	return int64(e.Uint64() ^ integerOffset), nil
}

// EncodeDate encodes the calendar date of t (in t's location) as the number
// of days since 1970-01-01.
func EncodeDate(t time.Time) fr.Element {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return EncodeInteger(days)
}

// EncodeTime encodes an instant as its Unix time in seconds (sub-second
// precision is dropped).
func EncodeTime(t time.Time) fr.Element { return EncodeInteger(t.Unix()) }

// NeverExpires is the expiry of a credential without one: the largest
// encodable time.
func NeverExpires() fr.Element { return EncodeInteger(math.MaxInt64) }

// EncodeBool encodes false as 0 and true as 1.
func EncodeBool(b bool) fr.Element {
	var e fr.Element
	if b {
		e.SetOne()
	}
	return e
}

// EncodeEnum encodes value as its index in allowed; it refuses values that
// are not listed.
func EncodeEnum(value string, allowed []string) (fr.Element, error) {
	for i, a := range allowed {
		if a == value {
			var e fr.Element
			e.SetUint64(uint64(i))
			return e, nil
		}
	}
	return fr.Element{}, fmt.Errorf("enum value %q: %w: not one of the %d allowed values", value, ErrOutOfRange, len(allowed))
}

// EncodeString hashes a UTF-8 string to a field element (see AttributeType).
// It refuses invalid UTF-8 and strings longer than MaxStringBytes.
func EncodeString(s string) (fr.Element, error) {
	if !utf8.ValidString(s) {
		return fr.Element{}, errors.New("string attribute: invalid UTF-8")
	}
	return hashBytes(tagString, []byte(s))
}

// hashBytes returns H(tag, len(b), chunks of b) with 31-byte big-endian chunks.
func hashBytes(tag string, b []byte) (fr.Element, error) {
	if len(b) > MaxStringBytes {
		return fr.Element{}, fmt.Errorf("%d bytes: %w: at most %d", len(b), ErrOutOfRange, MaxStringBytes)
	}
	h := NewHasher()
	var n fr.Element
	n.SetUint64(uint64(len(b)))
	h.Write(tagElement(tag), n)
	const chunk = fr.Bytes - 1
	for len(b) > 0 {
		k := min(chunk, len(b))
		var e fr.Element
		e.SetBytes(b[:k]) // < 2^248: always canonical
		h.Write(e)
		b = b[k:]
	}
	return h.Sum(), nil
}

// SchemaElement maps a schema identifier (for example its URL) to the
// field element signed as the credential's schema id.
func SchemaElement(schemaID string) (fr.Element, error) {
	return hashBytes(tagSchema, []byte(schemaID))
}

// ScopeElement maps a nullifier scope (for example a verifier's origin) to
// a field element. Nullifiers are unique per holder and scope.
func ScopeElement(scope string) (fr.Element, error) { return hashBytes(tagScope, []byte(scope)) }

// AudienceElement maps a proof's audience (the verifier's identifier) to a
// field element.
func AudienceElement(audience string) (fr.Element, error) {
	return hashBytes(tagAudience, []byte(audience))
}

// NonceElement maps a verifier's nonce to a field element.
func NonceElement(nonce []byte) (fr.Element, error) { return hashBytes(tagNonce, nonce) }

// AttributeSpec describes one schema attribute for encoding.
type AttributeSpec struct {
	// Name is the attribute's name in the credential subject.
	Name string
	// Type selects the encoding.
	Type AttributeType
	// Enum lists the allowed values of a TypeEnum attribute, in order.
	Enum []string
}

// Encode encodes a Go value according to the spec's type, as strictly as
// EncodeJSON:
//
//   - TypeInteger: int, int64, uint64 or *big.Int within the signed 64-bit
//     range, or a json.Number in plain integer syntax (no sign "+", no
//     leading zero, no fraction or exponent, not "-0"). Strings (quoted
//     integers) and float64 are refused: a float64 cannot tell 18 from
//     "18.0" or 1.8e1, nor -0 from 0 — decode JSON with EncodeJSON.
//   - TypeDate: "YYYY-MM-DD" or time.Time (its calendar date).
//   - TypeDateTime: an RFC 3339 string or time.Time, in whole seconds: a
//     fraction of a second is refused, not truncated.
//   - TypeBoolean: bool.
//   - TypeEnum: a string listed in Enum.
//   - TypeString: a valid UTF-8 string of at most MaxStringBytes.
//
// Anything else, or a value that does not fit, is refused.
func (s AttributeSpec) Encode(v any) (fr.Element, error) {
	e, err := s.encode(v)
	if err != nil {
		return fr.Element{}, fmt.Errorf("encode %s attribute %q: %w", s.Type, s.Name, err)
	}
	return e, nil
}

// EncodeJSON decodes one JSON value strictly by the spec's type and encodes
// it. It returns the decoded value (int64, bool or string) with its
// encoding. Integers must be in plain syntax (-?(0|[1-9][0-9]*), not -0,
// not quoted), booleans true or false, everything else a JSON string;
// strings with a lone UTF-16 surrogate escape (which encoding/json would
// turn into U+FFFD, so that two different documents sign the same value)
// and date-times with a fraction of a second are refused. Surrounding
// white space is ignored.
func (s AttributeSpec) EncodeJSON(raw json.RawMessage) (any, fr.Element, error) {
	v, err := s.decodeJSON(bytes.TrimSpace(raw))
	if err != nil {
		return nil, fr.Element{}, fmt.Errorf("attribute %q: %w", s.Name, err)
	}
	e, err := s.Encode(v)
	if err != nil {
		return nil, fr.Element{}, err
	}
	return v, e, nil
}

func (s AttributeSpec) decodeJSON(raw []byte) (any, error) {
	switch s.Type {
	case TypeInteger:
		if !plainInteger.Match(raw) {
			return nil, fmt.Errorf("want an integer in plain syntax, got %.40s", raw)
		}
		if string(raw) == "-0" {
			return nil, errors.New("-0 is not a canonical integer (write 0)")
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not a signed 64-bit integer", ErrOutOfRange, raw)
		}
		return n, nil
	case TypeBoolean:
		switch string(raw) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("want true or false, got %.40s", raw)
	case TypeDate, TypeDateTime, TypeEnum, TypeString:
		if len(raw) == 0 || raw[0] != '"' {
			return nil, fmt.Errorf("want a string, got %.40s", raw)
		}
		var x string
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, err
		}
		// encoding/json turns a lone surrogate escape into U+FFFD, so
		// "\ud800" and "\ufffd" would sign the same value.
		if strings.Count(x, "\uFFFD") != strings.Count(string(raw), "\uFFFD")+escapedReplacements(raw) {
			return nil, errors.New("string with a lone UTF-16 surrogate escape")
		}
		return x, nil
	}
	return nil, fmt.Errorf("unknown attribute type %d", s.Type)
}

// plainInteger is JSON's integer syntax with at most 20 digits.
var plainInteger = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,19})$`)

// escapedReplacements counts the escapes \ufffd (any case) in a JSON string.
func escapedReplacements(raw []byte) int {
	n := 0
	for i := 0; i+6 <= len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] == 'u' && strings.EqualFold(string(raw[i+2:i+6]), "fffd") {
			n++
		}
		i++ // skip the escaped character, so "\\\\" then "ufffd" is not counted
	}
	return n
}

func (s AttributeSpec) encode(v any) (fr.Element, error) {
	switch s.Type {
	case TypeInteger:
		switch x := v.(type) {
		case int:
			return EncodeInteger(int64(x)), nil
		case int64:
			return EncodeInteger(x), nil
		case uint64:
			return EncodeBigInteger(new(big.Int).SetUint64(x))
		case *big.Int:
			return EncodeBigInteger(x)
		case json.Number:
			if !plainInteger.MatchString(string(x)) || x == "-0" {
				return fr.Element{}, fmt.Errorf("integer %.40q: not in plain syntax (-?(0|[1-9][0-9]*), not -0)", string(x))
			}
			n, err := strconv.ParseInt(string(x), 10, 64)
			if err != nil {
				return fr.Element{}, fmt.Errorf("integer %s: %w: must fit in a signed 64-bit integer", x, ErrOutOfRange)
			}
			return EncodeInteger(n), nil
		}
	case TypeDate:
		switch x := v.(type) {
		case time.Time:
			return EncodeDate(x), nil
		case string:
			t, err := time.Parse(time.DateOnly, x)
			if err != nil {
				return fr.Element{}, fmt.Errorf("date %.40q: want YYYY-MM-DD", x)
			}
			return EncodeDate(t), nil
		}
	case TypeDateTime:
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case string:
			var err error
			if t, err = time.Parse(time.RFC3339, x); err != nil {
				return fr.Element{}, fmt.Errorf("date-time %.40q: want RFC 3339", x)
			}
		default:
			return fr.Element{}, fmt.Errorf("unsupported value of Go type %T", v)
		}
		if t.Nanosecond() != 0 {
			return fr.Element{}, fmt.Errorf("date-time %s: %w: has a fraction of a second", t.Format(time.RFC3339Nano), ErrOutOfRange)
		}
		return EncodeTime(t), nil
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return EncodeBool(b), nil
		}
	case TypeEnum:
		if x, ok := v.(string); ok {
			return EncodeEnum(x, s.Enum)
		}
	case TypeString:
		if x, ok := v.(string); ok {
			return EncodeString(x)
		}
	default:
		return fr.Element{}, fmt.Errorf("unknown attribute type %d", s.Type)
	}
	return fr.Element{}, fmt.Errorf("unsupported value of Go type %T", v)
}
