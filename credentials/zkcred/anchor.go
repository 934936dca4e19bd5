package zkcred

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/zkp"
)

// Service types and ERC-1056 attribute names of the anchors.
const (
	ServiceIssuerKey    = "ChainIDZKIssuerKey"
	ServiceVerifyingKey = "ChainIDZKVerifyingKey"
	ServiceStatusRoot   = "ChainIDZKStatusRoot"

	AttrIssuerKey    = "did/svc/" + ServiceIssuerKey
	AttrVerifyingKey = "did/svc/" + ServiceVerifyingKey
	AttrStatusRoot   = "did/svc/" + ServiceStatusRoot
)

// Value prefixes; each is followed by "SEQ:" and the payload.
const (
	prefixIssuerKey    = "urn:chainid:zk:v1:issuer-key:"
	prefixVerifyingKey = "urn:chainid:zk:v1:vk-sha256:"
	prefixStatusRoot   = "urn:chainid:zk:v1:status-root:"
)

// valuePrefix maps each service type to its value prefix.
var valuePrefix = map[string]string{
	ServiceIssuerKey: prefixIssuerKey, ServiceVerifyingKey: prefixVerifyingKey, ServiceStatusRoot: prefixStatusRoot,
}

// MaxAnchorSeq bounds anchor sequence numbers (they fit in a signed 64-bit
// integer and a JavaScript number stays exact below 2^53 if anyone parses
// them there).
const MaxAnchorSeq = 1<<53 - 1

var anchorValue = regexp.MustCompile(`^([1-9][0-9]{0,15}):([0-9A-Za-z_-]{1,80})$`)

// IssuerKeyValue returns the anchor value of an issuer key.
func IssuerKeyValue(seq uint64, pk zkp.IssuerPublicKey) string {
	return prefixIssuerKey + strconv.FormatUint(seq, 10) + ":" + base64.RawURLEncoding.EncodeToString(pk.Bytes())
}

// VerifyingKeyValue returns the anchor value of a verifying-key digest.
func VerifyingKeyValue(seq uint64, digest [32]byte) string {
	return prefixVerifyingKey + strconv.FormatUint(seq, 10) + ":" + hex.EncodeToString(digest[:])
}

// StatusRootValue returns the anchor value of a status root.
func StatusRootValue(seq uint64, root fr.Element) string {
	return prefixStatusRoot + strconv.FormatUint(seq, 10) + ":" + zkp.FormatElement(root)
}

// AnchorPayload returns the part of an anchor value after its sequence
// number ("" for a malformed value); two values with equal payloads anchor
// the same thing.
func AnchorPayload(value string) string {
	for _, p := range []string{prefixIssuerKey, prefixVerifyingKey, prefixStatusRoot} {
		if rest, ok := strings.CutPrefix(value, p); ok {
			if m := anchorValue.FindStringSubmatch(rest); m != nil {
				return p + m[2]
			}
		}
	}
	return ""
}

// anchorEntry is one parsed anchor of a kind.
type anchorEntry struct {
	seq     uint64
	payload string
}

// ReadAnchors reads the ZK anchors from an issuer's DID document: for each
// of the three service types, the entry with the highest sequence number.
// It refuses malformed entries (ErrInvalidAnchor), two different values
// under the highest sequence number (ErrAmbiguousAnchor) and a document
// without an issuer key or status root (ErrNoAnchor). It reads nothing but
// doc.
func ReadAnchors(doc *did.Document) (Anchors, error) {
	if doc == nil {
		return Anchors{}, fmt.Errorf("read zk anchors: %w: no document", ErrNoAnchor)
	}
	best := map[string]anchorEntry{}
	for _, svc := range doc.Service {
		for kind, prefix := range valuePrefix {
			if !svc.Type.Contains(kind) {
				continue
			}
			if len(svc.Type.Values) != 1 {
				return Anchors{}, fmt.Errorf("read zk anchors: %w: service %s has several types", ErrInvalidAnchor, svc.ID)
			}
			var value string
			if err := json.Unmarshal(svc.ServiceEndpoint, &value); err != nil {
				return Anchors{}, fmt.Errorf("read zk anchors: %w: service %s: endpoint is not a string", ErrInvalidAnchor, svc.ID)
			}
			rest, ok := strings.CutPrefix(value, prefix)
			m := anchorValue.FindStringSubmatch(rest)
			if !ok || m == nil {
				return Anchors{}, fmt.Errorf("read zk anchors: %w: service %s: %.80q", ErrInvalidAnchor, svc.ID, value)
			}
			seq, err := strconv.ParseUint(m[1], 10, 64)
			if err != nil || seq > MaxAnchorSeq {
				return Anchors{}, fmt.Errorf("read zk anchors: %w: service %s: sequence number out of range", ErrInvalidAnchor, svc.ID)
			}
			e := anchorEntry{seq: seq, payload: m[2]}
			var scratch Anchors
			if err := scratch.set(kind, e); err != nil {
				return Anchors{}, fmt.Errorf("read zk anchors: %w: service %s: %w", ErrInvalidAnchor, svc.ID, err)
			}
			cur, seen := best[kind]
			switch {
			case !seen || seq > cur.seq:
				best[kind] = e
			case seq == cur.seq && e.payload != cur.payload:
				best[kind] = anchorEntry{seq: seq} // ambiguous unless a higher one follows
			}
		}
	}
	var a Anchors
	for _, kind := range []string{ServiceIssuerKey, ServiceVerifyingKey, ServiceStatusRoot} {
		e, ok := best[kind]
		if !ok {
			if kind == ServiceVerifyingKey {
				continue
			}
			return Anchors{}, fmt.Errorf("read zk anchors of %s: %w: no %s service", doc.ID, ErrNoAnchor, kind)
		}
		if e.payload == "" {
			return Anchors{}, fmt.Errorf("read zk anchors of %s: %w: two %s values with sequence %d", doc.ID, ErrAmbiguousAnchor, kind, e.seq)
		}
		if err := a.set(kind, e); err != nil {
			return Anchors{}, fmt.Errorf("read zk anchors of %s: %w: %s: %w", doc.ID, ErrInvalidAnchor, kind, err)
		}
	}
	return a, nil
}

func (a *Anchors) set(kind string, e anchorEntry) error {
	switch kind {
	case ServiceIssuerKey:
		b, err := base64.RawURLEncoding.Strict().DecodeString(e.payload)
		if err != nil {
			return err
		}
		if a.IssuerKey, err = zkp.ParseIssuerPublicKey(b); err != nil {
			return err
		}
		a.IssuerKeySeq = e.seq
	case ServiceVerifyingKey:
		b, err := hex.DecodeString(e.payload)
		if err != nil || len(b) != 32 || hex.EncodeToString(b) != e.payload {
			return fmt.Errorf("digest must be 64 lower-case hex digits")
		}
		copy(a.VerifyingKeyDigest[:], b)
		a.HasVerifyingKeyDigest, a.VerifyingKeySeq = true, e.seq
	case ServiceStatusRoot:
		if !canonicalDec.MatchString(e.payload) && e.payload != "0" {
			return fmt.Errorf("root must be canonical decimal")
		}
		r, err := zkp.ParseElement(e.payload)
		if err != nil {
			return err
		}
		a.StatusRoot, a.StatusRootSeq = r, e.seq
	}
	return nil
}
