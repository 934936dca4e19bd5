package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// openAPISource is the OpenAPI 3.1 document of every route in routes.go.
//
//go:embed openapi.json
var openAPISource []byte

// openAPIDocument returns the served document: the embedded one with
// info.version set to version and, when publicURL is set, servers set to
// it. Members keep their order below the top level.
func openAPIDocument(version, publicURL string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(openAPISource, &doc); err != nil {
		return nil, fmt.Errorf("api: parse openapi.json: %w", err)
	}
	var info map[string]json.RawMessage
	if err := json.Unmarshal(doc["info"], &info); err != nil {
		return nil, fmt.Errorf("api: parse openapi.json info: %w", err)
	}
	var err error
	if info["version"], err = json.Marshal(version); err != nil {
		return nil, fmt.Errorf("api: openapi version: %w", err)
	}
	if doc["info"], err = json.Marshal(info); err != nil {
		return nil, fmt.Errorf("api: openapi info: %w", err)
	}
	if publicURL != "" {
		servers := []map[string]string{{"url": publicURL}}
		if doc["servers"], err = json.Marshal(servers); err != nil {
			return nil, fmt.Errorf("api: openapi servers: %w", err)
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("api: marshal openapi document: %w", err)
	}
	return append(out, '\n'), nil
}

// handleOpenAPI serves the OpenAPI document.
func (s *server) handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(s.openapi)
	})
}
