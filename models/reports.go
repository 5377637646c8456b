package models

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Report is one child's report of an item.
type Report struct {
	ID         string
	TargetType string
	TargetID   string
	ReporterID string
	Reason     string
	CreatedAt  time.Time
}

// ReportInput is a child's report.
type ReportInput struct {
	TargetType, TargetID, Reason string
}

// FileReport records a child's report of an item they can see. When children of three
// different accounts have reported a published item, it is hidden until a person decides. A
// cry for help in the reason is queued and raised like any other child's write, with the
// reporter as its author; the reasons returned are what the child is told (the kind message
// of a cry for help, else none). Returns forbidden for staff, consent_required, bad_request for
// an unknown type, not_found for an item the child cannot see, conflict for a second report,
// validation_failed, moderation_blocked.
func (s *Store) FileReport(ctx context.Context, a *Actor, in ReportInput) ([]string, error) {
	switch in.TargetType {
	case TargetProposal, TargetComment, TargetEvaluation:
	case "":
		var v Invalid
		v.Add("target_type", "field.required", nil)
		return nil, v.Err()
	default:
		return nil, BadField("target_type", "field.unknown_value")
	}
	var proposalID string
	var authorID *string
	err := participate(a, func() (err error) {
		proposalID, authorID, err = s.visibleTarget(ctx, a, in.TargetType, in.TargetID)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.Reason = clean(in.Reason)
	var v Invalid
	v.length("reason", in.Reason, 0, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.screen(field{"reason", in.Reason})
	if err != nil {
		return nil, err
	}
	in.Reason = sc.text(field{"reason", in.Reason})
	err = wrap("report", s.onProposalFor(ctx, a, proposalID, func(tx *gorm.DB, p *Proposal) error {
		now := s.Now()
		reportID := NewID(now)
		if err := tx.Create(&Report{ID: reportID, TargetType: in.TargetType, TargetID: in.TargetID, ReporterID: a.ID, Reason: in.Reason, CreatedAt: now}).Error; err != nil {
			if isDuplicate(err) {
				return Errorf(CodeConflict, "error.reported_already")
			}
			return err
		}
		if sc.safeguarding {
			if err := s.enqueue(tx, TargetReport, reportID, p.ID, p.BodyID, a.ID, sc); err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Model(&Report{}).Where("target_type = ? AND target_id = ?", in.TargetType, in.TargetID).Count(&n).Error; err != nil {
			return err
		}
		var item ModerationItem
		err = tx.Where("target_type = ? AND target_id = ?", in.TargetType, in.TargetID).Take(&item).Error
		switch {
		case err == nil:
			updates := map[string]any{"report_count": n}
			if n >= ReportsToHide && item.Status != ItemPending {
				updates["status"], updates["decided_at"], updates["decided_by"], updates["decision_reason"] = ItemPending, nil, "", ""
				// A cry for help an adult found no concern comes back for what children report
				// of it, as any reported item: not as a new cry for help, which would be
				// escalated at once for its old date. Its outcome stays on record.
				raw, _ := json.Marshal([]string{ReasonReported})
				updates["safeguarding"], updates["reasons"], updates["escalated_at"] = false, string(raw), nil
			}
			if err := tx.Model(&ModerationItem{}).Where("id = ?", item.ID).Updates(updates).Error; err != nil {
				return err
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			status := ItemPending
			if n < ReportsToHide {
				status = ItemApproved // counted, not yet queued
			}
			if err := tx.Create(&ModerationItem{ID: NewID(now), TargetType: in.TargetType, TargetID: in.TargetID, ProposalID: p.ID,
				BodyID: p.BodyID, AuthorID: authorID, Reasons: []string{ReasonReported}, ReportCount: int(n), Status: status, CreatedAt: now}).Error; err != nil {
				return err
			}
		default:
			return err
		}
		if n == ReportsToHide {
			return s.hideReported(tx, a, p, in.TargetType, in.TargetID)
		}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	if sc.safeguarding {
		return sc.reasons(), nil
	}
	return nil, nil
}

// hideReported hides a published item that enough children reported.
func (s *Store) hideReported(tx *gorm.DB, a *Actor, p *Proposal, targetType, id string) error {
	current := map[string]any{TargetProposal: &Proposal{}, TargetComment: &Comment{}, TargetEvaluation: &Evaluation{}}[targetType]
	var vis string
	if err := tx.Model(current).Select("visibility").Where("id = ?", id).Scan(&vis).Error; err != nil {
		return err
	}
	if vis != VisibilityPublished {
		return nil
	}
	return s.setVisibility(tx, a, p, targetType, id, VisibilityHidden)
}

// visibleTarget finds a reported item the child can see: its proposal and author.
func (s *Store) visibleTarget(ctx context.Context, a *Actor, targetType, id string) (proposalID string, authorID *string, err error) {
	if !ValidID(id) {
		return "", nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var row struct {
		ProposalID string
		AuthorID   *string
		Visibility string
	}
	switch targetType {
	case TargetProposal:
		err = db.Model(&Proposal{}).Select("id AS proposal_id, author_id, visibility").Where("id = ?", id).Take(&row).Error
	case TargetComment:
		err = db.Model(&Comment{}).Select("proposal_id, author_id, visibility").Where("id = ?", id).Take(&row).Error
	case TargetEvaluation:
		err = db.Model(&Evaluation{}).Select("proposal_id, child_id AS author_id, visibility").Where("id = ?", id).Take(&row).Error
	}
	if err != nil {
		return "", nil, notFound(err)
	}
	if _, err := s.proposal(ctx, a, row.ProposalID); err != nil {
		return "", nil, err
	}
	if row.Visibility != VisibilityPublished && (row.AuthorID == nil || *row.AuthorID != a.ID) {
		return "", nil, ErrNotFound
	}
	return row.ProposalID, row.AuthorID, nil
}
