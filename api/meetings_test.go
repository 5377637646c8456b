package api_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"tongsheng/models"
)

// meeting is a valid meeting record of the fixture council.
func meeting(over map[string]any) map[string]any {
	m := map[string]any{"held_on": "2026-05-18", "place": "乐成街道儿童之家",
		"agenda":     []any{map[string]any{"title": "清和公园的秋千"}},
		"attendance": map[string]any{"girls": 7, "boys": 6, "staff": 2, "guests": 1},
		"minutes":    "大家讨论了清和公园的秋千，决定下次会议请园林部门来听取意见。"}
	for k, v := range over {
		m[k] = v
	}
	return m
}

func TestMeetings(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		published := e.propose("child", "清和公园的秋千坏了")
		other := e.do("POST", "/api/v1/proposals", e.tokens["child_other"], map[string]any{"body_id": "{other_council}", "title": "常州的路灯",
			"description": "路灯不亮。", "category": "safety"}, nil).json()["id"].(string)
		url := "/api/v1/bodies/{council}/meetings"
		e.run(t, []scenario{
			{name: "facilitator records a meeting with attendance", method: "POST", url: url, as: "facilitator", status: 201,
				body:     meeting(map[string]any{"agenda": []any{map[string]any{"proposal_id": published}, map[string]any{"title": "下学期的活动"}}}),
				contains: []string{`"girls":7`, `"boys":6`, `"staff":2`, `"guests":1`, `"title":"清和公园的秋千坏了"`, `"proposal_id":"` + published + `"`, `"minutes_held":false`}},
			{name: "committee of the city records one", method: "POST", url: url, as: "committee", status: 201, body: meeting(nil)},
			{name: "committee of the township records one", method: "POST", url: url, as: "committee_town", status: 201, body: meeting(nil)},
			{name: "admin records one", method: "POST", url: url, as: "admin", status: 201, body: meeting(nil)},
			{name: "a child may not", method: "POST", url: url, as: "child", status: 403, code: "forbidden", body: meeting(nil)},
			{name: "another city's committee cannot see the body", method: "POST", url: url, as: "committee_other", status: 404, code: "not_found", body: meeting(nil)},
			{name: "another body's facilitator cannot see it", method: "POST", url: url, as: "facilitator_other", status: 404, code: "not_found", body: meeting(nil)},
			{name: "signed out", method: "POST", url: url, status: 401, code: "unauthenticated", body: meeting(nil)},
			{name: "no date", method: "POST", url: url, as: "facilitator", status: 422, code: "validation_failed", body: meeting(map[string]any{"held_on": ""}), contains: []string{`"held_on"`}},
			{name: "a date that is not one", method: "POST", url: url, as: "facilitator", status: 422, body: meeting(map[string]any{"held_on": "2026-02-30"}), contains: []string{`"held_on"`}},
			{name: "a date in the future", method: "POST", url: url, as: "facilitator", status: 422, body: meeting(map[string]any{"held_on": "2026-06-01"}), contains: []string{`"held_on"`}},
			{name: "a date before any plan", method: "POST", url: url, as: "facilitator", status: 422, body: meeting(map[string]any{"held_on": "0001-01-01"}), contains: []string{`"held_on"`}},
			{name: "a negative count", method: "POST", url: url, as: "facilitator", status: 422, body: meeting(map[string]any{"attendance": map[string]any{"girls": -1}}), contains: []string{`"attendance.girls"`}},
			{name: "a count too large", method: "POST", url: url, as: "facilitator", status: 422, body: meeting(map[string]any{"attendance": map[string]any{"guests": 1001}}), contains: []string{`"attendance.guests"`}},
			{name: "a count that is not a number", method: "POST", url: url, as: "facilitator", status: 400, code: "bad_request", body: meeting(map[string]any{"attendance": map[string]any{"boys": "six"}})},
			{name: "another body's proposal on the agenda", method: "POST", url: url, as: "facilitator", status: 422,
				body: meeting(map[string]any{"agenda": []any{map[string]any{"proposal_id": other}}}), contains: []string{`"agenda.0.proposal_id"`}},
			{name: "an empty free item", method: "POST", url: url, as: "facilitator", status: 422,
				body: meeting(map[string]any{"agenda": []any{map[string]any{"title": " "}}}), contains: []string{`"agenda.0.title"`}},
			{name: "minutes with a phone number are refused", method: "POST", url: url, as: "facilitator", status: 422, code: "moderation_blocked",
				body: meeting(map[string]any{"minutes": "有事请打13812345678找王老师"}), notContains: []string{"13812345678"}},
			{name: "malformed JSON", method: "POST", url: url, as: "facilitator", status: 400, code: "bad_request", body: `{"held_on":`},
			{name: "a body that does not exist", method: "POST", url: "/api/v1/bodies/01HZZZZZZZZZZZZZZZZZZZZZZZ/meetings", as: "committee", status: 404, code: "not_found", body: meeting(nil)},
		})
		// Minutes that screening holds keep the meeting from the children.
		e.ok(201, "POST", url, "facilitator", meeting(map[string]any{"held_on": "2026-05-19", "minutes": "小明说小红是个胖猪，大家都不要和她玩"}))
		e.run(t, []scenario{
			{name: "staff read meetings with attendance", method: "GET", url: url, as: "facilitator", status: 200,
				contains: []string{`"attendance":{"girls":7`, `"minutes_held":true`, "小明说"}},
			{name: "the body's children read meetings without counts or held minutes", method: "GET", url: url, as: "child", status: 200,
				contains: []string{`"held_on":"2026-05-18"`, "清和公园的秋千坏了"}, notContains: []string{`"attendance"`, "小明说", "minutes_held", `"girls"`}},
			{name: "committee of the city reads them", method: "GET", url: url, as: "committee", status: 200, contains: []string{`"attendance":{"girls":7`}},
			{name: "admin reads them", method: "GET", url: url, as: "admin", status: 200, contains: []string{`"attendance":{"girls":7`}},
			{name: "signed out cannot", method: "GET", url: url, status: 401, code: "unauthenticated"},
			{name: "another body's child cannot", method: "GET", url: url, as: "child_other", status: 404, code: "not_found"},
			{name: "another city's committee cannot", method: "GET", url: url, as: "committee_other", status: 404, code: "not_found"},
			{name: "a bad cursor", method: "GET", url: url + "?cursor=x", as: "facilitator", status: 400, code: "bad_request"},
		})
	})
}

// paperSetup brings a proposal to design with two options and two tablet votes, and records a
// meeting of the council.
func paperSetup(t *testing.T, e *env) (id string, opts []string, meetingID string) {
	t.Helper()
	id = e.propose("child", "清和公园的秋千坏了")
	opts = e.toStage(id, "design")
	e.ok(200, "PUT", "/api/v1/proposals/"+id+"/vote", "child", map[string]any{"option_id": opts[0]})
	e.ok(200, "PUT", "/api/v1/proposals/"+id+"/vote", "child2", map[string]any{"option_id": opts[1]})
	meetingID = e.ok(201, "POST", "/api/v1/bodies/{council}/meetings", "facilitator", meeting(nil)).json()["id"].(string)
	return id, opts, meetingID
}

func TestPaperVotes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id, opts, meetingID := paperSetup(t, e)
		url := "/api/v1/proposals/" + id + "/paper-votes"
		counts := func(a, b int) []any {
			return []any{map[string]any{"option_id": opts[0], "votes": a}, map[string]any{"option_id": opts[1], "votes": b}}
		}
		needs := e.propose("child2", "图书馆的书太少")
		otherProposal := e.propose("child2", "校门口的路灯不亮")
		otherOpts := e.toStage(otherProposal, "design")
		e.run(t, []scenario{
			{name: "facilitator enters a show-of-hands result of the meeting", method: "POST", url: url, as: "facilitator", status: 201,
				body:     map[string]any{"meeting_id": meetingID, "counts": counts(12, 3), "note": "举手表决"},
				contains: []string{`"total":15`, `"entered_by":"facilitator"`, `"meeting_id":"` + meetingID + `"`, `"entered_at":"2026-05-20T09:00:00Z"`}},
			{name: "the same meeting twice is a conflict", method: "POST", url: url, as: "committee", status: 409, code: "conflict",
				body: map[string]any{"meeting_id": meetingID, "counts": counts(1, 1)}},
			{name: "committee enters a paper result without a meeting", method: "POST", url: url, as: "committee", status: 201,
				body: map[string]any{"counts": []any{map[string]any{"option_id": opts[1], "votes": 4}}}},
			{name: "a child may not", method: "POST", url: url, as: "child", status: 403, code: "forbidden", body: map[string]any{"counts": counts(1, 1)}},
			{name: "signed out", method: "POST", url: url, status: 401, code: "unauthenticated", body: map[string]any{"counts": counts(1, 1)}},
			{name: "another body's facilitator cannot see the proposal", method: "POST", url: url, as: "facilitator_other", status: 404, code: "not_found", body: map[string]any{"counts": counts(1, 1)}},
			{name: "another city's committee cannot", method: "POST", url: url, as: "committee_other", status: 404, code: "not_found", body: map[string]any{"counts": counts(1, 1)}},
			{name: "only in design", method: "POST", url: "/api/v1/proposals/" + needs + "/paper-votes", as: "facilitator", status: 409, code: "stage_closed",
				body: map[string]any{"counts": []any{map[string]any{"option_id": opts[0], "votes": 1}}}},
			{name: "an option of another proposal", method: "POST", url: url, as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"counts": []any{map[string]any{"option_id": otherOpts[0], "votes": 1}}}, contains: []string{`"counts.0.option_id"`}},
			{name: "a negative count", method: "POST", url: url, as: "facilitator", status: 422, body: map[string]any{"counts": counts(-1, 2)}, contains: []string{`"counts.0.votes"`}},
			{name: "the same option twice", method: "POST", url: url, as: "facilitator", status: 422,
				body: map[string]any{"counts": []any{map[string]any{"option_id": opts[0], "votes": 1}, map[string]any{"option_id": opts[0], "votes": 1}}}, contains: []string{`"counts.1.option_id"`}},
			{name: "no counts", method: "POST", url: url, as: "facilitator", status: 422, body: map[string]any{"counts": []any{}}, contains: []string{`"counts"`}},
			{name: "a meeting of another body", method: "POST", url: url, as: "admin", status: 422,
				body:     map[string]any{"meeting_id": e.ok(201, "POST", "/api/v1/bodies/{other_council}/meetings", "facilitator_other", meeting(nil)).json()["id"], "counts": counts(1, 1)},
				contains: []string{`"meeting_id"`}},
			{name: "votes that are not numbers", method: "POST", url: url, as: "facilitator", status: 400, code: "bad_request",
				body: map[string]any{"counts": []any{map[string]any{"option_id": opts[0], "votes": "12"}}}},
		})
	})
}

// Tablet votes and entered paper results stay apart in every tally: the results route, the
// stored option counts (VerifyCounts), the public notice and the CSV export; and a child voting
// on the tablet after the session changes only the tablet side.
func TestPaperVotesStaySeparate(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id, opts, meetingID := paperSetup(t, e)
		e.ok(201, "POST", "/api/v1/proposals/"+id+"/paper-votes", "facilitator", map[string]any{"meeting_id": meetingID,
			"counts": []any{map[string]any{"option_id": opts[0], "votes": 12}, map[string]any{"option_id": opts[1], "votes": 3}}})
		e.ok(201, "POST", "/api/v1/proposals/"+id+"/paper-votes", "committee", map[string]any{
			"counts": []any{map[string]any{"option_id": opts[1], "votes": 4}}})
		tally := func(as string) (tablet, paper map[string]float64, total, paperTotal float64, body string) {
			r := e.ok(200, "GET", "/api/v1/proposals/"+id+"/results", as, nil)
			tablet, paper = map[string]float64{}, map[string]float64{}
			for _, o := range r.json()["options"].([]any) {
				o := o.(map[string]any)
				tablet[o["id"].(string)], paper[o["id"].(string)] = o["votes"].(float64), o["paper_votes"].(float64)
			}
			return tablet, paper, r.json()["total"].(float64), r.json()["paper_total"].(float64), r.body
		}
		check := func(as string, wantTablet [2]float64) {
			t.Helper()
			tablet, paper, total, paperTotal, body := tally(as)
			if tablet[opts[0]] != wantTablet[0] || tablet[opts[1]] != wantTablet[1] || total != wantTablet[0]+wantTablet[1] {
				t.Errorf("%s: tablet votes %v total %v, want %v: %s", as, tablet, total, wantTablet, body)
			}
			if paper[opts[0]] != 12 || paper[opts[1]] != 7 || paperTotal != 19 {
				t.Errorf("%s: paper votes %v total %v, want 12 and 7 of 19", as, paper, paperTotal)
			}
		}
		check("committee", [2]float64{1, 1})
		if _, _, _, _, body := tally("facilitator"); !strings.Contains(body, `"paper_entries"`) || !strings.Contains(body, `"entered_by":"committee"`) {
			t.Errorf("staff see who entered what: %s", body)
		}
		// A tablet vote after the session moves only the tablet side.
		e.ok(200, "PUT", "/api/v1/proposals/"+id+"/vote", "child2", map[string]any{"option_id": opts[0]})
		check("committee", [2]float64{2, 0})
		for _, o := range e.ok(200, "GET", "/api/v1/proposals/"+id, "committee", nil).json()["options"].([]any) {
			if o := o.(map[string]any); o["id"] == opts[0] && o["votes"] != 2.0 || o["id"] == opts[1] && o["votes"] != 0.0 {
				t.Errorf("the proposal's options count paper votes: %v", o)
			}
		}
		diffs, err := e.store.VerifyCounts(context.Background())
		if err != nil || len(diffs) > 0 {
			t.Fatalf("stored counts differ from the vote rows (paper votes leaked into them?): %v %v", diffs, err)
		}
		e.refused(t, 403, "forbidden", "GET", "/api/v1/proposals/"+id+"/results", "child", nil)
		e.ok(200, "POST", "/api/v1/proposals/"+id+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "我们决定换新秋千。"})
		check("child", [2]float64{2, 0})
		if _, _, _, _, body := tally("child"); strings.Contains(body, "paper_entries") || strings.Contains(body, "entered_by") {
			t.Errorf("a child sees who entered the results: %s", body)
		}
		pub := e.ok(200, "GET", "/api/v1/public/proposals/"+id, "", nil)
		if !strings.Contains(pub.body, `"total":2,"paper_total":19`) || strings.Contains(pub.body, "entered_by") {
			t.Errorf("the public notice mixes or hides the tallies: %s", pub.body)
		}
		rows := e.ok(200, "GET", "/api/v1/stats/export.csv?lang=en", "committee", nil)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rows.body, "\uFEFF"))).ReadAll()
		e.must(err)
		col := -1
		for i, h := range records[0] {
			if h == "Votes" {
				col = i
			}
		}
		for _, r := range records[1:] {
			if r[0] == id && (col < 0 || r[col] != "2") {
				t.Errorf("the export's votes column is not the tablet count: %v (column %d)", r, col)
			}
		}
	})
}

func TestActivities(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child", "清和公园的秋千坏了")
		pOther := e.do("POST", "/api/v1/proposals", e.tokens["child_other"], map[string]any{"body_id": "{other_council}", "title": "常州的路灯",
			"description": "路灯不亮。", "category": "safety"}, nil).json()["id"].(string)
		act := func(kind, region string, over map[string]any) map[string]any {
			m := map[string]any{"kind": kind, "title": "儿童参与专题培训", "region_id": region, "held_on": "2026-05-10", "organiser": "市妇儿工委办",
				"participants": map[string]any{"girls": 10, "boys": 9, "staff": 4}, "proposal_ids": []any{}}
			for k, v := range over {
				m[k] = v
			}
			return m
		}
		url := "/api/v1/activities"
		e.run(t, []scenario{
			{name: "committee logs a themed activity in its city", method: "POST", url: url, as: "committee", status: 201,
				body: act("activity", "{yueqing}", map[string]any{"title": "小小规划师进公园", "proposal_ids": []any{p}}), contains: []string{`"proposal_ids":["` + p + `"]`, `"girls":10`, `"region_name":"yueqing"`}},
			{name: "facilitator logs a training in its body's township", method: "POST", url: url, as: "facilitator", status: 201,
				body: act("training", "{lecheng}", nil), contains: []string{`"kind":"training"`}},
			{name: "committee of the township logs a study", method: "POST", url: url, as: "committee_town", status: 201, body: act("study", "{lecheng}", map[string]any{"held_on": "2025-11-02"})},
			{name: "admin logs one", method: "POST", url: url, as: "admin", status: 201, body: act("training", "{changzhou}", nil)},
			{name: "a child may not", method: "POST", url: url, as: "child", status: 403, code: "forbidden", body: act("activity", "{lecheng}", nil)},
			{name: "township committee cannot log for the city above", method: "POST", url: url, as: "committee_town", status: 404, code: "not_found", body: act("activity", "{yueqing}", nil)},
			{name: "another city's committee", method: "POST", url: url, as: "committee_other", status: 404, code: "not_found", body: act("activity", "{lecheng}", nil)},
			{name: "a facilitator outside its bodies' regions", method: "POST", url: url, as: "facilitator_other", status: 404, code: "not_found", body: act("activity", "{lecheng}", nil)},
			{name: "an unknown kind", method: "POST", url: url, as: "committee", status: 400, code: "bad_request", body: act("party", "{lecheng}", nil), contains: []string{`"kind"`}},
			{name: "no title", method: "POST", url: url, as: "committee", status: 422, body: act("activity", "{lecheng}", map[string]any{"title": ""}), contains: []string{`"title"`}},
			{name: "no organiser", method: "POST", url: url, as: "committee", status: 422, body: act("activity", "{lecheng}", map[string]any{"organiser": ""}), contains: []string{`"organiser"`}},
			{name: "a future date", method: "POST", url: url, as: "committee", status: 422, body: act("activity", "{lecheng}", map[string]any{"held_on": "2027-01-01"}), contains: []string{`"held_on"`}},
			{name: "a negative count", method: "POST", url: url, as: "committee", status: 422, body: act("activity", "{lecheng}", map[string]any{"participants": map[string]any{"boys": -2}}), contains: []string{`"participants.boys"`}},
			{name: "a proposal out of sight", method: "POST", url: url, as: "committee", status: 422, body: act("activity", "{lecheng}", map[string]any{"proposal_ids": []any{pOther}}), contains: []string{`"proposal_ids.0"`}},
			{name: "signed out", method: "POST", url: url, status: 401, code: "unauthenticated", body: act("activity", "{lecheng}", nil)},
			{name: "malformed JSON", method: "POST", url: url, as: "committee", status: 400, code: "bad_request", body: `{"kind":"activity",`},
			{name: "an organiser with a phone number", method: "POST", url: url, as: "committee", status: 422, code: "moderation_blocked", body: act("activity", "{lecheng}", map[string]any{"organiser": "王老师 13812345678"})},
		})
		e.run(t, []scenario{
			{name: "committee lists its subtree", method: "GET", url: url, as: "committee", status: 200, contains: []string{"小小规划师进公园", `"kind":"study"`}, notContains: []string{"changzhou"}},
			{name: "filtered by year and kind", method: "GET", url: url + "?year=2026&kind=training", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) {
					if items := r.json()["items"].([]any); len(items) != 1 || items[0].(map[string]any)["kind"] != "training" {
						t.Errorf("2026 trainings: %s", r.body)
					}
				}},
			{name: "filtered by a township", method: "GET", url: url + "?region_id={lecheng}", as: "committee", status: 200, notContains: []string{"小小规划师进公园"}, contains: []string{`"kind":"training"`}},
			{name: "facilitator sees its bodies' regions", method: "GET", url: url, as: "facilitator", status: 200, contains: []string{"小小规划师进公园", `"kind":"training"`}},
			{name: "another facilitator sees none of them", method: "GET", url: url, as: "facilitator_other", status: 200, notContains: []string{"小小规划师进公园", `"region_name":"lecheng"`}},
			{name: "a region out of scope", method: "GET", url: url + "?region_id={yueqing}", as: "committee_town", status: 404, code: "not_found"},
			{name: "admin sees every city's", method: "GET", url: url, as: "admin", status: 200, contains: []string{"小小规划师进公园", `"region_name":"changzhou"`}},
			{name: "signed out", method: "GET", url: url, status: 401, code: "unauthenticated"},
			{name: "a child may not", method: "GET", url: url, as: "child", status: 403, code: "forbidden"},
			{name: "a bad year", method: "GET", url: url + "?year=26", as: "committee", status: 400, code: "bad_request"},
			{name: "an unknown kind", method: "GET", url: url + "?kind=party", as: "committee", status: 400, code: "bad_request"},
			{name: "a malformed region is no region", method: "GET", url: url + "?region_id=not-an-id", as: "committee", status: 404, code: "not_found"},
		})
	})
}

func TestTargets(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		// A second township without a body: coverage is one of two.
		hongqiao, err := e.store.CreateRegion(context.Background(), sys, models.RegionInput{Name: "虹桥镇", Kind: "township", ParentID: e.ids["yueqing"]})
		e.must(err)
		url := "/api/v1/regions/{yueqing}/targets/2026"
		e.ok(201, "POST", "/api/v1/activities", "committee", map[string]any{"kind": "activity", "title": "小小规划师进公园", "region_id": "{lecheng}",
			"held_on": "2026-04-01", "organiser": "市妇儿工委办", "participants": map[string]any{"girls": 3, "boys": 2}})
		e.run(t, []scenario{
			{name: "committee sets the year's targets from the 乐清 preset", method: "PUT", url: url, as: "committee", status: 200, body: map[string]any{"preset": "yueqing"},
				contains: []string{`"kind":"body_coverage","target":1,"actual":0.5`, `"kind":"activities","target":3,"actual":1,"expected":1,"on_track":true`,
					`"kind":"trainings","target":1,"actual":0,"expected":0,"on_track":true`, `"uncovered":[{"region_id":"` + hongqiao.ID + `","name":"虹桥镇"}]`},
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if len(items) != 4 {
						t.Errorf("the 乐清 preset sets coverage, activities, trainings and studies: %s", r.body)
					}
					cov := items[0].(map[string]any)
					if cov["on_track"] != false || !strings.Contains(fmt.Sprint(cov["held_back_by"]), "虹桥镇") {
						t.Errorf("coverage is held back by 虹桥镇: %v", cov)
					}
				}},
			{name: "explicit targets replace the set", method: "PUT", url: url, as: "admin", status: 200,
				body:        map[string]any{"targets": []any{map[string]any{"kind": "new_observer_groups", "value": 2}, map[string]any{"kind": "adoption_rate", "value": 0.6}}},
				contains:    []string{`"kind":"new_observer_groups","target":2`, `"kind":"adoption_rate","target":0.6,"actual":null`},
				notContains: []string{`"kind":"activities","target"`}},
			{name: "committee reads the dashboard", method: "GET", url: url, as: "committee", status: 200, contains: []string{`"kind":"new_observer_groups"`, `"townships":[`, `"name":"虹桥镇","bodies":0`, `"name":"lecheng","bodies":1`}},
			{name: "the township's committee reads its own", method: "GET", url: "/api/v1/regions/{lecheng}/targets/2026", as: "committee_town", status: 200, contains: []string{`"uncovered":[]`}},
			{name: "the township's committee cannot set the city's", method: "PUT", url: url, as: "committee_town", status: 404, code: "not_found", body: map[string]any{"preset": "yueqing"}},
			{name: "another city's committee cannot read them", method: "GET", url: url, as: "committee_other", status: 404, code: "not_found"},
			{name: "signed out", method: "GET", url: url, status: 401, code: "unauthenticated"},
			{name: "a facilitator may not", method: "GET", url: url, as: "facilitator", status: 403, code: "forbidden"},
			{name: "a facilitator may not set them", method: "PUT", url: url, as: "facilitator", status: 403, code: "forbidden", body: map[string]any{"preset": "yueqing"}},
			{name: "a child may not", method: "GET", url: url, as: "child", status: 403, code: "forbidden"},
			{name: "an unknown preset", method: "PUT", url: url, as: "committee", status: 400, code: "bad_request", body: map[string]any{"preset": "beijing"}},
			{name: "an unknown kind", method: "PUT", url: url, as: "committee", status: 400, code: "bad_request", body: map[string]any{"targets": []any{map[string]any{"kind": "happiness", "value": 1}}}},
			{name: "a rate above 1", method: "PUT", url: url, as: "committee", status: 422, body: map[string]any{"targets": []any{map[string]any{"kind": "on_time_rate", "value": 95}}}, contains: []string{`"targets.0.value"`}},
			{name: "a count that is not whole", method: "PUT", url: url, as: "committee", status: 422, body: map[string]any{"targets": []any{map[string]any{"kind": "trainings", "value": 1.5}}}, contains: []string{`"targets.0.value"`}},
			{name: "a kind twice", method: "PUT", url: url, as: "committee", status: 422,
				body: map[string]any{"targets": []any{map[string]any{"kind": "trainings", "value": 1}, map[string]any{"kind": "trainings", "value": 2}}}, contains: []string{`"targets.1.kind"`}},
			{name: "a year that is not one", method: "GET", url: "/api/v1/regions/{yueqing}/targets/20x6", as: "committee", status: 400, code: "bad_request"},
			{name: "a year out of range", method: "PUT", url: "/api/v1/regions/{yueqing}/targets/1999", as: "committee", status: 400, code: "bad_request", body: map[string]any{"preset": "yueqing"}},
			{name: "value that is not a number", method: "PUT", url: url, as: "committee", status: 400, code: "bad_request", body: map[string]any{"targets": []any{map[string]any{"kind": "trainings", "value": "1"}}}},
			{name: "a region that does not exist", method: "GET", url: "/api/v1/regions/01HZZZZZZZZZZZZZZZZZZZZZZZ/targets/2026", as: "admin", status: 404, code: "not_found"},
		})
		// A past year is judged on the whole year; the CSV carries the same figures.
		e.ok(200, "PUT", "/api/v1/regions/{yueqing}/targets/2025", "committee", map[string]any{"preset": "yueqing"})
		r := e.ok(200, "GET", "/api/v1/regions/{yueqing}/targets/2025", "committee", nil)
		if !strings.Contains(r.body, `"kind":"studies","target":1,"actual":0,"expected":1,"on_track":false`) {
			t.Errorf("2025 had no study: %s", r.body)
		}
		// A count target is due pro rata: one study a year is not yet due in May, and is behind by October.
		e.ok(200, "PUT", "/api/v1/regions/{lecheng}/targets/2026", "committee_town", map[string]any{"targets": []any{map[string]any{"kind": "studies", "value": 1}}})
		if r := e.ok(200, "GET", "/api/v1/regions/{lecheng}/targets/2026", "committee_town", nil); !strings.Contains(r.body, `"kind":"studies","target":1,"actual":0,"expected":0,"on_track":true`) {
			t.Errorf("May: %s", r.body)
		}
		e.advance(140 * 24 * time.Hour)
		if r := e.ok(200, "GET", "/api/v1/regions/{lecheng}/targets/2026", "committee_town", nil); !strings.Contains(r.body, `"kind":"studies","target":1,"actual":0,"expected":1,"on_track":false`) {
			t.Errorf("October: %s", r.body)
		}
		csvBody := e.ok(200, "GET", "/api/v1/regions/{yueqing}/targets/2026/export.csv?lang=en", "committee", nil)
		if !strings.HasPrefix(csvBody.body, "\uFEFF") || !strings.Contains(csvBody.body, "虹桥镇,,0") {
			t.Errorf("CSV: %s", csvBody.body)
		}
		csvURL := "/api/v1/regions/{yueqing}/targets/2026/export.csv"
		e.run(t, []scenario{
			{name: "CSV: admin", method: "GET", url: csvURL + "?lang=zh-CN", as: "admin", status: 200, contains: []string{"年度目标,新建儿童观察团,2,1"}},
			{name: "CSV: another city's committee", method: "GET", url: csvURL, as: "committee_other", status: 404, code: "not_found"},
			{name: "CSV: the township's committee cannot read the city's", method: "GET", url: csvURL, as: "committee_town", status: 404, code: "not_found"},
			{name: "CSV: a facilitator may not", method: "GET", url: csvURL, as: "facilitator", status: 403, code: "forbidden"},
			{name: "CSV: a child may not", method: "GET", url: csvURL, as: "child", status: 403, code: "forbidden"},
			{name: "CSV: signed out", method: "GET", url: csvURL, status: 401, code: "unauthenticated"},
			{name: "CSV: a bad year", method: "GET", url: "/api/v1/regions/{yueqing}/targets/year/export.csv", as: "committee", status: 400, code: "bad_request"},
		})
	})
}

// Counts under 5 never appear in a split: however many children take part, every figure of the
// split is 0, 5 or more, or "<5"; the dashboard's meeting totals follow the same rule. A member's
// sex shows to staff and the guardian's export, never to children.
func TestSplitHidesSmallCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		url := "/api/v1/regions/{yueqing}/targets/2026"
		assertNoSmall := func(t *testing.T, r response) map[string]any {
			t.Helper()
			split := r.json()["split"].(map[string]any)
			for _, group := range []string{"by_sex", "by_age_band"} {
				for k, v := range split[group].(map[string]any) {
					if n, ok := v.(float64); ok && n >= 1 && n <= 4 {
						t.Fatalf("%s.%s = %v: a count under 5 shows: %s", group, k, n, r.body)
					} else if !ok && v != "<5" {
						t.Fatalf("%s.%s = %v", group, k, v)
					}
				}
			}
			for _, k := range []string{"girls", "boys"} {
				if n, ok := r.json()["meetings"].(map[string]any)[k].(float64); ok && n >= 1 && n <= 4 {
					t.Fatalf("meetings.%s = %v", k, n)
				}
			}
			return split
		}
		var girls []string
		for i := range 6 {
			r := e.ok(201, "POST", "/api/v1/bodies/{council}/members", "facilitator", map[string]any{"nickname": "花花", "login_name": fmt.Sprintf("girl%d", i),
				"pin": "1357", "birth_year": 2013, "birth_month": 3, "sex": "female", "guardian": map[string]any{"relation": "母亲"}})
			child := r.json()["child"].(map[string]any)["id"].(string)
			girls = append(girls, child)
			e.must(e.store.RecordPaperConsent(ctx, sys, child, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F"}))
			split := assertNoSmall(t, e.ok(200, "GET", url, "committee", nil))
			if want := any(float64(i + 1)); i+1 < 5 {
				want = "<5"
				if split["by_sex"].(map[string]any)["female"] != want {
					t.Fatalf("%d girls read %v", i+1, split["by_sex"])
				}
			} else if split["by_sex"].(map[string]any)["female"] != want {
				t.Fatalf("%d girls read %v", i+1, split["by_sex"])
			}
		}
		split := assertNoSmall(t, e.ok(200, "GET", url, "committee", nil))
		// The fixtures' three consented children have no sex given and are 11 at the year's end.
		if split["by_sex"].(map[string]any)["unspecified"] != "<5" || split["by_sex"].(map[string]any)["male"] != 0.0 ||
			split["by_age_band"].(map[string]any)["12-14"] != 6.0 || split["by_age_band"].(map[string]any)["9-11"] != "<5" {
			t.Errorf("split: %v", split)
		}
		e.ok(201, "POST", "/api/v1/bodies/{council}/meetings", "facilitator", meeting(map[string]any{"attendance": map[string]any{"girls": 3, "boys": 0}}))
		r := e.ok(200, "GET", url, "committee", nil)
		assertNoSmall(t, r)
		if m := r.json()["meetings"].(map[string]any); m["girls"] != "<5" || m["boys"] != 0.0 || m["count"] != 1.0 {
			t.Errorf("meeting totals: %v", m)
		}
		if !strings.Contains(e.ok(200, "GET", url+"/export.csv", "committee", nil).body, "<5") {
			t.Error("the CSV shows small counts")
		}
		e.run(t, []scenario{
			{name: "staff see a member's sex", method: "GET", url: "/api/v1/children/" + girls[0], as: "facilitator", status: 200, contains: []string{`"sex":"female"`}},
			{name: "an unknown sex", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 400, code: "bad_request",
				body: map[string]any{"nickname": "花花", "login_name": "girlx", "pin": "1357", "birth_year": 2013, "birth_month": 3, "sex": "other"}},
			{name: "children never see it", method: "GET", url: "/api/v1/me", as: "child", status: 200, notContains: []string{"sex", "female"}},
			{name: "staff's members list shows it", method: "GET", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 200, contains: []string{`"sex":"female"`}},
			{name: "a facilitator records a member's sex", method: "PUT", url: "/api/v1/children/{child}/sex", as: "facilitator", status: 200, body: map[string]any{"sex": "male"},
				check: func(t *testing.T, e *env, r response) {
					if d := e.ok(200, "GET", "/api/v1/children/{child}", "committee", nil); !strings.Contains(d.body, `"sex":"male"`) {
						t.Errorf("not recorded: %s", d.body)
					}
				}},
			{name: "and clears it", method: "PUT", url: "/api/v1/children/{child2}/sex", as: "committee", status: 200, body: map[string]any{"sex": ""}},
			{name: "admin records one", method: "PUT", url: "/api/v1/children/{child2}/sex", as: "admin", status: 200, body: map[string]any{"sex": "female"}},
			{name: "an unknown value", method: "PUT", url: "/api/v1/children/{child}/sex", as: "facilitator", status: 400, code: "bad_request", body: map[string]any{"sex": "x"}},
			{name: "no value", method: "PUT", url: "/api/v1/children/{child}/sex", as: "facilitator", status: 400, code: "bad_request", body: map[string]any{}},
			{name: "another body's facilitator cannot see the child", method: "PUT", url: "/api/v1/children/{child}/sex", as: "facilitator_other", status: 404, code: "not_found", body: map[string]any{"sex": "male"}},
			{name: "another city's committee cannot", method: "PUT", url: "/api/v1/children/{child}/sex", as: "committee_other", status: 404, code: "not_found", body: map[string]any{"sex": "male"}},
			{name: "a child cannot, not even its own", method: "PUT", url: "/api/v1/children/{child}/sex", as: "child", status: 404, code: "not_found", body: map[string]any{"sex": "male"}},
			{name: "signed out", method: "PUT", url: "/api/v1/children/{child}/sex", status: 401, code: "unauthenticated", body: map[string]any{"sex": "male"}},
			{name: "nor the public notice", method: "GET", url: "/api/v1/public/proposals", status: 200, notContains: []string{"female"}},
			{name: "a withdrawal removes it", method: "POST", url: "/api/v1/children/" + girls[1] + "/consent/withdraw", as: "facilitator", status: 200,
				body: map[string]any{"erase": false, "reference": "W-1"},
				check: func(t *testing.T, e *env, r response) {
					if d := e.ok(200, "GET", "/api/v1/children/"+girls[1], "facilitator", nil); strings.Contains(d.body, "female") {
						t.Errorf("the withdrawn child's sex is kept: %s", d.body)
					}
					e.refused(t, 409, "conflict", "PUT", "/api/v1/children/"+girls[1]+"/sex", "facilitator", map[string]any{"sex": "female"})
				}},
		})
	})
}

// A proposal a child raised in a meeting is entered by staff for that child, under the child's
// own rules: a member of the body, with consent and assent, the words screened as the child's.
func TestProposeInMeeting(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		meetingID := e.ok(201, "POST", "/api/v1/bodies/{council}/meetings", "facilitator", meeting(nil)).json()["id"].(string)
		empty := e.ok(201, "POST", "/api/v1/bodies/{council}/meetings", "facilitator", meeting(map[string]any{"attendance": map[string]any{"staff": 2}})).json()["id"].(string)
		url := "/api/v1/meetings/" + meetingID + "/proposals"
		idea := func(child string, over map[string]any) map[string]any {
			m := map[string]any{"child_id": "{" + child + "}", "title": "图书角加一排矮书架", "description": "低年级够不着上面的书。", "category": "library"}
			for k, v := range over {
				m[k] = v
			}
			return m
		}
		e.run(t, []scenario{
			{name: "facilitator enters a present child's proposal", method: "POST", url: url, as: "facilitator", status: 201, body: idea("child", nil),
				contains: []string{`"stage":"needs"`, `"visibility":"published"`, `"nickname":"童child"`},
				check: func(t *testing.T, e *env, r response) {
					mine := e.ok(200, "GET", "/api/v1/proposals?mine=true", "child", nil)
					if !strings.Contains(mine.body, r.json()["id"].(string)) {
						t.Errorf("the child does not find the proposal as its own: %s", mine.body)
					}
				}},
			{name: "committee enters one", method: "POST", url: url, as: "committee", status: 201, body: idea("child2", map[string]any{"title": "操场边加洗手池"})},
			{name: "a child without consent stays without a voice here too", method: "POST", url: url, as: "facilitator", status: 403, code: "consent_required", body: idea("child_pending", nil)},
			{name: "a child of another body", method: "POST", url: url, as: "admin", status: 422, code: "validation_failed", body: idea("child_other", nil), contains: []string{`"child_id"`}},
			{name: "a meeting with no children present", method: "POST", url: "/api/v1/meetings/" + empty + "/proposals", as: "facilitator", status: 409, code: "conflict", body: idea("child", nil)},
			{name: "a child may not", method: "POST", url: url, as: "child", status: 403, code: "forbidden", body: idea("child2", nil)},
			{name: "signed out", method: "POST", url: url, status: 401, code: "unauthenticated", body: idea("child2", nil)},
			{name: "malformed JSON", method: "POST", url: url, as: "facilitator", status: 400, code: "bad_request", body: `{"child_id":`},
			{name: "another body's facilitator cannot see the meeting", method: "POST", url: url, as: "facilitator_other", status: 404, code: "not_found", body: idea("child", nil)},
			{name: "another city's committee", method: "POST", url: url, as: "committee_other", status: 404, code: "not_found", body: idea("child", nil)},
			{name: "a meeting that does not exist", method: "POST", url: "/api/v1/meetings/01HZZZZZZZZZZZZZZZZZZZZZZZ/proposals", as: "admin", status: 404, code: "not_found", body: idea("child", nil)},
			{name: "the child's words are screened", method: "POST", url: url, as: "facilitator", status: 422, code: "moderation_blocked",
				body: idea("child", map[string]any{"description": "我家电话13812345678"}), notContains: []string{"13812345678"}},
			{name: "no title", method: "POST", url: url, as: "facilitator", status: 422, code: "validation_failed", body: idea("child", map[string]any{"title": ""}), contains: []string{`"title"`}},
			{name: "an unknown category", method: "POST", url: url, as: "facilitator", status: 400, code: "bad_request", body: idea("child", map[string]any{"category": "zoo"})},
		})
	})
}

// A child's proposal on a meeting's agenda is kept there by reference only: when the guardian
// withdraws with erasure, nothing of its words stays in the meeting or the database files.
func TestAgendaKeepsNoErasedWords(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir)
	shared := e.propose("child", "紫色独角兽秋千")
	alone := e.propose("child", "会飞的彩虹滑梯")
	e.ok(200, "PUT", "/api/v1/proposals/"+shared+"/support", "child2", nil)
	e.ok(201, "POST", "/api/v1/bodies/{council}/meetings", "facilitator", meeting(map[string]any{
		"agenda": []any{map[string]any{"proposal_id": shared}, map[string]any{"proposal_id": alone}, map[string]any{"title": "下学期的活动"}}}))
	e.ok(201, "POST", "/api/v1/activities", "committee", map[string]any{"kind": "activity", "title": "小小规划师进公园", "region_id": "{lecheng}",
		"held_on": "2026-05-10", "organiser": "市妇儿工委办", "proposal_ids": []any{shared, alone}})
	if r := e.ok(200, "GET", "/api/v1/bodies/{council}/meetings", "child2", nil); !strings.Contains(r.body, "紫色独角兽秋千") || !strings.Contains(r.body, "会飞的彩虹滑梯") {
		t.Fatalf("the agenda before: %s", r.body)
	}
	e.ok(200, "POST", "/api/v1/children/{child}/consent/withdraw", "facilitator", map[string]any{"erase": true, "reference": "W-2"})
	for _, who := range []string{"facilitator", "child2"} {
		r := e.ok(200, "GET", "/api/v1/bodies/{council}/meetings", who, nil)
		if strings.Contains(r.body, "紫色独角兽秋千") || strings.Contains(r.body, "会飞的彩虹滑梯") || !strings.Contains(r.body, "下学期的活动") {
			t.Errorf("the agenda after erasure, as %s: %s", who, r.body)
		}
	}
	if r := e.ok(200, "GET", "/api/v1/activities", "committee", nil); strings.Contains(r.body, alone) {
		t.Errorf("the activity still links the deleted proposal: %s", r.body)
	}
	e.store.Close()
	assertFilesLack(t, dir, "紫色独角兽秋千", "会飞的彩虹滑梯")
}

// Two committee members replacing the same targets at once both succeed, one after the other.
func TestTargetsReplacedAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		done := make(chan response, 8)
		for i := range 8 {
			go func() {
				who := []string{"committee", "admin"}[i%2]
				done <- e.do("PUT", "/api/v1/regions/{yueqing}/targets/2026", e.tokens[who], map[string]any{"preset": []string{"yueqing", "xiuzhou"}[i%2]}, nil)
			}()
		}
		for range 8 {
			if r := <-done; r.status != 200 {
				t.Errorf("a replacement at once: %d %s", r.status, r.body)
			}
		}
		items := e.ok(200, "GET", "/api/v1/regions/{yueqing}/targets/2026", "committee", nil).json()["items"].([]any)
		if len(items) != 4 && len(items) != 2 {
			t.Errorf("the targets are a mix of two presets: %v", items)
		}
	})
}

// The meta route lists the kinds, presets and bands the rules use, each with a message in every
// language, and presets of known kinds only.
func TestMetaPlanEnums(t *testing.T) {
	e := newEnv(t, "sqlite")
	m := getMeta(t, e)
	if strings.Join(m.TargetKinds, ",") != strings.Join(models.TargetKinds, ",") || strings.Join(m.ActivityKinds, ",") != "activity,training,study" ||
		strings.Join(m.RateTargets, ",") != "body_coverage,on_time_rate,adoption_rate" || m.SmallCount != "<5" || len(m.AgeBands) != 4 {
		t.Errorf("meta: %+v", m)
	}
	cat := loadCatalog(t)
	for _, lang := range []string{"zh-CN", "en"} {
		msgs, _ := cat.Messages(lang)
		for prefix, values := range map[string][]string{"target_kind.": m.TargetKinds, "activity_kind.": m.ActivityKinds,
			"preset.": m.PresetNames, "sex.": append(m.Sexes, "unspecified")} {
			for _, v := range values {
				if msgs[prefix+v] == "" {
					t.Errorf("%s has no message %s%s", lang, prefix, v)
				}
			}
		}
	}
	for _, name := range m.PresetNames {
		if len(m.TargetPresets[name]) == 0 {
			t.Errorf("preset %s sets nothing", name)
		}
		for _, tv := range m.TargetPresets[name] {
			if !strings.Contains(strings.Join(m.TargetKinds, ","), tv.Kind) {
				t.Errorf("preset %s sets an unknown kind %s", name, tv.Kind)
			}
		}
	}
}

// Paper results entered while children vote on their tablets, all at once: each side keeps its
// own exact count.
func TestPaperVotesAtOnceWithTabletVotes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.propose("child", "清和公园的秋千坏了")
		opts := e.toStage(id, "design")
		done := make(chan response, 12)
		for i := range 12 {
			go func() {
				switch i {
				case 0, 1:
					done <- e.do("PUT", "/api/v1/proposals/"+id+"/vote", e.tokens[[]string{"child", "child2"}[i]], map[string]any{"option_id": opts[i]}, nil)
				default:
					done <- e.do("POST", "/api/v1/proposals/"+id+"/paper-votes", e.tokens[[]string{"facilitator", "committee"}[i%2]],
						map[string]any{"counts": []any{map[string]any{"option_id": opts[0], "votes": i}, map[string]any{"option_id": opts[1], "votes": 1}}}, nil)
				}
			}()
		}
		for range 12 {
			if r := <-done; r.status >= 300 {
				t.Errorf("%d %s", r.status, r.body)
			}
		}
		res := e.ok(200, "GET", "/api/v1/proposals/"+id+"/results", "committee", nil).json()
		// Paper: option one 2+3+…+11 = 65, option two 10 × 1.
		if res["total"] != 2.0 || res["paper_total"] != 75.0 || len(res["paper_entries"].([]any)) != 10 {
			t.Errorf("tablet %v, paper %v, entries %d", res["total"], res["paper_total"], len(res["paper_entries"].([]any)))
		}
		if diffs, err := e.store.VerifyCounts(context.Background()); err != nil || len(diffs) > 0 {
			t.Errorf("stored counts: %v %v", diffs, err)
		}
	})
}
