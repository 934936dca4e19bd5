package ethr

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/chainid/chainid/did"
)

// Verification method types and contexts of did:ethr documents, as
// ethr-did-resolver 11.1.3 writes them.
const (
	TypeRecovery2020          = "EcdsaSecp256k1RecoveryMethod2020"
	TypeSecp256k1Key2019      = "EcdsaSecp256k1VerificationKey2019"
	TypeEd25519Key2018        = "Ed25519VerificationKey2018"
	TypeRSAKey2018            = "RSAVerificationKey2018"
	TypeX25519KeyAgreement    = "X25519KeyAgreementKey2019"
	ContextSecurityV3Unstable = "https://w3id.org/security/v3-unstable"
)

// documentContext is the @context ethr-did-resolver puts on every document
// it returns as application/did+ld+json (its default).
func documentContext() did.Context {
	return did.Contexts(did.ContextDIDv1, did.ContextSecp256k1, ContextSecurityV3Unstable)
}

// eventKind tells the three ERC-1056 events apart in the index.
type eventKind byte

const (
	kindMalformed eventKind = 0 // a registry log that did not decode
	kindOwner     eventKind = 1
	kindDelegate  eventKind = 2
	kindAttribute eventKind = 3
)

// change is one decoded registry event of an identity.
type change struct {
	kind      eventKind
	block     uint64
	blockTime uint64
	owner     common.Address // kindOwner
	delegate  common.Address // kindDelegate
	typeName  string         // delegate type or attribute name, trailing NULs removed
	value     []byte         // kindAttribute
	validTo   [32]byte       // kindDelegate, kindAttribute (uint256, big-endian)
}

// eventCodecV1 is the version byte of an encoded index event:
//
//	v1 ‖ kindOwner ‖ owner(20)
//	v1 ‖ kindDelegate ‖ delegateType(32) ‖ delegate(20) ‖ validTo(32)
//	v1 ‖ kindAttribute ‖ name(32) ‖ validTo(32) ‖ value
//	v1 ‖ kindMalformed
const eventCodecV1 byte = 1

func encodeOwner(owner common.Address) []byte {
	return append([]byte{eventCodecV1, byte(kindOwner)}, owner[:]...)
}

func encodeDelegate(delegateType [32]byte, delegate common.Address, validTo *big.Int) []byte {
	b := make([]byte, 0, 2+32+20+32)
	b = append(b, eventCodecV1, byte(kindDelegate))
	b = append(b, delegateType[:]...)
	b = append(b, delegate[:]...)
	return append(b, uint256(validTo)...)
}

func encodeAttribute(name [32]byte, value []byte, validTo *big.Int) []byte {
	b := make([]byte, 0, 2+32+32+len(value))
	b = append(b, eventCodecV1, byte(kindAttribute))
	b = append(b, name[:]...)
	b = append(b, uint256(validTo)...)
	return append(b, value...)
}

func uint256(v *big.Int) []byte {
	out := make([]byte, 32)
	if v != nil && v.Sign() > 0 && v.BitLen() <= 256 {
		v.FillBytes(out)
	}
	return out
}

var errMalformedEvent = errors.New("malformed registry event")

// decodeChange decodes an index event. skip is true for an event that
// ethr-did-resolver drops from the history: a delegate type or attribute
// name that is not valid UTF-8.
func decodeChange(ev []byte, block, blockTime uint64) (c change, skip bool, err error) {
	if len(ev) < 2 || ev[0] != eventCodecV1 {
		return change{}, false, fmt.Errorf("%w: unknown encoding", errMalformedEvent)
	}
	c = change{kind: eventKind(ev[1]), block: block, blockTime: blockTime}
	p := ev[2:]
	switch c.kind {
	case kindOwner:
		if len(p) != 20 {
			return change{}, false, fmt.Errorf("%w: owner event of %d bytes", errMalformedEvent, len(p))
		}
		c.owner = common.BytesToAddress(p)
		return c, false, nil
	case kindDelegate:
		if len(p) != 32+20+32 {
			return change{}, false, fmt.Errorf("%w: delegate event of %d bytes", errMalformedEvent, len(p))
		}
		name, ok := bytes32String(p[:32])
		c.typeName = name
		c.delegate = common.BytesToAddress(p[32:52])
		copy(c.validTo[:], p[52:84])
		return c, !ok, nil
	case kindAttribute:
		if len(p) < 64 {
			return change{}, false, fmt.Errorf("%w: attribute event of %d bytes", errMalformedEvent, len(p))
		}
		name, ok := bytes32String(p[:32])
		c.typeName = name
		copy(c.validTo[:], p[32:64])
		c.value = p[64:]
		return c, !ok, nil
	}
	return change{}, false, errMalformedEvent
}

// bytes32String is the reference's bytes32toString: UTF-8 decoding of all
// 32 bytes (failure: ok false) with trailing NULs removed.
func bytes32String(b []byte) (string, bool) {
	if !utf8.Valid(b) {
		return "", false
	}
	return strings.TrimRight(string(b), "\x00"), true
}

// validAt reports validTo ≠ 0 && validTo ≥ now.
func (c *change) validAt(now uint64) bool {
	for _, b := range c.validTo[:24] {
		if b != 0 {
			return true
		}
	}
	v := binary.BigEndian.Uint64(c.validTo[24:])
	return v != 0 && v >= now
}

// eventIndex is the key under which the reference files an event's effect:
// `${eventName}-${delegateType || name}-${delegate || value}` with
// JavaScript's || (an empty string falls through to the next operand).
func (c *change) eventIndex() string {
	switch c.kind {
	case kindDelegate:
		t := c.typeName
		if t == "" {
			t = "undefined" // delegateType "" || name (absent)
		}
		return "DIDDelegateChanged-" + t + "-" + c.delegate.Hex()
	case kindAttribute:
		return "DIDAttributeChanged-" + c.typeName + "-0x" + hex.EncodeToString(c.value)
	}
	return "DIDOwnerChanged-undefined-undefined"
}

var (
	attributeName = regexp.MustCompile(`^did/(pub|svc)/(\w+)(/(\w+))?(/(\w+))?$`)
	pubPrefix     = regexp.MustCompile(`^did/pub/`)
	svcPrefix     = regexp.MustCompile(`^did/svc/`)
)

// legacyAttrTypes and legacyAlgoMap are the reference's lookup tables.
var (
	legacyAttrTypes = map[string]string{
		"sigAuth": "SignatureAuthentication2018",
		"veriKey": "VerificationKey2018",
		"enc":     "KeyAgreementKey2019",
	}
	legacyAlgoMap = map[string]string{
		"Secp256k1VerificationKey2018":         TypeSecp256k1Key2019,
		"Ed25519SignatureAuthentication2018":   TypeEd25519Key2018,
		"Secp256k1SignatureAuthentication2018": TypeSecp256k1Key2019,
		"RSAVerificationKey2018":               TypeRSAKey2018,
		"Ed25519VerificationKey2018":           TypeEd25519Key2018,
		"X25519KeyAgreementKey2019":            TypeX25519KeyAgreement,
	}
)

// jsObjectPrototype lists the names a JavaScript object literal inherits;
// looking one up in the reference's tables yields a (truthy) function.
var jsObjectPrototype = map[string]bool{
	"constructor": true, "hasOwnProperty": true, "isPrototypeOf": true, "propertyIsEnumerable": true,
	"toLocaleString": true, "toString": true, "valueOf": true, "__proto__": true,
	"__defineGetter__": true, "__defineSetter__": true, "__lookupGetter__": true, "__lookupSetter__": true,
}

// orderedMap is a JavaScript object with string keys: assigning to an
// existing key keeps its position, deleting and re-adding moves it to the
// end. (The reference's keys never look like array indexes.)
type orderedMap[V any] struct {
	index map[string]int
	keys  []string
	vals  []V
	live  []bool
	n     int
}

func newOrderedMap[V any]() *orderedMap[V] { return &orderedMap[V]{index: map[string]int{}} }

func (m *orderedMap[V]) set(k string, v V) {
	if i, ok := m.index[k]; ok {
		m.vals[i] = v
		return
	}
	m.index[k] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.live = append(m.live, true)
	m.n++
}

func (m *orderedMap[V]) del(k string) {
	if i, ok := m.index[k]; ok {
		m.live[i] = false
		delete(m.index, k)
		m.n--
	}
}

func (m *orderedMap[V]) values() []V {
	out := make([]V, 0, m.n)
	for i, v := range m.vals {
		if m.live[i] {
			out = append(out, v)
		}
	}
	return out
}

// built is the outcome of replaying an identity's history.
type built struct {
	doc         *did.Document
	deactivated bool
	version     *change // latest change at or below the requested block
	next        *change // first change above it (historical resolution)
}

// buildDocument replays history (ordered by block, transaction, log) into
// the DID document, exactly as ethr-did-resolver 11.1.3's wrapDidDocument
// does. didStr is the DID as asked for (it prefixes every id); controllerKey
// is the public key as written in a public-key DID, without "0x" (empty for
// an address DID); atBlock < 0 asks for the latest version; now is the
// Unix time against which validTo is checked.
func buildDocument(didStr string, address common.Address, controllerKey string, history []change, chainID *big.Int, atBlock int64, now uint64) built {
	var out built
	controller := address
	delegateCount, serviceCount := 0, 0
	auth := newOrderedMap[string]()
	keyAgreement := newOrderedMap[string]()
	signing := newOrderedMap[string]()
	pks := newOrderedMap[did.VerificationMethod]()
	services := newOrderedMap[did.Service]()

	for i := range history {
		ev := &history[i]
		if atBlock >= 0 && ev.block > uint64(atBlock) {
			if out.next == nil || out.next.block > ev.block {
				out.next = ev
			}
			continue
		}
		if out.version == nil || out.version.block < ev.block {
			out.version = ev
		}
		key := ev.eventIndex()
		if ev.kind != kindOwner && ev.validAt(now) {
			switch ev.kind {
			case kindDelegate:
				delegateCount++
				id := didStr + "#delegate-" + strconv.Itoa(delegateCount)
				switch ev.typeName {
				case "sigAuth":
					auth.set(key, id)
					signing.set(key, id)
					fallthrough
				case "veriKey":
					pks.set(key, did.VerificationMethod{
						ID:                  id,
						Type:                TypeRecovery2020,
						Controller:          didStr,
						BlockchainAccountID: "eip155:" + chainID.String() + ":" + ev.delegate.Hex(),
					})
					signing.set(key, id)
				}
			case kindAttribute:
				m := attributeName.FindStringSubmatch(ev.typeName)
				if m == nil {
					continue
				}
				section, algorithm, typeSeg, hasType, encoding := m[1], m[2], m[4], m[3] != "", m[6]
				switch section {
				case "pub":
					delegateCount++
					id := didStr + "#delegate-" + strconv.Itoa(delegateCount)
					vm := did.VerificationMethod{ID: id, Type: pubKeyType(algorithm, typeSeg, hasType), Controller: didStr}
					if !setKeyMaterial(&vm, encoding, m[5] != "", ev.value) {
						continue
					}
					pks.set(key, vm)
					switch typeSeg {
					case "sigAuth":
						auth.set(key, id)
						signing.set(key, id)
					case "enc":
						keyAgreement.set(key, id)
					default:
						signing.set(key, id)
					}
				case "svc":
					serviceCount++
					if !utf8.Valid(ev.value) {
						continue
					}
					services.set(key, did.Service{
						ID:              didStr + "#service-" + strconv.Itoa(serviceCount),
						Type:            did.Strings(algorithm),
						ServiceEndpoint: jsServiceEndpoint(string(ev.value)),
					})
				}
			}
			continue
		}
		if ev.kind == kindOwner {
			controller = ev.owner
			if ev.owner == (common.Address{}) {
				out.deactivated = true
				break
			}
			continue
		}
		switch {
		case ev.kind == kindDelegate || (ev.kind == kindAttribute && pubPrefix.MatchString(ev.typeName)):
			delegateCount++
		case ev.kind == kindAttribute && svcPrefix.MatchString(ev.typeName):
			serviceCount++
		}
		auth.del(key)
		signing.del(key)
		pks.del(key)
		services.del(key)
	}

	doc := &did.Document{
		Context:            documentContext(),
		ID:                 didStr,
		VerificationMethod: []did.VerificationMethod{},
		Authentication:     []did.VerificationRef{},
		AssertionMethod:    []did.VerificationRef{},
	}
	out.doc = doc
	if out.deactivated {
		return out
	}
	doc.VerificationMethod = append(doc.VerificationMethod, did.VerificationMethod{
		ID:                  didStr + "#controller",
		Type:                TypeRecovery2020,
		Controller:          didStr,
		BlockchainAccountID: "eip155:" + chainID.String() + ":" + controller.Hex(),
	})
	doc.Authentication = append(doc.Authentication, did.Ref(didStr+"#controller"))
	doc.AssertionMethod = append(doc.AssertionMethod, did.Ref(didStr+"#controller"))
	if controllerKey != "" && controller == address {
		doc.VerificationMethod = append(doc.VerificationMethod, did.VerificationMethod{
			ID:           didStr + "#controllerKey",
			Type:         TypeSecp256k1Key2019,
			Controller:   didStr,
			PublicKeyHex: controllerKey,
		})
		doc.Authentication = append(doc.Authentication, did.Ref(didStr+"#controllerKey"))
		doc.AssertionMethod = append(doc.AssertionMethod, did.Ref(didStr+"#controllerKey"))
	}
	doc.VerificationMethod = append(doc.VerificationMethod, pks.values()...)
	for _, id := range auth.values() {
		doc.Authentication = append(doc.Authentication, did.Ref(id))
	}
	for _, id := range signing.values() {
		doc.AssertionMethod = append(doc.AssertionMethod, did.Ref(id))
	}
	if svcs := services.values(); len(svcs) > 0 {
		doc.Service = svcs
	}
	if ka := keyAgreement.values(); len(ka) > 0 {
		for _, id := range ka {
			doc.KeyAgreement = append(doc.KeyAgreement, did.Ref(id))
		}
	}
	return out
}

// pubKeyType computes the reference's
// legacyAlgoMap[`${algorithm}${legacyAttrTypes[type] || type}`] || algorithm.
//
// Known divergence: when algorithm+type spells a member of
// Object.prototype (e.g. did/pub/toStr/ing) the reference sets the type to
// a function, which JSON drops; we write the algorithm.
func pubKeyType(algorithm, typeSeg string, hasType bool) string {
	var t string
	switch {
	case !hasType:
		t = "undefined"
	case legacyAttrTypes[typeSeg] != "":
		t = legacyAttrTypes[typeSeg]
	case jsObjectPrototype[typeSeg]:
		// The lookup yields a function whose source text never names a
		// legacyAlgoMap entry: the result is the algorithm.
		return algorithm
	default:
		t = typeSeg
	}
	if mapped, ok := legacyAlgoMap[algorithm+t]; ok {
		return mapped
	}
	return algorithm
}

// setKeyMaterial sets the key member the reference writes for encoding;
// false means the reference skips the key (PEM that is not UTF-8).
// Members outside the data model (publicKeyBase64, publicKeyPem, value)
// and empty values go to Extra so that they are written as the reference
// writes them.
func setKeyMaterial(vm *did.VerificationMethod, encoding string, hasEncoding bool, value []byte) bool {
	extra := func(name, v string) {
		raw, _ := json.Marshal(v)
		vm.Extra = map[string]json.RawMessage{name: raw}
	}
	switch {
	case !hasEncoding || encoding == "hex":
		if len(value) == 0 {
			extra("publicKeyHex", "")
		} else {
			vm.PublicKeyHex = hex.EncodeToString(value)
		}
	case encoding == "base64":
		extra("publicKeyBase64", base64.StdEncoding.EncodeToString(value))
	case encoding == "base58":
		if s := did.EncodeBase58(value); s != "" {
			vm.PublicKeyBase58 = s
		} else {
			extra("publicKeyBase58", "")
		}
	case encoding == "pem":
		if !utf8.Valid(value) {
			return false
		}
		extra("publicKeyPem", string(value))
	default:
		extra("value", hex.EncodeToString(value))
	}
	return true
}
