package zkp

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
)

// Shared, expensive state: compiled once per test binary.
var (
	systemOnce = sync.OnceValues(Compile)
	keysOnce   = sync.OnceValues(func() (*Keys, error) {
		sys, err := systemOnce()
		if err != nil {
			return nil, err
		}
		return Setup(context.Background(), sys)
	})
	fixtureOnce = sync.OnceValues(newFixture)
)

func testSystem(t testing.TB) *System {
	t.Helper()
	sys, err := systemOnce()
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

func testKeys(t testing.TB) *Keys {
	t.Helper()
	k, err := keysOnce()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Attribute slots of the fixture credential.
const (
	attrAge      = 0 // integer 30
	attrBirth    = 1 // date 1994-05-17
	attrCountry  = 2 // string "NL"
	attrMember   = 3 // boolean true
	attrLevel    = 4 // enum "gold"
	attrScore    = 5 // integer -5
	attrMax      = 6 // raw 2^64-1
	attrTooBig   = 7 // raw 2^64
	attrRMinus1  = 8 // raw r-1
	fixtureIndex = 1234
)

type fixture struct {
	issuer  *IssuerKey
	secret  fr.Element
	tree    *StatusTree
	witness Witness // valid
}

func bigEl(n *big.Int) fr.Element {
	var e fr.Element
	e.SetBigInt(n)
	return e
}

func pow2(k uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), k) }

func rMinus1() *big.Int { return new(big.Int).Sub(fr.Modulus(), big.NewInt(1)) }

func newFixture() (*fixture, error) {
	var firstErr error
	el := func(e fr.Element, err error) fr.Element {
		if firstErr == nil {
			firstErr = err
		}
		return e
	}
	issuer, err := GenerateIssuerKey(nil)
	if err != nil {
		return nil, err
	}
	secret, err := NewHolderSecret(nil)
	if err != nil {
		return nil, err
	}
	schema := el(SchemaElement("https://example.org/schemas/member/v1"))
	var c Credential
	c.SchemaID = schema
	c.Attributes[attrAge] = EncodeInteger(30)
	c.Attributes[attrBirth] = EncodeDate(time.Date(1994, 5, 17, 0, 0, 0, 0, time.UTC))
	c.Attributes[attrCountry] = el(EncodeString("NL"))
	c.Attributes[attrMember] = EncodeBool(true)
	c.Attributes[attrLevel] = el(EncodeEnum("gold", []string{"bronze", "silver", "gold"}))
	c.Attributes[attrScore] = EncodeInteger(-5)
	c.Attributes[attrMax] = bigEl(new(big.Int).Sub(pow2(64), big.NewInt(1)))
	c.Attributes[attrTooBig] = bigEl(pow2(64))
	c.Attributes[attrRMinus1] = bigEl(rMinus1())
	c.HolderCommitment = HolderCommitment(secret)
	c.StatusIndex = fixtureIndex
	c.IssuedAt = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c.ExpiresAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if firstErr != nil {
		return nil, firstErr
	}
	sig, err := issuer.Sign(&c)
	if err != nil {
		return nil, err
	}

	// Neighbours of the credential's bit are revoked, the bit itself not.
	bits := make([]byte, MaxStatusBits/8)
	tree, err := NewStatusTree(bits)
	if err != nil {
		return nil, err
	}
	for _, i := range []uint64{fixtureIndex - 1, fixtureIndex + 1, 99_999} {
		if err := tree.Set(i, true); err != nil {
			return nil, err
		}
	}
	path, err := tree.Path(fixtureIndex)
	if err != nil {
		return nil, err
	}

	nl, de, fr_ := el(EncodeString("NL")), el(EncodeString("DE")), el(EncodeString("FR"))
	req := Request{
		IssuerKey: issuer.Public(),
		SchemaID:  schema,
		Predicates: [MaxPredicates]Predicate{
			{Attr: attrAge, Op: OpGe, Operands: []fr.Element{EncodeInteger(18)}},
			{Attr: attrBirth, Op: OpLe, Operands: []fr.Element{EncodeDate(time.Date(2007, 6, 1, 0, 0, 0, 0, time.UTC))}},
			{Attr: attrCountry, Op: OpInSet, Operands: []fr.Element{de, nl, fr_}},
		},
		Now:        time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		StatusRoot: tree.Root(),
		Scope:      el(ScopeElement("https://shop.example")),
		Nonce:      el(NonceElement([]byte("nonce-1"))),
		Audience:   el(AudienceElement("https://shop.example")),
	}
	req.Disclose[attrCountry] = true
	req.Disclose[attrLevel] = true
	if firstErr != nil {
		return nil, firstErr
	}
	return &fixture{
		issuer: issuer, secret: secret, tree: tree,
		witness: Witness{Request: req, Credential: c, Signature: sig, HolderSecret: secret, StatusPath: path},
	}, nil
}

// Aliases of a signature scalar S: other field elements x with
// [x]G = [S]G.
const (
	aliasPlusEll  = iota // S + ℓ
	aliasNegative        // r - k with r - k ≡ S (mod ℓ)
)

// sigAlias returns the alias of S and whether it is below the circuit's
// 251-bit bound for S and ℓ-1-S, so that only the S < ℓ check can refuse
// it (the conditions for the two aliases are mutually exclusive).
func sigAlias(sig *Signature, which int) (*big.Int, bool) {
	params := twistededwards.GetEdwardsCurve()
	ell := &params.Order
	limit := new(big.Int).Sub(pow2(uint(ell.BitLen())), ell) // 2^251 - ℓ
	if which == aliasPlusEll {
		return new(big.Int).Add(&sig.s, ell), sig.s.Cmp(limit) < 0
	}
	k := new(big.Int).Sub(fr.Modulus(), &sig.s)
	k.Mod(k, ell)
	return new(big.Int).Sub(fr.Modulus(), k), k.Sign() > 0 && k.Cmp(limit) <= 0
}

// signWithAlias signs c with fresh issuer keys until the signature has an
// in-range alias of the given kind.
func signWithAlias(t testing.TB, c *Credential, which int) (IssuerPublicKey, Signature, *big.Int) {
	t.Helper()
	for range 1000 {
		k, err := GenerateIssuerKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := k.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		if alias, ok := sigAlias(&sig, which); ok {
			return k.Public(), sig, alias
		}
	}
	t.Fatal("no signature with an in-range alias found")
	panic("unreachable")
}

func testFixture(t testing.TB) *fixture {
	t.Helper()
	f, err := fixtureOnce()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// validAssignment returns a fresh valid assignment of the fixture.
func validAssignment(t testing.TB) *Circuit {
	t.Helper()
	f := testFixture(t)
	w := f.witness
	pub, err := w.PublicInputs()
	if err != nil {
		t.Fatal(err)
	}
	return w.assignment(pub)
}

func one() fr.Element {
	var e fr.Element
	e.SetOne()
	return e
}
