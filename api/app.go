// Package api is Tongsheng's HTTP face: the Fiber app, its routes and thin handlers, the
// middleware for sessions, scopes, languages and limits, the error envelope and the OpenAPI
// document. Rules live in models; handlers parse, call and answer.
package api

import (
	"cmp"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"tongsheng/frontend"
	"tongsheng/locales"
	"tongsheng/models"
)

// Config is what the app needs; cmd/tongsheng fills it from the environment.
type Config struct {
	Store   *models.Store
	Catalog *locales.Catalog
	// JWTSecret signs session tokens (HS256); at least 32 bytes.
	JWTSecret []byte
	Logger    *slog.Logger
	// SecureCookies marks the session cookie Secure (serve over HTTPS).
	SecureCookies bool
	// TrustedProxies (IPs or CIDRs) may set X-Forwarded-For: behind them the client address
	// that limits sign-ins is the rightmost entry that is not one of them. Empty ignores the
	// header. Entries that ParseTrustedProxies refuses are ignored.
	TrustedProxies []string
	// Frontend is the web app served at / (and its pages); nil serves none.
	Frontend *frontend.Site
	// PrivacyContact is the person responsible for children's personal information, named in
	// the privacy notice; empty uses the catalog's default wording.
	PrivacyContact string
	// Turns is how many API and notice requests do their work at once, the others waiting in
	// order of arrival; 0 is models.RequestsAtOnce. TurnWait is the longest wait before a request
	// is answered 503 unavailable; 0 is DefaultTurnWait.
	Turns    int
	TurnWait time.Duration
	// Exports is how many CSV exports stream at once; 0 is DefaultExports. ExportWait is the
	// longest an export waits to start; 0 is DefaultExportWait.
	Exports    int
	ExportWait time.Duration
	// NoticeCache is how long an anonymous reply of the public list is kept and served again
	// (DefaultNoticeCache in production); 0 keeps none.
	NoticeCache time.Duration
}

type server struct {
	store          *models.Store
	catalog        *locales.Catalog
	tokens         tokens
	log            *slog.Logger
	secureCookies  bool
	privacyContact string
	proxies        proxies
	routes         *routeTable
	turns          turns
	exports        turns          // the CSV exports streaming (exportCSV)
	notices        *noticeReplies // the public list's replies to anonymous readers
}

// maxBody is the server-wide ceiling; routes keep DefaultBodyLimit unless they raise it.
const maxBody = WordListBodyLimit

// WordListBodyLimit is the one larger limit: a city's moderation word lists.
const WordListBodyLimit = 4 << 20

// New builds the app with every route registered.
func New(cfg Config) *fiber.App {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &server{
		store: cfg.Store, catalog: cfg.Catalog, log: cfg.Logger, secureCookies: cfg.SecureCookies, privacyContact: cfg.PrivacyContact,
		tokens:  tokens{secret: cfg.JWTSecret, now: cfg.Store.Now, seen: &seenTokens{}},
		turns:   newTurns(cfg.Turns, cfg.TurnWait),
		exports: newTurns(cmp.Or(cfg.Exports, DefaultExports), cmp.Or(cfg.ExportWait, DefaultExportWait)),
		notices: &noticeReplies{ttl: cfg.NoticeCache},
	}
	fc := fiber.Config{
		AppName:               "tongsheng",
		BodyLimit:             maxBody,
		Immutable:             true, // handlers keep strings past the request; fasthttp would reuse them
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		ErrorHandler:          s.handleError,
	}
	for _, p := range cfg.TrustedProxies {
		if ps, err := ParseTrustedProxies([]string{p}); err == nil {
			s.proxies = append(s.proxies, ps...)
		}
	}
	app := fiber.New(fc)
	s.routes = &routeTable{app: app}
	app.Server().Handler = knownMethods(app, app.Server().Handler)
	// A panic in a handler is a bug: logged with its stack, answered 500 in the envelope by
	// observe, and the server goes on serving.
	panics := recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic})
	app.Use(s.observe, panics, s.localize, s.secure, limitBody(DefaultBodyLimit, map[string]int{
		fiber.MethodPut + " /api/v1/moderation/words": WordListBodyLimit,
	}), s.checkInput)
	if cfg.Store.HasReplica() {
		app.Use(s.freshReads)
	}

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	v1 := app.Group("/api/v1", s.turns.take)
	v1.Get("/openapi.json", s.openAPI)
	v1.Get("/i18n/:lang", compress.New(), s.i18nCatalog) // the largest file a tablet loads; no secrets in it
	v1.Get("/meta", compress.New(), s.metaInfo)
	v1.Post("/auth/staff/login", s.staffLogin)
	v1.Post("/auth/child/login", s.childLogin)

	// A guardian's consent link: no sign-in; the token is the key, and logs show only the route.
	v1.Get("/consent/:token", s.consentView)
	v1.Post("/consent/:token", s.consentDecide)
	v1.Post("/consent/:token/withdraw", s.consentWithdraw)
	v1.Get("/consent/:token/export", s.consentExport)

	// Signed-in routes carry authenticate themselves, so unknown paths still answer 404.
	auth := s.authenticate
	v1.Post("/auth/logout", auth, s.logout)
	v1.Get("/me", auth, s.me)
	v1.Put("/me", auth, s.updateMe)

	v1.Get("/regions", auth, s.listRegions)
	v1.Post("/regions", auth, s.createRegion)
	v1.Get("/bodies", auth, s.listBodies)
	v1.Post("/bodies", auth, s.createBody)
	v1.Get("/bodies/:id", auth, s.getBody)
	v1.Get("/bodies/:id/members", auth, s.listMembers)
	v1.Post("/bodies/:id/members", auth, s.addMember)
	v1.Get("/children/:id", auth, s.getChild)
	v1.Post("/children/:id/pin", auth, s.setPIN)
	v1.Post("/children/:id/consent/paper", auth, s.paperConsent)
	v1.Post("/children/:id/consent/link", auth, s.consentLink)
	v1.Post("/children/:id/consent/withdraw", auth, s.paperWithdraw)
	v1.Post("/bodies/:id/consent-links", auth, s.consentLetters)
	v1.Post("/me/assent", auth, s.assent)
	v1.Get("/staff", auth, s.listStaff)
	v1.Post("/staff", auth, s.createStaff)
	v1.Delete("/staff/:id", auth, s.deleteStaff)
	v1.Get("/audit", auth, s.auditLog)
	v1.Get("/audit/export.csv", auth, s.auditCSV)

	v1.Get("/proposals", auth, s.listProposals)
	v1.Post("/proposals", auth, s.idempotent(s.createProposal))
	v1.Get("/proposals/overdue", auth, s.overdue)
	v1.Post("/proposals/bulk/stage", auth, s.bulkStage)
	v1.Get("/proposals/:id", auth, s.getProposal)
	v1.Post("/proposals/:id/withdraw", auth, s.withdrawProposal)
	v1.Put("/proposals/:id/support", auth, s.support)
	v1.Delete("/proposals/:id/support", auth, s.support)
	v1.Get("/proposals/:id/comments", auth, s.listComments)
	v1.Post("/proposals/:id/comments", auth, s.idempotent(s.addComment))
	v1.Post("/proposals/:id/stage", auth, s.changeStage)
	v1.Post("/proposals/:id/options", auth, s.addOption)
	v1.Put("/proposals/:id/vote", auth, s.vote)
	v1.Get("/proposals/:id/results", auth, s.results)
	v1.Post("/proposals/:id/decision", auth, s.postDecision)
	v1.Post("/proposals/:id/evaluations", auth, s.idempotent(s.evaluate))
	v1.Post("/proposals/:id/inspections", auth, s.inspect)
	v1.Get("/notifications", auth, s.notifications)
	v1.Post("/notifications/:id/read", auth, s.markRead)
	v1.Get("/stats", auth, s.stats)
	v1.Get(strings.TrimPrefix(exportPath, "/api/v1"), auth, s.exportCSV)

	v1.Get("/bodies/:id/meetings", auth, s.listMeetings)
	v1.Post("/bodies/:id/meetings", auth, s.recordMeeting)
	v1.Post("/meetings/:id/proposals", auth, s.proposeInMeeting)
	v1.Put("/children/:id/sex", auth, s.setSex)
	v1.Post("/proposals/:id/paper-votes", auth, s.recordPaperVotes)
	v1.Get("/activities", auth, s.listActivities)
	v1.Post("/activities", auth, s.logActivity)
	v1.Get("/regions/:id/targets/:year", auth, s.targets)
	v1.Put("/regions/:id/targets/:year", auth, s.setTargets)
	v1.Get("/regions/:id/targets/:year/export.csv", auth, s.targetsCSV)

	v1.Post("/moderation/check", auth, s.check)
	v1.Post("/reports", auth, s.report)
	v1.Get("/moderation/queue", auth, s.queue)
	v1.Post("/moderation/items/:id", auth, s.decide)
	v1.Post("/moderation/items/:id/undo", auth, s.undoDecision)
	v1.Get("/moderation/words", auth, s.words)
	v1.Put("/moderation/words", auth, s.setWords)

	// The public notice (公示): no sign-in, nothing personal.
	v1.Get("/public/proposals", s.publicProposals)
	v1.Get("/public/proposals/:id", s.publicProposal)
	v1.Get("/public/proposals/:id/qr", s.publicQR)
	v1.Get("/public/board", s.publicBoard)
	v1.Get("/public/feed.atom", s.publicFeed)
	v1.Get("/public/decisions.json", s.publicDecisions)

	if cfg.Frontend != nil {
		mountFrontend(app, cfg.Frontend, s.bootData())
		s.mountNotice(app, cfg.Frontend)
	}
	return app
}
