package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/status"
)

// statusCache keeps verified status lists by URL, decoded: the list
// credential's proof is checked and its bitstring gunzipped once per fetch,
// not once per verification.
type statusCache struct {
	mu   sync.Mutex
	size int
	ttl  time.Duration
	m    map[string]cachedList
}

type cachedList struct {
	list    *verifiedList
	version string
	expires time.Time
}

// VersionedFetcher is a Fetcher that can tell cheaply which version of a
// list it would return now (for the lists this service hosts, their ETag).
// The status cache then reuses a verified list only while its version is
// current, so a revocation here counts at once; other lists are reused
// until Config.StatusCacheTTL passes.
type VersionedFetcher interface {
	Fetcher
	// Version returns the list's current version, and ok false for a URL
	// it cannot version (the TTL then applies).
	Version(ctx context.Context, url string) (version string, ok bool, err error)
}

// verifiedList is a status list credential whose proof and validity period
// verified, with its decoded bitstring.
type verifiedList struct {
	cred *credentials.Credential
	lc   *status.ListCredential
	bits *status.List
}

func newStatusCache(size int, ttl time.Duration) *statusCache {
	return &statusCache{size: size, ttl: ttl, m: map[string]cachedList{}}
}

func (c *statusCache) get(url, version string, now time.Time) *verifiedList {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[url]
	if !ok || !now.Before(e.expires) || e.version != version {
		delete(c.m, url)
		return nil
	}
	return e.list
}

func (c *statusCache) put(url, version string, list *verifiedList, now time.Time) {
	if c.ttl < 0 {
		return
	}
	exp := now.Add(c.ttl)
	if _, until, err := list.cred.ValidityPeriod(); err == nil && !until.IsZero() && until.Before(exp) {
		exp = until
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.size {
		for k, e := range c.m { // drop expired entries, else an arbitrary one
			if !now.Before(e.expires) || len(c.m) >= c.size {
				delete(c.m, k)
			}
			if len(c.m) < c.size {
				break
			}
		}
	}
	c.m[url] = cachedList{list: list, version: version, expires: exp}
}

// statusAndSchema runs the status and schema checks of a W3C credential.
func (r *run) statusAndSchema(ctx context.Context, c *credentials.Credential, issuer string) {
	if entries := c.Statuses(); len(entries) > 0 {
		r.status(ctx, c, issuer, entries)
	} else {
		r.pass(CheckStatus, "the credential has no status entry")
	}
	r.schema(ctx, c, issuer)
}

// status evaluates each status entry; one that cannot be evaluated fails
// the check.
func (r *run) status(ctx context.Context, c *credentials.Credential, issuer string, entries []credentials.Status) {
	for _, e := range entries {
		set, err := r.v.checkEntry(ctx, c, e, r.now, r.leeway())
		switch {
		case err != nil:
			r.fail(CheckStatus, fmt.Sprintf("status entry %s could not be checked: %s", e.StatusListCredential, err))
			return
		case set && e.StatusPurpose == string(status.Suspension):
			r.fail(CheckStatus, "the credential is suspended")
			return
		case set:
			r.fail(CheckStatus, fmt.Sprintf("the credential's %s bit is set", e.StatusPurpose))
			return
		}
	}
	r.pass(CheckStatus, fmt.Sprintf("%d status entries clear", len(entries)))
}

// ErrStatusFetch is wrapped when a status list could not be fetched or did
// not verify.
var ErrStatusFetch = errors.New("status list unavailable")

// checkEntry evaluates one entry against its (cached) verified list.
func (v *Verifier) checkEntry(ctx context.Context, c *credentials.Credential, e credentials.Status, now time.Time, leeway time.Duration) (bool, error) {
	if e.Type != credentials.TypeBitstringStatusListEntry {
		return false, fmt.Errorf("status entry type %q is not supported", e.Type)
	}
	// The version is read before fetching: a list that changes in between
	// is cached under the older version and fetched again next time.
	var version string
	if vf, ok := v.cfg.Fetcher.(VersionedFetcher); ok {
		ver, ok, err := vf.Version(ctx, e.StatusListCredential)
		if err != nil {
			return false, fmt.Errorf("%w: %s: %w", ErrStatusFetch, e.StatusListCredential, err)
		}
		if ok {
			version = "v:" + ver
		}
	}
	list := v.status.get(e.StatusListCredential, version, now)
	if list == nil {
		var err error
		if list, err = v.fetchList(ctx, e.StatusListCredential, now, leeway); err != nil {
			return false, err
		}
		v.status.put(e.StatusListCredential, version, list, now)
	}
	return list.check(c, e)
}

// check evaluates an entry against the decoded list, as status.Check does
// against the list credential: a well-formed BitstringStatusListEntry of
// statusSize 1 whose list is this one, issued by the credential's issuer,
// with the entry's purpose, and an index inside the list.
func (l *verifiedList) check(c *credentials.Credential, e credentials.Status) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("%w: %w", status.ErrMalformed, err)
	}
	if raw, ok := e.Extra["statusSize"]; ok {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil || n.String() != "1" {
			return false, fmt.Errorf("%w: statusSize %s", status.ErrUnsupported, raw)
		}
	}
	if l.lc.ID != e.StatusListCredential {
		return false, fmt.Errorf("%w: entry names list %q, got %q", status.ErrVerification, e.StatusListCredential, l.lc.ID)
	}
	if l.lc.Issuer != c.IssuerID() {
		return false, fmt.Errorf("%w: list issued by %q, credential by %q", status.ErrVerification, l.lc.Issuer, c.IssuerID())
	}
	if !slices.Contains(l.lc.Purposes, e.StatusPurpose) {
		return false, fmt.Errorf("%w: list purpose %q, entry purpose %q", status.ErrVerification, l.lc.Purposes, e.StatusPurpose)
	}
	idx, err := e.Index()
	if err != nil {
		return false, fmt.Errorf("%w: %w", status.ErrMalformed, err)
	}
	if idx < 0 || idx >= int64(l.bits.Len()) {
		return false, fmt.Errorf("%w: index %d, list of %d", status.ErrRange, idx, l.bits.Len())
	}
	return l.bits.Get(int(idx))
}

// fetchList fetches a status list credential and verifies its proof and
// validity period. Its issuer is compared with the credential's by
// status.Check.
func (v *Verifier) fetchList(ctx context.Context, url string, now time.Time, leeway time.Duration) (*verifiedList, error) {
	if v.cfg.Fetcher == nil {
		return nil, fmt.Errorf("%w: no status list fetcher is configured", ErrStatusFetch)
	}
	body, _, err := v.cfg.Fetcher.Fetch(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch %s: %w", ErrStatusFetch, url, err)
	}
	var doc json.RawMessage
	if it, err := detect(body, false); err == nil && it.object == nil && !it.sd {
		got, err := jwtvc.Verify(ctx, it.token, v.cfg.Keys, jwtvc.VerifyOptions{Now: func() time.Time { return now }, Leeway: leeway})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
		}
		doc = got.Credential
	} else if err == nil && it.object != nil {
		di, err := v.cfg.Processor(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStatusFetch, err)
		}
		res, err := di.Verify(ctx, it.object, v.cfg.Keys, dataintegrity.VerifyOptions{Leeway: leeway})
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
		}
		doc = res.Document
	} else {
		return nil, fmt.Errorf("%w: %s is not a secured status list credential", ErrStatusFetch, url)
	}
	list, err := credentials.ParseCredential(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
	}
	if err := list.ValidAt(now, leeway); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
	}
	lc, err := status.ParseListCredential(list)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
	}
	bits, err := status.Decode(lc.EncodedList, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStatusFetch, url, err)
	}
	return &verifiedList{cred: list, lc: lc, bits: bits}, nil
}
