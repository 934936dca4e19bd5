package did

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// multikeyVectors come from the did:key specification's test vectors: the
// method-specific identifier, its raw key bytes and/or its JWK form.
var multikeyVectors = []struct {
	name   string
	mb     string
	kt     KeyType
	rawHex string // multicodec payload (compressed for EC), when known
	jwkX   string
	jwkY   string
}{
	{name: "Ed25519", mb: "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", kt: Ed25519,
		rawHex: "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29", jwkX: "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"},
	{name: "X25519", mb: "z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F", kt: X25519,
		rawHex: "2fe57da347cd62431528daac5fbb290730fff684afc4cfc2ed90995f58cb3b74"},
	{name: "secp256k1", mb: "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", kt: Secp256k1,
		rawHex: "03874c15c7fda20e539c6e5ba573c139884c351188799f5458b4b41f7924f235cd",
		jwkX:   "h0wVx_2iDlOcblulc8E5iEw1EYh5n1RYtLQfeSTyNc0", jwkY: "O2EATIGbu6DezKFptj5scAIRntgfecanVNXxat1rnwE"},
	{name: "P-256 a", mb: "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", kt: P256,
		jwkX: "fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI", jwkY: "hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU"},
	{name: "P-256 b", mb: "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv", kt: P256,
		jwkX: "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns", jwkY: "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"},
}

func mustKey(t testing.TB, mb string) crypto.PublicKey {
	t.Helper()
	pub, err := DecodeMultikey(mb)
	if err != nil {
		t.Fatalf("DecodeMultikey(%s): %v", mb, err)
	}
	return pub
}

// sameKey compares keys through their canonical Multikey form.
func sameKey(t testing.TB, a, b crypto.PublicKey) bool {
	t.Helper()
	ea, err := EncodeMultikey(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := EncodeMultikey(b)
	if err != nil {
		t.Fatal(err)
	}
	return ea == eb
}

func TestMultikeyVectors(t *testing.T) {
	for _, v := range multikeyVectors {
		t.Run(v.name, func(t *testing.T) {
			pub := mustKey(t, v.mb)
			kt, err := KeyTypeOf(pub)
			if err != nil || kt != v.kt {
				t.Fatalf("KeyTypeOf = %s, %v; want %s", kt, err, v.kt)
			}
			enc, err := EncodeMultikey(pub)
			if err != nil || enc != v.mb {
				t.Fatalf("EncodeMultikey = %s, %v; want %s", enc, err, v.mb)
			}
			if v.rawHex != "" {
				raw, _ := hex.DecodeString(v.rawHex)
				fromRaw, err := PublicKeyFromBytes(v.kt, raw)
				if err != nil {
					t.Fatalf("PublicKeyFromBytes: %v", err)
				}
				if !sameKey(t, fromRaw, pub) {
					t.Fatal("raw bytes and multikey give different keys")
				}
			}
			jwk, err := JWKFromPublicKey(pub)
			if err != nil {
				t.Fatal(err)
			}
			if v.jwkX != "" && (jwk.X != v.jwkX || jwk.Y != v.jwkY) {
				t.Fatalf("JWK x,y = %s,%s; want %s,%s", jwk.X, jwk.Y, v.jwkX, v.jwkY)
			}
			back, err := jwk.PublicKey()
			if err != nil || !sameKey(t, back, pub) {
				t.Fatalf("JWK round trip: %v", err)
			}
		})
	}
}

func generatedKeys(t testing.TB) map[KeyType]crypto.PublicKey {
	t.Helper()
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	xPriv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kPriv, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return map[KeyType]crypto.PublicKey{
		Ed25519: edPub, X25519: xPriv.PublicKey(), P256: &pPriv.PublicKey, Secp256k1: kPriv.PubKey(),
	}
}

func TestMultikeyRoundTrip(t *testing.T) {
	prefixes := map[KeyType]string{Ed25519: "z6Mk", X25519: "z6LS", P256: "zDn", Secp256k1: "zQ3s"}
	for i := 0; i < 8; i++ {
		for kt, pub := range generatedKeys(t) {
			enc, err := EncodeMultikey(pub)
			if err != nil {
				t.Fatalf("%s: %v", kt, err)
			}
			if !strings.HasPrefix(enc, prefixes[kt]) {
				t.Fatalf("%s multikey %s lacks prefix %s", kt, enc, prefixes[kt])
			}
			back, err := DecodeMultikey(enc)
			if err != nil {
				t.Fatalf("%s: DecodeMultikey(%s): %v", kt, enc, err)
			}
			if got, _ := KeyTypeOf(back); got != kt {
				t.Fatalf("decoded key type %s, want %s", got, kt)
			}
			if enc2, _ := EncodeMultikey(back); enc2 != enc {
				t.Fatalf("%s: re-encoded %s, want %s", kt, enc2, enc)
			}
			switch k := pub.(type) {
			case ed25519.PublicKey:
				if !k.Equal(back) {
					t.Fatal("Ed25519 key changed")
				}
			case *ecdh.PublicKey:
				if !k.Equal(back) {
					t.Fatal("X25519 key changed")
				}
			case *ecdsa.PublicKey:
				if !k.Equal(back) {
					t.Fatal("P-256 key changed")
				}
			case *secp256k1.PublicKey:
				if !k.IsEqual(back.(*secp256k1.PublicKey)) {
					t.Fatal("secp256k1 key changed")
				}
			}
		}
	}
}

// multikeyOf builds "z"+base58(varint(code) || payload).
func multikeyOf(prefix []byte, payload []byte) string {
	return "z" + EncodeBase58(append(append([]byte(nil), prefix...), payload...))
}

// offCurveP256X returns an x coordinate with no P-256 point.
func offCurveP256X(t testing.TB) []byte {
	t.Helper()
	for i := int64(1); i < 1000; i++ {
		x := big.NewInt(i).FillBytes(make([]byte, 32))
		if px, _ := elliptic.UnmarshalCompressed(elliptic.P256(), append([]byte{2}, x...)); px == nil {
			return x
		}
	}
	t.Fatal("no off-curve x found")
	return nil
}

// offCurveEd25519 returns a 32-byte string that is not an Ed25519 point.
func offCurveEd25519(t testing.TB) []byte {
	t.Helper()
	for i := byte(2); i < 255; i++ {
		b := make([]byte, 32)
		b[0] = i
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			return b
		}
	}
	t.Fatal("no invalid Ed25519 encoding found")
	return nil
}

// offCurveSecp256k1X returns an x coordinate with no secp256k1 point.
func offCurveSecp256k1X(t testing.TB) []byte {
	t.Helper()
	for i := int64(1); i < 1000; i++ {
		x := big.NewInt(i).FillBytes(make([]byte, 32))
		if _, err := secp256k1.ParsePubKey(append([]byte{2}, x...)); err != nil {
			return x
		}
	}
	t.Fatal("no off-curve x found")
	return nil
}

func TestDecodeMultikeyRefuses(t *testing.T) {
	ed := []byte{0xed, 0x01}
	x := []byte{0xec, 0x01}
	p256 := []byte{0x80, 0x24}
	k1 := []byte{0xe7, 0x01}
	edKey, _ := hex.DecodeString(multikeyVectors[0].rawHex)
	k1Key, _ := hex.DecodeString(multikeyVectors[2].rawHex)
	p256Pub := mustKey(t, multikeyVectors[3].mb).(*ecdsa.PublicKey)
	p256Uncompressed, _ := p256Pub.Bytes()
	fieldP := secp256k1.Params().P.FillBytes(make([]byte, 32))

	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrInvalidKey},
		{"no multibase prefix", "6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ErrInvalidKey},
		{"base64url multibase", "u" + base64.RawURLEncoding.EncodeToString(append(ed, edKey...)), ErrInvalidKey},
		{"base16 multibase", "f" + hex.EncodeToString(append(ed, edKey...)), ErrInvalidKey},
		{"only prefix", "z", ErrInvalidKey},
		{"invalid base58 0", "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0", ErrInvalidKey},
		{"invalid base58 O", "zO", ErrInvalidKey},
		{"invalid base58 I", "zI", ErrInvalidKey},
		{"invalid base58 l", "zl", ErrInvalidKey},
		{"invalid base58 +", "z+", ErrInvalidKey},
		{"truncated varint", multikeyOf([]byte{0x80}, nil), ErrInvalidKey},
		{"non-minimal varint", multikeyOf([]byte{0xed, 0x81, 0x00}, edKey), ErrInvalidKey},
		{"non-minimal varint 2", multikeyOf([]byte{0xed, 0x81, 0x80, 0x00}, edKey), ErrInvalidKey},
		{"varint too long", multikeyOf([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, edKey), ErrInvalidKey},
		{"unsupported P-384", "z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9", ErrUnsupportedKey},
		{"unsupported ed25519-priv", multikeyOf([]byte{0x80, 0x26}, edKey), ErrUnsupportedKey},
		{"unsupported bls", multikeyOf([]byte{0xeb, 0x01}, make([]byte, 96)), ErrUnsupportedKey},
		{"Ed25519 short", multikeyOf(ed, edKey[:31]), ErrInvalidKey},
		{"Ed25519 long", multikeyOf(ed, append(edKey, 0)), ErrInvalidKey},
		{"Ed25519 empty", multikeyOf(ed, nil), ErrInvalidKey},
		{"Ed25519 not a point", multikeyOf(ed, offCurveEd25519(t)), ErrInvalidKey},
		{"X25519 short", multikeyOf(x, make([]byte, 31)), ErrInvalidKey},
		{"secp256k1 uncompressed", multikeyOf(k1, append([]byte{4}, make([]byte, 64)...)), ErrInvalidKey},
		{"secp256k1 short", multikeyOf(k1, k1Key[:32]), ErrInvalidKey},
		{"secp256k1 bad tag", multikeyOf(k1, append([]byte{4}, k1Key[1:]...)), ErrInvalidKey},
		{"secp256k1 x >= p", multikeyOf(k1, append([]byte{2}, fieldP...)), ErrInvalidKey},
		{"secp256k1 not a point", multikeyOf(k1, append([]byte{2}, offCurveSecp256k1X(t)...)), ErrInvalidKey},
		{"P-256 uncompressed", multikeyOf(p256, p256Uncompressed), ErrInvalidKey},
		{"P-256 not a point", multikeyOf(p256, append([]byte{3}, offCurveP256X(t)...)), ErrInvalidKey},
		{"P-256 bad tag", multikeyOf(p256, append([]byte{5}, offCurveP256X(t)...)), ErrInvalidKey},
		{"P-256 x >= p", multikeyOf(p256, append([]byte{2}, elliptic.P256().Params().P.FillBytes(make([]byte, 32))...)), ErrInvalidKey},
		{"too long", "z" + strings.Repeat("2", 2000), ErrInvalidKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pub, err := DecodeMultikey(tc.in)
			if err == nil {
				t.Fatalf("DecodeMultikey(%s) = %T, want error", tc.in, pub)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("DecodeMultikey error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDecodeMultibase(t *testing.T) {
	want := []byte{0, 1, 2, 250}
	for _, s := range []string{"z" + EncodeBase58(want), "u" + base64.RawURLEncoding.EncodeToString(want)} {
		got, err := DecodeMultibase(s)
		if err != nil || string(got) != string(want) {
			t.Fatalf("DecodeMultibase(%s) = %x, %v", s, got, err)
		}
	}
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrInvalidKey},
		{"f00ff", ErrUnsupportedKey},
		{"m" + base64.StdEncoding.EncodeToString(want), ErrUnsupportedKey},
		{"uAAE=", ErrInvalidKey}, // padding is not base64url multibase
		{"z0", ErrInvalidKey},
	} {
		if _, err := DecodeMultibase(tc.in); !errors.Is(err, tc.want) {
			t.Fatalf("DecodeMultibase(%q) error %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestJWKRoundTrip(t *testing.T) {
	for kt, pub := range generatedKeys(t) {
		t.Run(string(kt), func(t *testing.T) {
			jwk, err := JWKFromPublicKey(pub)
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(jwk)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseJWK(data)
			if err != nil {
				t.Fatalf("ParseJWK(%s): %v", data, err)
			}
			back, err := parsed.PublicKey()
			if err != nil {
				t.Fatalf("PublicKey(%s): %v", data, err)
			}
			if !sameKey(t, back, pub) {
				t.Fatalf("JWK round trip changed the key: %s", data)
			}
			again, _ := json.Marshal(parsed)
			if string(again) != string(data) {
				t.Fatalf("JWK re-marshal %s, want %s", again, data)
			}
		})
	}
}

func TestJWKMarshalKeepsExtra(t *testing.T) {
	in := `{"kty":"OKP","crv":"Ed25519","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik","kid":"k1","use":"sig"}`
	k, err := ParseJWK([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(k)
	const want = `{"crv":"Ed25519","kty":"OKP","x":"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik","kid":"k1","use":"sig"}`
	if string(out) != want {
		t.Fatalf("marshal = %s, want %s", out, want)
	}
}

func TestJWKRefuses(t *testing.T) {
	const edX = "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"
	b64 := base64.RawURLEncoding.EncodeToString
	offX := b64(offCurveP256X(t))
	tests := []struct {
		name, jwk string
		parseErr  bool // ParseJWK itself must refuse
		want      error
	}{
		{"private d", `{"kty":"OKP","crv":"Ed25519","x":"` + edX + `","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`, true, ErrInvalidKey},
		{"private EC d", `{"kty":"EC","crv":"P-256","x":"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI","y":"hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU","d":"AAAA"}`, true, ErrInvalidKey},
		{"private RSA p", `{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQ"}`, true, ErrInvalidKey},
		{"private RSA oth", `{"kty":"RSA","n":"AQAB","e":"AQAB","oth":[]}`, true, ErrInvalidKey},
		{"symmetric k", `{"kty":"oct","k":"AAAA"}`, true, ErrInvalidKey},
		{"duplicate x", `{"kty":"OKP","crv":"Ed25519","x":"` + edX + `","x":"` + edX + `"}`, true, ErrInvalidKey},
		{"missing kty", `{"crv":"Ed25519","x":"` + edX + `"}`, true, ErrInvalidKey},
		{"kty null", `{"kty":null,"crv":"Ed25519","x":"` + edX + `"}`, true, ErrInvalidKey},
		{"x number", `{"kty":"OKP","crv":"Ed25519","x":1}`, true, ErrInvalidKey},
		{"not an object", `["OKP"]`, true, ErrInvalidKey},
		{"x short", `{"kty":"OKP","crv":"Ed25519","x":"` + b64(make([]byte, 31)) + `"}`, false, ErrInvalidKey},
		{"x padded", `{"kty":"OKP","crv":"Ed25519","x":"` + edX + `="}`, false, ErrInvalidKey},
		{"x std alphabet", `{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM+"}`, false, ErrInvalidKey},
		{"x missing", `{"kty":"OKP","crv":"Ed25519"}`, false, ErrInvalidKey},
		{"OKP with y", `{"kty":"OKP","crv":"Ed25519","x":"` + edX + `","y":"` + edX + `"}`, false, ErrInvalidKey},
		{"Ed25519 not a point", `{"kty":"OKP","crv":"Ed25519","x":"` + b64(offCurveEd25519(t)) + `"}`, false, ErrInvalidKey},
		{"EC y missing", `{"kty":"EC","crv":"P-256","x":"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI"}`, false, ErrInvalidKey},
		{"EC y short", `{"kty":"EC","crv":"P-256","x":"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI","y":"` + b64(make([]byte, 31)) + `"}`, false, ErrInvalidKey},
		{"P-256 not on curve", `{"kty":"EC","crv":"P-256","x":"` + offX + `","y":"hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU"}`, false, ErrInvalidKey},
		{"P-256 wrong y", `{"kty":"EC","crv":"P-256","x":"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"}`, false, ErrInvalidKey},
		{"secp256k1 wrong y", `{"kty":"EC","crv":"secp256k1","x":"h0wVx_2iDlOcblulc8E5iEw1EYh5n1RYtLQfeSTyNc0","y":"hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU"}`, false, ErrInvalidKey},
		{"crv mismatched kty", `{"kty":"EC","crv":"Ed25519","x":"` + edX + `"}`, false, ErrUnsupportedKey},
		{"P-384", `{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}`, false, ErrUnsupportedKey},
		{"RSA", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, false, ErrUnsupportedKey},
		{"unknown kty", `{"kty":"XYZ"}`, false, ErrUnsupportedKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseJWK([]byte(tc.jwk))
			if tc.parseErr {
				if !errors.Is(err, tc.want) {
					t.Fatalf("ParseJWK error %v, want %v", err, tc.want)
				}
				// Decoding without ParseJWK must still not yield a key.
				var raw JWK
				if json.Unmarshal([]byte(tc.jwk), &raw) == nil {
					if _, err := raw.PublicKey(); err == nil {
						t.Fatal("PublicKey accepted a JWK ParseJWK refuses")
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJWK: %v", err)
			}
			if pub, err := k.PublicKey(); !errors.Is(err, tc.want) {
				t.Fatalf("PublicKey() = %T, %v; want %v", pub, err, tc.want)
			}
		})
	}
}

func TestKeyTypeOfRefuses(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256ecdh, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := &rsa.PublicKey{N: big.NewInt(35), E: 3}
	tests := []struct {
		name string
		pub  crypto.PublicKey
		want error
	}{
		{"nil interface", nil, ErrUnsupportedKey},
		{"short Ed25519", ed25519.PublicKey(make([]byte, 31)), ErrInvalidKey},
		{"nil Ed25519", ed25519.PublicKey(nil), ErrInvalidKey},
		{"Ed25519 by value pointer", new(ed25519.PublicKey), ErrUnsupportedKey},
		{"nil ecdh", (*ecdh.PublicKey)(nil), ErrInvalidKey},
		{"ecdh P-256", p256ecdh.PublicKey(), ErrUnsupportedKey},
		{"nil ecdsa", (*ecdsa.PublicKey)(nil), ErrInvalidKey},
		{"ecdsa no curve", &ecdsa.PublicKey{}, ErrInvalidKey},
		{"ecdsa P-256 no point", &ecdsa.PublicKey{Curve: elliptic.P256()}, ErrInvalidKey},
		//lint:ignore SA1019 invalid keys can only be built from raw coordinates
		{"ecdsa P-256 off curve", &ecdsa.PublicKey{Curve: elliptic.P256(), X: big.NewInt(1), Y: big.NewInt(1)}, ErrInvalidKey},
		//lint:ignore SA1019 invalid keys can only be built from raw coordinates
		{"ecdsa P-256 huge X", &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).Lsh(big.NewInt(1), 300), Y: big.NewInt(1)}, ErrInvalidKey},
		{"ecdsa P-384", &p384.PublicKey, ErrUnsupportedKey},
		{"nil secp256k1", (*secp256k1.PublicKey)(nil), ErrInvalidKey},
		{"RSA", rsaKey, ErrUnsupportedKey},
		{"bytes", []byte{1, 2}, ErrUnsupportedKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if kt, err := KeyTypeOf(tc.pub); !errors.Is(err, tc.want) {
				t.Fatalf("KeyTypeOf = %s, %v; want %v", kt, err, tc.want)
			}
			if _, err := EncodeMultikey(tc.pub); !errors.Is(err, tc.want) {
				t.Fatalf("EncodeMultikey error %v, want %v", err, tc.want)
			}
			if _, err := JWKFromPublicKey(tc.pub); !errors.Is(err, tc.want) {
				t.Fatalf("JWKFromPublicKey error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPublicKeyFromBytes(t *testing.T) {
	p := mustKey(t, multikeyVectors[3].mb).(*ecdsa.PublicKey)
	uncompressed, _ := p.Bytes()
	k1 := mustKey(t, multikeyVectors[2].mb).(*secp256k1.PublicKey)
	k1u := k1.SerializeUncompressed()
	hybrid := append([]byte{6 | byte(k1u[64]&1)}, k1u[1:]...)

	for _, tc := range []struct {
		name string
		kt   KeyType
		b    []byte
	}{
		{"P-256 uncompressed", P256, uncompressed},
		{"secp256k1 uncompressed", Secp256k1, k1u},
	} {
		pub, err := PublicKeyFromBytes(tc.kt, tc.b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.kt == P256 && !sameKey(t, pub, p) || tc.kt == Secp256k1 && !sameKey(t, pub, k1) {
			t.Fatalf("%s: key changed", tc.name)
		}
	}
	badUncompressed := append([]byte(nil), uncompressed...)
	badUncompressed[64] ^= 1
	for _, tc := range []struct {
		name string
		kt   KeyType
		b    []byte
		want error
	}{
		{"P-256 uncompressed off curve", P256, badUncompressed, ErrInvalidKey},
		{"P-256 64 bytes", P256, uncompressed[1:], ErrInvalidKey},
		{"P-256 compressed tag 4", P256, append([]byte{4}, uncompressed[1:33]...), ErrInvalidKey},
		{"secp256k1 hybrid", Secp256k1, hybrid, ErrInvalidKey},
		{"secp256k1 empty", Secp256k1, nil, ErrInvalidKey},
		{"X25519 33 bytes", X25519, make([]byte, 33), ErrInvalidKey},
		{"unknown type", KeyType("P-384"), make([]byte, 49), ErrUnsupportedKey},
	} {
		if _, err := PublicKeyFromBytes(tc.kt, tc.b); !errors.Is(err, tc.want) {
			t.Fatalf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestVerificationMethodPublicKey(t *testing.T) {
	ed := mustKey(t, multikeyVectors[0].mb)
	xk := mustKey(t, multikeyVectors[1].mb)
	k1 := mustKey(t, multikeyVectors[2].mb)
	p256 := mustKey(t, multikeyVectors[3].mb)
	edRaw, _ := hex.DecodeString(multikeyVectors[0].rawHex)
	xRaw, _ := hex.DecodeString(multikeyVectors[1].rawHex)
	k1Raw, _ := hex.DecodeString(multikeyVectors[2].rawHex)
	edJWK, _ := JWKFromPublicKey(ed)
	k1JWK, _ := JWKFromPublicKey(k1)
	p256JWK, _ := JWKFromPublicKey(p256)

	tests := []struct {
		name string
		vm   VerificationMethod
		want crypto.PublicKey // nil: an error is wanted
		err  error
	}{
		{"jwk JsonWebKey2020", VerificationMethod{Type: TypeJSONWebKey2020, PublicKeyJwk: edJWK}, ed, nil},
		{"jwk JsonWebKey P-256", VerificationMethod{Type: TypeJSONWebKey, PublicKeyJwk: p256JWK}, p256, nil},
		{"jwk secp256k1 2019", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyJwk: k1JWK}, k1, nil},
		{"multibase Multikey Ed25519", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: multikeyVectors[0].mb}, ed, nil},
		{"multibase Multikey P-256", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: multikeyVectors[3].mb}, p256, nil},
		{"multibase Ed25519 2020 multicodec", VerificationMethod{Type: TypeEd25519VK2020, PublicKeyMultibase: multikeyVectors[0].mb}, ed, nil},
		{"multibase Ed25519 2020 raw", VerificationMethod{Type: TypeEd25519VK2020, PublicKeyMultibase: "z" + EncodeBase58(edRaw)}, ed, nil},
		{"multibase X25519 2020 raw", VerificationMethod{Type: TypeX25519KA2020, PublicKeyMultibase: "z" + EncodeBase58(xRaw)}, xk, nil},
		{"multibase X25519 2020 multicodec", VerificationMethod{Type: TypeX25519KA2020, PublicKeyMultibase: multikeyVectors[1].mb}, xk, nil},
		{"base58 Ed25519 2018", VerificationMethod{Type: TypeEd25519VK2018, PublicKeyBase58: EncodeBase58(edRaw)}, ed, nil},
		{"base58 X25519 2019", VerificationMethod{Type: TypeX25519KA2019, PublicKeyBase58: EncodeBase58(xRaw)}, xk, nil},
		{"base58 secp256k1 2019", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyBase58: EncodeBase58(k1Raw)}, k1, nil},
		{"hex secp256k1 2019", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyHex: multikeyVectors[2].rawHex}, k1, nil},
		{"hex secp256k1 0x", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyHex: "0x" + multikeyVectors[2].rawHex}, k1, nil},
		{"hex secp256k1 recovery", VerificationMethod{Type: TypeSecp256k1Recovery20, PublicKeyHex: multikeyVectors[2].rawHex}, k1, nil},
		{"hex Ed25519", VerificationMethod{Type: TypeEd25519VK2018, PublicKeyHex: multikeyVectors[0].rawHex}, ed, nil},

		{"no key", VerificationMethod{Type: TypeMultikey}, nil, ErrUnsupportedKey},
		{"blockchainAccountId only", VerificationMethod{Type: TypeSecp256k1Recovery20, BlockchainAccountID: "eip155:1:0x89a932207c485f85226d86f7cd486a89a24fcc12"}, nil, ErrUnsupportedKey},
		{"base58 unknown type", VerificationMethod{Type: "RsaVerificationKey2018", PublicKeyBase58: EncodeBase58(edRaw)}, nil, ErrUnsupportedKey},
		{"hex unknown type", VerificationMethod{Type: "Bls12381G2Key2020", PublicKeyHex: "00"}, nil, ErrUnsupportedKey},
		{"base58 invalid", VerificationMethod{Type: TypeEd25519VK2018, PublicKeyBase58: "0OIl"}, nil, ErrInvalidKey},
		{"base58 short", VerificationMethod{Type: TypeEd25519VK2018, PublicKeyBase58: EncodeBase58(edRaw[:31])}, nil, ErrInvalidKey},
		{"hex invalid", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyHex: "zz"}, nil, ErrInvalidKey},
		{"hex odd", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyHex: "0x3"}, nil, ErrInvalidKey},
		{"Ed25519 2020 holding P-256", VerificationMethod{Type: TypeEd25519VK2020, PublicKeyMultibase: multikeyVectors[3].mb}, nil, ErrInvalidKey},
		{"X25519 2020 holding Ed25519", VerificationMethod{Type: TypeX25519KA2020, PublicKeyMultibase: multikeyVectors[0].mb}, nil, ErrInvalidKey},
		{"secp256k1 2019 holding P-256 jwk", VerificationMethod{Type: TypeSecp256k1VK2019, PublicKeyJwk: p256JWK}, nil, ErrInvalidKey},
		{"Ed25519 2018 holding secp256k1 jwk", VerificationMethod{Type: TypeEd25519VK2018, PublicKeyJwk: k1JWK}, nil, ErrInvalidKey},
		{"two key members", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: multikeyVectors[0].mb, PublicKeyJwk: edJWK}, nil, ErrInvalidKey},
		{"multikey base64url", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: "u" + base64.RawURLEncoding.EncodeToString(append([]byte{0xed, 1}, edRaw...))}, nil, ErrInvalidKey},
		{"private jwk", VerificationMethod{Type: TypeJSONWebKey2020, PublicKeyJwk: &JWK{Kty: "OKP", Crv: "Ed25519", X: edJWK.X, Extra: map[string]json.RawMessage{"d": json.RawMessage(`"AA"`)}}}, nil, ErrInvalidKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.vm.ID, tc.vm.Controller = "#k", "did:example:123"
			pub, err := tc.vm.PublicKey()
			if tc.want == nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("PublicKey() = %T, %v; want %v", pub, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PublicKey(): %v", err)
			}
			if !sameKey(t, pub, tc.want) {
				t.Fatal("PublicKey() returned another key")
			}
		})
	}
}

// TestSpecDocumentKeys decodes the keys of the DID Core examples: real ones
// decode, placeholders that are not points fail, other algorithms are
// unsupported.
func TestSpecDocumentKeys(t *testing.T) {
	for _, tc := range []struct {
		file string
		want map[string]error // method id -> wanted error (nil: decodes)
	}{
		{"core-many-key-types.json", map[string]error{
			"did:example:123#key-0": nil, "did:example:123#key-1": nil, "did:example:123#key-2": nil,
			"did:example:123#key-3": ErrInvalidKey, "did:example:123#key-4": ErrInvalidKey,
			"did:example:123#key-5": ErrUnsupportedKey, "did:example:123#key-6": ErrUnsupportedKey, "did:example:123#key-7": ErrUnsupportedKey,
		}},
		{"core-jwk-multibase.json", map[string]error{
			"did:example:123#_Qq0UL2Fq651Q0Fjd6TvnYE-faHiOpRlPVQcY_-tA4A": nil,
			"did:example:123456789abcdefghi#keys-1":                       nil,
		}},
		{"registry-multikey.json", map[string]error{
			"#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp":  nil,
			"#zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169": nil,
			"#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme": nil,
		}},
		{"registry-legacy-keys.json", map[string]error{
			"#ed-2018": nil, "#secp-jwk": nil, "#secp-hex": nil, "#x-2019": nil,
		}},
		{"registry-secp256k1-recovery.json", map[string]error{
			"#app-owner-key": ErrUnsupportedKey,
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d := readDoc(t, tc.file)
			for id, want := range tc.want {
				vm, ok := d.FindVerificationMethod(id)
				if !ok {
					t.Fatalf("%s not found", id)
				}
				pub, err := vm.PublicKey()
				if want == nil {
					if err != nil {
						t.Fatalf("%s: %v", id, err)
					}
					if _, err := KeyTypeOf(pub); err != nil {
						t.Fatalf("%s: %v", id, err)
					}
					continue
				}
				if !errors.Is(err, want) {
					t.Fatalf("%s: error %v, want %v", id, err, want)
				}
			}
		})
	}
	// The legacy-suite keys in registry-legacy-keys.json are the did:key
	// secp256k1 vector in three encodings: they must agree.
	d := readDoc(t, "registry-legacy-keys.json")
	k1 := mustKey(t, multikeyVectors[2].mb)
	for _, id := range []string{"#secp-jwk", "#secp-hex"} {
		vm, _ := d.FindVerificationMethod(id)
		pub, _ := vm.PublicKey()
		if !sameKey(t, pub, k1) {
			t.Fatalf("%s is not the did:key secp256k1 vector", id)
		}
	}
}

func TestNewVerificationMethod(t *testing.T) {
	keys := generatedKeys(t)
	const id, ctrl = "did:example:123#k", "did:example:123"
	tests := []struct {
		typ    string
		kt     KeyType
		member string // which member is set; "" means an error is wanted
	}{
		{TypeJSONWebKey, Ed25519, "jwk"}, {TypeJSONWebKey, X25519, "jwk"}, {TypeJSONWebKey, P256, "jwk"}, {TypeJSONWebKey, Secp256k1, "jwk"},
		{TypeJSONWebKey2020, Ed25519, "jwk"}, {TypeJSONWebKey2020, P256, "jwk"}, {TypeJSONWebKey2020, Secp256k1, "jwk"},
		{TypeMultikey, Ed25519, "multibase"}, {TypeMultikey, X25519, "multibase"}, {TypeMultikey, P256, "multibase"}, {TypeMultikey, Secp256k1, "multibase"},
		{TypeEd25519VK2020, Ed25519, "multibase"}, {TypeEd25519VK2020, P256, ""}, {TypeEd25519VK2020, X25519, ""},
		{TypeX25519KA2020, X25519, "multibase"}, {TypeX25519KA2020, Ed25519, ""},
		{TypeEd25519VK2018, Ed25519, "base58"}, {TypeEd25519VK2018, Secp256k1, ""},
		{TypeX25519KA2019, X25519, "base58"}, {TypeX25519KA2019, Ed25519, ""},
		{TypeSecp256k1VK2019, Secp256k1, "jwk"}, {TypeSecp256k1VK2019, P256, ""}, {TypeSecp256k1VK2019, Ed25519, ""},
		{TypeSecp256k1Recovery20, Secp256k1, ""}, {"RsaVerificationKey2018", Ed25519, ""}, {"", Ed25519, ""},
	}
	for _, tc := range tests {
		t.Run(tc.typ+" "+string(tc.kt), func(t *testing.T) {
			pub := keys[tc.kt]
			vm, err := NewVerificationMethod(id, ctrl, tc.typ, pub)
			if tc.member == "" {
				if !errors.Is(err, ErrUnsupportedKey) {
					t.Fatalf("NewVerificationMethod = %+v, %v; want ErrUnsupportedKey", vm, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if vm.ID != id || vm.Controller != ctrl || vm.Type != tc.typ {
				t.Fatalf("vm = %+v", vm)
			}
			set := map[string]bool{"jwk": vm.PublicKeyJwk != nil, "multibase": vm.PublicKeyMultibase != "", "base58": vm.PublicKeyBase58 != ""}
			for m, ok := range set {
				if ok != (m == tc.member) {
					t.Fatalf("member %s set=%v, want only %s: %+v", m, ok, tc.member, vm)
				}
			}
			back, err := vm.PublicKey()
			if err != nil {
				t.Fatalf("PublicKey(): %v", err)
			}
			if !sameKey(t, back, pub) {
				t.Fatal("PublicKey() returned another key")
			}
			// It must survive a trip through a document.
			d := Document{ID: ctrl, VerificationMethod: []VerificationMethod{vm}, AssertionMethod: []VerificationRef{Ref(id)}}
			data, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseDocument(data)
			if err != nil {
				t.Fatalf("ParseDocument(%s): %v", data, err)
			}
			got, ok := parsed.Authorized(AssertionMethod, "#k")
			if !ok {
				t.Fatal("not authorized after round trip")
			}
			if k, err := got.PublicKey(); err != nil || !sameKey(t, k, pub) {
				t.Fatalf("key after round trip: %v", err)
			}
		})
	}
	if _, err := NewVerificationMethod(id, ctrl, TypeMultikey, ed25519.PublicKey{1}); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("short key: %v", err)
	}
}
