package api

import (
	"testing"

	"tongsheng/locales"
	"tongsheng/models"
	"tongsheng/moderation"
)

// Message IDs built at run time (stage names, outcomes, CSV headings, notification and
// moderation kinds) exist in every language.
func TestDynamicMessageIDs(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range models.Stages {
		ids = append(ids, "stage."+s)
	}
	for _, o := range []string{models.OutcomeAdopted, models.OutcomePartly, models.OutcomeNotAdopted} {
		ids = append(ids, "outcome."+o)
	}
	for _, col := range exportColumns {
		ids = append(ids, "csv."+col)
	}
	for _, k := range []string{models.NotifyStageChanged, models.NotifyWithdrawn, models.NotifyStaffReply, models.NotifyReply,
		models.NotifyApproved, models.NotifyRejected, models.NotifySafeguarding} {
		ids = append(ids, "notification."+k)
	}
	for _, k := range moderation.Kinds {
		ids = append(ids, "moderation.reason."+k, "moderation.queue."+k)
	}
	for _, c := range moderation.BullyingClasses {
		ids = append(ids, "moderation.reason.insult_"+c) // the live hint names what hurts
	}
	ids = append(ids, "moderation.queue."+models.ReasonPreReview, "moderation.queue."+models.ReasonReported)
	for _, o := range models.Outcomes {
		ids = append(ids, "safeguarding_outcome."+o) // the desk's choices when closing a cry for help
	}
	for _, lang := range locales.Languages {
		msgs, _ := cat.Messages(lang)
		for _, id := range ids {
			if msgs[id] == "" {
				t.Errorf("%s lacks %s", lang, id)
			}
		}
	}
}
