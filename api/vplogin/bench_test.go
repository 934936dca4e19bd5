package vplogin_test

import (
	"testing"

	"github.com/chainid/chainid/verifier"
)

// BenchmarkPlanAndIdentity is the bridge's own work per login: the DCQL
// query from the requested claims, and the identity from the result.
func BenchmarkPlanAndIdentity(b *testing.B) {
	tab := defaults()
	res := result(map[string]verifier.Result{"cred0": sdjwt("did:jwk:abc", `{"email":"e@example.com","nationality":"DE","name":"E"}`)})
	for b.Loop() {
		p, err := tab.Plan("client-1", tab.Requested([]string{"openid", "email"}, []string{"nationality", "name"}), day)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Identity(res); err != nil {
			b.Fatal(err)
		}
	}
}
