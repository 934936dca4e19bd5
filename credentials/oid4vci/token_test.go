package oid4vci_test

import (
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/oid4vci"
)

func TestTokenRefusals(t *testing.T) {
	e := newEnv(t, func(c *oid4vci.Config) { c.MaxTxCodeAttempts = 3 })
	ctx := t.Context()
	offer := func(t *testing.T, tx bool) *oid4vci.CreatedOffer {
		t.Helper()
		req := oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r"}
		if tx {
			req.TxCode = &oid4vci.TxCodeSpec{}
		}
		o, err := e.svc.CreateOffer(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	code := func(o *oid4vci.CreatedOffer) string { return o.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode }
	redeem := func(o *oid4vci.CreatedOffer, tx string) (*oid4vci.TokenResponse, error) {
		return e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: code(o), TxCode: tx})
	}
	wrongTx := func(o *oid4vci.CreatedOffer) string {
		if o.TxCode == "000000" {
			return "000001"
		}
		return "000000"
	}

	t.Run("grant type", func(t *testing.T) {
		o := offer(t, false)
		for gt, want := range map[string]oid4vci.ErrorCode{"": oid4vci.CodeInvalidRequest, "authorization_code": oid4vci.CodeUnsupportedGrantType, "password": oid4vci.CodeUnsupportedGrantType} {
			if _, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: gt, PreAuthorizedCode: code(o)}); codeOf(err) != want {
				t.Errorf("grant_type %q: %v, want %s", gt, err, want)
			}
		}
		// The refusals did not spend the code.
		if _, err := redeem(o, ""); err != nil {
			t.Errorf("code spent by refused requests: %v", err)
		}
	})
	t.Run("missing and unknown code", func(t *testing.T) {
		if _, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode}); codeOf(err) != oid4vci.CodeInvalidRequest {
			t.Errorf("missing code: %v", err)
		}
		for _, c := range []string{"unknown", string(make([]byte, 600))} {
			if _, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: c}); codeOf(err) != oid4vci.CodeInvalidGrant {
				t.Errorf("code %.10q: %v", c, err)
			}
		}
	})
	t.Run("tx_code missing, unexpected, wrong", func(t *testing.T) {
		o := offer(t, true)
		if _, err := redeem(o, ""); codeOf(err) != oid4vci.CodeInvalidRequest {
			t.Errorf("missing tx_code: %v", err)
		}
		if _, err := redeem(offer(t, false), "123456"); codeOf(err) != oid4vci.CodeInvalidRequest {
			t.Errorf("unexpected tx_code: %v", err)
		}
		if _, err := redeem(o, wrongTx(o)); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Errorf("wrong tx_code: %v", err)
		}
		// A missing tx_code is not an attempt; one wrong one left room for
		// the right one.
		if _, err := redeem(o, o.TxCode); err != nil {
			t.Errorf("right tx_code after one wrong: %v", err)
		}
	})
	t.Run("tx_code attempts burn the code", func(t *testing.T) {
		o := offer(t, true)
		for i := range 3 {
			if _, err := redeem(o, wrongTx(o)); codeOf(err) != oid4vci.CodeInvalidGrant {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := redeem(o, o.TxCode); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Errorf("right tx_code after the limit: %v", err)
		}
	})
	t.Run("code reuse revokes the first token", func(t *testing.T) {
		o := offer(t, true)
		tok, err := redeem(o, o.TxCode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := redeem(o, o.TxCode); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Fatalf("second redemption: %v", err)
		}
		k := newHolderKeys(t)[0]
		proof := jwxProof(t, k, formJWK, claims(testIssuer, e.clock.Now(), e.nonce(t)))
		if _, err := e.svc.Credential(ctx, tok.AccessToken, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(proof)}); codeOf(err) != oid4vci.CodeInvalidToken {
			t.Errorf("first token after reuse: %v, want invalid_token", err)
		}
		// A third try is still refused.
		if _, err := redeem(o, o.TxCode); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Errorf("third redemption: %v", err)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		o := offer(t, false)
		e.clock.Advance(oid4vci.DefaultOfferTTL)
		if _, err := redeem(o, ""); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Errorf("expired code: %v", err)
		}
	})
	t.Run("code of another offer's tx_code", func(t *testing.T) {
		a, b := offer(t, true), offer(t, true)
		if a.TxCode == b.TxCode {
			t.Skip("the two tx_codes collided")
		}
		if _, err := redeem(a, b.TxCode); codeOf(err) != oid4vci.CodeInvalidGrant {
			t.Errorf("tx_code of another offer: %v", err)
		}
	})
}

func TestTokenRequestFromForm(t *testing.T) {
	form := url.Values{"grant_type": {oid4vci.GrantTypePreAuthorizedCode}, "pre-authorized_code": {"c"}, "tx_code": {"493536"}, "authorization_details": {"ignored"}}
	r, err := oid4vci.TokenRequestFromForm(form)
	if err != nil || r.GrantType != oid4vci.GrantTypePreAuthorizedCode || r.PreAuthorizedCode != "c" || r.TxCode != "493536" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, name := range []string{"grant_type", "pre-authorized_code", "tx_code"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Add(name, "again")
		if _, err := oid4vci.TokenRequestFromForm(f); codeOf(err) != oid4vci.CodeInvalidRequest {
			t.Errorf("repeated %s: %v", name, err)
		}
	}
}

// TestConcurrentRedemption: of many parallel redemptions of one code, at
// most one succeeds, and no token issued for the code survives the
// replays.
func TestConcurrentRedemption(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	o, err := e.svc.CreateOffer(ctx, oid4vci.OfferRequest{ConfigurationIDs: []string{cfgSD}, IssueRef: "r", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		tokens []string
		wg     sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			tok, err := e.svc.Token(ctx, oid4vci.TokenRequest{GrantType: oid4vci.GrantTypePreAuthorizedCode, PreAuthorizedCode: o.Offer.Grants.PreAuthorizedCode.PreAuthorizedCode})
			if err == nil {
				mu.Lock()
				tokens = append(tokens, tok.AccessToken)
				mu.Unlock()
			} else if codeOf(err) != oid4vci.CodeInvalidGrant {
				t.Errorf("redemption: %v", err)
			}
		})
	}
	wg.Wait()
	if len(tokens) > 1 {
		t.Fatalf("%d redemptions succeeded", len(tokens))
	}
	k := newHolderKeys(t)[0]
	for _, tok := range tokens {
		proof := jwxProof(t, k, formJWK, claims(testIssuer, e.clock.Now(), e.nonce(t)))
		if _, err := e.svc.Credential(ctx, tok, oid4vci.CredentialRequest{CredentialConfigurationID: cfgSD, Proofs: jwtProofs(proof)}); codeOf(err) != oid4vci.CodeInvalidToken {
			t.Errorf("token of a replayed code still works: %v", err)
		}
	}
}
