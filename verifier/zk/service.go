package zk

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/go-playground/validator/v10"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/zkp"
)

// Errors callers branch on.
var (
	// ErrInvalidRequest: a Spec or request document that cannot be
	// accepted (unknown attribute, operand of the wrong type, issuer
	// without anchors, …). The message says what is wrong.
	ErrInvalidRequest = errors.New("invalid proof request")
	// ErrMalformed: a submission that is not a proof of this format
	// (not JSON, unknown members, a proof or public inputs that do not
	// parse canonically).
	ErrMalformed = errors.New("malformed proof submission")
	// ErrNotFound: no such proof request (never made, or expired and
	// purged).
	ErrNotFound = errors.New("proof request not found")
)

// Anchors are the ZK values an issuer anchored on chain.
type Anchors struct {
	IssuerKey zkp.IssuerPublicKey
	// HasVerifyingKeyDigest is false when the issuer published none.
	HasVerifyingKeyDigest bool
	VerifyingKeyDigest    [32]byte
	StatusRoot            fr.Element
}

// AnchorReader reads an issuer's anchored ZK values from the chain (through
// the DID resolver; ChainAnchors is the implementation). It must be safe
// for concurrent use and never answer from the holder's data. An error
// wrapping ErrNoAnchors means the issuer has none; anything else is a
// resolution failure.
type AnchorReader interface {
	ReadAnchors(ctx context.Context, issuer string) (Anchors, error)
}

// ErrNoAnchors reports an issuer whose DID document lacks (valid) ZK
// anchors.
var ErrNoAnchors = errors.New("issuer has no ZK anchors")

// Schemas returns the ZK attribute list (the x-chainid-zk extension, in
// encoding order) of a schema an issuer uses. An error wrapping
// ErrInvalidRequest is the caller's fault (unknown schema); anything else a
// server failure. Safe for concurrent use.
type Schemas interface {
	ZKAttributes(ctx context.Context, issuer, schemaID string) ([]zkp.AttributeSpec, error)
}

// Config configures a Service. The zero value is the secure default.
type Config struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand draws request ids and nonces; nil means crypto/rand.
	Rand io.Reader
	// Leeway is the clock skew tolerated when a proof arrives: a request is
	// accepted until Expires + Leeway. Zero means DefaultLeeway; at most
	// MaxLeeway.
	Leeway time.Duration
	// ResponseURI, if set, is written into requests as where to POST
	// proofs (for example PUBLIC_URL + "/v1/zk/verify").
	ResponseURI string
	// Logger receives verification outcomes; nil discards them.
	Logger *slog.Logger
}

// Leeway bounds.
const (
	DefaultLeeway = 5 * time.Second
	MaxLeeway     = 5 * time.Minute
)

// Service creates proof requests and verifies proofs against them. It is
// safe for concurrent use.
type Service struct {
	store    *store.ZKRequests
	vk       *zkp.VerifyingKey
	vkDigest [32]byte
	anchors  AnchorReader
	schemas  Schemas
	cfg      Config
	validate *validator.Validate
}

// New returns a Service over the request store, the verifying key the
// service checks proofs with, the chain anchors and the schemas.
func New(st *store.ZKRequests, vk *zkp.VerifyingKey, anchors AnchorReader, schemas Schemas, cfg Config) (*Service, error) {
	if st == nil || vk == nil || anchors == nil || schemas == nil {
		return nil, errors.New("new zk service: store, verifying key, anchors and schemas are required")
	}
	if cfg.Leeway < 0 || cfg.Leeway > MaxLeeway {
		return nil, fmt.Errorf("new zk service: leeway %s outside [0, %s]", cfg.Leeway, MaxLeeway)
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	return &Service{store: st, vk: vk, vkDigest: vk.Digest(), anchors: anchors, schemas: schemas, cfg: cfg, validate: v}, nil
}

// NewValidator returns the validator of Spec's tags: field names are the
// JSON member names and "nocontrol" refuses control characters.
func NewValidator() (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	err := v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
		f := fl.Field()
		return f.Kind() == reflect.String && !strings.ContainsFunc(f.String(), unicode.IsControl)
	})
	if err != nil {
		return nil, fmt.Errorf("register nocontrol rule: %w", err)
	}
	return v, nil
}

// storedRequest is what the store keeps: the document plus what the holder
// never sees.
type storedRequest struct {
	Request *Request `json:"request"`
	Account string   `json:"account,omitempty"`
}

// CreateRequest validates spec, resolves its attributes against the schema,
// encodes its operands, snapshots each issuer's anchors, adds a single-use
// nonce, the time and the expiry, and stores the request. Errors from the
// spec are validator.ValidationErrors or wrap ErrInvalidRequest.
func (s *Service) CreateRequest(ctx context.Context, spec Spec) (*Request, error) {
	if err := s.validate.Struct(spec); err != nil {
		return nil, err
	}
	for _, id := range spec.Issuers {
		if _, err := did.Parse(id); err != nil {
			return nil, fmt.Errorf("%w: issuer %q: %w", ErrInvalidRequest, id, err)
		}
	}
	// Anchors and schema of each issuer; the ZK attribute lists must agree.
	var specs []zkp.AttributeSpec
	issuers := make([]IssuerAnchor, 0, len(spec.Issuers))
	for i, id := range spec.Issuers {
		a, err := s.anchors.ReadAnchors(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNoAnchors) || errors.Is(err, did.ErrNotFound) {
				return nil, fmt.Errorf("%w: issuer %s: %w", ErrInvalidRequest, id, err)
			}
			return nil, fmt.Errorf("read anchors of %s: %w", id, err)
		}
		if !a.HasVerifyingKeyDigest || a.VerifyingKeyDigest != s.vkDigest {
			return nil, fmt.Errorf("%w: issuer %s does not anchor this verifier's verifying key (%s)", ErrInvalidRequest, id, hex.EncodeToString(s.vkDigest[:]))
		}
		issuers = append(issuers, IssuerAnchor{ID: id, IssuerKey: hex.EncodeToString(a.IssuerKey.Bytes()), StatusRoot: zkp.FormatElement(a.StatusRoot)})
		got, err := s.schemas.ZKAttributes(ctx, id, spec.Schema)
		if err != nil {
			return nil, fmt.Errorf("schema %s of %s: %w", spec.Schema, id, err)
		}
		if len(got) == 0 || len(got) > zkp.MaxAttributes {
			return nil, fmt.Errorf("%w: schema %s has %d ZK attributes, want 1 to %d", ErrInvalidRequest, spec.Schema, len(got), zkp.MaxAttributes)
		}
		if i == 0 {
			specs = got
		} else if !slices.EqualFunc(specs, got, func(a, b zkp.AttributeSpec) bool {
			return a.Name == b.Name && a.Type == b.Type && slices.Equal(a.Enum, b.Enum)
		}) {
			return nil, fmt.Errorf("%w: issuers %s and %s encode schema %s differently", ErrInvalidRequest, spec.Issuers[0], id, spec.Schema)
		}
	}
	index := func(name string) (int, error) {
		i := slices.IndexFunc(specs, func(a zkp.AttributeSpec) bool { return a.Name == name })
		if i < 0 {
			return 0, fmt.Errorf("%w: schema %s has no ZK attribute %q", ErrInvalidRequest, spec.Schema, name)
		}
		return i, nil
	}
	req := &Request{
		Version: RequestVersion, Issuers: issuers, Schema: spec.Schema, Attributes: attributesOf(specs),
		Reveal: []Reveal{}, Predicates: []Predicate{},
		Audience: spec.Audience, Scope: spec.Scope, Register: spec.Register,
		VerifyingKeyDigest: hex.EncodeToString(s.vkDigest[:]), ResponseURI: s.cfg.ResponseURI,
	}
	for _, name := range spec.Reveal {
		i, err := index(name)
		if err != nil {
			return nil, err
		}
		req.Reveal = append(req.Reveal, Reveal{Attribute: name, Index: i})
	}
	for n, p := range spec.Predicates {
		i, err := index(p.Attribute)
		if err != nil {
			return nil, err
		}
		op := opAliases[p.Op]
		ops, err := encodePredicate(specs[i], op, p.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: predicates[%d] on %q: %w", ErrInvalidRequest, n, p.Attribute, err)
		}
		req.Predicates = append(req.Predicates, Predicate{Attribute: p.Attribute, Index: i, Op: op.String(),
			Value: compactJSON(p.Value), Operands: formatElements(ops)})
	}
	id, err := s.random(16)
	if err != nil {
		return nil, err
	}
	req.ID = id
	switch {
	case spec.Nonce != "":
		if len(spec.Nonce) < 16 || len(spec.Nonce) > 256 || !printable(spec.Nonce) {
			return nil, fmt.Errorf("%w: a caller's nonce must be 16 to 256 printable ASCII characters", ErrInvalidRequest)
		}
		req.Nonce = spec.Nonce
	default:
		if req.Nonce, err = s.random(32); err != nil {
			return nil, err
		}
	}
	ttl := DefaultTTL
	if spec.TTLSeconds != 0 {
		ttl = time.Duration(spec.TTLSeconds) * time.Second
	}
	req.Now = s.cfg.Now().UTC().Truncate(time.Second)
	req.Expires = req.Now.Add(ttl)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(storedRequest{Request: req, Account: spec.Account})
	if err != nil {
		return nil, fmt.Errorf("encode proof request: %w", err)
	}
	// The store keeps the request until Expires + Leeway, while it can
	// still be redeemed.
	if err := s.store.Put(ctx, req.ID, raw, req.Expires.Add(s.cfg.Leeway)); err != nil {
		return nil, err
	}
	return req, nil
}

// Request returns the stored request id, or an error wrapping ErrNotFound.
func (s *Service) Request(ctx context.Context, id string) (*Request, error) {
	st, _, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return st.Request, nil
}

func (s *Service) load(ctx context.Context, id string) (*storedRequest, store.ZKRequest, error) {
	if id == "" || len(id) > store.MaxZKRequestID || !printable(id) {
		return nil, store.ZKRequest{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	rec, err := s.store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ZKRequest{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, store.ZKRequest{}, err
	}
	var st storedRequest
	if err := json.Unmarshal(rec.Value, &st); err != nil || st.Request == nil {
		return nil, store.ZKRequest{}, fmt.Errorf("decode stored proof request %s: %w", id, errors.Join(err, errors.New("empty")))
	}
	return &st, rec, nil
}

func (s *Service) random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("draw random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return slices.Clone(raw)
	}
	return buf.Bytes()
}
