package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"tongsheng/models"
)

// loadSecret returns a 32-byte secret: from value (hex, base64 or a passphrase of at least 32
// characters), else from the file named by file, else from name in dataDir, generated there
// with mode 0600 on first use.
func loadSecret(value, file, dataDir, name string) ([]byte, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read secret file: %w", err)
		}
		return models.ParseSecret(b)
	}
	if value != "" {
		return models.ParseSecret([]byte(value))
	}
	path := filepath.Join(dataDir, name)
	b, err := os.ReadFile(path)
	if err == nil {
		return models.ParseSecret(b)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPath(err)) // never replace a secret that exists
	}
	if err := models.PrepareDataDir(dataDir); err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another instance starting beside this one wrote it first
		return loadSecret("", "", dataDir, name)
	}
	if err == nil {
		_, err = f.WriteString(hex.EncodeToString(secret) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	return secret, nil
}

// unwrapPath keeps the reason of a file error without repeating its path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
