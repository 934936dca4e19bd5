package main

import (
	"bytes"
	"net/http"
	"net/netip"
	"reflect"
	"testing"

	"github.com/spf13/pflag"

	"github.com/chainid/chainid/api"
)

func TestRateLimitFlag(t *testing.T) {
	for _, tc := range []struct {
		limit, proxies string
		want           api.RateLimit
		bad            bool
	}{
		{limit: "", want: api.RateLimit{}},
		{limit: "off", want: api.RateLimit{PerSecond: -1}},
		{limit: "5", want: api.RateLimit{PerSecond: 5}},
		{limit: "0.5, 4", want: api.RateLimit{PerSecond: 0.5, Burst: 4}},
		{proxies: "10.0.0.0/8, 192.0.2.7,::ffff:192.0.2.8", want: api.RateLimit{TrustedProxies: []netip.Prefix{
			netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("192.0.2.8/32")}}},
		{limit: "0", bad: true},
		{limit: "-3", bad: true},
		{limit: "fast", bad: true},
		{limit: "NaN", bad: true},
		{limit: "+Inf", bad: true},
		{limit: "5,0", bad: true},
		{limit: "5,x", bad: true},
		{proxies: "proxy.example", bad: true},
	} {
		t.Run(tc.limit+"|"+tc.proxies, func(t *testing.T) {
			c := &Config{RateLimit: tc.limit, TrustedProxies: tc.proxies}
			got, err := c.rateLimit()
			if tc.bad {
				if err == nil {
					t.Fatalf("accepted: %+v", got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	t.Run("env", func(t *testing.T) {
		var c Config
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		env := map[string]string{"CHAINID_RATE_LIMIT": "7,9", "CHAINID_TRUSTED_PROXIES": "10.1.2.3"}
		if err := bindServeFlags(fs, &c, func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		if c.RateLimit != "7,9" || c.TrustedProxies != "10.1.2.3" {
			t.Fatalf("from env: %q %q", c.RateLimit, c.TrustedProxies)
		}
		if err := fs.Parse([]string{"--rate-limit", "off"}); err != nil || c.RateLimit != "off" {
			t.Fatalf("flag over env: %q %v", c.RateLimit, err)
		}
	})
	t.Run("serve refuses a bad limit", func(t *testing.T) {
		_, _, err := cli(t, nil, "--data", t.TempDir(), "serve", "--rate-limit", "lots")
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("--rate-limit")) {
			t.Fatalf("error %v, want one naming --rate-limit", err)
		}
	})
}

// TestServeRateLimit: serve applies --rate-limit to the login routes, also
// for loopback clients.
func TestServeRateLimit(t *testing.T) {
	cfg := testServeConfig(t.TempDir())
	cfg.RateLimit = "0.5,2"
	base, _ := serveWith(t, cfg)
	var statuses []int
	var retry string
	for range 3 {
		resp, err := http.Get(base + "/siwe/nonce?id=unknown")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		retry = resp.Header.Get("Retry-After")
	}
	if statuses[0] == http.StatusTooManyRequests || statuses[1] == http.StatusTooManyRequests ||
		statuses[2] != http.StatusTooManyRequests || retry != "2" {
		t.Fatalf("statuses %v, last Retry-After %q; want the third refused with Retry-After 2", statuses, retry)
	}
}
