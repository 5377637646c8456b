package models

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Page selects one page of a list: at most Limit items after Cursor (an item ID).
type Page struct {
	Limit  int
	Cursor string
}

// Page limits of API.md "Conventions".
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// normalise fills in defaults; a cursor that is not an ID starts from the beginning of nothing.
func (p Page) normalise() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	if p.Limit > MaxPageSize {
		p.Limit = MaxPageSize
	}
	return p
}

// pageOf fetches one page of q ordered by col, an ID column (IDs sort by creation), oldest or
// newest first, and returns the cursor of the next page ("" on the last).
func pageOf[T any](q *gorm.DB, p Page, col string, newestFirst bool, id func(T) string) ([]T, string, error) {
	return pageBy(q, p, col, newestFirst, id, func(q *gorm.DB) (rows []T, err error) {
		return rows, q.Find(&rows).Error
	})
}

// pageBy is pageOf with the page's rows read by find.
func pageBy[T any](q *gorm.DB, p Page, col string, newestFirst bool, id func(T) string, find func(*gorm.DB) ([]T, error)) ([]T, string, error) {
	p = p.normalise()
	order, after := col, col+" > ?"
	if newestFirst {
		order, after = col+" DESC", col+" < ?"
	}
	if p.Cursor != "" {
		q = q.Where(after, p.Cursor)
	}
	rows, err := find(q.Order(order).Limit(p.Limit + 1))
	if err != nil {
		return nil, "", err
	}
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		return rows, id(rows[len(rows)-1]), nil
	}
	return rows, "", nil
}

// clean trims surrounding space and drops control characters a form should never carry.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' {
			return -1
		}
		return r
	}, s)
}

// length checks that s has between min and max characters (runes); min 0 makes it optional.
func (v *Invalid) length(field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field, "field.required", nil)
	case n < min:
		v.Add(field, "field.too_short", map[string]any{"Min": min})
	case n > max:
		v.Add(field, "field.too_long", map[string]any{"Max": max})
	}
}

var (
	loginNamePattern = regexp.MustCompile(`^[a-z0-9_]{2,20}$`)
	usernamePattern  = regexp.MustCompile(`^[a-z0-9_.-]{3,32}$`)
	pinPattern       = regexp.MustCompile(`^[0-9]{4,6}$`)
	datePattern      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func validDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
