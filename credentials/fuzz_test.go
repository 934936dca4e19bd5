package credentials

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/spec/*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(validV2))
}

// FuzzParseCredential checks that whatever ParseCredential accepts marshals
// to JSON that parses again to the same bytes, and to the same JSON value as
// the input.
func FuzzParseCredential(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCredential(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a parsed credential: %v", err)
		}
		c2, err := ParseCredential(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(c2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		if !bytes.Equal(normalise(t, out), normalise(t, data)) {
			t.Fatalf("value changed:\n in %s\nout %s", data, out)
		}
	})
}

// FuzzParsePresentation is FuzzParseCredential for presentations.
func FuzzParsePresentation(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePresentation(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("Marshal of a parsed presentation: %v", err)
		}
		p2, err := ParsePresentation(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(p2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		if !bytes.Equal(normalise(t, out), normalise(t, data)) {
			t.Fatalf("value changed:\n in %s\nout %s", data, out)
		}
	})
}
