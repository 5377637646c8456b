package api_test

import (
	"slices"
	"testing"
	"time"

	"tongsheng/api"
)

// The public list's reply to an anonymous reader is kept for a moment and served again: the same
// bytes, ETag and 304 included. A signed-in reader, another language or another address is
// answered afresh, a bad request is never kept, and once the moment is over the list is read again.
func TestPublicListKeptForAMoment(t *testing.T) {
	e := newEnv(t, "sqlite")
	keep := func(ttl time.Duration) { e.serveWith(api.Config{NoticeCache: ttl}) }
	const list = "/api/v1/public/proposals?limit=20"
	has := func(r response, id string) bool { return slices.Contains(items(t, r), id) }

	keep(time.Hour)
	first := e.propose("child", "操场加一个遮阳棚")
	before := e.do("GET", list, "", nil, nil)
	if before.status != 200 || !has(before, first) {
		t.Fatalf("the list: %d %s", before.status, before.body)
	}
	second := e.propose("child", "图书角加一个书架")
	kept := e.do("GET", list, "", nil, nil)
	if kept.status != 200 || kept.body != before.body || kept.header.Get("ETag") != before.header.Get("ETag") {
		t.Errorf("the kept reply differs: %d %s", kept.status, kept.body)
	}
	if r := e.do("GET", list, "", nil, map[string]string{"If-None-Match": before.header.Get("ETag")}); r.status != 304 {
		t.Errorf("a kept reply the reader has: %d, want 304", r.status)
	}
	if r := e.do("GET", list+"&utm=poster&x=1", "", nil, nil); r.body != before.body {
		t.Errorf("a parameter the list does not read made a reply of its own: %s", r.body)
	}
	for name, r := range map[string]response{
		"signed in":        e.do("GET", list, e.tokens["committee"], nil, nil),
		"another language": e.do("GET", list+"&lang=en", "", nil, nil),
		"another address":  e.do("GET", list+"&stage=needs", "", nil, nil),
	} {
		if r.status != 200 || !has(r, second) {
			t.Errorf("%s: %d, the new proposal missing: %s", name, r.status, r.body)
		}
	}
	for range 2 {
		if r := e.do("GET", list+"&stage=nope", "", nil, nil); r.status != 400 || r.errorCode() != "bad_request" {
			t.Errorf("a bad stage: %d %s", r.status, r.body)
		}
	}

	keep(50 * time.Millisecond)
	e.do("GET", list, "", nil, nil)
	third := e.propose("child", "校门口加一个雨棚")
	time.Sleep(60 * time.Millisecond)
	if r := e.do("GET", list, "", nil, nil); r.status != 200 || !has(r, third) {
		t.Errorf("after the moment: %d, the newest proposal missing: %s", r.status, r.body)
	}
}
