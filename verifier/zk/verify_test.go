package zk

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/zkp"
)

func allPassed(t *testing.T, res *Result) {
	t.Helper()
	if !res.Verified {
		t.Fatalf("not verified: %+v", res.Checks)
	}
	for _, name := range []string{CheckSyntax, CheckRequest, CheckTime, CheckNonce, CheckIssuerKey, CheckVerifyingKey, CheckStatusRoot, CheckProof, CheckDisclosed, CheckNullifier} {
		if c, ok := checkMap(res)[name]; !ok || !c.Passed {
			t.Fatalf("check %s = %+v", name, c)
		}
	}
}

func failed(t *testing.T, res *Result, names ...string) {
	t.Helper()
	if res.Verified {
		t.Fatalf("verified, want failures of %v", names)
	}
	m := checkMap(res)
	for _, n := range names {
		if c, ok := m[n]; !ok || c.Passed {
			t.Errorf("check %s = %+v, want failed; all: %+v", n, c, res.Checks)
		}
	}
	if res.Disclosed != nil || res.Predicates != nil {
		t.Errorf("unverified result discloses %v %v", res.Disclosed, res.Predicates)
	}
}

func TestVerify(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	req, err := f.svc.CreateRequest(ctx, baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	sub := f.prove(t, req)

	// A proof made for request A, presented under request B (another
	// audience), is refused; A stays unused.
	otherSpec := baseSpec()
	otherSpec.Audience = "https://other.example"
	other, err := f.svc.CreateRequest(ctx, otherSpec)
	if err != nil {
		t.Fatal(err)
	}
	moved := *sub
	moved.Request = other.ID
	res, err := f.svc.Verify(ctx, &moved)
	if err != nil {
		t.Fatal(err)
	}
	failed(t, res, CheckRequest, CheckNonce, CheckProof, CheckNullifier)
	if r := checkMap(res)[CheckRequest].Reason; !strings.Contains(r, "audience") {
		t.Errorf("request reason %q does not name the audience", r)
	}

	res, err = f.svc.Verify(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	allPassed(t, res)
	if res.Disclosed["nationality"] != "NL" || res.Disclosed["familyName"] != "Dupont" || len(res.Hashed) != 0 ||
		len(res.Predicates) != 3 || res.KnownNullifier || res.Nullifier == "" {
		t.Errorf("result = %+v", res)
	}

	// Replay of the same proof: the nonce is used.
	res, err = f.svc.Verify(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	failed(t, res, CheckNonce, CheckNullifier)
	if r := checkMap(res)[CheckNonce].Reason; !strings.Contains(r, "replay") {
		t.Errorf("nonce reason %q", r)
	}
}

func TestVerifyRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	// Refused submissions leave the request unused, so one proof serves
	// every case; the last step shows it still verifies.
	req, err := f.svc.CreateRequest(ctx, baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	proved := f.prove(t, req)
	fresh := func(*testing.T) *Submission {
		c := *proved
		c.Disclosed = maps.Clone(proved.Disclosed)
		return &c
	}
	t.Run("revoked after the request", func(t *testing.T) {
		sub := fresh(t)
		if err := f.tree.Set(testIndex, true); err != nil {
			t.Fatal(err)
		}
		f.anchor(t)
		defer func() {
			_ = f.tree.Set(testIndex, false)
			f.anchor(t)
		}()
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckStatusRoot, CheckProof)
	})
	t.Run("issuer key rotated on chain", func(t *testing.T) {
		sub := fresh(t)
		k, _ := zkp.GenerateIssuerKey(nil)
		a, _ := f.anchors.ReadAnchors(ctx, testIssuer)
		a.IssuerKey = k.Public()
		f.anchors.set(testIssuer, a)
		defer f.anchor(t)
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckIssuerKey, CheckProof)
	})
	t.Run("verifying key not anchored", func(t *testing.T) {
		sub := fresh(t)
		a, _ := f.anchors.ReadAnchors(ctx, testIssuer)
		a.HasVerifyingKeyDigest = false
		f.anchors.set(testIssuer, a)
		defer f.anchor(t)
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckVerifyingKey)
	})
	t.Run("issuer not in the request", func(t *testing.T) {
		sub := fresh(t)
		sub.Issuer = "did:example:other"
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckIssuerKey, CheckProof)
	})
	t.Run("tampered revealed value", func(t *testing.T) {
		sub := fresh(t)
		var pub zkp.PublicInputs
		if err := pub.UnmarshalJSON(sub.PublicInputs); err != nil {
			t.Fatal(err)
		}
		pub.Revealed[2].SetUint64(0) // "DE" instead of "NL"
		sub.PublicInputs, _ = pub.MarshalJSON()
		delete(sub.Disclosed, "familyName")
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckProof)
	})
	t.Run("wrong plaintext", func(t *testing.T) {
		sub := fresh(t)
		sub.Disclosed["familyName"] = json.RawMessage(`"Durand"`)
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckDisclosed, CheckNullifier)
	})
	t.Run("expired", func(t *testing.T) {
		sub := fresh(t)
		start := f.clock()
		f.setNow(start.Add(DefaultTTL + DefaultLeeway + time.Second))
		defer f.setNow(start)
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckTime, CheckNonce)
	})
	t.Run("request older than MaxTTL", func(t *testing.T) {
		// The proof shows the credential unexpired at the request's now, so
		// a request stays open at most MaxTTL (+ leeway), even one stored
		// with a longer lifetime (as made before the bound).
		sub := fresh(t)
		long := *req
		long.ID = "request-with-a-lifetime-of-an-hour"
		long.Expires = req.Now.Add(time.Hour)
		raw, err := json.Marshal(storedRequest{Request: &long})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.store.Put(ctx, long.ID, raw, long.Expires.Add(DefaultLeeway)); err != nil {
			t.Fatal(err)
		}
		sub.Request = long.ID
		start := f.clock()
		defer f.setNow(start)
		f.setNow(start.Add(MaxTTL + DefaultLeeway + time.Second))
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckTime)
		if c := checkMap(res)[CheckNonce]; !c.Passed {
			t.Fatalf("nonce %+v: only the time bound should refuse", c)
		}
	})
	t.Run("unknown request", func(t *testing.T) {
		sub := fresh(t)
		sub.Request = "nope"
		res, err := f.svc.Verify(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		failed(t, res, CheckRequest)
	})
	t.Run("submission rules", func(t *testing.T) {
		// Submission's rules hold for Verify (the HTTP path decodes the
		// body itself), not only for ParseSubmission: a valid proof with a
		// bad field is malformed, and the request stays unused.
		for name, mod := range map[string]func(*Submission){
			"wrong type":        func(s *Submission) { s.Type = "VerifiablePresentation" },
			"control in issuer": func(s *Submission) { s.Issuer = testIssuer + "\n" },
			"too many plaintexts": func(s *Submission) {
				for i := range 17 {
					s.Disclosed[strings.Repeat("a", i+1)] = json.RawMessage(`1`)
				}
			},
		} {
			sub := fresh(t)
			mod(sub)
			if res, err := f.svc.Verify(ctx, sub); !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: %+v, %v, want ErrMalformed", name, res, err)
			}
		}
	})
	t.Run("still valid", func(t *testing.T) {
		res, err := f.svc.Verify(ctx, fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		allPassed(t, res)
	})
	t.Run("malformed", func(t *testing.T) {
		for name, mod := range map[string]func(*Submission){
			"proof":         func(s *Submission) { s.Proof = json.RawMessage(`{"a":["1","2"]}`) },
			"public inputs": func(s *Submission) { s.PublicInputs = json.RawMessage(`{}`) },
			"not JSON":      func(s *Submission) { s.Proof = json.RawMessage(`x`) },
		} {
			sub := &Submission{Type: TypeSubmission, Request: "r", Issuer: testIssuer,
				Proof: json.RawMessage(`{}`), PublicInputs: json.RawMessage(`{}`)}
			mod(sub)
			if _, err := f.svc.Verify(ctx, sub); !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: err = %v, want ErrMalformed", name, err)
			}
		}
	})
}

// TestNonceSingleUse: of concurrent submissions of one valid proof, exactly
// one verifies.
func TestNonceSingleUse(t *testing.T) {
	f := newFixture(t)
	req, err := f.svc.CreateRequest(t.Context(), baseSpec())
	if err != nil {
		t.Fatal(err)
	}
	sub := f.prove(t, req)
	const n = 8
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		verified int
		errs     []error
	)
	for range n {
		wg.Go(func() {
			res, err := f.svc.Verify(t.Context(), sub)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if res.Verified {
				verified++
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || verified != 1 {
		t.Fatalf("verified %d of %d, errors %v", verified, n, errs)
	}
}

// TestNullifierRule applies the rule through redeem with public inputs
// made by hand (the proof is checked elsewhere).
func TestNullifierRule(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	scope, _ := zkp.ScopeElement(baseSpec().Scope)
	person := func(n uint64) fr.Element {
		var e fr.Element
		e.SetUint64(n)
		return e
	}
	type step struct {
		register bool
		account  string
		person   uint64
		ok       bool
		known    bool
		bound    string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"register twice", []step{{true, "", 1, true, false, ""}, {true, "", 1, false, true, ""}}},
		{"register, then login", []step{{true, "alice", 1, true, false, "alice"}, {false, "", 1, true, true, "alice"}}},
		{"re-login same account", []step{{false, "alice", 1, true, false, "alice"}, {false, "alice", 1, true, true, "alice"}}},
		{"second account refused", []step{{true, "alice", 1, true, false, "alice"}, {true, "bob", 1, false, true, ""}, {false, "bob", 1, false, true, ""}}},
		{"two people, two accounts", []step{{true, "alice", 1, true, false, "alice"}, {true, "bob", 2, true, false, "bob"}}},
		// A nullifier first seen without an account is bound by the first
		// account-bearing proof; another account is then refused.
		{"unbound, then two accounts", []step{{false, "", 1, true, false, ""}, {false, "alice", 1, true, true, "alice"},
			{false, "bob", 1, false, true, ""}, {false, "alice", 1, true, true, "alice"}, {false, "", 1, true, true, "alice"}}},
	}
	for ti, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, s := range tt.steps {
				spec := baseSpec()
				spec.Register, spec.Account = s.register, s.account
				req, err := f.svc.CreateRequest(ctx, spec)
				if err != nil {
					t.Fatal(err)
				}
				st, _, err := f.svc.load(ctx, req.ID)
				if err != nil {
					t.Fatal(err)
				}
				res := &Result{}
				res.add(CheckNonce, true, "")
				pub := &zkp.PublicInputs{Nullifier: person(uint64(ti)*100 + s.person)}
				pub.Scope = scope
				if err := f.svc.redeem(ctx, res, st, pub); err != nil {
					t.Fatal(err)
				}
				c := checkMap(res)[CheckNullifier]
				if c.Passed != s.ok || res.KnownNullifier != s.known || (s.ok && res.Account != s.bound) {
					t.Fatalf("step %d: %+v known=%v account=%q", i, c, res.KnownNullifier, res.Account)
				}
				// Whatever the rule said, the request is used.
				if _, rec, _ := f.svc.load(ctx, req.ID); !rec.Used {
					t.Fatalf("step %d: request not redeemed", i)
				}
			}
		})
	}
}

// TestDisclosedPlaintextExact: a holder's plaintext is decoded exactly as
// the credential encodes it. An integer above 2^53 (which a float64 would
// round) matches its revealed value, a rounded neighbour does not, and
// string plaintexts that encoding/json would normalize are refused.
func TestDisclosedPlaintextExact(t *testing.T) {
	specs := []zkp.AttributeSpec{{Name: "n", Type: zkp.TypeInteger}, {Name: "s", Type: zkp.TypeString}}
	req := &Request{Reveal: []Reveal{{Attribute: "n", Index: 0}, {Attribute: "s", Index: 1}}}
	var pub zkp.PublicInputs
	pub.Revealed[0] = zkp.EncodeInteger(1<<53 + 1)
	var err error
	if pub.Revealed[1], err = zkp.EncodeString("\ufffd"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n, s string
		ok   bool
	}{
		{"9007199254740993", `"\ufffd"`, true},
		{"9007199254740992", `"\ufffd"`, false},
		{"9007199254740993.0", `"\ufffd"`, false},
		{"9007199254740993", `"\ud800"`, false},
	} {
		res := &Result{}
		sub := &Submission{Disclosed: map[string]json.RawMessage{"n": json.RawMessage(tc.n), "s": json.RawMessage(tc.s)}}
		(&Service{}).disclose(res, req, specs, sub, &pub)
		if c := checkMap(res)[CheckDisclosed]; c.Passed != tc.ok {
			t.Errorf("n=%s s=%s: %+v, want passed=%v", tc.n, tc.s, c, tc.ok)
		}
	}
}
