package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Kept aggregates per region (migrations 0013a and 0013b). A body never changes region and a
// region never moves, so a proposal's region is its body's for good. Triggers on proposals and
// decisions keep, for each region and stage, what statistics and the desk's totals sum; and for
// each region, how many published proposals had their first answer after so many local days.
// VerifyCounts compares both with a recomputation.

// regionStatsColumns are the sums kept per region and stage: every proposal (n, the desk's
// total), the published ones, those answered, decided and adopted, and the evaluations of the
// published ones.
var regionStatsColumns = []string{"n", "published", "responded", "decided", "adopted",
	"eval_count", "eval_safety", "eval_fun", "eval_access", "eval_looks"}

// regionStatsOf is the contribution of one proposal row (NEW or OLD in a trigger) to its region
// and stage, as the values of regionStatsColumns.
func regionStatsOf(row string) []string {
	pub := row + ".visibility = '" + VisibilityPublished + "'"
	decision := "SELECT 1 FROM decisions WHERE decisions.proposal_id = " + row + ".id"
	when := func(cond string) string { return "(CASE WHEN " + cond + " THEN 1 ELSE 0 END)" }
	vals := []string{"1", when(pub), when(pub + " AND " + row + ".response_days IS NOT NULL"),
		when(pub + " AND EXISTS (" + decision + ")"),
		when(pub + " AND EXISTS (" + decision + " AND decisions.outcome <> '" + OutcomeNotAdopted + "')")}
	for _, c := range regionStatsColumns[5:] {
		vals = append(vals, when(pub)+" * "+row+"."+c)
	}
	return vals
}

// upsertRegionStats adds (sign "+") or takes away (sign "-") the values selected by from.
func upsertRegionStats(sign, region, stage string, vals []string, from string) string {
	sel := make([]string, len(vals))
	set := make([]string, len(vals))
	for i, v := range vals {
		sel[i] = sign + "(" + v + ")"
		c := regionStatsColumns[i]
		set[i] = c + " = region_stats." + c + " + excluded." + c
	}
	return "INSERT INTO region_stats (region_id, stage, " + strings.Join(regionStatsColumns, ", ") + ") SELECT " +
		region + ", " + stage + ", " + strings.Join(sel, ", ") + " " + from +
		" ON CONFLICT (region_id, stage) DO UPDATE SET " + strings.Join(set, ", ")
}

// moveProposalStats is a proposal row's contribution, added or taken away.
func moveProposalStats(sign, row string) string {
	return upsertRegionStats(sign, "bodies.region_id", row+".stage", regionStatsOf(row), "FROM bodies WHERE bodies.id = "+row+".body_id")
}

// moveDecisionStats is what a decision row adds to its published proposal's decided and adopted
// counts, added or taken away.
func moveDecisionStats(sign, row string) string {
	vals := make([]string, len(regionStatsColumns))
	for i := range vals {
		vals[i] = "0"
	}
	vals[3] = "1"
	vals[4] = "(CASE WHEN " + row + ".outcome <> '" + OutcomeNotAdopted + "' THEN 1 ELSE 0 END)"
	return upsertRegionStats(sign, "bodies.region_id", "proposals.stage", vals,
		"FROM proposals JOIN bodies ON bodies.id = proposals.body_id WHERE proposals.id = "+row+".proposal_id AND proposals.visibility = '"+VisibilityPublished+"'")
}

// createRegionStats adds each proposal's days to its first answer (set with the answer, by
// markResponded), creates the kept sums per region and stage, fills them, and creates the
// triggers that keep them.
func (s *Store) createRegionStats(tx *gorm.DB) error {
	if err := tx.Exec("ALTER TABLE proposals ADD COLUMN response_days INTEGER").Error; err != nil {
		return err
	}
	if err := s.backfillResponseDays(tx); err != nil {
		return err
	}
	cols := make([]string, len(regionStatsColumns))
	sums := make([]string, len(regionStatsColumns))
	vals := regionStatsOf("proposals")
	for i, c := range regionStatsColumns {
		cols[i] = c + " BIGINT NOT NULL DEFAULT 0"
		sums[i] = "SUM(" + vals[i] + ")"
	}
	stmts := []string{
		"CREATE TABLE region_stats (region_id TEXT NOT NULL, stage TEXT NOT NULL, " + strings.Join(cols, ", ") + ", PRIMARY KEY (region_id, stage))",
		"INSERT INTO region_stats (region_id, stage, " + strings.Join(regionStatsColumns, ", ") + ") SELECT bodies.region_id, proposals.stage, " +
			strings.Join(sums, ", ") + " FROM proposals JOIN bodies ON bodies.id = proposals.body_id GROUP BY bodies.region_id, proposals.stage",
	}
	// What a proposal's figures depend on; the support and comment counts, which change with
	// every support, are not among them, so that a support fires no trigger of these.
	watched := []string{"body_id", "stage", "visibility", "response_days", "eval_count", "eval_safety", "eval_fun", "eval_access", "eval_looks"}
	if s.dialect == DialectPostgres {
		changed := make([]string, len(watched))
		for i, c := range watched {
			changed[i] = "OLD." + c + " IS DISTINCT FROM NEW." + c
		}
		stmts = append(stmts, pgMoveFunction("move_region_stats", moveProposalStats("-", "OLD"), moveProposalStats("+", "NEW")),
			"CREATE TRIGGER proposals_region_stats AFTER INSERT OR DELETE ON proposals FOR EACH ROW EXECUTE FUNCTION move_region_stats()",
			"CREATE TRIGGER proposals_region_stats_moved AFTER UPDATE OF "+strings.Join(watched, ", ")+" ON proposals FOR EACH ROW "+
				"WHEN ("+strings.Join(changed, " OR ")+") EXECUTE FUNCTION move_region_stats()",
			pgMoveFunction("move_decision_stats", moveDecisionStats("-", "OLD"), moveDecisionStats("+", "NEW")),
			"CREATE TRIGGER decisions_region_stats AFTER INSERT OR DELETE OR UPDATE OF proposal_id, outcome ON decisions FOR EACH ROW EXECUTE FUNCTION move_decision_stats()")
	} else {
		changed := make([]string, len(watched))
		for i, c := range watched {
			changed[i] = "OLD." + c + " IS NOT NEW." + c
		}
		stmts = append(stmts,
			"CREATE TRIGGER proposals_insert_region_stats AFTER INSERT ON proposals BEGIN "+moveProposalStats("+", "NEW")+"; END",
			"CREATE TRIGGER proposals_delete_region_stats AFTER DELETE ON proposals BEGIN "+moveProposalStats("-", "OLD")+"; END",
			"CREATE TRIGGER proposals_update_region_stats AFTER UPDATE OF "+strings.Join(watched, ", ")+" ON proposals WHEN "+
				strings.Join(changed, " OR ")+" BEGIN "+moveProposalStats("-", "OLD")+"; "+moveProposalStats("+", "NEW")+"; END",
			"CREATE TRIGGER decisions_insert_region_stats AFTER INSERT ON decisions BEGIN "+moveDecisionStats("+", "NEW")+"; END",
			"CREATE TRIGGER decisions_delete_region_stats AFTER DELETE ON decisions BEGIN "+moveDecisionStats("-", "OLD")+"; END",
			"CREATE TRIGGER decisions_update_region_stats AFTER UPDATE OF proposal_id, outcome ON decisions BEGIN "+
				moveDecisionStats("-", "OLD")+"; "+moveDecisionStats("+", "NEW")+"; END")
	}
	return execEach(tx, stmts)
}

// backfillResponseDays sets the days to the first answer of every answered proposal, in the
// local time zone, one statement per number of days.
func (s *Store) backfillResponseDays(tx *gorm.DB) error {
	rs, err := tx.Raw("SELECT id, published_at, first_response_at FROM proposals WHERE published_at IS NOT NULL AND first_response_at IS NOT NULL").Rows()
	if err != nil {
		return err
	}
	byDays := map[int][]string{}
	for rs.Next() {
		var id string
		var published, answered time.Time
		if err := rs.Scan(&id, &published, &answered); err != nil {
			rs.Close()
			return err
		}
		d := s.localDays(published, answered)
		byDays[d] = append(byDays[d], id)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	for d, ids := range byDays {
		for len(ids) > 0 {
			n := min(len(ids), 500)
			if err := tx.Exec("UPDATE proposals SET response_days = ? WHERE id IN ?", d, ids[:n]).Error; err != nil {
				return err
			}
			ids = ids[n:]
		}
	}
	return nil
}

// moveResponseDays is a proposal row's count in the histogram of response days, added or taken
// away.
func moveResponseDays(sign, row string) string {
	return "INSERT INTO region_response_days (region_id, days, n) SELECT bodies.region_id, " + row + ".response_days, " + sign + "1 FROM bodies WHERE bodies.id = " +
		row + ".body_id AND " + row + ".visibility = '" + VisibilityPublished + "' AND " + row + ".response_days IS NOT NULL" +
		" ON CONFLICT (region_id, days) DO UPDATE SET n = region_response_days.n + excluded.n"
}

// createResponseHistogram creates the histogram of response days per region, fills it and
// creates the triggers that keep it.
func (s *Store) createResponseHistogram(tx *gorm.DB) error {
	stmts := []string{
		"CREATE TABLE region_response_days (region_id TEXT NOT NULL, days INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (region_id, days))",
		"INSERT INTO region_response_days (region_id, days, n) SELECT bodies.region_id, proposals.response_days, COUNT(*) FROM proposals JOIN bodies ON bodies.id = proposals.body_id " +
			"WHERE proposals.visibility = '" + VisibilityPublished + "' AND proposals.response_days IS NOT NULL GROUP BY bodies.region_id, proposals.response_days",
	}
	if s.dialect == DialectPostgres {
		stmts = append(stmts, pgMoveFunction("move_response_days", moveResponseDays("-", "OLD"), moveResponseDays("+", "NEW")),
			"CREATE TRIGGER proposals_response_days AFTER INSERT OR DELETE ON proposals FOR EACH ROW EXECUTE FUNCTION move_response_days()",
			"CREATE TRIGGER proposals_response_days_moved AFTER UPDATE OF body_id, visibility, response_days ON proposals FOR EACH ROW "+
				"WHEN (OLD.body_id IS DISTINCT FROM NEW.body_id OR OLD.visibility IS DISTINCT FROM NEW.visibility OR OLD.response_days IS DISTINCT FROM NEW.response_days) "+
				"EXECUTE FUNCTION move_response_days()")
	} else {
		stmts = append(stmts,
			"CREATE TRIGGER proposals_insert_response_days AFTER INSERT ON proposals BEGIN "+moveResponseDays("+", "NEW")+"; END",
			"CREATE TRIGGER proposals_delete_response_days AFTER DELETE ON proposals BEGIN "+moveResponseDays("-", "OLD")+"; END",
			"CREATE TRIGGER proposals_update_response_days AFTER UPDATE OF body_id, visibility, response_days ON proposals "+
				"WHEN OLD.body_id IS NOT NEW.body_id OR OLD.visibility IS NOT NEW.visibility OR OLD.response_days IS NOT NEW.response_days BEGIN "+
				moveResponseDays("-", "OLD")+"; "+moveResponseDays("+", "NEW")+"; END")
	}
	return execEach(tx, stmts)
}

// regionChecks are VerifyCounts' comparisons of the kept region sums with a recomputation.
func regionChecks() []struct{ what, sql string } {
	vals := regionStatsOf("proposals")
	var out []struct{ what, sql string }
	for i, c := range regionStatsColumns {
		out = append(out, struct{ what, sql string }{"region_stats." + c, `SELECT region_id || '/' || stage AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT region_id, stage, ` + c + ` AS stored, 0 AS fresh FROM region_stats
		UNION ALL SELECT bodies.region_id, proposals.stage, 0, SUM(` + vals[i] + `) FROM proposals JOIN bodies ON bodies.id = proposals.body_id
		GROUP BY bodies.region_id, proposals.stage) AS both_sides GROUP BY region_id, stage`})
	}
	out = append(out, struct{ what, sql string }{"region_response_days", `SELECT region_id || '/' || CAST(days AS TEXT) AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT region_id, days, n AS stored, 0 AS fresh FROM region_response_days
		UNION ALL SELECT bodies.region_id, proposals.response_days, 0, COUNT(*) FROM proposals JOIN bodies ON bodies.id = proposals.body_id
		WHERE proposals.visibility = 'published' AND proposals.response_days IS NOT NULL
		GROUP BY bodies.region_id, proposals.response_days) AS both_sides GROUP BY region_id, days`})
	return out
}

// verifyResponseDays compares each answered proposal's kept days with the days between its
// publication and its first answer, and describes each difference.
func (s *Store) verifyResponseDays(ctx context.Context) ([]string, error) {
	rs, err := s.db.WithContext(ctx).Raw("SELECT id, published_at, first_response_at, response_days FROM proposals").Rows()
	if err != nil {
		return nil, fmt.Errorf("verify response_days: %w", err)
	}
	defer rs.Close()
	var diffs []string
	for rs.Next() {
		var id string
		var published, answered *time.Time
		var days *int
		if err := rs.Scan(&id, &published, &answered, &days); err != nil {
			return nil, fmt.Errorf("verify response_days: %w", err)
		}
		want := -1
		if published != nil && answered != nil {
			want = s.localDays(*published, *answered)
		}
		got := -1
		if days != nil {
			got = *days
		}
		if got != want {
			diffs = append(diffs, fmt.Sprintf("response_days of %s: stored %d, counted %d", id, got, want))
		}
	}
	return diffs, rs.Err()
}

// regionScope is the condition on regions.path that a statistics request covers, with its
// arguments; ok is false when the scope is not a set of whole regions (a facilitator's bodies).
func regionScope(a *Actor, filterPath string) (cond string, args []any, ok bool) {
	var conds []string
	switch a.Role {
	case RoleAdmin:
	case RoleCommittee:
		conds, args = append(conds, "regions.path LIKE ?"), append(args, a.RegionPath+"%")
	default:
		return "", nil, false
	}
	if filterPath != "" {
		conds, args = append(conds, "regions.path LIKE ?"), append(args, filterPath+"%")
	}
	if len(conds) == 0 {
		return "", nil, true
	}
	return strings.Join(conds, " AND "), args, true
}

// regionsIn is a sub-select of the IDs of the regions a scope covers (see regionScope).
func regionsIn(cond string) string {
	if cond == "" {
		return "SELECT id FROM regions"
	}
	return "SELECT id FROM regions WHERE " + cond
}

// keptStatistics computes the figures of whole regions from the kept sums: a row per region and
// stage, a row per region and number of days, and the overdue proposals by the index of those
// awaiting an answer. Nothing it reads grows with the number of proposals but the overdue ones.
func (s *Store) keptStatistics(ctx context.Context, cond string, args []any) (*Stats, error) {
	db := s.reader(ctx)
	st := &Stats{ProposalsByStage: map[string]int{}}
	for _, stage := range Stages {
		st.ProposalsByStage[stage] = 0
	}
	var rows []struct {
		Stage                                                 string
		Published, Responded, Decided, Adopted                int64
		EvalCount, EvalSafety, EvalFun, EvalAccess, EvalLooks int64
	}
	err := db.Raw(`SELECT stage, SUM(published) AS published, SUM(responded) AS responded, SUM(decided) AS decided, SUM(adopted) AS adopted,
		SUM(eval_count) AS eval_count, SUM(eval_safety) AS eval_safety, SUM(eval_fun) AS eval_fun, SUM(eval_access) AS eval_access, SUM(eval_looks) AS eval_looks
		FROM region_stats WHERE region_id IN (`+regionsIn(cond)+`) GROUP BY stage`, args...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read kept statistics: %w", err)
	}
	var n, responded, decided, adopted, evals, safety, fun, access, looks int64
	for _, r := range rows {
		st.ProposalsByStage[r.Stage] += int(r.Published)
		n, responded, decided, adopted = n+r.Published, responded+r.Responded, decided+r.Decided, adopted+r.Adopted
		evals, safety, fun, access, looks = evals+r.EvalCount, safety+r.EvalSafety, fun+r.EvalFun, access+r.EvalAccess, looks+r.EvalLooks
	}
	if n > 0 {
		st.ResponseRate = round2(float64(responded) / float64(n))
	}
	var hist []struct{ Days, N int64 }
	err = db.Raw(`SELECT days, SUM(n) AS n FROM region_response_days WHERE region_id IN (`+regionsIn(cond)+`)
		GROUP BY days HAVING SUM(n) > 0 ORDER BY days`, args...).Scan(&hist).Error
	if err != nil {
		return nil, fmt.Errorf("read response days: %w", err)
	}
	st.MedianResponseDays = histogramMedian(hist)
	st.setRates(decided, adopted, evals, safety, fun, access, looks)
	// Overdue depends on the hour: the kept days before today, and today's from the index.
	overdue, err := s.keptOverdue(ctx, cond, args)
	if err != nil {
		return nil, err
	}
	st.Overdue = int(overdue)
	return st, nil
}

// histogramMedian is the median of values given as (value, count) in ascending order: the
// middle value, or the mean of the two middle ones.
func histogramMedian(hist []struct{ Days, N int64 }) float64 {
	var total int64
	for _, h := range hist {
		total += h.N
	}
	if total == 0 {
		return 0
	}
	at := func(k int64) int64 { // the k-th value, from 0
		for _, h := range hist {
			if k < h.N {
				return h.Days
			}
			k -= h.N
		}
		return hist[len(hist)-1].Days
	}
	if total%2 == 1 {
		return float64(at(total / 2))
	}
	return float64(at(total/2-1)+at(total/2)) / 2
}

// Children per region and consent status (migration 0013d): a child counts once in each region
// where one of their bodies is. A child whose bodies lie in more than one region is also listed
// in multi_region_children, so that a count over a subtree, which sums regions, can take away
// the children it counted more than once by reading those children only.

// childRegionsOf selects the distinct regions of a child's bodies.
func childRegionsOf(child string) string {
	return "SELECT DISTINCT bodies.region_id FROM memberships JOIN bodies ON bodies.id = memberships.body_id WHERE memberships.child_id = " + child
}

// moveRegionChildren adds or takes away one child of the given status in the regions selected
// by regions (a query of region_id).
func moveRegionChildren(sign, status, regions string) string {
	return "INSERT INTO region_children (region_id, consent_status, n) SELECT r.region_id, " + status + ", " + sign + "1 FROM (" + regions +
		") AS r WHERE r.region_id IS NOT NULL ON CONFLICT (region_id, consent_status) DO UPDATE SET n = region_children.n + excluded.n"
}

// membershipRegionChange is what a membership row adds to (sign "+", after its insert) or takes
// from (sign "-", after its delete) its child's regions: the region of its body, unless another
// membership of the child is in that region; and whether the child spans regions.
func membershipRegionChange(sign, row string) []string {
	region := "(SELECT bodies.region_id FROM bodies WHERE bodies.id = " + row + ".body_id)"
	others := "SELECT 1 FROM memberships JOIN bodies ON bodies.id = memberships.body_id WHERE memberships.child_id = " +
		row + ".child_id AND memberships.id <> " + row + ".id AND bodies.region_id = " + region
	spans := "(SELECT COUNT(*) FROM (" + childRegionsOf(row+".child_id") + ") AS r) > 1"
	return []string{
		"INSERT INTO region_children (region_id, consent_status, n) SELECT " + region + ", children.consent_status, " + sign +
			"1 FROM children WHERE children.id = " + row + ".child_id AND NOT EXISTS (" + others + ") ON CONFLICT (region_id, consent_status) DO UPDATE SET n = region_children.n + excluded.n",
		"DELETE FROM multi_region_children WHERE child_id = " + row + ".child_id AND NOT " + spans,
		"INSERT INTO multi_region_children (child_id) SELECT " + row + ".child_id WHERE " + spans + " ON CONFLICT (child_id) DO NOTHING",
	}
}

// createRegionChildren creates the children per region and status and the children who span
// regions, fills them and creates the triggers that keep them.
func (s *Store) createRegionChildren(tx *gorm.DB) error {
	stmts := []string{
		"CREATE TABLE region_children (region_id TEXT NOT NULL, consent_status TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (region_id, consent_status))",
		"CREATE TABLE multi_region_children (child_id TEXT PRIMARY KEY)",
		`INSERT INTO region_children (region_id, consent_status, n) SELECT bodies.region_id, children.consent_status, COUNT(DISTINCT children.id)
		FROM memberships JOIN bodies ON bodies.id = memberships.body_id JOIN children ON children.id = memberships.child_id
		GROUP BY bodies.region_id, children.consent_status`,
		`INSERT INTO multi_region_children (child_id) SELECT memberships.child_id FROM memberships JOIN bodies ON bodies.id = memberships.body_id
		GROUP BY memberships.child_id HAVING COUNT(DISTINCT bodies.region_id) > 1`,
	}
	statusMoved := []string{moveRegionChildren("-", "OLD.consent_status", childRegionsOf("OLD.id")),
		moveRegionChildren("+", "NEW.consent_status", childRegionsOf("NEW.id"))}
	if s.dialect == DialectPostgres {
		stmts = append(stmts, `CREATE FUNCTION move_region_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
IF TG_OP = 'DELETE' THEN `+strings.Join(membershipRegionChange("-", "OLD"), "; ")+`; END IF;
IF TG_OP = 'INSERT' THEN `+strings.Join(membershipRegionChange("+", "NEW"), "; ")+`; END IF;
RETURN NULL;
END $$`,
			"CREATE TRIGGER memberships_region_children AFTER INSERT OR DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION move_region_children()",
			`CREATE FUNCTION move_child_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
`+strings.Join(statusMoved, "; ")+`;
RETURN NULL;
END $$`,
			"CREATE TRIGGER children_region_children AFTER UPDATE OF consent_status ON children FOR EACH ROW "+
				"WHEN (OLD.consent_status IS DISTINCT FROM NEW.consent_status) EXECUTE FUNCTION move_child_status()")
	} else {
		stmts = append(stmts,
			"CREATE TRIGGER memberships_insert_region_children AFTER INSERT ON memberships BEGIN "+strings.Join(membershipRegionChange("+", "NEW"), "; ")+"; END",
			"CREATE TRIGGER memberships_delete_region_children AFTER DELETE ON memberships BEGIN "+strings.Join(membershipRegionChange("-", "OLD"), "; ")+"; END",
			"CREATE TRIGGER children_update_region_children AFTER UPDATE OF consent_status ON children WHEN OLD.consent_status IS NOT NEW.consent_status BEGIN "+
				strings.Join(statusMoved, "; ")+"; END")
	}
	return execEach(tx, stmts)
}

// childrenChecks are VerifyCounts' comparisons of the kept children per region with a
// recomputation.
func childrenChecks() []struct{ what, sql string } {
	return []struct{ what, sql string }{
		{"region_children", `SELECT region_id || '/' || consent_status AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT region_id, consent_status, n AS stored, 0 AS fresh FROM region_children
		UNION ALL SELECT bodies.region_id, children.consent_status, 0, COUNT(DISTINCT children.id)
		FROM memberships JOIN bodies ON bodies.id = memberships.body_id JOIN children ON children.id = memberships.child_id
		GROUP BY bodies.region_id, children.consent_status) AS both_sides GROUP BY region_id, consent_status`},
		{"multi_region_children", `SELECT child_id AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT child_id, 1 AS stored, 0 AS fresh FROM multi_region_children
		UNION ALL SELECT memberships.child_id, 0, 1 FROM memberships JOIN bodies ON bodies.id = memberships.body_id
		GROUP BY memberships.child_id HAVING COUNT(DISTINCT bodies.region_id) > 1) AS both_sides GROUP BY child_id`},
	}
}

// keptChildren counts the children with active and with pending consent in the regions a scope
// covers (see regionScope): the kept counts per region, less the children counted in more than
// one of the regions, found among the few whose bodies span regions.
func (s *Store) keptChildren(ctx context.Context, cond string, args []any) (active, pending int64, err error) {
	db := s.reader(ctx)
	var counts []struct {
		ConsentStatus string
		N             int64
	}
	statuses := []string{ConsentActive, ConsentPending}
	err = db.Raw(`SELECT consent_status, SUM(n) AS n FROM region_children WHERE region_id IN (`+regionsIn(cond)+`) AND consent_status IN ?
		GROUP BY consent_status`, append(append([]any{}, args...), statuses)...).Scan(&counts).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count children: %w", err)
	}
	var twice []struct {
		ConsentStatus string
		N             int64
	}
	err = db.Raw(`SELECT children.consent_status, COUNT(*) - COUNT(DISTINCT children.id) AS n FROM
		(SELECT DISTINCT memberships.child_id, bodies.region_id FROM multi_region_children
		CROSS JOIN memberships CROSS JOIN bodies -- in this order: SQLite would otherwise start from every membership
		WHERE memberships.child_id = multi_region_children.child_id AND bodies.id = memberships.body_id
		AND bodies.region_id IN (`+regionsIn(cond)+`)) AS spans JOIN children ON children.id = spans.child_id
		WHERE children.consent_status IN ? GROUP BY children.consent_status`, append(append([]any{}, args...), statuses)...).Scan(&twice).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count children: %w", err)
	}
	for _, c := range counts {
		for _, t := range twice {
			if t.ConsentStatus == c.ConsentStatus {
				c.N -= t.N
			}
		}
		if c.ConsentStatus == ConsentActive {
			active = c.N
		} else {
			pending = c.N
		}
	}
	return active, pending, nil
}

// Proposals awaiting an answer per region and day of their deadline (UTC), migration 0013f: the
// overdue count of a whole city sums the days before today and counts today's deadlines passed
// from the index, so that it reads a row per region and day instead of every overdue proposal.

// dueDay is the UTC day of a deadline, as text, in each dialect's words.
func (s *Store) dueDay(column string) string {
	if s.dialect == DialectPostgres {
		return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(" + column + ")"
}

// awaitingRow is awaitingAnswer of a trigger's row.
func awaitingRow(row string) string {
	return strings.ReplaceAll(awaitingAnswer, "proposals.", row+".")
}

// moveAwaiting is a proposal row's count among those awaiting an answer, added or taken away.
func (s *Store) moveAwaiting(sign, row string) string {
	return "INSERT INTO region_awaiting (region_id, due_day, n) SELECT bodies.region_id, " + s.dueDay(row+".response_due_at") + ", " + sign +
		"1 FROM bodies WHERE bodies.id = " + row + ".body_id AND " + awaitingRow(row) +
		" ON CONFLICT (region_id, due_day) DO UPDATE SET n = region_awaiting.n + excluded.n"
}

// createRegionAwaiting creates the proposals awaiting an answer per region and day, fills them
// and creates the triggers that keep them.
func (s *Store) createRegionAwaiting(tx *gorm.DB) error {
	stmts := []string{
		"CREATE TABLE region_awaiting (region_id TEXT NOT NULL, due_day TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (region_id, due_day))",
		"INSERT INTO region_awaiting (region_id, due_day, n) SELECT bodies.region_id, " + s.dueDay("proposals.response_due_at") + ", COUNT(*) " +
			"FROM proposals JOIN bodies ON bodies.id = proposals.body_id WHERE " + awaitingAnswer + " GROUP BY bodies.region_id, " + s.dueDay("proposals.response_due_at"),
	}
	watched := []string{"body_id", "stage", "visibility", "first_response_at", "response_due_at"}
	if s.dialect == DialectPostgres {
		changed := make([]string, len(watched))
		for i, c := range watched {
			changed[i] = "OLD." + c + " IS DISTINCT FROM NEW." + c
		}
		stmts = append(stmts, pgMoveFunction("move_region_awaiting", s.moveAwaiting("-", "OLD"), s.moveAwaiting("+", "NEW")),
			"CREATE TRIGGER proposals_region_awaiting AFTER INSERT OR DELETE ON proposals FOR EACH ROW EXECUTE FUNCTION move_region_awaiting()",
			"CREATE TRIGGER proposals_region_awaiting_moved AFTER UPDATE OF "+strings.Join(watched, ", ")+" ON proposals FOR EACH ROW "+
				"WHEN ("+strings.Join(changed, " OR ")+") EXECUTE FUNCTION move_region_awaiting()")
	} else {
		changed := make([]string, len(watched))
		for i, c := range watched {
			changed[i] = "OLD." + c + " IS NOT NEW." + c
		}
		stmts = append(stmts,
			"CREATE TRIGGER proposals_insert_region_awaiting AFTER INSERT ON proposals BEGIN "+s.moveAwaiting("+", "NEW")+"; END",
			"CREATE TRIGGER proposals_delete_region_awaiting AFTER DELETE ON proposals BEGIN "+s.moveAwaiting("-", "OLD")+"; END",
			"CREATE TRIGGER proposals_update_region_awaiting AFTER UPDATE OF "+strings.Join(watched, ", ")+" ON proposals WHEN "+
				strings.Join(changed, " OR ")+" BEGIN "+s.moveAwaiting("-", "OLD")+"; "+s.moveAwaiting("+", "NEW")+"; END")
	}
	return execEach(tx, stmts)
}

// awaitingCheck is VerifyCounts' comparison of the kept proposals awaiting an answer with a
// recomputation.
func (s *Store) awaitingCheck() struct{ what, sql string } {
	day := s.dueDay("proposals.response_due_at")
	return struct{ what, sql string }{"region_awaiting", `SELECT region_id || '/' || due_day AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT region_id, due_day, n AS stored, 0 AS fresh FROM region_awaiting
		UNION ALL SELECT bodies.region_id, ` + day + `, 0, COUNT(*) FROM proposals JOIN bodies ON bodies.id = proposals.body_id
		WHERE ` + awaitingAnswer + ` GROUP BY bodies.region_id, ` + day + `) AS both_sides GROUP BY region_id, due_day`}
}

// keptOverdue counts the proposals of a scope of whole regions whose deadline passed without an
// answer: the kept counts of the days before today (UTC), and today's from the index.
func (s *Store) keptOverdue(ctx context.Context, cond string, args []any) (int64, error) {
	db := s.reader(ctx)
	now := s.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var before, since int64
	err := db.Raw(`SELECT COALESCE(SUM(n), 0) FROM region_awaiting WHERE region_id IN (`+regionsIn(cond)+`) AND due_day < ?`,
		append(append([]any{}, args...), today.Format(time.DateOnly))...).Scan(&before).Error
	if err != nil {
		return 0, fmt.Errorf("count overdue: %w", err)
	}
	from := "proposals"
	if s.dialect == DialectSQLite {
		// With the planner's statistics SQLite prefers the desk's index of those awaiting an
		// answer, which holds neither the stage nor the body: a read of each row's table page.
		from = "proposals INDEXED BY proposals_overdue"
	}
	q := `SELECT COUNT(*) FROM ` + from + ` WHERE ` + awaitingAnswer + ` AND proposals.response_due_at >= ? AND proposals.response_due_at <= ?`
	qargs := []any{today, s.Now()}
	if cond != "" {
		q += ` AND (SELECT bodies.region_id FROM bodies WHERE bodies.id = proposals.body_id) IN (` + regionsIn(cond) + `)`
		qargs = append(qargs, args...)
	}
	if err := db.Raw(q, qargs...).Scan(&since).Error; err != nil {
		return 0, fmt.Errorf("count overdue: %w", err)
	}
	return before + since, nil
}
