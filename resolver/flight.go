package resolver

import (
	"context"
	"sync"
)

// group coalesces concurrent calls with the same key into one (a small
// singleflight). The shared call runs in its own goroutine under a context
// that keeps the first caller's values but not its cancellation; it is
// cancelled only when every caller waiting for it has given up, so one
// impatient caller does not fail the others.
type group struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done    chan struct{}
	cancel  context.CancelFunc
	waiters int // guarded by group.mu
	val     outcome
}

// do returns fn's outcome for key, running fn at most once for all callers
// that arrive while it runs. shared reports that this caller joined a call
// another caller started. err is set only when ctx ended first.
func (g *group) do(ctx context.Context, key string, fn func(context.Context) outcome) (val outcome, shared bool, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*flight)
	}
	f, shared := g.m[key]
	if !shared {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		g.m[key] = f
		go func() {
			defer close(f.done)
			defer cancel()
			f.val = fn(fctx)
			g.mu.Lock()
			if g.m[key] == f {
				delete(g.m, key)
			}
			g.mu.Unlock()
		}()
	}
	f.waiters++
	g.mu.Unlock()

	select {
	case <-f.done:
		return f.val, shared, nil
	case <-ctx.Done():
		g.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Nobody wants the answer any more: stop the call, and let
			// the next caller start afresh instead of joining a
			// cancelled one.
			f.cancel()
			if g.m[key] == f {
				delete(g.m, key)
			}
		}
		g.mu.Unlock()
		return outcome{}, shared, context.Cause(ctx)
	}
}
