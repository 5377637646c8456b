package api_test

import (
	"net/http"
	"strings"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// With a read replica, anyone reads the public notice from it, and a browser that has just
// written reads from the primary, so that it sees what it wrote. The "replica" is a database
// of its own holding another city, so that each answer shows where it was read.
func TestPublicNoticeFromTheReplicaAndThePrimaryForWhoJustWrote(t *testing.T) {
	e := newEnvFrom(t, modelstest.ReplicatedCity(t, 7, 3), nil)
	count := func(cookie string) int {
		t.Helper()
		var header map[string]string
		if cookie != "" {
			header = map[string]string{"Cookie": cookie}
		}
		r := e.do(http.MethodGet, "/api/v1/public/proposals?limit=50", "", nil, header)
		if r.status != http.StatusOK {
			t.Fatalf("public list: %d %s", r.status, r.body)
		}
		items, _ := r.json()["items"].([]any)
		return len(items)
	}
	if n := count(""); n != 3 {
		t.Fatalf("anyone reads %d proposals, want the replica's 3", n)
	}
	// A sign-in is a write: its answer marks the browser, whose reads then go to the primary.
	r := e.do(http.MethodPost, "/api/v1/auth/child/login", "", map[string]string{
		"body_code": models.SyntheticJoinCode(0), "login_name": models.SyntheticLoginName(1), "pin": models.SyntheticPIN}, nil)
	if r.status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	var mark string
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "tongsheng_wrote=") {
			mark, _, _ = strings.Cut(c, ";")
		}
	}
	if mark == "" {
		t.Fatalf("a successful write set no mark: %v", r.header.Values("Set-Cookie"))
	}
	if n := count(mark); n != 7 {
		t.Fatalf("who just wrote reads %d proposals, want the primary's 7", n)
	}
	// A refused write marks nothing.
	r = e.do(http.MethodPost, "/api/v1/auth/child/login", "", map[string]string{
		"body_code": models.SyntheticJoinCode(0), "login_name": models.SyntheticLoginName(1), "pin": "0000"}, nil)
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "tongsheng_wrote=") {
			t.Fatalf("a refused sign-in marked the browser: %s", c)
		}
	}
}
