package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
)

//go:embed home.html
var homeHTML string

// homeCSS is the page's only style, allowed by its hash in the CSP.
const homeCSS = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}` +
	`dt{font-weight:600}dd{margin:0 0 .5rem 0}pre{background:#f3f3f3;padding:.75rem;overflow-x:auto}`

// homePage is the parsed home page template and its CSP.
type homePage struct {
	tmpl *template.Template
	csp  string
}

func newHomePage() (*homePage, error) {
	tmpl, err := template.New("home").Parse(homeHTML)
	if err != nil {
		return nil, fmt.Errorf("api: parse home page: %w", err)
	}
	sum := sha256.Sum256([]byte(homeCSS))
	csp := "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	return &homePage{tmpl: tmpl, csp: csp}, nil
}

// handleHome renders the home page: what is running and where the API
// document is. It has no script.
func (s *server) handleHome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := s.publicURL
		if base == "" {
			base = "http://" + r.Host
			if r.TLS != nil {
				base = "https://" + r.Host
			}
		}
		data := struct {
			Version, PublicURL, BaseURL string
			Methods                     []string
			CSS                         template.CSS
		}{s.version, s.publicURL, base, s.methods, template.CSS(homeCSS)}
		var buf bytes.Buffer
		if err := s.home.tmpl.Execute(&buf, data); err != nil {
			s.writeProblem(w, r, fmt.Errorf("render home page: %w", err))
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", s.home.csp)
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	})
}
