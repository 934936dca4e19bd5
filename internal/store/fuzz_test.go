package store

import (
	"testing"
	"time"
)

// FuzzDecodeValues feeds arbitrary stored bytes to the value decoders: they
// must never panic, and a decoded key record must re-encode to a value that
// decodes to the same record.
func FuzzDecodeValues(f *testing.F) {
	v, _ := encodeJSON(keyRecordV1{ID: "k", KeyType: "Ed25519", Public: []byte{1}, Sealed: []byte{2}, Created: time.Unix(1, 0).UTC()})
	f.Add(v)
	f.Add([]byte{valueV1, 0, 0, 0, 0, 0, 0, 0, 1, 'x'})
	f.Add([]byte{2})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = decodeCacheEntry(b)
		r, err := decodeKeyRecord(b)
		if err != nil {
			return
		}
		again, err := encodeJSON(keyRecordV1(r))
		if err != nil {
			t.Fatal(err)
		}
		r2, err := decodeKeyRecord(again)
		if err != nil || !recordsEqual(r, r2) {
			t.Fatalf("re-encoded record differs: %+v vs %+v (%v)", r, r2, err)
		}
	})
}
