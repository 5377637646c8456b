// Command tongsheng is the Tongsheng server and its maintenance commands:
//
//	tongsheng [serve]      serve the API and the web app (demo data on an empty database)
//	tongsheng migrate      run pending database migrations
//	tongsheng seed         load the demo data into an empty database
//	tongsheng seed --synthetic [--preset city] [--bodies N …]   generate a city for load tests
//	tongsheng staff add --username U --password P --role admin|committee|facilitator [--region ID] [--body ID]…
//	tongsheng backup FILE  write a consistent copy of the SQLite database while the server runs
//	tongsheng purge        remove the personal data of children whose bodies' terms ended long enough ago
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"tongsheng/api"
	"tongsheng/frontend"
	"tongsheng/locales"
	"tongsheng/models"
	"tongsheng/moderation"
	"tongsheng/seeds"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tongsheng:", err)
		os.Exit(1)
	}
}

const usage = `usage: tongsheng [serve | migrate | seed [--synthetic …] | staff add … | backup FILE | purge]`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	cfg.log = log
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		store, err := models.Connect(cfg.storeOptions())
		if err != nil {
			return err
		}
		defer store.Close()
		ran, err := store.Migrate(ctx)
		fmt.Fprintf(stdout, "applied %d migrations %v\n", len(ran), ran)
		return err
	case "seed":
		if len(args) > 0 {
			return seedSynthetic(ctx, cfg, args, stdout)
		}
		store, err := models.Open(cfg.storeOptions())
		if err != nil {
			return err
		}
		defer store.Close()
		return seedDemo(ctx, store, stdout, true)
	case "staff":
		return staffCommand(ctx, cfg, args, stdout)
	case "backup":
		if len(args) != 1 {
			return errors.New("usage: tongsheng backup FILE")
		}
		store, err := models.Connect(cfg.storeOptions())
		if err != nil {
			return err
		}
		defer store.Close()
		if err := store.Backup(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "backup written to", args[0])
		return nil
	case "purge":
		store, err := models.Open(cfg.storeOptions())
		if err != nil {
			return err
		}
		defer store.Close()
		n, err := store.Purge(ctx)
		fmt.Fprintf(stdout, "purged the personal data of %d children\n", n)
		return err
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage+"\n\nconfiguration (environment):")
		for _, o := range options {
			fmt.Fprintf(stdout, "  %-26s %s (default %q)\n", o.name, o.doc, o.def)
		}
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// seedDemo loads the demo data if the database is empty; strict makes a non-empty one an error.
func seedDemo(ctx context.Context, store *models.Store, stdout io.Writer, strict bool) error {
	empty, err := store.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		if strict {
			return errors.New("the database already has data; demo data goes into an empty one only")
		}
		return nil
	}
	if err := seeds.Demo(ctx, store); err != nil {
		return err
	}
	seeds.PrintSignIns(stdout)
	return nil
}

func serve(ctx context.Context, cfg *config, log *slog.Logger, stdout io.Writer) error {
	limitMemory(cfg.memoryLimit, cfg.goMemLimitSet)
	store, err := models.Open(cfg.storeOptions())
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.demo {
		if err := seedDemo(ctx, store, stdout, false); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	go maintain(ctx, store, log)
	go escalate(ctx, store, log)
	go rewriteOwed(ctx, store, log)
	go moderation.WarmUp() // the segmenter's dictionary, so the first child to write does not wait for it
	go store.WatchWrites(ctx, writeProbeEvery)
	if cfg.pprofAddr != "" {
		go serveProfiles(ctx, cfg.pprofAddr, log)
	}
	catalog, err := locales.Load()
	if err != nil {
		return err
	}
	site, err := frontend.Load()
	if err != nil {
		return err
	}
	app := api.New(api.Config{
		Store: store, Catalog: catalog, JWTSecret: cfg.jwtSecret, Logger: log,
		SecureCookies: strings.HasPrefix(cfg.publicURL, "https://"), TrustedProxies: cfg.trustedProxies,
		Frontend: site, PrivacyContact: cfg.privacyContact, NoticeCache: api.DefaultNoticeCache,
	})
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.addr) }()
	log.Info("serving", slog.String("addr", cfg.addr), slog.String("database", store.Dialect()),
		slog.Int64("memory_limit_mib", memoryLimitMiB()))
	if off, err := store.AutovacuumOff(ctx); err != nil {
		log.Warn("could not read PostgreSQL's autovacuum setting", slog.String("error", err.Error()))
	} else if off {
		log.Warn("PostgreSQL's autovacuum is off: the counts kept by trigger are read through more dead rows with every write, and the planner's statistics age; turn it on (autovacuum = on)")
	}
	fmt.Fprintf(stdout, "Tongsheng 童声 is at http://%s/\n", cfg.addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	return app.ShutdownWithTimeout(20 * time.Second)
}

// writeProbeEvery is how often a database that could not be written is tried again, so that
// /readyz turns back to 200 within seconds of the disk having room again.
const writeProbeEvery = 3 * time.Second

// maintenanceEvery is how often serve refreshes the planner's statistics; purging runs on
// every fourth round, once a day.
const maintenanceEvery = 6 * time.Hour

// maintain runs the periodic upkeep of a serving instance until ctx ends: the retention purge
// at once and then daily, the planner's statistics every few hours (opening the store has
// just refreshed them).
func maintain(ctx context.Context, store *models.Store, log *slog.Logger) {
	for round := 0; ; round++ {
		if round%4 == 0 {
			if n, err := store.Purge(ctx); err != nil && ctx.Err() == nil {
				log.Error("purge failed", slog.String("error", err.Error()))
			} else if n > 0 {
				log.Info("purged personal data after the retention period", slog.Int("children", n))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(maintenanceEvery):
		}
		if err := store.Optimize(ctx); err != nil && ctx.Err() == nil {
			log.Warn("optimize failed", slog.String("error", err.Error()))
		}
	}
}

// escalateEvery is how often serve looks for cries for help that nobody acted on in time.
const escalateEvery = 10 * time.Minute

// escalate tells the committee about cries for help that waited too long, at once and then every
// escalateEvery until ctx ends. Several instances may run it: each item is escalated once.
func escalate(ctx context.Context, store *models.Store, log *slog.Logger) {
	for {
		if n, err := store.EscalateSafeguarding(ctx); err != nil && ctx.Err() == nil {
			log.Error("safeguarding escalation failed", slog.String("error", err.Error()))
		} else if n > 0 {
			log.Warn("cries for help escalated to the committee", slog.Int("items", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(escalateEvery):
		}
	}
}

// rewriteOwed does, every escalateEvery, what an erasure found too busy to do at once: rewrite
// PostgreSQL's tables, or empty SQLite's write-ahead log, so that erased bytes leave the files
// soon after.
func rewriteOwed(ctx context.Context, store *models.Store, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(escalateEvery):
		}
		if n, err := store.ScrubOwed(ctx); err != nil && ctx.Err() == nil {
			log.Error("owed rewrite after an erasure failed", slog.String("error", err.Error()))
		} else if n > 0 {
			log.Warn("still too busy to rewrite after an erasure", slog.Int("owed", n))
		}
	}
}

func staffCommand(ctx context.Context, cfg *config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: tongsheng staff add --username U --password P --role admin|committee|facilitator [--region ID] [--body ID]…")
	}
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	var in models.StaffInput
	fs.StringVar(&in.Username, "username", "", "login name")
	fs.StringVar(&in.Password, "password", "", "password (10–128 characters)")
	fs.StringVar(&in.Role, "role", "", "admin, committee or facilitator")
	fs.StringVar(&in.RegionID, "region", "", "region ID (committee)")
	fs.Func("body", "body ID a facilitator runs (repeatable)", func(v string) error {
		in.BodyIDs = append(in.BodyIDs, v)
		return nil
	})
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := models.Open(cfg.storeOptions())
	if err != nil {
		return err
	}
	defer store.Close()
	acct, err := store.CreateStaff(ctx, models.SystemActor(), in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created %s %s (id %s)\n", acct.Role, acct.Username, acct.ID)
	return nil
}

// describe turns a domain error into words for the command line, in English.
func describe(err error) error {
	var e *models.Error
	if !errors.As(err, &e) {
		return err
	}
	catalog, cerr := locales.Load()
	if cerr != nil {
		return err
	}
	key := e.Key
	if key == "" {
		key = "error." + string(e.Code)
	}
	parts := []string{catalog.Text("en", key, nil)}
	for field, fe := range e.Fields {
		parts = append(parts, field+": "+catalog.Text("en", fe.Key, fe.Params))
	}
	return errors.New(strings.Join(parts, "; "))
}

// seedSynthetic generates a city of the sizes given for load tests into an empty database.
func seedSynthetic(ctx context.Context, cfg *config, args []string, stdout io.Writer) error {
	// Parsed twice: the preset sets the sizes, and flags given beside it change them.
	parse := func(size models.CitySize) (models.CitySize, bool, string, error) {
		fs := flag.NewFlagSet("seed --synthetic", flag.ContinueOnError)
		fs.SetOutput(stdout)
		synthetic := fs.Bool("synthetic", false, "generate a city for load tests (required)")
		preset := fs.String("preset", "", `"city": 20 districts, 2,000 bodies of 50 children, 50,000 proposals, 2,000,000 votes, 500,000 comments, 250,000 supports`)
		fs.IntVar(&size.Districts, "districts", size.Districts, "regions under the city")
		fs.IntVar(&size.Bodies, "bodies", size.Bodies, "councils")
		fs.IntVar(&size.ChildrenPerBody, "children-per-body", size.ChildrenPerBody, "children in each council")
		fs.IntVar(&size.Proposals, "proposals", size.Proposals, "proposals, in every stage")
		fs.IntVar(&size.Votes, "votes", size.Votes, "votes (at most the pairs of a body's children and its proposals past needs)")
		fs.IntVar(&size.Comments, "comments", size.Comments, "comments")
		fs.IntVar(&size.Supports, "supports", size.Supports, "supports")
		err := fs.Parse(args)
		return size, *synthetic, *preset, err
	}
	size, synthetic, preset, err := parse(models.CitySize{Districts: 4, Bodies: 20, ChildrenPerBody: 40, Proposals: 1000, Votes: 10000, Comments: 5000, Supports: 5000})
	if err != nil {
		return err
	}
	if !synthetic {
		return errors.New("usage: tongsheng seed --synthetic [--preset city] [--districts N] [--bodies N] [--children-per-body N] [--proposals N] [--votes N] [--comments N] [--supports N]")
	}
	switch preset {
	case "":
	case "city":
		if size, _, _, err = parse(models.CityPreset); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown preset %q (known: city)", preset)
	}
	store, err := models.Open(cfg.storeOptions())
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := store.GenerateCity(ctx, size, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated in %s: %d regions, %d bodies, %d children, %d staff, %d proposals %v, %d options, %d votes, %d supports, %d comments, %d decisions, %d evaluations\n",
		rep.Took.Round(time.Millisecond), rep.Regions, rep.Bodies, rep.Children, rep.Staff, rep.Proposals, rep.ByStage, rep.Options, rep.Votes,
		rep.Supports, rep.Comments, rep.Decisions, rep.Evaluations)
	fmt.Fprintf(stdout, "sign-ins: children join code %s…%s, login c0…c%d, PIN %s; staff %s and %s…%s, password %s\n",
		models.SyntheticJoinCode(0), models.SyntheticJoinCode(size.Bodies-1), size.ChildrenPerBody-1, models.SyntheticPIN,
		models.SyntheticCommittee, models.SyntheticFacilitator(0), models.SyntheticFacilitator(size.Bodies-1), models.SyntheticStaffPassword)
	return nil
}

// serveProfiles serves Go's runtime profiles on a loopback address until ctx ends, for finding
// where the time of a request goes under load.
func serveProfiles(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("profiles not served", slog.String("error", err.Error()))
	}
}

// limitMemory sets the Go runtime's soft memory limit, unless GOMEMLIMIT set it already. Without a
// limit the collector lets the heap grow to twice what was live at its last pass, and a class
// signing in at once has each hash's 19 MiB live at that moment: the heap then doubled past what
// the server needs, and the memory stayed taken long after.
func limitMemory(limit int64, goMemLimitSet bool) {
	if limit > 0 && !goMemLimitSet {
		debug.SetMemoryLimit(limit)
	}
}

// memoryLimitMiB is the soft memory limit in force, in MiB; 0 for none.
func memoryLimitMiB() int64 {
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		return limit >> 20
	}
	return 0
}
