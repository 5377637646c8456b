package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	a, err := loadSecret("", "", dir, "jwt_secret")
	if err != nil || len(a) != 32 {
		t.Fatalf("generate: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, "jwt_secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("generated secret file mode %v (err %v), want 0600", info.Mode().Perm(), err)
	}
	b, _ := loadSecret("", "", dir, "jwt_secret")
	if string(a) != string(b) {
		t.Fatal("the generated secret changed between loads")
	}
	if _, err := loadSecret("short", "", dir, "x"); err == nil {
		t.Fatal("a short secret was accepted")
	}
	hex := strings.Repeat("ab", 32)
	if k, err := loadSecret(hex, "", dir, "x"); err != nil || k[0] != 0xab {
		t.Fatalf("hex secret: %v", err)
	}
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(strings.Repeat("cd", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := loadSecret("ignored when a file is named", file, dir, "x"); err != nil || k[0] != 0xcd {
		t.Fatalf("secret from a file: %v", err)
	}
	if _, err := loadSecret("", filepath.Join(dir, "missing"), dir, "x"); err == nil {
		t.Fatal("a missing secret file was accepted")
	}
}

// The memory limit is read in MiB, or worked out from the cores (auto); a value the server could
// not run under is refused with a reason, and GOMEMLIMIT, when an operator set it, is left as it is.
func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir() // loadConfig makes the secrets it does not find
	env := func(mem, gomem string) func(string) string {
		return func(name string) string {
			return map[string]string{"TONGSHENG_MEMORY_MB": mem, "GOMEMLIMIT": gomem, "TONGSHENG_DATA_DIR": dir}[name]
		}
	}
	auto := 96<<20 + int64(runtime.NumCPU())*19<<20
	for v, want := range map[string]int64{"": auto, "auto": auto, "256": 256 << 20, "0": 0} {
		c, err := loadConfig(env(v, ""))
		if err != nil || c.memoryLimit != want || c.goMemLimitSet {
			t.Errorf("TONGSHENG_MEMORY_MB=%q: %+v, %v; want a limit of %d", v, c, err, want)
		}
	}
	for _, v := range []string{"-1", "32", "lots", "1.5", "17592186044516", "9007199254740992"} {
		if _, err := loadConfig(env(v, "")); err == nil || !strings.Contains(err.Error(), "TONGSHENG_MEMORY_MB") {
			t.Errorf("TONGSHENG_MEMORY_MB=%q: %v, want a refusal that names the setting", v, err)
		}
	}
	if c, err := loadConfig(env("", "1GiB")); err != nil || !c.goMemLimitSet {
		t.Errorf("GOMEMLIMIT set: %+v, %v", c, err)
	}
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	limitMemory(200<<20, true)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("with GOMEMLIMIT set, the limit moved to %d", got)
	}
	limitMemory(200<<20, false)
	if got := memoryLimitMiB(); got != 200 {
		t.Errorf("the limit is %d MiB, want 200", got)
	}
}
