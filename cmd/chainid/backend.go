package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chainid/chainid/api"
	"github.com/chainid/chainid/internal/store"
	"github.com/chainid/chainid/resolver"
)

// backend is what CLI commands need: the local store when no server holds
// the data dir, or the running server's API when one does.
type backend interface {
	CreateKey(ctx context.Context, req api.CreateKeyRequest) (api.KeyInfo, error)
	ListKeys(ctx context.Context) ([]api.KeyInfo, error)
	Resolve(ctx context.Context, didOrURL string, opts resolver.Options) (*resolver.Result, error)
	api.DIDs
	api.Chains
	Close() error
}

// cliOpenTimeout is how long the CLI waits for the store lock before it
// looks for a running server.
const cliOpenTimeout = 300 * time.Millisecond

// openBackend opens the data dir's store, or, when a running server holds
// it, returns a client of that server's admin API.
func openBackend(ctx context.Context, cfg *Config) (backend, error) {
	if err := ensureDataDir(cfg.Data); err != nil {
		return nil, err
	}
	svc, err := openServices(ctx, cfg, nil, cliOpenTimeout, cliChainListen)
	if err == nil {
		return svc, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, err
	}
	si, serr := readServerInfo(cfg.Data)
	if serr != nil {
		return nil, fmt.Errorf("data dir %s is in use by another process and no running server is recorded in it", cfg.Data)
	}
	token, terr := readAdminToken(cfg.Data)
	if terr != nil {
		return nil, terr
	}
	return newRemoteBackend(si.URL, token)
}

// withBackend runs fn with a backend opened by openBackend and closes it.
func withBackend(c *cobra.Command, cfg *Config, fn func(ctx context.Context, b backend) error) error {
	ctx := c.Context()
	b, err := openBackend(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	return fn(ctx, b)
}

// remoteBackend talks to a chainid server over HTTP.
type remoteBackend struct {
	base   *url.URL
	token  string
	client *http.Client
}

func newRemoteBackend(base, token string) (*remoteBackend, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q must be an absolute http(s) URL", base)
	}
	return &remoteBackend{base: u, token: token, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (r *remoteBackend) Close() error { return nil }

func (r *remoteBackend) do(ctx context.Context, method, path, accept string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base.String()+path, rd)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("reach server %s: %w", r.base.Host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read response: %w", err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		var p struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		_ = json.Unmarshal(data, &p)
		msg := p.Detail
		if msg == "" {
			msg = p.Title
		}
		if msg == "" {
			msg = resp.Status
		}
		return resp.StatusCode, fmt.Errorf("server: %s", msg)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode response (%s): %w", resp.Status, err)
		}
	}
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusGone {
		return resp.StatusCode, fmt.Errorf("server answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

func (r *remoteBackend) CreateKey(ctx context.Context, req api.CreateKeyRequest) (api.KeyInfo, error) {
	var out api.KeyInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/admin/keys", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) ListKeys(ctx context.Context) ([]api.KeyInfo, error) {
	var out struct {
		Keys []api.KeyInfo `json:"keys"`
	}
	_, err := r.do(ctx, http.MethodGet, "/v1/admin/keys", "application/json", nil, &out)
	return out.Keys, err
}

func (r *remoteBackend) CreateDID(ctx context.Context, req api.CreateDIDRequest) (api.DIDInfo, error) {
	var out api.DIDInfo
	_, err := r.do(ctx, http.MethodPost, "/v1/dids", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) UpdateDID(ctx context.Context, id string, op api.DIDOperation) (api.OperationResult, error) {
	var out api.OperationResult
	_, err := r.do(ctx, http.MethodPost, "/v1/dids/"+url.PathEscape(id)+"/operations", "application/json", op, &out)
	return out, err
}

func (r *remoteBackend) ChainStatus(ctx context.Context) (api.ChainStatus, error) {
	var out api.ChainStatus
	_, err := r.do(ctx, http.MethodGet, "/v1/chain/status", "application/json", nil, &out)
	return out, err
}

func (r *remoteBackend) DeployRegistry(ctx context.Context, req api.DeployRequest) (api.DeployResult, error) {
	var out api.DeployResult
	_, err := r.do(ctx, http.MethodPost, "/v1/chain/deploy", "application/json", req, &out)
	return out, err
}

func (r *remoteBackend) Resolve(ctx context.Context, didOrURL string, opts resolver.Options) (*resolver.Result, error) {
	path := "/1.0/identifiers/" + url.PathEscape(didOrURL)
	if opts.NoCache {
		path += "?noCache=true"
	}
	var res resolver.Result
	_, err := r.do(ctx, http.MethodGet, path, resolver.MediaResolutionResult, nil, &res)
	if err != nil && res.ResolutionMetadata.Error == "" {
		return nil, err
	}
	if code := res.ResolutionMetadata.Error; code != "" {
		msg := res.ResolutionMetadata.ErrorMessage
		if msg == "" {
			msg = code
		}
		return &res, &resolver.Error{Code: code, Err: errors.New(msg)}
	}
	return &res, nil
}

// storePath is the bbolt file inside the data dir.
func storePath(dir string) string { return filepath.Join(dir, storeFile) }
