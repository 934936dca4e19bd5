package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chainid/chainid/did"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept string
		want   representation
	}{
		{"", repDIDJSON},
		{"   ", repDIDJSON},
		{"*/*", repDIDJSON},
		{"application/*", repDIDJSON},
		{"application/did+json", repDIDJSON},
		{"Application/DID+JSON", repDIDJSON},
		{"application/did+ld+json", repDIDLDJSON},
		{"application/json", repJSON},
		{`application/ld+json;profile="https://w3id.org/did-resolution"`, repResultLD},
		{`application/ld+json; profile="https://w3id.org/did-url-dereferencing"`, repResultLD},
		{`application/ld+json;profile="https://example.com/x https://w3id.org/did-resolution"`, repResultLD},
		{`application/ld+json;profile="https://example.com/a,b", application/did+json;q=0.1`, repDIDJSON},
		{"application/did-resolution", repResult},
		{"application/did-url-dereferencing", repResult},
		{"application/ld+json", repNone},
		{"text/html", repNone},
		{"image/*", repNone},
		{"application/did+json;q=0", repNone},
		{"application/did+json;q=0.2, application/json;q=0.9", repJSON},
		{"application/json;q=0.5, */*;q=0.5", repJSON},
		{"*/*;q=0.5, application/json;q=0.5", repJSON},
		{"*/*, application/json;q=0.5", repDIDJSON},
		{"application/did+json;q=0, application/did+ld+json;q=0, */*", repJSON},
		{"application/did+json;q=2", repNone},
		{"application/did+json;q=abc", repNone},
		{"application/did+json;q=-1, application/json", repJSON},
		{`;;;,"`, repNone},
		{"text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", repDIDJSON},
		{strings.Repeat("text/html, ", 40) + "application/did+json", repNone}, // beyond maxAcceptRanges
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			if got := negotiate(tt.accept); got != tt.want {
				t.Errorf("negotiate(%q) = %d, want %d", tt.accept, got, tt.want)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{}`, true},
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, true},
		{`{"a":"a","b":"a"}`, true},
		{`["a","a"]`, true},
		{`{"a":1,"a":2}`, false},
		{`{"a":{"x":1,"x":2}}`, false},
		{`[{"x":1,"X":2}]`, false},
		{`{"k":1,"\u212a":2}`, false}, // Kelvin sign folds to k, as encoding/json matches it
		{`{"s":1,"\u017f":2}`, false}, // long s folds to s
		{`{"a":[1,2],"b":{"c":{}},"a ":3}`, true},
		{`{"a":`, false},
		{`{"a" 1}`, false},
		{strings.Repeat("[", 33) + strings.Repeat("]", 33), false},
		{strings.Repeat("[", 32) + strings.Repeat("]", 32), true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := checkJSON([]byte(tt.in), maxJSONDepth)
			if (err == nil) != tt.ok {
				t.Errorf("checkJSON(%s) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func TestFoldKey(t *testing.T) {
	for _, pair := range [][2]string{{"Label", "lABEL"}, {"k", "\u212a"}, {"S", "\u017f"}, {"ß", "ẞ"}} {
		if foldKey(pair[0]) != foldKey(pair[1]) || !strings.EqualFold(pair[0], pair[1]) {
			t.Errorf("%q and %q fold differently", pair[0], pair[1])
		}
	}
	if foldKey("a") == foldKey("b") {
		t.Error("a and b fold together")
	}
}

// FuzzNegotiate: negotiation never panics and picks only representations
// named (or covered by a wildcard) in the header.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/did+json;q=0.3, application/json",
		`application/ld+json;profile="https://w3id.org/did-resolution"`, `a/b;q="1,2", */*;q=0`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		rep := negotiate(accept)
		if rep > repResult {
			t.Fatalf("unknown representation %d", rep)
		}
		if rep != repNone && strings.TrimSpace(accept) != "" && !strings.Contains(accept, "/") {
			t.Fatalf("negotiate(%q) = %d without any media type", accept, rep)
		}
	})
}

// FuzzIdentifierFromRequest: any request path and query yields either an
// error or a string that was then judged by did.ParseURL, and parsing
// never panics.
func FuzzIdentifierFromRequest(f *testing.F) {
	for _, s := range []string{"did:example:ok", "did%3Aexample%3Aok%23k?noCache=true", "did:example:ok%23k?service=a",
		"did:web:a.example%3A8080/p", "", "%23", "did%3A%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		req := httptest.NewRequest("GET", "/", nil)
		var err error
		if req.URL, err = req.URL.Parse("/1.0/identifiers/" + rest); err != nil {
			return
		}
		s, _, err := identifierFromRequest(req)
		if err != nil {
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("error %T is not an apiError", err)
			}
			return
		}
		if s == "" {
			t.Fatal("empty identifier without error")
		}
		if parsed, err := parseIdentifier(s); err == nil {
			if _, derr := did.ParseURL(parsed.String()); derr != nil {
				t.Fatalf("parsed %q does not reparse: %v", s, derr)
			}
		} else if _, ok := err.(*apiError); !ok {
			t.Fatalf("parse error %T is not an apiError", err)
		}
	})
}

// FuzzCheckJSON: the duplicate/depth check never panics and accepts only
// sequences of valid JSON values; re-encoding an accepted value keeps it
// accepted.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":2}`, `[[[]]]`, `{"a":{"b":[1,{"c":null}]}}`, `"x"`, `{"a"`, `1 2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSON(data, 8) != nil {
			return
		}
		// Numbers stay json.Number: 1e1000 is valid JSON even though it
		// overflows a float64 (the typed decode after checkJSON refuses it
		// with a 400); the invariant is syntax, not range.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		for {
			var v any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("checkJSON accepted %q, which does not decode: %v", data, err)
			}
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkJSON(again, 8); err != nil {
				t.Fatalf("re-encoded %s rejected: %v", again, err)
			}
		}
	})
}
