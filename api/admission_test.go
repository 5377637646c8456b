package api

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Under many requests at once, no more than the turns' size do their work together, every
// request is answered, and those that waited are served in the order they came.
func TestTurnsLimitWorkAndServeInOrder(t *testing.T) {
	const size, callers = 3, 24
	tn := newTurns(size, time.Minute)
	var running, most, arrived atomic.Int32
	release := make(chan struct{}) // each send lets one handler end
	var mu sync.Mutex
	var order []string
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	arrive := func(c *fiber.Ctx) error { arrived.Add(1); return c.Next() }
	app.Get("/work/:n", arrive, tn.take, func(c *fiber.Ctx) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		mu.Lock()
		order = append(order, c.Params("n"))
		mu.Unlock()
		<-release
		return c.SendString(c.Params("n"))
	})

	var wg sync.WaitGroup
	codes := make([]int, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := app.Test(httptest.NewRequest("GET", "/work/"+string(rune('a'+i)), nil), -1)
			if err != nil {
				t.Error(err)
				return
			}
			codes[i] = resp.StatusCode
		}()
		// Each caller is at the gate before the next comes: the first size run, the rest wait.
		waitFor(t, func() bool { return arrived.Load() == int32(i+1) })
		if i < size {
			waitFor(t, func() bool { return running.Load() == int32(i+1) })
		} else {
			time.Sleep(2 * time.Millisecond) // from arriving to waiting at the gate
		}
	}
	// One handler ends at a time; the next turn goes to the caller that has waited longest.
	for k := range callers {
		release <- struct{}{}
		entered := min(callers, size+k+1)
		waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(order) == entered })
	}
	wg.Wait()

	if got := most.Load(); got != size {
		t.Errorf("%d handlers ran at once, want at most and at best %d", got, size)
	}
	for i, code := range codes {
		if code != fiber.StatusOK {
			t.Errorf("caller %d answered %d", i, code)
		}
	}
	for i, n := range order {
		if want := string(rune('a' + i)); n != want {
			t.Fatalf("turn %d went to %s, want %s (the order they came): %v", i, n, want, order)
		}
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// The public list's kept replies stay within their bytes, however many addresses are asked
// for, and a reply larger than the bound is not kept at all.
func TestNoticeRepliesStayBounded(t *testing.T) {
	n := &noticeReplies{ttl: time.Minute}
	now := time.Now()
	body := make([]byte, 100<<10)
	for i := range 200 {
		n.put(fmt.Sprint("zh-CN /api/v1/public/proposals?cursor=", i), noticeReply{body: body, at: now})
		if n.bytes > noticeRepliesMax || n.bytes < len(body) {
			t.Fatalf("after %d replies: %d bytes kept", i+1, n.bytes)
		}
	}
	if _, ok := n.get("zh-CN /api/v1/public/proposals?cursor=199", now); !ok {
		t.Error("the newest reply was not kept")
	}
	n.put("huge", noticeReply{body: make([]byte, noticeRepliesMax), at: now})
	if _, ok := n.get("huge", now); ok || n.bytes > noticeRepliesMax {
		t.Errorf("a reply past the bound was kept: %d bytes", n.bytes)
	}
	if _, ok := n.get("zh-CN /api/v1/public/proposals?cursor=199", now.Add(time.Minute)); ok {
		t.Error("a reply was served after its moment")
	}
}
