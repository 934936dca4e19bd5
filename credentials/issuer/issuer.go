package issuer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chainid/chainid/credentials/dataintegrity"
	"github.com/chainid/chainid/credentials/ldcontext"
	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/status"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
)

// Errors callers branch on. Every refusal wraps one of them (or is a
// *SubjectError).
var (
	// ErrUnknownIssuer: no issuer with that DID is registered here (or no
	// issuer at all, when the request names none).
	ErrUnknownIssuer = errors.New("unknown issuer")
	// ErrUnknownSchema: the issuer has registered no schema with that $id.
	ErrUnknownSchema = errors.New("unknown credential schema")
	// ErrUnsupportedFormat: a format this service does not issue, or one
	// the issuer has no key for.
	ErrUnsupportedFormat = errors.New("unsupported credential format")
	// ErrInvalidRequest: a request that is well formed JSON but cannot be
	// issued (bad validity period, disclosable path that names nothing,
	// bad holder key, a schema that does not compile).
	ErrInvalidRequest = errors.New("invalid issuance request")
	// ErrInvalidCredential: a credential handed in for signing (VC-API)
	// breaks the data model or a securing format's rules.
	ErrInvalidCredential = errors.New("invalid credential")
	// ErrCredentialNotFound: no issued credential has that id.
	ErrCredentialNotFound = errors.New("credential not found")
	// ErrConflict: the change contradicts stored state: a schema $id
	// registered with other content, suspending a credential issued
	// without a suspension entry.
	ErrConflict = errors.New("conflict")
	// ErrForeignStatus: a status entry this service did not allocate, so
	// it cannot say what the status is.
	ErrForeignStatus = errors.New("status list not hosted here")
)

// SubjectError lists the fields of a credential subject that fail its
// schema.
type SubjectError struct {
	Schema string
	Fields []schema.FieldError
}

func (e *SubjectError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("subject does not match schema %s: %s", e.Schema, strings.Join(parts, "; "))
}

type schemaField = schema.FieldError

// IssuerStore persists issuers; *store.Store satisfies it. Put fails with
// store.ErrExists for a taken DID, Issuer and UpdateIssuer with
// store.ErrNotFound.
type IssuerStore interface {
	PutIssuer(ctx context.Context, r store.IssuerRecord) error
	UpdateIssuer(ctx context.Context, id string, fn func(store.IssuerRecord) (store.IssuerRecord, error)) (store.IssuerRecord, error)
	Issuer(ctx context.Context, id string) (store.IssuerRecord, error)
	Issuers(ctx context.Context) ([]store.IssuerRecord, error)
}

// SchemaStore persists schemas per issuer; *store.Store satisfies it.
// PutSchema is idempotent for identical bytes and fails with
// store.ErrExists for other bytes under a registered $id.
type SchemaStore interface {
	PutSchema(ctx context.Context, r store.SchemaRecord) error
	Schema(ctx context.Context, issuer, id string) (store.SchemaRecord, error)
	Schemas(ctx context.Context, issuer string) ([]store.SchemaRecord, error)
}

// CredentialStore indexes issued credentials; *store.Store satisfies it.
type CredentialStore interface {
	PutIssuedCredential(ctx context.Context, r store.CredentialRecord) error
	IssuedCredential(ctx context.Context, id string) (store.CredentialRecord, error)
	// IssuedCredentials walks every record; fn must not call the store.
	IssuedCredentials(ctx context.Context, fn func(store.CredentialRecord) error) error
}

// APIKeyStore keeps API key hashes; *store.Store satisfies it.
type APIKeyStore interface {
	PutAPIKey(ctx context.Context, r store.APIKeyRecord) error
	APIKey(ctx context.Context, hash [sha256.Size]byte) (store.APIKeyRecord, error)
}

// Store is everything the service persists. Each call must be durable when
// it returns (the status allocation in particular). *store.Store satisfies
// it.
type Store interface {
	IssuerStore
	SchemaStore
	CredentialStore
	APIKeyStore
	status.Store
}

// Signers opens issuer keys; internal/keystore's *Keystore satisfies it.
type Signers interface {
	Signer(ctx context.Context, keyID string) (crypto.Signer, error)
}

// Defaults of Config.
const (
	DefaultStatusListValidity = 24 * time.Hour
	DefaultStatusListMaxAge   = 5 * time.Minute
)

// Config configures a Service. The zero value is the secure default.
type Config struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness for ids, status indexes, salts and API keys;
	// nil means crypto/rand.
	Rand io.Reader
	// Contexts are the JSON-LD contexts Data Integrity proofs may use; nil
	// means the built-in set.
	Contexts *ldcontext.Set
	// StatusListBits is the size of new status lists; zero means
	// status.MinBits (the specification's minimum, 131,072 entries).
	StatusListBits int
	// StatusListValidity is how long a served status list credential is
	// valid (its validUntil); zero means DefaultStatusListValidity.
	StatusListValidity time.Duration
	// StatusListMaxAge is how long a signed status list is served from
	// memory and may be cached by clients (Cache-Control max-age); zero
	// means DefaultStatusListMaxAge.
	StatusListMaxAge time.Duration
	// SDJWTDecoys is how many decoy digests SD-JWT credentials carry per
	// _sd array.
	SDJWTDecoys int
	// ZK enables the "zk" format (FormatZK) and the anchoring of ZK status
	// roots after revocations; nil disables both.
	ZK ZKSupport
}

// Service issues credentials for the registered issuers, changes their
// status, serves their status lists and keeps API keys. It is safe for
// concurrent use.
type Service struct {
	st    Store
	keys  Signers
	cfg   Config
	lists sync.Map // list cache: list URL → *cachedList

	// di is the Data Integrity processor over the built-in contexts plus
	// the schema contexts; nil until first use and after a schema or
	// issuer is added.
	diMu sync.Mutex
	di   *diState
}

type diState struct {
	p    *dataintegrity.Processor
	docs map[string][]byte // schema context documents by name
}

// New returns a Service over st and keys.
func New(st Store, keys Signers, cfg Config) (*Service, error) {
	if st == nil || keys == nil {
		return nil, errors.New("new issuer service: nil store or signers")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.StatusListValidity <= 0 {
		cfg.StatusListValidity = DefaultStatusListValidity
	}
	if cfg.StatusListMaxAge <= 0 {
		cfg.StatusListMaxAge = DefaultStatusListMaxAge
	}
	if cfg.SDJWTDecoys < 0 {
		return nil, fmt.Errorf("new issuer service: negative SDJWTDecoys")
	}
	return &Service{st: st, keys: keys, cfg: cfg}, nil
}

// ContextPath is the path under a service's public URL where schema
// contexts are served.
const ContextPath = "/contexts/"

// contextName is the name of a schema's context: 32 hex digits of the
// SHA-256 of its $id.
func contextName(schemaID string) string {
	sum := sha256.Sum256([]byte(schemaID))
	return hex.EncodeToString(sum[:16])
}

// ContextURL is the URL of a schema's context for an issuer: under the
// issuer's public URL when that is https, else under
// https://chainid.invalid (JSON-LD context URLs must be https, and a
// development server on http cannot serve one; the document is the same
// and is served at ContextPath+name either way).
func ContextURL(iss store.IssuerRecord, schemaID string) string {
	base := strings.TrimSuffix(iss.StatusBase, strings.TrimPrefix(StatusPath, "/"))
	if !strings.HasPrefix(base, "https://") {
		base = "https://chainid.invalid/"
	}
	return strings.TrimSuffix(base, "/") + ContextPath + contextName(schemaID)
}

// schemaContext is the JSON-LD context of a schema: its properties (and
// credential types) not defined by the VC contexts expand under the
// schema's $id, "<$id>#<name>".
func schemaContext(schemaID string) []byte {
	v, _ := json.Marshal(schemaID + "#")
	return []byte(`{"@context":{"@vocab":` + string(v) + `}}`)
}

// Processor returns the Data Integrity processor over the built-in
// contexts plus the contexts of every registered schema. It is rebuilt
// after a schema or issuer is added.
func (s *Service) Processor(ctx context.Context) (*dataintegrity.Processor, error) {
	st, err := s.diState(ctx)
	if err != nil {
		return nil, err
	}
	return st.p, nil
}

func (s *Service) diState(ctx context.Context) (*diState, error) {
	s.diMu.Lock()
	defer s.diMu.Unlock()
	if s.di != nil {
		return s.di, nil
	}
	issuers, err := s.st.Issuers(ctx)
	if err != nil {
		return nil, err
	}
	schemas, err := s.st.Schemas(ctx, "")
	if err != nil {
		return nil, err
	}
	byDID := make(map[string]store.IssuerRecord, len(issuers))
	for _, r := range issuers {
		byDID[r.DID] = r
	}
	var extra []ldcontext.Context
	if s.cfg.Contexts != nil {
		builtin := map[string]bool{}
		for _, c := range ldcontext.Builtin() {
			builtin[c.URL] = true
		}
		for _, u := range s.cfg.Contexts.URLs() {
			if builtin[u] {
				continue
			}
			doc, _ := s.cfg.Contexts.Document(u)
			extra = append(extra, ldcontext.Context{URL: u, Document: doc})
		}
	}
	docs := map[string][]byte{}
	seen := map[string]bool{}
	for _, sc := range schemas {
		iss, ok := byDID[sc.Issuer]
		if !ok {
			continue
		}
		u := ContextURL(iss, sc.ID)
		docs[contextName(sc.ID)] = schemaContext(sc.ID)
		if seen[u] {
			continue
		}
		seen[u] = true
		extra = append(extra, ldcontext.Context{URL: u, Document: schemaContext(sc.ID)})
	}
	set, err := ldcontext.New(extra...)
	if err != nil {
		return nil, fmt.Errorf("schema contexts: %w", err)
	}
	p, err := dataintegrity.New(dataintegrity.Config{Contexts: set, Now: s.cfg.Now, Rand: s.cfg.Rand})
	if err != nil {
		return nil, fmt.Errorf("data integrity processor: %w", err)
	}
	s.di = &diState{p: p, docs: docs}
	return s.di, nil
}

// invalidate drops the processor so the next use rebuilds it.
func (s *Service) invalidate() {
	s.diMu.Lock()
	s.di = nil
	s.diMu.Unlock()
}

// Context returns the JSON-LD context document served at ContextPath+name,
// or an error wrapping ErrUnknownSchema.
func (s *Service) Context(ctx context.Context, name string) ([]byte, error) {
	st, err := s.diState(ctx)
	if err != nil {
		return nil, err
	}
	doc, ok := st.docs[name]
	if !ok {
		return nil, fmt.Errorf("%w: no context %q", ErrUnknownSchema, name)
	}
	return doc, nil
}

// registry returns the status registry of an issuer: its lists live under
// the issuer's StatusBase.
func (s *Service) registry(iss store.IssuerRecord) (*status.Registry, error) {
	r, err := status.NewRegistry(s.st, status.Config{BaseURL: iss.StatusBase, Bits: s.cfg.StatusListBits,
		ValidFor: s.cfg.StatusListValidity, Rand: s.cfg.Rand, Now: s.cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("issuer %s: %w", iss.DID, err)
	}
	return r, nil
}

// StatusPath is the path under a service's public URL where status list
// credentials are served; StatusBase(publicURL) is the StatusBase of new
// issuers.
const StatusPath = "/status/"

// StatusBase returns the StatusBase for issuers of a service reachable at
// publicURL (an absolute http(s) URL).
func StatusBase(publicURL string) string {
	return strings.TrimRight(publicURL, "/") + StatusPath
}

// AddIssuer registers an issuer. Its DID must parse, it needs at least one
// key whose verification method is a DID URL of that DID, and its
// StatusBase must be an absolute http(s) URL ending in "/". The keys are
// not checked against the DID document here: the caller publishes them.
func (s *Service) AddIssuer(ctx context.Context, r store.IssuerRecord) error {
	id, err := did.Parse(r.DID)
	if err != nil {
		return fmt.Errorf("add issuer: %w: %w", ErrInvalidRequest, err)
	}
	r.Method = id.Method
	if len(r.Keys) == 0 {
		return fmt.Errorf("add issuer %s: %w: no keys", r.DID, ErrInvalidRequest)
	}
	for _, k := range r.Keys {
		u, err := did.ParseURL(k.VerificationMethod)
		if err != nil || u.DID.String() != r.DID || !u.HasFragment {
			return fmt.Errorf("add issuer %s: %w: verification method %q is not a DID URL of the issuer", r.DID, ErrInvalidRequest, k.VerificationMethod)
		}
		switch did.KeyType(k.KeyType) {
		case did.Ed25519, did.P256, did.Secp256k1:
		default:
			return fmt.Errorf("add issuer %s: %w: key type %q", r.DID, ErrInvalidRequest, k.KeyType)
		}
	}
	u, err := url.Parse(r.StatusBase)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("add issuer %s: %w: status base %q must be an absolute http(s) URL ending in /", r.DID, ErrInvalidRequest, r.StatusBase)
	}
	if r.Created.IsZero() {
		r.Created = s.cfg.Now()
	}
	if err := s.st.PutIssuer(ctx, r); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("add issuer %s: %w: already registered", r.DID, ErrConflict)
		}
		return fmt.Errorf("add issuer: %w", err)
	}
	s.invalidate()
	return nil
}

// Issuers returns the registered issuers, oldest first.
func (s *Service) Issuers(ctx context.Context) ([]store.IssuerRecord, error) {
	return s.st.Issuers(ctx)
}

// issuer returns the named issuer, or the default one when id is empty:
// the issuer marked Default, else the only issuer.
func (s *Service) issuer(ctx context.Context, id string) (store.IssuerRecord, error) {
	if id != "" {
		r, err := s.st.Issuer(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return r, fmt.Errorf("%w: %s", ErrUnknownIssuer, id)
		}
		return r, err
	}
	all, err := s.st.Issuers(ctx)
	if err != nil {
		return store.IssuerRecord{}, err
	}
	if i := slices.IndexFunc(all, func(r store.IssuerRecord) bool { return r.Default }); i >= 0 {
		return all[i], nil
	}
	if len(all) == 1 {
		return all[0], nil
	}
	if len(all) == 0 {
		return store.IssuerRecord{}, fmt.Errorf("%w: no issuer is registered (create one with `chainid issuer add`)", ErrUnknownIssuer)
	}
	return store.IssuerRecord{}, fmt.Errorf("%w: several issuers are registered and none is the default: name one", ErrUnknownIssuer)
}

// AddSchema compiles a JSON Schema and registers it for issuer (the
// default issuer when empty). Registering identical bytes again succeeds;
// other bytes under a registered $id fail with ErrConflict.
func (s *Service) AddSchema(ctx context.Context, issuerDID string, raw []byte) (store.SchemaRecord, error) {
	sch, err := schema.Compile(raw)
	if err != nil {
		return store.SchemaRecord{}, fmt.Errorf("add schema: %w: %w", ErrInvalidRequest, err)
	}
	iss, err := s.issuer(ctx, issuerDID)
	if err != nil {
		return store.SchemaRecord{}, fmt.Errorf("add schema: %w", err)
	}
	rec := store.SchemaRecord{Issuer: iss.DID, ID: sch.ID(), Raw: sch.Raw(), Created: s.cfg.Now()}
	if err := s.st.PutSchema(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			return store.SchemaRecord{}, fmt.Errorf("add schema %s: %w: the issuer registered other content under this $id", rec.ID, ErrConflict)
		}
		return store.SchemaRecord{}, fmt.Errorf("add schema: %w", err)
	}
	s.invalidate()
	return s.st.Schema(ctx, iss.DID, rec.ID)
}

// Schemas returns the schemas of issuer, of every issuer when empty.
func (s *Service) Schemas(ctx context.Context, issuerDID string) ([]store.SchemaRecord, error) {
	return s.st.Schemas(ctx, issuerDID)
}

// compiledSchema loads and compiles an issuer's schema.
func (s *Service) compiledSchema(ctx context.Context, issuerDID, id string) (*schema.Schema, error) {
	rec, err := s.st.Schema(ctx, issuerDID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s has no schema %s", ErrUnknownSchema, issuerDID, id)
	}
	if err != nil {
		return nil, err
	}
	sch, err := schema.Compile(rec.Raw)
	if err != nil {
		return nil, fmt.Errorf("stored schema %s: %w", id, err)
	}
	return sch, nil
}

// signer opens the issuer's first active (not retired) key of one of the
// given types.
func (s *Service) signer(ctx context.Context, iss store.IssuerRecord, types ...did.KeyType) (crypto.Signer, store.IssuerKey, error) {
	for _, k := range iss.Keys {
		if k.Retired.IsZero() && slices.Contains(types, did.KeyType(k.KeyType)) {
			sg, err := s.keys.Signer(ctx, k.KeyID)
			if err != nil {
				return nil, k, fmt.Errorf("issuer %s key %s: %w", iss.DID, k.KeyID, err)
			}
			return sg, k, nil
		}
	}
	return nil, store.IssuerKey{}, fmt.Errorf("%w: issuer %s has no %s key", ErrUnsupportedFormat, iss.DID, joinTypes(types))
}

func joinTypes(ts []did.KeyType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ")
}
