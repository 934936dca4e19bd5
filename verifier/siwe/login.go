package siwe

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults of LoginConfig.
const (
	DefaultNonceTTL  = 5 * time.Minute
	DefaultStatement = "Sign in with your Ethereum account."
	// MinSessionLength is the shortest browser session id Logins accepts.
	MinSessionLength = 16
)

// NonceStore keeps issued nonces until they are used or expire;
// *store.SIWENonces (internal/store) satisfies it. Put reports false when
// the nonce is already stored. Take reports false for a nonce it does not
// hold (never issued, expired or used); otherwise it calls check with the
// nonce's binding and removes the nonce atomically with check's success,
// leaving it (and returning check's error) when check fails.
type NonceStore interface {
	Put(ctx context.Context, nonce string, binding []byte, expires time.Time) (bool, error)
	Take(ctx context.Context, nonce string, check func(binding []byte) error) (bool, error)
}

// LoginConfig configures Logins. BaseURL is required.
type LoginConfig struct {
	// BaseURL is the server's public base URL (scheme and authority, no
	// query or fragment). Its authority is the message's domain, and the
	// URL itself is the message's URI.
	BaseURL string
	// NonceTTL is how long an issued nonce stays usable; it is also the
	// Expiration Time the challenge proposes. Zero means DefaultNonceTTL.
	NonceTTL time.Duration
	// Statement is the statement the challenge proposes; empty means
	// DefaultStatement.
	Statement string
	// ChainID is the chain the challenge proposes; zero means the first of
	// the Verifier's chains.
	ChainID uint64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Logins runs Sign-In with Ethereum logins: it issues nonces bound to a
// browser session and a login request, and verifies signed messages
// against them. It is safe for concurrent use.
type Logins struct {
	v         *Verifier
	nonces    NonceStore
	scheme    string
	domain    string
	uri       string
	ttl       time.Duration
	statement string
	chainID   uint64
	now       func() time.Time
}

// NewLogins returns Logins over v and nonces.
func NewLogins(v *Verifier, nonces NonceStore, cfg LoginConfig) (*Logins, error) {
	if v == nil || nonces == nil {
		return nil, errors.New("siwe: NewLogins needs a Verifier and a NonceStore")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("siwe: LoginConfig.BaseURL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if err := checkAuthority(u.Host); err != nil {
		return nil, fmt.Errorf("siwe: LoginConfig.BaseURL host: %w", err)
	}
	l := &Logins{v: v, nonces: nonces, scheme: u.Scheme, domain: u.Host, uri: strings.TrimRight(cfg.BaseURL, "/"),
		ttl: cfg.NonceTTL, statement: cfg.Statement, chainID: cfg.ChainID, now: cfg.Now}
	if err := checkURI(l.uri); err != nil {
		return nil, fmt.Errorf("siwe: LoginConfig.BaseURL: %w", err)
	}
	if l.ttl <= 0 {
		l.ttl = DefaultNonceTTL
	}
	if l.statement == "" {
		l.statement = DefaultStatement
	}
	if err := checkStatement(l.statement); err != nil {
		return nil, fmt.Errorf("siwe: LoginConfig.Statement: %w", err)
	}
	if l.chainID == 0 {
		l.chainID = v.first
	} else if _, ok := v.chains[l.chainID]; !ok {
		return nil, fmt.Errorf("siwe: LoginConfig.ChainID %d is not one of the Verifier's chains", l.chainID)
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Challenge is what a client needs to build the message: every field but
// the address. Its JSON form is what GET /siwe/nonce returns.
type Challenge struct {
	Scheme         string   `json:"scheme"`
	Domain         string   `json:"domain"`
	URI            string   `json:"uri"`
	Statement      string   `json:"statement"`
	Version        string   `json:"version"`
	ChainID        uint64   `json:"chainId"`
	ChainIDs       []uint64 `json:"chainIds"`
	Nonce          string   `json:"nonce"`
	IssuedAt       string   `json:"issuedAt"`
	ExpirationTime string   `json:"expirationTime"`
	RequestID      string   `json:"requestId"`
}

// Message returns the message for address that this challenge proposes.
func (c Challenge) Message(address string) (*Message, error) {
	a, err := parseAddress(address)
	if err != nil {
		return nil, err
	}
	return &Message{Scheme: c.Scheme, Domain: c.Domain, Address: a, Statement: c.Statement, URI: c.URI,
		Version: Version1, ChainID: c.ChainID, Nonce: c.Nonce, IssuedAt: c.IssuedAt,
		ExpirationTime: c.ExpirationTime, RequestID: c.RequestID, HasRequestID: c.RequestID != ""}, nil
}

// binding ties a nonce to a browser session (stored as a digest) and a
// login request.
func binding(session, loginID string) []byte {
	d := sha256.Sum256([]byte(session))
	return append(d[:], loginID...)
}

// Challenge issues a nonce for the login request loginID made in the
// browser session session (an unguessable id the caller keeps in a cookie).
func (l *Logins) Challenge(ctx context.Context, session, loginID string) (Challenge, error) {
	if len(session) < MinSessionLength {
		return Challenge{}, errors.New("siwe: session id too short")
	}
	if loginID == "" || !validChars(loginID, isPchar, false) || len(loginID) > 256 {
		return Challenge{}, refused("login request id %q is not usable as a Request ID", truncate(loginID, 64))
	}
	now := l.now().UTC()
	exp := now.Add(l.ttl)
	var nonce string
	for range 3 {
		nonce = rand.Text() // 26 base32 letters and digits, 130 bits
		ok, err := l.nonces.Put(ctx, nonce, binding(session, loginID), exp)
		if err != nil {
			return Challenge{}, fmt.Errorf("issue siwe nonce: %w", err)
		}
		if ok {
			return Challenge{
				Scheme: l.scheme, Domain: l.domain, URI: l.uri, Statement: l.statement, Version: Version1,
				ChainID: l.chainID, ChainIDs: l.v.chainList(), Nonce: nonce,
				IssuedAt: now.Format(time.RFC3339), ExpirationTime: exp.Format(time.RFC3339), RequestID: loginID,
			}, nil
		}
	}
	return Challenge{}, errors.New("issue siwe nonce: three nonce collisions")
}

// Login verifies a signed message for the login request loginID in the
// browser session session. The message's nonce must have been issued by
// Challenge for that session and request; it is used up by the attempt,
// whatever its outcome, except when it belongs to another session or
// request (then it stays for its owner). ethr optionally names a did:ethr
// DID to log in as (see Expect.Ethr).
func (l *Logins) Login(ctx context.Context, session, loginID, message string, signature []byte, ethr string) (*Result, error) {
	m, err := Parse(message)
	if err != nil {
		return nil, err
	}
	want := binding(session, loginID)
	found, err := l.nonces.Take(ctx, m.Nonce, func(b []byte) error {
		if subtle.ConstantTimeCompare(b, want) != 1 {
			return refused("the nonce was issued to another browser session or login request")
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrRefused):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("use siwe nonce: %w", err)
	case !found:
		return nil, refused("the nonce is unknown, expired or already used")
	}
	return l.v.Verify(ctx, message, signature, Expect{Scheme: l.scheme, Domain: l.domain, URI: l.uri,
		Nonce: m.Nonce, RequestID: loginID, Ethr: ethr})
}

// chainList is the configured chain IDs in ascending order.
func (v *Verifier) chainList() []uint64 {
	return slices.Sorted(maps.Keys(v.chains))
}
