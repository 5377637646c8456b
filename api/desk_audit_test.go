package api_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"tongsheng/models"
)

// The audit log reads in words, names who acted and on whom, filters by who, what and when,
// and exports what the filter finds.
func TestAuditLogInWords(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.ok(200, "POST", "/api/v1/children/{child}/pin", "facilitator", map[string]any{"pin": "4321"})
		e.ok(200, "GET", "/api/v1/bodies/{council}/members", "facilitator", nil)
		e.ids["p"] = e.propose("child", "清和公园的滑梯坏了")
		e.ok(200, "POST", "/api/v1/proposals/{p}/stage", "committee", map[string]any{"to": "design"})
		e.run(t, []scenario{
			{name: "by person, in words, with names", method: "GET", url: "/api/v1/audit?staff_id={facilitator}", as: "admin", status: 200,
				contains: []string{`"actor":{"id":"{facilitator}","role":"facilitator","name":"facilitator"}`, `"action":"child.pin_reset"`,
					`"action_text":"重设了孩子的 PIN"`, `"subject":{"type":"child","id":"{child}","name":"童child"}`, `"action_text":"查看了成员名单"`, `"name":"测试council"`},
				notContains: []string{"proposal.stage"}},
			{name: "in English", method: "GET", url: "/api/v1/audit?staff_id={committee}&lang=en", as: "admin", status: 200,
				contains: []string{`"action_text":"moved a proposal to another stage"`, `"name":"清和公园的滑梯坏了"`}},
			{name: "by action", method: "GET", url: "/api/v1/audit?action=child.pin_reset", as: "admin", status: 200,
				contains: []string{"child.pin_reset"}, notContains: []string{"members.read", "proposal.stage"}},
			{name: "from a day", method: "GET", url: "/api/v1/audit?from=2026-05-20", as: "admin", status: 200, contains: []string{"child.pin_reset"}},
			{name: "from a later day", method: "GET", url: "/api/v1/audit?from=2026-05-21", as: "admin", status: 200, contains: []string{`"items":[]`}},
			{name: "to an earlier day", method: "GET", url: "/api/v1/audit?to=2026-05-19", as: "admin", status: 200, contains: []string{`"items":[]`}},
			{name: "to the day itself", method: "GET", url: "/api/v1/audit?to=2026-05-20&action=proposal.stage", as: "admin", status: 200, contains: []string{"proposal.stage"}},
			{name: "an unknown action", method: "GET", url: "/api/v1/audit?action=child.eat", as: "admin", status: 400, code: "bad_request"},
			{name: "a bad date", method: "GET", url: "/api/v1/audit?from=2026-13-01", as: "admin", status: 400, code: "bad_request", contains: []string{`"from"`}},
			{name: "committee may not", method: "GET", url: "/api/v1/audit", as: "committee", status: 403, code: "forbidden"},
			{name: "a child may not", method: "GET", url: "/api/v1/audit", as: "child", status: 403, code: "forbidden"},
			{name: "export: committee may not", method: "GET", url: "/api/v1/audit/export.csv", as: "committee", status: 403, code: "forbidden"},
			{name: "export: a bad filter", method: "GET", url: "/api/v1/audit/export.csv?to=tomorrow", as: "admin", status: 400, code: "bad_request"},
			{name: "export", method: "GET", url: "/api/v1/audit/export.csv?staff_id={facilitator}&lang=en", as: "admin", status: 200,
				check: func(t *testing.T, e *env, r response) {
					if !strings.HasPrefix(r.body, "\uFEFF") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
						t.Fatalf("no BOM or type: %q", r.header.Get("Content-Type"))
					}
					rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) != 3 || rows[0][0] != "Time" || rows[0][4] != "What" {
						t.Fatalf("export: %v", rows)
					}
					found := false
					for _, row := range rows[1:] {
						if row[3] == "child.pin_reset" && row[4] == "reset a child's PIN" && row[2] == "facilitator" && row[6] == "童child" && row[1] == "Facilitator" {
							found = true
						}
						if row[3] == "proposal.stage" {
							t.Errorf("another person's event: %v", row)
						}
					}
					if !found {
						t.Errorf("the PIN reset is not in the export: %v", rows)
					}
				}},
		})
	})
}

// Every action the audit log records has words in every language.
func TestAuditActionsHaveWords(t *testing.T) {
	cat := loadCatalog(t)
	for _, lang := range []string{"zh-CN", "en"} {
		msgs, _ := cat.Messages(lang)
		for _, action := range models.AuditActions {
			if strings.TrimSpace(msgs["audit."+action]) == "" {
				t.Errorf("%s: no words for %s", lang, action)
			}
		}
	}
}
