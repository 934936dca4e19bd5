package store

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTemp opens a store in a fresh directory and closes it at cleanup.
func openTemp(t testing.TB, cfg Config) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chainid.db")
	s, err := Open(t.Context(), path, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func TestOpenCreatesFileWithMode0600(t *testing.T) {
	_, path := openTemp(t, Config{})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %o, want 600", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		is   error
	}{
		{"missing directory", t.Context(), filepath.Join(dir, "nope", "x.db"), os.ErrNotExist},
		{"not a bbolt file", t.Context(), garbage, nil},
		{"canceled context", canceled, filepath.Join(dir, "c.db"), context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.ctx, tt.path, Config{})
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

func TestOpenLockedInSameProcess(t *testing.T) {
	_, path := openTemp(t, Config{})
	s2, err := Open(t.Context(), path, Config{OpenTimeout: 100 * time.Millisecond})
	if err == nil {
		_ = s2.Close()
		t.Fatal("second Open of a held file succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if want := "in use by another process"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not say %q", err, want)
	}
}

func TestOpenLockedHonoursContextDeadline(t *testing.T) {
	_, path := openTemp(t, Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	// OpenTimeout is an hour: only the context deadline can end the wait.
	_, err := Open(ctx, path, Config{OpenTimeout: time.Hour})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
}

// helperEnv selects a child-process mode of TestHelperProcess: "hold PATH"
// keeps the store open until stdin closes; "write PATH" writes key records
// in a loop, printing each committed index.
const helperEnv = "CHAINID_STORE_TEST_HELPER"

// TestHelperProcess is not a test: it is the body of the child processes
// started by the lock and crash tests.
func TestHelperProcess(t *testing.T) {
	mode, path, ok := strings.Cut(os.Getenv(helperEnv), " ")
	if !ok {
		t.Skip("helper process only")
	}
	s, err := Open(context.Background(), path, Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch mode {
	case "hold":
		fmt.Println("ready")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent lets go
	case "write":
		for i := range 1_000_000 {
			if err := s.PutKey(context.Background(), crashRecord(i)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			fmt.Println(i)
		}
	}
	_ = s.Close()
	os.Exit(0)
}

// startHelper runs TestHelperProcess in a child and returns it with its
// stdout lines.
func startHelper(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode+" "+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = stdin.Close()
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(stop)
	return cmd, bufio.NewScanner(stdout), stop
}

func TestOpenLockedByOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chainid.db")
	_, out, stop := startHelper(t, "hold", path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("helper did not get ready: %q %v", out.Text(), out.Err())
	}
	_, err := Open(t.Context(), path, Config{OpenTimeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the file: err = %v, want ErrLocked", err)
	}
	stop()
	s, err := Open(t.Context(), path, Config{OpenTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	_ = s.Close()
}

// crashRecord is record i of the crash test; checkCrashRecord recognises a
// complete one.
func crashRecord(i int) KeyRecord {
	id := fmt.Sprintf("key-%07d", i)
	sealed := make([]byte, 3000) // spans pages, so a torn write would show
	for j := range sealed {
		sealed[j] = byte(i + j)
	}
	return KeyRecord{ID: id, Label: "label " + id, KeyType: "Ed25519", Public: []byte(id), Sealed: sealed,
		Created: time.Unix(int64(i), 0).UTC()}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	path := filepath.Join(t.TempDir(), "chainid.db")
	cmd, out, _ := startHelper(t, "write", path)
	acked := -1
	for acked < 300 && out.Scan() {
		n, err := strconv.Atoi(out.Text())
		if err != nil {
			t.Fatalf("helper said %q", out.Text())
		}
		acked = n
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-loop
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if acked < 300 {
		t.Fatalf("helper stopped after %d records: %v", acked, out.Err())
	}

	s, err := Open(t.Context(), path, Config{})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer s.Close()
	err = s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatalf("bbolt consistency check: %v", err)
	}
	keys, err := s.Keys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < acked+1 {
		t.Errorf("%d records survive, but %d commits were acknowledged", len(keys), acked+1)
	}
	for i, r := range keys {
		want := crashRecord(i)
		if !recordsEqual(r, want) {
			t.Fatalf("record %d is not complete: got ID %q, %d sealed bytes", i, r.ID, len(r.Sealed))
		}
	}
	// The file is still writable.
	if err := s.PutKey(t.Context(), crashRecord(len(keys))); err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
}

func TestSchemaTooNew(t *testing.T) {
	s, path := openTemp(t, Config{})
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchemaVersion), binary.BigEndian.AppendUint64(nil, SchemaVersion()+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(t.Context(), path, Config{})
	if err == nil {
		_ = s2.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("err = %v, want ErrSchemaTooNew", err)
	}
	// The refused file is left as it was and is not left locked.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 100 * time.Millisecond, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error {
		if v, _ := schemaVersion(tx); v != SchemaVersion()+1 {
			t.Errorf("schema version changed to %d", v)
		}
		return nil
	})
}

func TestMigrations(t *testing.T) {
	s, _ := openTemp(t, Config{})
	version := func() uint64 {
		var v uint64
		if err := s.db.View(func(tx *bolt.Tx) (err error) { v, err = schemaVersion(tx); return }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := version(); got != SchemaVersion() {
		t.Fatalf("fresh file has schema %d, want %d", got, SchemaVersion())
	}

	runs := 0
	ms := append(migrations(), migration{name: "add extra", up: func(tx *bolt.Tx) error {
		runs++
		_, err := tx.CreateBucket([]byte("extra"))
		return err
	}})
	for range 2 {
		if err := s.migrateWith(t.Context(), ms); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Errorf("new migration ran %d times, want 1", runs)
	}
	if got := version(); got != SchemaVersion()+1 {
		t.Errorf("schema %d after migration, want %d", got, SchemaVersion()+1)
	}

	// A failing migration rolls the whole step back.
	bad := append(ms, migration{name: "fails", up: func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("half")); err != nil {
			return err
		}
		return errors.New("boom")
	}})
	if err := s.migrateWith(t.Context(), bad); err == nil {
		t.Fatal("failing migration reported success")
	}
	if got := version(); got != SchemaVersion()+1 {
		t.Errorf("schema %d after failed migration, want %d", got, SchemaVersion()+1)
	}
	_ = s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("half")) != nil {
			t.Error("failed migration left its bucket behind")
		}
		return nil
	})
}

func TestReopenKeepsData(t *testing.T) {
	s, path := openTemp(t, Config{})
	ctx := t.Context()
	rec := crashRecord(7)
	if err := s.PutKey(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolverCache().Put(ctx, "did:example:1", []byte("doc"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Key(ctx, rec.ID)
	if err != nil || !recordsEqual(got, rec) {
		t.Errorf("key after reopen = %+v, %v", got, err)
	}
	v, ok, err := s2.ResolverCache().Get(ctx, "did:example:1")
	if err != nil || !ok || string(v) != "doc" {
		t.Errorf("cache after reopen = %q, %t, %v", v, ok, err)
	}
}

func TestPing(t *testing.T) {
	s, _ := openTemp(t, Config{})
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Ping(canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping with canceled ctx = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping on a closed store succeeded")
	}
}
