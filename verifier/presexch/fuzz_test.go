package presexch_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/chainid/chainid/verifier/presexch"
)

// FuzzParse: Parse never panics, its errors wrap ErrInvalid or
// ErrUnsupported, and what it accepts marshals to a definition it accepts
// again.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"basic_example.json", "single_group_example.json", "pd_filter.json", "format_example.json"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(def(passport, `"submission_requirements":[{"rule":"pick","count":1,"from":"A"}]`)))
	f.Add([]byte(def(`{"id":"a","constraints":{"fields":[{"path":["$['a'][0]"],"filter":{"not":{"const":1}}}]}}`)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := presexch.Parse(raw)
		if err != nil {
			if !errors.Is(err, presexch.ErrInvalid) && !errors.Is(err, presexch.ErrUnsupported) {
				t.Fatalf("error %v wraps neither ErrInvalid nor ErrUnsupported", err)
			}
			return
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := presexch.Parse(b); err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		_, _ = presexch.Match(d, []presexch.Candidate{{ID: "c", Format: "ldp_vc", Claims: json.RawMessage(`{"a":[1]}`)}})
	})
}
