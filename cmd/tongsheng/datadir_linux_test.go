package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A start on a missing or read-only data folder exits with a message that names the folder and
// says why, not a bare "no such file or directory".
func TestDataFolderErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, dir, want string }{
		{"under a file", filepath.Join(file, "data"), "does not exist and cannot be created: a part of its path is a file"},
	}
	locked := t.TempDir()
	if os.Geteuid() == 0 {
		// Root passes every permission check, so a read-only mount stands for the locked folder.
		if err := syscall.Mount("tmpfs", locked, "tmpfs", syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m"); err != nil {
			t.Logf("cannot mount a read-only tmpfs (%v): only the missing-folder case runs", err)
		} else {
			t.Cleanup(func() { syscall.Unmount(locked, 0) })
			cases = append(cases,
				struct{ name, dir, want string }{"read-only", locked, "cannot be written: read-only file system"},
				struct{ name, dir, want string }{"missing on a read-only file system", filepath.Join(locked, "data"), "does not exist and cannot be created: read-only file system"})
		}
	} else {
		if err := os.Chmod(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(locked, 0o700) })
		cases = append(cases,
			struct{ name, dir, want string }{"not writable", locked, "cannot be written: permission denied"},
			struct{ name, dir, want string }{"missing in a locked folder", filepath.Join(locked, "data"), "does not exist and cannot be created: permission denied"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cmd := range [][]string{nil, {"migrate"}, {"backup", filepath.Join(t.TempDir(), "copy.db")}} {
				var out, errs bytes.Buffer
				err := run(context.Background(), cmd, envOf(map[string]string{"TONGSHENG_DATA_DIR": c.dir, "TONGSHENG_ADDR": freeAddr(t)}), &out, &errs)
				if err == nil {
					t.Fatalf("%v started on %s", cmd, c.dir)
				}
				msg := err.Error()
				if !strings.Contains(msg, c.dir) || !strings.Contains(msg, c.want) || strings.Contains(msg, "no such file or directory") {
					t.Errorf("%v: %q, want the folder named and %q", cmd, msg, c.want)
				}
			}
		})
	}
}

// A fresh data folder, its database, the generated secrets and backups are readable by their
// owner only.
func TestDataFolderModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := envOf(map[string]string{"TONGSHENG_DATA_DIR": dir, "TONGSHENG_DEMO": "off"})
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env, &out, &errs); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := run(context.Background(), []string{"backup", backup}, env, &out, &errs); err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{dir: 0o700, backup: 0o600}
	for _, name := range []string{"tongsheng.db", "jwt_secret", "data_key"} {
		want[filepath.Join(dir, name)] = 0o600
	}
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		} else if info.Mode().Perm() != mode {
			t.Errorf("%s has mode %o, want %o", filepath.Base(path), info.Mode().Perm(), mode)
		}
	}
}
