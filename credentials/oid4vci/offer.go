package oid4vci

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"
)

// ErrInvalidOfferRequest reports an OfferRequest that CreateOffer refuses
// (a caller error, not a wallet's).
var ErrInvalidOfferRequest = errors.New("invalid offer request")

// Transaction code input modes.
const (
	TxCodeNumeric = "numeric"
	TxCodeText    = "text"
)

// Transaction code bounds.
const (
	DefaultTxCodeLengthNumeric = 6
	DefaultTxCodeLengthText    = 8
	MinTxCodeLength            = 4
	MaxTxCodeLength            = 16
	MaxTxCodeDescription       = 300
)

// txCodeText is the alphabet of text tx_codes: upper-case letters and
// digits without the look-alikes 0/O, 1/I/L.
const txCodeText = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// OfferRequest asks CreateOffer for a credential offer.
type OfferRequest struct {
	// ConfigurationIDs are the offered credential configurations: known
	// ids, at least one, no duplicates.
	ConfigurationIDs []string
	// IssueRef is an opaque reference (1 to 1024 bytes) the caller maps to
	// what to issue (subject, claims); it is handed to Issuer unchanged.
	IssueRef string
	// TxCode, when set, requires a transaction code at the token endpoint.
	// CreateOffer generates the code; deliver CreatedOffer.TxCode to the
	// user out of band.
	TxCode *TxCodeSpec
	// TTL is the lifetime of the pre-authorized code; zero means
	// Config.OfferTTL. At most MaxOfferTTL.
	TTL time.Duration
}

// TxCodeSpec describes a transaction code; it is the tx_code object of
// the offer.
type TxCodeSpec struct {
	// InputMode is TxCodeNumeric (the default when empty) or TxCodeText.
	InputMode string `json:"input_mode,omitempty"`
	// Length is the number of characters, MinTxCodeLength to
	// MaxTxCodeLength; zero means 6 (numeric) or 8 (text).
	Length int `json:"length,omitempty"`
	// Description tells the user where to find the code (at most 300
	// characters).
	Description string `json:"description,omitempty"`
}

// CredentialOffer is the credential offer object (OpenID4VCI 1.0 §4.1.1).
type CredentialOffer struct {
	CredentialIssuer           string      `json:"credential_issuer"`
	CredentialConfigurationIDs []string    `json:"credential_configuration_ids"`
	Grants                     OfferGrants `json:"grants"`
}

// OfferGrants holds the grants of an offer; only the pre-authorized code
// grant is used.
type OfferGrants struct {
	PreAuthorizedCode *PreAuthorizedCodeGrant `json:"urn:ietf:params:oauth:grant-type:pre-authorized_code,omitempty"`
}

// PreAuthorizedCodeGrant is the pre-authorized code grant of an offer.
type PreAuthorizedCodeGrant struct {
	PreAuthorizedCode string      `json:"pre-authorized_code"`
	TxCode            *TxCodeSpec `json:"tx_code,omitempty"`
}

// CreatedOffer is a new credential offer.
type CreatedOffer struct {
	// Offer is the credential offer object.
	Offer CredentialOffer
	// URI is "openid-credential-offer://?credential_offer=<offer JSON>",
	// for a QR code or link.
	URI string
	// TxCode is the transaction code to deliver to the user over another
	// channel; "" when the offer has none. It is not stored in the clear.
	TxCode string
	// ExpiresAt is when the pre-authorized code expires.
	ExpiresAt time.Time
}

// CreateOffer makes a credential offer with a fresh pre-authorized code
// (256 random bits, stored only as a hash, single use, expiring) and, when
// asked, a transaction code. Invalid requests give an error wrapping
// ErrInvalidOfferRequest.
func (s *Service) CreateOffer(ctx context.Context, req OfferRequest) (*CreatedOffer, error) {
	if err := s.checkOfferRequest(&req); err != nil {
		return nil, fmt.Errorf("create offer: %w: %w", ErrInvalidOfferRequest, err)
	}
	code, err := s.randomToken()
	if err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	now := s.now()
	exp := now.Add(req.TTL)
	rec := offerRecord{V: recordVersion, ConfigurationIDs: req.ConfigurationIDs, IssueRef: req.IssueRef, Expires: exp}
	grant := &PreAuthorizedCodeGrant{PreAuthorizedCode: code}
	var tx string
	if req.TxCode != nil {
		spec := *req.TxCode
		tx, err = s.txCode(spec.InputMode, spec.Length)
		if err != nil {
			return nil, fmt.Errorf("create offer: %w", err)
		}
		rec.TxCodeHash = txCodeHash(code, tx)
		grant.TxCode = &spec
	}
	v, err := encodeRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	created, err := s.store.Put(ctx, kindOffer, recordKey(kindOffer, code), v, exp)
	if err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	if !created {
		return nil, errors.New("create offer: pre-authorized code collision (broken randomness?)")
	}
	offer := CredentialOffer{
		CredentialIssuer:           s.cfg.CredentialIssuer,
		CredentialConfigurationIDs: req.ConfigurationIDs,
		Grants:                     OfferGrants{PreAuthorizedCode: grant},
	}
	js, err := json.Marshal(offer)
	if err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	return &CreatedOffer{
		Offer:     offer,
		URI:       OfferScheme + "?credential_offer=" + url.QueryEscape(string(js)),
		TxCode:    tx,
		ExpiresAt: exp,
	}, nil
}

func (s *Service) checkOfferRequest(req *OfferRequest) error {
	if len(req.ConfigurationIDs) == 0 {
		return errors.New("no credential configuration ids")
	}
	req.ConfigurationIDs = slices.Clone(req.ConfigurationIDs)
	seen := make(map[string]bool, len(req.ConfigurationIDs))
	for _, id := range req.ConfigurationIDs {
		if _, ok := s.configs[id]; !ok {
			return fmt.Errorf("unknown credential configuration %q", id)
		}
		if seen[id] {
			return fmt.Errorf("credential configuration %q listed twice", id)
		}
		seen[id] = true
	}
	if req.IssueRef == "" || len(req.IssueRef) > maxIDLength {
		return fmt.Errorf("issue reference of %d bytes: want 1 to %d", len(req.IssueRef), maxIDLength)
	}
	switch {
	case req.TTL == 0:
		req.TTL = s.cfg.OfferTTL
	case req.TTL < 0 || req.TTL > MaxOfferTTL:
		return fmt.Errorf("TTL %s is outside (0, %s]", req.TTL, MaxOfferTTL)
	}
	if t := req.TxCode; t != nil {
		spec := *t
		switch spec.InputMode {
		case "":
			spec.InputMode = TxCodeNumeric
		case TxCodeNumeric, TxCodeText:
		default:
			return fmt.Errorf("tx_code input mode %q: want %q or %q", spec.InputMode, TxCodeNumeric, TxCodeText)
		}
		if spec.Length == 0 {
			spec.Length = DefaultTxCodeLengthNumeric
			if spec.InputMode == TxCodeText {
				spec.Length = DefaultTxCodeLengthText
			}
		}
		if spec.Length < MinTxCodeLength || spec.Length > MaxTxCodeLength {
			return fmt.Errorf("tx_code length %d is outside [%d, %d]", spec.Length, MinTxCodeLength, MaxTxCodeLength)
		}
		if len([]rune(spec.Description)) > MaxTxCodeDescription {
			return fmt.Errorf("tx_code description longer than %d characters", MaxTxCodeDescription)
		}
		req.TxCode = &spec
	}
	return nil
}

// randomToken returns 32 random bytes, base64url-encoded (43 characters).
func (s *Service) randomToken() (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// txCode draws n uniformly random characters of the mode's alphabet.
func (s *Service) txCode(mode string, n int) (string, error) {
	alphabet := "0123456789"
	if mode == TxCodeText {
		alphabet = txCodeText
	}
	out := make([]byte, n)
	limit := ^uint32(0) - ^uint32(0)%uint32(len(alphabet)) // rejection bound for uniformity
	var b [4]byte
	for i := range out {
		for {
			if _, err := io.ReadFull(s.rand, b[:]); err != nil {
				return "", fmt.Errorf("random: %w", err)
			}
			if v := binary.BigEndian.Uint32(b[:]); v < limit {
				out[i] = alphabet[v%uint32(len(alphabet))]
				break
			}
		}
	}
	return string(out), nil
}

func txCodeHash(code, tx string) []byte {
	h := sha256.New()
	h.Write([]byte("oid4vci tx_code\x00"))
	h.Write([]byte(code))
	h.Write([]byte{0})
	h.Write([]byte(tx))
	return h.Sum(nil)
}
