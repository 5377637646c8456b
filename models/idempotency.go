package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IdempotencyWindow is how long a create's Idempotency-Key answers with its first result.
const IdempotencyWindow = 24 * time.Hour

// idempotencyWait is how long a request whose key is still being answered by a simultaneous
// one waits for that answer before it is told to try again.
const idempotencyWait = 15 * time.Second

// idempotencyAbandoned is the age after which a claim that never got its answer (its server
// stopped halfway) no longer holds the key.
const idempotencyAbandoned = time.Minute

// idempotencyKey is one key a user sent with a create, under the request it was sent with
// (method and path), and the first answer to it; Status 0 marks a request still being answered.
type idempotencyKey struct {
	UserID    string
	Scope     string
	Key       string
	Status    int
	Body      string
	CreatedAt time.Time
}

// IdempotentResult is the answer to a create: the status and the body sent back.
type IdempotentResult struct {
	Status int
	Body   []byte
}

// Once runs create at most once for the user's key within IdempotencyWindow: the first request
// with the key claims it (an insert that only one of simultaneous requests can win) and runs
// create; any later request with the same key gets the first result again, replayed = true,
// after waiting for it if it is still being made. A create that fails releases the key, so a
// corrected retry with the same key goes through. Returns create's error, or conflict when the
// first request takes too long.
func (s *Store) Once(ctx context.Context, userID, scope, key string, create func() (IdempotentResult, error)) (res IdempotentResult, replayed bool, err error) {
	db := s.db.WithContext(ctx)
	deadline := time.Now().Add(idempotencyWait)
	where := "user_id = ? AND scope = ? AND key = ?"
	for {
		now := s.Now()
		if err := db.Where("user_id = ? AND created_at < ?", userID, now.Add(-IdempotencyWindow)).Delete(&idempotencyKey{}).Error; err != nil {
			return res, false, fmt.Errorf("expire idempotency keys: %w", err)
		}
		claim := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&idempotencyKey{UserID: userID, Scope: scope, Key: key, CreatedAt: now})
		if claim.Error != nil {
			return res, false, fmt.Errorf("claim idempotency key: %w", claim.Error)
		}
		if claim.RowsAffected == 1 {
			res, err := create()
			// The key's fate is recorded even if the client has gone.
			done := s.db.WithContext(context.WithoutCancel(ctx))
			if err != nil || res.Status >= 300 {
				if derr := done.Where(where, userID, scope, key).Delete(&idempotencyKey{}).Error; derr != nil && err == nil {
					err = fmt.Errorf("release idempotency key: %w", derr)
				}
				return res, false, err
			}
			if err := done.Model(&idempotencyKey{}).Where(where, userID, scope, key).
				Updates(map[string]any{"status": res.Status, "body": string(res.Body)}).Error; err != nil {
				return res, false, fmt.Errorf("record idempotent result: %w", err)
			}
			return res, false, nil
		}
		var first idempotencyKey
		err := db.Where(where, userID, scope, key).Take(&first).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			continue // released by a failed first request: this one may try
		case err != nil:
			return res, false, fmt.Errorf("read idempotency key: %w", err)
		case first.Status != 0:
			return IdempotentResult{Status: first.Status, Body: []byte(first.Body)}, true, nil
		case first.CreatedAt.Before(now.Add(-idempotencyAbandoned)):
			if err := db.Where(where+" AND status = 0 AND created_at = ?", userID, scope, key, first.CreatedAt).Delete(&idempotencyKey{}).Error; err != nil {
				return res, false, fmt.Errorf("drop abandoned idempotency key: %w", err)
			}
			continue
		}
		if time.Now().After(deadline) {
			return res, false, Errorf(CodeConflict, "error.idempotency_in_progress")
		}
		select {
		case <-ctx.Done():
			return res, false, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
