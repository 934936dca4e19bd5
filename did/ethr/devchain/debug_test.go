package devchain

import (
	"context"
	"log/slog"
	"math/big"
	"os"

	gethlog "github.com/ethereum/go-ethereum/log"
	"testing"
	"time"
)

func TestDebugRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Fund(context.Background(), randomAddress(t), big.NewInt(1))
	t0 := time.Now()
	c.Close()
	t.Logf("close %v", time.Since(t0))
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	gethlog.SetDefault(gethlog.NewLogger(cfg.Logger.Handler()))
	for range 2 {
		t0 = time.Now()
		c, err = Start(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("start %v", time.Since(t0))
		t0 = time.Now()
		c.Close()
		t.Logf("close %v", time.Since(t0))
	}
}
