package jwtvc_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/did/key"
)

// didKeys is a KeyResolver over the real did:key and did:jwk resolvers,
// plus fixed documents for DIDs of other methods (to list a key under one
// relationship only).
type didKeys struct {
	key    *key.Resolver
	jwk    *jwk.Resolver
	static map[string]*did.Document
}

func newDIDKeys() *didKeys {
	return &didKeys{key: key.NewResolver(key.Config{}), jwk: jwk.NewResolver(jwk.Config{}), static: map[string]*did.Document{}}
}

func (r *didKeys) VerificationKey(ctx context.Context, id, rel string) (crypto.PublicKey, error) {
	u, err := did.ParseURL(id)
	if err != nil {
		return nil, err
	}
	var doc *did.Document
	switch u.Method {
	case key.Method:
		doc, _, err = r.key.Resolve(ctx, u.DID, did.ResolveOptions{})
	case "jwk":
		doc, _, err = r.jwk.Resolve(ctx, u.DID, did.ResolveOptions{})
	default:
		var ok bool
		if doc, ok = r.static[u.DID.String()]; !ok {
			err = fmt.Errorf("%w: %s", did.ErrNotFound, u.DID)
		}
	}
	if err != nil {
		return nil, err
	}
	vm, ok := doc.Authorized(rel, id)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not listed under %s", jwtvc.ErrUnauthorizedKey, id, rel)
	}
	return vm.PublicKey()
}

// staticKey answers one key for every id: the parsers' fuzz target and the
// benchmarks of the format's own cost use it.
type staticKey struct{ pub crypto.PublicKey }

func (s staticKey) VerificationKey(context.Context, string, string) (crypto.PublicKey, error) {
	return s.pub, nil
}

// secpSigner is a secp256k1 crypto.Signer with the keystore's contract:
// Sign takes a 32-byte digest and answers 64-byte r||s (or DER when der
// is set).
type secpSigner struct {
	priv *secp256k1.PrivateKey
	der  bool
}

func (s secpSigner) Public() crypto.PublicKey { return s.priv.PubKey() }

func (s secpSigner) Sign(_ io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig := secpecdsa.Sign(s.priv, digest)
	if s.der {
		return sig.Serialize(), nil
	}
	out := make([]byte, 64)
	r, sv := sig.R(), sig.S()
	r.PutBytesUnchecked(out[:32])
	sv.PutBytesUnchecked(out[32:])
	return out, nil
}

// opaqueSigner hides the concrete key type, as an HSM or KMS signer would.
type opaqueSigner struct{ crypto.Signer }

// testKey is a signing key with its did:key and kid.
type testKey struct {
	alg    string
	signer crypto.Signer
	did    string
	kid    string
}

func seed(label string) []byte {
	h := sha256.Sum256([]byte("chainid jwtvc test key " + label))
	return h[:]
}

// newKey returns a deterministic key of the algorithm, derived from label.
func newKey(t testing.TB, alg, label string) testKey {
	t.Helper()
	var signer crypto.Signer
	switch alg {
	case jwtvc.AlgEdDSA:
		signer = ed25519.NewKeyFromSeed(seed(label))
	case jwtvc.AlgES256:
		d := new(big.Int).SetBytes(seed(label))
		d.Mod(d, new(big.Int).Sub(elliptic.P256().Params().N, big.NewInt(1)))
		d.Add(d, big.NewInt(1))
		b := make([]byte, 32)
		d.FillBytes(b)
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
		if err != nil {
			t.Fatal(err)
		}
		signer = priv
	case jwtvc.AlgES256K:
		signer = secpSigner{priv: secp256k1.PrivKeyFromBytes(seed(label))}
	default:
		t.Fatalf("no key for %s", alg)
	}
	id, err := key.New(signer.Public())
	if err != nil {
		t.Fatal(err)
	}
	return testKey{alg: alg, signer: signer, did: id.String(), kid: id.String() + "#" + id.ID}
}

var algs = []string{jwtvc.AlgEdDSA, jwtvc.AlgES256, jwtvc.AlgES256K}

// fixed test clock: 2025-06-01T00:00:00Z.
var testNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// credential2 is a VC 2.0 credential of issuer.
func credential2(issuer string) []byte {
	return []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  "id": "http://university.example/credentials/3732",
  "type": ["VerifiableCredential", "ExampleDegreeCredential"],
  "issuer": {"id": "` + issuer + `", "name": "Example University"},
  "validFrom": "2025-01-01T00:00:00Z",
  "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
    "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"}
  }
}`)
}

// credential11 is a VC 1.1 credential of issuer.
func credential11(issuer string) []byte {
	return []byte(`{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"],
  "id": "http://example.edu/credentials/1872",
  "type": ["VerifiableCredential", "AlumniCredential"],
  "issuer": "` + issuer + `",
  "issuanceDate": "2025-01-01T19:23:24Z",
  "expirationDate": "2030-01-01T19:23:24Z",
  "credentialSubject": {
    "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
    "alumniOf": {"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": "Example University"}
  }
}`)
}

func credentialFor(f jwtvc.Format, issuer string) []byte {
	if f == jwtvc.FormatJWTVCJSON {
		return credential11(issuer)
	}
	return credential2(issuer)
}

var formats = []jwtvc.Format{jwtvc.FormatVCJWT, jwtvc.FormatJWTVCJSON}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rawSign builds a compact JWS from header and payload JSON by hand, signed
// with the primitive of alg (for EdDSA, ES256 and ES256K) or with an HMAC
// over secret (HS256), bypassing the package's Sign.
func rawSign(t testing.TB, header, payload string, k testKey) string {
	t.Helper()
	input := b64([]byte(header)) + "." + b64([]byte(payload))
	return input + "." + b64(rawSignature(t, input, k))
}

func rawSignature(t testing.TB, input string, k testKey) []byte {
	t.Helper()
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(s, []byte(input))
	case *ecdsa.PrivateKey:
		h := sha256.Sum256([]byte(input))
		r, sv, err := ecdsa.Sign(strings.NewReader(strings.Repeat("x", 128)), s, h[:])
		if err != nil {
			t.Fatal(err)
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		sv.FillBytes(out[32:])
		return out
	case secpSigner:
		h := sha256.Sum256([]byte(input))
		out, err := s.Sign(nil, h[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("rawSignature: %T", k.signer)
	return nil
}

func mustSign(t testing.TB, cred []byte, k testKey, opts jwtvc.SignOptions) string {
	t.Helper()
	tok, err := jwtvc.Sign(context.Background(), cred, k.signer, k.kid, opts)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return tok
}

// segments decodes the header and payload of a compact JWS.
func segments(t testing.TB, tok string) (header, payload []byte) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}
