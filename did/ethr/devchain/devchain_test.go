package devchain

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// answerCode is hand-assembled runtime bytecode: it stores 42 at memory 0,
// emits it as a LOG0 and returns it as a 32-byte word.
//
//	PUSH1 0x2a PUSH1 0 MSTORE PUSH1 0x20 PUSH1 0 LOG0 PUSH1 0x20 PUSH1 0 RETURN
var answerCode = common.FromHex("602a60005260206000a060206000f3")

var answerAddr = common.HexToAddress("0x00000000000000000000000000000000c0dec0de")

// helperEnv names the environment variable that turns TestHelperChainProcess
// into a chain process for the kill -9 test; its value is the data dir.
const helperEnv = "DEVCHAIN_TEST_HELPER_DATADIR"

// killRecipient receives the transfer that must survive kill -9.
var killRecipient = common.HexToAddress("0x000000000000000000000000000000000000beef")

const (
	killAmount    = 123456789
	killTransfers = 5
)

func testConfig(dir string) Config {
	return Config{
		DataDir:    dir,
		ListenAddr: "127.0.0.1:0",
		Predeploy:  map[common.Address][]byte{answerAddr: answerCode},
	}
}

func startChain(t testing.TB, cfg Config) *Chain {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func balance(t *testing.T, ctx context.Context, c *Chain, addr common.Address) *big.Int {
	t.Helper()
	b, err := c.Client().BalanceAt(ctx, addr, nil)
	if err != nil {
		t.Fatalf("BalanceAt %s: %v", addr, err)
	}
	return b
}

func head(t *testing.T, ctx context.Context, c *Chain) uint64 {
	t.Helper()
	n, err := c.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatalf("BlockNumber: %v", err)
	}
	return n
}

func randomAddress(t testing.TB) common.Address {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(k.PublicKey)
}

func TestTransferGetsReceipt(t *testing.T) {
	ctx := testCtx(t)
	c := startChain(t, testConfig(t.TempDir()))
	if n := head(t, ctx, c); n != 0 {
		t.Fatalf("new chain head = %d, want 0 (no empty blocks)", n)
	}
	if b := balance(t, ctx, c, c.DevAddress()); b.Cmp(new(big.Int).Lsh(big.NewInt(1), 200)) < 0 {
		t.Fatalf("dev balance %s, want a large balance", b)
	}
	to := randomAddress(t)
	amount := big.NewInt(params.Ether)
	receipt, err := c.Fund(ctx, to, amount)
	if err != nil {
		t.Fatalf("Fund: %v", err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful || receipt.BlockNumber.Uint64() != 1 {
		t.Fatalf("receipt status %d in block %v, want success in block 1", receipt.Status, receipt.BlockNumber)
	}
	if got := balance(t, ctx, c, to); got.Cmp(amount) != 0 {
		t.Fatalf("balance %s, want %s", got, amount)
	}
	if _, err := c.Fund(ctx, to, big.NewInt(-1)); err == nil {
		t.Fatal("Fund with a negative amount: no error")
	}
}

// signedTransfer signs a 1-wei transfer from the dev account with the given nonce.
func signedTransfer(t testing.TB, c *Chain, nonce uint64, to common.Address) *types.Transaction {
	t.Helper()
	tx, err := types.SignNewTx(c.DevKey(), types.LatestSignerForChainID(c.ChainID()), &types.DynamicFeeTx{
		ChainID: c.ChainID(), Nonce: nonce, Gas: 21000, To: &to, Value: big.NewInt(1),
		GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestSealing(t *testing.T) {
	ctx := testCtx(t)
	c := startChain(t, testConfig(t.TempDir()))
	client := c.Client()
	to := randomAddress(t)

	// Sequential transfers: one block each, no empty blocks in between.
	const sequential = 5
	for i := range sequential {
		r, err := c.Fund(ctx, to, big.NewInt(1))
		if err != nil {
			t.Fatalf("Fund: %v", err)
		}
		if r.BlockNumber.Uint64() != uint64(i+1) {
			t.Fatalf("transfer %d in block %d, want %d", i, r.BlockNumber, i+1)
		}
	}
	if n := head(t, ctx, c); n != sequential {
		t.Fatalf("head %d after %d sequential transfers, want %d", n, sequential, sequential)
	}

	// A transaction with a nonce gap is not executable: nothing is sealed.
	nonce, err := client.PendingNonceAt(ctx, c.DevAddress())
	if err != nil {
		t.Fatal(err)
	}
	gapped := signedTransfer(t, c, nonce+1, to)
	if err := client.SendTransaction(ctx, gapped); err != nil {
		t.Fatalf("send gapped: %v", err)
	}
	first := signedTransfer(t, c, nonce, to)
	// Give the sealer a chance to (wrongly) seal; the head must not move.
	time.Sleep(100 * time.Millisecond)
	if n := head(t, ctx, c); n != sequential {
		t.Fatalf("head moved to %d with only a non-executable transaction", n)
	}
	// Filling the gap makes both executable; both get mined.
	if err := client.SendTransaction(ctx, first); err != nil {
		t.Fatalf("send: %v", err)
	}
	for _, tx := range []*types.Transaction{first, gapped} {
		r, err := WaitReceipt(ctx, client, tx.Hash())
		if err != nil || r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("receipt of %s: %v, %+v", tx.Hash(), err, r)
		}
	}

	// A burst of transactions sent without waiting all get mined, in at most
	// as many blocks as transactions.
	before := head(t, ctx, c)
	nonce += 2
	const burst = 10
	txs := make([]*types.Transaction, burst)
	for i := range txs {
		txs[i] = signedTransfer(t, c, nonce+uint64(i), to)
		if err := client.SendTransaction(ctx, txs[i]); err != nil {
			t.Fatalf("send burst %d: %v", i, err)
		}
	}
	for _, tx := range txs {
		if _, err := WaitReceipt(ctx, client, tx.Hash()); err != nil {
			t.Fatal(err)
		}
	}
	after := head(t, ctx, c)
	if after-before > burst {
		t.Fatalf("%d transactions took %d blocks", burst, after-before)
	}
	t.Logf("%d transactions sent at once were sealed in %d blocks", burst, after-before)
	if got := balance(t, ctx, c, to); got.Int64() != sequential+2+burst {
		t.Fatalf("balance %s, want %d", got, sequential+2+burst)
	}
}

func TestRestartKeepsState(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	cfg := testConfig(dir)
	c1, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	to := randomAddress(t)
	for range 3 {
		if _, err := c1.Fund(ctx, to, big.NewInt(1000)); err != nil {
			t.Fatalf("Fund: %v", err)
		}
	}
	wantHead, wantDev := head(t, ctx, c1), c1.DevAddress()
	wantKey := crypto.FromECDSA(c1.DevKey())
	if err := c1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c1.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c1.Client().BlockNumber(ctx); err == nil {
		t.Fatal("client still answers after Close")
	}

	c2 := startChain(t, cfg)
	if got := head(t, ctx, c2); got != wantHead || got != 3 {
		t.Fatalf("head after restart = %d, want %d (3)", got, wantHead)
	}
	if got := balance(t, ctx, c2, to); got.Cmp(big.NewInt(3000)) != 0 {
		t.Fatalf("balance after restart = %s, want 3000", got)
	}
	if c2.DevAddress() != wantDev || !bytes.Equal(crypto.FromECDSA(c2.DevKey()), wantKey) {
		t.Fatal("dev key changed across restart")
	}
	// The restarted chain still mines.
	if _, err := c2.Fund(ctx, to, big.NewInt(1)); err != nil {
		t.Fatalf("Fund after restart: %v", err)
	}
}

// TestHelperChainProcess is not a test: TestSurvivesKill9 runs the test binary
// with helperEnv set, and this function then runs a chain, makes a transfer,
// reports it on stdout and waits to be killed.
func TestHelperChainProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process for TestSurvivesKill9")
	}
	ctx := context.Background()
	c, err := Start(ctx, testConfig(dir))
	if err != nil {
		fmt.Printf("ERROR %v\n", err)
		os.Exit(2)
	}
	var last uint64
	for range killTransfers {
		receipt, err := c.Fund(ctx, killRecipient, big.NewInt(killAmount))
		if err != nil {
			fmt.Printf("ERROR %v\n", err)
			os.Exit(2)
		}
		last = receipt.BlockNumber.Uint64()
	}
	// Killed right after the last receipt: no time for background flushes.
	fmt.Printf("FUNDED %d\n", last)
	time.Sleep(time.Minute) // killed long before
	os.Exit(3)
}

func TestSurvivesKill9(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("inside the helper process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperChainProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "FUNDED ") || strings.HasPrefix(l, "ERROR ") {
				lines <- l
				return
			}
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(60 * time.Second):
		t.Fatal("helper process did not report a transfer")
	}
	block, err := strconv.ParseUint(strings.TrimPrefix(line, "FUNDED "), 10, 64)
	if err != nil {
		t.Fatalf("helper process: %s", line)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = cmd.Wait()

	ctx := testCtx(t)
	c := startChain(t, testConfig(dir))
	if got := head(t, ctx, c); got < block {
		t.Fatalf("head after kill -9 = %d, want ≥ %d", got, block)
	}
	if got := balance(t, ctx, c, killRecipient); got.Cmp(big.NewInt(killAmount*killTransfers)) != 0 {
		t.Fatalf("balance after kill -9 = %s, want %d", got, killAmount*killTransfers)
	}
}

func TestHTTPRPC(t *testing.T) {
	ctx := testCtx(t)
	cfg := testConfig(t.TempDir())
	cfg.ChainID = 4242
	c := startChain(t, cfg)
	if !strings.HasPrefix(c.RPCURL(), "http://127.0.0.1:") || strings.HasSuffix(c.RPCURL(), ":0") {
		t.Fatalf("RPCURL = %q, want the bound loopback port", c.RPCURL())
	}
	if got := c.ChainID(); got.Cmp(big.NewInt(4242)) != 0 {
		t.Fatalf("ChainID() = %s, want 4242", got)
	}

	ec, err := ethclient.DialContext(ctx, c.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	id, err := ec.ChainID(ctx)
	if err != nil {
		t.Fatalf("eth_chainId over HTTP: %v", err)
	}
	if id.Cmp(big.NewInt(4242)) != 0 {
		t.Fatalf("eth_chainId = %s, want 4242", id)
	}
	netID, err := ec.NetworkID(ctx)
	if err != nil || netID.Cmp(big.NewInt(4242)) != 0 {
		t.Fatalf("net_version = %v (%v), want 4242", netID, err)
	}

	tests := []struct {
		name, host, method string
		wantStatus         int
		wantError          bool
	}{
		{name: "ip host", host: "", method: "eth_chainId", wantStatus: 200},
		{name: "localhost", host: "localhost", method: "eth_chainId", wantStatus: 200},
		{name: "rebinding host", host: "attacker.example", method: "eth_chainId", wantStatus: 403},
		{name: "admin not exposed", host: "", method: "admin_nodeInfo", wantStatus: 200, wantError: true},
		{name: "dev not exposed", host: "", method: "dev_setFeeRecipient", wantStatus: 200, wantError: true},
		{name: "debug not exposed", host: "", method: "debug_chaindbProperty", wantStatus: 200, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"jsonrpc":"2.0","id":1,"method":"` + tt.method + `","params":[]}`
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.RPCURL(), strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, buf.String(), tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				return
			}
			if gotErr := strings.Contains(buf.String(), `"error"`); gotErr != tt.wantError {
				t.Fatalf("response %s: error = %v, want %v", buf.String(), gotErr, tt.wantError)
			}
			if !tt.wantError && !strings.Contains(buf.String(), `"result":"0x1092"`) {
				t.Fatalf("response %s, want chain ID 0x1092", buf.String())
			}
		})
	}
}

func TestConfigRefused(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "no data dir", cfg: Config{ListenAddr: "127.0.0.1:0"}, wantErr: "data dir is required"},
		{name: "any address", cfg: Config{DataDir: dir, ListenAddr: "0.0.0.0:0"}, wantErr: "not loopback"},
		{name: "empty host", cfg: Config{DataDir: dir, ListenAddr: ":0"}, wantErr: "not loopback"},
		{name: "ipv6 any", cfg: Config{DataDir: dir, ListenAddr: "[::]:0"}, wantErr: "not loopback"},
		{name: "public ip", cfg: Config{DataDir: dir, ListenAddr: "192.0.2.1:8545"}, wantErr: "not loopback"},
		{name: "hostname", cfg: Config{DataDir: dir, ListenAddr: "example.com:8545"}, wantErr: "not loopback"},
		{name: "no port", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1"}, wantErr: "listen address"},
		{name: "bad port", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1:99999"}, wantErr: "invalid port"},
		{name: "negative cache", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1:0", DatabaseCache: -1}, wantErr: "negative"},
		{name: "empty predeploy", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1:0",
			Predeploy: map[common.Address][]byte{answerAddr: nil}}, wantErr: "empty bytecode"},
		{name: "predeploy on precompile", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1:0",
			Predeploy: map[common.Address][]byte{common.BytesToAddress([]byte{1}): answerCode}}, wantErr: "reserved"},
		{name: "predeploy on system contract", cfg: Config{DataDir: dir, ListenAddr: "127.0.0.1:0",
			Predeploy: map[common.Address][]byte{params.HistoryStorageAddress: answerCode}}, wantErr: "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Start(t.Context(), tt.cfg)
			if err == nil {
				c.Close()
				t.Fatal("Start: no error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Start: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	// Nothing was left behind: the data dir holds no chain and is not locked.
	c := startChain(t, testConfig(dir))
	if n := head(t, testCtx(t), c); n != 0 {
		t.Fatalf("head = %d, want 0", n)
	}

	t.Run("insecure any address passes validation", func(t *testing.T) {
		_, host, port, err := Config{DataDir: dir, ListenAddr: ":8545", InsecureListenAnyAddress: true}.withDefaults()
		if err != nil || host != "0.0.0.0" || port != 8545 {
			t.Fatalf("withDefaults = %q, %d, %v; want 0.0.0.0, 8545, nil", host, port, err)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		cfg, host, port, err := Config{DataDir: dir}.withDefaults()
		if err != nil || host != "127.0.0.1" || port != 8545 || cfg.ChainID != 1337 || cfg.DatabaseCache != 32 {
			t.Fatalf("withDefaults = %+v, %q, %d, %v", cfg, host, port, err)
		}
	})
}

func TestSecondStartSameDataDir(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	c := startChain(t, testConfig(dir))
	c2, err := Start(ctx, testConfig(dir))
	if err == nil {
		c2.Close()
		t.Fatal("second Start on the same data dir: no error")
	}
	if !errors.Is(err, ErrDataDirInUse) {
		t.Fatalf("second Start: %v, want ErrDataDirInUse", err)
	}
	// The first chain is unaffected.
	if _, err := c.Fund(ctx, randomAddress(t), big.NewInt(1)); err != nil {
		t.Fatalf("Fund on the first chain: %v", err)
	}
}

func TestListenPortTaken(t *testing.T) {
	ctx := testCtx(t)
	a := startChain(t, testConfig(t.TempDir()))
	cfg := testConfig(t.TempDir())
	cfg.ListenAddr = strings.TrimPrefix(a.RPCURL(), "http://")
	b, err := Start(ctx, cfg)
	if err == nil {
		b.Close()
		t.Fatal("Start on a taken port: no error")
	}
	if !strings.Contains(err.Error(), cfg.ListenAddr) {
		t.Fatalf("Start: %v, want an error naming %s", err, cfg.ListenAddr)
	}
	// The failed start released its data dir.
	cfg.ListenAddr = "127.0.0.1:0"
	startChain(t, cfg)
}

func TestFundReverts(t *testing.T) {
	ctx := testCtx(t)
	reverter := common.HexToAddress("0x000000000000000000000000000000000000dead")
	cfg := testConfig(t.TempDir())
	cfg.Predeploy = map[common.Address][]byte{reverter: common.FromHex("60006000fd")} // REVERT(0, 0)
	c := startChain(t, cfg)
	if _, err := c.Fund(ctx, reverter, big.NewInt(1)); err == nil || !strings.Contains(err.Error(), "revert") {
		t.Fatalf("Fund to a reverting contract: %v, want a revert error", err)
	}
	if got := balance(t, ctx, c, reverter); got.Sign() != 0 {
		t.Fatalf("reverting contract balance %s, want 0", got)
	}
}

func TestPredeploy(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	c := startChain(t, testConfig(dir))
	code, err := c.Client().CodeAt(ctx, answerAddr, nil)
	if err != nil || !bytes.Equal(code, answerCode) {
		t.Fatalf("code at predeploy = %x (%v), want %x", code, err, answerCode)
	}
	out, err := c.Client().CallContract(ctx, ethereum.CallMsg{To: &answerAddr}, nil)
	if err != nil || new(big.Int).SetBytes(out).Int64() != 42 {
		t.Fatalf("eth_call = %x (%v), want 42", out, err)
	}

	// A transaction to it emits a log that eth_getLogs sees as soon as
	// Fund returns and an eth_newFilter filter delivers once.
	rc, err := rpc.DialContext(ctx, c.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var filterID string
	if err := rc.CallContext(ctx, &filterID, "eth_newFilter", map[string]any{"address": answerAddr}); err != nil {
		t.Fatalf("eth_newFilter over HTTP: %v", err)
	}
	receipt, err := c.Fund(ctx, answerAddr, big.NewInt(0))
	if err != nil {
		t.Fatalf("call predeploy: %v", err)
	}
	logs, err := c.Client().FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: receipt.BlockNumber, ToBlock: receipt.BlockNumber, Addresses: []common.Address{answerAddr},
	})
	if err != nil {
		t.Fatalf("eth_getLogs: %v", err)
	}
	if len(logs) != 1 || new(big.Int).SetBytes(logs[0].Data).Int64() != 42 || logs[0].TxHash != receipt.TxHash {
		t.Fatalf("eth_getLogs = %+v, want one log with 42 from %s", logs, receipt.TxHash)
	}
	// The filter system learns of a new head from an event feed of its
	// own, a moment after the head moves: poll it (bounded).
	var changes []types.Log
	for deadline := time.Now().Add(5 * time.Second); ; {
		var batch []types.Log
		if err := rc.CallContext(ctx, &batch, "eth_getFilterChanges", filterID); err != nil {
			t.Fatalf("eth_getFilterChanges: %v", err)
		}
		changes = append(changes, batch...)
		if len(changes) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(changes) != 1 || changes[0].TxHash != receipt.TxHash {
		t.Fatalf("eth_getFilterChanges = %+v, want the log of %s", changes, receipt.TxHash)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	other := common.HexToAddress("0x00000000000000000000000000000000000e7e7e")
	tests := []struct {
		name      string
		predeploy map[common.Address][]byte
		wantErr   string
	}{
		{name: "same code", predeploy: map[common.Address][]byte{answerAddr: answerCode}},
		{name: "no predeploys", predeploy: nil},
		{name: "changed code", predeploy: map[common.Address][]byte{answerAddr: common.FromHex("60016000f3")}, wantErr: "code differs"},
		{name: "new address", predeploy: map[common.Address][]byte{answerAddr: answerCode, other: answerCode}, wantErr: "no code"},
	}
	for _, tt := range tests {
		t.Run("restart with "+tt.name, func(t *testing.T) {
			cfg := testConfig(dir)
			cfg.Predeploy = tt.predeploy
			c, err := Start(ctx, cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Start: %v", err)
				}
				if err := c.Close(); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("Start: no error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Start: %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestChainIDMismatchOnRestart(t *testing.T) {
	dir := t.TempDir()
	c := startChain(t, testConfig(dir))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(dir)
	cfg.ChainID = 31337
	c2, err := Start(testCtx(t), cfg)
	if err == nil {
		c2.Close()
		t.Fatal("Start with another chain ID: no error")
	}
	if !strings.Contains(err.Error(), "data dir holds chain 1337") {
		t.Fatalf("Start: %v, want a chain ID mismatch", err)
	}
	// The refused start left the data dir usable.
	startChain(t, testConfig(dir))
}

func TestDevKeySeed(t *testing.T) {
	dir := t.TempDir()
	c := startChain(t, testConfig(dir))
	addr := c.DevAddress()
	if got := crypto.PubkeyToAddress(c.DevKey().PublicKey); got != addr {
		t.Fatalf("DevKey address %s, DevAddress %s", got, addr)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	seedPath := filepath.Join(dir, seedFileName)
	fi, err := os.Stat(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("seed mode %v, want 0600", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	key, err := deriveKey(seed)
	if err != nil || crypto.PubkeyToAddress(key.PublicKey) != addr {
		t.Fatalf("key derived from the stored seed does not match the dev address (%v)", err)
	}

	t.Run("readable by others", func(t *testing.T) {
		if err := os.Chmod(seedPath, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(seedPath, 0o600)
		_, err := Start(t.Context(), testConfig(dir))
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("Start: %v, want a refusal of the readable seed", err)
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		defer os.WriteFile(seedPath, raw, 0o600)
		if err := os.WriteFile(seedPath, []byte("zz\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Start(t.Context(), testConfig(dir))
		if err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Fatalf("Start: %v, want a corrupt seed error", err)
		}
	})
	t.Run("missing for an existing chain", func(t *testing.T) {
		if err := os.Rename(seedPath, seedPath+".bak"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(seedPath+".bak", seedPath)
		_, err := Start(t.Context(), testConfig(dir))
		if err == nil || !strings.Contains(err.Error(), "seed") {
			t.Fatalf("Start: %v, want a missing seed error", err)
		}
		if _, err := os.Stat(seedPath); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("a new seed was written for an existing chain")
		}
	})
	t.Run("restored", func(t *testing.T) {
		c := startChain(t, testConfig(dir))
		if c.DevAddress() != addr {
			t.Fatalf("dev address %s, want %s", c.DevAddress(), addr)
		}
	})
	t.Run("distinct per data dir", func(t *testing.T) {
		c := startChain(t, testConfig(t.TempDir()))
		if c.DevAddress() == addr {
			t.Fatal("two data dirs share a dev key")
		}
	})
}

// dirSize returns the apparent size of the files under dir and the bytes they
// occupy on disk.
func dirSize(t testing.TB, dir string) (apparent, onDisk int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		apparent += fi.Size()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			onDisk += st.Blocks * 512
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return apparent, onDisk
}

func TestDiskUseStaysSmall(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	c := startChain(t, testConfig(dir))
	const txs = 20
	for range txs {
		if _, err := c.Fund(ctx, randomAddress(t), big.NewInt(params.GWei)); err != nil {
			t.Fatalf("Fund: %v", err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	apparent, onDisk := dirSize(t, dir)
	t.Logf("data dir after %d transactions: %d bytes apparent, %d bytes on disk", txs, apparent, onDisk)
	// Geth's default caches make even an empty chain take over a gigabyte
	// (mostly write-ahead log); 64 MB catches that regression.
	const limit = 64 << 20
	if apparent > limit || onDisk > limit {
		t.Fatalf("data dir uses %d bytes (%d on disk), want under %d", apparent, onDisk, limit)
	}
}
