package models

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Withdrawal is a guardian's withdrawal of consent. Erase is the guardian's choice, which must
// be made: every text the child wrote removed (true), or kept as "a participant" (false).
// Reference names the paper form when staff record it.
type Withdrawal struct {
	Erase     *bool
	Reference string
}

// erase returns the guardian's choice, or validation_failed when none was made: nobody decides
// for the guardian whether the child's words stay.
func (w Withdrawal) erase() (bool, error) {
	if w.Erase == nil {
		var v Invalid
		v.Add("erase", "field.required", nil)
		return false, v.Err()
	}
	return *w.Erase, nil
}

// WithdrawConsent ends a child's participation at once, by the guardian's link. With erase,
// every text the child wrote is removed; without, it stays as "a participant". Either way the
// child's sessions end in the same transaction, and their personal fields and the guardian's
// contact are removed; the record of the consent events is kept. The link stays valid for
// viewing and export; withdrawing again on it erases, when asked, what the first kept. Returns validation_failed
// when the erase choice is missing, not_found, too_many_requests.
func (s *Store) WithdrawConsent(ctx context.Context, token, address string, w Withdrawal) error {
	erase, err := w.erase()
	if err != nil {
		return err
	}
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return err
	}
	if c.Status == ConsentWithdrawn && !erase {
		return nil // withdrawn already; erasing what was kept is still the guardian's to choose
	}
	if c.Status != ConsentActive && c.Status != ConsentWithdrawn && child.ConsentStatus != ConsentPending {
		return ErrNotFound
	}
	return s.withdraw(ctx, guardianActor(c), child.ID, erase, "consent.withdraw")
}

// WithdrawOnPaper records a guardian's withdrawal on paper, by staff, with the form's reference.
// Returns validation_failed (the erase choice and the reference are required), not_found,
// forbidden, conflict when already withdrawn.
func (s *Store) WithdrawOnPaper(ctx context.Context, a *Actor, childID string, w Withdrawal) error {
	erase, err := w.erase()
	if err != nil {
		return err
	}
	reference := w.Reference
	c, err := s.staffChildTakingPart(ctx, a, childID)
	if err != nil {
		return err
	}
	var v Invalid
	reference = clean(reference)
	v.length("reference", reference, 1, 100)
	if err := v.Err(); err != nil {
		return err
	}
	return s.withdraw(ctx, a, c.ID, erase, "consent.withdraw_paper:"+reference)
}

// withdraw removes a child from participation in one transaction, so that a failure halfway
// leaves nothing half-erased, and then makes sure the erased bytes are gone from the files.
func (s *Store) withdraw(ctx context.Context, a *Actor, childID string, erase bool, action string) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.anonymise(tx, childID, erase, false); err != nil {
			return err
		}
		detail := "keep"
		if erase {
			detail = "erase"
		}
		act, ref, _ := strings.Cut(action, ":")
		if ref != "" {
			detail += " " + ref
		}
		return s.audit(tx, a, act, "child", childID, detail)
	})
	if err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	return s.scrub(ctx)
}

// anonymise removes a child's personal data inside a transaction. purge also removes what
// withdrawal keeps until then: the login names and the PIN hash.
func (s *Store) anonymise(tx *gorm.DB, childID string, erase, purge bool) error {
	now := s.Now()
	child := map[string]any{"nickname": "", "real_name": "", "birth_year": 0, "birth_month": 0, "sex": "",
		"consent_status": ConsentWithdrawn, "show_publicly": false, "locale": ""}
	if purge {
		child["login_name"], child["pin_hash"] = "", ""
	}
	steps := []func() error{
		func() error { return tx.Model(&Child{}).Where("id = ?", childID).Updates(child).Error },
		func() error { return tx.Where("child_id = ?", childID).Delete(&Guardian{}).Error },
		func() error {
			if err := tx.Model(&Consent{}).Where("child_id = ?", childID).
				Updates(map[string]any{"guardian_name": "", "relation": ""}).Error; err != nil {
				return err
			}
			// The guardian's granted link keeps working after withdrawal, to see the withdrawn state
			// and export what is still held, until purge; an unanswered link is spent.
			spent := tx.Model(&Consent{}).Where("child_id = ?", childID)
			if !purge {
				spent = spent.Where("status NOT IN ?", []string{ConsentActive, ConsentWithdrawn})
			}
			return spent.Update("token_hash", nil).Error
		},
		func() error {
			return tx.Model(&Consent{}).Where("child_id = ? AND status IN ?", childID, []string{ConsentActive, ConsentPending}).
				Updates(map[string]any{"status": ConsentWithdrawn, "withdrawn_at": now}).Error
		},
		func() error { return tx.Where("user_id = ?", childID).Delete(&Session{}).Error }, // signed out everywhere, at once
		func() error { return tx.Where("user_id = ?", childID).Delete(&Notification{}).Error },
		// The first answers kept for repeated creates hold the child's words.
		func() error { return tx.Where("user_id = ?", childID).Delete(&idempotencyKey{}).Error },
		func() error {
			// A cry for help written in a report's reason goes with the report.
			if err := tx.Where("target_type = ? AND target_id IN (?)", TargetReport,
				tx.Model(&Report{}).Select("id").Where("reporter_id = ?", childID)).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			return tx.Where("reporter_id = ?", childID).Delete(&Report{}).Error
		},
		// Votes and supports stay as anonymous counts.
		func() error { return tx.Model(&Support{}).Where("child_id = ?", childID).Update("child_id", nil).Error },
		func() error { return tx.Model(&Vote{}).Where("child_id = ?", childID).Update("child_id", nil).Error },
	}
	if purge {
		steps = append(steps, func() error { return tx.Where("child_id = ?", childID).Delete(&Membership{}).Error })
	}
	if erase {
		steps = append(steps, func() error { return s.eraseTexts(tx, childID) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// eraseTexts deletes every text a child wrote. A proposal others took part in stays as a shell:
// no title or description, only the mark Erased, which readers see as "withdrawn by its author"
// in their own language; the rest go. Counts are recounted for every proposal touched.
func (s *Store) eraseTexts(tx *gorm.DB, childID string) error {
	var touched []string
	if err := tx.Model(&Comment{}).Where("author_id = ? AND author_role = ?", childID, RoleChild).Distinct().
		Pluck("proposal_id", &touched).Error; err != nil {
		return err
	}
	var own []Proposal
	if err := tx.Where("author_id = ?", childID).Find(&own).Error; err != nil {
		return err
	}
	steps := []func() error{
		func() error {
			var ids []string
			if err := tx.Model(&Comment{}).Where("author_id = ? AND author_role = ?", childID, RoleChild).Pluck("id", &ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			if err := tx.Where("target_type = ? AND target_id IN ?", TargetComment, ids).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			return tx.Where("id IN ? OR parent_id IN ?", ids, ids).Delete(&Comment{}).Error // replies go with their comment
		},
		func() error {
			return tx.Model(&Evaluation{}).Where("child_id = ?", childID).Updates(map[string]any{"comment": "", "child_id": nil}).Error
		},
		func() error {
			return tx.Where("author_id = ? AND author_role = ?", childID, RoleChild).Delete(&Inspection{}).Error
		},
		func() error {
			return tx.Model(&ModerationItem{}).Where("author_id = ?", childID).Update("author_id", nil).Error
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, p := range own {
		var others int64
		err := tx.Raw(`SELECT (SELECT COUNT(*) FROM supports WHERE proposal_id = ?) + (SELECT COUNT(*) FROM votes WHERE proposal_id = ?)
			+ (SELECT COUNT(*) FROM comments WHERE proposal_id = ?) + (SELECT COUNT(*) FROM evaluations WHERE proposal_id = ?)
			+ (SELECT COUNT(*) FROM decisions WHERE proposal_id = ?)`, p.ID, p.ID, p.ID, p.ID, p.ID).Scan(&others).Error
		if err != nil {
			return err
		}
		if others == 0 {
			if err := tx.Where("target_type = ? AND target_id = ?", TargetProposal, p.ID).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			if err := tx.Where("id = ?", p.ID).Delete(&Proposal{}).Error; err != nil {
				return err
			}
			continue
		}
		if err := tx.Model(&Proposal{}).Where("id = ?", p.ID).Updates(map[string]any{
			"title": "", "description": "", "author_id": nil, "erased": true}).Error; err != nil {
			return err
		}
		touched = append(touched, p.ID)
	}
	for _, id := range touched {
		if err := recountComments(tx, id); err != nil {
			return err
		}
	}
	return nil
}
