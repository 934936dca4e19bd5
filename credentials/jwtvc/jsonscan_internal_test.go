package jwtvc

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseObject(t *testing.T) {
	many := func(dup bool) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, `"k%d":{"a":1,"b":[{"a":2}]},`, i)
		}
		if dup {
			b.WriteString(`"k33":0,`)
		}
		b.WriteString(`"end":true}`)
		return b.String()
	}
	tests := []struct {
		name, in string
		ok       bool
		members  []string
	}{
		{"simple", `{"a":1, "b" : "x,y}" ,"c":[1,{"a":2}],"d":{"e":null}}`, true, []string{"a", "b", "c", "d"}},
		{"same name in sibling objects", `{"x":{"a":1},"y":{"a":1},"z":[{"a":1},{"a":2}]}`, true, []string{"x", "y", "z"}},
		{"same name at two depths", `{"a":{"a":{"a":1}}}`, true, []string{"a"}},
		{"many members", many(false), true, nil},
		{"duplicate among many members", many(true), false, nil},
		{"duplicate", `{"a":1,"a":1}`, false, nil},
		{"duplicate after a nested object", `{"a":{"b":1,"c":2},"b":1,"a":2}`, false, nil},
		{"duplicate in an array element", `{"x":[{"a":1,"a":2}]}`, false, nil},
		{"escaped duplicate", `{"a":1,"\u0061":2}`, false, nil},
		{"escaped quote in a name", `{"a\"b":1,"a\"b":2}`, false, nil},
		{"too deep", `{"a":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, false, nil},
		{"deep enough", `{"a":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`, true, []string{"a"}},
		{"array at the top", `[{"a":1}]`, false, nil},
		{"trailing data", `{"a":1} {"a":2}`, false, nil},
		{"unterminated", `{"a":"1}`, false, nil},
		{"syntax error", `{"a":01}`, false, nil},
		{"unbalanced", `{"a":[}`, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseObject([]byte(tc.in), DefaultMaxDepth)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok = %v", err, tc.ok)
			}
			if tc.members == nil {
				return
			}
			var names []string
			for _, m := range o {
				names = append(names, string(m.name))
			}
			if strings.Join(names, ",") != strings.Join(tc.members, ",") {
				t.Fatalf("members %v, want %v", names, tc.members)
			}
		})
	}
	o, err := parseObject([]byte(`{ "s" : "v" , "n": 12 ,"o":{"x":[1]}}`), DefaultMaxDepth)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"s": `"v"`, "n": "12", "o": `{"x":[1]}`} {
		if got := string(o.get(name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if o.get("S") != nil {
		t.Error("member names matched case-insensitively")
	}
}
