package ethr

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// The expected values were printed by Node.js 22: JSON.stringify of
// JSON.parse(input), or of the input string when it does not parse.
func TestJSServiceEndpoint(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1", "1"},
		{"1.50", "1.5"},
		{"-0", "0"},
		{"0.0000001", "1e-7"},
		{"1e21", "1e+21"},
		{"123456789012345678901234", "1.2345678901234569e+23"},
		{"1e400", "null"},
		{`"a\u0001b"`, `"a\u0001b"`},
		{`{"b":1,"2":2,"a":3,"1":4,"b":5}`, `{"1":4,"2":2,"b":5,"a":3}`},
		{`[1,[2,{}]]`, `[1,[2,{}]]`},
		{"https://x", `"https://x"`},
		{`  {"x" : true } `, `{"x":true}`},
		{"\"\\u2028<&>\"", "\"\u2028<&>\""},
		{`{"4294967295":1,"4294967294":2,"01":3}`, `{"4294967294":2,"4294967295":1,"01":3}`},
		{"5e-324", "5e-324"},
		{"0.1", "0.1"},
		{"100", "100"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"},
		{"-1.5e-10", "-1.5e-10"},
		{"123e-20", "1.23e-18"},
		{`{"__proto__":1}`, `{"__proto__":1}`},
		{"null", "null"},
		{"{", `"{"`},
		{"tab\there", `"tab\there"`},
	} {
		if got := string(jsServiceEndpoint(tc.in)); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

func FuzzServiceEndpoint(f *testing.F) {
	for _, s := range []string{"1", `{"a":[1,2,{"b":null}]}`, "https://x", `"\ud800"`, "1e999", "[]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		out := jsServiceEndpoint(s)
		if !json.Valid(out) {
			t.Fatalf("%q gave invalid JSON %s", s, out)
		}
		// Idempotent: the output, parsed again, prints the same.
		if again := jsServiceEndpoint(string(out)); json.Valid([]byte(s)) && string(again) != string(out) {
			t.Fatalf("%q: %s then %s", s, out, again)
		}
	})
}
