package did

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	const s = "did:web:example.com%3A8443:users:alice"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseURL(b *testing.B) {
	const s = "did:example:123456789abcdefghi/path/x?service=files&relativeRef=%2Fa#key-1"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseURL(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDocument(b *testing.B) {
	for _, name := range []string{"core-many-key-types.json", "registry-multikey.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseDocument(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeMultikey(b *testing.B) {
	for _, v := range multikeyVectors[:4] {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeMultikey(v.mb); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
