package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

type createdClient struct {
	ID           string   `json:"client_id"`
	Secret       string   `json:"client_secret"`
	RedirectURIs []string `json:"redirect_uris"`
	Public       bool     `json:"public"`
	SubjectType  string   `json:"subject_type"`
}

// clientsRoundTrip adds, lists and removes clients through the CLI.
func clientsRoundTrip(t *testing.T, data string) {
	t.Helper()
	out, _, err := cli(t, nil, "--data", data, "clients", "add", "--redirect-uri", "https://rp.example/cb", "--name", "RP", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var c createdClient
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.ID == "" || len(c.Secret) < 40 || c.SubjectType != "pairwise" {
		t.Fatalf("clients add: %q (%v)", out, err)
	}
	out, _, err = cli(t, nil, "--data", data, "clients", "add", "--redirect-uri", "http://127.0.0.1:9999/cb", "--public", "--subject-type", "public", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var pub createdClient
	if err := json.Unmarshal([]byte(out), &pub); err != nil || pub.Secret != "" || !pub.Public || pub.SubjectType != "public" {
		t.Fatalf("clients add --public: %q (%v)", out, err)
	}
	out, _, err = cli(t, nil, "--data", data, "clients", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []createdClient
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || strings.Contains(out, c.Secret) {
		t.Fatalf("clients list: %q (%v)", out, err)
	}
	if _, _, err := cli(t, nil, "--data", data, "clients", "rm", c.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, nil, "--data", data, "clients", "rm", c.ID); err == nil {
		t.Error("removing a removed client succeeded")
	}
	for _, bad := range []string{"http://rp.example/cb", "https://rp.example/cb#x", "https://u@rp.example/cb"} {
		if _, _, err := cli(t, nil, "--data", data, "clients", "add", "--redirect-uri", bad); err == nil {
			t.Errorf("clients add --redirect-uri %s succeeded", bad)
		}
	}
}

func TestClientsLocal(t *testing.T) {
	clientsRoundTrip(t, t.TempDir())
}

func TestClientsThroughRunningServer(t *testing.T) {
	data := t.TempDir()
	base := startServer(t, data)
	clientsRoundTrip(t, data)
	resp, err := http.Get(base + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != 200 || d["issuer"] != base {
		t.Fatalf("discovery: %d %v (%v)", resp.StatusCode, d, err)
	}
}
