// Package frontend holds the web app (plain HTML, CSS and JavaScript modules, no build step),
// embedded so the one binary serves it.
package frontend

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

//go:embed static
var files embed.FS

// Site is the embedded web app and the hash of its contents. Files are served under
// /static/<hash>/, so a tablet caches them for good and still never runs stale code: any change
// to any file changes the prefix.
type Site struct {
	Hash string
	// Pages holds index.html for each entry module (by its name), with the hashed prefix filled
	// in, the entry's script tag and a modulepreload link for each module the entry needs.
	Pages map[string][]byte
	// Imports holds what each JavaScript module imports.
	Imports map[string]Imports
	// Files holds each file by its name, read once at start; Gzip holds the same compressed, for
	// clients that accept gzip (a file that would not shrink is left out).
	Files map[string][]byte
	Gzip  map[string][]byte
}

// Load reads the embedded site, hashes it and compresses each file once.
func Load() (*Site, error) {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	site := &Site{Files: map[string][]byte{}, Gzip: map[string][]byte{}, Pages: map[string][]byte{}, Imports: map[string]Imports{}}
	var names []string
	if err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		names, site.Files[p] = append(names, p), b
		return nil
	}); err != nil {
		return nil, err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b := site.Files[n]
		h.Write([]byte(n))
		h.Write(b)
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
	site.Hash = hex.EncodeToString(h.Sum(nil))[:12]
	for _, n := range names {
		if strings.HasSuffix(n, ".js") {
			imp, err := ParseImports(n, site.Files[n])
			if err != nil {
				return nil, err
			}
			site.Imports[n] = imp
		}
	}
	index, ok := site.Files["index.html"]
	if !ok || !bytes.Contains(index, []byte(modulesMark)) {
		return nil, fmt.Errorf("index.html with %s: %w", modulesMark, fs.ErrNotExist)
	}
	for _, entry := range Entries {
		if _, ok := site.Files[entry]; !ok {
			return nil, fmt.Errorf("entry module %s: %w", entry, fs.ErrNotExist)
		}
		var tags bytes.Buffer
		for _, m := range site.preloads(entry) {
			fmt.Fprintf(&tags, "<link rel=\"modulepreload\" href=\"/static/HASH/%s\">\n", m)
		}
		fmt.Fprintf(&tags, "<script type=\"module\" src=\"/static/HASH/%s\"></script>", entry)
		page := bytes.Replace(index, []byte(modulesMark), tags.Bytes(), 1)
		if entry == NoticeEntry {
			// The public notice is read by anyone, not added to a tablet's home screen: no manifest
			// (nor the icon it names) to fetch.
			page = manifestLink.ReplaceAll(page, nil)
		}
		site.Pages[entry] = bytes.ReplaceAll(page, []byte("/static/HASH/"), []byte("/static/"+site.Hash+"/"))
	}
	return site, nil
}

// manifestLink is index.html's link to the web manifest, with its line end.
var manifestLink = regexp.MustCompile(`<link rel="manifest"[^>]*>\n?`)

// modulesMark is the line of index.html that becomes a page's module tags.
const modulesMark = "<!-- modules -->"
