package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/didkeys"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/jwtvc"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/did/ethr"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier"
)

var (
	_ api.Credentials = (*services)(nil)
	_ api.Schemas     = (*services)(nil)
	_ api.Issuers     = (*services)(nil)
	_ api.APIKeys     = (*services)(nil)
	_ api.Verifier    = (*services)(nil)
	_ api.Publisher   = (*services)(nil)
)

// issuerKeyValidity is how long the assertion keys of a did:ethr issuer
// stay published on its registry.
const issuerKeyValidity = 10 * 365 * 24 * time.Hour

// Attribute names under which a did:ethr issuer publishes its keys. ERC-1056
// names are 32 bytes: EcdsaSecp256r1VerificationKey2019 does not fit, so a
// P-256 key is published as a JsonWebKey2020 method with the uncompressed
// point in publicKeyHex (no encoding suffix means hex), which
// ethr-did-resolver passes through, did-jwt verifies ES256 with, and
// credentials/didkeys reads.
const (
	attrEd25519 = "did/pub/Ed25519/veriKey/hex"
	attrP256    = "did/pub/JsonWebKey2020/veriKey"
)

// defaultPublicURL is the status base of issuers added from the CLI
// without a server and without --public-url.
const defaultPublicURL = "http://127.0.0.1:8080"

// newIssuerServices wires the issuance service and the verifier over the
// store, the keystore and the resolver.
func newIssuerServices(s *services) error {
	iss, err := issuer.New(s.store, s.keys, issuer.Config{ZK: zkIssuerHook{s}})
	if err != nil {
		return err
	}
	keys, err := didkeys.New(s.resolver, didkeys.Config{})
	if err != nil {
		return err
	}
	v, err := issuer.NewVerifier(keys, iss, issuer.VerifierConfig{Processor: iss.Processor, Leeway: time.Minute})
	if err != nil {
		return err
	}
	s.issuer, s.verifier = iss, v
	return nil
}

// statusPublicURL is the public URL new issuers' status lists live under:
// the running server's, else --public-url, else the default address.
func (s *services) statusPublicURL() string {
	switch {
	case s.publicURL != "":
		return s.publicURL
	case s.cfg.PublicURL != "":
		return s.cfg.PublicURL
	}
	return defaultPublicURL
}

// ensureDefaultIssuer creates the default issuer (a did:ethr with Ed25519
// and P-256 assertion keys) when no issuer is marked default.
func (s *services) ensureDefaultIssuer(ctx context.Context) (api.IssuerInfo, bool, error) {
	all, err := s.issuer.Issuers(ctx)
	if err != nil {
		return api.IssuerInfo{}, false, err
	}
	for _, r := range all {
		if r.Default {
			return issuerInfo(r), false, s.refreshZKAnchors(ctx, r.DID) // zkcred.go
		}
	}
	info, err := s.AddIssuer(ctx, api.AddIssuerRequest{Method: ethr.MethodName, Label: "default issuer", Default: true})
	return info, err == nil, err
}

// AddIssuer creates an issuer: a did:key with one Ed25519 or P-256 key, or
// a did:ethr whose Ed25519 and P-256 assertion keys are published on its
// registry.
func (s *services) AddIssuer(ctx context.Context, req api.AddIssuerRequest) (api.IssuerInfo, error) {
	rec := store.IssuerRecord{Label: req.Label, StatusBase: issuer.StatusBase(s.statusPublicURL()), Created: time.Now().UTC()}
	if req.Default {
		all, err := s.issuer.Issuers(ctx)
		if err != nil {
			return api.IssuerInfo{}, err
		}
		rec.Default = !slices.ContainsFunc(all, func(r store.IssuerRecord) bool { return r.Default })
	}
	switch req.Method {
	case "key":
		kt := did.KeyType(req.KeyType)
		if kt == "" {
			kt = did.Ed25519
		}
		if kt != did.Ed25519 && kt != did.P256 {
			return api.IssuerInfo{}, fmt.Errorf("%w: a did:key issuer has an Ed25519 or P-256 key, not %s", issuer.ErrInvalidRequest, kt)
		}
		k, err := s.keys.Generate(ctx, kt, req.Label, didkey.New)
		if err != nil {
			return api.IssuerInfo{}, err
		}
		id, err := did.Parse(k.DID)
		if err != nil {
			return api.IssuerInfo{}, err
		}
		rec.DID = k.DID
		rec.Keys = []store.IssuerKey{{KeyID: k.ID, KeyType: k.KeyType, VerificationMethod: k.DID + "#" + id.ID}}
	case ethr.MethodName:
		if req.KeyType != "" {
			return api.IssuerInfo{}, fmt.Errorf("%w: a did:ethr issuer always gets an Ed25519 and a P-256 key", issuer.ErrInvalidRequest)
		}
		created, keys, err := s.createEthrIssuer(ctx, req.Label)
		if err != nil {
			return api.IssuerInfo{}, err
		}
		rec.DID, rec.Keys = created, keys
	default:
		return api.IssuerInfo{}, fmt.Errorf("%w: issuer method %q (want key or ethr)", issuer.ErrInvalidRequest, req.Method)
	}
	if err := s.issuer.AddIssuer(ctx, rec); err != nil {
		return api.IssuerInfo{}, err
	}
	if req.Method == ethr.MethodName {
		if err := s.enableZKIssuer(ctx, rec.DID, req.Label); err != nil { // zkcred.go
			return api.IssuerInfo{}, fmt.Errorf("issuer %s was added, but its ZK key was not anchored: %w", rec.DID, err)
		}
	}
	s.resetOID4VCI()
	r, err := s.store.Issuer(ctx, rec.DID)
	if err != nil {
		return api.IssuerInfo{}, err
	}
	return issuerInfo(r), nil
}

// createEthrIssuer creates a did:ethr, publishes an Ed25519 and a P-256
// key under veriKey (so both are assertion methods), and returns the DID
// and the keys with their verification method ids as resolved.
func (s *services) createEthrIssuer(ctx context.Context, label string) (string, []store.IssuerKey, error) {
	info, err := s.CreateDID(ctx, api.CreateDIDRequest{Method: ethr.MethodName, Label: label, Network: s.cfg.ChainName})
	if err != nil {
		return "", nil, err
	}
	keys, err := s.publishEthrKeys(ctx, info.DID, label, did.Ed25519, did.P256)
	if err != nil {
		return "", nil, err
	}
	return info.DID, keys, nil
}

// publishEthrKeys generates one key per type in the keystore, publishes
// each as a did/pub …/veriKey attribute of the did:ethr (an assertion
// method) through the relayer, and returns the keys with their
// verification method ids as resolved. The DID's owner key must be in the
// keystore.
func (s *services) publishEthrKeys(ctx context.Context, didStr, label string, types ...did.KeyType) ([]store.IssuerKey, error) {
	id, err := did.Parse(didStr)
	if err != nil {
		return nil, err
	}
	part, identity, _, err := ethr.ParseDID(id)
	if err != nil {
		return nil, err
	}
	cs, err := s.chainSet(ctx)
	if err != nil {
		return nil, chainError(err)
	}
	n, ok := cs.lookup(part)
	if !ok {
		return nil, fmt.Errorf("no chain is configured for network %q: %w", part, did.ErrNotFound)
	}
	n.writeMu.Lock()
	defer n.writeMu.Unlock()
	t := target{id: id, net: n, identity: identity}
	if t.owner, err = s.ownerSigner(ctx, n, id, identity); err != nil {
		return nil, err
	}
	relayer, err := n.relayerSigner(ctx, s.keys)
	if err != nil {
		return nil, err
	}
	bind := func(crypto.PublicKey) (did.DID, error) { return id, nil }
	type published struct {
		rec   store.KeyRecord
		value []byte
	}
	var pubs []published
	for _, kt := range types {
		rec, err := s.keys.Generate(ctx, kt, label, bind)
		if err != nil {
			return nil, err
		}
		var name string
		value := rec.Public
		switch kt {
		case did.Ed25519:
			name = attrEd25519
		case did.P256:
			pub, err := did.PublicKeyFromBytes(did.P256, rec.Public)
			if err != nil {
				return nil, err
			}
			if value, err = pub.(*ecdsa.PublicKey).Bytes(); err != nil {
				return nil, err
			}
			name = attrP256
		default:
			return nil, fmt.Errorf("%w: a did:ethr issuer key is Ed25519 or P-256, not %s", issuer.ErrInvalidRequest, kt)
		}
		if _, err := t.setAttribute(ctx, relayer, name, value, issuerKeyValidity); err != nil {
			return nil, fmt.Errorf("key %s was stored but not published: %w", rec.ID, chainError(err))
		}
		pubs = append(pubs, published{rec, value})
	}
	doc, _, err := cs.resolver.Resolve(ctx, id, did.ResolveOptions{})
	if err != nil {
		return nil, chainError(err)
	}
	var keys []store.IssuerKey
	for _, p := range pubs {
		want := hex.EncodeToString(p.value)
		i := slices.IndexFunc(doc.VerificationMethod, func(vm did.VerificationMethod) bool { return strings.EqualFold(vm.PublicKeyHex, want) })
		if i < 0 {
			return nil, fmt.Errorf("the published %s key of %s is not in its resolved document", p.rec.KeyType, id)
		}
		vm := doc.VerificationMethod[i].ID
		if _, ok := doc.Authorized(did.AssertionMethod, vm); !ok {
			return nil, fmt.Errorf("the published key %s is not an assertion method of %s", vm, id)
		}
		keys = append(keys, store.IssuerKey{KeyID: p.rec.ID, KeyType: p.rec.KeyType, VerificationMethod: vm})
	}
	return keys, nil
}

// RotateIssuerKey publishes a new assertion key for a did:ethr issuer and
// makes it the signing key of its type (issuer.Service.RotateKey). The
// replaced key's attribute is not revoked: it stays published for its
// validity (issuerKeyValidity) so the credentials it signed keep
// verifying; its record notes when the last of them expires.
func (s *services) RotateIssuerKey(ctx context.Context, issuerDID string, req api.RotateKeyRequest) (api.IssuerInfo, error) {
	rec, err := s.store.Issuer(ctx, issuerDID)
	if errors.Is(err, store.ErrNotFound) {
		return api.IssuerInfo{}, fmt.Errorf("%w: %s", issuer.ErrUnknownIssuer, issuerDID)
	}
	if err != nil {
		return api.IssuerInfo{}, err
	}
	if err := issuer.CanRotate(rec); err != nil {
		return api.IssuerInfo{}, err
	}
	if rec.Method != ethr.MethodName {
		return api.IssuerInfo{}, fmt.Errorf("%w: keys of a did:%s issuer are not published here; only did:ethr issuers rotate", issuer.ErrInvalidRequest, rec.Method)
	}
	kt := did.KeyType(req.KeyType)
	if kt == "" {
		for _, k := range rec.Keys {
			if k.Retired.IsZero() {
				kt = did.KeyType(k.KeyType)
				break
			}
		}
	}
	keys, err := s.publishEthrKeys(ctx, rec.DID, rec.Label, kt)
	if err != nil {
		return api.IssuerInfo{}, err
	}
	out, err := s.issuer.RotateKey(ctx, rec.DID, keys[0])
	if err != nil {
		return api.IssuerInfo{}, err
	}
	s.resetOID4VCI()
	return issuerInfo(out), nil
}

func issuerInfo(r store.IssuerRecord) api.IssuerInfo {
	info := api.IssuerInfo{DID: r.DID, Method: r.Method, Label: r.Label, Default: r.Default, StatusBase: r.StatusBase,
		Keys: []api.IssuerKeyInfo{}, Created: r.Created}
	for _, k := range r.Keys {
		ki := api.IssuerKeyInfo{KeyID: k.KeyID, KeyType: k.KeyType, VerificationMethod: k.VerificationMethod}
		if !k.Retired.IsZero() {
			ki.Retired = &k.Retired
			if !k.RetireAfter.IsZero() {
				ki.RetireAfter = &k.RetireAfter
			}
		}
		info.Keys = append(info.Keys, ki)
	}
	return info
}

// ListIssuers lists the issuers, oldest first.
func (s *services) ListIssuers(ctx context.Context) ([]api.IssuerInfo, error) {
	all, err := s.issuer.Issuers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]api.IssuerInfo, 0, len(all))
	for _, r := range all {
		out = append(out, issuerInfo(r))
	}
	return out, nil
}

// IssueCredential issues a credential in every requested format.
func (s *services) IssueCredential(ctx context.Context, req api.IssueRequest) (api.IssueResult, error) {
	r := issuer.Request{Issuer: req.Issuer, Schema: req.Schema, Subject: req.Subject, Type: req.Type, Formats: req.Formats,
		Disclosable: req.Disclosable, HolderKey: req.HolderKey, Suspendable: req.Suspendable, HolderCommitment: req.HolderCommitment}
	if req.ValidFrom != nil {
		r.ValidFrom = *req.ValidFrom
	}
	if req.ValidUntil != nil {
		r.ValidUntil = *req.ValidUntil
	}
	got, err := s.issuer.Issue(ctx, r)
	if err != nil {
		return api.IssueResult{}, err
	}
	return api.IssueResult{ID: got.ID, Issuer: got.Issuer, Credentials: got.Credentials}, nil
}

// IssueVCAPI signs a complete credential and returns VC-API's
// verifiableCredential: the Data Integrity credential, an
// EnvelopedVerifiableCredential for vc+jwt and dc+sd-jwt, or the JWT
// string for jwt_vc_json.
func (s *services) IssueVCAPI(ctx context.Context, req api.VCAPIIssueRequest) (json.RawMessage, error) {
	var format, credID string
	if req.Options != nil {
		format, credID = req.Options.Format, req.Options.CredentialID
	}
	if format == "" {
		format = issuer.DefaultFormat
	}
	got, err := s.issuer.IssueCredential(ctx, req.Credential, format, credID)
	if err != nil {
		return nil, err
	}
	secured := got.Credentials[format]
	media := map[string]string{issuer.FormatVCJWT: jwtvc.MediaVC, issuer.FormatSDJWT: "application/dc+sd-jwt"}[format]
	if media == "" {
		return secured, nil
	}
	var tok string
	if err := json.Unmarshal(secured, &tok); err != nil {
		return nil, err
	}
	return jwtvc.EnvelopeCredential(media, tok)
}

// SetCredentialStatus sets a status bit of an issued credential.
func (s *services) SetCredentialStatus(ctx context.Context, id, purpose string, value bool) (api.CredentialState, error) {
	st, err := s.issuer.SetStatus(ctx, id, purpose, value)
	if err != nil {
		return api.CredentialState{}, err
	}
	return api.CredentialState{ID: st.ID, Issuer: st.Issuer, Revoked: st.Revoked, Suspended: st.Suspended, Suspendable: st.Suspendable}, nil
}

// AddSchema registers a schema for an issuer.
func (s *services) AddSchema(ctx context.Context, req api.AddSchemaRequest) (api.SchemaInfo, error) {
	rec, err := s.issuer.AddSchema(ctx, req.Issuer, req.Schema)
	if err != nil {
		return api.SchemaInfo{}, err
	}
	s.resetOID4VCI()
	return s.schemaInfo(ctx, rec, false)
}

func (s *services) schemaInfo(ctx context.Context, rec store.SchemaRecord, withDoc bool) (api.SchemaInfo, error) {
	iss, err := s.store.Issuer(ctx, rec.Issuer)
	if err != nil {
		return api.SchemaInfo{}, err
	}
	info := api.SchemaInfo{ID: rec.ID, Issuer: rec.Issuer, Context: issuer.ContextURL(iss, rec.ID), Created: rec.Created}
	if withDoc {
		info.Schema = rec.Raw
	}
	return info, nil
}

// ListSchemas lists the schemas of an issuer (of all when empty).
func (s *services) ListSchemas(ctx context.Context, issuerDID string) ([]api.SchemaInfo, error) {
	recs, err := s.issuer.Schemas(ctx, issuerDID)
	if err != nil {
		return nil, err
	}
	out := make([]api.SchemaInfo, 0, len(recs))
	for _, r := range recs {
		info, err := s.schemaInfo(ctx, r, true)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// CreateAPIKey makes an issuer-admin API key.
func (s *services) CreateAPIKey(ctx context.Context, req api.CreateAPIKeyRequest) (api.APIKeyInfo, error) {
	key, rec, err := s.issuer.CreateAPIKey(ctx, req.Name)
	if err != nil {
		return api.APIKeyInfo{}, err
	}
	return api.APIKeyInfo{Key: key, Name: rec.Name, Created: rec.Created}, nil
}

// CheckAPIKey reports whether key is a stored API key.
func (s *services) CheckAPIKey(ctx context.Context, key string) (bool, error) {
	return s.issuer.CheckAPIKey(ctx, key)
}

// VerifyCredential verifies a credential of any format through the
// verifier pipeline (verifyservices.go), in the VC-API result shape.
func (s *services) VerifyCredential(ctx context.Context, vc json.RawMessage) (api.VerifyResult, error) {
	return s.vcapiVerify(ctx, verifier.Input{Credential: vc})
}

// VerifyPresentation verifies a presentation and its credentials through
// the verifier pipeline, bound to the challenge and domain.
func (s *services) VerifyPresentation(ctx context.Context, vp json.RawMessage, opts api.PresentationOptions) (api.VerifyResult, error) {
	return s.vcapiVerify(ctx, verifier.Input{Presentation: vp, Nonce: opts.Challenge, Audience: opts.Domain})
}

// StatusList returns a signed status list credential.
func (s *services) StatusList(ctx context.Context, issuerDID, purpose string, seq uint32) (api.StatusListDocument, error) {
	l, err := s.issuer.StatusList(ctx, issuerDID, purpose, seq)
	if err != nil {
		return api.StatusListDocument{}, err
	}
	return api.StatusListDocument{Body: l.Body, MediaType: l.MediaType, ETag: l.ETag, MaxAge: l.MaxAge}, nil
}

// SchemaContext returns a schema's JSON-LD context document.
func (s *services) SchemaContext(ctx context.Context, name string) ([]byte, error) {
	return s.issuer.Context(ctx, name)
}
