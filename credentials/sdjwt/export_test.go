package sdjwt

import (
	"crypto"
	"encoding/base64"
)

// SignRaw signs arbitrary header and payload bytes as a compact JWS so tests
// can build SD-JWTs that Issue would never produce.
func SignRaw(signer crypto.Signer, alg string, header, payload []byte) (string, error) {
	s, err := jwsSigner(alg)
	if err != nil {
		return "", err
	}
	in := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := s.Sign([]byte(in), signer)
	if err != nil {
		return "", err
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
