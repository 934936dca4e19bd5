package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/api/vplogin"
	"github.com/chainid/chainid/verifier/oid4vp"
)

// vpLoginMappingFile is the claim mapping file in the data dir; without it
// the bridge uses vplogin.DefaultTable over this server's schemas.
const vpLoginMappingFile = "vplogin.json"

// maxMappingBytes bounds the mapping file.
const maxMappingBytes = 1 << 20

// vpLoginState is the wired state of the credential and ZK login: built
// on first use by vpLoginAPI, once the public URL and the provider exist.
type vpLoginState struct {
	once   sync.Once
	bridge *vplogin.Bridge
}

// newVPLoginServices wires the credential and ZK login into s.
func newVPLoginServices(s *services) error {
	s.vplogin = &vpLoginState{}
	return nil
}

// vpLoginAPI is what the HTTP API serves for the credential and ZK login;
// nil answers 501. It needs the OpenID provider (oidcservices.go) and the
// OpenID4VP verifier (presentservices.go), and registers the login method
// with the provider on the first call (by serve, after the public URL is
// known).
func (s *services) vpLoginAPI() api.VPLogin {
	st := s.vplogin
	st.once.Do(func() {
		ctx := context.Background()
		p, err := s.oidcProvider(ctx)
		if err != nil || p == nil || s.publicURL == "" {
			return // oidcAPI logs why
		}
		b, err := vplogin.New(p, vpPresentations{s}, s.store.OID4VCI(), vplogin.Config{
			BaseURL: s.publicURL,
			Table:   s.vpLoginTable,
			Logger:  s.log.With("area", "vplogin"),
		})
		if err == nil {
			err = p.RegisterMethod(b)
		}
		if err != nil {
			s.log.Error("credential login is disabled", "error", err.Error())
			return
		}
		st.bridge = b
	})
	if st.bridge == nil {
		return nil
	}
	return st.bridge
}

// vpPresentations gives the bridge the OpenID4VP verifier, built on first
// use (presentservices.go).
type vpPresentations struct{ s *services }

func (p vpPresentations) Create(ctx context.Context, req oid4vp.CreateRequest) (*oid4vp.Created, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Create(ctx, req)
}

func (p vpPresentations) Status(ctx context.Context, id, code string) (*oid4vp.Status, error) {
	svc, err := p.s.oid4vp(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Status(ctx, id, code)
}

// vpLoginTable is the claim mapping in force: DATA/vplogin.json when it
// exists, else the default table over this server's registered schemas
// (SD-JWT VC claims of any of them; age predicates over a ZK schema with a
// birthDate date attribute, from the issuers that registered it). It is
// read per login, so edits apply to the next login.
func (s *services) vpLoginTable(ctx context.Context) (*vplogin.Table, error) {
	path := filepath.Join(s.cfg.Data, vpLoginMappingFile)
	f, err := os.Open(path)
	switch {
	case err == nil:
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxMappingBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if len(b) > maxMappingBytes {
			return nil, fmt.Errorf("%s is larger than %d bytes", path, maxMappingBytes)
		}
		t, err := vplogin.ParseTable(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return t, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	var d vplogin.Defaults
	issuers, err := s.issuer.Issuers(ctx)
	if err != nil {
		return nil, err
	}
	for _, is := range issuers {
		schemas, err := s.issuer.Schemas(ctx, is.DID)
		if err != nil {
			return nil, err
		}
		for _, sc := range schemas {
			if !slices.Contains(d.CredentialTypes, sc.ID) {
				d.CredentialTypes = append(d.CredentialTypes, sc.ID)
			}
			if hasZKDate(sc.Raw, "birthDate") && (d.ZKSchema == "" || d.ZKSchema == sc.ID) {
				d.ZKSchema = sc.ID
				if !slices.Contains(d.ZKIssuers, is.DID) {
					d.ZKIssuers = append(d.ZKIssuers, is.DID)
				}
			}
		}
	}
	return vplogin.DefaultTable(d), nil
}

// hasZKDate reports whether a schema's x-chainid-zk attribute list has a
// date attribute name.
func hasZKDate(raw []byte, name string) bool {
	var sc struct {
		ZK struct {
			Attributes []struct{ Name, Type string } `json:"attributes"`
		} `json:"x-chainid-zk"`
	}
	if json.Unmarshal(raw, &sc) != nil {
		return false
	}
	return slices.ContainsFunc(sc.ZK.Attributes, func(a struct{ Name, Type string }) bool {
		return a.Name == name && a.Type == "date"
	})
}
