package models

import (
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// sqliteTime reads the text of a DATETIME value as mattn/go-sqlite3 reads a DATETIME column, for
// a query that reads it as text (childPagePacked): the form the driver writes,
// "2006-01-02 15:04:05.999999999-07:00" in UTC, quickly by hand; anything else as the driver
// does (its list of layouts, or a Unix time in seconds or milliseconds); the zero time if none fits.
func sqliteTime(s string) time.Time {
	if t, ok := parseDriverTime(s); ok {
		return t
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 || n < -1e12 {
			return time.Unix(0, n*int64(time.Millisecond)).UTC()
		}
		return time.Unix(n, 0).UTC()
	}
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// parseDriverTime reads "YYYY-MM-DD HH:MM:SS[.fraction]+00:00", the form the driver writes for a
// time in UTC. Any other form, or offset, is left to the general path.
func parseDriverTime(s string) (time.Time, bool) {
	const head = len("2006-01-02 15:04:05")
	if len(s) < head+len("+00:00") || !strings.HasSuffix(s, "+00:00") {
		return time.Time{}, false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(part string) int {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(s[0:4]), num(s[5:7]), num(s[8:10])
	hour, minute, sec := num(s[11:13]), num(s[14:16]), num(s[17:19])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	nanos := 0
	if frac := s[head : len(s)-len("+00:00")]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		if nanos = num(frac[1:]); nanos < 0 {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			nanos *= 10
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC)
	if t.Day() != day { // 31 April and the like: time.Parse refuses them
		return time.Time{}, false
	}
	return t, true
}
