package api

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Response headers set on every response; the home page replaces the CSP.
const (
	headerRequestID = "X-Request-ID"
	cspDefault      = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	maxRequestIDLen = 128
	routeUnmatched  = "unmatched"
)

// requestInfo is per-request state shared between the middleware and the
// route handlers. It lives in the context as a pointer because handlers see
// copies of the *http.Request made by WithContext.
type requestInfo struct {
	id      string
	pattern string // the matched route pattern; empty until a route runs
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

func requestIDFrom(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

// validRequestID reports whether an incoming X-Request-ID may be kept: 1 to
// maxRequestIDLen characters from [A-Za-z0-9._:-].
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// withRequestID keeps a sane incoming X-Request-ID or makes one, echoes it
// and puts it in the context.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(headerRequestID)
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(headerRequestID, id)
		ctx := context.WithValue(r.Context(), requestInfoKey{}, &requestInfo{id: id})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// routed wraps a route handler so the middleware learns the pattern that
// matched (r.Pattern is set on the mux's copy of the request only).
func routed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoFrom(r.Context()); info != nil {
			info.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}

// recorder captures the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && code >= 200 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(p)
	rw.bytes += int64(n)
	return n, err
}

func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// Flush implements http.Flusher for handlers that stream.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush()
}

// metrics are the HTTP metrics, labelled by route pattern and status code.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chainid_http_requests_total",
		Help: "HTTP requests served, by route pattern and status code.",
	}, []string{"route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chainid_http_request_duration_seconds",
		Help:    "HTTP request duration, by route pattern and status code.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "code"})
	m := &metrics{}
	var err error
	if m.requests, err = registerOrReuse(reg, requests); err != nil {
		return nil, err
	}
	if m.duration, err = registerOrReuse(reg, duration); err != nil {
		return nil, err
	}
	return m, nil
}

// registerOrReuse registers c, or returns the identical collector already
// registered (a second handler on the same registry shares the metrics).
func registerOrReuse[C prometheus.Collector](reg *prometheus.Registry, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		var zero C
		return zero, fmt.Errorf("api: register metrics: %w", err)
	}
	return c, nil
}

// observe records metrics and writes one access log line per request, also
// when a panic passes through.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &recorder{ResponseWriter: w}
		defer func() {
			elapsed := time.Since(start)
			status := rw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := routeUnmatched
			info := infoFrom(r.Context())
			if info != nil && info.pattern != "" {
				route = info.pattern
			}
			code := strconv.Itoa(status)
			s.metrics.requests.WithLabelValues(route, code).Inc()
			s.metrics.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", rw.bytes),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.String("request_id", requestIDFrom(r.Context())))
		}()
		next.ServeHTTP(rw, r)
	})
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", cspDefault)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanic turns a panic into a 500 problem, logged with its stack. If
// the response has already started, the connection is aborted instead so
// the client cannot mistake a truncated body for a complete one.
func (s *server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", requestIDFrom(r.Context())),
				slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())))
			if rw, ok := w.(*recorder); ok && rw.status != 0 {
				panic(http.ErrAbortHandler)
			}
			writeProblemDoc(w, r, &apiError{kind: kindInternal, detail: "an internal error occurred"})
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses declared oversize bodies at once and caps the rest.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.maxBody {
			s.writeProblem(w, r, &http.MaxBytesError{Limit: s.maxBody})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds the request context by the configured timeout.
func (s *server) withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// fallbackWriter replaces the mux's plain-text 404 and 405 answers (those
// written before any route handler ran) with problem documents.
type fallbackWriter struct {
	http.ResponseWriter
	r       *http.Request
	swallow bool
}

func (fw *fallbackWriter) WriteHeader(code int) {
	info := infoFrom(fw.r.Context())
	unmatched := info == nil || info.pattern == ""
	if unmatched && !fw.swallow && (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) {
		fw.swallow = true
		ae := &apiError{kind: kindNotFound, detail: "no route matches " + fw.r.URL.EscapedPath()}
		if code == http.StatusMethodNotAllowed {
			ae = &apiError{kind: kindMethodNotAllowed,
				detail: "method " + fw.r.Method + " is not allowed here; allowed: " + fw.Header().Get("Allow")}
		}
		writeProblemDoc(fw.ResponseWriter, fw.r, ae)
		return
	}
	fw.ResponseWriter.WriteHeader(code)
}

func (fw *fallbackWriter) Write(p []byte) (int, error) {
	if fw.swallow {
		return len(p), nil
	}
	return fw.ResponseWriter.Write(p)
}

func (fw *fallbackWriter) Unwrap() http.ResponseWriter { return fw.ResponseWriter }

func problemFallback(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&fallbackWriter{ResponseWriter: w, r: r}, r)
	})
}
