package api_test

import (
	"strings"
	"testing"
)

// The guardian's relation is stored sealed but reads as typed where it is shown: in the child's
// details for the facilitator and in the guardian's export.
func TestRelationReadsBack(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		if r := e.ok(200, "GET", "/api/v1/children/{child}", "facilitator", nil); !strings.Contains(r.body, `"relation":"母亲"`) {
			t.Errorf("child details: %s", r.body)
		}
		_, token := e.newMember("kin", "亲亲")
		e.ok(200, "POST", "/api/v1/consent/"+token, "", grant(nil))
		if r := e.ok(200, "GET", "/api/v1/consent/"+token+"/export", "", nil); strings.Count(r.body, `"relation":"母亲"`) < 2 {
			t.Errorf("export: %s", r.body)
		}
	})
}
