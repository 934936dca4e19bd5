package zkp

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Elements just below the modulus are printed by fr.Element.String as
// small negative numbers; FormatElement must stay canonical for them.
func TestFormatElementNearModulus(t *testing.T) {
	for _, k := range []int64{1, 200, 65535, 65536} {
		var e fr.Element
		e.SetInt64(-k)
		s := FormatElement(e)
		want := new(big.Int).Sub(fr.Modulus(), big.NewInt(k)).String()
		if s != want {
			t.Fatalf("FormatElement(r-%d) = %q, want %q", k, s, want)
		}
		back, err := ParseElement(s)
		if err != nil || !back.Equal(&e) {
			t.Fatalf("ParseElement(FormatElement(r-%d)): %v", k, err)
		}
	}
}
