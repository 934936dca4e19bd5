package zkcred_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/chainid/chainid/credentials/schema"
	"github.com/chainid/chainid/credentials/zkcred"
	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/zkp"
)

// An issuer encodes a subject under its schema's x-chainid-zk layout and
// signs it; a holder parses the document and checks the signature with the
// key anchored in the issuer's DID document.
func Example() {
	sch, _ := schema.Compile([]byte(testSchema))
	specs, _ := zkcred.Layout(sch)
	attrs, err := zkcred.EncodeSubject(specs, json.RawMessage(testSubject))
	if err != nil {
		panic(err)
	}
	// The holder keeps its secret and sends only the commitment.
	secret, _ := zkp.NewHolderSecret(nil)
	commitment, _ := zkcred.ParseHolderCommitment(zkp.FormatElement(zkp.HolderCommitment(secret)))

	key, _ := zkp.GenerateIssuerKey(nil)
	cred, err := zkcred.Issue(key, zkcred.Claims{
		ID: "urn:uuid:0b8f1c3e-5d1a-4f7e-9a55-1c2d3e4f5a6b", Issuer: testIssuer, SchemaID: sch.ID(),
		Attributes: attrs, HolderCommitment: commitment, StatusListURL: testList, StatusIndex: 17,
		IssuedAt: time.Now(), ExpiresAt: time.Now().AddDate(1, 0, 0),
	})
	if err != nil {
		panic(err)
	}
	doc, _ := cred.MarshalJSON()

	// The issuer's DID document, as the resolver returns it from the chain.
	ep := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	ddoc := &did.Document{ID: testIssuer, Service: []did.Service{
		{ID: testIssuer + "#service-1", Type: did.Strings(zkcred.ServiceIssuerKey), ServiceEndpoint: ep(zkcred.IssuerKeyValue(1, key.Public()))},
		{ID: testIssuer + "#service-2", Type: did.Strings(zkcred.ServiceStatusRoot), ServiceEndpoint: ep(zkcred.StatusRootValue(1, zkp.EncodeInteger(0)))},
	}}
	anchors, err := zkcred.ReadAnchors(ddoc)
	if err != nil {
		panic(err)
	}
	held, err := zkcred.Parse(doc)
	if err != nil {
		panic(err)
	}
	fmt.Println(held.AttributeNames())
	fmt.Println("signature valid:", held.Verify(anchors.IssuerKey) == nil)
	hc := held.HolderCommitment()
	fmt.Println("bound to my secret:", hc.Equal(&commitment))
	// Output:
	// [birthDate age member nationality familyName]
	// signature valid: true
	// bound to my secret: true
}

// ReadAnchors takes the newest value of each kind.
func ExampleReadAnchors() {
	key, _ := zkp.GenerateIssuerKey(nil)
	ep := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	doc := &did.Document{ID: testIssuer, Service: []did.Service{
		{ID: testIssuer + "#service-1", Type: did.Strings(zkcred.ServiceIssuerKey), ServiceEndpoint: ep(zkcred.IssuerKeyValue(1, key.Public()))},
		{ID: testIssuer + "#service-2", Type: did.Strings(zkcred.ServiceStatusRoot), ServiceEndpoint: ep(zkcred.StatusRootValue(7, zkp.EncodeInteger(7)))},
		{ID: testIssuer + "#service-3", Type: did.Strings(zkcred.ServiceStatusRoot), ServiceEndpoint: ep(zkcred.StatusRootValue(6, zkp.EncodeInteger(6)))},
	}}
	a, err := zkcred.ReadAnchors(doc)
	if err != nil {
		panic(err)
	}
	fmt.Println(a.StatusRootSeq, a.HasVerifyingKeyDigest)
	// Output: 7 false
}
