package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A migration is one step of the schema. Steps run in order, each inside a transaction, and the
// ones that ran are recorded in schema_migrations. Add new migrations at the end; never edit one
// that has shipped.
type migration struct {
	id  string
	sql string // statements separated by ";\n"; {{ts}} and {{bool}} are spelled per dialect
	// run, when set, changes data after the statements, in the same transaction (for what SQL
	// alone cannot do, such as sealing with the data key).
	run func(s *Store, tx *gorm.DB) error
}

var migrations = []migration{
	{id: "0001_foundation", sql: `
CREATE TABLE regions (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	parent_id TEXT REFERENCES regions(id),
	path TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX regions_path ON regions(path);
CREATE TABLE bodies (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	region_id TEXT NOT NULL REFERENCES regions(id),
	venue TEXT NOT NULL DEFAULT '',
	term_label TEXT NOT NULL DEFAULT '',
	term_ends_on TEXT NOT NULL DEFAULT '',
	response_days INTEGER NOT NULL,
	moderation_mode TEXT NOT NULL,
	join_code TEXT NOT NULL UNIQUE,
	created_at {{ts}} NOT NULL
);
CREATE INDEX bodies_region ON bodies(region_id);
CREATE TABLE staff (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	region_id TEXT REFERENCES regions(id),
	locale TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE TABLE staff_bodies (
	staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
	body_id TEXT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
	PRIMARY KEY (staff_id, body_id)
);
CREATE INDEX staff_bodies_body ON staff_bodies(body_id);
CREATE TABLE children (
	id TEXT PRIMARY KEY,
	nickname TEXT NOT NULL,
	login_name TEXT NOT NULL,
	pin_hash TEXT NOT NULL,
	birth_year INTEGER NOT NULL,
	birth_month INTEGER NOT NULL,
	real_name TEXT NOT NULL DEFAULT '',
	consent_status TEXT NOT NULL,
	assent TEXT NOT NULL,
	locale TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE TABLE memberships (
	id TEXT PRIMARY KEY,
	body_id TEXT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
	child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
	login_name TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (body_id, login_name),
	UNIQUE (body_id, child_id)
);
CREATE INDEX memberships_child ON memberships(child_id);
CREATE TABLE guardians (
	id TEXT PRIMARY KEY,
	child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
	name TEXT NOT NULL DEFAULT '',
	relation TEXT NOT NULL DEFAULT '',
	contact TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE INDEX guardians_child ON guardians(child_id);
CREATE TABLE consents (
	id TEXT PRIMARY KEY,
	child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
	token_hash TEXT UNIQUE,
	status TEXT NOT NULL,
	method TEXT NOT NULL,
	notice_version INTEGER NOT NULL,
	guardian_name TEXT NOT NULL DEFAULT '',
	relation TEXT NOT NULL DEFAULT '',
	show_publicly {{bool}} NOT NULL DEFAULT FALSE,
	photos {{bool}} NOT NULL DEFAULT FALSE,
	reference TEXT NOT NULL DEFAULT '',
	recorded_by TEXT NOT NULL DEFAULT '',
	expires_at {{ts}},
	decided_at {{ts}},
	withdrawn_at {{ts}},
	created_at {{ts}} NOT NULL
);
CREATE INDEX consents_child ON consents(child_id);
CREATE TABLE sessions (
	jti TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	role TEXT NOT NULL,
	expires_at {{ts}} NOT NULL,
	revoked_at {{ts}},
	created_at {{ts}} NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE account_locks (
	account TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	locked_until {{ts}},
	updated_at {{ts}} NOT NULL
);
CREATE TABLE sign_in_failures (
	id TEXT PRIMARY KEY,
	address TEXT NOT NULL,
	at {{ts}} NOT NULL
);
CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);
CREATE TABLE audit_events (
	id TEXT PRIMARY KEY,
	at {{ts}} NOT NULL,
	actor_id TEXT NOT NULL,
	actor_role TEXT NOT NULL,
	action TEXT NOT NULL,
	subject_type TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_subject ON audit_events(subject_id);
CREATE INDEX audit_events_actor ON audit_events(actor_id)`},
	{id: "0002_participation", sql: `
ALTER TABLE children ADD COLUMN show_publicly {{bool}} NOT NULL DEFAULT FALSE;
CREATE TABLE proposals (
	id TEXT PRIMARY KEY,
	body_id TEXT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
	author_id TEXT REFERENCES children(id) ON DELETE SET NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL,
	stage TEXT NOT NULL,
	visibility TEXT NOT NULL,
	support_count INTEGER NOT NULL DEFAULT 0,
	comment_count INTEGER NOT NULL DEFAULT 0,
	closed_reason TEXT NOT NULL DEFAULT '',
	merged_into TEXT REFERENCES proposals(id) ON DELETE SET NULL,
	summary TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	published_at {{ts}},
	response_due_at {{ts}},
	first_response_at {{ts}},
	updated_at {{ts}} NOT NULL
);
CREATE INDEX proposals_body ON proposals(body_id, id);
CREATE INDEX proposals_author ON proposals(author_id);
CREATE INDEX proposals_due ON proposals(response_due_at);
CREATE TABLE proposal_events (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	from_stage TEXT,
	to_stage TEXT NOT NULL,
	actor_role TEXT NOT NULL,
	actor_id TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX proposal_events_proposal ON proposal_events(proposal_id, id);
CREATE TABLE supports (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	child_id TEXT REFERENCES children(id) ON DELETE SET NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (proposal_id, child_id)
);
CREATE INDEX supports_child ON supports(child_id);
CREATE TABLE options (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	image_url TEXT NOT NULL DEFAULT '',
	vote_count INTEGER NOT NULL DEFAULT 0,
	created_at {{ts}} NOT NULL
);
CREATE INDEX options_proposal ON options(proposal_id, id);
CREATE TABLE votes (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	option_id TEXT NOT NULL REFERENCES options(id) ON DELETE CASCADE,
	child_id TEXT REFERENCES children(id) ON DELETE SET NULL,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	UNIQUE (proposal_id, child_id)
);
CREATE INDEX votes_child ON votes(child_id);
CREATE INDEX votes_option ON votes(option_id);
CREATE TABLE comments (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	option_id TEXT REFERENCES options(id) ON DELETE SET NULL,
	parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
	author_id TEXT,
	author_role TEXT NOT NULL,
	body TEXT NOT NULL,
	visibility TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX comments_proposal ON comments(proposal_id, id);
CREATE INDEX comments_author ON comments(author_id);
CREATE TABLE decisions (
	proposal_id TEXT PRIMARY KEY REFERENCES proposals(id) ON DELETE CASCADE,
	outcome TEXT NOT NULL,
	child_summary TEXT NOT NULL,
	details TEXT NOT NULL DEFAULT '',
	responsible_unit TEXT NOT NULL DEFAULT '',
	planned_completion TEXT NOT NULL DEFAULT '',
	notice_days INTEGER NOT NULL,
	decided_at {{ts}} NOT NULL,
	notice_until TEXT NOT NULL
);
CREATE TABLE evaluations (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	child_id TEXT REFERENCES children(id) ON DELETE SET NULL,
	safety INTEGER NOT NULL,
	fun INTEGER NOT NULL,
	access INTEGER NOT NULL,
	looks INTEGER NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	visibility TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	UNIQUE (proposal_id, child_id)
);
CREATE INDEX evaluations_child ON evaluations(child_id);
CREATE TABLE inspections (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	author_id TEXT,
	author_role TEXT NOT NULL,
	body_name TEXT NOT NULL DEFAULT '',
	items TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	visibility TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX inspections_proposal ON inspections(proposal_id);
CREATE INDEX inspections_author ON inspections(author_id);
CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	proposal_id TEXT REFERENCES proposals(id) ON DELETE CASCADE,
	params TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	read_at {{ts}}
);
CREATE INDEX notifications_user ON notifications(user_id, id)`},
	{id: "0003_moderation", sql: `
CREATE TABLE moderation_items (
	id TEXT PRIMARY KEY,
	target_type TEXT NOT NULL,
	target_id TEXT NOT NULL,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	body_id TEXT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
	author_id TEXT,
	reasons TEXT NOT NULL DEFAULT '',
	safeguarding {{bool}} NOT NULL DEFAULT FALSE,
	report_count INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	decided_at {{ts}},
	decided_by TEXT NOT NULL DEFAULT '',
	decision_reason TEXT NOT NULL DEFAULT '',
	UNIQUE (target_type, target_id)
);
CREATE INDEX moderation_items_queue ON moderation_items(status, safeguarding, id);
CREATE INDEX moderation_items_body ON moderation_items(body_id);
CREATE TABLE reports (
	id TEXT PRIMARY KEY,
	target_type TEXT NOT NULL,
	target_id TEXT NOT NULL,
	reporter_id TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	UNIQUE (target_type, target_id, reporter_id)
);
CREATE INDEX reports_reporter ON reports(reporter_id);
ALTER TABLE proposals ADD COLUMN erased {{bool}} NOT NULL DEFAULT FALSE;
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	version INTEGER NOT NULL,
	updated_at {{ts}} NOT NULL
)`},
	{id: "0004_safeguarding", sql: `
ALTER TABLE moderation_items ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE moderation_items ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '';
ALTER TABLE moderation_items ADD COLUMN escalated_at {{ts}};
CREATE INDEX moderation_items_author ON moderation_items(author_id);
ALTER TABLE notifications ADD COLUMN queue_item_id TEXT REFERENCES moderation_items(id) ON DELETE CASCADE`},
	// The write probe updates this one row: a write that costs nothing and touches no child's data.
	{id: "0005_heartbeat", sql: `
CREATE TABLE heartbeat (
	id INTEGER PRIMARY KEY,
	beats INTEGER NOT NULL,
	at {{ts}}
);
INSERT INTO heartbeat (id, beats) VALUES (1, 0)`},
	// The guardian's relation is free text ("外婆", "姑姑和姑父") and personal: sealed like the contact.
	{id: "0006_seal_relation", run: (*Store).sealRelations},
	// An erased proposal's shell held "已由作者撤回" in its title and description; the erased mark
	// says it now, and each reader sees it in their own language.
	{id: "0007_erased_mark", sql: `
UPDATE proposals SET title = '', description = '' WHERE erased = TRUE`},
	// Instances keep signed-in actors in memory; any change to what an actor is made of moves this
	// counter, by trigger, so that every instance sees at once that its copies are stale.
	{id: "0008_auth_epoch", run: (*Store).createAuthEpoch},
	// Statistics average the children's evaluations over a whole city: each proposal keeps the
	// count and the sums of its evaluations, moved by trigger with every evaluation written or
	// removed, so that the figures cost one read of the proposals however many children rated.
	{id: "0008a_evaluation_sums", run: (*Store).createEvaluationSums},
	// The desk's total of a list over a whole city: proposals per body and stage, moved by
	// trigger, so that the total of an unfiltered list sums a row per body instead of counting
	// every proposal for each page.
	{id: "0008b_proposal_counts", run: (*Store).createProposalCounts},
	// A create sent again with the same Idempotency-Key (a double tap, a retry after a lost
	// answer) answers with its first result; only one of simultaneous requests can claim a key.
	{id: "0009_idempotency", sql: `
CREATE TABLE idempotency_keys (
	user_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	key TEXT NOT NULL,
	status INTEGER NOT NULL DEFAULT 0,
	body TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	PRIMARY KEY (user_id, scope, key)
);
CREATE INDEX idempotency_keys_user_created ON idempotency_keys(user_id, created_at)`},
	// The desk's proposal list (ListProposals): by stage, by support count, and those still
	// waiting for a first answer by deadline (the overdue filter and the due order).
	{id: "0010_desk_list", sql: `
CREATE INDEX proposals_stage ON proposals(stage, id);
CREATE INDEX proposals_supports ON proposals(support_count, id);
CREATE INDEX proposals_awaiting ON proposals(response_due_at, id) WHERE first_response_at IS NULL`},
	// Meetings, paper and show-of-hands results, activities and the plan's targets: counts, never
	// names. A member's sex is optional and only ever counted.
	{id: "0011_meetings_activities_targets", sql: `
ALTER TABLE children ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN meeting_id TEXT;
CREATE TABLE meetings (
	id TEXT PRIMARY KEY,
	body_id TEXT NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
	held_on TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	agenda TEXT NOT NULL DEFAULT '[]',
	girls INTEGER NOT NULL DEFAULT 0,
	boys INTEGER NOT NULL DEFAULT 0,
	staff INTEGER NOT NULL DEFAULT 0,
	guests INTEGER NOT NULL DEFAULT 0,
	minutes TEXT NOT NULL DEFAULT '',
	visibility TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX meetings_body ON meetings(body_id, held_on);
CREATE TABLE paper_votes (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	meeting_id TEXT REFERENCES meetings(id) ON DELETE SET NULL,
	note TEXT NOT NULL DEFAULT '',
	entered_by TEXT NOT NULL,
	entered_by_name TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE INDEX paper_votes_proposal ON paper_votes(proposal_id);
CREATE UNIQUE INDEX paper_votes_meeting ON paper_votes(proposal_id, meeting_id);
CREATE TABLE paper_vote_counts (
	paper_vote_id TEXT NOT NULL REFERENCES paper_votes(id) ON DELETE CASCADE,
	option_id TEXT NOT NULL REFERENCES options(id) ON DELETE CASCADE,
	votes INTEGER NOT NULL,
	PRIMARY KEY (paper_vote_id, option_id)
);
CREATE TABLE activities (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	region_id TEXT NOT NULL REFERENCES regions(id),
	held_on TEXT NOT NULL,
	organiser TEXT NOT NULL DEFAULT '',
	girls INTEGER NOT NULL DEFAULT 0,
	boys INTEGER NOT NULL DEFAULT 0,
	staff INTEGER NOT NULL DEFAULT 0,
	recorded_by TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX activities_region ON activities(region_id, held_on);
CREATE TABLE activity_proposals (
	activity_id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
	proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	PRIMARY KEY (activity_id, proposal_id)
);
CREATE TABLE targets (
	region_id TEXT NOT NULL REFERENCES regions(id) ON DELETE CASCADE,
	year INTEGER NOT NULL,
	kind TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	set_by TEXT NOT NULL,
	updated_at {{ts}} NOT NULL,
	PRIMARY KEY (region_id, year, kind)
)`},
	// Tables an erasure found too busy to rewrite at once, rewritten as soon as their lock is free
	// (see ScrubOwed), so that erased bytes never stay in PostgreSQL's files for long.
	{id: "0012_scrub_owed", sql: `
CREATE TABLE scrub_owed (
	table_name TEXT PRIMARY KEY,
	since {{ts}} NOT NULL
)`},
	// Statistics and the desk's totals over a whole city: what they sum of the proposals, kept per
	// region and stage by trigger, so that they read a row per region and stage instead of every
	// proposal or a row per body (region_stats.go).
	{id: "0013a_region_stats", run: (*Store).createRegionStats},
	// The median response time of a whole city: published proposals per region and number of
	// days to the first answer, kept by trigger; days are whole, so the median is exact.
	{id: "0013b_response_histogram", run: (*Store).createResponseHistogram},
	// Start-up looks for consents given under an older privacy notice: by index, not by reading
	// every consent.
	{id: "0013c_consent_notice", sql: `
CREATE INDEX consents_notice ON consents(status, notice_version)`},
	// Statistics count the children of a whole city: children per region and consent status,
	// kept by trigger, and the few children whose bodies span regions (region_stats.go).
	{id: "0013d_region_children", run: (*Store).createRegionChildren},
	// Statistics count the proposals overdue now: those awaiting an answer, by deadline, with
	// their body, so that the count reads the index alone.
	{id: "0013e_overdue", sql: `
CREATE INDEX proposals_overdue ON proposals(response_due_at, body_id)
	WHERE first_response_at IS NULL AND visibility = 'published' AND stage <> 'closed'`},
	// Statistics count the overdue proposals of a whole city: those awaiting an answer per
	// region and day of their deadline, kept by trigger (region_stats.go).
	{id: "0013f_region_awaiting", run: (*Store).createRegionAwaiting},
	// An option's vote count moves with its votes, by trigger: a vote is then one statement
	// (CastVote), and no writer of votes can forget the count.
	{id: "0014_vote_counts", run: (*Store).createVoteCounts},
	// A child's marks on a page (supported, voted, evaluated) are looked up by child, then
	// proposal: a child's rows sit together in these indexes, so the lookups of one page read the
	// same few index pages (childPageBits). They replace the indexes on the child alone, which
	// served the same lookups by child (erasure, the foreign keys). The old ones are dropped
	// last: on PostgreSQL a dropped index locks its table until the migration commits, and
	// building the new ones over millions of votes takes seconds.
	{id: "0015_marks_by_child", sql: `
CREATE INDEX supports_by_child ON supports(child_id, proposal_id);
CREATE INDEX votes_by_child ON votes(child_id, proposal_id);
CREATE INDEX evaluations_by_child ON evaluations(child_id, proposal_id);
DROP INDEX supports_child;
DROP INDEX votes_child;
DROP INDEX evaluations_child`},
}

// pgMoveFunction is a PostgreSQL trigger function that keeps a stored count or sum: take the old
// row out (update, delete), then put the new one in (update, insert).
func pgMoveFunction(name, takeOld, addNew string) string {
	return `CREATE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
IF TG_OP IN ('UPDATE', 'DELETE') THEN ` + takeOld + `; END IF;
IF TG_OP IN ('UPDATE', 'INSERT') THEN ` + addNew + `; END IF;
RETURN NULL;
END $$`
}

// createVoteCounts creates the triggers that keep options.vote_count equal to the option's
// votes (VerifyCounts checks it), and counts every option's votes once, so that the triggers
// start from exact counts whatever came before.
func (s *Store) createVoteCounts(tx *gorm.DB) error {
	add := func(sign, row string) string {
		return fmt.Sprintf("UPDATE options SET vote_count = vote_count %s 1 WHERE id = %s.option_id", sign, row)
	}
	var stmts []string
	if s.dialect == DialectPostgres {
		stmts = []string{pgMoveFunction("move_vote_counts", add("-", "OLD"), add("+", "NEW")),
			"CREATE TRIGGER votes_counts AFTER INSERT OR DELETE ON votes FOR EACH ROW EXECUTE FUNCTION move_vote_counts()",
			"CREATE TRIGGER votes_counts_moved AFTER UPDATE OF option_id ON votes FOR EACH ROW " +
				"WHEN (OLD.option_id IS DISTINCT FROM NEW.option_id) EXECUTE FUNCTION move_vote_counts()"}
	} else {
		stmts = []string{
			"CREATE TRIGGER votes_insert_counts AFTER INSERT ON votes BEGIN " + add("+", "NEW") + "; END",
			"CREATE TRIGGER votes_delete_counts AFTER DELETE ON votes BEGIN " + add("-", "OLD") + "; END",
			"CREATE TRIGGER votes_update_counts AFTER UPDATE OF option_id ON votes WHEN OLD.option_id <> NEW.option_id BEGIN " +
				add("-", "OLD") + "; " + add("+", "NEW") + "; END"}
	}
	stmts = append(stmts, "UPDATE options SET vote_count = (SELECT COUNT(*) FROM votes WHERE votes.option_id = options.id)")
	return execEach(tx, stmts)
}

// createProposalCounts creates the counts per body and stage, fills them and creates the
// triggers that keep them.
func (s *Store) createProposalCounts(tx *gorm.DB) error {
	add := func(sign, row string) string {
		return fmt.Sprintf(`INSERT INTO proposal_counts (body_id, stage, n) VALUES (%[2]s.body_id, %[2]s.stage, %[1]s1)
	ON CONFLICT (body_id, stage) DO UPDATE SET n = proposal_counts.n %[1]s 1`, sign, row)
	}
	stmts := []string{
		"CREATE TABLE proposal_counts (body_id TEXT NOT NULL, stage TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (body_id, stage))",
		"INSERT INTO proposal_counts (body_id, stage, n) SELECT body_id, stage, COUNT(*) FROM proposals GROUP BY body_id, stage",
	}
	if s.dialect == DialectPostgres {
		stmts = append(stmts, pgMoveFunction("move_proposal_counts", add("-", "OLD"), add("+", "NEW")),
			"CREATE TRIGGER proposals_counts AFTER INSERT OR DELETE ON proposals FOR EACH ROW EXECUTE FUNCTION move_proposal_counts()",
			"CREATE TRIGGER proposals_counts_moved AFTER UPDATE OF body_id, stage ON proposals FOR EACH ROW "+
				"WHEN (OLD.body_id IS DISTINCT FROM NEW.body_id OR OLD.stage IS DISTINCT FROM NEW.stage) EXECUTE FUNCTION move_proposal_counts()")
	} else {
		stmts = append(stmts,
			"CREATE TRIGGER proposals_insert_counts AFTER INSERT ON proposals BEGIN "+add("+", "NEW")+"; END",
			"CREATE TRIGGER proposals_delete_counts AFTER DELETE ON proposals BEGIN "+add("-", "OLD")+"; END",
			"CREATE TRIGGER proposals_update_counts AFTER UPDATE OF body_id, stage ON proposals "+
				"WHEN OLD.body_id <> NEW.body_id OR OLD.stage <> NEW.stage BEGIN "+add("-", "OLD")+"; "+add("+", "NEW")+"; END")
	}
	return execEach(tx, stmts)
}

// createEvaluationSums adds the sums, fills them from the evaluations stored, and creates the
// triggers that keep them.
func (s *Store) createEvaluationSums(tx *gorm.DB) error {
	stmts := []string{}
	for _, col := range []string{"eval_count", "eval_safety", "eval_fun", "eval_access", "eval_looks"} {
		stmts = append(stmts, "ALTER TABLE proposals ADD COLUMN "+col+" INTEGER NOT NULL DEFAULT 0")
	}
	stmts = append(stmts, `UPDATE proposals SET eval_count = (SELECT COUNT(*) FROM evaluations e WHERE e.proposal_id = proposals.id),
	eval_safety = (SELECT COALESCE(SUM(safety), 0) FROM evaluations e WHERE e.proposal_id = proposals.id),
	eval_fun = (SELECT COALESCE(SUM(fun), 0) FROM evaluations e WHERE e.proposal_id = proposals.id),
	eval_access = (SELECT COALESCE(SUM(access), 0) FROM evaluations e WHERE e.proposal_id = proposals.id),
	eval_looks = (SELECT COALESCE(SUM(looks), 0) FROM evaluations e WHERE e.proposal_id = proposals.id)`)
	move := func(sign, row string) string {
		return fmt.Sprintf(`UPDATE proposals SET eval_count = eval_count %[1]s 1, eval_safety = eval_safety %[1]s %[2]s.safety,
	eval_fun = eval_fun %[1]s %[2]s.fun, eval_access = eval_access %[1]s %[2]s.access, eval_looks = eval_looks %[1]s %[2]s.looks
	WHERE id = %[2]s.proposal_id`, sign, row)
	}
	if s.dialect == DialectPostgres {
		stmts = append(stmts, pgMoveFunction("move_evaluation_sums", move("-", "OLD"), move("+", "NEW")),
			"CREATE TRIGGER evaluations_sums AFTER INSERT OR DELETE OR UPDATE OF proposal_id, safety, fun, access, looks ON evaluations FOR EACH ROW EXECUTE FUNCTION move_evaluation_sums()")
	} else {
		stmts = append(stmts,
			"CREATE TRIGGER evaluations_insert_sums AFTER INSERT ON evaluations BEGIN "+move("+", "NEW")+"; END",
			"CREATE TRIGGER evaluations_delete_sums AFTER DELETE ON evaluations BEGIN "+move("-", "OLD")+"; END",
			"CREATE TRIGGER evaluations_update_sums AFTER UPDATE OF proposal_id, safety, fun, access, looks ON evaluations BEGIN "+
				move("-", "OLD")+"; "+move("+", "NEW")+"; END")
	}
	return execEach(tx, stmts)
}

// authEpochTables are the tables an actor is read from, and the changes to them that make a
// kept actor stale (a new session or a new child makes none stale).
var authEpochTables = []struct{ table, events string }{
	{"sessions", "UPDATE OR DELETE"},
	{"children", "UPDATE OR DELETE"},
	{"staff", "UPDATE OR DELETE"},
	{"memberships", "INSERT OR UPDATE OR DELETE"},
	{"staff_bodies", "INSERT OR UPDATE OR DELETE"},
	{"bodies", "UPDATE OR DELETE"},
	{"regions", "UPDATE OR DELETE"},
}

// createAuthEpoch creates the one-row counter and the triggers that move it, in each dialect's
// own words.
func (s *Store) createAuthEpoch(tx *gorm.DB) error {
	stmts := []string{
		"CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
		"INSERT INTO auth_epoch (id, version) VALUES (1, 0)",
	}
	if s.dialect == DialectPostgres {
		// Once per statement that changed rows: a statement changing many rows moves the
		// counter once, where a trigger per row would update one row thousands of times in a
		// transaction, each update slower than the last.
		stmts = append(stmts, `CREATE FUNCTION bump_auth_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF EXISTS (SELECT 1 FROM changed) THEN UPDATE auth_epoch SET version = version + 1 WHERE id = 1; END IF; RETURN NULL; END $$`)
		for _, t := range authEpochTables {
			for _, ev := range strings.Split(t.events, " OR ") {
				rows := "NEW"
				if ev == "DELETE" {
					rows = "OLD"
				}
				stmts = append(stmts, fmt.Sprintf("CREATE TRIGGER %s_%s_auth_epoch AFTER %s ON %s REFERENCING %s TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_epoch()",
					t.table, strings.ToLower(ev), ev, t.table, rows))
			}
		}
	} else {
		for _, t := range authEpochTables {
			for _, ev := range strings.Split(t.events, " OR ") {
				stmts = append(stmts, fmt.Sprintf("CREATE TRIGGER %s_%s_auth_epoch AFTER %s ON %s BEGIN UPDATE auth_epoch SET version = version + 1 WHERE id = 1; END",
					t.table, strings.ToLower(ev), ev, t.table))
			}
		}
	}
	return execEach(tx, stmts)
}

// sealRelations seals the relation of every guardian and consent stored before it was sealed.
// It first checks that the data key opens the contacts sealed already: run with another key (on
// another machine, or without the configured key, which generates a fresh one) it would seal
// the relations so that the running instances could never read them back.
func (s *Store) sealRelations(tx *gorm.DB) error {
	var contacts []string
	if err := tx.Table("guardians").Where("contact <> ''").Limit(1).Pluck("contact", &contacts).Error; err != nil {
		return err
	}
	if len(contacts) > 0 && s.sealer.open(contacts[0]) == "" {
		return errors.New("the data key does not open the guardians' contacts sealed in this database: " +
			"run the upgrade with the data key the server uses; nothing was changed")
	}
	for _, table := range []string{"guardians", "consents"} {
		var rows []struct{ ID, Relation string }
		if err := tx.Table(table).Select("id, relation").Where("relation <> ''").Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.Table(table).Where("id = ?", r.ID).Update("relation", s.sealer.seal(r.Relation)).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) spell(sql string) string {
	ts, boolean := "DATETIME", "BOOLEAN"
	if s.dialect == DialectPostgres {
		ts = "TIMESTAMPTZ"
	}
	return strings.NewReplacer("{{ts}}", ts, "{{bool}}", boolean).Replace(sql)
}

// migrationLock is the PostgreSQL advisory lock key under which migrations run ("tongshen").
const migrationLock int64 = 0x746f6e677368656e

// lockMigrations takes the migration lock on PostgreSQL, where several instances may start on
// one database at once: they take turns, and the later ones find nothing left to run. The lock
// belongs to one session, so it is taken on a connection of its own; if unlocking fails, that
// connection is dropped, which ends the session and its lock. SQLite runs one instance per file.
func (s *Store) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if s.dialect != DialectPostgres {
		return func() {}, nil
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	return func() {
		if _, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLock); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // discards the connection: its session ends, and the lock with it
		}
		conn.Close()
	}, nil
}

// Migrate runs the migrations that have not run yet and returns their IDs. On PostgreSQL it
// holds the migration lock meanwhile (see lockMigrations).
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	unlock, err := s.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	db := s.db.WithContext(ctx)
	if err := db.Exec(s.spell(`CREATE TABLE IF NOT EXISTS schema_migrations (
		id TEXT PRIMARY KEY, applied_at {{ts}} NOT NULL)`)).Error; err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var done []string
	if err := db.Raw("SELECT id FROM schema_migrations").Scan(&done).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	ran := map[string]bool{}
	for _, id := range done {
		ran[id] = true
	}
	var applied []string
	for _, m := range migrations {
		if ran[m.id] {
			continue
		}
		err := s.tx(ctx, func(tx *gorm.DB) error {
			for _, stmt := range strings.Split(s.spell(m.sql), ";\n") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			if m.run != nil {
				if err := m.run(s, tx); err != nil {
					return err
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", m.id, time.Now().UTC()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.id, err)
		}
		applied = append(applied, m.id)
	}
	return applied, nil
}

// execEach runs statements in order, stopping at the first that fails.
func execEach(tx *gorm.DB, stmts []string) error {
	for _, stmt := range stmts {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
