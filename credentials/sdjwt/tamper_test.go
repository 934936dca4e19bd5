package sdjwt_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chainid/chainid/credentials/sdjwt"
)

// TestTamper changes every byte of a presentation with key binding — issuer
// JWT header, payload and signature, each disclosure, the KB-JWT's header,
// payload and signature, and the separators — and expects every change to
// be refused.
func TestTamper(t *testing.T) {
	ctx := context.Background()
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			iss := newIssuer(t, alg)
			holder := newKey(t, alg)
			sd, err := sdjwt.Issue([]byte(testClaims), testFrame, iss.signer, issueOpts(iss, holder.Public()))
			if err != nil {
				t.Fatal(err)
			}
			pres, err := sdjwt.Present(sd, []string{"/given_name", "/address/locality", "/nationalities/1"}, holder, presentOpts())
			if err != nil {
				t.Fatal(err)
			}
			keys := newDIDKeys()
			if _, err := sdjwt.Verify(ctx, pres, keys, kbOpts()); err != nil {
				t.Fatal(err)
			}
			classes := map[string]int{}
			class := classifier(pres)
			for i := range len(pres) {
				b := []byte(pres)
				if b[i] == 'A' {
					b[i] = 'B'
				} else {
					b[i] = 'A'
				}
				if _, err := sdjwt.Verify(ctx, string(b), keys, kbOpts()); err == nil {
					t.Fatalf("byte %d (%s) changed %q→%q and still verified", i, class(i), pres[i], b[i])
				}
				classes[class(i)]++
			}
			// Truncation and extension.
			for _, s := range []string{pres[:len(pres)-1], pres + "A", pres[:strings.LastIndexByte(pres, '~')+1]} {
				if _, err := sdjwt.Verify(ctx, s, keys, kbOpts()); err == nil {
					t.Fatal("truncated or extended presentation verified")
				}
			}
			if len(classes) < 9 {
				t.Errorf("byte classes covered: %v", classes)
			}
		})
	}
}

// classifier names the part of the presentation a byte offset falls in.
func classifier(pres string) func(int) string {
	parts := strings.Split(pres, "~")
	type span struct {
		from, to int
		name     string
	}
	var spans []span
	off := 0
	for pi, p := range parts {
		switch {
		case pi == 0 || pi == len(parts)-1:
			prefix := "issuer JWT "
			if pi != 0 {
				prefix = "KB-JWT "
			}
			segs := strings.Split(p, ".")
			o := off
			for si, s := range segs {
				spans = append(spans, span{o, o + len(s), prefix + []string{"header", "payload", "signature"}[si]})
				o += len(s) + 1
			}
		default:
			spans = append(spans, span{off, off + len(p), "disclosure " + string(rune('0'+pi))})
		}
		off += len(p) + 1
	}
	return func(i int) string {
		for _, s := range spans {
			if i >= s.from && i < s.to {
				return s.name
			}
		}
		return "separator"
	}
}
