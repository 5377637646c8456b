package api

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"tongsheng/models"
)

// The proposal list is the most requested body of the API: a child's tablet loads it on every
// visit. encoding/json spent a sixth of the page's time on it through reflection, so the list is
// written by hand here, byte for byte as encoding/json writes it (TestProposalListJSON compares
// the two over every field of ProposalItem, filled at random).

// listBuffers keeps the buffers list bodies are written into.
var listBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// appendProposalList appends the body of GET /proposals.
func appendProposalList(b []byte, items []models.ProposalItem, next *string, total *int64) []byte {
	b = append(b, `{"items":[`...)
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendProposalItem(b, &items[i])
	}
	b = appendNextCursor(b, next)
	if total != nil {
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, *total, 10)
	}
	return append(b, '}')
}

func appendProposalItem(b []byte, it *models.ProposalItem) []byte {
	return append(appendProposalFields(b, it), '}')
}

// appendPublicList appends the body of GET /public/proposals: each item as in the list, with
// its decision and the days left in its notice period.
func appendPublicList(b []byte, items []models.PublicItem, next *string) []byte {
	b = append(b, `{"items":[`...)
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		it := &items[i]
		b = appendProposalFields(b, &it.ProposalItem)
		b = append(b, `,"decision":`...)
		if d := it.Decision; d == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, `{"outcome":`...)
			b = appendJSONString(b, d.Outcome)
			b = append(b, `,"child_summary":`...)
			b = appendJSONString(b, d.ChildSummary)
			b = append(b, `,"responsible_unit":`...)
			b = appendJSONString(b, d.ResponsibleUnit)
			b = append(b, `,"planned_completion":`...)
			b = appendJSONString(b, d.PlannedCompletion)
			b = append(b, `,"decided_at":`...)
			b = appendJSONTime(b, d.DecidedAt)
			b = append(b, `,"notice_until":`...)
			b = appendJSONString(b, d.NoticeUntil)
			b = append(b, '}')
		}
		b = append(b, `,"notice_days_left":`...)
		if it.NoticeDaysLeft == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, int64(*it.NoticeDaysLeft), 10)
		}
		b = append(b, '}')
	}
	b = appendNextCursor(b, next)
	return append(b, '}')
}

// appendNextCursor closes a list's items and writes its next_cursor.
func appendNextCursor(b []byte, next *string) []byte {
	b = append(b, `],"next_cursor":`...)
	if next == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *next)
}

// appendProposalFields writes an item's object up to, not including, its closing brace.
func appendProposalFields(b []byte, it *models.ProposalItem) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, it.ID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, it.Title)
	b = append(b, `,"category":`...)
	b = appendJSONString(b, it.Category)
	b = append(b, `,"stage":`...)
	b = appendJSONString(b, it.Stage)
	b = append(b, `,"visibility":`...)
	b = appendJSONString(b, it.Visibility)
	b = append(b, `,"body":{"id":`...)
	b = appendJSONString(b, it.Body.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, it.Body.Name)
	b = append(b, `},"author":`...)
	if it.Author == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"nickname":`...)
		b = appendJSONString(b, it.Author.Nickname)
		b = append(b, `,"age":`...)
		if it.Author.Age == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, int64(*it.Author.Age), 10)
		}
		b = append(b, '}')
	}
	b = append(b, `,"support_count":`...)
	b = strconv.AppendInt(b, int64(it.SupportCount), 10)
	b = append(b, `,"comment_count":`...)
	b = strconv.AppendInt(b, int64(it.CommentCount), 10)
	if it.ClosedReason != "" {
		b = append(b, `,"closed_reason":`...)
		b = appendJSONString(b, it.ClosedReason)
	}
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, it.CreatedAt)
	b = append(b, `,"response_due_at":`...)
	if it.ResponseDueAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONTime(b, *it.ResponseDueAt)
	}
	if it.Erased {
		b = append(b, `,"erased":true`...)
	}
	if m := it.Marks; m != nil {
		b = append(b, `,"marks":{"mine":`...)
		b = strconv.AppendBool(b, m.Mine)
		b = append(b, `,"supported":`...)
		b = strconv.AppendBool(b, m.Supported)
		b = append(b, `,"voted":`...)
		b = strconv.AppendBool(b, m.Voted)
		b = append(b, `,"evaluated":`...)
		b = strconv.AppendBool(b, m.Evaluated)
		b = append(b, '}')
	}
	if it.FirstResponseAt != nil {
		b = append(b, `,"first_response_at":`...)
		b = appendJSONTime(b, *it.FirstResponseAt)
	}
	return b
}

// appendJSONTime writes t as time.Time's MarshalJSON does for the years it accepts (0–9999; the
// store holds no others).
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string the way encoding/json does with HTML escaping (its
// default): <, > and & as \u003c…, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
