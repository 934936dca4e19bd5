package status

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chainid/chainid/credentials"
	"github.com/chainid/chainid/did"
)

// Store persists status lists. internal/store's *Store implements it.
// Implementations must be safe for concurrent use and must commit each call
// durably before returning.
type Store interface {
	// AllocateStatusIndex records as allocated, and returns, the
	// (r mod free)-th unallocated index of the newest list of group,
	// creating the group's next list (size bits) when there is none or the
	// newest is full. It returns the list's sequence number and the index.
	AllocateStatusIndex(ctx context.Context, group string, size int, r uint64) (seq uint32, index int, err error)
	// SetStatusBits sets the status bits of indexes of one list to value,
	// all or none; ok is false (and nothing changes) when the list does
	// not exist or an index was never allocated.
	SetStatusBits(ctx context.Context, group string, seq uint32, indexes []int, value bool) (ok bool, err error)
	// StatusBits returns a copy of a list's status bitmap, nil when the
	// list does not exist.
	StatusBits(ctx context.Context, group string, seq uint32) ([]byte, error)
}

// ErrUnknownEntry reports a status entry or list this registry did not
// issue for the given issuer: a foreign URL, a list that does not exist, an
// index never allocated, or a purpose that does not fit the operation.
var ErrUnknownEntry = errors.New("unknown status entry")

// Config configures a Registry.
type Config struct {
	// BaseURL is the absolute http(s) URL under which list credentials are
	// served; a list's URL is BaseURL + escaped issuer + "/" + purpose +
	// "/" + sequence number. Required.
	BaseURL string
	// Bits is the size of each new list; zero means MinBits. It must be a
	// multiple of 8 in [MinBits, MaxBits].
	Bits int
	// ValidFor, when positive, sets validUntil on list credentials to now
	// plus ValidFor, bounding how long a cached list is accepted.
	ValidFor time.Duration
	// Rand is the source of allocation randomness; nil means crypto/rand.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Registry hands out status list indexes and changes their status for
// issuers. It is safe for concurrent use.
type Registry struct {
	st       Store
	base     string
	bits     int
	validFor time.Duration
	rand     io.Reader
	now      func() time.Time
}

// Ref names one status list: its issuer, purpose and sequence number.
type Ref struct {
	Issuer  string
	Purpose Purpose
	Seq     uint32
}

// NewRegistry returns a Registry over st.
func NewRegistry(st Store, cfg Config) (*Registry, error) {
	if st == nil {
		return nil, errors.New("new status registry: no store")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("new status registry: BaseURL %q must be an absolute http(s) URL without query or fragment", cfg.BaseURL)
	}
	r := &Registry{st: st, base: cfg.BaseURL, bits: cfg.Bits, validFor: cfg.ValidFor, rand: cfg.Rand, now: cfg.Now}
	if !strings.HasSuffix(r.base, "/") {
		r.base += "/"
	}
	if r.bits == 0 {
		r.bits = MinBits
	}
	if r.bits < MinBits || r.bits > MaxBits || r.bits%8 != 0 {
		return nil, fmt.Errorf("new status registry: Bits %d is not a multiple of 8 in [%d, %d]", r.bits, MinBits, MaxBits)
	}
	if r.rand == nil {
		r.rand = rand.Reader
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r, nil
}

func checkRef(issuer string, p Purpose) error {
	if p != Revocation && p != Suspension {
		return fmt.Errorf("status purpose %q is not %q or %q", p, Revocation, Suspension)
	}
	if issuer == "" || len(issuer) > 2048 || strings.ContainsFunc(issuer, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("issuer %q is not a URI", issuer)
	}
	return nil
}

func group(issuer string, p Purpose) string { return string(p) + "|" + issuer }

// URL returns the URL of a list credential.
func (r *Registry) URL(ref Ref) string {
	return r.base + url.PathEscape(ref.Issuer) + "/" + string(ref.Purpose) + "/" + strconv.FormatUint(uint64(ref.Seq), 10)
}

// ParseURL maps a list credential URL made by URL back to its Ref; any
// other string is an error wrapping ErrUnknownEntry.
func (r *Registry) ParseURL(u string) (Ref, error) {
	rest, ok := strings.CutPrefix(u, r.base)
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 3 {
		return Ref{}, fmt.Errorf("%w: %q is not a status list URL of this registry", ErrUnknownEntry, u)
	}
	issuer, err := url.PathUnescape(parts[0])
	seq, serr := strconv.ParseUint(parts[2], 10, 32)
	ref := Ref{Issuer: issuer, Purpose: Purpose(parts[1]), Seq: uint32(seq)}
	if err != nil || serr != nil || checkRef(ref.Issuer, ref.Purpose) != nil || r.URL(ref) != u {
		return Ref{}, fmt.Errorf("%w: %q is not a status list URL of this registry", ErrUnknownEntry, u)
	}
	return ref, nil
}

// Allocate reserves a fresh random index for issuer on a list of the given
// purpose and returns the credentialStatus entry to put in the credential.
// The reservation is durable before Allocate returns; the index is never
// handed out again, whatever happens to the credential.
func (r *Registry) Allocate(ctx context.Context, issuer string, purpose Purpose) (credentials.Status, error) {
	if err := checkRef(issuer, purpose); err != nil {
		return credentials.Status{}, fmt.Errorf("allocate status index: %w", err)
	}
	var b [8]byte
	if _, err := io.ReadFull(r.rand, b[:]); err != nil {
		return credentials.Status{}, fmt.Errorf("allocate status index: randomness: %w", err)
	}
	seq, idx, err := r.st.AllocateStatusIndex(ctx, group(issuer, purpose), r.bits, binary.BigEndian.Uint64(b[:]))
	if err != nil {
		return credentials.Status{}, fmt.Errorf("allocate status index: %w", err)
	}
	list := r.URL(Ref{Issuer: issuer, Purpose: purpose, Seq: seq})
	i := strconv.Itoa(idx)
	return credentials.Status{
		ID:                   list + "#" + i,
		Type:                 credentials.TypeBitstringStatusListEntry,
		StatusPurpose:        string(purpose),
		StatusListIndex:      i,
		StatusListCredential: list,
	}, nil
}

// Revoke sets the revocation bit of a revocation entry issued to issuer.
// Revocation cannot be undone.
func (r *Registry) Revoke(ctx context.Context, issuer string, entry credentials.Status) error {
	if err := r.set(ctx, issuer, entry, Revocation, true); err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}

// Suspend sets the suspension bit of a suspension entry issued to issuer.
func (r *Registry) Suspend(ctx context.Context, issuer string, entry credentials.Status) error {
	if err := r.set(ctx, issuer, entry, Suspension, true); err != nil {
		return fmt.Errorf("suspend: %w", err)
	}
	return nil
}

// Reinstate clears the suspension bit of a suspension entry issued to
// issuer. A revocation entry is refused with ErrUnknownEntry.
func (r *Registry) Reinstate(ctx context.Context, issuer string, entry credentials.Status) error {
	if err := r.set(ctx, issuer, entry, Suspension, false); err != nil {
		return fmt.Errorf("reinstate: %w", err)
	}
	return nil
}

func (r *Registry) set(ctx context.Context, issuer string, entry credentials.Status, want Purpose, value bool) error {
	if entry.Type != credentials.TypeBitstringStatusListEntry {
		return fmt.Errorf("%w: type %q", ErrUnknownEntry, entry.Type)
	}
	if Purpose(entry.StatusPurpose) != want {
		return fmt.Errorf("%w: entry purpose is %q, want %q", ErrUnknownEntry, entry.StatusPurpose, want)
	}
	ref, err := r.ParseURL(entry.StatusListCredential)
	if err != nil {
		return err
	}
	if ref.Issuer != issuer || ref.Purpose != want {
		return fmt.Errorf("%w: list %s does not belong to %s for %s", ErrUnknownEntry, entry.StatusListCredential, issuer, want)
	}
	idx, err := entry.Index()
	if err != nil {
		return fmt.Errorf("%w: statusListIndex %q", ErrUnknownEntry, entry.StatusListIndex)
	}
	ok, err := r.st.SetStatusBits(ctx, group(issuer, want), ref.Seq, []int{int(idx)}, value)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: index %d of %s was never allocated", ErrUnknownEntry, idx, entry.StatusListCredential)
	}
	return nil
}

// ListCredential returns the current, unsigned BitstringStatusListCredential
// of a list: id is the list URL, validFrom is now (and validUntil now plus
// Config.ValidFor when set), and the subject carries the encoded list. A
// list that does not exist is an error wrapping ErrUnknownEntry.
func (r *Registry) ListCredential(ctx context.Context, ref Ref) (*credentials.Credential, error) {
	if err := checkRef(ref.Issuer, ref.Purpose); err != nil {
		return nil, fmt.Errorf("status list credential: %w", err)
	}
	bits, err := r.st.StatusBits(ctx, group(ref.Issuer, ref.Purpose), ref.Seq)
	if err != nil {
		return nil, fmt.Errorf("status list credential: %w", err)
	}
	id := r.URL(ref)
	if bits == nil {
		return nil, fmt.Errorf("status list credential: %w: no list %s", ErrUnknownEntry, id)
	}
	l, err := FromBytes(bits)
	if err != nil {
		return nil, fmt.Errorf("status list credential %s: %w", id, err)
	}
	enc, err := l.Encode()
	if err != nil {
		return nil, fmt.Errorf("status list credential %s: %w", id, err)
	}
	claim := func(name string, v string) credentials.Member {
		raw, _ := json.Marshal(v)
		return credentials.Member{Name: name, Value: raw}
	}
	now := r.now().UTC().Truncate(time.Second)
	c := &credentials.Credential{
		Context:   did.Contexts(credentials.ContextV2),
		ID:        id,
		Type:      did.StringOrSet{Values: []string{credentials.TypeCredential, TypeListCredential}, Array: true},
		Issuer:    credentials.Entity{ID: ref.Issuer},
		ValidFrom: now.Format(time.RFC3339),
		CredentialSubject: credentials.One(credentials.Subject{ID: id + "#list", Claims: []credentials.Member{
			claim("type", TypeList), claim("statusPurpose", string(ref.Purpose)), claim("encodedList", enc),
		}}),
	}
	if r.validFor > 0 {
		c.ValidUntil = now.Add(r.validFor).Format(time.RFC3339)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("status list credential %s: %w", id, err)
	}
	return c, nil
}
