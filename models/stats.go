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
	db := s.reader(ctx)
	q := scopeProposals(db, db.Table("proposals"), a).Where("proposals.visibility = ?", VisibilityPublished)
	if f.RegionID != "" {
		path, err := s.regionPath(ctx, f.RegionID)
		if err != nil {
			return nil, err
		}
		q = q.Where("proposals.body_id IN (SELECT bodies.id FROM bodies JOIN regions ON regions.id = bodies.region_id WHERE regions.path LIKE ?)", path+"%")
	}
	q, err := s.betweenDays(q, "proposals.created_at", f.From, f.To)
	if err != nil {
		return nil, err
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
	if err := a.Require(ReadStatistics); err != nil {
		return nil, err
	}
	if f.From == "" && f.To == "" {
		// Whole regions, at any time: the sums kept per region (region_stats.go).
		var path string
		if f.RegionID != "" {
			var err error
			if path, err = s.regionPath(ctx, f.RegionID); err != nil {
				return nil, err
			}
		}
		if cond, args, ok := regionScope(a, path); ok {
			st, err := s.keptStatistics(ctx, cond, args)
			if err != nil {
				return nil, err
			}
			if st.ChildrenActive, st.ConsentPending, err = s.keptChildren(ctx, cond, args); err != nil {
				return nil, err
			}
			return st, nil
		}
	}
	q, err := s.scopedProposals(ctx, a, f)
	if err != nil {
		return nil, err
	}
	// One pass over the proposals in scope, read as plain rows: the figures of a city of 50,000
	// proposals, each carrying the sums of its evaluations (migration 0008a), so that nothing
	// here grows with the number of children who voted or rated.
	rs, err := q.Select(`proposals.stage, proposals.published_at, proposals.response_due_at, proposals.first_response_at,
		decisions.outcome, proposals.eval_count, proposals.eval_safety, proposals.eval_fun, proposals.eval_access, proposals.eval_looks`).
		Joins("LEFT JOIN decisions ON decisions.proposal_id = proposals.id").Rows()
	if err != nil {
		return nil, fmt.Errorf("read proposals for statistics: %w", err)
	}
	defer rs.Close()
	st := &Stats{ProposalsByStage: map[string]int{}}
	for _, stage := range Stages {
		st.ProposalsByStage[stage] = 0
	}
	now := s.Now()
	var days []int
	var decided, adopted, n int
	var evals, safety, fun, access, looks int64
	for rs.Next() {
		var r statsRow
		var ec, es, ef, ea, el int64
		if err := rs.Scan(&r.Stage, &r.PublishedAt, &r.ResponseDueAt, &r.FirstResponseAt, &r.Outcome, &ec, &es, &ef, &ea, &el); err != nil {
			return nil, fmt.Errorf("read proposals for statistics: %w", err)
		}
		n++
		evals, safety, fun, access, looks = evals+ec, safety+es, fun+ef, access+ea, looks+el
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
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read proposals for statistics: %w", err)
	}
	if n > 0 {
		st.ResponseRate = round2(float64(len(days)) / float64(n))
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
	st.setRates(int64(decided), int64(adopted), evals, safety, fun, access, looks)
	if st.ChildrenActive, st.ConsentPending, err = s.countChildren(ctx, a, f.RegionID); err != nil {
		return nil, err
	}
	return st, nil
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// countChildren counts the children of the bodies in scope with active and with pending consent.
func (s *Store) countChildren(ctx context.Context, a *Actor, regionID string) (active, pending int64, err error) {
	db := s.reader(ctx)
	bodies := scopeBodies(db.Table("bodies").Select("bodies.id"), a)
	if regionID != "" {
		path, err := s.regionPath(ctx, regionID)
		if err != nil {
			return 0, 0, err
		}
		bodies = bodies.Where("bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", path+"%")
	}
	var counts []struct {
		ConsentStatus string
		N             int64
	}
	err = db.Model(&Child{}).Select("consent_status, COUNT(*) AS n").
		Where("consent_status IN ? AND id IN (SELECT child_id FROM memberships WHERE body_id IN (?))", []string{ConsentActive, ConsentPending}, bodies).
		Group("consent_status").Scan(&counts).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count children: %w", err)
	}
	for _, c := range counts {
		if c.ConsentStatus == ConsentActive {
			active = c.N
		} else {
			pending = c.N
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

// betweenDays limits q to rows whose column falls on the local days from to to (YYYY-MM-DD,
// inclusive; empty is open). Returns bad_request naming the field of a malformed date.
func (s *Store) betweenDays(q *gorm.DB, column, from, to string) (*gorm.DB, error) {
	for _, bound := range []struct {
		name, value, op string
		days            int
	}{{"from", from, ">=", 0}, {"to", to, "<", 1}} {
		if bound.value == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, bound.value, s.loc)
		if err != nil || !validDate(bound.value) {
			return nil, BadField(bound.name, "field.bad_date")
		}
		q = q.Where(column+" "+bound.op+" ?", day.AddDate(0, 0, bound.days).UTC())
	}
	return q, nil
}

// setRates sets the rates statistics derive from their sums: adopted of decided, and the mean
// evaluation (each of the four faces and all of them) from the sums of evals evaluations.
func (st *Stats) setRates(decided, adopted, evals, safety, fun, access, looks int64) {
	if decided > 0 {
		st.AdoptionRate = round2(float64(adopted) / float64(decided))
	}
	if evals > 0 {
		avg := func(sum int64) float64 { return float64(sum) / float64(evals) }
		st.EvaluationAverage = Averages{Safety: round1(avg(safety)), Fun: round1(avg(fun)), Access: round1(avg(access)), Looks: round1(avg(looks)),
			Overall: round1((avg(safety) + avg(fun) + avg(access) + avg(looks)) / 4)}
	}
}
