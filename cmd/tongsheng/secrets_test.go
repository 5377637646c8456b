package main

import (
	"os"
	"path/filepath"
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
