package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/chainid/chainid/did"
	"github.com/chainid/chainid/resolver"
)

// exampleMethod is a DID method serving fixed documents, standing in for
// did/key, did/web and the others.
type exampleMethod map[string]string

func (m exampleMethod) Resolve(_ context.Context, id did.DID, _ did.ResolveOptions) (*did.Document, did.DocumentMetadata, error) {
	raw, ok := m[id.String()]
	if !ok {
		return nil, did.DocumentMetadata{}, fmt.Errorf("%s: %w", id, did.ErrNotFound)
	}
	doc, err := did.ParseDocument([]byte(raw))
	return doc, did.DocumentMetadata{}, err
}

func newExampleResolver() *resolver.Resolver {
	r, err := resolver.New(resolver.Config{
		Methods: map[string]resolver.Method{
			"example": exampleMethod{
				"did:example:123": `{
  "@context": "https://www.w3.org/ns/did/v1",
  "id": "did:example:123",
  "verificationMethod": [{"id": "#key-1", "type": "Multikey", "controller": "did:example:123",
    "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}],
  "service": [{"id": "#agent", "type": "DIDCommMessaging", "serviceEndpoint": "https://agent.example.com/messages/"}]
}`,
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	return r
}

func ExampleNew() {
	r, err := resolver.New(resolver.Config{
		Methods: map[string]resolver.Method{"example": exampleMethod{}},
		// Cache: a resolver.Cache such as the bbolt store; nil disables caching.
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Methods())

	_, err = resolver.New(resolver.Config{Methods: map[string]resolver.Method{"Example": exampleMethod{}}})
	fmt.Println(err != nil)
	// Output:
	// [example]
	// true
}

func ExampleResolver_Resolve() {
	r := newExampleResolver()
	ctx := context.Background()

	res, err := r.Resolve(ctx, "did:example:123", resolver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Document.ID, res.ResolutionMetadata.ContentType)

	for _, id := range []string{"did:example:456", "did:other:123", "example:123"} {
		res, err := r.Resolve(ctx, id, resolver.Options{})
		var rerr *resolver.Error
		fmt.Println(id, res.ResolutionMetadata.Error, errors.As(err, &rerr) && rerr.Code == res.ResolutionMetadata.Error)
	}
	// Output:
	// did:example:123 application/did+json
	// did:example:456 notFound true
	// did:other:123 methodNotSupported true
	// example:123 invalidDid true
}

func ExampleResolver_Dereference() {
	r := newExampleResolver()
	ctx := context.Background()

	key, err := r.Dereference(ctx, "did:example:123#key-1", resolver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.ContentType, string(key.ContentStream))

	link, err := r.Dereference(ctx, "did:example:123?service=agent&relativeRef=/inbox%3Fid%3D7", resolver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link.Redirect)

	_, err = r.Dereference(ctx, "did:example:123#key-2", resolver.Options{})
	fmt.Println(err)
	// Output:
	// application/json {"id":"#key-1","type":"Multikey","controller":"did:example:123","publicKeyMultibase":"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}
	// https://agent.example.com/inbox?id=7
	// notFound: dereference did:example:123#key-2: DID not found: no verification method or service "#key-2" in did:example:123
}
