package models_test

import (
	"os"
	"testing"
)

var tempDirs []string

func osTempDir() (string, error) {
	dir, err := os.MkdirTemp("", "tongsheng-bench-")
	if err == nil {
		tempDirs = append(tempDirs, dir)
	}
	return dir, err
}

// TestMain removes the folders benchmarks made outside the testing package's own.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchCity.s != nil {
		benchCity.s.Close()
	}
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
