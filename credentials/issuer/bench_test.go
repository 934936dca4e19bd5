package issuer_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chainid/chainid/credentials/issuer"
)

func BenchmarkIssue(b *testing.B) {
	for _, f := range []string{issuer.FormatVCJWT, issuer.FormatSDJWT, issuer.FormatEdDSARDFC, issuer.FormatEdDSAJCS} {
		b.Run(f, func(b *testing.B) {
			k := newKit(b)
			ctx := context.Background()
			for b.Loop() {
				if _, err := k.svc.Issue(ctx, issueReq(f)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	k := newKit(b)
	ctx := context.Background()
	got, err := k.svc.Issue(ctx, issueReq(issuer.FormatVCJWT, issuer.FormatSDJWT, issuer.FormatEdDSARDFC, issuer.FormatEdDSAJCS))
	if err != nil {
		b.Fatal(err)
	}
	for f, c := range got.Credentials {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				res, err := k.verifier.VerifyCredential(ctx, c)
				if err != nil || !res.Verified {
					b.Fatal(err, res)
				}
			}
		})
	}
}

// FuzzVerifyCredential: any input is refused or reported, never a panic,
// and never verified unless it is one of the issued credentials.
func FuzzVerifyCredential(f *testing.F) {
	k := newKit(f)
	ctx := context.Background()
	got, err := k.svc.Issue(ctx, issueReq(issuer.FormatVCJWT, issuer.FormatSDJWT, issuer.FormatEdDSAJCS))
	if err != nil {
		f.Fatal(err)
	}
	valid := map[string]bool{}
	for _, c := range got.Credentials {
		f.Add([]byte(c))
		valid[string(c)] = true
	}
	for _, s := range []string{`""`, `"a~b~"`, `{}`, `{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,x"}`, `[1]`, `{"proof":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		res, err := k.verifier.VerifyCredential(ctx, in)
		if err != nil {
			return
		}
		if res.Verified && !valid[string(in)] {
			// Re-encodings of a valid credential (whitespace, escapes)
			// may verify; anything verified must carry the issuer.
			if res.Issuer != k.ed {
				t.Fatalf("input verified for %q: %s", res.Issuer, in)
			}
		}
	})
}
