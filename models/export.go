package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Export is everything held about a child, for the guardian.
type Export struct {
	Child       ExportChild       `json:"child"`
	Memberships []MembershipView  `json:"memberships"`
	Guardians   []GuardianDetails `json:"guardians"`
	Consents    []ExportConsent   `json:"consents"`
	Proposals   []ExportProposal  `json:"proposals"`
	Comments    []ExportComment   `json:"comments"`
	Supports    []ExportRef       `json:"supports"`
	Votes       []ExportVote      `json:"votes"`
	Evaluations []ExportRating    `json:"evaluations"`
	Inspections []InspectionView  `json:"inspections"`
	ExportedAt  time.Time         `json:"exported_at"`
}

// ExportChild is the child's own record.
type ExportChild struct {
	ID            string    `json:"id"`
	Nickname      string    `json:"nickname"`
	RealName      string    `json:"real_name"`
	BirthYear     int       `json:"birth_year"`
	BirthMonth    int       `json:"birth_month"`
	Sex           string    `json:"sex"`
	ConsentStatus string    `json:"consent_status"`
	Assent        string    `json:"assent"`
	ShowPublicly  bool      `json:"show_publicly"`
	Locale        string    `json:"locale"`
	CreatedAt     time.Time `json:"created_at"`
}

// ExportConsent is one consent event.
type ExportConsent struct {
	Status        string     `json:"status"`
	Method        string     `json:"method"`
	NoticeVersion int        `json:"notice_version"`
	GuardianName  string     `json:"guardian_name"`
	Relation      string     `json:"relation"`
	Scopes        Scopes     `json:"scopes"`
	Reference     string     `json:"reference"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at"`
	WithdrawnAt   *time.Time `json:"withdrawn_at"`
}

// ExportProposal is a proposal the child wrote.
type ExportProposal struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Category    string    `json:"category"`
	Stage       string    `json:"stage"`
	Visibility  string    `json:"visibility"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportComment is a comment the child wrote.
type ExportComment struct {
	ID         string    `json:"id"`
	ProposalID string    `json:"proposal_id"`
	Body       string    `json:"body"`
	Visibility string    `json:"visibility"`
	CreatedAt  time.Time `json:"created_at"`
}

// ExportRef names a proposal the child supported.
type ExportRef struct {
	ProposalID string    `json:"proposal_id"`
	Title      string    `json:"title"`
	At         time.Time `json:"at"`
}

// ExportVote is a vote the child cast.
type ExportVote struct {
	ProposalID  string    `json:"proposal_id"`
	Title       string    `json:"title"`
	OptionTitle string    `json:"option_title"`
	At          time.Time `json:"at"`
}

// ExportRating is an evaluation the child gave.
type ExportRating struct {
	ProposalID string    `json:"proposal_id"`
	Ratings    Ratings   `json:"ratings"`
	Comment    string    `json:"comment"`
	At         time.Time `json:"at"`
}

// ExportByLink gives the guardian everything held about the child. Returns not_found,
// too_many_requests.
func (s *Store) ExportByLink(ctx context.Context, token, address string) (*Export, error) {
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return nil, err
	}
	ex, err := s.export(ctx, child)
	if err != nil {
		return nil, err
	}
	if err := s.audit(s.db.WithContext(ctx), guardianActor(c), "consent.export", "child", child.ID, ""); err != nil {
		return nil, err
	}
	return ex, nil
}

func (s *Store) export(ctx context.Context, c *Child) (*Export, error) {
	db := s.db.WithContext(ctx)
	ex := &Export{ExportedAt: s.Now(), Child: ExportChild{ID: c.ID, Nickname: c.Nickname, RealName: s.sealer.open(c.RealName),
		BirthYear: c.BirthYear, BirthMonth: c.BirthMonth, Sex: c.Sex, ConsentStatus: c.ConsentStatus, Assent: c.Assent,
		ShowPublicly: c.ShowPublicly, Locale: c.Locale, CreatedAt: c.CreatedAt},
		Guardians: []GuardianDetails{}, Consents: []ExportConsent{}, Inspections: []InspectionView{}}
	var err error
	if ex.Memberships, err = s.memberships(ctx, c.ID, true); err != nil {
		return nil, err
	}
	var gs []Guardian
	var cs []Consent
	var ins []Inspection
	queries := []func() error{
		func() error { return db.Where("child_id = ?", c.ID).Order("id").Find(&gs).Error },
		func() error { return db.Where("child_id = ?", c.ID).Order("id").Find(&cs).Error },
		func() error {
			return db.Model(&Proposal{}).Where("author_id = ?", c.ID).Order("id").Scan(&ex.Proposals).Error
		},
		func() error {
			return db.Model(&Comment{}).Where("author_id = ? AND author_role = ?", c.ID, RoleChild).Order("id").Scan(&ex.Comments).Error
		},
		func() error {
			return db.Table("supports").Select("supports.proposal_id, proposals.title, supports.created_at AS at").
				Joins("JOIN proposals ON proposals.id = supports.proposal_id").Where("supports.child_id = ?", c.ID).Order("supports.id").Scan(&ex.Supports).Error
		},
		func() error {
			return db.Table("votes").Select("votes.proposal_id, proposals.title, options.title AS option_title, votes.updated_at AS at").
				Joins("JOIN proposals ON proposals.id = votes.proposal_id").Joins("JOIN options ON options.id = votes.option_id").
				Where("votes.child_id = ?", c.ID).Order("votes.id").Scan(&ex.Votes).Error
		},
		func() error {
			return db.Where("author_id = ? AND author_role = ?", c.ID, RoleChild).Order("id").Find(&ins).Error
		},
	}
	for _, q := range queries {
		if err := q(); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	for _, g := range gs {
		ex.Guardians = append(ex.Guardians, GuardianDetails{Name: s.sealer.open(g.Name), Relation: s.sealer.open(g.Relation), Contact: s.sealer.open(g.Contact)})
	}
	for _, k := range cs {
		ex.Consents = append(ex.Consents, ExportConsent{Status: k.Status, Method: k.Method, NoticeVersion: k.NoticeVersion,
			GuardianName: s.sealer.open(k.GuardianName), Relation: s.sealer.open(k.Relation), Scopes: Scopes{ShowPublicly: k.ShowPublicly, Photos: k.Photos},
			Reference: k.Reference, CreatedAt: k.CreatedAt, DecidedAt: k.DecidedAt, WithdrawnAt: k.WithdrawnAt})
	}
	var evs []Evaluation
	if err := db.Where("child_id = ?", c.ID).Order("id").Find(&evs).Error; err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	for _, e := range evs {
		ex.Evaluations = append(ex.Evaluations, ExportRating{ProposalID: e.ProposalID, Ratings: Ratings{e.Safety, e.Fun, e.Access, e.Looks}, Comment: e.Comment, At: e.CreatedAt})
	}
	for _, in := range ins {
		ex.Inspections = append(ex.Inspections, InspectionView{ID: in.ID, ByRole: in.AuthorRole, BodyName: in.BodyName, Items: in.Items,
			Summary: in.Summary, CreatedAt: in.CreatedAt})
	}
	ex.Proposals, ex.Comments, ex.Supports = orEmpty(ex.Proposals), orEmpty(ex.Comments), orEmpty(ex.Supports)
	ex.Votes, ex.Evaluations = orEmpty(ex.Votes), orEmpty(ex.Evaluations)
	return ex, nil
}

// orEmpty makes a nil list an empty one, so that JSON shows [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ExportRow is one proposal in the statistics export.
type ExportRow struct {
	ID, Title, Body, Category, Stage, Visibility string
	Erased                                       bool // the title reads "withdrawn by its author" in the reader's language
	CreatedOn, PublishedOn, DueOn, RespondedOn   string
	DaysToResponse                               string
	Overdue                                      bool
	Supports, Comments, Votes                    int
	Outcome, ResponsibleUnit, PlannedCompletion  string
	Evaluations                                  int
	EvaluationOverall                            string
}

// Export checks the actor and the filter, then returns a function that reads one row per
// published proposal in scope, oldest first, for the CSV export, handing each to fn as it is
// read: memory stays flat however large the city. Returns forbidden for children, not_found for
// a region out of scope, bad_request for a malformed date; the function returns fn's errors and
// the database's.
func (s *Store) Export(ctx context.Context, a *Actor, f StatsFilter) (func(ctx context.Context, fn func(ExportRow) error) error, error) {
	if _, err := s.scopedProposals(ctx, a, f); err != nil {
		return nil, err
	}
	return func(ctx context.Context, fn func(ExportRow) error) error {
		// The driver steps each row in a goroutine of its own when the context can end, to
		// interrupt it: 50,000 goroutines for a city. The rows are read under a context that
		// cannot end, and ctx is checked between rows instead.
		done := ctx
		ctx = context.WithoutCancel(ctx)
		q, wide, err := s.exportedProposals(ctx, a, f)
		if err != nil {
			return err
		}
		votes := "(SELECT COALESCE(SUM(vote_count), 0) FROM options WHERE options.proposal_id = proposals.id)"
		var tally map[string]int
		if wide {
			// Whole regions: the votes of every option in one pass of the table, instead of a
			// search of each proposal's options (half the time of an export of a city). The
			// tally holds a number per proposal voted on, a few megabytes for a city; it is read
			// just before the rows, so a vote cast in between is in it.
			if tally, err = s.voteTally(ctx); err != nil {
				return err
			}
			votes = "0"
		}
		rows, err := q.Select(`proposals.id, proposals.title, proposals.erased, proposals.category, proposals.stage, proposals.visibility,
		proposals.created_at, proposals.published_at, proposals.response_due_at, proposals.first_response_at,
		proposals.support_count, proposals.comment_count, bodies.name AS body_name,
		` + votes + ` AS votes,
		decisions.outcome, decisions.responsible_unit, decisions.planned_completion,
		proposals.eval_count, proposals.eval_safety + proposals.eval_fun + proposals.eval_access + proposals.eval_looks AS eval_sum`).
			Joins("LEFT JOIN decisions ON decisions.proposal_id = proposals.id").
			Order("proposals.id").Rows()
		if err != nil {
			return fmt.Errorf("export proposals: %w", err)
		}
		defer rows.Close()
		date := func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(s.loc).Format(time.DateOnly)
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		now := s.Now()
		for rows.Next() {
			if err := done.Err(); err != nil {
				return fmt.Errorf("export proposals: %w", err)
			}
			var r struct {
				ID, Title, Category, Stage, Visibility, BodyName string
				Erased                                           bool
				CreatedAt                                        time.Time
				PublishedAt, ResponseDueAt, FirstResponseAt      *time.Time
				SupportCount, CommentCount, Votes, Evaluations   int
				Outcome, ResponsibleUnit, PlannedCompletion      *string
				EvalSum                                          int64
			}
			if err := rows.Scan(&r.ID, &r.Title, &r.Erased, &r.Category, &r.Stage, &r.Visibility, &r.CreatedAt, &r.PublishedAt,
				&r.ResponseDueAt, &r.FirstResponseAt, &r.SupportCount, &r.CommentCount, &r.BodyName, &r.Votes,
				&r.Outcome, &r.ResponsibleUnit, &r.PlannedCompletion, &r.Evaluations, &r.EvalSum); err != nil {
				return fmt.Errorf("export proposals: %w", err)
			}
			e := ExportRow{ID: r.ID, Title: r.Title, Erased: r.Erased, Body: r.BodyName, Category: r.Category, Stage: r.Stage, Visibility: r.Visibility,
				CreatedOn: date(&r.CreatedAt), PublishedOn: date(r.PublishedAt), DueOn: date(r.ResponseDueAt), RespondedOn: date(r.FirstResponseAt),
				Supports: r.SupportCount, Comments: r.CommentCount, Votes: r.Votes + tally[r.ID], Outcome: str(r.Outcome),
				ResponsibleUnit: str(r.ResponsibleUnit), PlannedCompletion: str(r.PlannedCompletion), Evaluations: r.Evaluations}
			if r.FirstResponseAt != nil && r.PublishedAt != nil {
				e.DaysToResponse = fmt.Sprint(s.localDays(*r.PublishedAt, *r.FirstResponseAt))
			} else {
				e.Overdue = r.ResponseDueAt != nil && !r.ResponseDueAt.After(now)
			}
			if r.Evaluations > 0 {
				// The mean of each evaluation's mean of four marks, from the sums each proposal
				// keeps (0008a) instead of reading its evaluations for every row.
				e.EvaluationOverall = fmt.Sprintf("%.1f", float64(r.EvalSum)/(4*float64(r.Evaluations)))
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("export proposals: %w", err)
		}
		return nil
	}, nil
}

// exportedProposals is the published proposals an export reads, joined with their bodies. A
// scope of whole regions is checked on each row's body, read by key, as the proposals are read
// in key order (the CROSS JOIN keeps SQLite to that order): the first row goes out at once and
// nothing is sorted. Other scopes are the statistics' (scopedProposals).
// wide reports a scope of whole regions.
func (s *Store) exportedProposals(ctx context.Context, a *Actor, f StatsFilter) (q *gorm.DB, wide bool, err error) {
	var path string
	if f.RegionID != "" {
		if path, err = s.regionPath(ctx, f.RegionID); err != nil {
			return nil, false, err
		}
	}
	cond, args, ok := regionScope(a, path)
	if !ok {
		q, err := s.scopedProposals(ctx, a, f)
		if err != nil {
			return nil, false, err
		}
		return q.Joins("JOIN bodies ON bodies.id = proposals.body_id"), false, nil
	}
	q = s.reader(ctx).Table("proposals").Joins("CROSS JOIN bodies").
		Where("bodies.id = proposals.body_id AND proposals.visibility = ?", VisibilityPublished)
	if cond != "" {
		q = q.Where("bodies.region_id IN ("+regionsIn(cond)+")", args...)
	}
	q, err = s.betweenDays(q, "proposals.created_at", f.From, f.To)
	return q, true, err
}

// voteTally is the number of votes of each proposal voted on, from its options' stored counts.
func (s *Store) voteTally(ctx context.Context) (map[string]int, error) {
	rs, err := s.reader(ctx).Raw("SELECT proposal_id, vote_count FROM options WHERE vote_count > 0").Rows()
	if err != nil {
		return nil, fmt.Errorf("export votes: %w", err)
	}
	defer rs.Close()
	tally := map[string]int{}
	for rs.Next() {
		var id string
		var n int
		if err := rs.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("export votes: %w", err)
		}
		tally[id] += n
	}
	return tally, rs.Err()
}
