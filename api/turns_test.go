package api_test

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tongsheng/api"
	"tongsheng/locales"
)

// API requests take turns: with every place held, a request waits, then is told to try again
// (503 unavailable, Retry-After) instead of waiting for ever; health checks never queue; once a
// place frees, requests are served again.
func TestRequestsWaitTheirTurnThenRetry(t *testing.T) {
	e := newEnv(t, "sqlite")
	catalog, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.app = api.New(api.Config{Store: e.store, Catalog: catalog, JWTSecret: testSecret,
		Logger: slog.New(slog.DiscardHandler), Turns: 1, TurnWait: 200 * time.Millisecond})

	// A sign-in holds the one place while its PIN is checked.
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

	for _, path := range []string{"/api/v1/meta", "/api/v1/public/proposals", "/api/v1/proposals"} {
		r, err := send(e.app, "GET", path, nil, nil)
		if err != nil || r.status != 503 || r.errorCode() != "unavailable" || r.header.Get("Retry-After") == "" {
			t.Errorf("%s while every place is held: %d %s (Retry-After %q), want 503 unavailable", path, r.status, r.body, r.header.Get("Retry-After"))
		}
	}
	if r, err := send(e.app, "GET", "/healthz", nil, nil); err != nil || r.status != 200 {
		t.Errorf("/healthz while every place is held: %d %v", r.status, err)
	}

	close(release)
	if r := <-signedIn; r.status != 401 {
		t.Errorf("the held sign-in (a wrong PIN): %d %s", r.status, r.body)
	}
	if r, err := send(e.app, "GET", "/api/v1/meta", nil, nil); err != nil || r.status != 200 {
		t.Errorf("/api/v1/meta once the place is free: %d %s", r.status, r.body)
	}
}

// CSV exports stream with places of their own, each given back once its file has streamed: with
// one place and a wait too short for any export to finish, exports one after another all
// succeed, and several at once all finish with a longer wait.
func TestExportsTakePlacesAndGiveThemBack(t *testing.T) {
	e := newEnv(t, "sqlite")
	catalog, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := func(wait time.Duration) {
		e.app = api.New(api.Config{Store: e.store, Catalog: catalog, JWTSecret: testSecret,
			Logger: slog.New(slog.DiscardHandler), Exports: 1, ExportWait: wait})
	}
	app(time.Millisecond)
	for i := range 3 {
		if r := e.ok(200, "GET", "/api/v1/stats/export.csv", "committee", nil); !strings.Contains(r.body, "\uFEFF") {
			t.Errorf("export %d: %.80q", i, r.body)
		}
	}
	// An export takes no turn: with the one turn held by a sign-in, it still streams.
	e.app = api.New(api.Config{Store: e.store, Catalog: catalog, JWTSecret: testSecret,
		Logger: slog.New(slog.DiscardHandler), Turns: 1, TurnWait: 100 * time.Millisecond, Exports: 1})
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	e.store.OnSecretCheck(func() {
		arrived <- struct{}{}
		<-release
	})
	signedIn := make(chan response, 1)
	go func() {
		r, _ := send(e.app, "POST", childLoginURL, childGuess(e, "child", "1234"), jsonHeader)
		signedIn <- r
	}()
	<-arrived
	if r := e.do("GET", "/api/v1/stats/export.csv", e.tokens["committee"], nil, nil); r.status != 200 {
		t.Errorf("an export while the one turn is held: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/proposals", e.tokens["committee"], nil, nil); r.status != 503 {
		t.Errorf("a page while the one turn is held: %d, want 503", r.status)
	}
	close(release)
	<-signedIn
	e.store.OnSecretCheck(nil)

	app(10 * time.Second)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if r := e.do("GET", "/api/v1/stats/export.csv", e.tokens["committee"], nil, nil); r.status != 200 {
				t.Errorf("an export beside five others: %d %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
}
