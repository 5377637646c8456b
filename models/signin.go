package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Sign-in limits of API.md "Settled details".
const (
	MaxAccountFailures = 5                // in a row, then the account is locked
	AccountLockTime    = 15 * time.Minute // how long
	AddressWindow      = 10 * time.Minute // per client address …
	MaxAddressFailures = 60               // … at most this many failed sign-ins (a class shares one address)
)

type accountLock struct {
	Account     string `gorm:"primaryKey"`
	Failures    int
	LockedUntil *time.Time
	UpdatedAt   time.Time
}

func (accountLock) TableName() string { return "account_locks" }

type signInFailure struct {
	ID      string
	Address string
	At      time.Time
}

func (signInFailure) TableName() string { return "sign_in_failures" }

// SignIn is a sign-in attempt. Locale is the caller's language, kept for a first sign-in.
type SignIn struct {
	Address string
	Locale  string
}

// StaffSignIn checks a username and password; the attempt counts against the limits before the
// password is checked. Returns unauthenticated for a wrong pair, locked while the account is
// locked, too_many_requests when the address has failed too often.
func (s *Store) StaffSignIn(ctx context.Context, username, password string, at SignIn) (*Actor, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	r, err := s.reserveSignIn(ctx, "staff:"+username, at.Address)
	if err != nil {
		return nil, err
	}
	var st Staff
	err = s.db.WithContext(ctx).Where("username = ?", username).Take(&st).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("find staff: %w", err)
	}
	if !s.checkSecret(password, st.PasswordHash) {
		return nil, Errorf(CodeUnauthenticated, "error.sign_in_failed")
	}
	if err := s.signInSucceeded(ctx, r); err != nil {
		return nil, err
	}
	if st.Locale == "" && at.Locale != "" {
		st.Locale = at.Locale
		if err := s.db.WithContext(ctx).Model(&Staff{}).Where("id = ?", st.ID).Update("locale", at.Locale).Error; err != nil {
			return nil, fmt.Errorf("record locale: %w", err)
		}
	}
	return s.staffActor(ctx, &st)
}

// ChildSignIn checks a body's join code, a login name and a PIN, with the same limits. The PIN
// is the child's, whichever body they sign in through, so the failures are counted per child:
// a child in two bodies gets no more guesses than a child in one. An unknown account is
// counted by its name, after the same lookup, so that it answers like a known one.
func (s *Store) ChildSignIn(ctx context.Context, joinCode, loginName, pin string, at SignIn) (*Actor, error) {
	joinCode = NormaliseJoinCode(joinCode)
	loginName = strings.ToLower(strings.TrimSpace(loginName))
	var c Child
	err := s.db.WithContext(ctx).Model(&Child{}).
		Joins("JOIN memberships ON memberships.child_id = children.id").
		Joins("JOIN bodies ON bodies.id = memberships.body_id").
		Where("bodies.join_code = ? AND memberships.login_name = ?", joinCode, loginName).
		Take(&c).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("find child: %w", err)
	}
	account := "child:" + joinCode + ":" + loginName
	if c.ID != "" {
		account = childAccount(c.ID)
	}
	r, err := s.reserveSignIn(ctx, account, at.Address)
	if err != nil {
		return nil, err
	}
	if !s.checkSecret(pin, c.PINHash) {
		return nil, Errorf(CodeUnauthenticated, "error.sign_in_failed")
	}
	if err := s.signInSucceeded(ctx, r); err != nil {
		return nil, err
	}
	if c.Locale == "" && at.Locale != "" {
		c.Locale = at.Locale
		if err := s.db.WithContext(ctx).Model(&Child{}).Where("id = ?", c.ID).Update("locale", at.Locale).Error; err != nil {
			return nil, fmt.Errorf("record locale: %w", err)
		}
	}
	return s.childActor(ctx, &c)
}

// childAccount is the key a child's sign-in failures are counted under.
func childAccount(childID string) string { return "child:" + childID }

// signInReservation is an attempt counted against the sign-in limits before its secret is
// checked: the account's run of failures and one failure row of the client address. A wrong
// secret leaves both as they are, so the failure is already counted; a right one takes them back.
type signInReservation struct {
	account   string
	failureID string
	failures  int // the account's run of failures, this attempt included, when it was reserved
}

// addressLockClass keys PostgreSQL's advisory locks on client addresses, apart from any other
// advisory lock the database may carry.
const addressLockClass = 0x7473

// reserveSignIn counts an attempt on account from address before anything is checked, so
// that simultaneous guesses cannot pass the limits together: at most MaxAccountFailures
// attempts in a row per account and MaxAddressFailures per address and window are ever checked.
// It is one transaction: the address's count is serialised by a lock (the write lock on
// SQLite, an advisory lock on PostgreSQL, so several instances share it), and the account's
// count is one statement that increments and returns. Returns locked while the account is
// locked, too_many_requests when the address has failed too often; a refused attempt counts
// for nothing.
func (s *Store) reserveSignIn(ctx context.Context, account, address string) (*signInReservation, error) {
	now := s.Now()
	r := &signInReservation{account: account, failureID: NewID(now)}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?, hashtext(?))", addressLockClass, address).Error; err != nil {
				return err
			}
		}
		// Old address failures are no longer counted; drop them as we go.
		if err := tx.Where("address = ? AND at <= ?", address, now.Add(-AddressWindow)).Delete(&signInFailure{}).Error; err != nil {
			return err
		}
		var recent []time.Time
		if err := tx.Model(&signInFailure{}).Where("address = ?", address).Order("at").
			Limit(MaxAddressFailures).Pluck("at", &recent).Error; err != nil {
			return err
		}
		if len(recent) >= MaxAddressFailures {
			return &Error{Code: CodeTooManyRequests, RetryAfter: retryAfter(recent[0].Add(AddressWindow), now)}
		}
		// An expired lock starts the run again; otherwise the run grows by this attempt.
		var failures []int
		err := tx.Raw(`INSERT INTO account_locks (account, failures, locked_until, updated_at) VALUES (?, 1, NULL, ?)
ON CONFLICT (account) DO UPDATE SET
	failures = CASE WHEN account_locks.locked_until <= ? THEN 1 ELSE account_locks.failures + 1 END,
	locked_until = CASE WHEN account_locks.locked_until <= ? THEN NULL ELSE account_locks.locked_until END,
	updated_at = ?
RETURNING failures`, account, now, now, now, now).Scan(&failures).Error
		if err != nil {
			return err
		}
		if len(failures) != 1 {
			return fmt.Errorf("count attempt: %d rows", len(failures))
		}
		r.failures = failures[0]
		switch n := failures[0]; {
		case n > MaxAccountFailures:
			var lock accountLock
			if err := tx.Where("account = ?", account).Take(&lock).Error; err != nil {
				return err
			}
			until := now.Add(AccountLockTime)
			if lock.LockedUntil != nil {
				until = *lock.LockedUntil
			}
			return &Error{Code: CodeLocked, RetryAfter: retryAfter(until, now)} // rolls the count back
		case n == MaxAccountFailures:
			// The last attempt allowed locks the account at once; if it (or one still being
			// checked) is right, its success lifts the lock again.
			if err := tx.Model(&accountLock{}).Where("account = ? AND locked_until IS NULL", account).
				Update("locked_until", now.Add(AccountLockTime)).Error; err != nil {
				return err
			}
		}
		return tx.Create(&signInFailure{ID: r.failureID, Address: address, At: now}).Error
	})
	var dom *Error
	if errors.As(err, &dom) {
		return nil, dom
	}
	if err != nil {
		return nil, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return r, nil
}

// signInSucceeded takes the reservation back: a right secret is no failure of the address,
// and it ends the account's run of failures up to its own attempt (and the lock that run set).
// Attempts reserved after it started, still being checked, stay counted.
func (s *Store) signInSucceeded(ctx context.Context, r *signInReservation) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", r.failureID).Delete(&signInFailure{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&accountLock{}).Where("account = ?", r.account).Updates(map[string]any{
			"failures": gorm.Expr("failures - ?", r.failures), "locked_until": nil, "updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return tx.Where("account = ? AND failures <= 0", r.account).Delete(&accountLock{}).Error
	})
	if err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}

func retryAfter(until, now time.Time) time.Duration {
	d := until.Sub(now).Round(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return d
}

// checkSecret compares a PIN or password with its hash (in constant time), after the attempt
// has been reserved; the hook lets tests count and pace the comparisons.
func (s *Store) checkSecret(secret, encoded string) bool {
	if f := s.secretCheckHook.Load(); f != nil {
		(*f)()
	}
	return s.hasher.verify(secret, encoded)
}

// OnSecretCheck sets a function called just before each sign-in compares a PIN or password
// with its hash, so tests can count and pace the comparisons; nil removes it.
func (s *Store) OnSecretCheck(f func()) {
	if f == nil {
		s.secretCheckHook.Store(nil)
		return
	}
	s.secretCheckHook.Store(&f)
}
