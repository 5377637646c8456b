// Command tongsheng-load measures a Tongsheng server on this machine under load: it signs in many
// children and staff of a generated city (`tongsheng seed --synthetic`), drives the paths they
// use (pages, reading, supporting, voting with changes, commenting, the public list, statistics
// and the CSV), and reports per path requests per second, p50/p95/p99, errors and the server's
// peak memory, as a table and as JSON. After the vote run it checks that the stored tallies
// equal the votes the server acknowledged. With -limit-ref it also runs the limit reference (the
// leanest list and vote on the same stack) in the same run and prints the ratios.
//
//	go run ./cmd/tongsheng-load -data DIR [-db postgres://…] [-bodies 20 -children-per-body 40] [-limit-ref DIR]
//
// Everything stays on 127.0.0.1 and every step is bounded in time.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"

	"tongsheng/models"
)

type options struct {
	url, bin, data, db, limitRef, jsonOut, only string
	profileDir, pprofAddr                       string
	pid                                         int
	conns, heavyConns, children, bodies, cpb    int
	dur, warm, max                              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "a running server (loopback only); empty starts one from -bin on -data")
	flag.IntVar(&o.pid, "pid", 0, "the running server's process ID, for its memory (with -url)")
	flag.StringVar(&o.bin, "bin", "", "the tongsheng binary to start (default: build ./cmd/tongsheng)")
	flag.StringVar(&o.data, "data", "", "data folder of the generated city (TONGSHENG_DATA_DIR)")
	flag.StringVar(&o.db, "db", "", "postgres:// URL of the generated city (TONGSHENG_DB); empty for SQLite in -data")
	flag.StringVar(&o.limitRef, "limit-ref", "", "folder of the limit reference to run beside the product")
	flag.StringVar(&o.jsonOut, "json", "", "write the results as JSON to this file")
	flag.StringVar(&o.only, "paths", "", "comma-separated phases to run (default all): "+strings.Join(phaseNames, ","))
	flag.StringVar(&o.profileDir, "profile", "", "save a CPU profile of the server during each measured phase into this folder (a server this command starts)")
	flag.IntVar(&o.conns, "conns", 64, "connections for pages and writes")
	flag.IntVar(&o.heavyConns, "heavy-conns", 4, "connections for statistics and the CSV")
	flag.IntVar(&o.children, "children", 256, "children to sign in")
	flag.IntVar(&o.bodies, "bodies", 20, "bodies of the generated city")
	flag.IntVar(&o.cpb, "children-per-body", 40, "children per body of the generated city")
	flag.DurationVar(&o.dur, "dur", 10*time.Second, "measured time of each phase")
	flag.DurationVar(&o.warm, "warm", 2*time.Second, "unmeasured warm-up before each phase")
	flag.DurationVar(&o.max, "max", 15*time.Minute, "the whole run never takes longer")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), o.max)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tongsheng-load:", err)
		os.Exit(1)
	}
}

var phaseNames = []string{"signin40", "child_page", "child_read", "facilitator_page", "committee_page", "committee_deep_page",
	"public_list", "support", "vote", "comment", "stats", "csv"}

// Result is one phase's figures.
type Result struct {
	Path      string         `json:"path"`
	Conns     int            `json:"conns"`
	Requests  int            `json:"requests"`
	PerSecond float64        `json:"per_second"`
	P50       float64        `json:"p50_ms"`
	P95       float64        `json:"p95_ms"`
	P99       float64        `json:"p99_ms"`
	Max       float64        `json:"max_ms"`
	Errors    int            `json:"errors"`
	Statuses  map[string]int `json:"statuses,omitempty"`
	RSSMB     float64        `json:"server_rss_mb"`
	Note      string         `json:"note,omitempty"`
}

// Report is the whole run.
type Report struct {
	Started     time.Time          `json:"started"`
	Server      string             `json:"server"`
	Database    string             `json:"database"`
	StartupMS   float64            `json:"startup_ms,omitempty"`
	Results     []Result           `json:"results"`
	Ratios      map[string]float64 `json:"ratios,omitempty"`
	PeakRSSMB   float64            `json:"server_peak_rss_mb"`
	VoteCheck   string             `json:"vote_check"`
	VoteExact   bool               `json:"vote_exact"`
	LimitRefRSS float64            `json:"limit_ref_peak_rss_mb,omitempty"`
}

func run(ctx context.Context, o options, out io.Writer) error {
	rep := &Report{Started: time.Now().UTC(), Database: "sqlite"}
	if o.db != "" {
		rep.Database = "postgres"
	}
	work, err := os.MkdirTemp("", "tongsheng-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var srv *process
	if o.url == "" {
		if o.data == "" {
			return errors.New("-data (the generated city's folder) or -url is required")
		}
		if o.bin == "" {
			o.bin = filepath.Join(work, "tongsheng")
			if err := build(ctx, ".", "./cmd/tongsheng", o.bin); err != nil {
				return err
			}
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		o.url = "http://127.0.0.1:" + strconv.Itoa(port)
		env := []string{"TONGSHENG_ADDR=127.0.0.1:" + strconv.Itoa(port), "TONGSHENG_DATA_DIR=" + o.data, "TONGSHENG_DEMO=off", "TONGSHENG_LOG_LEVEL=warn"}
		if o.db != "" {
			env = append(env, "TONGSHENG_DB="+o.db)
		}
		if o.profileDir != "" {
			pp, err := freePort()
			if err != nil {
				return err
			}
			o.pprofAddr = "127.0.0.1:" + strconv.Itoa(pp)
			env = append(env, "TONGSHENG_PPROF_ADDR="+o.pprofAddr)
			if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
				return err
			}
		}
		started := time.Now()
		if srv, err = start(ctx, o.bin, nil, env, o.url+"/readyz", filepath.Join(work, "server.log")); err != nil {
			return err
		}
		defer srv.stop()
		rep.StartupMS = ms(time.Since(started))
		o.pid = srv.cmd.Process.Pid
		fmt.Fprintf(out, "# server pid %d at %s, ready in %.0f ms\n", o.pid, o.url, rep.StartupMS)
	} else if u, err := url.Parse(o.url); err != nil || !isLoopback(u.Hostname()) {
		return fmt.Errorf("-url must be a loopback address, got %q", o.url)
	}
	rep.Server = o.url
	c := newClient(o.url, max(o.conns, 64))
	l := &load{o: o, c: c, rep: rep, out: out, pid: o.pid}
	if err := l.prepare(ctx); err != nil {
		return err
	}
	var ref *limitRef
	if o.limitRef != "" {
		if ref, err = startLimitRef(ctx, o.limitRef, work); err != nil {
			return err
		}
		defer ref.proc.stop()
	}
	for _, ph := range l.phases(ref) {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), ph.name) && !strings.HasPrefix(ph.name, "limit_ref") {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if ph.setup != nil {
			if err := ph.setup(ctx); err != nil {
				return fmt.Errorf("%s: %w", ph.name, err)
			}
		}
		res := l.measure(ctx, ph)
		if ph.done != nil {
			res.Note = ph.done(ctx)
		}
		rep.Results = append(rep.Results, res)
		fmt.Fprintf(out, "# %-20s %8.0f/s p99 %7.1f ms errors %d %s\n", res.Path, res.PerSecond, res.P99, res.Errors, res.Note)
	}
	rep.PeakRSSMB = peakRSS(o.pid)
	if ref != nil {
		rep.LimitRefRSS = peakRSS(ref.proc.cmd.Process.Pid)
		rep.Ratios = map[string]float64{}
		byPath := map[string]Result{}
		for _, r := range rep.Results {
			byPath[r.Path] = r
		}
		for product, limit := range map[string]string{"child_page": "limit_ref_page", "vote": "limit_ref_vote"} {
			if p, ok := byPath[product]; ok && byPath[limit].PerSecond > 0 {
				rep.Ratios[product] = p.PerSecond / byPath[limit].PerSecond
			}
		}
	}
	printTable(out, rep)
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if !rep.VoteExact && rep.VoteCheck != "" && rep.VoteCheck != "not run" {
		return errors.New("vote check failed: " + rep.VoteCheck)
	}
	return nil
}

func printTable(out io.Writer, rep *Report) {
	fmt.Fprintf(out, "\n%-22s %5s %8s %9s %8s %8s %8s %8s %6s %8s  %s\n", "path", "conns", "requests", "req/s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "rss_MB", "note")
	for _, r := range rep.Results {
		fmt.Fprintf(out, "%-22s %5d %8d %9.1f %8.2f %8.2f %8.2f %8.1f %6d %8.1f  %s\n", r.Path, r.Conns, r.Requests, r.PerSecond, r.P50, r.P95, r.P99, r.Max, r.Errors, r.RSSMB, r.Note)
	}
	fmt.Fprintf(out, "\nserver (%s, %s): peak memory %.1f MB", rep.Database, rep.Server, rep.PeakRSSMB)
	if rep.StartupMS > 0 {
		fmt.Fprintf(out, ", ready %.0f ms after start", rep.StartupMS)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "vote check: %s\n", rep.VoteCheck)
	for _, k := range []string{"child_page", "vote"} {
		if v, ok := rep.Ratios[k]; ok {
			fmt.Fprintf(out, "ratio to limit-ref, %s: %.2f×\n", k, v)
		}
	}
}

// ---- HTTP ---------------------------------------------------------------------------------

type client struct {
	hc   *fasthttp.HostClient
	host string
}

func newClient(base string, conns int) *client {
	u, _ := url.Parse(base)
	return &client{host: u.Host, hc: &fasthttp.HostClient{Addr: u.Host, MaxConns: conns + 8, ReadTimeout: 30 * time.Second,
		WriteTimeout: 10 * time.Second, MaxIdleConnDuration: time.Minute, MaxResponseBodySize: 256 << 20, StreamResponseBody: false}}
}

type request struct {
	method, path, token string
	body                []byte
}

// do sends one request and returns the status, the body (copied) and the time it took.
func (c *client) do(r request, keep bool) (int, []byte, time.Duration, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(r.method)
	req.SetRequestURI("http://" + c.host + r.path)
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.body != nil {
		req.Header.SetContentType("application/json")
		req.SetBody(r.body)
	}
	t := time.Now()
	err := c.hc.DoTimeout(req, resp, 30*time.Second)
	took := time.Since(t)
	if err != nil {
		return 0, nil, took, err
	}
	var body []byte
	if keep {
		body = append([]byte(nil), resp.Body()...)
	}
	return resp.StatusCode(), body, took, nil
}

// json sends a request and decodes a 2xx answer into v.
func (c *client) json(r request, v any) error {
	status, body, _, err := c.do(r, true)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", r.method, r.path, status, truncate(body))
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(body, v)
}

func truncate(b []byte) string {
	if len(b) > 300 {
		b = b[:300]
	}
	return string(b)
}

// ---- the city's people and proposals ------------------------------------------------------

type child struct {
	token  string
	body   int
	design []string // design proposals of the body
}

type bodyInfo struct {
	design, needs, all, open []string
	options                  map[string][]string // design proposal -> option IDs
}

type load struct {
	o           options
	c           *client
	rep         *Report
	out         io.Writer
	pid         int
	children    []*child
	bodies      map[int]*bodyInfo
	committee   string
	facilitator []string
	deepCursor  string
	votes       *voteBook
}

func (l *load) prepare(ctx context.Context) error {
	var staff struct {
		Token string `json:"token"`
	}
	if err := l.c.json(request{method: "POST", path: "/api/v1/auth/staff/login", body: mustJSON(map[string]string{
		"username": models.SyntheticCommittee, "password": models.SyntheticStaffPassword})}, &staff); err != nil {
		return fmt.Errorf("committee sign-in (is -data a generated city?): %w", err)
	}
	l.committee = staff.Token
	for b := 0; b < min(l.o.bodies, 8); b++ {
		if err := l.c.json(request{method: "POST", path: "/api/v1/auth/staff/login", body: mustJSON(map[string]string{
			"username": models.SyntheticFacilitator(b), "password": models.SyntheticStaffPassword})}, &staff); err != nil {
			return fmt.Errorf("facilitator sign-in: %w", err)
		}
		l.facilitator = append(l.facilitator, staff.Token)
	}
	// Children spread over the bodies; sign-ins run a few at a time, as argon2 takes a core each.
	n := l.o.children
	l.children = make([]*child, n)
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	sem := make(chan struct{}, 8)
	started := time.Now()
	for i := range n {
		b := i % l.o.bodies
		k := (i / l.o.bodies) % l.o.cpb
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			tok, err := l.childSignIn(b, k)
			if err != nil {
				firstErr.CompareAndSwap(nil, &err)
				return
			}
			l.children[i] = &child{token: tok, body: b}
		}()
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return fmt.Errorf("child sign-in: %w", *e)
	}
	fmt.Fprintf(l.out, "# signed in %d children in %.1f s, %d staff\n", n, time.Since(started).Seconds(), 1+len(l.facilitator))
	l.bodies = map[int]*bodyInfo{}
	for _, ch := range l.children {
		if l.bodies[ch.body] != nil {
			ch.design = l.bodies[ch.body].design
			continue
		}
		bi := &bodyInfo{options: map[string][]string{}}
		for _, stage := range []string{"design", "needs", ""} {
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			path := "/api/v1/proposals?limit=100"
			if stage != "" {
				path += "&stage=" + stage
			}
			if err := l.c.json(request{method: "GET", path: path, token: ch.token}, &page); err != nil {
				return err
			}
			for _, it := range page.Items {
				switch stage {
				case "design":
					bi.design = append(bi.design, it.ID)
				case "needs":
					bi.needs = append(bi.needs, it.ID)
				default:
					bi.all = append(bi.all, it.ID)
				}
			}
		}
		bi.open = append(append([]string(nil), bi.needs...), bi.design...)
		if len(bi.design) > 8 {
			bi.design = bi.design[:8]
		}
		for _, id := range bi.design {
			var d struct {
				Options []struct {
					ID string `json:"id"`
				} `json:"options"`
			}
			if err := l.c.json(request{method: "GET", path: "/api/v1/proposals/" + id, token: ch.token}, &d); err != nil {
				return err
			}
			for _, o := range d.Options {
				bi.options[id] = append(bi.options[id], o.ID)
			}
		}
		l.bodies[ch.body] = bi
		ch.design = bi.design
	}
	// A page deep in the committee's city: follow the cursor 50 pages in.
	cursor := ""
	for range 50 {
		var page struct {
			Next *string `json:"next_cursor"`
		}
		if err := l.c.json(request{method: "GET", path: "/api/v1/proposals?limit=20" + cursorParam(cursor), token: l.committee}, &page); err != nil {
			return err
		}
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	l.deepCursor = cursor
	return nil
}

func cursorParam(c string) string {
	if c == "" {
		return ""
	}
	return "&cursor=" + url.QueryEscape(c)
}

func (l *load) childSignIn(b, k int) (string, error) {
	var res struct {
		Token string `json:"token"`
	}
	err := l.c.json(request{method: "POST", path: "/api/v1/auth/child/login", body: mustJSON(map[string]string{
		"body_code": models.SyntheticJoinCode(b), "login_name": models.SyntheticLoginName(k), "pin": models.SyntheticPIN})}, &res)
	return res.Token, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// ---- phases -------------------------------------------------------------------------------

type phase struct {
	name  string
	conns int
	c     *client
	// next builds worker w's n-th request; ok says whether the answer is the expected one.
	next  func(w, n int) request
	ok    func(status int) bool
	after func(w, n, status int, err error)
	setup func(ctx context.Context) error
	done  func(ctx context.Context) string
	dur   time.Duration
	// once: each worker sends exactly one request (a class signing in at once).
	once bool
}

func ok2xx(status int) bool { return status/100 == 2 }

func (l *load) phases(ref *limitRef) []phase {
	conns := l.o.conns
	pick := func(w, n int) *child { return l.children[(w+n*conns)%len(l.children)] }
	var out []phase
	out = append(out, phase{name: "signin40", conns: 40, once: true, ok: ok2xx, next: func(w, n int) request {
		// A class of 40 of one body at once; another body each run so no session piles up.
		b := (l.o.bodies - 1) % l.o.bodies
		return request{method: "POST", path: "/api/v1/auth/child/login", body: mustJSON(map[string]string{
			"body_code": models.SyntheticJoinCode(b), "login_name": models.SyntheticLoginName(w % l.o.cpb), "pin": models.SyntheticPIN})}
	}})
	out = append(out, phase{name: "child_page", conns: conns, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/proposals?limit=20", token: pick(w, n).token}
	}})
	if ref != nil {
		out = append(out, phase{name: "limit_ref_page", conns: conns, c: ref.c, ok: ok2xx, next: func(w, n int) request {
			return request{method: "GET", path: "/proposals?limit=20"}
		}})
	}
	out = append(out, phase{name: "child_read", conns: conns, ok: ok2xx, next: func(w, n int) request {
		ch := pick(w, n)
		all := l.bodies[ch.body].all
		return request{method: "GET", path: "/api/v1/proposals/" + all[n%len(all)], token: ch.token}
	}})
	out = append(out, phase{name: "facilitator_page", conns: conns, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/proposals?limit=20", token: l.facilitator[(w+n)%len(l.facilitator)]}
	}})
	out = append(out, phase{name: "committee_page", conns: conns, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/proposals?limit=20", token: l.committee}
	}})
	out = append(out, phase{name: "committee_deep_page", conns: conns, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/proposals?limit=20" + cursorParam(l.deepCursor), token: l.committee}
	}})
	out = append(out, phase{name: "public_list", conns: conns, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/public/proposals?limit=20"}
	}})
	out = append(out, phase{name: "support", conns: conns, ok: ok2xx, next: func(w, n int) request {
		ch := pick(w, n)
		needs := l.bodies[ch.body].needs
		if len(needs) == 0 {
			return request{method: "GET", path: "/api/v1/proposals?limit=1", token: ch.token}
		}
		method := "PUT"
		if (n/len(l.children))%2 == 1 {
			method = "DELETE"
		}
		return request{method: method, path: "/api/v1/proposals/" + needs[(n/7)%len(needs)] + "/support", token: ch.token}
	}, after: nil})
	vb := &voteBook{l: l}
	l.votes = vb
	out = append(out, phase{name: "vote", conns: conns, ok: ok2xx, setup: vb.setup, next: vb.next, after: vb.after, done: vb.check})
	if ref != nil {
		var seq atomic.Int64 // a new (proposal, child) pair on every request, as its votes.lua does
		out = append(out, phase{name: "limit_ref_vote", conns: conns, c: ref.c, ok: func(s int) bool { return s == 201 },
			next: func(w, n int) request {
				k := seq.Add(1)
				return request{method: "POST", path: "/votes", token: ref.token,
					body: fmt.Appendf(nil, `{"proposal_id":%d,"child_id":%d,"option":"yes"}`, k%int64(ref.proposals)+1, k/int64(ref.proposals)+1)}
			}})
	}
	out = append(out, phase{name: "comment", conns: conns, ok: ok2xx, next: func(w, n int) request {
		ch := pick(w, n)
		open := l.bodies[ch.body].open // needs and design take comments
		return request{method: "POST", path: "/api/v1/proposals/" + open[n%len(open)] + "/comments", token: ch.token,
			body: mustJSON(map[string]string{"body": commentTexts[n%len(commentTexts)]})}
	}})
	heavy := l.o.heavyConns
	out = append(out, phase{name: "stats", conns: heavy, ok: ok2xx, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/stats", token: l.committee}
	}})
	out = append(out, phase{name: "csv", conns: 1, ok: ok2xx, dur: l.o.dur, next: func(w, n int) request {
		return request{method: "GET", path: "/api/v1/stats/export.csv", token: l.committee}
	}})
	return out
}

var commentTexts = []string{"我也想要这个", "这个主意很好，周末可以去", "希望早点做好", "可以多放几个座位吗", "我同意第一个方案"}

// measure runs a phase: a warm-up, then the measured time, every worker sending its next
// request as soon as the last one is answered.
func (l *load) measure(ctx context.Context, ph phase) Result {
	c := ph.c
	if c == nil {
		c = l.c
	}
	dur := cmpOr(ph.dur, l.o.dur)
	res := Result{Path: ph.name, Conns: ph.conns, Statuses: map[string]int{}}
	var mu sync.Mutex
	var lat []time.Duration
	var rssMax atomic.Int64
	stopRSS := make(chan struct{})
	go func() { // the server's resident memory, sampled
		pid := l.pid
		if ph.c != nil && ph.c != l.c {
			pid = 0
		}
		for {
			if r := rss(pid); r > rssMax.Load() {
				rssMax.Store(r)
			}
			select {
			case <-stopRSS:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	run := func(window time.Duration, record bool) time.Duration {
		deadline := time.Now().Add(window)
		var wg sync.WaitGroup
		t0 := time.Now()
		var last atomic.Int64
		for w := range ph.conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				statuses := map[string]int{}
				errs := 0
				for n := 0; ; n++ {
					if ctx.Err() != nil || (!ph.once && time.Now().After(deadline)) || (ph.once && n > 0) {
						break
					}
					r := ph.next(w, n)
					status, _, took, err := c.do(r, false)
					if ph.after != nil {
						ph.after(w, n, status, err)
					}
					if !record {
						continue
					}
					mine = append(mine, took)
					switch {
					case err != nil:
						errs++
						statuses["transport"]++
					case !ph.ok(status):
						errs++
						statuses[strconv.Itoa(status)]++
					}
				}
				if e := int64(time.Since(t0)); e > last.Load() {
					last.Store(e)
				}
				mu.Lock()
				lat = append(lat, mine...)
				res.Errors += errs
				for k, v := range statuses {
					res.Statuses[k] += v
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		return time.Since(t0)
	}
	if !ph.once && l.o.warm > 0 {
		run(l.o.warm, false)
	}
	profiled := make(chan struct{})
	if l.o.pprofAddr != "" && (ph.c == nil || ph.c == l.c) && !ph.once {
		go func() { // a CPU profile of the measured window
			defer close(profiled)
			secs := max(1, int(dur.Seconds())-1)
			status, body, err := (&fasthttp.Client{ReadTimeout: dur + 30*time.Second}).GetTimeout(nil,
				fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", l.o.pprofAddr, secs), dur+30*time.Second)
			if err == nil && status == 200 {
				_ = os.WriteFile(filepath.Join(l.o.profileDir, ph.name+".pprof"), body, 0o644)
			}
		}()
	} else {
		close(profiled)
	}
	took := run(dur, true)
	<-profiled
	close(stopRSS)
	slices.Sort(lat)
	res.Requests = len(lat)
	if took > 0 {
		res.PerSecond = float64(len(lat)) / took.Seconds()
	}
	if len(lat) > 0 {
		q := func(p float64) float64 { return ms(lat[min(len(lat)-1, int(p*float64(len(lat))))]) }
		res.P50, res.P95, res.P99, res.Max = q(0.50), q(0.95), q(0.99), ms(lat[len(lat)-1])
	}
	if ph.once {
		res.Note = fmt.Sprintf("all %d in within %.2f s", len(lat), res.Max/1000)
	}
	res.RSSMB = float64(rssMax.Load()) / (1 << 20)
	return res
}

func cmpOr(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ---- votes and their check ----------------------------------------------------------------

// voteBook gives each worker its own (child, proposal) pairs, so that the last vote a worker
// saw acknowledged for a pair is the vote stored, and checks afterwards that the tallies moved
// by exactly the votes acknowledged.
type voteBook struct {
	l       *load
	pairs   [][]*pair // by worker
	before  map[string]map[string]int
	acked   atomic.Int64
	fresh   atomic.Int64
	changes atomic.Int64
	unsure  atomic.Int64
}

type pair struct {
	ch             *child
	proposal       string
	options        []string
	initial, final string // "" = no vote
	sent           string
	uncertain      bool
}

func (vb *voteBook) setup(ctx context.Context) error {
	l := vb.l
	conns := l.o.conns
	vb.pairs = make([][]*pair, conns)
	// Each child belongs to one worker; its pairs are the design proposals of its body.
	for i, ch := range l.children {
		w := i % conns
		for _, id := range ch.design {
			opts := l.bodies[ch.body].options[id]
			if len(opts) < 2 {
				continue
			}
			var d struct {
				My *struct {
					Vote *string `json:"vote_option_id"`
				} `json:"my"`
			}
			if err := l.c.json(request{method: "GET", path: "/api/v1/proposals/" + id, token: ch.token}, &d); err != nil {
				return err
			}
			p := &pair{ch: ch, proposal: id, options: opts}
			if d.My != nil && d.My.Vote != nil {
				p.initial = *d.My.Vote
			}
			p.final = p.initial
			vb.pairs[w] = append(vb.pairs[w], p)
		}
	}
	var err error
	vb.before, err = vb.tallies()
	return err
}

// tallies reads the stored tallies of every proposal in play, as the committee sees them live.
func (vb *voteBook) tallies() (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	for _, ps := range vb.pairs {
		for _, p := range ps {
			if out[p.proposal] != nil {
				continue
			}
			var res struct {
				Options []struct {
					ID    string `json:"id"`
					Votes int    `json:"votes"`
				} `json:"options"`
			}
			if err := vb.l.c.json(request{method: "GET", path: "/api/v1/proposals/" + p.proposal + "/results", token: vb.l.committee}, &res); err != nil {
				return nil, err
			}
			out[p.proposal] = map[string]int{}
			for _, o := range res.Options {
				out[p.proposal][o.ID] = o.Votes
			}
		}
	}
	return out, nil
}

func (vb *voteBook) pairOf(w, n int) *pair {
	ps := vb.pairs[w]
	if len(ps) == 0 {
		return nil
	}
	return ps[n%len(ps)]
}

func (vb *voteBook) next(w, n int) request {
	p := vb.pairOf(w, n)
	if p == nil {
		return request{method: "GET", path: "/api/v1/proposals?limit=1", token: vb.l.committee}
	}
	// Another option than the one stored: a new vote the first time, a change after.
	cur := slices.Index(p.options, p.final)
	p.sent = p.options[(cur+1+n%2)%len(p.options)]
	if p.sent == p.final {
		p.sent = p.options[(cur+1)%len(p.options)]
	}
	return request{method: "PUT", path: "/api/v1/proposals/" + p.proposal + "/vote", token: p.ch.token,
		body: mustJSON(map[string]string{"option_id": p.sent})}
}

func (vb *voteBook) after(w, n, status int, err error) {
	p := vb.pairOf(w, n)
	if p == nil {
		return
	}
	switch {
	case err != nil || status >= 500:
		p.uncertain = true // it may or may not have been stored
		vb.unsure.Add(1)
	case status == 200:
		if p.final == "" {
			vb.fresh.Add(1)
		} else {
			vb.changes.Add(1)
		}
		p.final = p.sent
		vb.acked.Add(1)
	}
}

// check compares every tally with the one expected from the acknowledged votes, and every
// pair's stored vote with the last one acknowledged.
func (vb *voteBook) check(ctx context.Context) string {
	l := vb.l
	time.Sleep(200 * time.Millisecond) // answers in flight when the clock ran out
	after, err := vb.tallies()
	if err != nil {
		l.rep.VoteCheck = "could not read tallies: " + err.Error()
		return l.rep.VoteCheck
	}
	expected := map[string]map[string]int{}
	for id, t := range vb.before {
		expected[id] = map[string]int{}
		for o, v := range t {
			expected[id][o] = v
		}
	}
	pairs, wrong := 0, 0
	for _, ps := range vb.pairs {
		for _, p := range ps {
			pairs++
			if p.initial != "" {
				expected[p.proposal][p.initial]--
			}
			if p.final != "" {
				expected[p.proposal][p.final]++
			}
			var d struct {
				My *struct {
					Vote *string `json:"vote_option_id"`
				} `json:"my"`
			}
			if err := l.c.json(request{method: "GET", path: "/api/v1/proposals/" + p.proposal, token: p.ch.token}, &d); err != nil {
				wrong++
				continue
			}
			got := ""
			if d.My != nil && d.My.Vote != nil {
				got = *d.My.Vote
			}
			if got != p.final && !p.uncertain {
				wrong++
			}
		}
	}
	diffs := 0
	for id, t := range expected {
		for o, v := range t {
			if after[id][o] != v {
				diffs++
			}
		}
	}
	summary := fmt.Sprintf("%d votes acknowledged (%d new pairs, %d changes) over %d pairs on %d proposals; %d uncertain",
		vb.acked.Load(), vb.fresh.Load(), vb.changes.Load(), pairs, len(expected), vb.unsure.Load())
	switch {
	case vb.unsure.Load() > 0:
		l.rep.VoteCheck = "INCONCLUSIVE: " + summary
	case diffs == 0 && wrong == 0:
		l.rep.VoteCheck, l.rep.VoteExact = "PASS: "+summary+"; every tally equals the votes acknowledged", true
	default:
		l.rep.VoteCheck = fmt.Sprintf("FAIL: %s; %d option tallies and %d stored votes differ", summary, diffs, wrong)
	}
	return l.rep.VoteCheck
}

// ---- processes ----------------------------------------------------------------------------

type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func start(ctx context.Context, bin string, args, env []string, ready, logPath string) (*process, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(p.done) }()
	deadline := time.Now().Add(5 * time.Minute)
	hc := &fasthttp.Client{}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case <-p.done:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s stopped: %s", bin, truncate(b))
		default:
		}
		status, _, err := hc.GetTimeout(nil, ready, time.Second)
		if err == nil && status == 200 {
			return p, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("%s not ready in time", bin)
}

// stop ends the process it started, by its own ID: SIGTERM, then SIGKILL after 20 s.
func (p *process) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func build(ctx context.Context, dir, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v: %s", pkg, err, b)
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// rss is a process's resident memory in bytes (0 when unknown).
func rss(pid int) int64 { return procStatus(pid, "VmRSS:") }

// peakRSS is a process's peak resident memory in MB.
func peakRSS(pid int) float64 { return float64(procStatus(pid, "VmHWM:")) / (1 << 20) }

func procStatus(pid int, field string) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ---- the limit reference ------------------------------------------------------------------

type limitRef struct {
	proc      *process
	c         *client
	token     string
	proposals int
}

func startLimitRef(ctx context.Context, dir, work string) (*limitRef, error) {
	bin := filepath.Join(work, "benchref")
	if err := build(ctx, dir, ".", bin); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	const secret, proposals = "tongsheng-load-limit-ref", 1000
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	p, err := start(ctx, bin, []string{"-port", strconv.Itoa(port), "-db", filepath.Join(work, "ref.db"),
		"-seed-proposals", strconv.Itoa(proposals), "-secret", secret}, nil, base+"/hello", filepath.Join(work, "ref.log"))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Subject: "child-1",
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(2 * time.Hour))}).SignedString([]byte(secret))
	if err != nil {
		p.stop()
		return nil, err
	}
	return &limitRef{proc: p, c: newClient(base, 64), token: tok, proposals: proposals}, nil
}
