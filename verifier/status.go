package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/status"
)

// statusCache keeps verified status list credentials by URL.
type statusCache struct {
	mu   sync.Mutex
	size int
	ttl  time.Duration
	m    map[string]cachedList
}

type cachedList struct {
	list    *credentials.Credential
	expires time.Time
}

func newStatusCache(size int, ttl time.Duration) *statusCache {
	return &statusCache{size: size, ttl: ttl, m: map[string]cachedList{}}
}

func (c *statusCache) get(url string, now time.Time) *credentials.Credential {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[url]
	if !ok || !now.Before(e.expires) {
		delete(c.m, url)
		return nil
	}
	return e.list
}

func (c *statusCache) put(url string, list *credentials.Credential, now time.Time) {
	if c.ttl < 0 {
		return
	}
	exp := now.Add(c.ttl)
	if _, until, err := list.ValidityPeriod(); err == nil && !until.IsZero() && until.Before(exp) {
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
	c.m[url] = cachedList{list: list, expires: exp}
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
	list := v.status.get(e.StatusListCredential, now)
	if list == nil {
		var err error
		if list, err = v.fetchList(ctx, e.StatusListCredential, now, leeway); err != nil {
			return false, err
		}
		v.status.put(e.StatusListCredential, list, now)
	}
	return status.Check(c, e, list, 0)
}

// fetchList fetches a status list credential and verifies its proof and
// validity period. Its issuer is compared with the credential's by
// status.Check.
func (v *Verifier) fetchList(ctx context.Context, url string, now time.Time, leeway time.Duration) (*credentials.Credential, error) {
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
		res, err := di.Verify(ctx, it.object, v.cfg.Keys, dataintegrity.VerifyOptions{})
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
	return list, nil
}
