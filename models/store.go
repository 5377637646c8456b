package models

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"tongsheng/moderation"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects the store runs on.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Options configure a Store. The zero value of every field but DSN or DataDir is usable.
type Options struct {
	// DSN is a postgres:// URL; empty means SQLite in DataDir.
	DSN string
	// ReadDSN is an optional postgres:// URL of a streaming replica of DSN, which then serves
	// the public notice, statistics and exports, except to a request marked WithPrimary.
	ReadDSN string
	// DataDir holds the SQLite database (tongsheng.db).
	DataDir string
	// Clock returns the current time; tests inject one. Defaults to time.Now.
	Clock func() time.Time
	// Location is the local time zone for dates and day counts. Defaults to Asia/Shanghai.
	Location *time.Location
	// DataKey seals personal fields (real names, guardian contacts); 32 bytes.
	DataKey []byte
	// Hashing sets the cost of PIN and password hashes; zero means DefaultHashing.
	Hashing HashParams
	// PublicURL prefixes links given to guardians, e.g. https://tongsheng.example.cn.
	PublicURL string
	// NoticeVersion is the privacy notice in force; a newer one than a consent was given
	// under puts that consent back to pending. Zero means CurrentNoticeVersion.
	NoticeVersion int
	// PurgeGrace is how long after a body's term ends its children's personal fields are
	// kept, unless consent is renewed. Zero means DefaultPurgeGrace.
	PurgeGrace time.Duration
	// Logger receives the store's own events: the database becoming unwritable and writable
	// again, erasures that could not rewrite a table. Nothing personal. Defaults to discarding.
	Logger *slog.Logger
	// VacuumFullMaxBytes is the largest PostgreSQL table that erasure rewrites at once with
	// VACUUM FULL (which locks it); larger ones get a plain VACUUM. Zero means
	// DefaultVacuumFullMaxBytes; negative never rewrites.
	VacuumFullMaxBytes int64
}

// DefaultVacuumFullMaxBytes is the largest table (with its indexes and TOAST) that erasure
// rewrites with VACUUM FULL on PostgreSQL. The rewrite locks the table for its duration, which
// is a fraction of a second at this size.
const DefaultVacuumFullMaxBytes int64 = 64 << 20

// Store is the domain's storage and rules. It is safe for concurrent use.
type Store struct {
	db        *gorm.DB
	dialect   string
	clock     func() time.Time
	loc       *time.Location
	sealer    *sealer
	hasher    *hasher
	publicURL string
	screening *screenerState
	hashKey   []byte // keys the hashes of blocked items in the log
	notice    int
	grace     time.Duration
	dataDir   string
	log       *slog.Logger
	health    *health
	fullMax   int64 // VacuumFullMaxBytes
	sessions  sessionCache
	names     listNames
	wide      wideScopes    // which committees' scopes are read in key order (wideScope)
	wdb       *gorm.DB      // SQLite: the one connection that writes (see tx); db on PostgreSQL
	hot       hotStmts      // prepared statements of the hot paths (hot.go)
	whot      hotStmts      // SQLite: the hot statements of write transactions, prepared on wdb
	built     hotStmts      // prepared statements of lists built by GORM (queryBuilt)
	writer    chan struct{} // SQLite: the one write transaction at a time (see tx); nil on PostgreSQL
	ckpt      *checkpointer // SQLite: copies the write-ahead log back after writes; nil on PostgreSQL
	// traceHot sees each statement of the hot paths with its values (tests only).
	traceHot func(query string, args []any)
	read     *gorm.DB // the replica for public and statistical reads; db when there is none
	// secretCheckHook runs before each sign-in's hash comparison (tests only).
	secretCheckHook atomic.Pointer[func()]
}

// Open connects to the database named by opts and runs pending migrations.
func Open(opts Options) (*Store, error) {
	s, err := Connect(opts)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Optimize(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("optimize: %w", err)
	}
	if err := s.warmHot(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.applyNoticeVersion(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("notice version: %w", err)
	}
	if err := s.reloadWordLists(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	s.watchWordLists()
	return s, nil
}

// Connect connects without migrating (for `tongsheng migrate` and backups).
func Connect(opts Options) (*Store, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("load time zone: %w", err)
		}
		opts.Location = loc
	}
	if opts.Hashing == (HashParams{}) {
		opts.Hashing = DefaultHashing
	}
	sl, err := newSealer(opts.DataKey)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		Logger:                 logger.Discard, // queries carry children's data; the api logs requests instead
		NowFunc:                func() time.Time { return opts.Clock().UTC() },
		SkipDefaultTransaction: true, // every write that needs one opens it explicitly
		TranslateError:         true,
	}
	var db, wdb *gorm.DB
	dialect := DialectSQLite
	if strings.HasPrefix(opts.DSN, "postgres://") || strings.HasPrefix(opts.DSN, "postgresql://") {
		dialect = DialectPostgres
		db, err = gorm.Open(postgres.Open(opts.DSN), cfg)
	} else {
		if opts.DSN != "" {
			return nil, fmt.Errorf("TONGSHENG_DB must be a postgres:// URL or empty for SQLite")
		}
		if err := PrepareDataDir(opts.DataDir); err != nil {
			return nil, err
		}
		path := filepath.Join(opts.DataDir, "tongsheng.db")
		for _, p := range []string{path + "-wal", path + "-shm"} {
			if err := tighten(p); err != nil {
				return nil, fmt.Errorf("database files: %w", err)
			}
		}
		if err := ownerOnly(path); err != nil {
			return nil, fmt.Errorf("database file: %w", err)
		}
		db, err = gorm.Open(sqlite.Open(sqliteDSN(path)), cfg)
		if err == nil {
			// Write transactions run on a connection of their own, as SQLite's one writer: the
			// others' page caches are emptied by every commit, its own is not, so a vote finds
			// the indexes it changes already read.
			wdb, err = gorm.Open(sqlite.New(sqlite.Config{DriverName: writerDriver, DSN: sqliteDSN(path) + "&_cache_size=-16000"}), cfg)
			if err != nil {
				if sqlDB, derr := db.DB(); derr == nil {
					sqlDB.Close()
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// Twice as many connections as requests at once (RequestsAtOnce): a request that holds one
	// and asks for another never waits behind requests that cannot end.
	conns := 2 * RequestsAtOnce()
	if dialect == DialectPostgres {
		conns = max(conns, 20)
	}
	// Keep every connection open when idle: database/sql keeps two by default, so under load
	// the others were closed and opened again for nearly every request.
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if wdb == nil {
		wdb = db
	} else if w, err := wdb.DB(); err == nil {
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		db: db, wdb: wdb, dialect: dialect, clock: opts.Clock, loc: opts.Location, sealer: sl,
		hasher: newHasher(opts.Hashing), publicURL: strings.TrimRight(opts.PublicURL, "/"),
		screening: &screenerState{s: moderation.New(moderation.Defaults())},
		hashKey:   hashKeyFrom(opts.DataKey),
		notice:    cmp.Or(opts.NoticeVersion, CurrentNoticeVersion),
		grace:     cmp.Or(opts.PurgeGrace, DefaultPurgeGrace),
		dataDir:   opts.DataDir, log: opts.Logger, health: &health{},
		fullMax: cmp.Or(opts.VacuumFullMaxBytes, DefaultVacuumFullMaxBytes),
	}
	if dialect == DialectSQLite {
		s.writer = make(chan struct{}, 1)
	}
	s.read = db
	s.hot.db, s.built.db, s.whot.db = db, db, wdb
	if opts.ReadDSN != "" {
		if dialect != DialectPostgres || !(strings.HasPrefix(opts.ReadDSN, "postgres://") || strings.HasPrefix(opts.ReadDSN, "postgresql://")) {
			s.closeWriter()
			sqlDB.Close()
			return nil, fmt.Errorf("TONGSHENG_DB_READ must be a postgres:// URL, beside a PostgreSQL TONGSHENG_DB")
		}
		if s.read, err = gorm.Open(postgres.Open(opts.ReadDSN), cfg); err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("open the read replica: %w", err)
		}
		if readDB, err := s.read.DB(); err == nil {
			readDB.SetMaxOpenConns(20)
			readDB.SetMaxIdleConns(20)
			readDB.SetConnMaxIdleTime(5 * time.Minute)
		}
	}
	if err := s.watchFaults(); err != nil {
		s.closeReplica()
		s.closeWriter()
		sqlDB.Close()
		return nil, err
	}
	if dialect == DialectSQLite {
		s.ckpt = newCheckpointer()
		go s.ckpt.run(sqlDB, opts.Logger)
	}
	return s, nil
}

// RequestsAtOnce is how many requests the api lets work at once, the others waiting their turn
// (api's turns): four for each core Go may use, enough to keep every core busy while some wait
// on the database or the writer's turn; at least 8, so that a few slow requests (sign-ins
// hashing a PIN) never hold every place, and at most 16.
func RequestsAtOnce() int { return min(16, max(8, 4*runtime.GOMAXPROCS(0))) }

// primaryKey marks a context whose reads must see the primary's latest writes.
type primaryKey struct{}

// WithPrimary marks ctx so that every read made with it goes to the primary: the request of a
// user who has just written, who must see what they wrote even while the replica lags.
func WithPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// reader is where the public notice, statistics and exports read: the replica when there is
// one, unless ctx is marked WithPrimary.
func (s *Store) reader(ctx context.Context) *gorm.DB {
	if primary, _ := ctx.Value(primaryKey{}).(bool); primary {
		return s.db.WithContext(ctx)
	}
	return s.read.WithContext(ctx)
}

// HasReplica reports whether a read replica is configured.
func (s *Store) HasReplica() bool { return s.read != s.db }

func (s *Store) closeReplica() {
	if s.read != s.db {
		if readDB, err := s.read.DB(); err == nil {
			readDB.Close()
		}
	}
}

// sqliteDSN turns on WAL, foreign keys, a busy timeout and immediate write transactions, so that
// concurrent writers queue instead of failing with "database is locked" halfway through.
func sqliteDSN(path string) string {
	// secure_delete overwrites deleted content, so that erased texts leave no trace in the file.
	return "file:" + path + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL&_secure_delete=on"
}

// Close stops the store's background work and releases the database connections.
func (s *Store) Close() error {
	s.screening.stopWatching()
	s.closeReplica()
	s.closeWriter()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// closeWriter stops the checkpointer and closes the writer's connection (SQLite).
func (s *Store) closeWriter() {
	if s.ckpt != nil {
		s.ckpt.close()
	}
	if s.wdb != s.db {
		if w, err := s.wdb.DB(); err == nil {
			w.Close()
		}
	}
}

// Dialect names the database in use.
func (s *Store) Dialect() string { return s.dialect }

// Now is the store's clock in UTC.
func (s *Store) Now() time.Time { return s.clock().UTC() }

// Location is the local time zone used for dates.
func (s *Store) Location() *time.Location { return s.loc }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Backup writes a consistent copy of the SQLite database to path while the server keeps running,
// readable by its owner only. Returns an error for PostgreSQL, whose own tools (pg_dump) do this
// better.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != DialectSQLite {
		return errors.New("backup: use pg_dump for PostgreSQL")
	}
	// Created empty with mode 0600 first: VACUUM INTO fills an empty file and keeps its mode,
	// where a file of its own would be readable by everyone.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s exists already", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// writerWait is how long a write transaction waits for its turn on SQLite before the request is
// told to try again later: the busy timeout SQLite itself is given (sqliteDSN).
var writerWait = 10 * time.Second

// awaitWriter takes the SQLite write turn: at once when it is free, else in order of arrival,
// for at most writerWait; then the request is told to try again (503 unavailable, Retry-After),
// as for any write the database cannot take now. /readyz is unchanged: the database is busy,
// not broken.
func (s *Store) awaitWriter(ctx context.Context) error {
	select {
	case s.writer <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(writerWait)
	defer wait.Stop()
	select {
	case s.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-wait.C:
		return ErrUnavailable
	}
}

// tx runs fn in a write transaction; on SQLite it begins IMMEDIATE, so it never fails to upgrade.
// A full disk often shows only at commit, which no statement callback sees: the result is
// classified here too.
//
// SQLite allows one writer at a time. Left to SQLite, the others poll for its lock with sleeps
// that grow to 100 ms, whoever comes first when it frees wins, and a vote could wait a hundred
// times longer than it takes; the process's write transactions queue here instead, in order,
// and each starts as soon as the one before commits.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.writer != nil {
		if err := s.awaitWriter(ctx); err != nil {
			return err
		}
		defer func() { <-s.writer }()
	}
	err := s.fault(s.wdb.WithContext(ctx).Transaction(fn))
	if err == nil && s.ckpt != nil {
		s.ckpt.written()
	}
	return err
}

// notFound maps gorm's missing-record error to ErrNotFound and leaves others as they are.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// isDuplicate reports whether err is a unique-constraint violation.
func isDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// vacuum runs VACUUM (ANALYZE) on PostgreSQL over the tables of the store's schema (the first
// of its search path), not the whole database, which other schemas may share.
func (s *Store) vacuum(ctx context.Context) error {
	var tables []string
	if err := s.db.WithContext(ctx).Raw(`SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`).
		Scan(&tables).Error; err != nil {
		return fmt.Errorf("vacuum: list tables: %w", err)
	}
	if len(tables) == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Exec("VACUUM (ANALYZE) " + strings.Join(tables, ", ")).Error; err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// AutovacuumOff reports whether the PostgreSQL server runs without autovacuum, which keeps the
// counts kept by trigger readable and the planner's statistics fresh (false on SQLite).
func (s *Store) AutovacuumOff(ctx context.Context) (bool, error) {
	if s.dialect != DialectPostgres {
		return false, nil
	}
	var setting string
	if err := s.db.WithContext(ctx).Raw("SHOW autovacuum").Scan(&setting).Error; err != nil {
		return false, fmt.Errorf("read autovacuum: %w", err)
	}
	return setting == "off", nil
}

// Optimize refreshes the query planner's statistics. Without them SQLite cannot tell that a
// page of a city's proposals is cheapest read in key order, and sorts every row instead.
// analysis_limit bounds the cost on large databases. PostgreSQL's autovacuum does this itself.
func (s *Store) Optimize(ctx context.Context) error {
	if s.dialect != DialectSQLite {
		return nil
	}
	// On a read connection, in the write turn: once the statistics table exists, ANALYZE no
	// longer changes the schema's version, so only the connection that ran it and those opened
	// after read the new statistics; the writer's few statements need none.
	if err := s.awaitWriter(ctx); err != nil {
		return err
	}
	defer func() { <-s.writer }()
	return s.fault(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("PRAGMA analysis_limit = 1000").Error; err != nil {
			return err
		}
		return tx.Exec("ANALYZE").Error
	}))
}

// hashKeyFrom derives the log-hash key from the data key, so the two are never the same bytes.
func hashKeyFrom(dataKey []byte) []byte {
	sum := sha256.Sum256(append([]byte("tongsheng log hash\x00"), dataKey...))
	return sum[:]
}

// IsEmpty reports whether no staff account exists yet: a fresh database.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Staff{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("count staff: %w", err)
	}
	return n == 0, nil
}
