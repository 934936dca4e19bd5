package sdjwt

import (
	"crypto"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
)

// PresentOptions are the Key Binding JWT's claims. They are required when
// Present is given a holder signer and ignored otherwise.
type PresentOptions struct {
	// Nonce and Audience are the verifier's nonce and identifier.
	Nonce    string
	Audience string
	// IssuedAt is the KB-JWT's iat.
	IssuedAt time.Time
}

// Present builds a presentation from an issued SD-JWT, revealing the claims
// named by reveal (JSON Pointers into the issued claims, as in Frame) and
// withholding every other disclosure. Revealing a claim also reveals the
// disclosures that enclose it (so a recursive disclosure connects to the
// signed payload); disclosures nested below a revealed claim are revealed
// only if they are named too. A pointer to a claim that is always visible
// is allowed and reveals only its enclosing disclosures.
//
// With a holder signer (the key bound in cnf), Present appends a Key
// Binding JWT (typ kb+jwt) over the presentation with sd_hash, nonce, aud
// and iat; with a nil holder it returns a plain SD-JWT.
//
// Present does not verify the issuer's signature: the holder should Verify
// an SD-JWT once when it receives it.
func Present(sdJWT string, reveal []string, holder crypto.Signer, opts PresentOptions) (string, error) {
	p, err := split(sdJWT)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	if p.kb != "" {
		return "", fmt.Errorf("present SD-JWT: %w: input already has a Key Binding JWT", ErrMalformed)
	}
	t, err := parseJWT(p.jwt)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: issuer-signed JWT: %w", err)
	}
	proc, h, err := process(&t.payloadJSON, p.disclosures, true)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	keep := make([]bool, len(proc.discs))
	for _, ptr := range reveal {
		toks, err := parsePointer(ptr)
		if err != nil {
			return "", fmt.Errorf("present SD-JWT: reveal: %w", err)
		}
		for i, tok := range toks {
			toks[i] = escapePointer(tok)
		}
		c := "/" + strings.Join(toks, "/")
		if _, ok := proc.paths[c]; !ok {
			return "", fmt.Errorf("present SD-JWT: reveal: no claim at %q", ptr)
		}
		for i := range proc.discs {
			d := &proc.discs[i]
			if d.path != c && !strings.HasPrefix(c, d.path+"/") {
				continue
			}
			for j := i; j >= 0 && !keep[j]; j = proc.discs[j].parent {
				keep[j] = true
			}
		}
	}
	var b strings.Builder
	b.WriteString(p.jwt)
	b.WriteByte('~')
	for i, d := range proc.discs {
		if keep[i] {
			b.WriteString(d.encoded)
			b.WriteByte('~')
		}
	}
	out := b.String()
	if holder == nil {
		return out, nil
	}
	kb, err := keyBindingJWT(out, &t.payloadJSON, h, holder, opts)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	return out + kb, nil
}

// keyBindingJWT signs the KB-JWT for the SD-JWT string sd.
func keyBindingJWT(sd string, payload *value, h hasher, holder crypto.Signer, opts PresentOptions) (string, error) {
	if opts.Nonce == "" || opts.Audience == "" || opts.IssuedAt.IsZero() {
		return "", fmt.Errorf("%w: key binding needs Nonce, Audience and IssuedAt", ErrKeyBinding)
	}
	bound, err := cnfKey(payload)
	if err != nil {
		return "", err
	}
	if !sameKey(bound, holder.Public()) {
		return "", fmt.Errorf("%w: holder key is not the SD-JWT's cnf key", ErrKeyBinding)
	}
	alg, err := algFor(holder.Public())
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(struct {
		IAT    int64  `json:"iat"`
		Aud    string `json:"aud"`
		Nonce  string `json:"nonce"`
		SDHash string `json:"sd_hash"`
	}{opts.IssuedAt.Unix(), opts.Audience, opts.Nonce, h.digest(sd)})
	if err != nil {
		return "", fmt.Errorf("KB-JWT payload: %w", err)
	}
	return signJWT(holder, alg, map[string]string{"typ": TypeKB}, body)
}

// sameKey compares two public keys through their JWKs.
func sameKey(a, b crypto.PublicKey) bool {
	ja, err1 := did.JWKFromPublicKey(a)
	jb, err2 := did.JWKFromPublicKey(b)
	return err1 == nil && err2 == nil && ja.Kty == jb.Kty && ja.Crv == jb.Crv && ja.X == jb.X && ja.Y == jb.Y
}
