package zkp

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestEncodeJSON: the strict JSON decoding every ZK attribute goes through
// (credentials/zkcred signs with it, verifier/zk encodes predicate operands
// with it). Two different JSON values never encode to the same field
// element by silent normalization (a quoted or signed integer, -0, a
// fraction of a second dropped, a lone surrogate turned into U+FFFD); exact
// values that merely look different are accepted.
func TestEncodeJSON(t *testing.T) {
	specs := map[string]AttributeSpec{
		"integer":  {Name: "n", Type: TypeInteger},
		"boolean":  {Name: "b", Type: TypeBoolean},
		"date":     {Name: "d", Type: TypeDate},
		"datetime": {Name: "t", Type: TypeDateTime},
		"string":   {Name: "s", Type: TypeString},
		"enum":     {Name: "e", Type: TypeEnum, Enum: []string{"\ufffd", "a"}},
	}
	for _, tc := range []struct {
		typ, value string
		want       any // nil: refused
	}{
		{"integer", `0`, int64(0)},
		{"integer", ` -1 `, int64(-1)},
		{"integer", `9223372036854775807`, int64(9223372036854775807)},
		{"integer", `-9223372036854775808`, int64(-9223372036854775808)},
		{"integer", `9223372036854775808`, nil},
		{"integer", `-0`, nil},
		{"integer", `"18"`, nil},
		{"integer", `"+18"`, nil},
		{"integer", `+18`, nil},
		{"integer", `018`, nil},
		{"integer", `18.0`, nil},
		{"integer", `1.8e1`, nil},
		{"integer", `1E1`, nil},
		{"integer", `true`, nil},
		{"integer", ``, nil},
		{"boolean", `true`, true},
		{"boolean", `false`, false},
		{"boolean", `"true"`, nil},
		{"boolean", `1`, nil},
		{"date", `"2025-03-01"`, "2025-03-01"},
		{"date", `"2025-3-1"`, nil},
		{"date", `20250301`, nil},
		{"datetime", `"2025-03-01T12:00:00Z"`, "2025-03-01T12:00:00Z"},
		{"datetime", `"2025-03-01T13:00:00+01:00"`, "2025-03-01T13:00:00+01:00"},
		{"datetime", `"2025-03-01T12:00:00.5Z"`, nil},
		{"datetime", `"2025-03-01T12:00:00.000000001Z"`, nil},
		{"datetime", `"2025-03-01T12:00:00.0Z"`, "2025-03-01T12:00:00.0Z"}, // exact: no fraction lost
		{"datetime", `1740830400`, nil},
		{"string", `"\ufffd"`, "\ufffd"},
		{"string", `"\uFFFD and \ufffd"`, "\ufffd and \ufffd"},
		{"string", `"` + "\ufffd" + `"`, "\ufffd"},
		{"string", `"\ud800"`, nil},
		{"string", `"x\udc00y"`, nil},
		{"string", `"\ud83d\ude00"`, "\U0001F600"},
		{"string", `"\\ud800"`, `\ud800`},
		{"string", `7`, nil},
		{"enum", `"\udfff"`, nil},
		{"enum", `"\ufffd"`, "\ufffd"},
		{"enum", `"b"`, nil},
	} {
		t.Run(tc.typ+" "+tc.value, func(t *testing.T) {
			spec := specs[tc.typ]
			v, e, err := spec.EncodeJSON(json.RawMessage(tc.value))
			if tc.want == nil {
				if err == nil {
					t.Fatalf("accepted as %v", v)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if v != tc.want {
				t.Fatalf("decoded %#v, want %#v", v, tc.want)
			}
			// The decoded value is one Encode takes, to the same element.
			if again, err := spec.Encode(v); err != nil || !again.Equal(&e) {
				t.Fatalf("Encode(%#v) = %s, %v; EncodeJSON gave %s", v, again.String(), err, e.String())
			}
		})
	}
	if _, _, err := (AttributeSpec{Name: "n", Type: TypeInteger}).EncodeJSON(json.RawMessage(`9223372036854775808`)); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("overflow: err = %v, want ErrOutOfRange", err)
	}
}
