package api_test

import (
	"fmt"
	"slices"
	"testing"
)

// The staff detail's moves are exactly what the server accepts: for a proposal in every stage,
// each listed move succeeds (on a fresh proposal in that stage), and every stage not listed is
// refused with 409 invalid_transition and a message that says why.
func TestMovesAreWhatTheServerAccepts(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		generic := loadCatalog(t).Text("zh-CN", "error.invalid_transition", nil)
		states := []struct {
			name  string
			build func() string
			moves []string // "to/needs", in order
		}{
			{"needs", func() string { return e.propose("child", "清和公园加饮水机") },
				[]string{"design/none", "decision/decision", "closed/merged_into"}},
			{"design", func() string {
				id := e.propose("child", "爱心斑马线更醒目")
				e.toStage(id, "design")
				return id
			},
				[]string{"decision/decision"}},
			{"decision, adopted", func() string {
				id := e.propose("child", "儿童之家周末开放")
				e.toStage(id, "decision")
				return id
			},
				[]string{"decision/decision", "evaluation/none"}},
			{"decision, not adopted", func() string {
				id := e.propose("child", "学校门口修天桥")
				e.ok(200, "POST", "/api/v1/proposals/"+id+"/decision", "committee", map[string]any{"outcome": "not_adopted", "child_summary": "这里已经有护学岗。"})
				return id
			}, []string{"decision/decision", "closed/none"}},
			{"evaluation", func() string {
				id := e.propose("child", "图书馆加小椅子")
				e.toStage(id, "evaluation")
				return id
			},
				[]string{"closed/summary"}},
			{"closed", func() string { id := e.propose("child", "滑梯换新"); e.toStage(id, "closed"); return id }, []string{}},
		}
		for _, st := range states {
			t.Run(st.name, func(t *testing.T) {
				id := st.build()
				moves := e.moves(id, "committee")
				var got []string
				for _, m := range moves {
					got = append(got, m[0]+"/"+m[1])
				}
				if !slices.Equal(got, st.moves) && !(len(got) == 0 && len(st.moves) == 0) {
					t.Fatalf("moves %v, want %v", got, st.moves)
				}
				for _, m := range moves {
					fresh := st.build()
					p := "/api/v1/proposals/" + fresh
					var r response
					switch m[1] {
					case "decision":
						r = e.ok(200, "POST", p+"/decision", "committee", map[string]any{"outcome": "partly_adopted", "child_summary": "先修一半。"})
					case "merged_into":
						r = e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": m[0], "merged_into": e.propose("child2", "公园要有喝水的地方")})
					case "summary":
						r = e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": m[0], "summary": "已经完成。"})
					default:
						r = e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": m[0]})
					}
					if stage := r.json()["stage"]; stage != m[0] {
						t.Errorf("move %v: now in %v", m, stage)
					}
				}
				other := e.propose("child2", "另一条建议")
				for _, to := range []string{"needs", "design", "decision", "evaluation", "closed"} {
					if slices.ContainsFunc(moves, func(m [2]string) bool { return m[0] == to && m[1] != "decision" }) {
						continue
					}
					r := e.do("POST", "/api/v1/proposals/"+id+"/stage", e.tokens["committee"], map[string]any{"to": to, "summary": "x", "merged_into": other}, nil)
					e.refusedWithReason(t, r, fmt.Sprintf("stage change to %s", to), generic)
				}
				if !slices.ContainsFunc(moves, func(m [2]string) bool { return m[1] == "decision" }) {
					r := e.do("POST", "/api/v1/proposals/"+id+"/decision", e.tokens["committee"], map[string]any{"outcome": "adopted", "child_summary": "好的。"}, nil)
					e.refusedWithReason(t, r, "publishing a decision", generic)
				}
			})
		}
		t.Run("only those who move proposals are offered moves", func(t *testing.T) {
			id := e.propose("child", "操场加遮阳棚")
			if m := e.ok(200, "GET", "/api/v1/proposals/"+id, "facilitator", nil).json()["moves"]; fmt.Sprint(m) != "[]" {
				t.Errorf("a facilitator is offered %v", m)
			}
			if m, ok := e.ok(200, "GET", "/api/v1/proposals/"+id, "child", nil).json()["moves"]; ok {
				t.Errorf("a child is offered %v", m)
			}
			if m, ok := e.ok(200, "GET", "/api/v1/public/proposals/"+id, "", nil).json()["moves"]; ok {
				t.Errorf("the public notice offers %v", m)
			}
		})
	})
}

// moves reads the staff detail's moves as [to, needs] pairs.
func (e *env) moves(id, as string) [][2]string {
	e.t.Helper()
	raw, ok := e.ok(200, "GET", "/api/v1/proposals/"+id, as, nil).json()["moves"].([]any)
	if !ok {
		e.t.Fatalf("the detail of %s has no moves", id)
	}
	out := make([][2]string, len(raw))
	for i, m := range raw {
		mm := m.(map[string]any)
		out[i] = [2]string{mm["to"].(string), mm["needs"].(string)}
	}
	return out
}

// refusedWithReason checks a 409 invalid_transition whose message says more than the generic one.
func (e *env) refusedWithReason(t *testing.T, r response, what, generic string) {
	t.Helper()
	if r.status != 409 || r.errorCode() != "invalid_transition" {
		t.Errorf("%s: %d %s, want 409 invalid_transition", what, r.status, r.body)
		return
	}
	if msg, _ := r.json()["error"].(map[string]any)["message"].(string); msg == "" || msg == generic {
		t.Errorf("%s: refused without a reason: %s", what, r.body)
	}
}
