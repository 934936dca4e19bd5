package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/did"
	didkey "github.com/chainid/chainid/did/key"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/verifier/oid4vp"
	"github.com/chainid/chainid/verifier/zk"
)

// verifierKeyLabel labels the keystore key that signs OpenID4VP request
// objects; its did:key is the verifier's decentralized_identifier.
const verifierKeyLabel = "oid4vp-verifier"

// presentState is the wired state of the OpenID4VP verifier: the service
// is built on first use, once the public URL is known.
type presentState struct {
	mu  sync.Mutex
	svc *oid4vp.Service
}

// newPresentServices wires the OpenID4VP verifier into s.
func newPresentServices(s *services) error {
	s.present = &presentState{}
	return nil
}

// presentAPI is what the HTTP API serves for the OpenID4VP verifier; nil answers 501.
func (s *services) presentAPI() api.Presentations { return presentations{s} }

// presentations implements api.Presentations over the services.
type presentations struct{ s *services }

var _ api.Presentations = presentations{}

// oid4vp returns the OpenID4VP service, building it on first use.
func (s *services) oid4vp(ctx context.Context) (*oid4vp.Service, error) {
	st := s.present
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.svc != nil {
		return st.svc, nil
	}
	keys, err := s.keys.List(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(keys, func(k store.KeyRecord) bool { return k.Label == verifierKeyLabel && k.Method == "key" })
	var id, kid string
	if i >= 0 {
		id, kid = keys[i].ID, keys[i].DID
	} else {
		rec, err := s.keys.Generate(ctx, did.Ed25519, verifierKeyLabel, didkey.New)
		if err != nil {
			return nil, fmt.Errorf("create the OpenID4VP verifier key: %w", err)
		}
		id, kid = rec.ID, rec.DID
	}
	signer, err := s.keys.Signer(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := did.Parse(kid)
	if err != nil {
		return nil, err
	}
	secret, err := responseKeySecret(signer)
	if err != nil {
		return nil, err
	}
	if s.verify == nil || s.verify.v == nil {
		return nil, errors.New("OpenID4VP verifier: no verification pipeline")
	}
	base, allowHTTP := credentialIssuerURL(s.statusPublicURL())
	svc, err := oid4vp.New(s.store.Presentations(), oid4vp.Config{
		BaseURL:           base + "/v1/presentation-requests",
		Signer:            signer,
		KeyID:             kid + "#" + d.ID,
		Verifier:          s.verify.v,
		Policy:            anyVerifier{s}.DefaultPolicy,
		ZK:                zkRequester{s},
		ResponseKeySecret: secret,
		Logger:            s.log,
		InsecureAllowHTTP: allowHTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("OpenID4VP verifier (needs an https public URL, or http on loopback): %w", err)
	}
	st.svc = svc
	return svc, nil
}

func (p presentations) CreatePresentationRequest(ctx context.Context, req oid4vp.CreateRequest) (*oid4vp.Created, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Create(ctx, req)
}

func (p presentations) PresentationRequestObject(ctx context.Context, id string) (string, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return "", err
	}
	return svc.RequestObject(ctx, id)
}

func (p presentations) PresentationResponse(ctx context.Context, id string, form url.Values) (*oid4vp.Ack, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.HandleResponse(ctx, id, form)
}

func (p presentations) PresentationStatus(ctx context.Context, id, code string) (*oid4vp.Status, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Status(ctx, id, code)
}

// responseKeyLabel is what the verifier key signs to derive the secret of
// direct_post.jwt encryption keys.
const responseKeyLabel = "chainid oid4vp response key secret v1"

// responseKeySecret derives the OpenID4VP response key secret from the
// verifier's Ed25519 key: its deterministic signature of a fixed label,
// hashed. It is the same across restarts and known only to whoever can
// unseal the key.
func responseKeySecret(signer crypto.Signer) ([]byte, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); !ok {
		return nil, errors.New("the OpenID4VP verifier key is not Ed25519")
	}
	sig, err := signer.Sign(nil, []byte(responseKeyLabel), crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("derive the response key secret: %w", err)
	}
	sum := sha256.Sum256(sig)
	return sum[:], nil
}

// zkRequester makes the proof requests of chainid_zk queries with the ZK
// service, bound to the OpenID4VP request's nonce and client_id.
type zkRequester struct{ s *services }

func (z zkRequester) CreateZKRequest(ctx context.Context, raw json.RawMessage, nonce, audience string, expires time.Time) (json.RawMessage, error) {
	var spec zk.Spec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return nil, fmt.Errorf("%w: %w", oid4vp.ErrInvalidRequest, err)
	}
	if spec.Audience != "" || spec.TTLSeconds != 0 {
		return nil, fmt.Errorf("%w: audience and ttlSeconds come from the presentation request (its client_id and expiry)", oid4vp.ErrInvalidRequest)
	}
	spec.Audience, spec.Nonce = audience, nonce
	ttl := int(math.Ceil(time.Until(expires).Seconds()))
	spec.TTLSeconds = min(max(ttl, int(zk.MinTTL/time.Second)), int(zk.MaxTTL/time.Second))
	svc, err := z.s.zkService(ctx)
	if errors.Is(err, errNoZKKeys) {
		return nil, fmt.Errorf("%w: %w", oid4vp.ErrInvalidRequest, err)
	}
	if err != nil {
		return nil, err
	}
	req, err := svc.CreateRequest(ctx, spec)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) || errors.Is(err, zk.ErrInvalidRequest) {
		return nil, fmt.Errorf("%w: %w", oid4vp.ErrInvalidRequest, err)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(req)
}
