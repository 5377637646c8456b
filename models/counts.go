package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Stored counts: supports and published comments per proposal, votes per option. They change
// only through the functions below, inside the proposal's locked transaction (onProposal), and
// VerifyCounts checks them against the rows they count.

// addSupports moves a proposal's support count by change.
func addSupports(tx *gorm.DB, proposalID string, change int64) error {
	return tx.Model(&Proposal{}).Where("id = ?", proposalID).Update("support_count", gorm.Expr("support_count + ?", change)).Error
}

// addComments moves a proposal's count of published comments by delta.
func addComments(tx *gorm.DB, proposalID string, delta int) error {
	return tx.Model(&Proposal{}).Where("id = ?", proposalID).Update("comment_count", gorm.Expr("comment_count + ?", delta)).Error
}

// recountComments sets a proposal's comment count from its published comments, after a
// withdrawal took some of them away.
func recountComments(tx *gorm.DB, proposalID string) error {
	return tx.Exec(`UPDATE proposals SET comment_count = (SELECT COUNT(*) FROM comments
		WHERE comments.proposal_id = proposals.id AND comments.visibility = ?) WHERE id = ?`, VisibilityPublished, proposalID).Error
}

// addVotes moves an option's vote count by delta.
func addVotes(tx *gorm.DB, optionID string, delta int) error {
	return tx.Model(&Option{}).Where("id = ?", optionID).Update("vote_count", gorm.Expr("vote_count + ?", delta)).Error
}

// VerifyCounts compares every stored count with a fresh count of rows and describes each
// difference; none means the counts are exact.
func (s *Store) VerifyCounts(ctx context.Context) ([]string, error) {
	checks := []struct{ what, sql string }{
		{"support_count", `SELECT id, support_count AS stored, (SELECT COUNT(*) FROM supports WHERE supports.proposal_id = proposals.id) AS fresh FROM proposals`},
		{"comment_count", `SELECT id, comment_count AS stored, (SELECT COUNT(*) FROM comments WHERE comments.proposal_id = proposals.id AND comments.visibility = 'published') AS fresh FROM proposals`},
		{"vote_count", `SELECT id, vote_count AS stored, (SELECT COUNT(*) FROM votes WHERE votes.option_id = options.id) AS fresh FROM options`},
		{"eval_count", `SELECT id, eval_count AS stored, (SELECT COUNT(*) FROM evaluations WHERE evaluations.proposal_id = proposals.id) AS fresh FROM proposals`},
		{"eval_safety", `SELECT id, eval_safety AS stored, (SELECT COALESCE(SUM(safety), 0) FROM evaluations WHERE evaluations.proposal_id = proposals.id) AS fresh FROM proposals`},
		{"eval_fun", `SELECT id, eval_fun AS stored, (SELECT COALESCE(SUM(fun), 0) FROM evaluations WHERE evaluations.proposal_id = proposals.id) AS fresh FROM proposals`},
		{"eval_access", `SELECT id, eval_access AS stored, (SELECT COALESCE(SUM(access), 0) FROM evaluations WHERE evaluations.proposal_id = proposals.id) AS fresh FROM proposals`},
		{"eval_looks", `SELECT id, eval_looks AS stored, (SELECT COALESCE(SUM(looks), 0) FROM evaluations WHERE evaluations.proposal_id = proposals.id) AS fresh FROM proposals`},
	}
	checks = append(checks, struct{ what, sql string }{"proposal_counts", `SELECT body_id || '/' || stage AS id, SUM(stored) AS stored, SUM(fresh) AS fresh FROM (
		SELECT body_id, stage, n AS stored, 0 AS fresh FROM proposal_counts
		UNION ALL SELECT body_id, stage, 0, COUNT(*) FROM proposals GROUP BY body_id, stage) AS both_sides GROUP BY body_id, stage`})
	checks = append(checks, regionChecks()...)
	checks = append(checks, childrenChecks()...)
	checks = append(checks, s.awaitingCheck())
	var diffs []string
	for _, c := range checks {
		var rows []struct {
			ID            string
			Stored, Fresh int
		}
		if err := s.db.WithContext(ctx).Raw("SELECT * FROM (" + c.sql + ") AS counts WHERE stored <> fresh").Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("verify %s: %w", c.what, err)
		}
		for _, r := range rows {
			diffs = append(diffs, fmt.Sprintf("%s of %s: stored %d, counted %d", c.what, r.ID, r.Stored, r.Fresh))
		}
	}
	days, err := s.verifyResponseDays(ctx)
	if err != nil {
		return nil, err
	}
	return append(diffs, days...), nil
}
