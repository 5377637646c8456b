package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongsheng/seeds"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func post(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// The run command serves demo data whose printed sign-ins work, and stops cleanly on a signal.
func TestServeWithDemoData(t *testing.T) {
	addr := freeAddr(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, envOf(map[string]string{"TONGSHENG_DATA_DIR": dir, "TONGSHENG_ADDR": addr}), &stdout, &stderr)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	printed := stdout.String()
	for _, want := range []string{seeds.AdminPassword, seeds.CouncilCode, "xiaoyu", seeds.FacilitatorUser} {
		if !strings.Contains(printed, want) {
			t.Errorf("printed sign-ins lack %q:\n%s", want, printed)
		}
	}
	for _, login := range []struct {
		url  string
		body map[string]string
	}{
		{"/api/v1/auth/staff/login", map[string]string{"username": seeds.AdminUser, "password": seeds.AdminPassword}},
		{"/api/v1/auth/staff/login", map[string]string{"username": seeds.CommitteeUser, "password": seeds.CommitteePassword}},
		{"/api/v1/auth/staff/login", map[string]string{"username": seeds.FacilitatorUser, "password": seeds.FacilitatorPassword}},
		{"/api/v1/auth/child/login", map[string]string{"body_code": seeds.CouncilCode, "login_name": "xiaoyu", "pin": "1357"}},
		{"/api/v1/auth/child/login", map[string]string{"body_code": seeds.ObserverCode, "login_name": "xingxing", "pin": "5791"}},
	} {
		status, out := post(t, base+login.url, login.body)
		if status != 200 || out["token"] == nil {
			t.Errorf("demo sign-in %v: %d %v", login.body, status, out)
		}
	}
	// The consented demo children can write; the one waiting for consent cannot.
	_, xiaoyu := post(t, base+"/api/v1/auth/child/login", map[string]string{"body_code": seeds.CouncilCode, "login_name": "lele", "pin": "2468"})
	if me := xiaoyu["user"].(map[string]any); me["consent_status"] != "active" || me["assent"] != "given" {
		t.Errorf("demo child lacks consent: %v", me)
	}
	_, ahao := post(t, base+"/api/v1/auth/child/login", map[string]string{"body_code": seeds.CouncilCode, "login_name": "ahao", "pin": "4680"})
	if me := ahao["user"].(map[string]any); me["consent_status"] != "pending" {
		t.Errorf("ahao should wait for consent: %v", me)
	}
	// The demo city has a proposal in every stage, in the public notice.
	res, err := http.Get(base + "/api/v1/public/proposals?limit=100")
	if err != nil {
		t.Fatal(err)
	}
	var pub struct {
		Items []struct{ Stage string } `json:"items"`
	}
	_ = json.NewDecoder(res.Body).Decode(&pub)
	res.Body.Close()
	stages := map[string]bool{}
	for _, it := range pub.Items {
		stages[it.Stage] = true
	}
	for _, st := range []string{"needs", "design", "decision", "evaluation", "closed"} {
		if !stages[st] {
			t.Errorf("demo data has no published proposal in %s", st)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop")
	}
	// The PIN as a number of its own: its digits inside a timestamp's fractions are no PIN.
	if strings.Contains(stderr.String(), seeds.AdminPassword) || regexp.MustCompile(`(^|[^0-9])1357([^0-9]|$)`).MatchString(stderr.String()) {
		t.Error("the log holds a demo password or PIN")
	}

	// A restart on the same data does not seed again.
	stdout.Reset()
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		done <- run(ctx2, nil, envOf(map[string]string{"TONGSHENG_DATA_DIR": dir, "TONGSHENG_ADDR": addr}), &stdout, &stderr)
	}()
	time.Sleep(500 * time.Millisecond)
	cancel2()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "Demo data loaded") {
		t.Error("demo data loaded twice")
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"TONGSHENG_DATA_DIR": dir, "TONGSHENG_DEMO": "off"})
	ctx := context.Background()
	var out, errs bytes.Buffer
	if err := run(ctx, []string{"migrate"}, env, &out, &errs); err != nil || !strings.Contains(out.String(), "0001_foundation") {
		t.Fatalf("migrate: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"migrate"}, env, &out, &errs); err != nil || !strings.Contains(out.String(), "applied 0") {
		t.Fatalf("second migrate: %v %s", err, out.String())
	}
	if err := run(ctx, []string{"staff", "add", "--username", "root", "--password", "short", "--role", "admin"}, env, &out, &errs); err == nil ||
		!strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password must be refused with a reason: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"staff", "add", "--username", "root", "--password", "a long enough one", "--role", "admin"}, env, &out, &errs); err != nil {
		t.Fatalf("staff add: %v", err)
	}
	if !strings.Contains(out.String(), "created admin root") {
		t.Fatalf("staff add said %q", out.String())
	}
	if err := run(ctx, []string{"seed"}, env, &out, &errs); err == nil {
		t.Fatal("seeding a database that has data must fail")
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := run(ctx, []string{"backup", backup}, env, &out, &errs); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if info, err := os.Stat(backup); err != nil || info.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	if err := run(ctx, []string{"frobnicate"}, env, &out, &errs); err == nil {
		t.Fatal("an unknown command must fail")
	}
	if err := run(ctx, nil, envOf(map[string]string{"TONGSHENG_DATA_DIR": dir, "TONGSHENG_DB": "mysql://x"}), &out, &errs); err == nil {
		t.Fatal("an unsupported database URL must fail")
	}
}

// README's configuration table lists every option the binary reads.
func TestReadmeListsEveryOption(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options {
		if !strings.Contains(string(readme), "`"+o.name+"`") {
			t.Errorf("README does not document %s", o.name)
		}
	}
}
