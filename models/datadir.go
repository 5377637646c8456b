package models

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// PrepareDataDir makes sure the data folder exists (created readable by its owner only) and
// can be written, and otherwise says in plain words which folder failed and why: a start on
// a read-only or missing folder must not end in a bare "no such file or directory".
func PrepareDataDir(dir string) error {
	if dir == "" {
		return errors.New("the data folder (TONGSHENG_DATA_DIR) is empty")
	}
	name := dir
	if abs, err := filepath.Abs(dir); err == nil {
		name = abs
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("data folder %s does not exist and cannot be created: %s", name, whyNot(err))
		}
	case err != nil:
		return fmt.Errorf("data folder %s cannot be read: %s", name, whyNot(err))
	case !info.IsDir():
		return fmt.Errorf("data folder %s is a file, not a folder", name)
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data folder %s cannot be written: %s", name, whyNot(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// whyNot names the reason of a file system error in words an operator acts on.
func whyNot(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "read-only file system"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on the device"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of its path is a file, not a folder"
	case errors.Is(err, fs.ErrNotExist):
		return "a folder above it is missing"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ownerOnly creates path empty with mode 0600 unless it exists, and takes group and world
// access away from an existing one, so that SQLite (which gives its log and shared-memory
// files the mode of the database file) never creates a file others can read.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return tighten(path)
}

// tighten takes group and world access away from path if it exists.
func tighten(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return os.Chmod(path, info.Mode().Perm()&0o700)
	}
	return nil
}
