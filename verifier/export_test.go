package verifier

// NewTestHTTPFetcher returns an HTTPFetcher that allows http and every
// address, so that its size, time and redirect limits can be tested against
// httptest servers on loopback.
func NewTestHTTPFetcher(cfg FetchConfig) *HTTPFetcher {
	f := NewHTTPFetcher(cfg)
	f.insecure = true
	return f
}

// CheckAddress is checkAddress.
var CheckAddress = checkAddress
