package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode"

	"github.com/go-playground/validator/v10"
)

// maxJSONDepth bounds the nesting of request bodies.
const maxJSONDepth = 32

// newValidator returns the validator used for every request body: field
// names in messages are the JSON member names, and the "nocontrol" rule
// rejects strings with control characters.
func newValidator() (*validator.Validate, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			return ""
		case "":
			return f.Name
		}
		return name
	})
	err := v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
		f := fl.Field()
		if f.Kind() != reflect.String {
			return false
		}
		return !strings.ContainsFunc(f.String(), unicode.IsControl)
	})
	if err != nil {
		return nil, fmt.Errorf("api: register nocontrol rule: %w", err)
	}
	return v, nil
}

// decodeJSON reads the request body into dst and validates it. The body
// must be declared application/json (charset utf-8 if given), be one JSON
// value with no duplicate member names, no unknown fields and nothing after
// it, and satisfy dst's validate tags. Errors are apiErrors (or a
// *http.MaxBytesError for an oversize body).
func (s *server) decodeJSON(r *http.Request, dst any) error {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" ||
		(params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		return &apiError{kind: kindUnsupportedMediaType, err: err,
			detail: fmt.Sprintf("the request body must be application/json, not %q", ct)}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return &apiError{kind: kindInvalidRequest, err: err, detail: "the request body could not be read"}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &apiError{kind: kindInvalidRequest, detail: "the request body is empty"}
	}
	if err := checkJSON(body, maxJSONDepth); err != nil {
		return &apiError{kind: kindInvalidRequest, err: err, detail: err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return &apiError{kind: kindInvalidRequest, err: err, detail: decodeDetail(err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &apiError{kind: kindInvalidRequest, detail: "the request body has data after the JSON value"}
	}
	if err := s.validate.Struct(dst); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) {
			return &apiError{kind: kindValidation, err: err, detail: "the request body is invalid", fields: fieldErrors(verrs)}
		}
		return fmt.Errorf("validate %T: %w", dst, err)
	}
	return nil
}

// decodeDetail describes a json.Decoder error for the client.
func decodeDetail(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "the request body must be a JSON object"
		}
		return fmt.Sprintf("field %q must be of type %s", typ.Field, jsonTypeName(typ.Type))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: unexpected end of input"
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + name
	}
	return "the request body is not valid JSON for this operation"
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}

// checkJSON walks data once and rejects malformed JSON, nesting deeper than
// maxDepth, and objects with duplicate member names. Names are compared
// after Unicode simple case folding, because encoding/json matches struct
// fields case-insensitively: {"label":"a","LABEL":"b"} would otherwise let
// the second member silently win.
func checkJSON(data []byte, maxDepth int) error {
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]struct{}
	}
	var stack []*frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return errors.New("malformed JSON: unexpected end of input")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed JSON: %w", err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxDepth {
					return fmt.Errorf("the JSON value nests deeper than %d levels", maxDepth)
				}
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				top := stack[n-1]
				k := foldKey(t)
				if _, dup := top.keys[k]; dup {
					return fmt.Errorf("duplicate member name %q", t)
				}
				if top.keys == nil {
					top.keys = make(map[string]struct{})
				}
				top.keys[k] = struct{}{}
				top.wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// foldKey maps s to a canonical member of its case-folding class, so that
// foldKey(a) == foldKey(b) exactly when strings.EqualFold(a, b).
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// writeJSON marshals v and writes it with the given status and content type.
// A value that does not marshal becomes a 500 problem.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.writeProblem(w, r, fmt.Errorf("marshal %T: %w", v, err))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
