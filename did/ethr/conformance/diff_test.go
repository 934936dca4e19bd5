package conformance

import (
	"strings"
	"testing"
)

// TestDiffJSON checks the comparison the conformance tests rely on: member order does not
// matter; array order, missing members, types and values do.
func TestDiffJSON(t *testing.T) {
	for _, tc := range []struct {
		name, ours, ref string
		want            []string // substrings, one per expected difference
	}{
		{"equal with other member order", `{"a":1,"b":[1,{"x":"y","z":null}]}`, `{"b":[1,{"z":null,"x":"y"}],"a":1}`, nil},
		{"numbers compare as written", `{"n":1}`, `{"n":1.0}`, []string{`root.n: ours 1, reference 1.0`}},
		{"array order", `{"a":["x","y"]}`, `{"a":["y","x"]}`, []string{`root.a[0]`, `root.a[1]`}},
		{"member only in reference", `{"a":1}`, `{"a":1,"service":[]}`, []string{`root.service: only in reference: []`}},
		{"member only in ours", `{"a":1,"deactivated":true}`, `{"a":1}`, []string{`root.deactivated: only in ours: true`}},
		{"longer array", `[1]`, `[1,2]`, []string{`root[1]: only in reference: 2`}},
		{"type", `{"e":"x"}`, `{"e":{"uri":"x"}}`, []string{`root.e: ours "x", reference {"uri":"x"}`}},
		{"null vs empty", `{"e":null}`, `{"e":[]}`, []string{`root.e`}},
		{"unparsable", `{`, `{}`, []string{`our JSON does not parse`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diffJSONText("root", []byte(tc.ours), []byte(tc.ref))
			if len(got) != len(tc.want) {
				t.Fatalf("diffs = %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("diff %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
