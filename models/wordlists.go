package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"tongsheng/moderation"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Word list limits.
const (
	MaxListWords  = 100000
	MaxWordLength = 50
)

// wordListsKey is the settings row holding the moderation word lists.
const wordListsKey = "moderation_words"

// listsCheckEvery is how often an instance looks for word lists another instance saved.
var listsCheckEvery = 5 * time.Second

// screenerState keeps the screener in step with the word lists in the database, so that every
// instance sharing it screens with the same lists, without a restart. Screening never waits for
// it: one goroutine per store compares the saved version every listsCheckEvery, and a new list
// is compiled and swapped in (Screener.Replace) while screening goes on with the old one.
type screenerState struct {
	s *moderation.Screener

	mu      sync.Mutex // orders swaps, so an older list never replaces a newer one
	version int64

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// screener returns the current screener; it never blocks.
func (s *Store) screener() *moderation.Screener { return s.screening.s }

// apply swaps in the lists of version unless a newer version is in place already.
func (st *screenerState) apply(version int64, l moderation.Lists) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if version <= st.version {
		return
	}
	st.s.Replace(l)
	st.version = version
}

// reloadWordLists reads the saved lists when their version differs from the one in use.
func (s *Store) reloadWordLists(ctx context.Context) error {
	st := s.screening
	db := s.db.WithContext(ctx)
	var versions []int64
	if err := db.Table("settings").Where("key = ?", wordListsKey).Pluck("version", &versions).Error; err != nil {
		return fmt.Errorf("read word list version: %w", err)
	}
	st.mu.Lock()
	current := st.version
	st.mu.Unlock()
	if len(versions) == 0 || versions[0] == current {
		return nil
	}
	var row struct {
		Value   string
		Version int64
	}
	if err := db.Table("settings").Select("value, version").Where("key = ?", wordListsKey).Take(&row).Error; err != nil {
		return fmt.Errorf("read word lists: %w", err)
	}
	var l moderation.Lists
	if err := json.Unmarshal([]byte(row.Value), &l); err != nil {
		return fmt.Errorf("decode word lists: %w", err)
	}
	st.apply(row.Version, l)
	return nil
}

// watchWordLists starts the goroutine that keeps the lists in step until Close.
func (s *Store) watchWordLists() {
	st := s.screening
	st.stop, st.done = make(chan struct{}), make(chan struct{})
	every := listsCheckEvery
	go func() {
		defer close(st.done)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-st.stop:
				cancel() // a check under way ends with the store
			case <-st.done:
			}
		}()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-st.stop:
				return
			case <-t.C:
				_ = s.reloadWordLists(ctx) // the database may be busy or away: try again next tick
			}
		}
	}()
}

// stopWatching ends the goroutine of watchWordLists, if it runs, and waits for it.
func (st *screenerState) stopWatching() {
	if st.stop == nil {
		return
	}
	st.once.Do(func() { close(st.stop) })
	<-st.done
}

// WordLists returns the moderation word lists (admin).
func (s *Store) WordLists(ctx context.Context, a *Actor) (moderation.Lists, error) {
	if err := a.Require(ManageStaff); err != nil {
		return moderation.Lists{}, err
	}
	return s.screener().Lists(), nil
}

// SetWordLists replaces the moderation word lists: in effect at once here, and within
// seconds on every instance sharing the database. Returns forbidden unless admin,
// validation_failed for too many or too long words.
func (s *Store) SetWordLists(ctx context.Context, a *Actor, l moderation.Lists) error {
	if err := a.Require(ManageStaff); err != nil {
		return err
	}
	var v Invalid
	for name, words := range map[string][]string{"block": l.Block, "hold": l.Hold, "allow": l.Allow} {
		if len(words) > MaxListWords {
			v.Add(name, "field.too_many", map[string]any{"Max": MaxListWords})
		}
		for _, w := range words {
			if n := utf8.RuneCountInString(strings.TrimSpace(w)); n == 0 || n > MaxWordLength {
				v.Add(name, "field.word_length", map[string]any{"Max": MaxWordLength})
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(l)
	if err != nil {
		return err
	}
	// No lock is held while saving: screening goes on with the old lists until the swap.
	var version int64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Table("settings").Select("version").Where("key = ?", wordListsKey).Scan(&version).Error; err != nil {
			return err
		}
		version++
		if err := tx.Exec(`INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
			wordListsKey, string(raw), version, s.Now()).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "wordlists.replace", "settings", wordListsKey, fmt.Sprintf("%d/%d/%d", len(l.Block), len(l.Hold), len(l.Allow)))
	})
	if err != nil {
		return fmt.Errorf("save word lists: %w", err)
	}
	s.screening.apply(version, l)
	return nil
}

// Check screens a text without storing anything: the frontend's warning before submitting. A cry
// for help reads as a write would take it: held, with the kind message alone, whatever else it
// holds (what would block is masked, not refused).
func (s *Store) Check(text string) moderation.Verdict {
	v := s.screener().Screen(text)
	if v.Safeguarding() {
		v.Action = moderation.Hold
		v.Reasons = slices.DeleteFunc(v.Reasons, func(r moderation.Reason) bool { return r.Kind != moderation.KindSafeguarding })
	}
	return v
}
