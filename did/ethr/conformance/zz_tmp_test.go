package conformance

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestZZTmpServe(t *testing.T) {
	if os.Getenv("ZZ_SERVE") == "" {
		t.Skip()
	}
	h := startDevchain(t)
	h.fund(testKey(t, "henry"), testKey(t, "relayer"))
	os.WriteFile("/tmp/zz_url", []byte(h.info.rpcURL), 0o644)
	fmt.Println("URL", h.info.rpcURL)
	time.Sleep(90 * time.Second)
}
