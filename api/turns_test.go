package api_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"tongsheng/api"
)

// API requests take turns: with every place held, a request waits, then is told to try again
// (503 unavailable, Retry-After) instead of waiting for ever; health checks never queue; once a
// place frees, requests are served again.
func TestRequestsWaitTheirTurnThenRetry(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.serveWith(api.Config{Turns: 1, TurnWait: 200 * time.Millisecond})
	signedIn := holdTheOneTurn(t, e)

	for _, path := range []string{"/api/v1/meta", "/api/v1/public/proposals", "/api/v1/proposals"} {
		r, err := send(e.app, "GET", path, nil, nil)
		if err != nil || r.status != 503 || r.errorCode() != "unavailable" || r.header.Get("Retry-After") == "" {
			t.Errorf("%s while every place is held: %d %s (Retry-After %q), want 503 unavailable", path, r.status, r.body, r.header.Get("Retry-After"))
		}
	}
	if r, err := send(e.app, "GET", "/healthz", nil, nil); err != nil || r.status != 200 {
		t.Errorf("/healthz while every place is held: %d %v", r.status, err)
	}

	if r := signedIn(); r.status != 401 {
		t.Errorf("the held sign-in (a wrong PIN): %d %s", r.status, r.body)
	}
	if r, err := send(e.app, "GET", "/api/v1/meta", nil, nil); err != nil || r.status != 200 {
		t.Errorf("/api/v1/meta once the place is free: %d %s", r.status, r.body)
	}
}

// CSV exports stream with places of their own, each given back once its file has streamed: with
// one place and a wait too short for any export to finish, exports one after another all
// succeed; an export takes no request turn; 40 at once all finish with a longer wait.
func TestExportsTakePlacesAndGiveThemBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		app := func(wait time.Duration) { e.serveWith(api.Config{Exports: 1, ExportWait: wait}) }
		app(time.Millisecond)
		for i := range 3 {
			if r := e.ok(200, "GET", "/api/v1/stats/export.csv", "committee", nil); !strings.Contains(r.body, "\uFEFF") {
				t.Errorf("export %d: %.80q", i, r.body)
			}
		}
		// An export takes no turn: with the one turn held by a sign-in, it still streams.
		e.serveWith(api.Config{Turns: 1, TurnWait: 100 * time.Millisecond, Exports: 1})
		signedIn := holdTheOneTurn(t, e)
		if r := e.do("GET", "/api/v1/stats/export.csv", e.tokens["committee"], nil, nil); r.status != 200 {
			t.Errorf("an export while the one turn is held: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/proposals", e.tokens["committee"], nil, nil); r.status != 503 {
			t.Errorf("a page while the one turn is held: %d, want 503", r.status)
		}
		signedIn()

		app(10 * time.Second)
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				if r := e.do("GET", "/api/v1/stats/export.csv", e.tokens["committee"], nil, nil); r.status != 200 {
					t.Errorf("an export beside 39 others: %d %s", r.status, r.body)
				}
			})
		}
		wg.Wait()
	})
}

// holdTheOneTurn starts a child's sign-in and holds it at its PIN check, so that it keeps the
// app's one turn (Turns: 1), until the returned function lets it finish and returns its reply.
func holdTheOneTurn(t *testing.T, e *env) (finish func() response) {
	t.Helper()
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	e.store.OnSecretCheck(func() {
		arrived <- struct{}{}
		<-release
	})
	t.Cleanup(func() { e.store.OnSecretCheck(nil) })
	signedIn := make(chan response, 1)
	go func() {
		r, _ := send(e.app, "POST", childLoginURL, childGuess(e, "child", "1234"), jsonHeader)
		signedIn <- r
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the sign-in never reached its PIN check")
	}
	return func() response {
		close(release)
		r := <-signedIn
		e.store.OnSecretCheck(nil)
		return r
	}
}
