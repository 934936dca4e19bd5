package schema_test

import (
	"encoding/json"
	"fmt"

	"github.com/chainid/chainid/credentials/schema"
)

const ageSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://issuer.example/schemas/age/1",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "birthDate": {"type": "string", "format": "date"},
    "country": {"type": "string", "enum": ["DE", "FR"]}
  },
  "required": ["birthDate", "country"],
  "additionalProperties": false,
  "x-chainid-zk": {"attributes": [
    {"name": "birthDate", "type": "date"},
    {"name": "country", "type": "enum", "values": ["DE", "FR"]}
  ]}
}`

func ExampleCompile() {
	s, err := schema.Compile([]byte(ageSchema))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.ID())
	// Output: https://issuer.example/schemas/age/1
}

func ExampleCompile_remoteRef() {
	_, err := schema.Compile([]byte(`{"$id": "https://issuer.example/s", "$ref": "https://evil.example/s.json"}`))
	fmt.Println(err != nil)
	// Output: true
}

func ExampleSchema_Validate() {
	s, err := schema.Compile([]byte(ageSchema))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Validate(json.RawMessage(`{"id": "did:example:alice", "birthDate": "2000-05-17", "country": "DE"}`)))
	for _, e := range s.Validate(json.RawMessage(`{"birthDate": "17.05.2000", "nickname": "Al"}`)) {
		fmt.Println(e.Path, "-", e.Message)
	}
	// Output:
	// []
	// /birthDate - '17.05.2000' is not valid date: parsing time "17.05.2000" as "2006-01-02": cannot parse "17.05.2000" as "2006"
	// /country - required property is missing
	// /nickname - property is not allowed
}

func ExampleSchema_ZKAttributes() {
	s, err := schema.Compile([]byte(ageSchema))
	if err != nil {
		panic(err)
	}
	for i, a := range s.ZKAttributes() {
		fmt.Println(i, a.Name, a.Type, a.Values)
	}
	// Output:
	// 0 birthDate date []
	// 1 country enum [DE FR]
}

func ExampleSchema_Raw() {
	s, _ := schema.Compile([]byte(`{"$id":"urn:example:s","type":"object"}`))
	fmt.Println(string(s.Raw()))
	// Output: {"$id":"urn:example:s","type":"object"}
}
