package main

import (
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"

	"tongsheng/api"
	"tongsheng/models"
)

// option is one configuration variable, its default and what it does; README's table is this.
type option struct{ name, def, doc string }

var options = []option{
	{"TONGSHENG_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"TONGSHENG_DATA_DIR", "./data", "folder for the SQLite database and generated secrets"},
	{"TONGSHENG_DB", "", "postgres://… to use PostgreSQL; empty for SQLite in the data folder"},
	{"TONGSHENG_DB_READ", "", "postgres://… of a streaming replica of TONGSHENG_DB that serves the public notice, statistics and exports; empty reads everything from TONGSHENG_DB"},
	{"TONGSHENG_JWT_SECRET", "", "session signing secret (32 bytes as hex or base64, or a passphrase of 32+ characters); `_FILE` variant reads it from a file; else generated into the data folder"},
	{"TONGSHENG_DATA_KEY", "", "key sealing real names and guardian contacts (AES-256-GCM), same forms and `_FILE` variant; else generated into the data folder"},
	{"TONGSHENG_DEMO", "on", "`off` to start an empty database without demo data"},
	{"TONGSHENG_TZ", "Asia/Shanghai", "local time zone for dates and day counts"},
	{"TONGSHENG_PUBLIC_URL", "http://<TONGSHENG_ADDR>", "the address guardians' consent links start with"},
	{"TONGSHENG_TRUSTED_PROXIES", "", "comma-separated IPs or CIDR networks of proxies allowed to set X-Forwarded-For; the client is then the rightmost entry that is not one of them; empty ignores the header"},
	{"TONGSHENG_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"TONGSHENG_PURGE_GRACE_DAYS", "180", "days after a body's term ends before its children's personal data is purged (unless consent is renewed)"},
	{"TONGSHENG_PRIVACY_CONTACT", "", "the person responsible for children's personal information, named in the privacy notice"},
	{"TONGSHENG_PPROF_ADDR", "", "loopback address (127.0.0.1:6060) to serve Go's profiles on (/debug/pprof/); empty serves none"},
	{"TONGSHENG_VACUUM_FULL_MAX_MB", "64", "PostgreSQL: largest table (MB) that an erasure rewrites with VACUUM FULL, which locks it briefly; larger ones get a plain VACUUM"},
	{"TONGSHENG_MEMORY_MB", "auto", "soft limit (MiB) on the server's Go memory: garbage is collected sooner as it nears the limit; auto is 96 MiB and 19 MiB for each sign-in hashed at once (one per core); 0 for none (GOMEMLIMIT, when set, wins)"},
}

type config struct {
	addr, dataDir, db, publicURL string
	dbRead                       string
	demo                         bool
	jwtSecret, dataKey           []byte
	loc                          *time.Location
	trustedProxies               []string
	logLevel                     slog.Level
	purgeGrace                   time.Duration
	privacyContact               string
	vacuumFullMax                int64
	pprofAddr                    string
	memoryLimit                  int64        // bytes; 0 for none
	goMemLimitSet                bool         // GOMEMLIMIT is set, and wins
	log                          *slog.Logger // set by run once the level is known
}

// minMemoryMB and maxMemoryMB bound the memory limit: the screening model and the dictionaries
// alone hold about 30 MiB, and each sign-in's hash 19 MiB while it runs.
const (
	minMemoryMB = 64
	maxMemoryMB = 1 << 20
)

// autoMemoryLimit is what the server needs with room to spare (about 30 MiB of dictionaries and
// model, and its caches of sessions and names when full), and the hashes that run at once: one
// per core, each holding its memory while it runs.
func autoMemoryLimit() int64 {
	return 96<<20 + int64(runtime.NumCPU())*int64(models.DefaultHashing.MemoryKiB)<<10
}

func loadConfig(getenv func(string) string) (*config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, o := range options {
			if o.name == name {
				return o.def
			}
		}
		return ""
	}
	c := &config{addr: get("TONGSHENG_ADDR"), dataDir: get("TONGSHENG_DATA_DIR"), db: get("TONGSHENG_DB"), dbRead: get("TONGSHENG_DB_READ")}
	c.demo = !strings.EqualFold(get("TONGSHENG_DEMO"), "off")
	c.publicURL = getenv("TONGSHENG_PUBLIC_URL")
	if c.publicURL == "" {
		c.publicURL = "http://" + c.addr
	}
	loc, err := time.LoadLocation(get("TONGSHENG_TZ"))
	if err != nil {
		return nil, fmt.Errorf("TONGSHENG_TZ: %w", err)
	}
	c.loc = loc
	// The data folder holds the SQLite database and generated secrets: check it first, so that a
	// read-only or missing folder is named with the reason, whichever file would have failed.
	if c.db == "" || (getenv("TONGSHENG_JWT_SECRET") == "" && getenv("TONGSHENG_JWT_SECRET_FILE") == "") ||
		(getenv("TONGSHENG_DATA_KEY") == "" && getenv("TONGSHENG_DATA_KEY_FILE") == "") {
		if err := models.PrepareDataDir(c.dataDir); err != nil {
			return nil, fmt.Errorf("TONGSHENG_DATA_DIR: %w", err)
		}
	}
	if c.jwtSecret, err = loadSecret(getenv("TONGSHENG_JWT_SECRET"), getenv("TONGSHENG_JWT_SECRET_FILE"), c.dataDir, "jwt_secret"); err != nil {
		return nil, fmt.Errorf("TONGSHENG_JWT_SECRET: %w", err)
	}
	if c.dataKey, err = loadSecret(getenv("TONGSHENG_DATA_KEY"), getenv("TONGSHENG_DATA_KEY_FILE"), c.dataDir, "data_key"); err != nil {
		return nil, fmt.Errorf("TONGSHENG_DATA_KEY: %w", err)
	}
	for _, p := range strings.Split(get("TONGSHENG_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.trustedProxies = append(c.trustedProxies, p)
		}
	}
	if _, err := api.ParseTrustedProxies(c.trustedProxies); err != nil {
		return nil, fmt.Errorf("TONGSHENG_TRUSTED_PROXIES: %w", err)
	}
	if err := c.logLevel.UnmarshalText([]byte(get("TONGSHENG_LOG_LEVEL"))); err != nil {
		return nil, fmt.Errorf("TONGSHENG_LOG_LEVEL: %w", err)
	}
	days, err := strconv.Atoi(get("TONGSHENG_PURGE_GRACE_DAYS"))
	if err != nil || days < 1 {
		return nil, fmt.Errorf("TONGSHENG_PURGE_GRACE_DAYS must be a whole number of days, 1 or more")
	}
	c.purgeGrace = time.Duration(days) * 24 * time.Hour
	c.privacyContact = get("TONGSHENG_PRIVACY_CONTACT")
	mb, err := strconv.Atoi(get("TONGSHENG_VACUUM_FULL_MAX_MB"))
	if err != nil || mb < 0 {
		return nil, fmt.Errorf("TONGSHENG_VACUUM_FULL_MAX_MB must be a whole number of megabytes, 0 or more")
	}
	if c.pprofAddr = get("TONGSHENG_PPROF_ADDR"); c.pprofAddr != "" {
		host, _, err := net.SplitHostPort(c.pprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("TONGSHENG_PPROF_ADDR must be a loopback address with a port, such as 127.0.0.1:6060")
		}
	}
	if mem := get("TONGSHENG_MEMORY_MB"); mem == "auto" {
		c.memoryLimit = autoMemoryLimit()
	} else {
		mb, err := strconv.Atoi(mem)
		if err != nil || mb < 0 || (mb > 0 && mb < minMemoryMB) || mb > maxMemoryMB {
			return nil, fmt.Errorf("TONGSHENG_MEMORY_MB must be auto, 0 for no limit, or a whole number of MiB from %d to %d", minMemoryMB, maxMemoryMB)
		}
		c.memoryLimit = int64(mb) << 20
	}
	c.goMemLimitSet = strings.TrimSpace(getenv("GOMEMLIMIT")) != ""
	c.vacuumFullMax = int64(mb) << 20
	if mb == 0 {
		c.vacuumFullMax = -1 // never rewrite: the store takes zero for its default
	}
	return c, nil
}

func (c *config) storeOptions() models.Options {
	return models.Options{DSN: c.db, ReadDSN: c.dbRead, DataDir: c.dataDir, Location: c.loc, DataKey: c.dataKey, PublicURL: c.publicURL, PurgeGrace: c.purgeGrace,
		Logger: c.log, VacuumFullMaxBytes: c.vacuumFullMax}
}
