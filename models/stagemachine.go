package models

import "slices"

// This file is the stage machine of DESIGN.md rule 2, and the only one: ChangeStage,
// PostDecision, WithdrawProposal and the staff detail's moves all ask it. It is pure (no
// database, no clock), so every rule here is tested as a table.

// What a move needs besides the wish to make it (API.md "Staff desk").
const (
	NeedsNone       = "none"        // a plain stage change
	NeedsDecision   = "decision"    // the move is publishing a decision (POST /decision)
	NeedsSummary    = "summary"     // a closing summary of what was done
	NeedsMergedInto = "merged_into" // the proposal this one joins
)

// Move is a stage a proposal may go to now, and what the move needs.
type Move struct {
	To    string `json:"to"`
	Needs string `json:"needs"`
}

// StageFacts is all the stage machine looks at.
type StageFacts struct {
	Stage     string
	Published bool
	Outcome   string // of the decision; "" before there is one
	Options   int    // design options
}

// moveRoute is how a move is asked for.
type moveRoute int

const (
	byStageChange moveRoute = iota // the committee's stage change
	byDecision                     // publishing (or correcting) a decision
	byWithdrawal                   // the author takes the proposal back
)

// moveRule is one move the machine allows, on one route, with what it needs. refuse, when set,
// names why the move is not open for these facts (a message key); "" means it is open.
type moveRule struct {
	from, to     string
	by           moveRoute
	needs        string
	closedReason string
	refuse       func(StageFacts) string
}

// stageMoves is every move there is. Anything not here is refused with a reason (whyNotMove).
var stageMoves = []moveRule{
	{from: StageNeeds, to: StageDesign, by: byStageChange, needs: NeedsNone},
	{from: StageNeeds, to: StageDecision, by: byDecision, needs: NeedsDecision}, // a policy wish needs no design
	{from: StageNeeds, to: StageClosed, by: byStageChange, needs: NeedsMergedInto, closedReason: ClosedMerged},
	{from: StageNeeds, to: StageClosed, by: byWithdrawal, needs: NeedsNone, closedReason: ClosedWithdrawn},
	{from: StageDesign, to: StageDecision, by: byDecision, needs: NeedsDecision, refuse: func(f StageFacts) string {
		if f.Options < MinOptions {
			return "error.too_few_options"
		}
		return ""
	}},
	{from: StageDecision, to: StageDecision, by: byDecision, needs: NeedsDecision}, // a correction, on the timeline too
	{from: StageDecision, to: StageEvaluation, by: byStageChange, needs: NeedsNone, refuse: func(f StageFacts) string {
		if f.Outcome == OutcomeNotAdopted {
			return "error.move.not_adopted_closes"
		}
		return ""
	}},
	{from: StageDecision, to: StageClosed, by: byStageChange, needs: NeedsNone, closedReason: ClosedNotAdopted, refuse: func(f StageFacts) string {
		if f.Outcome != OutcomeNotAdopted {
			return "error.move.adopted_evaluated_first"
		}
		return ""
	}},
	{from: StageEvaluation, to: StageClosed, by: byStageChange, needs: NeedsSummary, closedReason: ClosedCompleted},
}

// Moves lists the moves staff may make now, in stage order: those the stage change and the
// decision routes would accept. An unpublished proposal has none.
func Moves(f StageFacts) []Move {
	out := []Move{}
	for _, r := range stageMoves {
		if r.by == byWithdrawal || r.from != f.Stage {
			continue
		}
		if _, err := checkMove(f, r.to, r.by); err == nil {
			out = append(out, Move{To: r.to, Needs: r.needs})
		}
	}
	slices.SortStableFunc(out, func(a, b Move) int { return stageIndex(a.To) - stageIndex(b.To) })
	return out
}

// checkMove returns the rule of a move asked for on a route, or invalid_transition whose
// message says why the move is not open.
func checkMove(f StageFacts, to string, by moveRoute) (moveRule, error) {
	if !f.Published && by != byWithdrawal {
		return moveRule{}, Errorf(CodeInvalidTransition, "error.move.unpublished")
	}
	for _, r := range stageMoves {
		if r.from != f.Stage || r.to != to || r.by != by {
			continue
		}
		if r.refuse != nil {
			if key := r.refuse(f); key != "" {
				return moveRule{}, Errorf(CodeInvalidTransition, key)
			}
		}
		return r, nil
	}
	return moveRule{}, Errorf(CodeInvalidTransition, whyNotMove(f.Stage, to, by))
}

// whyNotMove names why a move that is in no rule is refused.
func whyNotMove(from, to string, by moveRoute) string {
	switch {
	case by == byWithdrawal:
		return "error.move.withdraw_in_needs"
	case by == byDecision:
		return "error.move.decision_settled" // from evaluation or closed
	case from == StageClosed:
		return "error.move.closed"
	case stageIndex(to) < stageIndex(from):
		return "error.move.backwards"
	case to == StageDecision:
		return "error.move.decision_by_publishing"
	case to == from:
		return "error.move.same_stage"
	case to == StageEvaluation:
		return "error.move.evaluation_after_decision"
	default: // design to closed
		return "error.move.close_after_decision"
	}
}

func stageIndex(stage string) int { return slices.Index(Stages, stage) }
