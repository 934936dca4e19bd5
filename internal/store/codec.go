package store

import (
	"encoding/json"
	"fmt"
)

// Stored value encodings. Every value starts with one version byte; the
// rest depends on the bucket:
//
//   - keys, version 1: JSON of keyRecordV1.
//   - resolver_cache, version 1: an 8-byte big-endian expiry in Unix
//     nanoseconds followed by the cached bytes as they were given.
//   - status_lists, version 1: see statuslist.go.
//   - issuers, issuer_schemas, issued_credentials, api_keys, version 1:
//     JSON; see issuer.go.
//
// A migration that changes an encoding writes a new version byte; readers
// refuse versions they do not know.
const valueV1 byte = 1

// encodeJSON returns version byte 1 followed by the JSON of v.
func encodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte{valueV1}, b...), nil
}

// decodeJSON decodes a value written by encodeJSON.
func decodeJSON(b []byte, v any) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty value", errValueVersion)
	}
	if b[0] != valueV1 {
		return fmt.Errorf("%w: %d", errValueVersion, b[0])
	}
	return json.Unmarshal(b[1:], v)
}
