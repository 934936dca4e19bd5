package verifier_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/sdjwt"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
	"github.com/chainid/chainid/verifier"
)

// The test world: DIDs of a "test" method whose documents the kit builds,
// resolved through the real resolver and didkeys.
const (
	issuerDID = "did:test:issuer"
	p256DID   = "did:test:p256"
	holderDID = "did:test:holder"
	rogueDID  = "did:test:rogue"
	rogueP    = "did:test:roguep"
	schemaID  = "https://schemas.example/person"
	listURL   = "https://status.example/issuer/revocation/0"
	p256List  = "https://status.example/p256/revocation/0"
	nonce     = "n-0S6_WzA2Mj"
	audience  = "https://verifier.example"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const personContextURL = "https://schemas.example/person/v1"

const personContext = `{"@context": {"@protected": true,
  "PersonCredential": "https://schemas.example/person#PersonCredential",
  "name": "https://schema.org/name", "age": "https://schema.org/age"}}`

// contexts is the built-in set plus the person context.
func contexts(t testing.TB) *ldcontext.Set {
	set, err := ldcontext.New(ldcontext.Context{URL: personContextURL, Document: []byte(personContext)})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

const personSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.example/person",
  "type": "object",
  "properties": {"id": {"type": "string"}, "name": {"type": "string", "minLength": 1}, "age": {"type": "integer", "minimum": 0}},
  "required": ["name"]
}`

// docs is a DID method over fixed documents.
type docs map[string]*did.Document

func (d docs) Resolve(_ context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	doc, ok := d[id.String()]
	if !ok {
		return nil, did.DocumentMetadata{}, did.ErrNotFound
	}
	return doc, did.DocumentMetadata{}, nil
}

type kit struct {
	t      testing.TB
	ed     ed25519.PrivateKey // issuer #ed (assertionMethod), also #auth (authentication only)
	p256   *ecdsa.PrivateKey  // p256 issuer #p, also issuer #ec (assertionMethod)
	holder ed25519.PrivateKey // holder #h (authentication)
	rogue  ed25519.PrivateKey // rogue #r (assertionMethod), untrusted
	rogueP *ecdsa.PrivateKey  // roguep #r, untrusted
	other  ed25519.PrivateKey // a key nobody publishes
	keys   *didkeys.Keys
	di     *dataintegrity.Processor
	lists  map[string][]byte
	v      *verifier.Verifier
	zkSub  json.RawMessage // a real ZK submission (zkmatrix_test.go)
}

func newKit(t testing.TB) *kit {
	t.Helper()
	k := &kit{t: t, lists: map[string][]byte{}}
	_, k.ed, _ = ed25519.GenerateKey(rand.Reader)
	_, k.holder, _ = ed25519.GenerateKey(rand.Reader)
	_, k.rogue, _ = ed25519.GenerateKey(rand.Reader)
	_, k.other, _ = ed25519.GenerateKey(rand.Reader)
	k.p256, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k.rogueP, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	d := docs{}
	add := func(id string, methods map[string]crypto.PublicKey, rel map[string][]string) {
		doc := &did.Document{Context: did.Contexts("https://www.w3.org/ns/did/v1"), ID: id}
		for frag, pub := range methods {
			vm, err := did.NewVerificationMethod(id+"#"+frag, id, "Multikey", pub)
			if err != nil {
				t.Fatal(err)
			}
			doc.VerificationMethod = append(doc.VerificationMethod, vm)
		}
		for r, frags := range rel {
			for _, f := range frags {
				switch r {
				case "assertionMethod":
					doc.AssertionMethod = append(doc.AssertionMethod, did.Ref(id+"#"+f))
				case "authentication":
					doc.Authentication = append(doc.Authentication, did.Ref(id+"#"+f))
				}
			}
		}
		d[id] = doc
	}
	add(issuerDID, map[string]crypto.PublicKey{"ed": k.ed.Public(), "auth": k.ed.Public(), "ec": k.p256.Public()},
		map[string][]string{"assertionMethod": {"ed", "ec"}, "authentication": {"auth"}})
	add(p256DID, map[string]crypto.PublicKey{"p": k.p256.Public()}, map[string][]string{"assertionMethod": {"p"}})
	add(holderDID, map[string]crypto.PublicKey{"h": k.holder.Public(), "ha": k.holder.Public()},
		map[string][]string{"authentication": {"h"}, "assertionMethod": {"ha"}})
	add(rogueP, map[string]crypto.PublicKey{"r": k.rogueP.Public()}, map[string][]string{"assertionMethod": {"r"}})
	add(rogueDID, map[string]crypto.PublicKey{"r": k.rogue.Public()}, map[string][]string{"assertionMethod": {"r"}, "authentication": {"r"}})
	r, err := resolver.New(resolver.Config{Methods: map[string]resolver.Method{"test": d}})
	if err != nil {
		t.Fatal(err)
	}
	if k.keys, err = didkeys.New(r, didkeys.Config{}); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	if k.di, err = dataintegrity.New(dataintegrity.Config{Now: clock, Contexts: contexts(t)}); err != nil {
		t.Fatal(err)
	}
	sch, err := schema.Compile([]byte(personSchema))
	if err != nil {
		t.Fatal(err)
	}
	k.lists[listURL] = k.statusList(issuerDID, k.ed, issuerDID+"#ed", listURL, 7)
	k.lists[p256List] = k.statusList(p256DID, k.p256, p256DID+"#p", p256List, 7)
	zkv, sub := loadZK(t)
	k.zkSub = sub
	k.v, err = verifier.New(verifier.Config{
		Keys: k.keys, Now: clock, ZK: zkv, Contexts: contexts(t),
		Fetcher: verifier.FetcherFunc(func(_ context.Context, url string) ([]byte, string, error) {
			b, ok := k.lists[url]
			if !ok {
				return nil, "", fmt.Errorf("no list at %s", url)
			}
			return b, "application/vc+ld+json", nil
		}),
		Schemas: verifier.SchemaFunc(func(_ context.Context, _, id string) (*schema.Schema, error) {
			if id != schemaID {
				return nil, fmt.Errorf("unknown schema %s", id)
			}
			return sch, nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// statusList signs a revocation list with bit `set` set.
func (k *kit) statusList(iss string, key crypto.Signer, vm, url string, set int) []byte {
	l, _ := status.NewList(status.MinBits)
	_ = l.Set(set, true)
	enc, _ := l.Encode()
	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "id": url,
		"type": []string{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": iss,
		"validFrom":         "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": enc},
	}
	raw, _ := json.Marshal(doc)
	suite := dataintegrity.EdDSARDFC2022
	if _, ok := key.(*ecdsa.PrivateKey); ok {
		suite = dataintegrity.ECDSARDFC2019
	}
	out, err := k.di.AddProof(context.Background(), raw, key, vm, suite, dataintegrity.ProofOptions{Created: now.Add(-time.Hour)})
	if err != nil {
		k.t.Fatal(err)
	}
	return out
}

// opts are the knobs of a test credential.
type opts struct {
	issuer     string // issuer DID (default issuerDID)
	kid        string // verification method (default issuer's assertion key)
	signer     crypto.Signer
	expired    bool
	index      int  // status index (7 is revoked)
	noStatus   bool // no credentialStatus
	badSubject bool // subject fails the schema
	subject    string
}

func (k *kit) defaults(o opts) opts {
	if o.issuer == "" {
		o.issuer = issuerDID
	}
	if o.kid == "" {
		o.kid = map[string]string{issuerDID: issuerDID + "#ed", p256DID: p256DID + "#p", rogueDID: rogueDID + "#r", rogueP: rogueP + "#r", holderDID: holderDID + "#ha"}[o.issuer]
	}
	if o.signer == nil {
		o.signer = map[string]crypto.Signer{issuerDID: k.ed, p256DID: k.p256, rogueDID: k.rogue, rogueP: k.rogueP, holderDID: k.holder}[o.issuer]
	}
	if o.index == 0 {
		o.index = 42
	}
	if o.subject == "" {
		o.subject = holderDID
	}
	return o
}

// credential returns the unsigned VC 2.0 credential.
func (k *kit) credential(o opts) []byte {
	o = k.defaults(o)
	until := "2027-01-01T00:00:00Z"
	if o.expired {
		until = "2026-05-01T00:00:00Z"
	}
	sub := map[string]any{"id": o.subject, "name": "Erika Mustermann", "age": 35}
	if o.badSubject {
		sub["age"] = "thirty-five"
	}
	c := map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2", personContextURL},
		"id":       "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5", "type": []string{"VerifiableCredential", "PersonCredential"},
		"issuer": o.issuer, "validFrom": "2026-01-01T00:00:00Z", "validUntil": until, "credentialSubject": sub,
		"credentialSchema": map[string]any{"id": schemaID, "type": "JsonSchema"},
	}
	if !o.noStatus {
		list := listURL
		if o.issuer == p256DID {
			list = p256List
		}
		c["credentialStatus"] = map[string]any{"id": fmt.Sprintf("%s#%d", list, o.index), "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": fmt.Sprint(o.index), "statusListCredential": list}
	}
	raw, _ := json.Marshal(c)
	return raw
}

func (k *kit) jwt(o opts, f jwtvc.Format) string {
	o = k.defaults(o)
	tok, err := jwtvc.Sign(context.Background(), k.credential(o), o.signer, o.kid, jwtvc.SignOptions{Format: f})
	if err != nil {
		k.t.Fatal(err)
	}
	return tok
}

func (k *kit) ldp(o opts, suite dataintegrity.Cryptosuite) json.RawMessage {
	o = k.defaults(o)
	out, err := k.di.AddProof(context.Background(), k.credential(o), o.signer, o.kid, suite, dataintegrity.ProofOptions{Created: now.Add(-time.Hour)})
	if err != nil {
		k.t.Fatal(err)
	}
	return out
}

// sd issues an SD-JWT VC bound to the holder key.
func (k *kit) sd(o opts) string {
	o = k.defaults(o)
	claims := map[string]any{"sub": o.subject, "name": "Erika Mustermann", "age": 35}
	if !o.noStatus {
		claims["credentialStatus"] = map[string]any{"id": fmt.Sprintf("%s#%d", listURL, o.index), "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": fmt.Sprint(o.index), "statusListCredential": listURL}
	}
	raw, _ := json.Marshal(claims)
	exp := now.Add(24 * time.Hour)
	if o.expired {
		exp = now.Add(-24 * time.Hour)
	}
	tok, err := sdjwt.Issue(raw, sdjwt.Frame{"/name", "/age"}, o.signer, sdjwt.IssueOptions{KeyID: o.kid, VCT: schemaID,
		HolderKey: k.holder.Public(), IssuedAt: now.Add(-48 * time.Hour), Expires: exp})
	if err != nil {
		k.t.Fatal(err)
	}
	return tok
}

// sdPresent presents an SD-JWT with a KB-JWT for nonce.
func (k *kit) sdPresent(tok, n string) string {
	p, err := sdjwt.Present(tok, []string{"/name"}, k.holder, sdjwt.PresentOptions{Nonce: n, Audience: audience, IssuedAt: now.Add(-time.Minute)})
	if err != nil {
		k.t.Fatal(err)
	}
	return p
}

// vpJWT presents credential entries as a VP-JWT.
func (k *kit) vpJWT(f jwtvc.Format, n string, holderKid string, entries ...any) string {
	vp := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiablePresentation"},
		"holder": holderDID, "verifiableCredential": entries}
	if f == jwtvc.FormatJWTVCJSON {
		vp["@context"] = []string{"https://www.w3.org/2018/credentials/v1"}
	}
	raw, _ := json.Marshal(vp)
	tok, err := jwtvc.SignPresentation(context.Background(), raw, k.holder, holderKid, jwtvc.PresentOptions{Format: f, Nonce: n, Audience: audience,
		Now: func() time.Time { return now.Add(-time.Minute) }})
	if err != nil {
		k.t.Fatal(err)
	}
	return tok
}

// ldpVP presents credentials with a Data Integrity authentication proof.
func (k *kit) ldpVP(challenge, holderKid string, creds ...json.RawMessage) json.RawMessage {
	vp := map[string]any{"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": []string{"VerifiablePresentation"},
		"holder": holderDID, "verifiableCredential": creds}
	raw, _ := json.Marshal(vp)
	out, err := k.di.AddProof(context.Background(), raw, k.holder, holderKid, dataintegrity.EdDSAJCS2022,
		dataintegrity.ProofOptions{Purpose: dataintegrity.Authentication, Challenge: challenge, Domain: audience, Created: now.Add(-time.Minute)})
	if err != nil {
		k.t.Fatal(err)
	}
	return out
}

func str(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

// tamper flips a character in the signature of a compact JWS.
func tamper(tok string) string {
	i := strings.LastIndex(tok, ".") + 5
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}
