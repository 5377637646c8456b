// Package frontend holds the web app (plain HTML, CSS and JavaScript modules, no build step),
// embedded so the one binary serves it.
package frontend

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

//go:embed static
var files embed.FS

// Site is the embedded web app and the hash of its contents. Files are served under
// /static/<hash>/, so a tablet caches them for good and still never runs stale code: any change
// to any file changes the prefix.
type Site struct {
	FS    fs.FS
	Hash  string
	Index []byte // index.html with the hashed prefix filled in
	// Gzip holds each file compressed once at start, for clients that accept gzip; a file that
	// would not shrink is left out.
	Gzip map[string][]byte
}

// Load reads the embedded site.
func Load() (*Site, error) {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	var names []string
	if err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	}); err != nil {
		return nil, err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	site := &Site{FS: sub, Hash: hex.EncodeToString(h.Sum(nil))[:12], Gzip: map[string][]byte{}}
	for _, n := range names {
		b, _ := fs.ReadFile(sub, n) // read above
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		if buf.Len() < len(b) {
			site.Gzip[n] = buf.Bytes()
		}
	}
	index, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		return nil, err
	}
	site.Index = bytes.ReplaceAll(index, []byte("/static/HASH/"), []byte("/static/"+site.Hash+"/"))
	return site, nil
}
