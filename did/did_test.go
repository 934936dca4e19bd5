package did

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// parseCases are shared by TestParse and the FuzzParse seed corpus.
var parseCases = []struct {
	in      string
	want    DID
	wantErr bool
}{
	{in: "did:example:123456789abcdefghi", want: DID{"example", "123456789abcdefghi"}},
	{in: "did:web:example.com", want: DID{"web", "example.com"}},
	{in: "did:web:example.com%3A8443:user:alice", want: DID{"web", "example.com%3A8443:user:alice"}},
	{in: "did:ethr:0x5:0xb9c5714089478a327f09197987f16f9e5d936e8a", want: DID{"ethr", "0x5:0xb9c5714089478a327f09197987f16f9e5d936e8a"}},
	{in: "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a", want: DID{"pkh", "eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a"}},
	{in: "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", want: DID{"key", "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}},
	{in: "did:m2:a", want: DID{"m2", "a"}},
	{in: "did:0:a", want: DID{"0", "a"}},
	{in: "did:x:A.b-c_d", want: DID{"x", "A.b-c_d"}},
	{in: "did:x:%41%aF", want: DID{"x", "%41%aF"}},
	// Empty segments are allowed: *( *idchar ":" ) 1*idchar.
	{in: "did:x::a", want: DID{"x", ":a"}},
	{in: "did:x:a::b", want: DID{"x", "a::b"}},
	{in: "did:x:" + strings.Repeat("a", MaxLength-len("did:x:")), want: DID{"x", strings.Repeat("a", MaxLength-len("did:x:"))}},

	{in: "", wantErr: true},
	{in: "did", wantErr: true},
	{in: "did:", wantErr: true},
	{in: "did:x", wantErr: true},
	{in: "did:x:", wantErr: true},
	{in: "did::a", wantErr: true},
	{in: "DID:x:a", wantErr: true},
	{in: "did:Example:a", wantErr: true},  // upper-case method
	{in: "did:ex-ample:a", wantErr: true}, // '-' not a method-char
	{in: "did:ex_ample:a", wantErr: true},
	{in: "did:ex.ample:a", wantErr: true},
	{in: "did:x:a:", wantErr: true}, // trailing colon
	{in: "did:x:a::", wantErr: true},
	{in: "did:x::", wantErr: true},
	{in: "did:x:a b", wantErr: true},
	{in: "did:x:a/b", wantErr: true},
	{in: "did:x:a?b", wantErr: true},
	{in: "did:x:a#b", wantErr: true},
	{in: "did:x:a~b", wantErr: true}, // '~' is unreserved in URIs but not an idchar
	{in: "did:x:a@b", wantErr: true},
	{in: "did:x:%", wantErr: true},
	{in: "did:x:%4", wantErr: true},
	{in: "did:x:a%4", wantErr: true},
	{in: "did:x:%4g", wantErr: true},
	{in: "did:x:%G1", wantErr: true},
	{in: "did:x:é", wantErr: true},
	{in: "did:x:a\x00", wantErr: true},
	{in: " did:x:a", wantErr: true},
	{in: "did:x:a\n", wantErr: true},
	{in: "did:x:" + strings.Repeat("a", MaxLength-len("did:x:")+1), wantErr: true}, // length limit
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(truncate(tc.in), func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error", tc.in, got)
				}
				if !errors.Is(err, ErrInvalidDID) {
					t.Fatalf("Parse(%q) error %v does not wrap ErrInvalidDID", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if s := got.String(); s != tc.in {
				t.Fatalf("String() = %q, want %q", s, tc.in)
			}
		})
	}
}

func TestDIDZero(t *testing.T) {
	var d DID
	if !d.IsZero() || d.String() != "" {
		t.Fatalf("zero DID: IsZero %v String %q", d.IsZero(), d.String())
	}
	if MustParse("did:x:y").IsZero() {
		t.Fatal("parsed DID reports IsZero")
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse of an invalid DID did not panic")
		}
	}()
	MustParse("did:x:")
}

var parseURLCases = []struct {
	in      string
	want    URL
	wantErr bool
}{
	{in: "did:example:123", want: URL{DID: DID{"example", "123"}}},
	{in: "did:example:123#key-1", want: URL{DID: DID{"example", "123"}, Fragment: "key-1", HasFragment: true}},
	{in: "did:example:123#", want: URL{DID: DID{"example", "123"}, HasFragment: true}},
	{in: "did:example:123?", want: URL{DID: DID{"example", "123"}, HasQuery: true}},
	{in: "did:example:123/", want: URL{DID: DID{"example", "123"}, Path: "/"}},
	{in: "did:example:123/path/to//x", want: URL{DID: DID{"example", "123"}, Path: "/path/to//x"}},
	{in: "did:example:123?service=agent&relativeRef=/credentials#degree", want: URL{
		DID: DID{"example", "123"}, Query: "service=agent&relativeRef=/credentials", HasQuery: true, Fragment: "degree", HasFragment: true,
	}},
	{in: "did:example:123?versionTime=2021-05-10T17:00:00Z", want: URL{DID: DID{"example", "123"}, Query: "versionTime=2021-05-10T17:00:00Z", HasQuery: true}},
	{in: "did:example:123/a%20b?q=%2F#f?/x", want: URL{DID: DID{"example", "123"}, Path: "/a%20b", Query: "q=%2F", HasQuery: true, Fragment: "f?/x", HasFragment: true}},
	{in: "did:example:123#frag?with?marks", want: URL{DID: DID{"example", "123"}, Fragment: "frag?with?marks", HasFragment: true}},
	{in: "did:example:123?q=a?b/c", want: URL{DID: DID{"example", "123"}, Query: "q=a?b/c", HasQuery: true}},
	{in: "did:example:123/!$&'()*+,;=:@~", want: URL{DID: DID{"example", "123"}, Path: "/!$&'()*+,;=:@~"}},
	{in: "did:web:example.com%3A8443:u#k", want: URL{DID: DID{"web", "example.com%3A8443:u"}, Fragment: "k", HasFragment: true}},

	{in: "", wantErr: true},
	{in: "#key-1", wantErr: true}, // relative: not a DID URL on its own
	{in: "did:example:123:#x", wantErr: true},
	{in: "did:example:#x", wantErr: true},
	{in: "did:Example:1#x", wantErr: true},
	{in: "did:example:123#a#b", wantErr: true},
	{in: "did:example:123#a b", wantErr: true},
	{in: "did:example:123?a b", wantErr: true},
	{in: "did:example:123/a b", wantErr: true},
	{in: "did:example:123/a%2", wantErr: true},
	{in: "did:example:123?a=%zz", wantErr: true},
	{in: "did:example:123#%", wantErr: true},
	{in: "did:example:123/[x]", wantErr: true},
	{in: "did:example:123#<script>", wantErr: true},
	{in: "did:example:123/\\", wantErr: true},
	{in: "did:example:123#é", wantErr: true},
	{in: "did:x:a#" + strings.Repeat("a", MaxLength), wantErr: true},
}

func TestParseURL(t *testing.T) {
	for _, tc := range parseURLCases {
		t.Run(truncate(tc.in), func(t *testing.T) {
			got, err := ParseURL(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseURL(%q) = %+v, want error", tc.in, got)
				}
				if !errors.Is(err, ErrInvalidDIDURL) {
					t.Fatalf("ParseURL(%q) error %v does not wrap ErrInvalidDIDURL", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseURL(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if s := got.String(); s != tc.in {
				t.Fatalf("String() = %q, want %q", s, tc.in)
			}
			if got.IsDID() != (tc.in == got.DID.String()) {
				t.Fatalf("IsDID() = %v for %q", got.IsDID(), tc.in)
			}
		})
	}
}

func TestParseURLWrapsDIDError(t *testing.T) {
	_, err := ParseURL("did:x:#frag")
	if !errors.Is(err, ErrInvalidDIDURL) || !errors.Is(err, ErrInvalidDID) {
		t.Fatalf("error %v should wrap both ErrInvalidDIDURL and ErrInvalidDID", err)
	}
}

func TestURLStringBuiltInCode(t *testing.T) {
	u := URL{DID: MustParse("did:x:y"), Path: "/p", Query: "a=b", Fragment: "f"}
	if got, want := u.String(), "did:x:y/p?a=b#f"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	if u.IsDID() {
		t.Fatal("IsDID() true for a URL with path, query and fragment")
	}
	if !(URL{DID: MustParse("did:x:y")}).IsDID() {
		t.Fatal("IsDID() false for a bare DID")
	}
}

func TestMustParseURLPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParseURL of an invalid DID URL did not panic")
		}
	}()
	MustParseURL("did:x:y#a#b")
}

func TestParams(t *testing.T) {
	tests := []struct {
		in      string
		want    url.Values
		wantErr bool
	}{
		{in: "did:example:123", want: url.Values{}},
		{in: "did:example:123?", want: url.Values{}},
		{in: "did:example:123?service=agent&relativeRef=/credentials#degree", want: url.Values{"service": {"agent"}, "relativeRef": {"/credentials"}}},
		{in: "did:example:123?versionId=1&versionId=2", want: url.Values{"versionId": {"1", "2"}}},
		// "+" is a plus sign in RFC 3986 queries, not a space.
		{in: "did:example:123?versionTime=2021-05-10T17:00:00+01:00", want: url.Values{"versionTime": {"2021-05-10T17:00:00+01:00"}}},
		{in: "did:example:123?relativeRef=%2Fa%20b", want: url.Values{"relativeRef": {"/a b"}}},
		{in: "did:example:123?a=1;b=2", want: url.Values{"a": {"1;b=2"}}},
		{in: "did:example:123?flag&&x=", want: url.Values{"flag": {""}, "x": {""}}},
		{in: "did:example:123?hl=zQm%3D%3D", want: url.Values{"hl": {"zQm=="}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := MustParseURL(tc.in).Params()
			if err != nil {
				t.Fatalf("Params(): %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Params() = %v, want %v", got, tc.want)
			}
		})
	}
	// ParseURL refuses bad escapes, but a URL built in code can carry one.
	u := URL{DID: MustParse("did:x:y"), Query: "a=%zz"}
	if _, err := u.Params(); !errors.Is(err, ErrInvalidDIDURL) {
		t.Fatalf("Params() with a bad escape: err = %v, want ErrInvalidDIDURL", err)
	}
	u.Query = "%zz=1"
	if _, err := u.Params(); !errors.Is(err, ErrInvalidDIDURL) {
		t.Fatalf("Params() with a bad escape in a name: err = %v, want ErrInvalidDIDURL", err)
	}
}

func TestResolveReference(t *testing.T) {
	base := MustParse("did:example:123")
	tests := []struct {
		ref, want string
	}{
		{"#key-1", "did:example:123#key-1"},
		{"?service=files", "did:example:123?service=files"},
		{"/path", "did:example:123/path"},
		{"did:other:456#k", "did:other:456#k"},
		{"did:example:123#key-1", "did:example:123#key-1"},
		{"https://example.com/x", "https://example.com/x"},
		{"key-1", "key-1"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			if got := ResolveReference(base, tc.ref); got != tc.want {
				t.Fatalf("ResolveReference(%v, %q) = %q, want %q", base, tc.ref, got, tc.want)
			}
		})
	}
}
