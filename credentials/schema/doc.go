// Package schema compiles the JSON Schema (2020-12) documents that describe
// a credential's subject, validates subjects against them with field-level
// errors, and reads the ordered, typed attribute list that the zero-knowledge
// format encodes (the x-chainid-zk extension).
//
// Schemas are registered per issuer by whoever stores them; this package
// only compiles and applies one. A consumer that stores schemas declares its
// own interface, for example
//
//	type Registry interface {
//		// Schema returns the compiled schema with the given $id registered
//		// by issuer, or an error wrapping a not-found sentinel.
//		Schema(ctx context.Context, issuer, id string) (*schema.Schema, error)
//	}
//
// # The x-chainid-zk extension
//
// A schema may carry, at its top level,
//
//	"x-chainid-zk": {"attributes": [
//	  {"name": "birthDate",   "type": "date"},
//	  {"name": "age",         "type": "integer"},
//	  {"name": "member",      "type": "boolean"},
//	  {"name": "nationality", "type": "enum", "values": ["DE", "FR", "NL"]},
//	  {"name": "familyName",  "type": "string"}
//	]}
//
// The order of the list is the order of the attributes in the ZK encoding
// (at most MaxZKAttributes). Each name is a top-level property of the
// subject that the schema declares in "properties" and lists in "required",
// with a JSON Schema type matching the attribute type: integer →
// "type": "integer"; date → "type": "string" with "format": "date";
// boolean → "type": "boolean"; string → "type": "string"; enum → an "enum"
// keyword whose values are exactly the listed strings, in the same order
// (the ZK encoding uses the position). Other members are refused, so a typo
// never silently drops an attribute.
//
// # Security considerations
//
// Compilation never touches the network or the file system: the only
// resources a schema may reference are itself and the JSON Schema
// meta-schemas compiled into the jsonschema library; every other $ref is
// refused at compile time. Only 2020-12 schemas are accepted. Schemas and
// subjects are size-limited and refused when they name a member twice.
// Format keywords are asserted (a "date" must be a date). Regular
// expressions use Go's RE2 engine, so pattern matching runs in linear time.
package schema
