package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PublicFilter narrows the public notice; RegionID includes the region's sub-regions.
type PublicFilter struct {
	RegionID, BodyID, Stage string
}

// publicQuery is every published proposal, for anyone, without signing in.
func (s *Store) publicQuery(ctx context.Context, f PublicFilter) (*gorm.DB, error) {
	if f.Stage != "" && !ValidStage(f.Stage) {
		return nil, BadField("stage", "field.unknown_value")
	}
	q := s.reader(ctx).Table("proposals").Select(proposalColumns).
		Joins("JOIN bodies ON bodies.id = proposals.body_id").
		Joins("LEFT JOIN children ON children.id = proposals.author_id").
		Where("proposals.visibility = ?", VisibilityPublished)
	if f.RegionID != "" {
		path, err := s.regionPath(ctx, f.RegionID)
		if err != nil {
			return nil, err
		}
		q = q.Where("bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", path+"%")
	}
	if f.BodyID != "" {
		q = q.Where("proposals.body_id = ?", f.BodyID)
	}
	if f.Stage != "" {
		q = q.Where("proposals.stage = ?", f.Stage)
	}
	return q, nil
}

// PublicProposals lists published proposals of every stage, newest first. Children appear by
// nickname and age only where their guardian allowed it. Returns bad_request for an unknown
// stage, not_found for an unknown region.
func (s *Store) PublicProposals(ctx context.Context, f PublicFilter, p Page) ([]ProposalItem, string, error) {
	q, err := s.publicQuery(ctx, f)
	if err != nil {
		return nil, "", err
	}
	rows, next, err := pageOf(q, p, "proposals.id", true, func(r proposalRow) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list public proposals: %w", err)
	}
	out := make([]ProposalItem, len(rows))
	for i, r := range rows {
		out[i] = s.item(r, true)
	}
	return out, next, nil
}

// PublicDetail is a proposal as the public notice shows it: no comments, nothing personal.
type PublicDetail struct {
	*ProposalDetail
	Results *Results `json:"results"`
}

// PublicProposal returns one published proposal for the public notice, with its results once
// voting has closed. Returns not_found for anything unpublished.
func (s *Store) PublicProposal(ctx context.Context, id string) (*PublicDetail, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	q, _ := s.publicQuery(ctx, PublicFilter{})
	var r proposalRow
	if err := q.Where("proposals.id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	d, err := s.detail(ctx, nil, &r, true)
	if err != nil {
		return nil, err
	}
	pd := &PublicDetail{ProposalDetail: d}
	if votingClosed(r.Stage) && len(d.Options) > 0 {
		if pd.Results, err = s.tally(ctx, id); err != nil {
			return nil, err
		}
	}
	return pd, nil
}

// PublicDecision is one published decision in the feed.
type PublicDecision struct {
	ProposalID      string    `json:"proposal_id"`
	Title           string    `json:"title"`
	Erased          bool      `json:"-"` // the title reads "withdrawn by its author" in the reader's language
	Outcome         string    `json:"outcome"`
	ChildSummary    string    `json:"child_summary"`
	ResponsibleUnit string    `json:"responsible_unit"`
	DecidedAt       time.Time `json:"decided_at"`
	NoticeUntil     string    `json:"notice_until"`
}

// PublicDecisions lists the latest decisions on published proposals, newest first (at most
// limit). Returns not_found for an unknown region.
func (s *Store) PublicDecisions(ctx context.Context, regionID string, limit int) ([]PublicDecision, error) {
	q, err := s.publicQuery(ctx, PublicFilter{RegionID: regionID})
	if err != nil {
		return nil, err
	}
	out := []PublicDecision{}
	err = q.Select("proposals.id AS proposal_id, proposals.title, proposals.erased, decisions.outcome, decisions.child_summary, decisions.responsible_unit, decisions.decided_at, decisions.notice_until").
		Joins("JOIN decisions ON decisions.proposal_id = proposals.id").
		Order("decisions.decided_at DESC, proposals.id DESC").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	return out, nil
}
