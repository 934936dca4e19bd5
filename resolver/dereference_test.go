package resolver

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/chainid/chainid/did"
)

func TestDereference(t *testing.T) {
	r, _, _, _ := newTestResolver(t, nil)
	tests := []struct {
		name     string
		url      string
		accept   string
		code     string // expected error code; "" for success
		ctype    string
		id       string // "id" member of the content, when it is an object
		redirect string
	}{
		{name: "document", url: "did:ex:alice", ctype: MediaDIDJSON, id: "did:ex:alice"},
		{name: "document as JSON-LD", url: "did:ex:alice", accept: MediaDIDLDJSON, ctype: MediaDIDLDJSON, id: "did:ex:alice"},
		{name: "empty query", url: "did:ex:alice?", ctype: MediaDIDJSON, id: "did:ex:alice"},
		{name: "fragment to relative VM id", url: "did:ex:alice#key-1", ctype: MediaJSON, id: "#key-1"},
		{name: "fragment to absolute VM id", url: "did:ex:alice#key-2", ctype: MediaJSON, id: "did:ex:alice#key-2"},
		{name: "fragment to embedded VM", url: "did:ex:alice#embedded", ctype: MediaJSON, id: "#embedded"},
		{name: "fragment to service", url: "did:ex:alice#agent", ctype: MediaJSON, id: "#agent"},
		{name: "fragment to absolute service id", url: "did:ex:alice#files", ctype: MediaJSON, id: "did:ex:alice#files"},
		{name: "missing fragment", url: "did:ex:alice#key-9", code: CodeNotFound},
		{name: "empty fragment", url: "did:ex:alice#", code: CodeNotFound},
		{name: "fragment is case-sensitive", url: "did:ex:alice#KEY-1", code: CodeNotFound},

		{name: "service", url: "did:ex:alice?service=agent", ctype: MediaJSON, id: "#agent",
			redirect: "https://agent.example.com/a/b/"},
		{name: "service by absolute id", url: "did:ex:alice?service=did%3Aex%3Aalice%23agent", ctype: MediaJSON, id: "#agent",
			redirect: "https://agent.example.com/a/b/"},
		{name: "service with fragment", url: "did:ex:alice?service=agent#intro", ctype: MediaJSON, id: "#agent",
			redirect: "https://agent.example.com/a/b/#intro"},
		{name: "service endpoint array: first URI", url: "did:ex:alice?service=files", ctype: MediaJSON, id: "did:ex:alice#files",
			redirect: "https://files.example.com/root/index.html?x=1"},
		{name: "map endpoint: no redirect", url: "did:ex:alice?service=map", ctype: MediaJSON, id: "#map"},
		{name: "unknown service", url: "did:ex:alice?service=nope", code: CodeNotFound},
		{name: "empty service", url: "did:ex:alice?service=", code: CodeInvalidDIDURL},
		{name: "fragment conflict", url: "did:ex:alice?service=withfrag#other", code: CodeInvalidDIDURL},
		{name: "endpoint fragment kept", url: "did:ex:alice?service=withfrag", ctype: MediaJSON, id: "#withfrag",
			redirect: "https://frag.example.com/p#top"},

		{name: "relativeRef absolute path (encoded)", url: "did:ex:alice?service=agent&relativeRef=%2Fmsgs%3Fid%3D1",
			ctype: MediaJSON, redirect: "https://agent.example.com/msgs?id=1"},
		{name: "relativeRef dot segments", url: "did:ex:alice?service=agent&relativeRef=../c?x=1",
			ctype: MediaJSON, redirect: "https://agent.example.com/a/c?x=1"},
		{name: "relativeRef too many dot segments", url: "did:ex:alice?service=agent&relativeRef=../../../../etc",
			ctype: MediaJSON, redirect: "https://agent.example.com/etc"},
		{name: "relativeRef relative path", url: "did:ex:alice?service=agent&relativeRef=c/d",
			ctype: MediaJSON, redirect: "https://agent.example.com/a/b/c/d"},
		{name: "relativeRef query only", url: "did:ex:alice?service=agent&relativeRef=%3Fq%3D2",
			ctype: MediaJSON, redirect: "https://agent.example.com/a/b/?q=2"},
		{name: "relativeRef against a file", url: "did:ex:alice?service=files&relativeRef=other.html",
			ctype: MediaJSON, redirect: "https://files.example.com/root/other.html"},
		{name: "relativeRef with DID URL fragment", url: "did:ex:alice?service=agent&relativeRef=/credentials#degree",
			ctype: MediaJSON, redirect: "https://agent.example.com/credentials#degree"},
		{name: "relativeRef with versionId", url: "did:ex:alice?service=agent&relativeRef=/x&versionId=1",
			code: CodeNotFound}, // version 1 does not exist
		{name: "relativeRef absolute URI", url: "did:ex:alice?service=agent&relativeRef=https%3A%2F%2Fevil.example%2F",
			code: CodeInvalidDIDURL},
		{name: "relativeRef network path", url: "did:ex:alice?service=agent&relativeRef=//evil.example/x",
			code: CodeInvalidDIDURL},
		{name: "relativeRef scheme-like", url: "did:ex:alice?service=agent&relativeRef=javascript:alert(1)",
			code: CodeInvalidDIDURL},
		{name: "relativeRef on map endpoint", url: "did:ex:alice?service=map&relativeRef=/x", code: CodeNotFound},
		{name: "relativeRef on opaque endpoint", url: "did:ex:alice?service=opaque&relativeRef=/x", code: CodeNotFound},
		{name: "relativeRef without service", url: "did:ex:alice?relativeRef=/x", code: CodeInvalidDIDURL},
		{name: "duplicate service", url: "did:ex:alice?service=agent&service=files", code: CodeInvalidDIDURL},
		{name: "duplicate versionId", url: "did:ex:alice?versionId=1&versionId=2", code: CodeInvalidDIDURL},

		{name: "versionId", url: "did:ex:alice?versionId=2", ctype: MediaDIDJSON, id: "did:ex:alice"},
		{name: "versionId and fragment", url: "did:ex:alice?versionId=2#key-v2", ctype: MediaJSON, id: "#key-v2"},
		{name: "key absent from version", url: "did:ex:alice?versionId=2#key-1", code: CodeNotFound},
		{name: "key absent from current", url: "did:ex:alice#key-v2", code: CodeNotFound},
		{name: "versionTime and fragment", url: "did:ex:alice?versionTime=2020-01-01T00:00:00Z#key-v2", ctype: MediaJSON, id: "#key-v2"},
		{name: "unknown version", url: "did:ex:alice?versionId=7", code: CodeNotFound},

		{name: "hashlink not supported", url: "did:ex:alice?hl=zQmWvQxTqbG2Z9HPJgG57jjwR154cKhbtJenbyYTWkjgF3e", code: CodeNotFound},
		{name: "unknown parameter", url: "did:ex:alice?foo=bar", code: CodeNotFound},
		{name: "path", url: "did:ex:alice/some/path", code: CodeNotFound},
		{name: "path with fragment", url: "did:ex:alice/p#key-1", code: CodeNotFound},

		{name: "deactivated document", url: "did:ex:gone", ctype: MediaDIDJSON, id: "did:ex:gone"},
		{name: "deactivated key", url: "did:ex:gone#key-1", code: CodeDeactivated},
		{name: "deactivated service", url: "did:ex:gone?service=x", code: CodeDeactivated},

		{name: "unknown DID", url: "did:ex:missing#key-1", code: CodeNotFound},
		{name: "unknown method", url: "did:nope:alice#key-1", code: CodeMethodNotSupported},
		{name: "unsupported representation", url: "did:ex:alice", accept: "text/html", code: CodeRepresentationNotSupported},
		{name: "not a DID URL", url: "alice#key-1", code: CodeInvalidDIDURL},
		{name: "space in fragment", url: "did:ex:alice#key 1", code: CodeInvalidDIDURL},
		{name: "bad percent-encoding", url: "did:ex:alice?service=%zz", code: CodeInvalidDIDURL},
		{name: "empty", url: "", code: CodeInvalidDIDURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Dereference(t.Context(), tt.url, Options{Accept: tt.accept})
			if got == nil {
				t.Fatal("nil result")
			}
			if code := codeOf(err); code != tt.code || got.Metadata.Error != tt.code {
				t.Fatalf("code = %q, metadata %q (err %v); want %q", code, got.Metadata.Error, err, tt.code)
			}
			if tt.code != "" {
				if got.ContentStream != nil || got.Redirect != "" || got.Metadata.ErrorMessage == "" {
					t.Errorf("failed result: content %s redirect %q message %q", got.ContentStream, got.Redirect, got.Metadata.ErrorMessage)
				}
				return
			}
			if got.ContentType != tt.ctype || got.Metadata.ContentType != tt.ctype {
				t.Errorf("content type = %q / %q, want %q", got.ContentType, got.Metadata.ContentType, tt.ctype)
			}
			if got.Redirect != tt.redirect {
				t.Errorf("redirect = %q, want %q", got.Redirect, tt.redirect)
			}
			if got.ContentMeta == nil {
				t.Error("no content metadata")
			}
			if tt.id != "" {
				var obj struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(got.ContentStream, &obj); err != nil || obj.ID != tt.id {
					t.Errorf("content id = %q (%v), want %q; content %s", obj.ID, err, tt.id, got.ContentStream)
				}
			} else {
				var s string
				if err := json.Unmarshal(got.ContentStream, &s); err != nil || s != tt.redirect {
					t.Errorf("content = %s, want the URL %q", got.ContentStream, tt.redirect)
				}
			}
		})
	}
}

func TestDereferenceVersionPassesToMethod(t *testing.T) {
	r, f, _, _ := newTestResolver(t, nil)
	tests := []struct {
		url  string
		opts Options
		want did.ResolveOptions
	}{
		{"did:ex:alice?versionId=2#key-v2", Options{}, did.ResolveOptions{VersionID: "2"}},
		{"did:ex:alice?versionTime=2020-01-01T00:00:00Z", Options{}, did.ResolveOptions{VersionTime: "2020-01-01T00:00:00Z"}},
		{"did:ex:alice?versionId=2", Options{VersionID: "1"}, did.ResolveOptions{VersionID: "2"}}, // the DID URL wins
		{"did:ex:alice#key-v2", Options{VersionID: "2", NoCache: true}, did.ResolveOptions{VersionID: "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			tt.opts.NoCache = true
			if _, err := r.Dereference(t.Context(), tt.url, tt.opts); err != nil {
				t.Fatal(err)
			}
			if got := f.lastOpts(); got != tt.want {
				t.Errorf("method got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDereferenceDeactivated(t *testing.T) {
	r, _, _, _ := newTestResolver(t, nil)
	got, err := r.Dereference(t.Context(), "did:ex:gone", Options{})
	if err != nil || got.ContentMeta == nil || !got.ContentMeta.Deactivated {
		t.Fatalf("whole document: %v, %+v", err, got.ContentMeta)
	}
	got, err = r.Dereference(t.Context(), "did:ex:gone#key-1", Options{})
	if codeOf(err) != CodeDeactivated || got.ContentMeta == nil || !got.ContentMeta.Deactivated {
		t.Fatalf("key of deactivated DID: %v, %+v", err, got.ContentMeta)
	}
}

func TestDereferenceErrorWrapsSentinel(t *testing.T) {
	r, _, _, _ := newTestResolver(t, nil)
	for url, sentinel := range map[string]error{
		"did:ex:alice#nope":  did.ErrNotFound,
		"did:ex:missing":     did.ErrNotFound,
		"did:ex:alice#a b":   did.ErrInvalidDIDURL,
		"did:ex:alice?hl=x":  did.ErrNotFound,
		"did:nope:x":         did.ErrMethodNotSupported,
		"did:ex:alice?x=%zz": did.ErrInvalidDIDURL,
	} {
		_, err := r.Dereference(t.Context(), url, Options{})
		if !errors.Is(err, sentinel) {
			t.Errorf("%s: %v does not wrap %v", url, err, sentinel)
		}
	}
}

func FuzzDereference(f *testing.F) {
	for _, s := range []string{
		"did:ex:alice", "did:ex:alice#key-1", "did:ex:alice?service=agent&relativeRef=../x%3Fy#z",
		"did:ex:alice?service=files&relativeRef=//evil", "did:ex:alice?versionId=2#key-v2", "did:ex:gone#key-1",
		"did:ex:alice/path?hl=1", "did:nope:x", "did:ex:alice?service=opaque", "did:ex:alice?service=withfrag#x",
		"", "did:", "did:ex:%41?relativeRef=&service=agent",
	} {
		f.Add(s)
	}
	r, _, _, _ := newTestResolver(f, func(c *Config) { c.Cache = nil })
	f.Fuzz(func(t *testing.T, s string) {
		got, err := r.Dereference(t.Context(), s, Options{})
		if got == nil {
			t.Fatal("nil result")
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Code != got.Metadata.Error {
				t.Fatalf("error %v does not match metadata %q", err, got.Metadata.Error)
			}
			if got.ContentStream != nil || got.Redirect != "" {
				t.Fatalf("failed result carries content %q / redirect %q", got.ContentStream, got.Redirect)
			}
			return
		}
		if got.Metadata.Error != "" || got.ContentType == "" {
			t.Fatalf("success with metadata %+v", got.Metadata)
		}
		if got.ContentStream != nil && !json.Valid(got.ContentStream) {
			t.Fatalf("content is not JSON: %q", got.ContentStream)
		}
		if _, perr := did.ParseURL(s); perr != nil {
			t.Fatalf("accepted %q that ParseURL rejects: %v", s, perr)
		}
	})
}
