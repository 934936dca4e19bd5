package strictjson_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chainid/chainid/internal/strictjson"
)

func TestCheck(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tc := range []struct {
		name, in string
		depth    int
		wantErr  string // substring; "" means valid
	}{
		{"object", `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, 4, ""},
		{"scalar", `"x"`, 1, ""},
		{"same name in sibling objects", `[{"a":1},{"a":2}]`, 2, ""},
		{"name-like string values", `{"a":"b","c":"b","d":["a","a"]}`, 2, ""},
		{"escaped quote in name", `{"a\"b":1,"a":2}`, 1, ""},
		{"depth at the limit", nest(3), 3, ""},
		{"depth over the limit", nest(4), 3, "nesting deeper than 3"},
		{"object depth over the limit", `{"a":{"b":{}}}`, 2, "nesting deeper than 2"},
		{"duplicate", `{"a":1,"a":2}`, 1, `duplicate member "a"`},
		{"duplicate after whitespace", "{ \"a\" : 1 ,\n \"a\" : 2 }", 1, `duplicate member "a"`},
		{"duplicate nested", `{"x":[{"b":1,"b":1}]}`, 3, `duplicate member "b"`},
		{"duplicate by escape", `{"a":1,"\u0061":2}`, 1, `duplicate member "a"`},
		{"duplicate non-ASCII", `{"é":1,"\u00e9":2}`, 1, `duplicate member "é"`},
		{"invalid", `{"a":1,}`, 1, "not valid JSON"},
		{"trailing data", `{} {}`, 1, "not valid JSON"},
		{"empty", ``, 1, "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := strictjson.Check([]byte(tc.in), tc.depth)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Check succeeded, want %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Check: %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// FuzzCheck: Check never accepts invalid JSON, whitespace does not change
// its verdict, and CheckFold is at least as strict.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"\u0061":[1,{"b":2}]}}`, `[[[[]]]]`, `"x"`, `{"a":"}","b":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := strictjson.Check(data, 8)
		if errFold := strictjson.CheckFold(data, 8); errFold == nil && err != nil {
			t.Fatalf("CheckFold accepted what Check refuses: %v", err)
		}
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, data); err != nil {
			t.Fatal(err)
		}
		if err := strictjson.Check(c.Bytes(), 8); err != nil {
			t.Fatalf("compacted form refused: %v", err)
		}
	})
}

// TestCheckFold: CheckFold refuses the names encoding/json folds onto one
// struct field; Check, for case-sensitive data, keeps them apart.
func TestCheckFold(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		dup      bool
	}{
		{"ASCII case", `{"id":1,"ID":2}`, true},
		{"mixed case nested", `{"a":[{"Type":1,"tYPE":2}]}`, true},
		{"long s", `{"scope":1,"ſcope":2}`, true},
		{"kelvin sign", `{"k":1,"\u212a":2}`, true},
		{"escaped upper", `{"a":1,"\u0041":2}`, true},
		{"distinct", `{"id":1,"idx":2,"ID2":3}`, false},
		{"siblings", `[{"id":1},{"ID":2}]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := strictjson.CheckFold([]byte(tc.in), 4)
			if (err != nil) != tc.dup {
				t.Fatalf("CheckFold = %v, want duplicate %v", err, tc.dup)
			}
			if !tc.dup {
				return
			}
			if err := strictjson.Check([]byte(tc.in), 4); err != nil {
				t.Fatalf("Check refused case-distinct names: %v", err)
			}
		})
	}
}

func ExampleCheck() {
	fmt.Println(strictjson.Check([]byte(`{"a":1,"\u0061":2}`), 64))
	fmt.Println(strictjson.Check([]byte(`{"a":[1,{"a":2}]}`), 64))
	// Output:
	// duplicate member "a"
	// <nil>
}
