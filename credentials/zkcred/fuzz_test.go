package zkcred_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/chainid/chainid/credentials/zkcred"
)

// FuzzParse: Parse never panics, and whatever it accepts marshals back to
// a document that parses to the same bytes.
func FuzzParse(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "credential.golden.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	_, compact := issueFixture(f)
	f.Add(compact)
	f.Add([]byte(`{"type":"ChainIDZKCredential","version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := zkcred.Parse(data)
		if err != nil {
			return
		}
		out, err := c.MarshalJSON()
		if err != nil {
			t.Fatalf("marshal an accepted credential: %v", err)
		}
		c2, err := zkcred.Parse(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, _ := c2.MarshalJSON()
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		z1, z2 := c.ZK(), c2.ZK()
		m1, err1 := z1.Message()
		m2, err2 := z2.Message()
		if err1 != nil || err2 != nil || !m1.Equal(&m2) {
			t.Fatal("re-parsed credential signs a different message")
		}
	})
}
