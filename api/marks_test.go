package api_test

import (
	"testing"
)

// A child's list marks what is theirs and what they did, so their home can show their own
// things first; staff lists carry no marks.
func TestListMarksForChildren(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		mine := e.propose("child", "我的建议：操场加水龙头")
		supported := e.propose("child2", "别人的建议：图书馆加椅子")
		e.ok(200, "PUT", "/api/v1/proposals/"+supported+"/support", "child", nil)
		voted := e.propose("child2", "要投票的建议")
		opt := e.toStage(voted, "design")[0]
		e.ok(200, "PUT", "/api/v1/proposals/"+voted+"/vote", "child", map[string]any{"option_id": opt})
		open := e.propose("child2", "还没投票的建议")
		e.toStage(open, "design")
		marks := func(as string) map[string]map[string]any {
			out := map[string]map[string]any{}
			for _, it := range e.ok(200, "GET", "/api/v1/proposals?limit=100", as, nil).json()["items"].([]any) {
				m := it.(map[string]any)
				if mk, ok := m["marks"].(map[string]any); ok {
					out[m["id"].(string)] = mk
				} else {
					out[m["id"].(string)] = nil
				}
			}
			return out
		}
		got := marks("child")
		want := map[string]map[string]bool{
			mine:      {"mine": true, "supported": false, "voted": false},
			supported: {"mine": false, "supported": true, "voted": false},
			voted:     {"mine": false, "supported": false, "voted": true},
			open:      {"mine": false, "supported": false, "voted": false},
		}
		for id, w := range want {
			for k, v := range w {
				if got[id] == nil || got[id][k] != v {
					t.Errorf("child's marks on %s: %v, want %s=%v", id, got[id], k, v)
				}
			}
		}
		// child2 wrote the others: the marks are the reader's own.
		if m := marks("child2")[supported]; m == nil || m["mine"] != true || m["supported"] != false {
			t.Errorf("child2's marks: %v", m)
		}
		for id, m := range marks("facilitator") {
			if m != nil {
				t.Errorf("staff list carries marks on %s: %v", id, m)
			}
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+mine, "child", nil).json()["my"].(map[string]any); r["mine"] != true {
			t.Errorf("detail my.mine for the author: %v", r)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+mine, "child2", nil).json()["my"].(map[string]any); r["mine"] != false {
			t.Errorf("detail my.mine for another child: %v", r)
		}
	})
}
