package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/credentials/issuer"
	"github.com/chainid/chainid/credentials/oid4vci"
	"github.com/chainid/chainid/did"
	didjwk "github.com/chainid/chainid/did/jwk"
	"github.com/chainid/chainid/internal/store"
)

var _ api.OpenID4VCI = (*services)(nil)

// OpenID4VCI credential configurations. The default issuer offers every
// schema it registered in two configurations:
//
//	<name>_sd_jwt        dc+sd-jwt, vct = the schema's $id, cnf = the proof's key
//	<name>_jwt_vc_json   jwt_vc_json (VC 1.1 JWT), credentialSubject.id = the holder's DID
//
// where <name> is the last segment of the schema's $id (path segment, or
// the part after the last ':' of a URN) without a ".json" suffix, with
// every character outside [A-Za-z0-9_-] replaced by '_'. When two schemas
// share a name, the later registered one gets "_" and 8 hex digits of the
// SHA-256 of its $id appended, so ids stay stable as schemas are added.
const (
	configSuffixSDJWT = "_sd_jwt"
	configSuffixJWTVC = "_jwt_vc_json"
)

// pendingKind is the OID4VCI store record kind of what an offer issues.
const pendingKind = "chainid_issuance"

// offerConfig is what a credential configuration id issues.
type offerConfig struct {
	schema string
	format string
}

// oidState is the OpenID4VCI service built from the default issuer's
// schemas; resetOID4VCI drops it when they change.
type oidState struct {
	svc       *oid4vci.Service
	issuerDID string
	configs   map[string]offerConfig
	bySchema  map[string][]string
}

// pendingIssuance is what an offer's pre-authorized code issues: the
// subject is kept (in the store, until the offer and its access token have
// expired) because the credential is issued only when the wallet asks.
type pendingIssuance struct {
	V           int             `json:"v"`
	Issuer      string          `json:"issuer"`
	Schema      string          `json:"schema"`
	Subject     json.RawMessage `json:"subject"`
	ValidUntil  time.Time       `json:"validUntil,omitzero"`
	Disclosable []string        `json:"disclosable,omitempty"`
}

// resetOID4VCI makes the next OpenID4VCI call rebuild the service (after
// a schema, issuer or key change).
func (s *services) resetOID4VCI() {
	s.oidMu.Lock()
	s.oid = nil
	s.oidMu.Unlock()
}

// configurationName derives the <name> of a schema's configurations.
func configurationName(schemaID string) string {
	name := schemaID
	if u, err := url.Parse(schemaID); err == nil {
		switch {
		case u.Opaque != "":
			name = u.Opaque[strings.LastIndexByte(u.Opaque, ':')+1:]
		case strings.Trim(u.Path, "/") != "":
			p := strings.Trim(u.Path, "/")
			name = p[strings.LastIndexByte(p, '/')+1:]
		default:
			name = u.Host
		}
	}
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".schema")
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "schema"
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

// defaultIssuer is the issuer marked default, else the only one.
func defaultIssuer(all []store.IssuerRecord) (store.IssuerRecord, error) {
	if i := slices.IndexFunc(all, func(r store.IssuerRecord) bool { return r.Default }); i >= 0 {
		return all[i], nil
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return store.IssuerRecord{}, fmt.Errorf("%w: OpenID4VCI offers the default issuer's credentials and there is none", issuer.ErrUnknownIssuer)
}

// credentialIssuerURL is the Credential Issuer Identifier, the public URL,
// and whether it may be http (only on a loopback host, for development).
func credentialIssuerURL(public string) (string, bool) {
	public = strings.TrimRight(public, "/")
	u, err := url.Parse(public)
	if err != nil || u.Scheme != "http" {
		return public, false
	}
	h := u.Hostname()
	ip := net.ParseIP(h)
	return public, h == "localhost" || (ip != nil && ip.IsLoopback())
}

// openID4VCI returns the OpenID4VCI service, building it on first use.
func (s *services) openID4VCI(ctx context.Context) (*oidState, error) {
	s.oidMu.Lock()
	defer s.oidMu.Unlock()
	if s.oid != nil {
		return s.oid, nil
	}
	all, err := s.issuer.Issuers(ctx)
	if err != nil {
		return nil, err
	}
	iss, err := defaultIssuer(all)
	if err != nil {
		return nil, err
	}
	schemas, err := s.issuer.Schemas(ctx, iss.DID)
	if err != nil {
		return nil, err
	}
	if len(schemas) == 0 {
		return nil, fmt.Errorf("%w: the default issuer %s has registered no schema to offer", issuer.ErrUnknownSchema, iss.DID)
	}
	slices.SortStableFunc(schemas, func(a, b store.SchemaRecord) int { return a.Created.Compare(b.Created) })
	var alg string
	for _, k := range iss.Keys {
		if k.Retired.IsZero() {
			alg = map[string]string{string(did.Ed25519): oid4vci.AlgEdDSA, string(did.P256): oid4vci.AlgES256, string(did.Secp256k1): oid4vci.AlgES256K}[k.KeyType]
			break
		}
	}
	st := &oidState{issuerDID: iss.DID, configs: map[string]offerConfig{}, bySchema: map[string][]string{}}
	confs := map[string]oid4vci.CredentialConfiguration{}
	used := map[string]bool{}
	for _, sc := range schemas {
		name := configurationName(sc.ID)
		if used[name] {
			sum := sha256.Sum256([]byte(sc.ID))
			name += "_" + hex.EncodeToString(sum[:4])
		}
		used[name] = true
		var doc struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(sc.Raw, &doc)
		display := doc.Title
		if display == "" {
			display = name
		}
		meta := &oid4vci.CredentialMetadata{Display: []oid4vci.CredentialDisplay{{Name: display}}}
		var algs []string
		if alg != "" {
			algs = []string{alg}
		}
		sdID, jwtID := name+configSuffixSDJWT, name+configSuffixJWTVC
		confs[sdID] = oid4vci.CredentialConfiguration{Format: oid4vci.FormatSDJWTVC, VCT: sc.ID,
			CredentialSigningAlgValuesSupported: algs, CredentialMetadata: meta}
		confs[jwtID] = oid4vci.CredentialConfiguration{Format: oid4vci.FormatJWTVCJSON,
			CredentialDefinition:                &oid4vci.CredentialDefinition{Type: []string{"VerifiableCredential"}},
			CredentialSigningAlgValuesSupported: algs, CredentialMetadata: meta}
		st.configs[sdID] = offerConfig{schema: sc.ID, format: issuer.FormatSDJWT}
		st.configs[jwtID] = offerConfig{schema: sc.ID, format: issuer.FormatJWTVCJSON}
		st.bySchema[sc.ID] = []string{sdID, jwtID}
	}
	if s.nonceKey == nil {
		if s.nonceKey, err = s.oid4vciNonceKey(ctx); err != nil {
			return nil, err
		}
	}
	id, allowHTTP := credentialIssuerURL(s.statusPublicURL())
	display := iss.Label
	if display == "" {
		display = iss.DID
	}
	svc, err := oid4vci.New(s.store.OID4VCI(), oidIssuer{s: s, configs: st.configs}, oid4vci.Config{
		CredentialIssuer:  id,
		Configurations:    confs,
		Display:           []oid4vci.Display{{Name: display}},
		TokenTTL:          oid4vci.DefaultTokenTTL,
		NonceKey:          s.nonceKey,
		Logger:            s.log,
		InsecureAllowHTTP: allowHTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("OpenID4VCI (needs an https public URL, or http on loopback): %w", err)
	}
	st.svc = svc
	s.oid = st
	return st, nil
}

// oid4vciNonceKeyLabel names the OpenID4VCI c_nonce key among the OpenID
// provider's derived keys.
const oid4vciNonceKeyLabel = "chainid oid4vci c_nonce v1"

// oid4vciNonceKey is the HMAC key of OpenID4VCI c_nonces
// (oid4vci.Config.NonceKey), derived from the OpenID provider's root key in
// the keystore, so that a c_nonce handed out before a restart, or by
// another replica over the same data, is accepted. When the provider
// cannot start or derive it, the key is random for the life of the process
// (logged: c_nonces then do not survive a restart).
func (s *services) oid4vciNonceKey(ctx context.Context) ([]byte, error) {
	p, err := s.oidcProvider(ctx)
	if err == nil && p == nil {
		err = errors.New("no OpenID provider")
	}
	if err == nil {
		var k []byte
		if k, err = p.DeriveKey(oid4vciNonceKeyLabel); err == nil {
			return k, nil
		}
	}
	s.log.WarnContext(ctx, "OpenID4VCI c_nonces use a random key for this process only", "error", err.Error())
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("draw the c_nonce key: %w", err)
	}
	return k, nil
}

// Metadata is the credential issuer metadata.
func (s *services) Metadata(ctx context.Context) (*oid4vci.IssuerMetadata, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return nil, err
	}
	return st.svc.Metadata(), nil
}

// AuthorizationServerMetadata is the token endpoint's OAuth metadata.
func (s *services) AuthorizationServerMetadata(ctx context.Context) (*oid4vci.AuthorizationServerMetadata, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return nil, err
	}
	return st.svc.AuthorizationServerMetadata(), nil
}

// Token redeems a pre-authorized code.
func (s *services) Token(ctx context.Context, req oid4vci.TokenRequest) (*oid4vci.TokenResponse, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return nil, err
	}
	return st.svc.Token(ctx, req)
}

// Nonce hands out a c_nonce.
func (s *services) Nonce(ctx context.Context) (*oid4vci.NonceResponse, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return nil, err
	}
	return st.svc.Nonce(ctx)
}

// Credential answers a credential request.
func (s *services) Credential(ctx context.Context, token string, req oid4vci.CredentialRequest) (*oid4vci.CredentialResponse, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return nil, err
	}
	return st.svc.Credential(ctx, token, req)
}

// CreateOffer validates the subject against the schema, stores what to
// issue under a random reference and makes the offer.
func (s *services) CreateOffer(ctx context.Context, req api.CreateOfferRequest) (api.OfferInfo, error) {
	st, err := s.openID4VCI(ctx)
	if err != nil {
		return api.OfferInfo{}, err
	}
	ids, ok := st.bySchema[req.Schema]
	if !ok {
		return api.OfferInfo{}, fmt.Errorf("%w: the default issuer %s has no schema %s", issuer.ErrUnknownSchema, st.issuerDID, req.Schema)
	}
	configs := req.Configurations
	if len(configs) == 0 {
		configs = ids
	}
	for _, c := range configs {
		if !slices.Contains(ids, c) {
			return api.OfferInfo{}, fmt.Errorf("%w: configuration %q is not one of schema %s's (%s)", oid4vci.ErrInvalidOfferRequest, c, req.Schema, strings.Join(ids, ", "))
		}
	}
	if err := s.issuer.ValidateSubject(ctx, st.issuerDID, req.Schema, req.Subject); err != nil {
		return api.OfferInfo{}, err
	}
	disclosable := req.Disclosable
	if len(disclosable) == 0 {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(req.Subject, &top); err != nil {
			return api.OfferInfo{}, fmt.Errorf("%w: the subject is not a JSON object", issuer.ErrInvalidRequest)
		}
		for name := range top {
			if name != "id" {
				disclosable = append(disclosable, "/"+strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1"))
			}
		}
		slices.Sort(disclosable)
	}
	if err := issuer.CheckDisclosable(req.Subject, disclosable); err != nil {
		return api.OfferInfo{}, err
	}
	p := pendingIssuance{V: 1, Issuer: st.issuerDID, Schema: req.Schema, Subject: req.Subject, Disclosable: disclosable}
	if req.ValidUntil != nil {
		p.ValidUntil = req.ValidUntil.UTC()
		if !p.ValidUntil.After(time.Now()) {
			return api.OfferInfo{}, fmt.Errorf("%w: validUntil is in the past", issuer.ErrInvalidRequest)
		}
	}
	ttl := time.Duration(req.ExpiresIn) * time.Second
	if ttl == 0 {
		ttl = oid4vci.DefaultOfferTTL
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return api.OfferInfo{}, err
	}
	ref := base64.RawURLEncoding.EncodeToString(b[:])
	value, err := json.Marshal(p)
	if err != nil {
		return api.OfferInfo{}, err
	}
	// The record outlives the code by the access token's lifetime (plus a
	// minute of slack), so a token redeemed at the last moment still
	// finds it.
	exp := time.Now().Add(ttl + oid4vci.DefaultTokenTTL + time.Minute)
	if _, err := s.store.OID4VCI().Put(ctx, pendingKind, ref, value, exp); err != nil {
		return api.OfferInfo{}, fmt.Errorf("store the offer's issuance: %w", err)
	}
	or := oid4vci.OfferRequest{ConfigurationIDs: configs, IssueRef: ref, TTL: ttl}
	if req.TxCode != nil {
		or.TxCode = &oid4vci.TxCodeSpec{InputMode: req.TxCode.InputMode, Length: req.TxCode.Length, Description: req.TxCode.Description}
	}
	created, err := st.svc.CreateOffer(ctx, or)
	if err != nil {
		return api.OfferInfo{}, err
	}
	return api.OfferInfo{Offer: created.Offer, URI: created.URI, TxCode: created.TxCode, ExpiresAt: created.ExpiresAt.UTC()}, nil
}

// oidIssuer issues what an offer promised through the issuance service.
type oidIssuer struct {
	s       *services
	configs map[string]offerConfig
}

// IssueCredential issues the pending issuance ref in the configuration's
// format: dc+sd-jwt bound to the holder key (cnf), jwt_vc_json with the
// holder's DID (the proof's kid DID, else the did:jwk of its jwk) as
// credentialSubject.id. A subject whose id names someone else is refused.
func (a oidIssuer) IssueCredential(ctx context.Context, ref, configurationID string, holderKey crypto.PublicKey, holderDID string) (string, error) {
	c, ok := a.configs[configurationID]
	if !ok {
		return "", fmt.Errorf("%w: configuration %s is no longer offered", oid4vci.ErrCredentialDenied, configurationID)
	}
	raw, _, found, err := a.s.store.OID4VCI().Get(ctx, pendingKind, ref)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("%w: the offer has expired", oid4vci.ErrCredentialDenied)
	}
	var p pendingIssuance
	if err := json.Unmarshal(raw, &p); err != nil || p.V != 1 {
		return "", fmt.Errorf("decode pending issuance (version %d): %w", p.V, err)
	}
	if p.Schema != c.schema {
		return "", fmt.Errorf("%w: configuration %s is not for this offer's schema", oid4vci.ErrCredentialDenied, configurationID)
	}
	req := issuer.Request{Issuer: p.Issuer, Schema: p.Schema, Subject: p.Subject, Formats: []string{c.format}, ValidUntil: p.ValidUntil}
	switch c.format {
	case issuer.FormatSDJWT:
		jwk, err := did.JWKFromPublicKey(holderKey)
		if err != nil {
			return "", fmt.Errorf("%w: holder key: %w", oid4vci.ErrCredentialDenied, err)
		}
		if req.HolderKey, err = json.Marshal(jwk); err != nil {
			return "", err
		}
		req.Disclosable = p.Disclosable
	case issuer.FormatJWTVCJSON:
		if holderDID == "" {
			id, err := didjwk.New(holderKey)
			if err != nil {
				return "", fmt.Errorf("%w: holder key: %w", oid4vci.ErrCredentialDenied, err)
			}
			holderDID = id.String()
		}
		if req.Subject, err = withSubjectID(p.Subject, holderDID); err != nil {
			return "", err
		}
	}
	got, err := a.s.issuer.Issue(ctx, req)
	var se *issuer.SubjectError
	if errors.As(err, &se) || errors.Is(err, issuer.ErrInvalidRequest) {
		return "", fmt.Errorf("%w: %w", oid4vci.ErrCredentialDenied, err)
	}
	if err != nil {
		return "", err
	}
	var tok string
	if err := json.Unmarshal(got.Credentials[c.format], &tok); err != nil {
		return "", fmt.Errorf("issued %s: %w", c.format, err)
	}
	return tok, nil
}

// withSubjectID returns the subject with id set to holder: added as the
// first member when absent; a different id is refused.
func withSubjectID(subject json.RawMessage, holder string) (json.RawMessage, error) {
	var probe struct {
		ID *string `json:"id"`
	}
	if err := json.Unmarshal(subject, &probe); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if probe.ID != nil {
		if *probe.ID != holder {
			return nil, fmt.Errorf("%w: the offer's subject is %s, the proof's holder %s", oid4vci.ErrCredentialDenied, *probe.ID, holder)
		}
		return subject, nil
	}
	id, err := json.Marshal(holder)
	if err != nil {
		return nil, err
	}
	rest := bytes.TrimSpace(bytes.TrimSpace(subject)[1:])
	out := append([]byte(`{"id":`), id...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...), nil
}
