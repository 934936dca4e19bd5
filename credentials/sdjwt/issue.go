package sdjwt

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chainid/chainid/did"
)

// Frame names the claims an issuer makes selectively disclosable, as JSON
// Pointers (RFC 6901) into the claims object: "/given_name" (an object
// member), "/nationalities/1" (an array element), "/address/locality" (a
// member of a nested object). Listing a pointer and one below it, such as
// "/address" and "/address/locality", makes a recursive disclosure: the
// inner claim is hidden inside the outer disclosure.
type Frame []string

// IssueOptions configure Issue. KeyID is required; everything else has a
// safe zero value.
type IssueOptions struct {
	// KeyID is the issuer's verification method, a DID URL listed under
	// assertionMethod (e.g. "did:key:z6Mk…#z6Mk…"). It becomes the kid
	// header, and its DID becomes the iss claim.
	KeyID string
	// VCT is the credential type (vct claim). Required for TypeVC unless
	// the claims already carry vct.
	VCT string
	// HolderKey, when set, is bound as cnf.jwk so presentations can carry
	// a Key Binding JWT.
	HolderKey crypto.PublicKey
	// IssuedAt, NotBefore and Expires set iat, nbf and exp when non-zero.
	IssuedAt, NotBefore, Expires time.Time
	// Decoys is how many decoy digests to add to each _sd array (and to
	// the top level even when it has no disclosable member).
	Decoys int
	// HashAlg is the _sd_alg: SHA256 (default), SHA384 or SHA512.
	HashAlg string
	// Rand is the source for salts and decoys; nil means crypto/rand. Each
	// salt is 128 bits.
	Rand io.Reader
	// Type is the header typ (TypeVC when empty).
	Type string
}

// claimsNotDisclosable are SD-JWT VC claims that must stay in the clear.
var claimsNotDisclosable = []string{"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}

// saltBytes is the random part of each salt and decoy (128 bits).
const saltBytes = 16

// Issue builds an SD-JWT (VC) from a JSON object of claims, making the
// claims named by frame selectively disclosable, and signs it with signer
// (Ed25519, P-256 or secp256k1; see the package doc). It returns
// "<issuer-signed JWT>~<disclosure>~…~".
func Issue(claims []byte, frame Frame, signer crypto.Signer, opts IssueOptions) (string, error) {
	if signer == nil {
		return "", fmt.Errorf("issue SD-JWT: no signer")
	}
	alg, err := algFor(signer.Public())
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	u, err := did.ParseURL(opts.KeyID)
	if err != nil || !u.HasFragment || u.Path != "" || u.HasQuery {
		return "", fmt.Errorf("issue SD-JWT: %w: KeyID %q is not a DID URL with a fragment", ErrIssuer, opts.KeyID)
	}
	hashAlg := opts.HashAlg
	if hashAlg == "" {
		hashAlg = SHA256
	}
	h, err := newHasher(hashAlg)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	typ := opts.Type
	if typ == "" {
		typ = TypeVC
	}
	root, err := parseObject(claims)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: claims: %w", err)
	}
	if err := checkReserved(&root, ""); err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	if err := addRegistered(&root, u.DID.String(), typ, opts); err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	sd, err := resolveFrame(&root, frame)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	b := builder{h: h, sd: sd, rand: rnd, decoys: opts.Decoys}
	payload, err := b.encode(&root, "", true)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	payload.obj = append(payload.obj, member{name: "_sd_alg", nameRaw: []byte("_sd_alg"), val: stringValue(hashAlg)})
	body := appendJSON(nil, &payload)
	jwt, err := signJWT(signer, alg, map[string]string{"typ": typ, "kid": opts.KeyID}, body)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	var out strings.Builder
	out.WriteString(jwt)
	out.WriteByte('~')
	for _, d := range b.disclosures {
		out.WriteString(d)
		out.WriteByte('~')
	}
	return out.String(), nil
}

// checkReserved refuses _sd, ... and _sd_alg anywhere in the input claims.
func checkReserved(v *value, path string) error {
	switch v.kind {
	case kindObject:
		for i := range v.obj {
			m := &v.obj[i]
			if m.name == "_sd" || m.name == "..." || m.name == "_sd_alg" {
				return fmt.Errorf("%w: claims use the reserved name %q at %q", ErrDisclosure, m.name, path)
			}
			if err := checkReserved(&m.val, path+"/"+escapePointer(m.name)); err != nil {
				return err
			}
		}
	case kindArray:
		for i := range v.arr {
			if err := checkReserved(&v.arr[i], path+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// addRegistered sets iss, iat, nbf, exp, vct and cnf.
func addRegistered(root *value, iss, typ string, opts IssueOptions) error {
	set := func(name string, v value) error {
		if old, ok := root.member(name); ok {
			if old.kind == v.kind && string(old.raw) == string(v.raw) && v.kind != kindObject {
				return nil
			}
			return fmt.Errorf("claims already carry %s and the options set a different one", name)
		}
		root.obj = append(root.obj, member{name: name, nameRaw: []byte(name), val: v})
		return nil
	}
	if err := set("iss", stringValue(iss)); err != nil {
		return fmt.Errorf("%w: %w", ErrIssuer, err)
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"iat", opts.IssuedAt}, {"nbf", opts.NotBefore}, {"exp", opts.Expires}} {
		if t.at.IsZero() {
			continue
		}
		if err := set(t.name, numberValue(t.at.Unix())); err != nil {
			return err
		}
	}
	if opts.VCT != "" {
		if err := set("vct", stringValue(opts.VCT)); err != nil {
			return err
		}
	}
	if typ == TypeVC {
		if v, ok := root.member("vct"); !ok || v.kind != kindString || len(v.raw) == 0 {
			return fmt.Errorf("%w: an SD-JWT VC needs a vct string", ErrMalformed)
		}
	}
	if opts.HolderKey != nil {
		jwk, err := did.JWKFromPublicKey(opts.HolderKey)
		if err != nil {
			return fmt.Errorf("holder key: %w", err)
		}
		raw, err := jwk.MarshalJSON()
		if err != nil {
			return fmt.Errorf("holder key: %w", err)
		}
		j, err := parseJSON(raw)
		if err != nil {
			return fmt.Errorf("holder key: %w", err)
		}
		cnf := value{kind: kindObject, obj: []member{{name: "jwk", nameRaw: []byte("jwk"), val: j}}}
		if err := set("cnf", cnf); err != nil {
			return err
		}
	}
	return nil
}

// parsePointer splits an RFC 6901 JSON Pointer into unescaped tokens.
func parsePointer(ptr string) ([]string, error) {
	if ptr == "" || ptr[0] != '/' {
		return nil, fmt.Errorf("%q is not a JSON Pointer below the root", ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1')) {
				return nil, fmt.Errorf("%q has an invalid ~ escape", ptr)
			}
		}
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

// canonicalPointer resolves ptr in v and returns it in the form the builder
// and processor use (array indexes in decimal, names escaped).
func canonicalPointer(v *value, ptr string) (string, error) {
	toks, err := parsePointer(ptr)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	cur := v
	for _, t := range toks {
		switch cur.kind {
		case kindObject:
			next, ok := cur.member(t)
			if !ok {
				return "", fmt.Errorf("%q: no member %q", ptr, t)
			}
			cur = next
			b.WriteString("/" + escapePointer(t))
		case kindArray:
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= len(cur.arr) || (len(t) > 1 && t[0] == '0') {
				return "", fmt.Errorf("%q: no array element %q", ptr, t)
			}
			cur = &cur.arr[n]
			b.WriteString("/" + strconv.Itoa(n))
		default:
			return "", fmt.Errorf("%q: %q is below a scalar", ptr, t)
		}
	}
	return b.String(), nil
}

func resolveFrame(root *value, frame Frame) (map[string]bool, error) {
	sd := make(map[string]bool, len(frame))
	for _, ptr := range frame {
		c, err := canonicalPointer(root, ptr)
		if err != nil {
			return nil, fmt.Errorf("frame: %w", err)
		}
		if slices.Contains(claimsNotDisclosable, strings.TrimPrefix(c, "/")) {
			return nil, fmt.Errorf("frame: %w: %s must not be selectively disclosable", ErrDisclosure, c)
		}
		if sd[c] {
			return nil, fmt.Errorf("frame: %s listed twice", c)
		}
		sd[c] = true
	}
	return sd, nil
}

// builder turns a claims tree into an SD-JWT payload and disclosures.
type builder struct {
	h           hasher
	sd          map[string]bool
	rand        io.Reader
	decoys      int
	disclosures []string
	digests     map[string]bool
	salts       map[string]bool
}

// unique refuses a digest made before: with a broken Rand, two salts (or
// decoys) could repeat, and verifiers refuse duplicate digests.
func (b *builder) unique(d string) (string, error) {
	if b.digests == nil {
		b.digests = map[string]bool{}
	}
	if b.digests[d] {
		return "", fmt.Errorf("digest %s made twice: the randomness source repeats", d)
	}
	b.digests[d] = true
	return d, nil
}

func (b *builder) random() (string, error) {
	var buf [saltBytes]byte
	if _, err := io.ReadFull(b.rand, buf[:]); err != nil {
		return "", fmt.Errorf("read randomness: %w", err)
	}
	r := base64.RawURLEncoding.EncodeToString(buf[:])
	if b.salts == nil {
		b.salts = map[string]bool{}
	}
	if b.salts[r] {
		return "", fmt.Errorf("salt %s drawn twice: the randomness source repeats", r)
	}
	b.salts[r] = true
	return r, nil
}

// disclose creates a disclosure for (name, v) — or for an array element
// when name is nil — and returns its digest.
func (b *builder) disclose(nameRaw []byte, v *value) (string, error) {
	salt, err := b.random()
	if err != nil {
		return "", err
	}
	j := make([]byte, 0, 64)
	j = append(j, `["`...)
	j = append(j, salt...)
	j = append(j, '"', ',')
	if nameRaw != nil {
		j = append(j, '"')
		j = append(j, nameRaw...)
		j = append(j, '"', ',')
	}
	j = appendJSON(j, v)
	j = append(j, ']')
	enc := base64.RawURLEncoding.EncodeToString(j)
	b.disclosures = append(b.disclosures, enc)
	return b.unique(b.h.digest(enc))
}

func (b *builder) encode(v *value, path string, top bool) (value, error) {
	switch v.kind {
	case kindObject:
		out := value{kind: kindObject, obj: make([]member, 0, len(v.obj)+1)}
		var digests []string
		for i := range v.obj {
			m := &v.obj[i]
			mp := path + "/" + escapePointer(m.name)
			child, err := b.encode(&m.val, mp, false)
			if err != nil {
				return value{}, err
			}
			if !b.sd[mp] {
				out.obj = append(out.obj, member{name: m.name, nameRaw: m.nameRaw, val: child})
				continue
			}
			d, err := b.disclose(m.nameRaw, &child)
			if err != nil {
				return value{}, err
			}
			digests = append(digests, d)
		}
		if len(digests) > 0 || (top && b.decoys > 0) {
			for range b.decoys {
				r, err := b.random()
				if err != nil {
					return value{}, err
				}
				d, err := b.unique(b.h.digest(r))
				if err != nil {
					return value{}, err
				}
				digests = append(digests, d)
			}
			slices.Sort(digests) // hides the claims' order
			arr := value{kind: kindArray, arr: make([]value, len(digests))}
			for i, d := range digests {
				arr.arr[i] = value{kind: kindString, raw: []byte(d)}
			}
			out.obj = append([]member{{name: "_sd", nameRaw: []byte("_sd"), val: arr}}, out.obj...)
		}
		return out, nil
	case kindArray:
		out := value{kind: kindArray, arr: make([]value, 0, len(v.arr))}
		for i := range v.arr {
			ep := path + "/" + strconv.Itoa(i)
			child, err := b.encode(&v.arr[i], ep, false)
			if err != nil {
				return value{}, err
			}
			if !b.sd[ep] {
				out.arr = append(out.arr, child)
				continue
			}
			d, err := b.disclose(nil, &child)
			if err != nil {
				return value{}, err
			}
			out.arr = append(out.arr, value{kind: kindObject, obj: []member{{name: "...", nameRaw: []byte("..."), val: value{kind: kindString, raw: []byte(d)}}}})
		}
		return out, nil
	}
	return *v, nil
}
