package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MaxPaperVotes bounds one option's count in one session's paper or show-of-hands result.
const MaxPaperVotes = 10000

// PaperVote is one session's paper or show-of-hands result for a proposal's options, entered by
// staff. It is kept apart from the children's tablet votes: the stored option counts
// (vote_count, checked by VerifyCounts) never include it, and every tally shows both side by
// side, so that the in-room decision counts without anyone voting twice in the system.
type PaperVote struct {
	ID            string
	ProposalID    string
	MeetingID     *string
	Note          string
	EnteredBy     string
	EnteredByName string
	CreatedAt     time.Time
}

// PaperVoteCount is one option's count in a PaperVote.
type PaperVoteCount struct {
	PaperVoteID string
	OptionID    string
	Votes       int
}

// PaperCount is what staff enter for one option.
type PaperCount struct {
	OptionID string `json:"option_id"`
	Votes    int    `json:"votes"`
}

// PaperVoteInput is a session's result as staff enter it.
type PaperVoteInput struct {
	MeetingID string
	Counts    []PaperCount
	Note      string
}

// PaperEntry is an entered result as staff see it in the tally: who entered it and when.
type PaperEntry struct {
	ID        string       `json:"id"`
	MeetingID *string      `json:"meeting_id"`
	Note      string       `json:"note"`
	EnteredBy string       `json:"entered_by"`
	EnteredAt time.Time    `json:"entered_at"`
	Counts    []PaperCount `json:"counts"`
	Total     int          `json:"total"`
}

// RecordPaperVotes enters a session's paper or show-of-hands result while the proposal is in
// design: by a facilitator of its body or committee staff in scope. Options left out count 0.
// A meeting (of the proposal's body) holds at most one result per proposal (conflict).
// Returns not_found, forbidden, stage_closed outside design, conflict, validation_failed.
func (s *Store) RecordPaperVotes(ctx context.Context, a *Actor, id string, in PaperVoteInput) (*PaperEntry, error) {
	r, err := s.proposal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := a.Require(RecordMeetings); err != nil {
		return nil, err
	}
	pv := &PaperVote{ID: NewID(s.Now()), ProposalID: id, Note: clean(in.Note), EnteredBy: a.ID, EnteredByName: a.DisplayName, CreatedAt: s.Now()}
	var v Invalid
	v.length("note", pv.Note, 0, 500)
	if len(in.Counts) == 0 || len(in.Counts) > MaxOptions {
		v.Add("counts", "field.list_size", map[string]any{"Min": 1, "Max": MaxOptions})
	}
	seen := map[string]bool{}
	for i, c := range in.Counts {
		countInRange(&v, fmt.Sprintf("counts.%d.votes", i), c.Votes, MaxPaperVotes)
		if seen[c.OptionID] {
			v.Add(fmt.Sprintf("counts.%d.option_id", i), "field.duplicate", nil)
		}
		seen[c.OptionID] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.MeetingID != "" {
		pv.MeetingID = &in.MeetingID
	}
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageDesign {
			return Errorf(CodeStageClosed)
		}
		if pv.MeetingID != nil {
			if err := s.meetingOfBody(tx, r.BodyID, *pv.MeetingID); err != nil {
				return err
			}
			var n int64
			if err := tx.Model(&PaperVote{}).Where("proposal_id = ? AND meeting_id = ?", id, *pv.MeetingID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return Errorf(CodeConflict, "error.paper_votes_entered")
			}
		}
		var v Invalid
		for i, c := range in.Counts {
			var n int64
			if err := tx.Model(&Option{}).Where("id = ? AND proposal_id = ?", c.OptionID, id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				v.Add(fmt.Sprintf("counts.%d.option_id", i), "field.unknown_reference", nil)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.Create(pv).Error; err != nil {
			return err
		}
		for _, c := range in.Counts {
			if err := tx.Create(&PaperVoteCount{PaperVoteID: pv.ID, OptionID: c.OptionID, Votes: c.Votes}).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, a, "paper_votes.record", "proposal", id, pv.ID)
	})
	if err != nil {
		return nil, wrap("record paper votes", err)
	}
	e := &PaperEntry{ID: pv.ID, MeetingID: pv.MeetingID, Note: pv.Note, EnteredBy: pv.EnteredByName, EnteredAt: pv.CreatedAt, Counts: in.Counts}
	for _, c := range in.Counts {
		e.Total += c.Votes
	}
	return e, nil
}

// addPaperVotes fills the paper side of a tally: per option the sum of the entered results, and
// for staff the entries themselves. The tablet side (Votes, Total) is left as it is.
func (s *Store) addPaperVotes(ctx context.Context, res *Results, id string, staff bool) error {
	db := s.db.WithContext(ctx)
	var sums []struct {
		OptionID string
		Votes    int
	}
	if err := db.Table("paper_vote_counts").Select("option_id, SUM(votes) AS votes").
		Where("paper_vote_id IN (SELECT id FROM paper_votes WHERE proposal_id = ?)", id).
		Group("option_id").Scan(&sums).Error; err != nil {
		return fmt.Errorf("sum paper votes: %w", err)
	}
	byOption := map[string]int{}
	for _, r := range sums {
		byOption[r.OptionID] = r.Votes
	}
	for i := range res.Options {
		res.Options[i].PaperVotes = byOption[res.Options[i].ID]
		res.PaperTotal += res.Options[i].PaperVotes
	}
	if !staff {
		return nil
	}
	var entries []PaperVote
	if err := db.Where("proposal_id = ?", id).Order("id").Find(&entries).Error; err != nil {
		return fmt.Errorf("read paper votes: %w", err)
	}
	res.PaperEntries = make([]PaperEntry, len(entries))
	for i, pv := range entries {
		e := PaperEntry{ID: pv.ID, MeetingID: pv.MeetingID, Note: pv.Note, EnteredBy: pv.EnteredByName, EnteredAt: pv.CreatedAt, Counts: []PaperCount{}}
		var counts []PaperVoteCount
		if err := db.Where("paper_vote_id = ?", pv.ID).Order("option_id").Find(&counts).Error; err != nil {
			return fmt.Errorf("read paper vote counts: %w", err)
		}
		for _, c := range counts {
			e.Counts = append(e.Counts, PaperCount{OptionID: c.OptionID, Votes: c.Votes})
			e.Total += c.Votes
		}
		res.PaperEntries[i] = e
	}
	return nil
}
