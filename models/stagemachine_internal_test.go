package models

import (
	"errors"
	"slices"
	"testing"
)

// The stage machine of DESIGN.md rule 2, as a table: for a proposal in each state, which moves
// the desk is offered, and why each other move is refused.
func TestStageMachine(t *testing.T) {
	published := func(stage string) StageFacts { return StageFacts{Stage: stage, Published: true} }
	withOutcome := func(o string) StageFacts { f := published(StageDecision); f.Outcome = o; return f }
	withOptions := func(n int) StageFacts { f := published(StageDesign); f.Options = n; return f }
	tests := []struct {
		name  string
		facts StageFacts
		moves []Move
		// refused are the reasons of the stage changes not offered, by target stage.
		refused map[string]string
	}{
		{"needs", published(StageNeeds),
			[]Move{{StageDesign, NeedsNone}, {StageDecision, NeedsDecision}, {StageClosed, NeedsMergedInto}},
			map[string]string{StageNeeds: "error.move.same_stage", StageDecision: "error.move.decision_by_publishing",
				StageEvaluation: "error.move.evaluation_after_decision"}},
		{"design with one option", withOptions(1), []Move{},
			map[string]string{StageNeeds: "error.move.backwards", StageDesign: "error.move.same_stage",
				StageDecision: "error.move.decision_by_publishing", StageEvaluation: "error.move.evaluation_after_decision",
				StageClosed: "error.move.close_after_decision"}},
		{"design with two options", withOptions(2), []Move{{StageDecision, NeedsDecision}}, nil},
		{"decision adopted", withOutcome(OutcomeAdopted),
			[]Move{{StageDecision, NeedsDecision}, {StageEvaluation, NeedsNone}},
			map[string]string{StageNeeds: "error.move.backwards", StageDesign: "error.move.backwards",
				StageDecision: "error.move.decision_by_publishing", StageClosed: "error.move.adopted_evaluated_first"}},
		{"decision partly adopted", withOutcome(OutcomePartly),
			[]Move{{StageDecision, NeedsDecision}, {StageEvaluation, NeedsNone}},
			map[string]string{StageClosed: "error.move.adopted_evaluated_first"}},
		{"decision not adopted", withOutcome(OutcomeNotAdopted),
			[]Move{{StageDecision, NeedsDecision}, {StageClosed, NeedsNone}},
			map[string]string{StageEvaluation: "error.move.not_adopted_closes"}},
		{"evaluation", published(StageEvaluation), []Move{{StageClosed, NeedsSummary}},
			map[string]string{StageDecision: "error.move.backwards", StageEvaluation: "error.move.same_stage"}},
		{"closed", published(StageClosed), []Move{},
			map[string]string{StageNeeds: "error.move.closed", StageClosed: "error.move.closed", StageEvaluation: "error.move.closed"}},
		{"unpublished", StageFacts{Stage: StageNeeds}, []Move{},
			map[string]string{StageDesign: "error.move.unpublished", StageClosed: "error.move.unpublished"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Moves(tt.facts)
			if !slices.Equal(got, tt.moves) {
				t.Errorf("moves %v, want %v", got, tt.moves)
			}
			for _, m := range got { // every offered move is accepted on its route
				by := byStageChange
				if m.Needs == NeedsDecision {
					by = byDecision
				}
				if _, err := checkMove(tt.facts, m.To, by); err != nil {
					t.Errorf("offered %v is refused: %v", m, err)
				}
			}
			for _, to := range Stages { // every stage change not offered is refused, with a reason
				if slices.Contains(got, Move{to, NeedsNone}) || slices.Contains(got, Move{to, NeedsSummary}) ||
					slices.Contains(got, Move{to, NeedsMergedInto}) {
					continue
				}
				_, err := checkMove(tt.facts, to, byStageChange)
				var e *Error
				if !errors.As(err, &e) || e.Code != CodeInvalidTransition || e.Key == "" {
					t.Errorf("stage change to %s: %v, want invalid_transition with a reason", to, err)
					continue
				}
				if want, ok := tt.refused[to]; ok && e.Key != want {
					t.Errorf("stage change to %s refused with %s, want %s", to, e.Key, want)
				}
			}
		})
	}
}

// A decision is published from needs, or from design with two options, or corrected in
// decision; never once evaluation has begun. Only the author's withdrawal from needs closes a
// proposal on that route, published or still waiting for review.
func TestDecisionAndWithdrawalRoutes(t *testing.T) {
	for _, tt := range []struct {
		facts StageFacts
		to    string
		by    moveRoute
		want  string // "" when allowed, else the reason's key
		close string // the closed reason the move records
	}{
		{StageFacts{Stage: StageEvaluation, Published: true}, StageDecision, byDecision, "error.move.decision_settled", ""},
		{StageFacts{Stage: StageClosed, Published: true}, StageDecision, byDecision, "error.move.decision_settled", ""},
		{StageFacts{Stage: StageDesign, Published: true, Options: 1}, StageDecision, byDecision, "error.too_few_options", ""},
		{StageFacts{Stage: StageNeeds}, StageDecision, byDecision, "error.move.unpublished", ""},
		{StageFacts{Stage: StageNeeds, Published: true}, StageClosed, byWithdrawal, "", ClosedWithdrawn},
		{StageFacts{Stage: StageNeeds}, StageClosed, byWithdrawal, "", ClosedWithdrawn},
		{StageFacts{Stage: StageDesign, Published: true}, StageClosed, byWithdrawal, "error.move.withdraw_in_needs", ""},
		{StageFacts{Stage: StageNeeds, Published: true}, StageClosed, byStageChange, "", ClosedMerged},
		{StageFacts{Stage: StageDecision, Published: true, Outcome: OutcomeNotAdopted}, StageClosed, byStageChange, "", ClosedNotAdopted},
		{StageFacts{Stage: StageEvaluation, Published: true}, StageClosed, byStageChange, "", ClosedCompleted},
	} {
		rule, err := checkMove(tt.facts, tt.to, tt.by)
		var e *Error
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v to %s by %d: %v", tt.facts, tt.to, tt.by, err)
		case tt.want == "" && rule.closedReason != tt.close:
			t.Errorf("%+v to %s by %d closes as %q, want %q", tt.facts, tt.to, tt.by, rule.closedReason, tt.close)
		case tt.want != "" && (!errors.As(err, &e) || e.Code != CodeInvalidTransition || e.Key != tt.want):
			t.Errorf("%+v to %s by %d: %v, want invalid_transition %s", tt.facts, tt.to, tt.by, err, tt.want)
		}
	}
}
