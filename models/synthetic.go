package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CitySize says how large a generated city is.
type CitySize struct {
	Districts       int // regions under the city
	Bodies          int // councils, spread over the districts
	ChildrenPerBody int
	Proposals       int // spread over the bodies, in every stage
	Votes           int // distinct (proposal, child) pairs of the proposal's body, on proposals past needs
	Comments        int
	Supports        int
}

// CityPreset is a prefecture city: 100,000 children in 2,000 bodies, 50,000 proposals,
// 2,000,000 votes and 500,000 comments.
var CityPreset = CitySize{Districts: 20, Bodies: 2000, ChildrenPerBody: 50, Proposals: 50000,
	Votes: 2000000, Comments: 500000, Supports: 250000}

// Sign-ins of a generated city. Every child has the same PIN and every staff account the same
// password: the data is made for load tests, never for people.
const (
	SyntheticPIN           = "2580"
	SyntheticStaffPassword = "synthetic-city-2026"
	SyntheticCommittee     = "city-committee"
)

// SyntheticJoinCode is the join code of the generated city's body number i (from 0).
func SyntheticJoinCode(i int) string {
	b := []byte("Y00000")
	for p := 5; p >= 1; p-- {
		b[p] = joinCodeAlphabet[i%len(joinCodeAlphabet)]
		i /= len(joinCodeAlphabet)
	}
	return string(b)
}

// SyntheticLoginName is the login name of child number k (from 0) of a generated body.
func SyntheticLoginName(k int) string { return "c" + strconv.Itoa(k) }

// SyntheticFacilitator is the username of the facilitator of generated body number i.
func SyntheticFacilitator(i int) string { return "facilitator-" + strconv.Itoa(i) }

// CityReport counts what GenerateCity wrote.
type CityReport struct {
	Regions, Bodies, Children, Staff, Proposals, Options, Votes, Comments, Supports, Evaluations, Decisions int
	ByStage                                                                                                 map[string]int
	Took                                                                                                    time.Duration
}

// syntheticStage is the stage of a body's j-th proposal, by (body + j) mod 20: 20% needs, 35% design, 15% decision,
// 15% evaluation, 15% closed.
func syntheticStage(i int) string {
	switch r := (i * 7) % 20; {
	case r < 4:
		return StageNeeds
	case r < 11:
		return StageDesign
	case r < 14:
		return StageDecision
	case r < 17:
		return StageEvaluation
	default:
		return StageClosed
	}
}

// idGen makes IDs for generated rows: the creation time, then a sequence number, then random
// bits, so they sort by time as NewID's do, and never touch NewID's state.
type idGen struct{ seq uint32 }

func (g *idGen) at(t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	g.seq++
	binary.BigEndian.PutUint32(b[6:10], g.seq)
	_, _ = rand.Read(b[10:])
	return encodeID(b)
}

// GenerateCity writes a city of the given size into an empty database in large transactions of
// multi-row inserts, for load tests: regions, bodies with a facilitator each, a committee for
// the city, children with active consent and assent, and proposals in every stage with their
// timelines, options, votes, supports, comments, decisions and evaluations. Every stored count
// equals the rows it counts. Sign-ins: SyntheticJoinCode, SyntheticLoginName and SyntheticPIN
// for children; SyntheticCommittee and SyntheticFacilitator with SyntheticStaffPassword for
// staff. Progress lines go to progress (may be nil). Returns an error on a non-empty database.
func (s *Store) GenerateCity(ctx context.Context, size CitySize, progress io.Writer) (*CityReport, error) {
	started := time.Now()
	if size.Bodies < 1 || size.ChildrenPerBody < 2 || size.Districts < 1 || size.Proposals < 0 ||
		size.Votes < 0 || size.Comments < 0 || size.Supports < 0 {
		return nil, errors.New("generate city: needs at least one district, one body and two children per body")
	}
	empty, err := s.IsEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, errors.New("generate city: the database already has data; a city goes into an empty one only")
	}
	if progress == nil {
		progress = io.Discard
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	g := &city{s: s, db: sqlDB, ctx: ctx, size: size, rep: &CityReport{ByStage: map[string]int{}}, ids: &idGen{},
		now: s.Now(), out: progress}
	g.base = g.now.Add(-200 * 24 * time.Hour)
	// One hash for every child and one for every staff member: argon2 for 100,000 PINs would
	// take an hour, and a sign-in still pays the full cost of checking one.
	g.pinHash, g.passwordHash = s.hasher.hash(SyntheticPIN), s.hasher.hash(SyntheticStaffPassword)
	for _, step := range []func() error{g.people, g.proposals} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("generate city: %w", err)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		return nil, fmt.Errorf("generate city: %w", err)
	}
	if s.dialect == DialectPostgres {
		// Autovacuum gathers statistics some time after a bulk load, and clears the versions
		// the load left of each kept count (a region's row is updated for every proposal, an
		// option's for every vote); until then every plan is a guess and every count is read
		// through thousands of dead rows. Done at once instead, on this schema's tables.
		if err := s.vacuum(ctx); err != nil {
			return nil, fmt.Errorf("generate city: %w", err)
		}
	}
	g.rep.Took = time.Since(started)
	return g.rep, nil
}

type city struct {
	s                     *Store
	db                    *sql.DB
	ctx                   context.Context
	size                  CitySize
	rep                   *CityReport
	ids                   *idGen
	now, base             time.Time
	out                   io.Writer
	pinHash, passwordHash string
	cityID                string
	bodyIDs               []string
	children              [][]string // by body
}

// people writes the regions, bodies, staff, children, memberships and consents.
func (g *city) people() error {
	return g.batch(func(ins *inserter) error {
		at := g.base
		g.cityID = g.ids.at(at)
		regions := ins.table("regions", "id", "name", "kind", "parent_id", "path", "created_at")
		if err := regions.add(g.cityID, "常州市", "city", nil, "/"+g.cityID+"/", at); err != nil {
			return err
		}
		districts := make([]string, g.size.Districts)
		paths := make([]string, g.size.Districts)
		for d := range districts {
			districts[d] = g.ids.at(at)
			paths[d] = "/" + g.cityID + "/" + districts[d] + "/"
			if err := regions.add(districts[d], fmt.Sprintf("第%d区", d+1), "district", g.cityID, paths[d], at); err != nil {
				return err
			}
		}
		g.rep.Regions = 1 + len(districts)
		bodies := ins.table("bodies", "id", "name", "kind", "region_id", "venue", "term_label", "term_ends_on",
			"response_days", "moderation_mode", "join_code", "created_at")
		staff := ins.table("staff", "id", "username", "password_hash", "role", "region_id", "locale", "created_at")
		staffBodies := ins.table("staff_bodies", "staff_id", "body_id")
		children := ins.table("children", "id", "nickname", "login_name", "pin_hash", "birth_year", "birth_month",
			"real_name", "consent_status", "assent", "locale", "created_at", "show_publicly")
		members := ins.table("memberships", "id", "body_id", "child_id", "login_name", "created_at")
		consents := ins.table("consents", "id", "child_id", "status", "method", "notice_version", "show_publicly",
			"photos", "reference", "recorded_by", "decided_at", "created_at")
		if err := staff.add(g.ids.at(at), SyntheticCommittee, g.passwordHash, string(RoleCommittee), g.cityID, "", at); err != nil {
			return err
		}
		g.rep.Staff = 1
		for b := range g.size.Bodies {
			id := g.ids.at(at)
			g.bodyIDs = append(g.bodyIDs, id)
			if err := bodies.add(id, fmt.Sprintf("第%d区儿童议事会%d组", b%len(districts)+1, b+1), BodyCouncil, districts[b%len(districts)],
				"", "", "", DefaultResponseDays, ModerationPost, SyntheticJoinCode(b), at); err != nil {
				return err
			}
			sid := g.ids.at(at)
			if err := staff.add(sid, SyntheticFacilitator(b), g.passwordHash, string(RoleFacilitator), nil, "", at); err != nil {
				return err
			}
			if err := staffBodies.add(sid, id); err != nil {
				return err
			}
			g.rep.Staff++
			kids := make([]string, g.size.ChildrenPerBody)
			for k := range kids {
				kids[k] = g.ids.at(at)
				public := k%2 == 0
				if err := children.add(kids[k], fmt.Sprintf("同学%d", k+1), SyntheticLoginName(k), g.pinHash, 2012+k%6, 1+k%12,
					"", ConsentActive, AssentGiven, "", at, public); err != nil {
					return err
				}
				if err := members.add(g.ids.at(at), id, kids[k], SyntheticLoginName(k), at); err != nil {
					return err
				}
				if err := consents.add(g.ids.at(at), kids[k], ConsentActive, "paper", g.s.notice, public, false, "SYN", "system", at, at); err != nil {
					return err
				}
			}
			g.children = append(g.children, kids)
		}
		g.rep.Bodies, g.rep.Children = g.size.Bodies, g.size.Bodies*g.size.ChildrenPerBody
		fmt.Fprintf(g.out, "people: %d bodies, %d children, %d staff\n", g.rep.Bodies, g.rep.Children, g.rep.Staff)
		return nil
	})
}

var (
	cityPlaces     = []string{"清和公园", "东运河沙滩公园", "儿童之家", "市图书馆", "爱心斑马线", "盐盆山山体公园", "青少年宫", "社区广场"}
	cityWishes     = []string{"加遮阳的座位", "修好坏掉的滑梯", "多开一小时", "增加饮水机", "放学时有人护学", "加一个阅读角", "装更亮的路灯"}
	cityCategories = []string{"park", "park", "childrens_home", "library", "school_route", "park", "other", "safety"}
	cityComments   = []string{"我也觉得应该这样", "夏天太晒了，需要遮阳", "周末人很多", "可以问问低年级的同学", "希望早点做好", "我投第二个方案"}
)

// proposals writes the proposals and everything that hangs on them, a slice of bodies per
// transaction so that no transaction grows without bound.
func (g *city) proposals() error {
	span := 180 * 24 * time.Hour
	perBody := func(n int) []int { // n spread over the bodies, the first ones taking the remainder
		out := make([]int, g.size.Bodies)
		for b := range out {
			out[b] = n / g.size.Bodies
			if b < n%g.size.Bodies {
				out[b]++
			}
		}
		return out
	}
	votesOf, commentsOf, supportsOf := perBody(g.size.Votes), perBody(g.size.Comments), perBody(g.size.Supports)
	// Proposal i belongs to body i mod Bodies and is created at a time that grows with i, so that
	// IDs, creation times and "newest first" agree.
	carry := 0
	const chunk = 100 // bodies per transaction
	for first := 0; first < g.size.Bodies; first += chunk {
		last := min(first+chunk, g.size.Bodies)
		err := g.batch(func(ins *inserter) error {
			props := ins.table("proposals", "id", "body_id", "author_id", "title", "description", "category", "stage",
				"visibility", "support_count", "comment_count", "closed_reason", "summary", "created_at", "published_at",
				"response_due_at", "first_response_at", "response_days", "updated_at")
			events := ins.table("proposal_events", "id", "proposal_id", "from_stage", "to_stage", "actor_role", "actor_id", "note", "at")
			options := ins.table("options", "id", "proposal_id", "title", "description", "image_url", "vote_count", "created_at")
			votes := ins.table("votes", "id", "proposal_id", "option_id", "child_id", "created_at", "updated_at")
			supports := ins.table("supports", "id", "proposal_id", "child_id", "created_at")
			comments := ins.table("comments", "id", "proposal_id", "author_id", "author_role", "body", "visibility", "created_at")
			decisions := ins.table("decisions", "proposal_id", "outcome", "child_summary", "details", "responsible_unit",
				"planned_completion", "notice_days", "decided_at", "notice_until")
			evals := ins.table("evaluations", "id", "proposal_id", "child_id", "safety", "fun", "access", "looks", "comment", "visibility", "created_at")
			for b := first; b < last; b++ {
				kids := g.children[b]
				var mine []int // proposal numbers of this body
				for i := b; i < g.size.Proposals; i += g.size.Bodies {
					mine = append(mine, i)
				}
				type opts struct {
					pid     string
					ids     [3]string
					created time.Time
				}
				var voteable []*opts
				pids := make([]string, len(mine))
				created := make([]time.Time, len(mine))
				for j, i := range mine {
					created[j] = g.base.Add(time.Duration(int64(span) * int64(i) / int64(max(g.size.Proposals, 1))))
					pids[j] = g.ids.at(created[j])
					if syntheticStage(b+j) != StageNeeds {
						voteable = append(voteable, &opts{pid: pids[j], created: created[j]})
					}
				}
				// Votes: distinct (proposal, child) pairs, child by child, as many as the body holds.
				type pair struct{ o, k, opt int }
				var pairs []pair
				want := votesOf[b] + carry // a body with fewer pairs than its share passes the rest on
				for k := 0; k < len(kids) && len(pairs) < want; k++ {
					for o := 0; o < len(voteable) && len(pairs) < want; o++ {
						pairs = append(pairs, pair{o, k, (o + k) % 3}) // options count them by trigger (0014)
					}
				}
				carry = want - len(pairs)
				nSupports := spread(supportsOf[b], len(mine))
				nComments := spread(commentsOf[b], len(mine))
				vi := 0
				for j, i := range mine {
					stage := syntheticStage(b + j)
					at := created[j]
					author := kids[i%len(kids)]
					place, wish := cityPlaces[i%len(cityPlaces)], cityWishes[(i/len(cityPlaces))%len(cityWishes)]
					due := at.Add(DefaultResponseDays * 24 * time.Hour)
					var firstResponse, responseDays any
					if stage != StageNeeds || i%3 == 0 {
						answered := at.Add(time.Duration(1+i%20) * 24 * time.Hour)
						firstResponse, responseDays = answered, g.s.localDays(at, answered)
					}
					closedReason, outcome := "", OutcomeAdopted
					if stage == StageClosed {
						closedReason = ClosedCompleted
						if i%4 == 0 {
							closedReason, outcome = ClosedNotAdopted, OutcomeNotAdopted
						}
					} else if i%5 == 0 {
						outcome = OutcomePartly
					}
					// Supports from the body's children but the author; comments in turn from all.
					ns := min(nSupports[j], len(kids)-1)
					nc := nComments[j]
					g.rep.Supports += ns
					g.rep.Comments += nc
					g.rep.Proposals++
					g.rep.ByStage[stage]++
					if err := props.add(pids[j], g.bodyIDs[b], author, place+wish, fmt.Sprintf("第%d条建议：希望%s能%s。", i+1, place, wish),
						cityCategories[i%len(cityCategories)], stage, VisibilityPublished, ns, nc, closedReason, "", at, at, due,
						firstResponse, responseDays, at); err != nil {
						return err
					}
					if err := events.add(g.ids.at(at), pids[j], nil, StageNeeds, string(RoleChild), author, "", at); err != nil {
						return err
					}
					path := Stages[:stageIndex(stage)+1]
					if closedReason == ClosedNotAdopted {
						path = []string{StageNeeds, StageDesign, StageDecision, StageClosed}
					}
					for x := 1; x < len(path); x++ {
						if err := events.add(g.ids.at(at.Add(time.Duration(x)*24*time.Hour)), pids[j], path[x-1], path[x],
							string(RoleCommittee), "system", "", at.Add(time.Duration(x)*24*time.Hour)); err != nil {
							return err
						}
					}
					for n, k := 0, 0; n < ns; k++ {
						if kids[k] == author {
							continue
						}
						if err := supports.add(g.ids.at(at.Add(time.Minute)), pids[j], kids[k], at.Add(time.Minute)); err != nil {
							return err
						}
						n++
					}
					for n := range nc {
						t := at.Add(time.Duration(n+1) * time.Minute)
						if err := comments.add(g.ids.at(t), pids[j], kids[(i+n)%len(kids)], string(RoleChild),
							cityComments[(i+n)%len(cityComments)], VisibilityPublished, t); err != nil {
							return err
						}
					}
					if stage == StageDecision || stage == StageEvaluation || stage == StageClosed {
						decided := at.Add(3 * 24 * time.Hour)
						if err := decisions.add(pids[j], outcome, "委员会决定采纳你们的建议，会在明年春天前完成。", "", "市住建局", "2027-04",
							DefaultNoticeDays, decided, decided.In(g.s.loc).AddDate(0, 0, DefaultNoticeDays).Format(time.DateOnly)); err != nil {
							return err
						}
						g.rep.Decisions++
					}
					if stage == StageEvaluation || stage == StageClosed && closedReason == ClosedCompleted {
						for e := range 3 {
							t := at.Add(4 * 24 * time.Hour)
							if err := evals.add(g.ids.at(t), pids[j], kids[(i+e+1)%len(kids)], 3+e%3, 4, 3+(i+e)%3, 5, "",
								VisibilityPublished, t); err != nil {
								return err
							}
							g.rep.Evaluations++
						}
					}
					if stage == StageNeeds {
						continue
					}
					o := voteable[vi]
					vi++
					for n := range o.ids {
						o.ids[n] = g.ids.at(at.Add(24 * time.Hour))
						// The vote count starts at 0 and follows the votes by trigger (0014).
						if err := options.add(o.ids[n], o.pid, fmt.Sprintf("方案%c", 'A'+n), "", "", 0, at.Add(24*time.Hour)); err != nil {
							return err
						}
						g.rep.Options++
					}
				}
				for _, p := range pairs {
					o := voteable[p.o]
					t := o.created.Add(2 * 24 * time.Hour)
					if err := votes.add(g.ids.at(t), o.pid, o.ids[p.opt], kids[p.k], t, t); err != nil {
						return err
					}
				}
				g.rep.Votes += len(pairs)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(g.out, "proposals: bodies %d–%d of %d: %d proposals, %d votes, %d comments\n",
			first+1, last, g.size.Bodies, g.rep.Proposals, g.rep.Votes, g.rep.Comments)
	}
	return nil
}

// spread divides n over k parts, the first ones taking the remainder.
func spread(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// batch runs fn in one transaction with multi-row inserters, flushing them before the commit.
func (g *city) batch(fn func(ins *inserter) error) error {
	tx, err := g.db.BeginTx(g.ctx, nil)
	if err != nil {
		return err
	}
	ins := &inserter{tx: tx, ctx: g.ctx, postgres: g.s.dialect == DialectPostgres}
	if err := fn(ins); err != nil {
		tx.Rollback()
		return err
	}
	for _, t := range ins.tables {
		if err := t.flush(); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// inserter writes rows of several tables in one transaction, many rows per statement. Tables
// are flushed in the order they were declared, so rows that refer to others come later.
type inserter struct {
	tx       *sql.Tx
	ctx      context.Context
	postgres bool
	tables   []*tableRows
}

type tableRows struct {
	ins        *inserter
	name       string
	cols       []string
	perStmt    int
	rows       int
	args       []any
	prev       []*tableRows // declared earlier: flushed first, for foreign keys
	statements map[int]string
}

func (ins *inserter) table(name string, cols ...string) *tableRows {
	t := &tableRows{ins: ins, name: name, cols: cols, perStmt: max(1, 4000/len(cols)), prev: append([]*tableRows(nil), ins.tables...),
		statements: map[int]string{}}
	ins.tables = append(ins.tables, t)
	return t
}

func (t *tableRows) add(vals ...any) error {
	if len(vals) != len(t.cols) {
		return fmt.Errorf("%s: %d values for %d columns", t.name, len(vals), len(t.cols))
	}
	t.args = append(t.args, vals...)
	t.rows++
	if t.rows < t.perStmt {
		return nil
	}
	for _, p := range t.prev {
		if err := p.flush(); err != nil {
			return err
		}
	}
	return t.flush()
}

func (t *tableRows) flush() error {
	if t.rows == 0 {
		return nil
	}
	q, ok := t.statements[t.rows]
	if !ok {
		var b strings.Builder
		b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
		n := 0
		for r := range t.rows {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range t.cols {
				if c > 0 {
					b.WriteString(", ")
				}
				n++
				if t.ins.postgres {
					b.WriteString("$" + strconv.Itoa(n))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		q = b.String()
		t.statements[t.rows] = q
	}
	if _, err := t.ins.tx.ExecContext(t.ins.ctx, q, t.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", t.name, err)
	}
	t.rows, t.args = 0, t.args[:0]
	return nil
}
