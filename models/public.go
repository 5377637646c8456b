package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// PublicFilter narrows the public notice; RegionID includes the region's sub-regions. Section
// picks one part of a notice board (SectionNotice, SectionResults, SectionProgress).
type PublicFilter struct {
	RegionID, BodyID, Stage, Section string
}

// The parts of a public notice board, in the order a board shows them.
const (
	SectionNotice   = "notice"   // decided, and the notice period runs today or later
	SectionResults  = "results"  // decided with the notice period over, or closed without a decision
	SectionProgress = "progress" // still in needs or design
)

// The conditions of the board's parts on a proposal's decision: its notice period still runs
// (until today or later), is over, or there is no decision.
const (
	noticeRuns = "EXISTS (SELECT 1 FROM decisions WHERE decisions.proposal_id = proposals.id AND decisions.notice_until >= ?)"
	noticeOver = "EXISTS (SELECT 1 FROM decisions WHERE decisions.proposal_id = proposals.id AND decisions.notice_until < ?)"
	undecided  = "NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.proposal_id = proposals.id)"
)

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
	today := s.today()
	switch f.Section {
	case "":
	case SectionNotice:
		q = q.Where(noticeRuns, today)
	case SectionResults:
		q = q.Where("("+noticeOver+" OR (proposals.stage = ? AND "+undecided+"))", today, StageClosed)
	case SectionProgress:
		q = q.Where("proposals.stage IN ?", []string{StageNeeds, StageDesign})
	default:
		return nil, BadField("section", "field.unknown_value")
	}
	return q, nil
}

// today is the local date, as decisions store their notice period's end.
func (s *Store) today() string { return s.Now().In(s.loc).Format(time.DateOnly) }

// noticeDaysLeft counts the days from today to the last day of a notice period: 0 on its last
// day, nil once it is over (or for a date that cannot be read).
func (s *Store) noticeDaysLeft(until string) *int {
	end, err := time.ParseInLocation(time.DateOnly, until, time.UTC)
	if err != nil {
		return nil
	}
	today, _ := time.ParseInLocation(time.DateOnly, s.today(), time.UTC) // s.today() is a valid date
	n := int(end.Sub(today).Hours() / 24)
	if n < 0 {
		return nil
	}
	return &n
}

// DecisionBrief is a decision as a list of the public notice shows it.
type DecisionBrief struct {
	ProposalID        string    `json:"-"`
	Outcome           string    `json:"outcome"`
	ChildSummary      string    `json:"child_summary"`
	ResponsibleUnit   string    `json:"responsible_unit"`
	PlannedCompletion string    `json:"planned_completion"`
	DecidedAt         time.Time `json:"decided_at"`
	NoticeUntil       string    `json:"notice_until"`
}

// PublicItem is a proposal in a public list: the list item with its decision, if any, and the
// days left in its notice period (nil when there is none or it is over).
type PublicItem struct {
	ProposalItem
	Decision       *DecisionBrief `json:"decision"`
	NoticeDaysLeft *int           `json:"notice_days_left"`
}

// PublicProposals lists published proposals of every stage, newest first. Children appear by
// nickname and age only where their guardian allowed it. Returns bad_request for an unknown
// stage, not_found for an unknown region.
func (s *Store) PublicProposals(ctx context.Context, f PublicFilter, p Page) ([]PublicItem, string, error) {
	q, err := s.publicQuery(ctx, f)
	if err != nil {
		return nil, "", err
	}
	idOf := func(r proposalRow) string { return r.ID }
	var rows []proposalRow
	var next string
	if s.dialect == DialectSQLite {
		rows, next, err = pageBy(q, p, "proposals.id", true, idOf, func(q *gorm.DB) ([]proposalRow, error) {
			return s.publicPage(ctx, q, p.normalise().Limit+1)
		})
	} else {
		rows, next, err = pageOf(q, p, "proposals.id", true, idOf)
	}
	if err != nil {
		return nil, "", fmt.Errorf("list public proposals: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byID, err := s.decisionsOf(ctx, ids)
	if err != nil {
		return nil, "", fmt.Errorf("list public decisions: %w", err)
	}
	out := make([]PublicItem, len(rows))
	for i, r := range rows {
		out[i] = PublicItem{ProposalItem: s.item(r, true), Decision: byID[r.ID]}
		if d := byID[r.ID]; d != nil {
			out[i].NoticeDaysLeft = s.noticeDaysLeft(d.NoticeUntil)
		}
	}
	dropRows(rows)
	return out, next, nil
}

// decisionsOf reads the decisions of a page's proposals, by proposal ID, through one prepared
// statement. The IDs are padded to a page's size (the last one repeated) so that every page
// runs one of two statements, whatever its length.
func (s *Store) decisionsOf(ctx context.Context, ids []string) (map[string]*DecisionBrief, error) {
	byID := make(map[string]*DecisionBrief, len(ids))
	if len(ids) == 0 {
		return byID, nil
	}
	n := DefaultPageSize
	if len(ids) > n {
		n = max(MaxPageSize, len(ids))
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	columns := decisionColumns[s.dialect == DialectSQLite]
	rows, err := s.query(ctx, nil, `SELECT `+columns+` FROM decisions WHERE proposal_id IN (`+placeholders(n)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		d := new(DecisionBrief)
		if s.dialect == DialectSQLite {
			var text string
			if err := rows.Scan(&text); err != nil {
				return nil, err
			}
			if err := readPackedDecision(text, d); err != nil {
				return nil, err
			}
		} else if err := rows.Scan(&d.ProposalID, &d.Outcome, &d.ChildSummary, &d.ResponsibleUnit,
			&d.PlannedCompletion, &d.DecidedAt, &d.NoticeUntil); err != nil {
			return nil, err
		}
		byID[d.ProposalID] = d
	}
	return byID, rows.Err()
}

// decisionColumns are what decisionsOf reads of a decision, by whether the dialect is SQLite,
// where a decision is one text (as a list's rows are, see packedColumns): the fixed fields
// first, each ended by the unit separator, then the byte lengths of the summary and the unit,
// then the three free texts joined by || (printf would end them at a NUL byte).
var decisionColumns = map[bool]string{
	false: `proposal_id, outcome, child_summary, responsible_unit, planned_completion, decided_at, notice_until`,
	true: "printf('%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d\x1f', proposal_id, outcome, decided_at, notice_until, " +
		"length(CAST(child_summary AS BLOB)), length(CAST(responsible_unit AS BLOB))) || child_summary || responsible_unit || planned_completion",
}

// readPackedDecision reads a decision packed as decisionColumns[true] into d.
func readPackedDecision(text string, d *DecisionBrief) error {
	var f [6]string
	for i := range f {
		var ok bool
		if f[i], text, ok = strings.Cut(text, "\x1f"); !ok {
			return fmt.Errorf("packed decision: %d fields, want 7", i+1)
		}
	}
	summary, err1 := strconv.Atoi(f[4])
	unit, err2 := strconv.Atoi(f[5])
	if err := errors.Join(err1, err2); err != nil || summary < 0 || unit < 0 || summary > len(text) || unit > len(text)-summary {
		return fmt.Errorf("packed decision: lengths %q and %q of %d bytes", f[4], f[5], len(text))
	}
	d.ProposalID, d.Outcome, d.DecidedAt, d.NoticeUntil = f[0], f[1], sqliteTime(f[2]), f[3]
	d.ChildSummary, d.ResponsibleUnit, d.PlannedCompletion = text[:summary], text[summary:summary+unit], text[summary+unit:]
	return nil
}

// publicPage reads a page of the public notice on SQLite as staff pages are read (packedPage),
// with the names of bodies and authors kept between pages (decorate) for as long as no
// account, body or region changes: the epoch that keeps sessions (auth_epoch) says when.
func (s *Store) publicPage(ctx context.Context, q *gorm.DB, size int) ([]proposalRow, error) {
	epoch, err := s.authEpoch(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.packedPage(ctx, q, size)
	if err != nil {
		return nil, err
	}
	return rows, s.decorate(ctx, &Actor{epoch: epoch}, rows)
}

// PublicDetail is a proposal as the public notice shows it: no comments, nothing personal.
type PublicDetail struct {
	*ProposalDetail
	Results        *Results `json:"results"`
	NoticeDaysLeft *int     `json:"notice_days_left"` // nil without a decision or once its notice period is over
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
	if d.Decision != nil {
		pd.NoticeDaysLeft = s.noticeDaysLeft(d.Decision.NoticeUntil)
	}
	if votingClosed(r.Stage) && len(d.Options) > 0 {
		if pd.Results, err = s.tally(ctx, id, false); err != nil {
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
	URL             string    `json:"url" gorm:"-"` // the proposal's public page
}

// PublicURL is the address the server is reached at, without a trailing slash: links that
// leave the app (consent letters, the public notice's feed and QR codes) start with it.
func (s *Store) PublicURL() string { return s.publicURL }

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

// RegionRef names a region on a public notice board.
type RegionRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// PublicBody names a body on a public notice board: no join code, no venue.
type PublicBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// PublicBoard is what a notice board shows around its lists: its region (nil for the board of
// every region), the region above it, the regions below it and the bodies of its subtree, each
// only where published proposals are.
type PublicBoard struct {
	Region     *RegionRef   `json:"region"`
	Parent     *RegionRef   `json:"parent"`
	Subregions []RegionRef  `json:"subregions"`
	Bodies     []PublicBody `json:"bodies"`
}

// publishedUnder is the condition that a published proposal exists in the subtree of the
// region r (aliased so in the outer query).
const publishedUnder = `EXISTS (SELECT 1 FROM proposals JOIN bodies ON bodies.id = proposals.body_id
	JOIN regions sub ON sub.id = bodies.region_id
	WHERE proposals.visibility = ? AND sub.path LIKE r.path || '%')`

// PublicBoard describes the notice board of a region and its sub-regions, or of every region
// when regionID is empty. Returns not_found for an unknown region.
func (s *Store) PublicBoard(ctx context.Context, regionID string) (*PublicBoard, error) {
	db := s.db.WithContext(ctx)
	b := &PublicBoard{Subregions: []RegionRef{}, Bodies: []PublicBody{}}
	below := db.Table("regions r").Select("r.id, r.name, r.kind").Where(publishedUnder, VisibilityPublished).Order("r.name, r.id")
	bodies := db.Table("bodies").Select("bodies.id, bodies.name, bodies.kind").
		Where("EXISTS (SELECT 1 FROM proposals WHERE proposals.body_id = bodies.id AND proposals.visibility = ?)", VisibilityPublished).
		Order("bodies.name, bodies.id")
	if regionID == "" {
		below = below.Where("r.parent_id IS NULL")
	} else {
		if !ValidID(regionID) {
			return nil, ErrNotFound
		}
		var r Region
		if err := db.Where("id = ?", regionID).Take(&r).Error; err != nil {
			return nil, notFound(err)
		}
		b.Region = &RegionRef{ID: r.ID, Name: r.Name, Kind: r.Kind}
		if r.ParentID != nil {
			var p Region
			if err := db.Where("id = ?", *r.ParentID).Take(&p).Error; err != nil {
				return nil, fmt.Errorf("read parent region: %w", err)
			}
			b.Parent = &RegionRef{ID: p.ID, Name: p.Name, Kind: p.Kind}
		}
		below = below.Where("r.parent_id = ?", r.ID)
		bodies = bodies.Where("bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", r.Path+"%")
	}
	if err := below.Scan(&b.Subregions).Error; err != nil {
		return nil, fmt.Errorf("list sub-regions: %w", err)
	}
	if err := bodies.Scan(&b.Bodies).Error; err != nil {
		return nil, fmt.Errorf("list public bodies: %w", err)
	}
	return b, nil
}
