package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// StatsFilter narrows statistics to a region subtree and a range of creation dates (local).
type StatsFilter struct {
	RegionID string
	From, To string // YYYY-MM-DD, inclusive; empty is open
}

// Stats are a region's participation figures (API.md "Notifications and statistics").
type Stats struct {
	ChildrenActive     int64          `json:"children_active"`
	ConsentPending     int64          `json:"consent_pending"`
	ProposalsByStage   map[string]int `json:"proposals_by_stage"`
	ResponseRate       float64        `json:"response_rate"`
	MedianResponseDays float64        `json:"median_response_days"`
	Overdue            int            `json:"overdue"`
	AdoptionRate       float64        `json:"adoption_rate"`
	EvaluationAverage  Averages       `json:"evaluation_average"`
}

// statsRow is what statistics need of a published proposal.
type statsRow struct {
	ID              string
	Stage           string
	CreatedAt       time.Time
	PublishedAt     *time.Time
	ResponseDueAt   *time.Time
	FirstResponseAt *time.Time
	Outcome         *string
}

// scopedProposals is the staff member's published proposals, filtered. Returns forbidden for
// children, not_found for a region out of scope, bad_request for a malformed date.
func (s *Store) scopedProposals(ctx context.Context, a *Actor, f StatsFilter) (*gorm.DB, error) {
	if err := a.Require(ReadStatistics); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	q := scopeProposals(db, db.Table("proposals"), a).Where("proposals.visibility = ?", VisibilityPublished)
	if f.RegionID != "" {
		path, err := s.regionPath(ctx, f.RegionID)
		if err != nil {
			return nil, err
		}
		q = q.Where("proposals.body_id IN (SELECT bodies.id FROM bodies JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?)", path+"%")
	}
	for _, bound := range []struct {
		name, value, op string
		days            int
	}{{"from", f.From, ">=", 0}, {"to", f.To, "<", 1}} {
		if bound.value == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, bound.value, s.loc)
		if err != nil {
			return nil, BadField(bound.name, "field.bad_date")
		}
		q = q.Where("proposals.created_at "+bound.op+" ?", day.AddDate(0, 0, bound.days).UTC())
	}
	return q.Session(&gorm.Session{}), nil // each use below starts from this query, unchanged
}

// localDays counts calendar days between two instants in the local time zone.
func (s *Store) localDays(from, to time.Time) int {
	y1, m1, d1 := from.In(s.loc).Date()
	y2, m2, d2 := to.In(s.loc).Date()
	return int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// Statistics computes the figures for the staff member's scope. Returns forbidden for
// children, not_found for a region out of scope, bad_request for a malformed date.
func (s *Store) Statistics(ctx context.Context, a *Actor, f StatsFilter) (*Stats, error) {
	q, err := s.scopedProposals(ctx, a, f)
	if err != nil {
		return nil, err
	}
	var rows []statsRow
	if err := q.Select("proposals.id, proposals.stage, proposals.created_at, proposals.published_at, proposals.response_due_at, proposals.first_response_at, decisions.outcome").
		Joins("LEFT JOIN decisions ON decisions.proposal_id = proposals.id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read proposals for statistics: %w", err)
	}
	st := &Stats{ProposalsByStage: map[string]int{}}
	for _, stage := range Stages {
		st.ProposalsByStage[stage] = 0
	}
	now := s.Now()
	var days []int
	var decided, adopted int
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
		st.ProposalsByStage[r.Stage]++
		if r.FirstResponseAt != nil && r.PublishedAt != nil {
			days = append(days, s.localDays(*r.PublishedAt, *r.FirstResponseAt))
		} else if r.ResponseDueAt != nil && !r.ResponseDueAt.After(now) && r.Stage != StageClosed { // as awaitingAnswer
			st.Overdue++
		}
		if r.Outcome != nil {
			decided++
			if *r.Outcome != OutcomeNotAdopted {
				adopted++
			}
		}
	}
	if len(rows) > 0 {
		st.ResponseRate = round2(float64(len(days)) / float64(len(rows)))
	}
	if len(days) > 0 {
		sort.Ints(days)
		mid := len(days) / 2
		if len(days)%2 == 1 {
			st.MedianResponseDays = float64(days[mid])
		} else {
			st.MedianResponseDays = float64(days[mid-1]+days[mid]) / 2
		}
	}
	if decided > 0 {
		st.AdoptionRate = round2(float64(adopted) / float64(decided))
	}
	var agg struct {
		N                          int
		Safety, Fun, Access, Looks *float64
	}
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Model(&Evaluation{}).
			Where("proposal_id IN (?)", q.Select("proposals.id")).
			Select("COUNT(*) AS n, AVG(safety) AS safety, AVG(fun) AS fun, AVG(access) AS access, AVG(looks) AS looks").
			Scan(&agg).Error; err != nil {
			return nil, fmt.Errorf("average evaluations: %w", err)
		}
	}
	if agg.N > 0 {
		st.EvaluationAverage = Averages{Safety: round1(*agg.Safety), Fun: round1(*agg.Fun), Access: round1(*agg.Access), Looks: round1(*agg.Looks),
			Overall: round1((*agg.Safety + *agg.Fun + *agg.Access + *agg.Looks) / 4)}
	}
	if st.ChildrenActive, st.ConsentPending, err = s.countChildren(ctx, a, f.RegionID); err != nil {
		return nil, err
	}
	return st, nil
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// countChildren counts the children of the bodies in scope with active and with pending consent.
func (s *Store) countChildren(ctx context.Context, a *Actor, regionID string) (active, pending int64, err error) {
	db := s.db.WithContext(ctx)
	bodies := scopeBodies(db.Table("bodies").Select("bodies.id"), a)
	if regionID != "" {
		path, err := s.regionPath(ctx, regionID)
		if err != nil {
			return 0, 0, err
		}
		bodies = bodies.Where("bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", path+"%")
	}
	for status, n := range map[string]*int64{ConsentActive: &active, ConsentPending: &pending} {
		err := db.Model(&Child{}).Where("consent_status = ? AND id IN (SELECT child_id FROM memberships WHERE body_id IN (?))", status, bodies).Count(n).Error
		if err != nil {
			return 0, 0, fmt.Errorf("count children: %w", err)
		}
	}
	return active, pending, nil
}

// Overdue lists the published proposals in scope whose response deadline has passed with no
// staff response, the most overdue first.
func (s *Store) Overdue(ctx context.Context, a *Actor, p Page) ([]ProposalItem, string, error) {
	if err := a.Require(ReadStatistics); err != nil {
		return nil, "", err
	}
	q := scopeProposals(s.db.WithContext(ctx), s.proposalQuery(ctx), a).
		Where(awaitingAnswer+" AND proposals.response_due_at <= ?", s.Now())
	rows, next, err := pageOf(q, p, "proposals.id", false, func(r proposalRow) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list overdue: %w", err)
	}
	out := make([]ProposalItem, len(rows))
	for i, r := range rows {
		out[i] = s.item(r, false)
	}
	return out, next, nil
}
