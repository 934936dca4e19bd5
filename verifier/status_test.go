package verifier_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/verifier"
)

// versioned serves the kit's lists with a version and counts fetches.
type versioned struct {
	k       *kit
	version int
	fetches int
}

func (f *versioned) Fetch(_ context.Context, url string) ([]byte, string, error) {
	f.fetches++
	b, ok := f.k.lists[url]
	if !ok {
		return nil, "", fmt.Errorf("no list at %s", url)
	}
	return b, "application/vc+ld+json", nil
}

func (f *versioned) Version(context.Context, string) (string, bool, error) {
	return strconv.Itoa(f.version), true, nil
}

// TestStatusCache: a verified, decoded list is reused while its version is
// current; a new version is fetched (and its proof checked) again, so a
// revocation counts at once.
func TestStatusCache(t *testing.T) {
	k := newKit(t)
	f := &versioned{k: k}
	v, err := verifier.New(verifier.Config{Keys: k.keys, Now: func() time.Time { return now }, Contexts: contexts(t),
		Fetcher: f})
	if err != nil {
		t.Fatal(err)
	}
	in := verifier.Input{Credential: k.ldp(opts{noStatus: false}, dataintegrity.EdDSAJCS2022)}
	pol := verifier.Policy{TrustedIssuers: []string{issuerDID}, Optional: []string{verifier.CheckSchema}}
	statusOK := func() bool {
		t.Helper()
		res, err := v.Verify(context.Background(), in, pol)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Checks {
			if c.Check == verifier.CheckStatus {
				return c.Passed
			}
		}
		t.Fatal("no status check")
		return false
	}
	first, second := statusOK(), statusOK()
	if !first || !second || f.fetches != 1 {
		t.Fatalf("fetches = %d after two verifications of one version, want 1", f.fetches)
	}
	k.lists[listURL] = k.statusList(issuerDID, k.ed, issuerDID+"#ed", listURL, 42) // revoke index 42
	if !statusOK() || f.fetches != 1 {
		t.Fatal("the list was fetched again although its version did not change")
	}
	f.version++
	if statusOK() || f.fetches != 2 {
		t.Fatalf("after a new version: fetches %d, revocation not seen", f.fetches)
	}
	// A list whose proof does not verify is not cached and fails the check.
	k.lists[listURL] = k.statusList(issuerDID, k.other, issuerDID+"#ed", listURL, 7)
	f.version++
	first, second = statusOK(), statusOK()
	if first || second || f.fetches != 4 {
		t.Fatalf("forged list: fetches %d", f.fetches)
	}
}
