package models

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
)

// driverTime is how mattn/go-sqlite3 reads the text of a DATETIME column.
func driverTime(s string) time.Time {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// A child's page reads its times as text (childPagePacked); they must be the times the driver
// reads from the same columns, to the nanosecond and in the same zone, or the list would show
// other times than a proposal's own page.
func TestSQLiteTimeReadsWhatTheDriverReads(t *testing.T) {
	cases := []string{
		"2026-05-14 01:34:33.117317673+00:00", "2026-05-14 01:34:33+00:00", "2026-05-14 01:34:33.1+00:00",
		"2026-05-14 01:34:33.000000000+00:00", "2024-02-29 23:59:59.999999999+00:00",
		"2026-05-14 09:34:33.117+08:00", "2026-05-14T01:34:33Z", "2026-05-14 01:34:33", "2026-05-14",
		"2026-04-31 01:34:33+00:00", "2026-13-01 01:34:33+00:00", "2026-05-14 01:34:33.+00:00",
		"2026-05-14 01:34:33.1234567890+00:00", "2026-05-14 24:00:00+00:00", "not a time", "",
		"2026-05-14 01:34:3x+00:00", "2026-05-14 01:34:33.12a+00:00",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		at := time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
		if r.IntN(4) == 0 {
			at = at.Truncate(time.Second)
		}
		cases = append(cases, at.Format(sqlite3.SQLiteTimestampFormats[0]))
	}
	for _, c := range cases {
		got, want := sqliteTime(c), driverTime(c)
		if !got.Equal(want) || got.Location().String() != want.Location().String() || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
			t.Errorf("sqliteTime(%q) = %v, the driver reads %v", c, got, want)
		}
	}
	if got := sqliteTime("1700000000"); !got.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("a Unix time in seconds: %v", got)
	}
	if got := sqliteTime("1700000000123"); !got.Equal(time.UnixMilli(1700000000123)) {
		t.Errorf("a Unix time in milliseconds: %v", got)
	}
}

// The packed row splits into the fields a list item shows; a title holding the separator stays whole.
func TestReadPackedRow(t *testing.T) {
	var r proposalRow
	bits, err := readPackedRow("p1\x1fb1\x1f\x1fidea\x1fneeds\x1fpublished\x1f\x1f3\x1f0\x1f2026-05-14 01:34:33.5+00:00\x1f\x1f2026-05-15 00:00:00+00:00\x1f6\x1fa\x1ftitle", &r)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "p1" || r.BodyID != "b1" || r.AuthorID != nil || r.Category != "idea" || r.Stage != "needs" ||
		r.Visibility != "published" || r.ClosedReason != "" || r.SupportCount != 3 || r.CommentCount != 0 ||
		r.ResponseDueAt != nil || bits != 6 || r.Title != "a\x1ftitle" || r.CreatedAt.Nanosecond() != 5e8 ||
		r.FirstResponseAt == nil || r.FirstResponseAt.Day() != 15 {
		t.Errorf("read %+v, bits %d", r, bits)
	}
	if _, err := readPackedRow("p1\x1fb1", &r); err == nil {
		t.Error("a short row was read without an error")
	}
}

// A child's page read packed (SQLite) holds the same rows as the same page read column by
// column, whatever a title holds and however a time was stored.
func TestPackedChildPageReadsWhatColumnsRead(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	child, p := evaluatedProposal(t, s)
	author := child.ID
	titles := []string{"a\x1fb\x1f\x1fc", "nul\x00inside", "%s%d%%", "第一行\n第二行", "😀 <&> \"q\"", ""}
	times := []string{"2026-05-14 09:34:33.117+08:00", "1700000000", "1700000000123", "2026-05-14T01:34:33Z", "2026-05-14"}
	for i, title := range titles {
		at := times[i%len(times)]
		id := NewID(s.Now().Add(time.Duration(i+1) * time.Second))
		var due any
		if i%2 == 0 {
			due = times[(i+1)%len(times)]
		}
		if err := s.db.Exec(`INSERT INTO proposals (id, body_id, author_id, title, category, stage, visibility, support_count,
			comment_count, closed_reason, created_at, response_due_at, first_response_at, updated_at)
			VALUES (?, ?, ?, ?, 'park', 'needs', 'published', ?, ?, ?, ?, ?, ?, ?)`, // answered: no deadline is kept waiting (region_awaiting)
			id, child.BodyIDs[0], author, title, i*7, -i, []string{"", "merged"}[i%2], at, due, "2026-05-15 00:00:00+00:00", at).Error; err != nil {
			t.Fatal(err)
		}
	}
	_ = p
	packed, err := s.childPage(ctx, child, ProposalFilter{}, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	s.dialect = "columns" // any dialect but SQLite reads column by column
	columns, err := s.childPage(ctx, child, ProposalFilter{}, "", 50)
	s.dialect = DialectSQLite
	if err != nil {
		t.Fatal(err)
	}
	if len(packed) != len(titles)+1 || len(columns) != len(packed) {
		t.Fatalf("%d rows packed, %d by column, want %d", len(packed), len(columns), len(titles)+1)
	}
	for i := range packed {
		a, b := packed[i], columns[i]
		if a.Title != b.Title || a.ID != b.ID || !a.CreatedAt.Equal(b.CreatedAt) || a.CreatedAt.Location().String() != b.CreatedAt.Location().String() ||
			(a.ResponseDueAt == nil) != (b.ResponseDueAt == nil) || a.ResponseDueAt != nil && !a.ResponseDueAt.Equal(*b.ResponseDueAt) ||
			a.SupportCount != b.SupportCount || a.CommentCount != b.CommentCount || a.ClosedReason != b.ClosedReason ||
			*a.marks != *b.marks || (a.AuthorID == nil) != (b.AuthorID == nil) || a.Stage != b.Stage || a.Visibility != b.Visibility {
			t.Errorf("row %d packed %+v\nby column %+v", i, a, b)
		}
	}
}

// The public notice reads a page's decisions packed on SQLite (decisionsOf): the same decisions
// as read column by column, whatever their three free texts hold, and a missing one is absent.
func TestPackedDecisionsReadWhatColumnsRead(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	child, _ := evaluatedProposal(t, s)
	texts := []string{"a\x1fb\x1f\x1fc", "nul\x00inside", "%s%d%%", "第一行\n第二行", "😀 <&> \"q\"", "", "12\x1f34"}
	times := []string{"2026-05-14 09:34:33.117+08:00", "1700000000", "2026-05-14T01:34:33Z", "2026-05-14 01:34:33+00:00"}
	var ids []string
	for i := range texts {
		id := NewID(s.Now().Add(time.Duration(i+1) * time.Second))
		ids = append(ids, id)
		if err := s.db.Exec(`INSERT INTO proposals (id, body_id, author_id, title, category, stage, visibility, support_count,
			comment_count, closed_reason, created_at, updated_at) VALUES (?, ?, ?, 'title', 'park', 'decision', 'published', 0, 0, '', ?, ?)`,
			id, child.BodyIDs[0], child.ID, s.Now(), s.Now()).Error; err != nil {
			t.Fatal(err)
		}
		if i == len(texts)-1 {
			break // a proposal without a decision
		}
		if err := s.db.Exec(`INSERT INTO decisions (proposal_id, outcome, child_summary, responsible_unit, planned_completion,
			notice_days, decided_at, notice_until) VALUES (?, 'adopted', ?, ?, ?, 7, ?, '2026-06-01')`,
			id, texts[i], texts[(i+1)%len(texts)], texts[(i+2)%len(texts)], times[i%len(times)]).Error; err != nil {
			t.Fatal(err)
		}
	}
	packed, err := s.decisionsOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	s.dialect = "columns" // any dialect but SQLite reads column by column
	columns, err := s.decisionsOf(ctx, ids)
	s.dialect = DialectSQLite
	if err != nil {
		t.Fatal(err)
	}
	if len(packed) != len(texts)-1 || len(columns) != len(packed) || packed[ids[len(ids)-1]] != nil {
		t.Fatalf("%d decisions packed, %d by column, want %d", len(packed), len(columns), len(texts)-1)
	}
	for id, a := range packed {
		b := columns[id]
		if b == nil || a.ProposalID != b.ProposalID || a.Outcome != b.Outcome || a.ChildSummary != b.ChildSummary ||
			a.ResponsibleUnit != b.ResponsibleUnit || a.PlannedCompletion != b.PlannedCompletion || a.NoticeUntil != b.NoticeUntil ||
			!a.DecidedAt.Equal(b.DecidedAt) || a.DecidedAt.Location().String() != b.DecidedAt.Location().String() {
			t.Errorf("decision of %s packed %+v\nby column %+v", id, a, b)
		}
	}
	if err := readPackedDecision("p\x1fadopted\x1f2026-05-14\x1f2026-06-01\x1f9\x1f0\x1fshort", new(DecisionBrief)); err == nil {
		t.Error("a length past the text read")
	}
}

// The lists of staff, observers and searches read packed on SQLite (packedPage) hold the same
// items as the same lists read by GORM column by column: for each role, filter and order, page
// after page, whatever a title holds.
func TestPackedListsReadWhatColumnsRead(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	if _, err := s.GenerateCity(ctx, CitySize{Districts: 2, Bodies: 3, ChildrenPerBody: 5, Proposals: 90, Votes: 40, Supports: 40}, nil); err != nil {
		t.Fatal(err)
	}
	titles := []string{"a\x1fb\x1f\x1fc", "nul\x00inside", "%s%d%%", "第一行\n第二行", "😀 <&> \"q\"", ""}
	for i, title := range titles {
		if err := s.db.Exec(`UPDATE proposals SET title = ?, erased = ? WHERE id = (SELECT id FROM proposals ORDER BY id LIMIT 1 OFFSET ?)`,
			title, i%2 == 0, i*7).Error; err != nil {
			t.Fatal(err)
		}
	}
	actors := map[string]*Actor{"facilitator": syntheticStaff(t, s, SyntheticFacilitator(1)),
		"committee": syntheticStaff(t, s, SyntheticCommittee), "searching child": syntheticChild(t, s)}
	filters := []ProposalFilter{{}, {Stage: StageDesign}, {Sort: SortOldest}, {Sort: SortDue}, {Sort: SortSupports},
		{Overdue: true}, {Query: "a"}, {Category: "park"}}
	item := func(it ProposalItem) string {
		at := func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.Format(time.RFC3339Nano) + " " + t.Location().String()
		}
		author := "-"
		if it.Author != nil && it.Author.Age != nil {
			author = fmt.Sprintf("%s %d", it.Author.Nickname, *it.Author.Age)
		}
		return fmt.Sprintf("%s %q %s %s %s %s %d %d %s %s %s %v %s", it.ID, it.Title, it.Category, it.Stage, it.Visibility,
			it.Body.Name, it.SupportCount, it.CommentCount, at(&it.CreatedAt), at(it.ResponseDueAt), at(it.FirstResponseAt),
			it.Erased, author)
	}
	read := func(a *Actor, f ProposalFilter) (items []string, err error) {
		cursor := ""
		for {
			list, err := s.ListProposals(ctx, a, f, Page{Limit: 7, Cursor: cursor})
			if err != nil {
				return nil, err
			}
			for _, it := range list.Items {
				items = append(items, item(it))
			}
			if cursor = list.Next; cursor == "" {
				return items, nil
			}
		}
	}
	// The public notice: the same items, names shown as each guardian chose, whichever way read.
	if err := s.db.Exec(`UPDATE children SET show_publicly = (rowid % 2 = 0)`).Error; err != nil {
		t.Fatal(err)
	}
	var region, body string
	if err := s.db.Raw(`SELECT bodies.region_id, bodies.id FROM bodies ORDER BY id LIMIT 1`).Row().Scan(&region, &body); err != nil {
		t.Fatal(err)
	}
	for _, f := range []PublicFilter{{}, {Stage: StageDesign}, {Section: SectionNotice}, {Section: SectionResults},
		{Section: SectionProgress}, {RegionID: region}, {BodyID: body}} {
		readPublic := func() (items []string) {
			cursor := ""
			for {
				page, next, err := s.PublicProposals(ctx, f, Page{Limit: 7, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range page {
					items = append(items, item(it.ProposalItem)+" | "+fmt.Sprint(it.Decision != nil, it.NoticeDaysLeft != nil))
				}
				if cursor = next; cursor == "" {
					return items
				}
			}
		}
		packed := readPublic()
		s.dialect = "columns"
		columns := readPublic()
		s.dialect = DialectSQLite
		if !slices.Equal(packed, columns) {
			t.Errorf("public %+v: packed\n%s\nby column\n%s", f, strings.Join(packed, "\n"), strings.Join(columns, "\n"))
		}
		if f == (PublicFilter{}) && (len(packed) < 20 || !strings.Contains(strings.Join(packed, ""), " - |") || !strings.Contains(strings.Join(packed, ""), "同学")) {
			t.Errorf("public: %d items, and some must hide their author", len(packed))
		}
	}
	for name, a := range actors {
		for _, f := range filters {
			if !a.IsStaff() && (f.Sort != "" || f.Overdue) {
				continue
			}
			if !a.IsStaff() && f.Query == "" {
				f.Query = "的" // a child's list reaches the packed page through a search
			}
			packed, err := read(a, f)
			if err != nil {
				t.Fatal(err)
			}
			s.dialect = "columns" // any dialect but SQLite reads column by column
			columns, err := read(a, f)
			s.dialect = DialectSQLite
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(packed, columns) {
				t.Errorf("%s, %+v: packed\n%s\nby column\n%s", name, f, strings.Join(packed, "\n"), strings.Join(columns, "\n"))
			}
			if f.Query == "" && f.Stage == "" && f.Category == "" && !f.Overdue && len(packed) < 20 {
				t.Errorf("%s, %+v: %d items; the test needs a few pages", name, f, len(packed))
			}
		}
	}
}

// The lists built by GORM keep their prepared statements apart from the hot paths': however many
// filters and orders staff try, a child's page and a vote keep theirs.
func TestBuiltListsKeepTheirStatementsApart(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	if _, err := s.GenerateCity(ctx, CitySize{Districts: 1, Bodies: 2, ChildrenPerBody: 3, Proposals: 30}, nil); err != nil {
		t.Fatal(err)
	}
	child, fac := syntheticChild(t, s), syntheticStaff(t, s, SyntheticFacilitator(0))
	if _, err := s.ListProposals(ctx, child, ProposalFilter{}, Page{Limit: 20}); err != nil {
		t.Fatal(err)
	}
	s.hot.mu.Lock()
	hot := len(s.hot.m)
	s.hot.mu.Unlock()
	for _, stage := range append([]string{""}, Stages...) {
		for _, sort := range ProposalSorts {
			for _, overdue := range []bool{false, true} {
				for _, q := range []string{"", "公园"} {
					if _, err := s.ListProposals(ctx, fac, ProposalFilter{Stage: stage, Sort: sort, Overdue: overdue, Query: q}, Page{Limit: 5}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	s.hot.mu.Lock()
	after := len(s.hot.m)
	s.hot.mu.Unlock()
	s.built.mu.Lock()
	built := len(s.built.m)
	s.built.mu.Unlock()
	if after != hot || built < 20 {
		t.Errorf("hot statements %d -> %d, built lists kept %d: the lists must keep theirs apart", hot, after, built)
	}
}

// A committee whose region held every region reads its list without the region condition and
// checks after: a city added beside it since, while that answer is still kept, stays out of its
// page and its count; a district added under it comes in.
func TestWholeCityCommitteeSeesNoCityBesideIt(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	_, first := evaluatedProposal(t, s)
	var city Region
	if err := s.db.Where("parent_id IS NULL").First(&city).Error; err != nil {
		t.Fatal(err)
	}
	committee := &Actor{ID: "committee", Role: RoleCommittee, RegionID: city.ID, RegionPath: city.Path}
	list := func(want ...string) {
		t.Helper()
		l, err := s.ListProposals(ctx, committee, ProposalFilter{}, Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range l.Items {
			got = append(got, it.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if total := l.Total; !slices.Equal(got, want) || total == nil || *total != int64(len(want)) {
			t.Errorf("the committee's list holds %v (total %d), want %v", got, *cmp.Or(total, new(int64)), want)
		}
	}
	list(first.ID)
	if sc, ok := s.wide.get(city.Path, s.Now()); !ok || !sc.whole {
		t.Fatalf("a committee of the one city: kept %+v, %v", sc, ok)
	}
	proposalInNewRegion(t, s, "", "另一个市") // beside the committee's city, while its answer is kept
	list(first.ID)
	if sc, ok := s.wide.get(city.Path, s.Now()); !ok || sc.whole {
		t.Errorf("after a city beside it: kept %+v, %v, want not whole", sc, ok)
	}
	_, district := proposalInNewRegion(t, s, city.ID, "城东区") // under it
	list(first.ID, district.ID)
}

// wideScope's answers are kept for a few seconds, and not across a clock that steps back.
func TestWideScopesExpire(t *testing.T) {
	var w wideScopes
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if _, ok := w.get("/a/", now); ok {
		t.Fatal("an answer before any was kept")
	}
	w.put("/a/", wideScope{wide: true, at: now})
	if sc, ok := w.get("/a/", now.Add(wideScopeFor-time.Millisecond)); !ok || !sc.wide || sc.whole {
		t.Errorf("kept answer: %+v %v", sc, ok)
	}
	for _, at := range []time.Time{now.Add(wideScopeFor), now.Add(-time.Second)} {
		if _, ok := w.get("/a/", at); ok {
			t.Errorf("an answer given at %v was still kept at %v", now, at)
		}
	}
	if _, ok := w.get("/b/", now); ok {
		t.Error("one region's answer served another")
	}
}
