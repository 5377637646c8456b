package models

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// The hot paths (a child's page, a vote, the session check) run a few fixed statements many
// times a second. They skip GORM's statement building and reflection and run prepared statements
// through database/sql: SQLite then parses each statement once per connection instead of once
// per use. The lists of staff, searches and the public notice are built by GORM and then run the
// same way (queryBuilt), their statements kept apart.

// hotStmtsMax bounds the statements kept; a statement past it is prepared for one use.
const hotStmtsMax = 64

// hotStmts keeps prepared statements by their text (written with ? placeholders).
type hotStmts struct {
	db *gorm.DB // prepared on db's pool
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// stmt returns the prepared form of query, written with ? placeholders, and whether it is kept
// (a statement not kept must be closed by the caller).
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, bool, error) {
	return s.stmtIn(ctx, &s.hot, query)
}

// stmtIn is stmt with the statement kept in h.
func (s *Store) stmtIn(ctx context.Context, h *hotStmts, query string) (*sql.Stmt, bool, error) {
	h.mu.Lock()
	st, ok := h.m[query]
	h.mu.Unlock()
	if ok {
		return st, true, nil
	}
	sqlDB, err := h.db.DB()
	if err != nil {
		return nil, false, err
	}
	st, err = sqlDB.PrepareContext(ctx, s.rebind(query))
	if err != nil {
		return nil, false, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if old, ok := h.m[query]; ok {
		st.Close()
		return old, true, nil
	}
	if len(h.m) >= hotStmtsMax {
		return st, false, nil
	}
	if h.m == nil {
		h.m = map[string]*sql.Stmt{}
	}
	h.m[query] = st
	return st, true, nil
}

// query runs a read through a prepared statement; tx, when not nil, is the GORM transaction it
// belongs to.
func (s *Store) query(ctx context.Context, tx *gorm.DB, query string, args ...any) (*sql.Rows, error) {
	return s.queryIn(ctx, tx, &s.hot, query, args...)
}

// queryBuilt runs a read built by GORM (packedPage, scanBuilt) through a prepared statement
// kept apart from the hot paths' own: the lists' many filters and orders make many texts, which
// must not take the places of a child's page and a vote.
func (s *Store) queryBuilt(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.queryIn(ctx, nil, &s.built, query, args...)
}

// queryIn is query with its statement kept in h.
func (s *Store) queryIn(ctx context.Context, tx *gorm.DB, h *hotStmts, query string, args ...any) (*sql.Rows, error) {
	if s.traceHot != nil {
		s.traceHot(query, args)
	}
	st, done, err := s.stmtFor(ctx, tx, h, query)
	if err != nil {
		return nil, err
	}
	defer done()
	return st.QueryContext(ctx, args...)
}

// exec runs a write through a prepared statement within the GORM transaction tx (or none).
func (s *Store) exec(ctx context.Context, tx *gorm.DB, query string, args ...any) (sql.Result, error) {
	if s.traceHot != nil {
		s.traceHot(query, args)
	}
	st, done, err := s.stmtFor(ctx, tx, &s.hot, query)
	if err != nil {
		return nil, err
	}
	defer done()
	return st.ExecContext(ctx, args...)
}

// stmtFor returns query prepared for tx (or for the pool when tx is nil), kept in h, and what
// to call once it has been used (rows read from it stay readable). Within a transaction a
// statement not yet kept is prepared on the transaction's connection: waiting for another
// connection of the pool there could wait for ever, every connection being held by a writer
// queued behind this one.
func (s *Store) stmtFor(ctx context.Context, tx *gorm.DB, h *hotStmts, query string) (*sql.Stmt, func(), error) {
	var t *sql.Tx
	if tx != nil {
		if h == &s.hot {
			h = &s.whot // a write transaction's statements, prepared on the writer (tx)
		}
		var ok bool
		if t, ok = tx.Statement.ConnPool.(*sql.Tx); !ok {
			return nil, nil, fmt.Errorf("hot statement outside a database/sql transaction")
		}
		h.mu.Lock()
		st, kept := h.m[query]
		h.mu.Unlock()
		if !kept {
			st, err := t.PrepareContext(ctx, s.rebind(query))
			if err != nil {
				return nil, nil, err
			}
			return st, func() { st.Close() }, nil
		}
		st = t.StmtContext(ctx, st)
		return st, func() { st.Close() }, nil
	}
	st, kept, err := s.stmtIn(ctx, h, query)
	if err != nil {
		return nil, nil, err
	}
	if !kept {
		return st, func() { st.Close() }, nil
	}
	return st, func() {}, nil
}

// warmHot prepares the statements of a vote and the consent check of every child write, which
// run within a transaction: there they are used only once kept (see stmtFor).
func (s *Store) warmHot(ctx context.Context) error {
	for _, q := range []string{consentLock[s.dialect == DialectPostgres], voteLock[s.dialect == DialectPostgres], voteRead, voteUpsert} {
		if _, _, err := s.stmtIn(ctx, &s.whot, q); err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	return nil
}

// rebind writes query's ? placeholders as PostgreSQL's $1, $2, … (the hot statements hold no
// question marks in literals).
func (s *Store) rebind(query string) string {
	if s.dialect != DialectPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// queryRow reads one row into dest through a prepared statement; sql.ErrNoRows when there is none.
func (s *Store) queryRow(ctx context.Context, tx *gorm.DB, dest []any, query string, args ...any) error {
	return scanOne(s.query(ctx, tx, query, args...))(dest...)
}

// scanOne reads the first of rows into dest and closes them; sql.ErrNoRows when there is none.
func scanOne(rows *sql.Rows, err error) func(dest ...any) error {
	return func(dest ...any) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			return cmp.Or(rows.Err(), sql.ErrNoRows)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		return rows.Close()
	}
}
