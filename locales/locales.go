// Package locales is the one message catalog for API messages and UI strings, in zh-CN (the
// default) and English, loaded with go-i18n from embedded TOML files.
package locales

import (
	"embed"
	"fmt"
	"sort"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Languages the catalog speaks, the default first.
var Languages = []string{"zh-CN", "en"}

// Default is the language used when a client asks for none we speak.
const Default = "zh-CN"

// Catalog translates message IDs. It is safe for concurrent use.
type Catalog struct {
	bundle     *i18n.Bundle
	matcher    language.Matcher
	messages   map[string]map[string]string // language → ID → text as written
	localizers sync.Map                     // language → *i18n.Localizer
}

// Load reads the embedded catalog.
func Load() (*Catalog, error) {
	bundle := i18n.NewBundle(language.SimplifiedChinese)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: bundle, messages: map[string]map[string]string{}}
	tags := make([]language.Tag, len(Languages))
	for i, lang := range Languages {
		tags[i] = language.MustParse(lang)
		name := "active." + lang + ".toml"
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		mf, err := bundle.ParseMessageFileBytes(raw, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		texts := make(map[string]string, len(mf.Messages))
		for _, m := range mf.Messages {
			texts[m.ID] = m.Other
		}
		c.messages[lang] = texts
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Match picks the catalog language for a `?lang=` value or an Accept-Language header.
func (c *Catalog) Match(preferences ...string) string {
	for _, p := range preferences {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, index, conf := c.matcher.Match(tags...)
		if conf != language.No {
			return Languages[index]
		}
	}
	return Default
}

// Text translates id into lang, filling in data; an unknown ID returns the ID itself, which
// the catalog test makes sure never happens.
func (c *Catalog) Text(lang, id string, data map[string]any) string {
	l, ok := c.localizers.Load(lang)
	if !ok {
		l, _ = c.localizers.LoadOrStore(lang, i18n.NewLocalizer(c.bundle, lang, Default))
	}
	s, err := l.(*i18n.Localizer).Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Messages returns every message of lang as written (templates unfilled), for the frontend.
func (c *Catalog) Messages(lang string) (map[string]string, bool) {
	m, ok := c.messages[lang]
	return m, ok
}

// IDs lists the message IDs of lang, sorted.
func (c *Catalog) IDs(lang string) []string {
	ids := make([]string, 0, len(c.messages[lang]))
	for id := range c.messages[lang] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
