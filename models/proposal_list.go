package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Orders of a proposal list (API.md "Staff desk").
const (
	SortNewest   = "newest"   // newest first (the default)
	SortOldest   = "oldest"   // oldest first
	SortDue      = "due"      // those still waiting for an answer first, the earliest deadline first
	SortSupports = "supports" // the most supported first
)

// ProposalSorts lists the orders a proposal list may have.
var ProposalSorts = []string{SortNewest, SortOldest, SortDue, SortSupports}

// ProposalFilter narrows and orders a list of proposals. Overdue, DueBefore and any sort but
// newest are for staff only; staff also find proposals by their author's nickname.
type ProposalFilter struct {
	BodyID    string
	Stage     string
	Category  string
	Query     string
	Mine      bool
	Overdue   bool   // waiting for a first answer past the deadline
	DueBefore string // YYYY-MM-DD: the deadline falls before that local day
	Sort      string // one of ProposalSorts; "" is newest
}

// ProposalList is one page of a proposal list. Total counts every proposal the filter finds
// (staff only; nil for children); Next is the cursor of the next page, "" on the last.
type ProposalList struct {
	Items []ProposalItem
	Next  string
	Total *int64
}

// awaitingAnswer is the condition of rule 3: a published proposal, not closed, that has had no
// staff response yet. Overdue lists, the overdue filter and the due order all use it.
const awaitingAnswer = `(proposals.visibility = 'published' AND proposals.stage <> 'closed'
	AND proposals.first_response_at IS NULL AND proposals.response_due_at IS NOT NULL)`

// dueGroup orders the due sort: proposals awaiting an answer (0), then the other published
// ones (1), then those never published, which have no deadline (2).
const dueGroup = `(CASE WHEN proposals.response_due_at IS NULL THEN 2 WHEN ` + awaitingAnswer + ` THEN 0 ELSE 1 END)`

// ListProposals lists the proposals the actor may read, filtered and ordered as f says, one
// page at a time. This is the one query of every proposal list a signed-in user sees; each
// value reaches the database as a parameter. Returns bad_request for an unknown stage,
// category or sort, a malformed date or cursor; forbidden for a child using a staff filter;
// not_found for a body filter out of scope.
func (s *Store) ListProposals(ctx context.Context, a *Actor, f ProposalFilter, p Page) (*ProposalList, error) {
	return s.listProposals(ctx, a, f, p, true)
}

// listProposals is ListProposals. With wholeHint, a committee whose region held every region when
// wideScope last looked reads its page and count without the region condition, then checks that
// no region lies outside its own; when one does, it reads them again with the condition.
func (s *Store) listProposals(ctx context.Context, a *Actor, f ProposalFilter, p Page, wholeHint bool) (*ProposalList, error) {
	if f.Stage != "" && !ValidStage(f.Stage) {
		return nil, BadField("stage", "field.unknown_value")
	}
	if f.Category != "" && !validCategory(f.Category) {
		return nil, BadField("category", "field.unknown_value")
	}
	if f.Sort == "" {
		f.Sort = SortNewest
	}
	if !slices.Contains(ProposalSorts, f.Sort) {
		return nil, BadField("sort", "field.unknown_value")
	}
	var dueBefore time.Time
	if f.DueBefore != "" {
		day, err := time.ParseInLocation(time.DateOnly, f.DueBefore, s.loc)
		if err != nil || !validDate(f.DueBefore) {
			return nil, BadField("due_before", "field.bad_date")
		}
		dueBefore = day.UTC()
	}
	if !a.IsStaff() && (f.Overdue || f.DueBefore != "" || f.Sort != SortNewest) {
		return nil, Errorf(CodeForbidden, "error.staff_filter")
	}
	after, err := parseListCursor(f.Sort, p.Cursor)
	if err != nil {
		return nil, err
	}

	if f.BodyID != "" && a.IsStaff() {
		if _, err := s.Body(ctx, a, f.BodyID); err != nil {
			return nil, err
		}
	}
	// GORM's session, for the lists it builds; a child's own page needs none.
	var db *gorm.DB
	session := func() *gorm.DB {
		if db == nil {
			db = s.db.WithContext(ctx)
		}
		return db
	}
	walk := false  // read the page in key order, skipping what is out of scope
	whole := false // read without the region condition, then check (see listProposals)
	if s.dialect == DialectSQLite && (f.Sort == SortNewest || f.Sort == SortOldest) && f.BodyID == "" {
		sc, err := s.wideScope(ctx, a)
		if err != nil {
			return nil, err
		}
		walk, whole = sc.wide, sc.whole && wholeHint && a.Role == RoleCommittee
	}
	// regions is regionScope of the actor, with no condition when whole.
	regions := func() (cond string, args []any, ok bool) {
		if cond, args, ok = regionScope(a, ""); whole {
			return "", nil, ok
		}
		return cond, args, ok
	}
	// build starts every query of the list from proposals alone, in the order of an index; what
	// a list item shows of its body and author is read for the page's rows only (decorate).
	// Joined, SQLite's planner, once it has statistics, starts from the bodies and sorts every
	// proposal in scope for each page.
	build := func(walk bool) *gorm.DB {
		db := session()
		q := db.Table("proposals").Select(listColumns)
		if a.IsStaff() && strings.TrimSpace(f.Query) != "" {
			q = q.Joins("LEFT JOIN children ON children.id = proposals.author_id") // search by nickname
		}
		if walk {
			// Most of the table is in scope: walking the key reads about a page of rows, where
			// the body index would find every row in scope and sort them. Each row's region is
			// read by its body's key: no list of the bodies in scope, which grows with the city.
			if cond, args, ok := regions(); !ok {
				q = q.Where("+proposals.body_id IN (?)", scopeBodies(db.Table("bodies").Select("bodies.id"), a))
			} else if cond != "" {
				q = q.Where("(SELECT bodies.region_id FROM bodies WHERE bodies.id = proposals.body_id) IN ("+regionsIn(cond)+")", args...)
			}
		} else {
			q = scopeProposals(db, q, a)
		}
		if f.BodyID != "" {
			q = q.Where("proposals.body_id = ?", f.BodyID)
		}
		if f.Stage != "" {
			q = q.Where("proposals.stage = ?", f.Stage)
		}
		if f.Category != "" {
			q = q.Where("proposals.category = ?", f.Category)
		}
		if f.Mine {
			q = q.Where("proposals.author_id = ?", a.ID)
		}
		if t := strings.ToLower(strings.TrimSpace(f.Query)); t != "" {
			like := "%" + escapeLike(t) + "%"
			if a.IsStaff() {
				q = q.Where(`(LOWER(proposals.title) LIKE ? ESCAPE '\' OR LOWER(proposals.description) LIKE ? ESCAPE '\'
				OR LOWER(children.nickname) LIKE ? ESCAPE '\')`, like, like, like)
			} else {
				q = q.Where(`(LOWER(proposals.title) LIKE ? ESCAPE '\' OR LOWER(proposals.description) LIKE ? ESCAPE '\')`, like, like)
			}
		}
		if f.Overdue {
			q = q.Where(awaitingAnswer+" AND proposals.response_due_at <= ?", s.Now())
		}
		if f.DueBefore != "" {
			q = q.Where("proposals.response_due_at < ?", dueBefore)
		}
		return q
	}

	out := &ProposalList{Items: []ProposalItem{}}
	if a.IsStaff() {
		db := session()
		var total int64
		if f.Category == "" && f.Query == "" && !f.Mine && !f.Overdue && f.DueBefore == "" {
			// Scope, body and stage only: the counts kept per body and stage (0008b), or per
			// region and stage (0013a) for a scope of whole regions.
			var c *gorm.DB
			if cond, args, ok := regions(); f.BodyID != "" {
				c = db.Table("proposal_counts").Select("COALESCE(SUM(n), 0)").Where("body_id = ?", f.BodyID) // in scope: checked above
			} else if ok {
				c = db.Table("region_stats").Select("COALESCE(SUM(n), 0)").Where("region_id IN ("+regionsIn(cond)+")", args...)
			} else {
				c = db.Table("proposal_counts").Select("COALESCE(SUM(n), 0)").Where("body_id IN (?)", scopeBodies(db.Table("bodies").Select("bodies.id"), a))
			}
			if f.Stage != "" {
				c = c.Where("stage = ?", f.Stage)
			}
			if err := s.scanBuilt(ctx, c, &total); err != nil {
				return nil, fmt.Errorf("count proposals: %w", err)
			}
		} else if err := build(false).Select("COUNT(*)").Scan(&total).Error; err != nil {
			return nil, fmt.Errorf("count proposals: %w", err)
		}
		out.Total = &total
	}

	var rows []proposalRow
	if !a.IsStaff() && len(a.ObserverPaths) == 0 && f.Query == "" && f.Sort == SortNewest {
		// The most frequent list of all: a child's own bodies, read by a prepared statement.
		if rows, err = s.childPage(ctx, a, f, after.id, p.normalise().Limit+1); err != nil {
			return nil, err
		}
	} else {
		page := build(walk).Limit(p.normalise().Limit + 1)
		switch f.Sort {
		case SortNewest:
			if after.id != "" {
				page = page.Where("proposals.id < ?", after.id)
			}
			page = page.Order("proposals.id DESC")
		case SortOldest:
			if after.id != "" {
				page = page.Where("proposals.id > ?", after.id)
			}
			page = page.Order("proposals.id")
		case SortSupports:
			if after.id != "" {
				page = page.Where("(proposals.support_count < ? OR (proposals.support_count = ? AND proposals.id < ?))", after.n, after.n, after.id)
			}
			page = page.Order("proposals.support_count DESC").Order("proposals.id DESC")
		case SortDue:
			switch {
			case after.id == "":
			case after.n == 2: // no deadline: by ID
				page = page.Where(dueGroup+" = 2 AND proposals.id > ?", after.id)
			default:
				page = page.Where("("+dueGroup+" > ? OR ("+dueGroup+" = ? AND (proposals.response_due_at > ? OR (proposals.response_due_at = ? AND proposals.id > ?))))",
					after.n, after.n, after.due, after.due, after.id)
			}
			page = page.Order(dueGroup).Order("proposals.response_due_at").Order("proposals.id")
		}
		if s.dialect == DialectSQLite {
			rows, err = s.packedPage(ctx, page, p.normalise().Limit+1)
		} else {
			err = page.Find(&rows).Error
		}
		if err != nil {
			return nil, fmt.Errorf("list proposals: %w", err)
		}
	}
	if whole {
		var outside bool
		if err := s.queryRow(ctx, nil, []any{&outside}, `SELECT EXISTS (SELECT 1 FROM regions WHERE path NOT LIKE ?)`, a.RegionPath+"%"); err != nil {
			return nil, fmt.Errorf("check regions in scope: %w", err)
		}
		if outside { // read after the page: a region that left the scope since is seen here
			dropRows(rows)
			s.wide.put(a.RegionPath, wideScope{wide: walk, at: s.Now()}) // no longer whole
			return s.listProposals(ctx, a, f, p, false)
		}
	}
	if err := s.decorate(ctx, a, rows); err != nil {
		return nil, err
	}
	if limit := p.normalise().Limit; len(rows) > limit {
		rows = rows[:limit]
		out.Next = listCursor(f.Sort, rows[len(rows)-1])
	}
	out.Items = make([]ProposalItem, len(rows))
	for i := range rows {
		r := &rows[i]
		it := &out.Items[i]
		*it = s.item(*r, false)
		it.Marks = r.marks
		if a.IsStaff() {
			it.FirstResponseAt = r.FirstResponseAt
		}
	}
	dropRows(rows)
	return out, nil
}

// cursorAfter is where the next page of a sorted list starts: after the item with this ID and
// sort key (n: support count or due group; due: the deadline).
type cursorAfter struct {
	id  string
	n   int
	due time.Time
}

// listCursor is the opaque cursor after row in a list sorted by sort. Newest and oldest use
// the item's ID, as every other list of the API does.
func listCursor(sort string, r proposalRow) string {
	var raw string
	switch sort {
	case SortSupports:
		raw = fmt.Sprintf("s.%d.%s", r.SupportCount, r.ID)
	case SortDue:
		group, due := 2, int64(0)
		if r.ResponseDueAt != nil {
			group, due = 1, r.ResponseDueAt.UnixNano()
			if r.Visibility == VisibilityPublished && r.Stage != StageClosed && r.FirstResponseAt == nil {
				group = 0
			}
		}
		raw = fmt.Sprintf("d.%d.%d.%s", group, due, r.ID)
	default:
		return r.ID
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseListCursor reads a cursor made by listCursor for the same sort. Returns bad_request
// for anything else.
func parseListCursor(sort, cursor string) (cursorAfter, error) {
	bad := Errorf(CodeBadRequest, "error.bad_cursor")
	if cursor == "" {
		return cursorAfter{}, nil
	}
	if sort == SortNewest || sort == SortOldest {
		if !ValidID(cursor) {
			return cursorAfter{}, bad
		}
		return cursorAfter{id: cursor}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return cursorAfter{}, bad
	}
	parts := strings.Split(string(raw), ".")
	var c cursorAfter
	switch {
	case sort == SortSupports && len(parts) == 3 && parts[0] == "s":
		if c.n, err = strconv.Atoi(parts[1]); err != nil || c.n < 0 {
			return cursorAfter{}, bad
		}
	case sort == SortDue && len(parts) == 4 && parts[0] == "d":
		if c.n, err = strconv.Atoi(parts[1]); err != nil || c.n < 0 || c.n > 2 {
			return cursorAfter{}, bad
		}
		nanos, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return cursorAfter{}, bad
		}
		c.due = time.Unix(0, nanos).UTC()
	default:
		return cursorAfter{}, bad
	}
	c.id = parts[len(parts)-1]
	if !ValidID(c.id) {
		return cursorAfter{}, bad
	}
	return c, nil
}

// listColumns are what a list item and its cursor need; the description stays on disk.
const listColumns = `proposals.id, proposals.body_id, proposals.author_id, proposals.title, proposals.category,
	proposals.stage, proposals.visibility, proposals.support_count, proposals.comment_count, proposals.closed_reason,
	proposals.created_at, proposals.published_at, proposals.response_due_at, proposals.first_response_at, proposals.erased`

// wideScope tells whether a staff member's scope holds a twentieth or more of all proposals:
// then a page is cheapest read in key order, skipping what is out of scope. For a committee it
// also tells whether no region lay outside its own (whole): a hint only, checked after each read.
func (s *Store) wideScope(ctx context.Context, a *Actor) (wideScope, error) {
	switch a.Role {
	case RoleAdmin:
		return wideScope{wide: true, whole: true}, nil
	case RoleCommittee:
	default:
		return wideScope{}, nil
	}
	if sc, ok := s.wide.get(a.RegionPath, s.Now()); ok {
		return sc, nil
	}
	// The proposals of the committee's regions against all, from the counts kept per region
	// and stage (0013a): a row per region and stage, however many bodies the regions hold.
	var inScope, every int64
	var outside bool
	err := s.queryRow(ctx, nil, []any{&inScope, &every, &outside}, `SELECT (SELECT COALESCE(SUM(n), 0) FROM region_stats WHERE region_id IN
		(SELECT id FROM regions WHERE path LIKE ?)), (SELECT COALESCE(SUM(n), 0) FROM region_stats),
		EXISTS (SELECT 1 FROM regions WHERE path NOT LIKE ?)`, a.RegionPath+"%", a.RegionPath+"%")
	if err != nil {
		return wideScope{}, fmt.Errorf("count proposals in scope: %w", err)
	}
	sc := wideScope{wide: inScope*20 >= every, whole: !outside, at: s.Now()}
	s.wide.put(a.RegionPath, sc)
	return sc, nil
}

// wideScopes keeps wideScope's answer per region for a few seconds. The answer only chooses how
// a page is read (in key order, or through the body index and a sort): both read the same rows,
// so an answer a few seconds old costs at most a slower page, never a wrong one.
type wideScopes struct {
	mu sync.Mutex
	m  map[string]wideScope
}

type wideScope struct {
	wide, whole bool
	at          time.Time
}

// wideScopeFor is how long an answer of wideScope is kept.
const wideScopeFor = 10 * time.Second

func (w *wideScopes) get(path string, now time.Time) (wideScope, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.m[path]
	if !ok || now.Sub(e.at) >= wideScopeFor || now.Before(e.at) {
		return wideScope{}, false
	}
	return e, true
}

func (w *wideScopes) put(path string, sc wideScope) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil || len(w.m) > 10_000 { // regions are few; a bound all the same
		w.m = map[string]wideScope{}
	}
	w.m[path] = sc
}

// listNames keeps the names a list shows of bodies and authors, for the auth epoch they were
// read under: renaming a body and any change to a child (a nickname, a guardian's choice to show
// it) move the epoch by trigger, and the names are read again. Kept values are never changed, so
// rows may point into them.
type listNames struct {
	mu      sync.Mutex
	epoch   int64
	bodies  map[string]*listBody
	authors map[string]*listAuthor
}

type listBody struct{ ID, Name, ModerationMode string }

type listAuthor struct {
	ID                    string
	Nickname              string
	BirthYear, BirthMonth int
	ShowPublicly          bool
}

// listNamesMax bounds the names kept; past it they are read afresh.
const listNamesMax = 200_000

// decorate fills in what list items show of each row's body and author: from the names kept for
// the request's epoch, reading the page's missing bodies and authors by key (a join lets
// SQLite start from the bodies and walk their proposals).
func (s *Store) decorate(ctx context.Context, a *Actor, rows []proposalRow) error {
	if len(rows) == 0 {
		return nil
	}
	n := &s.names
	n.mu.Lock()
	if a.epoch != 0 && (a.epoch > n.epoch || len(n.bodies)+len(n.authors) > listNamesMax) {
		n.epoch, n.bodies, n.authors = a.epoch, map[string]*listBody{}, map[string]*listAuthor{}
	}
	trusted := a.epoch != 0 && a.epoch == n.epoch
	var bodyIDs, authorIDs []string
	for i := range rows {
		r := &rows[i]
		if b, ok := n.bodies[r.BodyID]; ok && trusted {
			r.setBody(b)
		} else if !slices.Contains(bodyIDs, r.BodyID) {
			bodyIDs = append(bodyIDs, r.BodyID)
		}
		if r.AuthorID == nil {
			continue
		}
		if c, ok := n.authors[*r.AuthorID]; ok && trusted {
			r.setAuthor(c)
		} else if !slices.Contains(authorIDs, *r.AuthorID) {
			authorIDs = append(authorIDs, *r.AuthorID)
		}
	}
	n.mu.Unlock()
	if len(bodyIDs)+len(authorIDs) == 0 {
		return nil
	}
	db := s.db.WithContext(ctx)
	var readBodies []*listBody
	if len(bodyIDs) > 0 {
		if err := db.Table("bodies").Select("id, name, moderation_mode").Where("id IN ?", bodyIDs).Scan(&readBodies).Error; err != nil {
			return fmt.Errorf("read list bodies: %w", err)
		}
	}
	var readAuthors []*listAuthor
	if len(authorIDs) > 0 {
		if err := db.Table("children").Select("id, nickname, birth_year, birth_month, show_publicly").
			Where("id IN ?", authorIDs).Scan(&readAuthors).Error; err != nil {
			return fmt.Errorf("read list authors: %w", err)
		}
	}
	n.mu.Lock()
	keep := trusted && n.epoch == a.epoch
	for _, b := range readBodies {
		if keep {
			n.bodies[b.ID] = b
		}
	}
	for _, c := range readAuthors {
		if keep {
			n.authors[c.ID] = c
		}
	}
	n.mu.Unlock()
	for i := range rows {
		r := &rows[i]
		if slices.Contains(bodyIDs, r.BodyID) {
			r.setBody(&listBody{}) // a body deleted since: no name
			for _, b := range readBodies {
				if b.ID == r.BodyID {
					r.setBody(b)
				}
			}
		}
		if r.AuthorID != nil && slices.Contains(authorIDs, *r.AuthorID) {
			for _, c := range readAuthors {
				if c.ID == *r.AuthorID {
					r.setAuthor(c)
				}
			}
		}
	}
	return nil
}

func (r *proposalRow) setBody(b *listBody) {
	r.BodyName, r.BodyModerationMode = b.Name, b.ModerationMode
}

func (r *proposalRow) setAuthor(c *listAuthor) {
	r.AuthorNickname, r.AuthorBirthYear, r.AuthorBirthMonth, r.AuthorShowPublicly = &c.Nickname, &c.BirthYear, &c.BirthMonth, &c.ShowPublicly
}

// childPageColumns are what a child's list item shows, and its marks, in ten columns: the
// driver pays per column of each row. The category, stage, visibility and closed reason are
// words without spaces, read as one text; the erased mark and the child's marks as bits. SQLite
// reads childPagePacked instead.
var childPageColumns = `proposals.id, proposals.body_id, proposals.author_id, proposals.title,
	proposals.category || ' ' || proposals.stage || ' ' || proposals.visibility || ' ' || proposals.closed_reason,
	proposals.support_count, proposals.comment_count, proposals.created_at, proposals.response_due_at,
	` + childPageBits(false)

// childPageBits are the erased mark and the child's marks (see MarkForChild) as bits of one
// number. Each mark is looked up by child first (the *_by_child indexes of migration 0015): the
// twenty lookups of a page then walk the same few index pages, where lookups by proposal first
// land on a different page of a large index each, which in a city of two million votes cost more
// than the rest of the page. SQLite is told the index (INDEXED BY), so that planner statistics
// cannot choose the other one.
func childPageBits(sqlite bool) string {
	from := func(table string) string {
		if sqlite {
			return table + " INDEXED BY " + table + "_by_child"
		}
		return table
	}
	mark := func(table, bit string) string {
		return `
	+ (CASE WHEN EXISTS (SELECT 1 FROM ` + from(table) + ` WHERE ` + table + `.child_id = ? AND ` +
			table + `.proposal_id = proposals.id) THEN ` + bit + ` ELSE 0 END)`
	}
	return `(CASE WHEN proposals.erased THEN 1 ELSE 0 END)` +
		mark("supports", "2") + mark("votes", "4") + mark("evaluations", "8")
}

// childPagePacked is childPageColumns as one text per row, for SQLite (see packedColumns).
var childPagePacked = packedColumns(childPageBits(true))

// pageRows keeps the rows of list pages between requests: ListProposals copies a page's rows
// into its items and drops them, and under load they were a third of a child's page's garbage.
var pageRows = sync.Pool{New: func() any { return new([]proposalRow) }}

// rowsFor returns an empty slice with room for size rows, from pageRows where it can.
func rowsFor(size int) []proposalRow {
	if p := pageRows.Get().(*[]proposalRow); cap(*p) >= size {
		return (*p)[:0]
	}
	return make([]proposalRow, 0, max(size, DefaultPageSize+1))
}

// dropRows returns rows, once nothing refers to them, to pageRows, cleared to their capacity (a
// page cut to its limit still holds the row past it), so that the pool holds no proposal's text.
func dropRows(rows []proposalRow) {
	rows = rows[:cap(rows)]
	clear(rows)
	rows = rows[:0]
	pageRows.Put(&rows)
}

// childPageSelect starts a child's page, by whether its rows are packed (SQLite).
var childPageSelect = map[bool]string{
	true:  "SELECT " + childPagePacked + " FROM proposals WHERE ",
	false: "SELECT " + childPageColumns + " FROM proposals WHERE ",
}

// listPacked is listColumns as one text per row, for SQLite: the lists of staff, of observers
// and of searches (see packedColumns).
var listPacked = packedColumns(`(CASE WHEN proposals.erased THEN 1 ELSE 0 END)`)

// packedColumns reads what a list item shows as one text per row, for SQLite: mattn/go-sqlite3
// makes two or three cgo calls for each column of each row, and parses each DATETIME text with
// time.Parse, which together cost more than SQLite's own work on a page. The fields are
// separated by the unit separator (U+001F); the title, the one free text, comes last, so that
// nothing it holds can shift the others, and is joined by || rather than printf, which would end
// it at a NUL byte. One printf costs SQLite less than a chain of ||, which copies the text at
// each step. bits is the erased mark and any marks, as one number. published_at is not read: no
// list item shows it (on PostgreSQL listColumns reads it, unused). See readPackedRow.
func packedColumns(bits string) string {
	return "printf('" + strings.Repeat("%s\x1f", 7) + "%d\x1f%d\x1f" + strings.Repeat("%s\x1f", 3) + "%d\x1f" + `',
	proposals.id, proposals.body_id, proposals.author_id, proposals.category, proposals.stage,
	proposals.visibility, proposals.closed_reason, proposals.support_count, proposals.comment_count,
	proposals.created_at, proposals.response_due_at, proposals.first_response_at, ` + bits + `) || proposals.title`
}

// scanBuilt reads the one row of a statement built by GORM into dest: on SQLite through a
// prepared statement (see packedPage), elsewhere as GORM runs it (pgx prepares it already).
func (s *Store) scanBuilt(ctx context.Context, q *gorm.DB, dest ...any) error {
	if s.dialect != DialectSQLite {
		return q.Row().Scan(dest...)
	}
	built := q.Session(&gorm.Session{DryRun: true, Logger: logger.Discard}).Find(&[]int64{})
	if built.Error != nil {
		return built.Error
	}
	return scanOne(s.queryBuilt(ctx, built.Statement.SQL.String(), built.Statement.Vars...))(dest...)
}

// packedPage runs a list page built by GORM (on SQLite) through a prepared statement, reading
// each row as listPacked: the same rows as q.Find, without GORM's reflection per column. size
// is the rows to make room for: the page's limit and one more, which tells a next page.
func (s *Store) packedPage(ctx context.Context, q *gorm.DB, size int) ([]proposalRow, error) {
	// Built only: nothing runs, so nothing is logged; the statement runs (and is traced) below.
	built := q.Select(listPacked).Session(&gorm.Session{DryRun: true, Logger: logger.Discard}).Find(&[]proposalRow{})
	if built.Error != nil {
		return nil, built.Error
	}
	rs, err := s.queryBuilt(ctx, built.Statement.SQL.String(), built.Statement.Vars...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	rows := rowsFor(size)
	for rs.Next() {
		var text string
		if err := rs.Scan(&text); err != nil {
			return nil, err
		}
		rows = append(rows, proposalRow{}) // read in place, as childPage does
		r := &rows[len(rows)-1]
		bits, err := readPackedRow(text, r)
		if err != nil {
			return nil, err
		}
		r.Erased = bits&1 != 0
	}
	return rows, rs.Err()
}

// childPage reads a page of a child's list, newest first, when the child observes no region and
// searches no text: the same rows as scopeProposals and build select, in the order of
// proposals_body (one body is compared by equality, so that SQLite reads it in index order).
func (s *Store) childPage(ctx context.Context, a *Actor, f ProposalFilter, afterID string, limit int) ([]proposalRow, error) {
	packed := s.dialect == DialectSQLite
	var q strings.Builder
	q.Grow(len(childPageSelect[packed]) + 200 + 2*len(a.BodyIDs))
	args := make([]any, 0, len(a.BodyIDs)+8)
	// The child's marks come with the rows; mine is the author's ID.
	q.WriteString(childPageSelect[packed])
	args = append(args, a.ID, a.ID, a.ID)
	if len(a.BodyIDs) == 1 {
		q.WriteString("proposals.body_id = ?")
		args = append(args, a.BodyIDs[0])
	} else {
		ids := nonEmpty(a.BodyIDs)
		q.WriteString("proposals.body_id IN (" + placeholders(len(ids)) + ")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	q.WriteString(" AND (proposals.visibility = ? OR proposals.author_id = ?)")
	args = append(args, VisibilityPublished, a.ID)
	for _, c := range []struct {
		on          bool
		cond, value string
	}{
		{f.BodyID != "", "proposals.body_id = ?", f.BodyID},
		{f.Stage != "", "proposals.stage = ?", f.Stage},
		{f.Category != "", "proposals.category = ?", f.Category},
		{f.Mine, "proposals.author_id = ?", a.ID},
		{afterID != "", "proposals.id < ?", afterID},
	} {
		if c.on {
			q.WriteString(" AND " + c.cond)
			args = append(args, c.value)
		}
	}
	q.WriteString(" ORDER BY proposals.id DESC LIMIT ?")
	args = append(args, limit)
	rs, err := s.query(ctx, nil, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	defer rs.Close()
	rows := rowsFor(limit)
	for rs.Next() {
		rows = append(rows, proposalRow{}) // read in place: a row of its own would escape to the heap
		r := &rows[len(rows)-1]
		var bits int
		if packed {
			var text string
			if err := rs.Scan(&text); err != nil {
				return nil, fmt.Errorf("list proposals: %w", err)
			}
			if bits, err = readPackedRow(text, r); err != nil {
				return nil, fmt.Errorf("list proposals: %w", err)
			}
		} else {
			var words string
			if err := rs.Scan(&r.ID, &r.BodyID, &r.AuthorID, &r.Title, &words, &r.SupportCount, &r.CommentCount,
				&r.CreatedAt, &r.ResponseDueAt, &bits); err != nil {
				return nil, fmt.Errorf("list proposals: %w", err)
			}
			r.Category, words, _ = strings.Cut(words, " ")
			r.Stage, words, _ = strings.Cut(words, " ")
			r.Visibility, r.ClosedReason, _ = strings.Cut(words, " ")
		}
		r.Erased = bits&1 != 0
		r.marks = &ItemMarks{Mine: r.AuthorID != nil && *r.AuthorID == a.ID,
			Supported: bits&2 != 0, Voted: bits&4 != 0, Evaluated: bits&8 != 0}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	return rows, nil
}

// readPackedRow reads a row of packedColumns into r and returns its bits.
func readPackedRow(text string, r *proposalRow) (bits int, err error) {
	var f [13]string
	for i := range f {
		var ok bool
		if f[i], text, ok = strings.Cut(text, "\x1f"); !ok {
			return 0, fmt.Errorf("packed row: %d fields, want 14", i+1)
		}
	}
	r.ID, r.BodyID, r.Title = f[0], f[1], text
	if author := f[2]; author != "" {
		r.AuthorID = &author
	}
	r.Category, r.Stage, r.Visibility, r.ClosedReason = f[3], f[4], f[5], f[6]
	if r.SupportCount, err = strconv.Atoi(f[7]); err != nil {
		return 0, fmt.Errorf("packed row: support count: %w", err)
	}
	if r.CommentCount, err = strconv.Atoi(f[8]); err != nil {
		return 0, fmt.Errorf("packed row: comment count: %w", err)
	}
	r.CreatedAt = sqliteTime(f[9])
	if f[10] != "" {
		due := sqliteTime(f[10])
		r.ResponseDueAt = &due
	}
	if f[11] != "" {
		answered := sqliteTime(f[11])
		r.FirstResponseAt = &answered
	}
	if bits, err = strconv.Atoi(f[12]); err != nil {
		return 0, fmt.Errorf("packed row: bits: %w", err)
	}
	return bits, nil
}
