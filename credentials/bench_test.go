package credentials

import (
	"encoding/json"
	"os"
	"testing"
)

func BenchmarkParseCredential(b *testing.B) {
	data, err := os.ReadFile("testdata/spec/v2-status-multiple.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseCredential(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalCredential(b *testing.B) {
	data, _ := os.ReadFile("testdata/spec/v2-status-multiple.json")
	c, err := ParseCredential(data)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := json.Marshal(c); err != nil {
			b.Fatal(err)
		}
	}
}
