package zkcred_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/chainid/chainid/credentials/zkcred"
)

// FuzzParse: Parse never panics, and whatever it accepts marshals back to
// a document with the same members and values that parses to the same
// bytes and signed message.
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
		// The re-encoding says what the input says: the same members
		// with the same values (an optional member may be null in the
		// input and absent in the output). A member the input names in
		// another case or twice would show up here.
		if in, re := generic(t, data), generic(t, out); !reflect.DeepEqual(in, re) {
			t.Fatalf("re-encoding differs from the input:\n%#v\n%#v", in, re)
		}
		z1, z2 := c.ZK(), c2.ZK()
		m1, err1 := z1.Message()
		m2, err2 := z2.Message()
		if err1 != nil || err2 != nil || !m1.Equal(&m2) {
			t.Fatal("re-parsed credential signs a different message")
		}
	})
}

// generic decodes JSON with numbers as written and null members dropped.
func generic(t *testing.T, b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var drop func(any) any
	drop = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if e == nil {
					delete(x, k)
				} else {
					x[k] = drop(e)
				}
			}
		case []any:
			for i, e := range x {
				x[i] = drop(e)
			}
		}
		return v
	}
	return drop(v)
}
