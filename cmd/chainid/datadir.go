package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files in the data directory besides the store.
const (
	storeFile      = "chainid.db"
	serverFile     = "server.json" // address of the running server
	adminTokenFile = "admin.token" // bearer token of the admin API (0600)
	secretFile     = "keystore.secret"
)

// serverInfo is what a running server records in DATA/server.json so CLI
// commands can reach it.
type serverInfo struct {
	URL     string    `json:"url"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file and rename,
// so readers never see a half-written file.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// loadOrCreateSecret returns the content of path, creating it with 32 random
// bytes (base64url, mode 0600) when it does not exist.
func loadOrCreateSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if s == "" {
			return "", fmt.Errorf("%s is empty", path)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate %s: %w", filepath.Base(path), err)
	}
	s := base64.RawURLEncoding.EncodeToString(raw)
	if err := writeFileAtomic(path, []byte(s+"\n"), 0o600); err != nil {
		return "", err
	}
	return s, nil
}

func readServerInfo(dir string) (serverInfo, error) {
	var si serverInfo
	b, err := os.ReadFile(filepath.Join(dir, serverFile))
	if err != nil {
		return si, err
	}
	if err := json.Unmarshal(b, &si); err != nil {
		return si, fmt.Errorf("parse %s: %w", serverFile, err)
	}
	if si.URL == "" {
		return si, fmt.Errorf("%s has no url", serverFile)
	}
	return si, nil
}

func readAdminToken(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	if err != nil {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// keystoreSecret returns the secret that encrypts private keys: the
// passphrase, the key file's content, or DATA/keystore.secret (created on
// first use).
func (c *Config) keystoreSecret() ([]byte, error) {
	switch {
	case c.Passphrase != "":
		return []byte(c.Passphrase), nil
	case c.KeyFile != "":
		b, err := os.ReadFile(c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("read --key-file: %w", err)
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			return nil, fmt.Errorf("--key-file %s is empty", c.KeyFile)
		}
		return b, nil
	}
	s, err := loadOrCreateSecret(filepath.Join(c.Data, secretFile))
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}
