package verifier_test

import (
	"context"
	"testing"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/verifier"
)

// BenchmarkVerify measures the whole pipeline per format: every check,
// the status list served from the verifier's cache (as in steady state).
func BenchmarkVerify(b *testing.B) {
	k := newKit(b)
	inputs := []struct {
		name string
		in   verifier.Input
	}{
		{"vc+jwt", verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatVCJWT))}},
		{"jwt_vc_json", verifier.Input{Credential: str(k.jwt(opts{}, jwtvc.FormatJWTVCJSON))}},
		{"dc+sd-jwt", verifier.Input{Credential: str(k.sd(opts{}))}},
		{"dc+sd-jwt+kb", verifier.Input{Presentation: str(k.sdPresent(k.sd(opts{}), nonce)), Nonce: nonce, Audience: audience}},
		{"ldp_vc eddsa-rdfc-2022", verifier.Input{Credential: k.ldp(opts{}, dataintegrity.EdDSARDFC2022)}},
		{"ldp_vc eddsa-jcs-2022", verifier.Input{Credential: k.ldp(opts{}, dataintegrity.EdDSAJCS2022)}},
		{"ldp_vc ecdsa-rdfc-2019", verifier.Input{Credential: k.ldp(opts{issuer: p256DID}, dataintegrity.ECDSARDFC2019)}},
		{"vp+jwt", verifier.Input{Presentation: str(k.vpJWT(jwtvc.FormatVCJWT, nonce, holderDID+"#h", envelope(k))), Nonce: nonce, Audience: audience}},
		{"ldp_vp", verifier.Input{Presentation: k.ldpVP(nonce, holderDID+"#h", k.ldp(opts{}, dataintegrity.EdDSARDFC2022)), Nonce: nonce, Audience: audience}},
	}
	ctx := context.Background()
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			if res, err := k.v.Verify(ctx, in.in, policy); err != nil || !res.Verified {
				b.Fatalf("%v %+v", err, res)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.v.Verify(ctx, in.in, policy); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func envelope(k *kit) any {
	env, _ := jwtvc.EnvelopeCredential(jwtvc.MediaVC, k.jwt(opts{}, jwtvc.FormatVCJWT))
	return env
}
