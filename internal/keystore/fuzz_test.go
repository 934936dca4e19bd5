package keystore

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/chainid/chainid/did"
)

// FuzzOpen feeds arbitrary sealed blobs to open: it must never panic, and
// must only succeed on the blob that was sealed for the record.
func FuzzOpen(f *testing.F) {
	s, _ := openStore(f)
	k := newKeystore(f, s, "pw")
	rec, err := k.Generate(f.Context(), did.P256, "", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rec.Sealed)
	f.Add(rec.Sealed[:headerLen])
	f.Add([]byte{})
	f.Add([]byte{formatV1, kdfArgon2id})
	f.Fuzz(func(t *testing.T, sealed []byte) {
		if len(sealed) >= offSalt {
			// Keep each derivation cheap; the bounds themselves are tested
			// in TestTamperedSealedBlob.
			if binary.BigEndian.Uint32(sealed[2:6]) > 2 || binary.BigEndian.Uint32(sealed[6:10]) > 256 {
				t.Skip()
			}
		}
		r := rec
		r.Sealed = sealed
		priv, err := k.open(r)
		if err == nil && !bytes.Equal(sealed, rec.Sealed) {
			t.Fatalf("opened a blob that was not sealed for the record: %x", sealed)
		}
		if err == nil && len(priv) != privLen {
			t.Fatalf("opened %d-byte key", len(priv))
		}
	})
}
