package schema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// Limits.
const (
	// MaxSchemaSize bounds a schema document.
	MaxSchemaSize = 256 << 10
	// MaxSubjectSize bounds a subject given to Validate.
	MaxSubjectSize = 1 << 20
	// MaxZKAttributes bounds the x-chainid-zk attribute list.
	MaxZKAttributes = 16
	// MaxEnumValues bounds the values of one enum attribute.
	MaxEnumValues = 256
)

// Draft2020 is the only $schema value accepted (it may also be omitted).
const Draft2020 = "https://json-schema.org/draft/2020-12/schema"

// ExtensionZK is the schema member that carries the ZK attribute list.
const ExtensionZK = "x-chainid-zk"

// ErrInvalidSchema reports a schema that does not compile or breaks a rule
// of this package.
var ErrInvalidSchema = errors.New("invalid credential schema")

// AttributeType is the type of a ZK attribute.
type AttributeType string

// Attribute types.
const (
	Integer AttributeType = "integer"
	Date    AttributeType = "date"
	Boolean AttributeType = "boolean"
	Enum    AttributeType = "enum"
	String  AttributeType = "string"
)

// Attribute is one entry of the ZK attribute list.
type Attribute struct {
	Name string
	Type AttributeType
	// Values are the enum values in encoding order (Enum only).
	Values []string
}

// FieldError is one validation failure: Path is a JSON Pointer into the
// subject ("" for the subject itself), Message says what is wrong.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (e FieldError) String() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Schema is a compiled credential schema. It is immutable and safe for
// concurrent use.
type Schema struct {
	id       string
	raw      []byte
	compiled *jsonschema.Schema
	zk       []Attribute
}

// refuseLoader is the URL loader of every compiler: it refuses all URLs.
// The meta-schemas are served by the library before a loader is asked.
type refuseLoader struct{}

func (refuseLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("external reference %s refused: schemas may reference only themselves and the JSON Schema meta-schemas", u)
}

// Compile parses and compiles a JSON Schema 2020-12 document. The schema
// must be an object with an absolute-URI "$id" (the id credentials cite in
// credentialSchema), may name only the 2020-12 meta-schema in "$schema", must
// not reference any other resource, and its x-chainid-zk extension, if
// present, must be well formed and agree with the schema. Errors wrap
// ErrInvalidSchema.
func Compile(raw []byte) (*Schema, error) {
	s, err := compile(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSchema, err)
	}
	return s, nil
}

func compile(raw []byte) (*Schema, error) {
	if len(raw) > MaxSchemaSize {
		return nil, fmt.Errorf("schema is %d bytes, limit %d", len(raw), MaxSchemaSize)
	}
	if err := checkDuplicates(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || top == nil {
		return nil, errors.New("a schema must be a JSON object")
	}
	var id string
	if err := json.Unmarshal(top["$id"], &id); err != nil || !absoluteURI(id) {
		return nil, errors.New(`"$id" must be an absolute URI without a fragment`)
	}
	if v, ok := top["$schema"]; ok {
		var s string
		if err := json.Unmarshal(v, &s); err != nil || s != Draft2020 {
			return nil, fmt.Errorf(`"$schema" must be %q`, Draft2020)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(refuseLoader{})
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	compiled, err := c.Compile(id)
	if err != nil {
		return nil, err
	}
	s := &Schema{id: id, raw: bytes.Clone(raw), compiled: compiled}
	if ext, ok := top[ExtensionZK]; ok {
		if s.zk, err = parseZK(ext, top); err != nil {
			return nil, fmt.Errorf("%s: %w", ExtensionZK, err)
		}
	}
	return s, nil
}

// ID returns the schema's $id.
func (s *Schema) ID() string { return s.id }

// Raw returns the schema document as it was compiled; the slice is the
// caller's own.
func (s *Schema) Raw() []byte { return bytes.Clone(s.raw) }

// ZKAttributes returns the ZK attribute list in encoding order, nil when the
// schema has none. The slice is the caller's own.
func (s *Schema) ZKAttributes() []Attribute {
	if s.zk == nil {
		return nil
	}
	out := make([]Attribute, len(s.zk))
	for i, a := range s.zk {
		out[i] = Attribute{Name: a.Name, Type: a.Type, Values: slices.Clone(a.Values)}
	}
	return out
}

// Validate validates a credential subject (one credentialSubject object as
// JSON) and returns every failure, leaf first, or nil when it is valid. A
// subject that is not JSON, is too large or names a member twice yields one
// FieldError at path "".
func (s *Schema) Validate(subject json.RawMessage) []FieldError {
	if len(subject) > MaxSubjectSize {
		return []FieldError{{Message: fmt.Sprintf("subject is %d bytes, limit %d", len(subject), MaxSubjectSize)}}
	}
	if err := checkDuplicates(subject); err != nil {
		return []FieldError{{Message: err.Error()}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(subject))
	if err != nil {
		return []FieldError{{Message: "subject is not valid JSON"}}
	}
	err = s.compiled.Validate(inst)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []FieldError{{Message: err.Error()}}
	}
	var out []FieldError
	collect(verr.BasicOutput(), &out)
	if len(out) == 0 {
		out = []FieldError{{Message: verr.Error()}}
	}
	return out
}

// collect appends the leaf errors of a basic output unit, skipping the
// summary units ("allOf failed", "validation failed") whose causes are
// listed too.
func collect(u *jsonschema.OutputUnit, out *[]FieldError) {
	for i := range u.Errors {
		e := &u.Errors[i]
		if e.Error == nil {
			continue
		}
		if len(u.Errors) > 1 && isSummary(e, u.Errors) {
			continue
		}
		add := func(fe FieldError) {
			if !slices.Contains(*out, fe) {
				*out = append(*out, fe)
			}
		}
		// Name the member itself for missing and unexpected properties,
		// so a form can point at the field.
		switch k := e.Error.Kind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				add(FieldError{Path: e.InstanceLocation + "/" + escapePointer(name), Message: "required property is missing"})
			}
		case *kind.AdditionalProperties:
			for _, name := range k.Properties {
				add(FieldError{Path: e.InstanceLocation + "/" + escapePointer(name), Message: "property is not allowed"})
			}
		default:
			add(FieldError{Path: e.InstanceLocation, Message: e.Error.String()})
		}
	}
	slices.SortStableFunc(*out, func(a, b FieldError) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Message, b.Message))
	})
}

// escapePointer escapes a member name as a JSON Pointer reference token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// isSummary reports whether e only summarises deeper errors: another unit
// has a keyword location strictly below e's.
func isSummary(e *jsonschema.OutputUnit, all []jsonschema.OutputUnit) bool {
	for i := range all {
		o := &all[i]
		if o != e && strings.HasPrefix(o.KeywordLocation, e.KeywordLocation+"/") {
			return true
		}
	}
	return false
}

func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Fragment == "" && !strings.ContainsAny(s, " \t\r\n#")
}
