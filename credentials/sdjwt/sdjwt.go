package sdjwt

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors callers branch on. Every refusal wraps one of them.
var (
	// ErrMalformed: the SD-JWT, a JWT in it or a JSON document in it does
	// not parse (bad base64url, duplicate JSON member names, wrong shape).
	ErrMalformed = errors.New("sdjwt: malformed")
	// ErrAlgorithm: a JWS alg that is not EdDSA, ES256 or ES256K, or one
	// that does not match the key; an unknown _sd_alg.
	ErrAlgorithm = errors.New("sdjwt: algorithm not accepted")
	// ErrSignature: a JWS signature does not verify.
	ErrSignature = errors.New("sdjwt: bad signature")
	// ErrUnsupportedKey: a key that is not Ed25519, P-256 or secp256k1.
	ErrUnsupportedKey = errors.New("sdjwt: unsupported key")
	// ErrDisclosure: a disclosure or digest breaks the SD-JWT rules
	// (duplicate digest, unreferenced or malformed disclosure, a disclosure
	// that overrides a claim or names _sd or ...).
	ErrDisclosure = errors.New("sdjwt: invalid disclosure")
	// ErrKeyBinding: key binding required but missing, or a Key Binding JWT
	// that fails any check (typ, signature by the cnf key, sd_hash, nonce,
	// aud, iat window).
	ErrKeyBinding = errors.New("sdjwt: key binding failed")
	// ErrIssuer: no kid, a kid that is not a DID URL, or an iss claim that
	// is not the kid's DID.
	ErrIssuer = errors.New("sdjwt: issuer mismatch")
	// ErrExpired: exp is in the past (beyond the leeway).
	ErrExpired = errors.New("sdjwt: expired")
	// ErrNotYetValid: nbf or iat is in the future (beyond the leeway).
	ErrNotYetValid = errors.New("sdjwt: not yet valid")
	// ErrTooLarge: the input exceeds VerifyOptions.MaxSize.
	ErrTooLarge = errors.New("sdjwt: input too large")
)

// Media types (header typ values).
const (
	// TypeVC is the SD-JWT VC typ (draft-ietf-oauth-sd-jwt-vc).
	TypeVC = "dc+sd-jwt"
	// TypeKB is the Key Binding JWT typ (RFC 9901 §4.3).
	TypeKB = "kb+jwt"
)

// Hash algorithm names for _sd_alg (IANA Named Information registry).
const (
	SHA256 = "sha-256"
	SHA384 = "sha-384"
	SHA512 = "sha-512"
)

// KeyResolver is the issuer-key source Verify consumes.
//
// VerificationKey returns the public key of the verification method id (a
// DID URL) when that method is listed under the given relationship (e.g.
// "assertionMethod", "authentication") of its DID's document. It must
// return an error — never a key — when the DID does not resolve or the
// method is not authorized for the relationship. It is called once per
// Verify and must be safe for concurrent use if Verify is.
type KeyResolver interface {
	VerificationKey(ctx context.Context, id string, relationship string) (crypto.PublicKey, error)
}

// hasher computes base64url digests for one _sd_alg.
type hasher struct {
	name string
	h    crypto.Hash
}

func newHasher(name string) (hasher, error) {
	switch name {
	case SHA256:
		return hasher{name, crypto.SHA256}, nil
	case SHA384:
		return hasher{name, crypto.SHA384}, nil
	case SHA512:
		return hasher{name, crypto.SHA512}, nil
	}
	return hasher{}, fmt.Errorf("%w: _sd_alg %q", ErrAlgorithm, name)
}

// digest returns base64url(hash(ASCII bytes of s)).
func (h hasher) digest(s string) string {
	switch h.h {
	case crypto.SHA256:
		sum := sha256.Sum256([]byte(s))
		return base64.RawURLEncoding.EncodeToString(sum[:])
	case crypto.SHA384:
		sum := sha512.Sum384([]byte(s))
		return base64.RawURLEncoding.EncodeToString(sum[:])
	default:
		sum := sha512.Sum512([]byte(s))
		return base64.RawURLEncoding.EncodeToString(sum[:])
	}
}

// disclosure is one decoded disclosure.
type disclosure struct {
	encoded string
	digest  string
	salt    string
	hasName bool
	name    string
	nameRaw []byte
	val     value

	used   bool
	path   string // JSON Pointer of the disclosed claim in the issued claims
	parent int    // index of the disclosure this one is nested in, or -1
}

// parseDisclosure decodes a disclosure: base64url of a JSON array of
// [salt, name, value] (object member) or [salt, value] (array element).
func parseDisclosure(encoded string, h hasher) (disclosure, error) {
	d := disclosure{encoded: encoded, parent: -1}
	raw, err := decodeB64(encoded)
	if err != nil {
		return d, fmt.Errorf("%w: disclosure base64url: %w", ErrMalformed, err)
	}
	arr, err := parseJSON(raw)
	if err != nil {
		return d, fmt.Errorf("%w: disclosure: %w", ErrMalformed, err)
	}
	if arr.kind != kindArray || (len(arr.arr) != 2 && len(arr.arr) != 3) {
		return d, fmt.Errorf("%w: disclosure is not an array of 2 or 3 elements", ErrDisclosure)
	}
	if arr.arr[0].kind != kindString {
		return d, fmt.Errorf("%w: disclosure salt is not a string", ErrDisclosure)
	}
	d.salt = arr.arr[0].str()
	if len(arr.arr) == 3 {
		if arr.arr[1].kind != kindString {
			return d, fmt.Errorf("%w: disclosure claim name is not a string", ErrDisclosure)
		}
		d.hasName, d.name, d.nameRaw = true, arr.arr[1].str(), arr.arr[1].raw
		if d.name == "_sd" || d.name == "..." {
			return d, fmt.Errorf("%w: disclosure names the reserved claim %q", ErrDisclosure, d.name)
		}
		d.val = arr.arr[2]
	} else {
		d.val = arr.arr[1]
	}
	d.digest = h.digest(encoded)
	return d, nil
}

// parts is a split SD-JWT or SD-JWT+KB.
type parts struct {
	jwt         string
	disclosures []string
	kb          string // "" when the input ends with "~"
	sdJWT       string // everything up to and including the last "~"
}

func split(s string) (parts, error) {
	last := strings.LastIndexByte(s, '~')
	first := strings.IndexByte(s, '~')
	if first <= 0 {
		return parts{}, fmt.Errorf("%w: not an SD-JWT (no issuer JWT followed by '~')", ErrMalformed)
	}
	p := parts{jwt: s[:first], kb: s[last+1:], sdJWT: s[:last+1]}
	if first < last {
		p.disclosures = strings.Split(s[first+1:last], "~")
		for i, d := range p.disclosures {
			if d == "" {
				return parts{}, fmt.Errorf("%w: empty disclosure #%d", ErrMalformed, i+1)
			}
		}
	}
	return p, nil
}

// processor replaces digests in an issuer-signed payload by the matching
// disclosures (RFC 9901 §7.1 step 3) and enforces every rule on the way.
type processor struct {
	discs    []disclosure
	byDigest map[string]int
	seen     map[string]struct{}
	paths    map[string]struct{} // all claim paths, when recorded (holder)
	stack    []step
}

func newProcessor(encoded []string, h hasher, recordPaths bool) (*processor, error) {
	p := &processor{
		discs:    make([]disclosure, len(encoded)),
		byDigest: make(map[string]int, len(encoded)),
		seen:     make(map[string]struct{}, 2*len(encoded)+4),
	}
	if recordPaths {
		p.paths = map[string]struct{}{}
	}
	for i, e := range encoded {
		d, err := parseDisclosure(e, h)
		if err != nil {
			return nil, fmt.Errorf("disclosure #%d: %w", i+1, err)
		}
		if _, dup := p.byDigest[d.digest]; dup {
			return nil, fmt.Errorf("%w: disclosure #%d sent twice", ErrDisclosure, i+1)
		}
		p.byDigest[d.digest] = i
		p.discs[i] = d
	}
	return p, nil
}

// claim looks up a digest found in the payload. It refuses a digest seen
// before (directly or via another disclosure) and returns the disclosure
// index or -1 (undisclosed claim or decoy).
func (p *processor) claim(digest string) (int, error) {
	if _, dup := p.seen[digest]; dup {
		return -1, fmt.Errorf("%w: digest %s appears more than once", ErrDisclosure, digest)
	}
	p.seen[digest] = struct{}{}
	i, ok := p.byDigest[digest]
	if !ok {
		return -1, nil
	}
	return i, nil
}

// escapePointer escapes a member name for a JSON Pointer (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// step is one level of the path being walked: a member name, or an array
// index when idx >= 0.
type step struct {
	name string
	idx  int
}

// here returns the JSON Pointer of the claim being walked. It is built only
// for errors and for the holder's path records, so verification does not
// pay for it.
func (p *processor) here() string {
	var b strings.Builder
	for _, s := range p.stack {
		b.WriteByte('/')
		if s.idx >= 0 {
			b.WriteString(strconv.Itoa(s.idx))
		} else {
			b.WriteString(escapePointer(s.name))
		}
	}
	return b.String()
}

func (p *processor) push(s step) string {
	p.stack = append(p.stack, s)
	if p.paths == nil {
		return ""
	}
	path := p.here()
	p.paths[path] = struct{}{}
	return path
}

func (p *processor) pop() { p.stack = p.stack[:len(p.stack)-1] }

// walk processes v in place. top is true for the payload object itself.
func (p *processor) walk(v *value, parent int, top bool) error {
	if len(p.stack) > maxDepth {
		return fmt.Errorf("%w: claims nested deeper than %d at %q", ErrDisclosure, maxDepth, p.here())
	}
	switch v.kind {
	case kindObject:
		return p.walkObject(v, parent, top)
	case kindArray:
		return p.walkArray(v, parent)
	}
	return nil
}

func (p *processor) walkObject(v *value, parent int, top bool) error {
	var sd value
	hasSD := false
	// Filter in place: out never overtakes the member being read.
	out := v.obj[:0]
	for i := range v.obj {
		m := v.obj[i]
		switch m.name {
		case "_sd":
			if m.val.kind != kindArray {
				return fmt.Errorf("%w: _sd at %q is not an array", ErrDisclosure, p.here())
			}
			sd, hasSD = m.val, true
			continue
		case "...":
			return fmt.Errorf("%w: reserved member \"...\" at %q", ErrDisclosure, p.here())
		case "_sd_alg":
			if !top {
				return fmt.Errorf("%w: _sd_alg below the top level at %q", ErrDisclosure, p.here())
			}
			continue
		}
		p.push(step{m.name, -1})
		if err := p.walk(&m.val, parent, false); err != nil {
			return err
		}
		p.pop()
		out = append(out, m)
	}
	if hasSD {
		for j := range sd.arr {
			e := &sd.arr[j]
			if e.kind != kindString {
				return fmt.Errorf("%w: _sd at %q holds a non-string", ErrDisclosure, p.here())
			}
			i, err := p.claim(e.str())
			if err != nil {
				return err
			}
			if i < 0 {
				continue
			}
			d := &p.discs[i]
			if !d.hasName {
				return fmt.Errorf("%w: array-element disclosure referenced from _sd at %q", ErrDisclosure, p.here())
			}
			for k := range out {
				if out[k].name == d.name {
					return fmt.Errorf("%w: disclosure for %q overrides a claim at %q", ErrDisclosure, d.name, p.here())
				}
			}
			d.used, d.parent = true, parent
			d.path = p.push(step{d.name, -1})
			if err := p.walk(&d.val, i, false); err != nil {
				return err
			}
			p.pop()
			out = append(out, member{name: d.name, nameRaw: d.nameRaw, val: d.val})
		}
	}
	v.obj = out
	return nil
}

func (p *processor) walkArray(v *value, parent int) error {
	out := v.arr[:0] // filtered in place, as in walkObject
	for j := range v.arr {
		e := v.arr[j]
		if e.kind == kindObject {
			if dots, ok := e.member("..."); ok {
				if len(e.obj) != 1 || dots.kind != kindString {
					return fmt.Errorf("%w: array digest object at %q/%d is not {\"...\": digest}", ErrDisclosure, p.here(), j)
				}
				i, err := p.claim(dots.str())
				if err != nil {
					return err
				}
				if i < 0 {
					continue // undisclosed element or decoy
				}
				d := &p.discs[i]
				if d.hasName {
					return fmt.Errorf("%w: object-member disclosure referenced from array at %q/%d", ErrDisclosure, p.here(), j)
				}
				d.used, d.parent = true, parent
				d.path = p.push(step{idx: j})
				if err := p.walk(&d.val, i, false); err != nil {
					return err
				}
				p.pop()
				out = append(out, d.val)
				continue
			}
		}
		p.push(step{idx: j})
		if err := p.walk(&e, parent, false); err != nil {
			return err
		}
		p.pop()
		out = append(out, e)
	}
	v.arr = out
	return nil
}

// unreferenced reports the first disclosure not referenced by any digest.
func (p *processor) unreferenced() error {
	for i := range p.discs {
		if !p.discs[i].used {
			return fmt.Errorf("%w: disclosure #%d is not referenced by any digest", ErrDisclosure, i+1)
		}
	}
	return nil
}

// process verifies and expands the payload of an issuer-signed JWT with the
// given disclosures. It returns the hasher named by _sd_alg.
func process(payload *value, encoded []string, recordPaths bool) (*processor, hasher, error) {
	alg := SHA256
	if a, ok, err := payload.stringMember("_sd_alg"); err != nil {
		return nil, hasher{}, fmt.Errorf("%w: %w", ErrAlgorithm, err)
	} else if ok {
		alg = a
	}
	h, err := newHasher(alg)
	if err != nil {
		return nil, hasher{}, err
	}
	p, err := newProcessor(encoded, h, recordPaths)
	if err != nil {
		return nil, hasher{}, err
	}
	if err := p.walk(payload, -1, true); err != nil {
		return nil, hasher{}, err
	}
	if err := p.unreferenced(); err != nil {
		return nil, hasher{}, err
	}
	return p, h, nil
}
